-- Errors never carry the account key or a signature.  rest_error_of(sql)
-- runs sql and returns the SQLSTATE (state) and the whole text of its error.
\getenv endpoint AZB_REST_ENDPOINT
-- Azurite's development account key (public, documented by Microsoft).
\set devkey 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
-- A key of the right shape that is not the account's: Azurite answers 403.
SELECT translate(encode(sha512(random()::text::bytea), 'base64'), E'\n', '') AS wrongkey \gset
CREATE FUNCTION rest_error_of(sql text, OUT state text, OUT message text, OUT full_text text)
LANGUAGE plpgsql AS $$
DECLARE
	d text;
	h text;
	c text;
BEGIN
	EXECUTE sql;
	state := '00000';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT, c = PG_EXCEPTION_CONTEXT;
	full_text := concat_ws(E'\n', message, d, h, c);
END
$$;
SELECT azure_container_create('secrets');
SELECT azure_account_add('wrongkey', 'AccountName=devstoreaccount1;AccountKey=' || :'wrongkey' || ';BlobEndpoint=' || :'endpoint', 'secrets');
\c - regress_rest_admin
-- check: 404 ContainerNotFound on put: an error with no key, sig or Authorization
SELECT state, full_text, strpos(full_text, :'devkey') = 0 AND strpos(full_text, :'wrongkey') = 0
                            AND strpos(full_text, 'sig=') = 0 AND strpos(full_text, 'SharedKey') = 0 AS no_secret
  FROM rest_error_of($$SELECT azure_blob_put('x', '\x00'::bytea, container => 'no-such-container')$$);
-- check: azure_blob_get with a wrong account key (Azurite answers 403) -> 38000
SELECT azure_blob_get('bin/empty', account => 'wrongkey');
\echo :SQLSTATE
-- check: the 403 error names the HTTP status
SELECT strpos(full_text, 'HTTP status 403') > 0 AS names_403
  FROM rest_error_of($$SELECT azure_blob_get('bin/empty', account => 'wrongkey')$$);
-- check: 403 with a wrong key: an error with no key, sig or Authorization
SELECT state, strpos(full_text, :'devkey') = 0 AND strpos(full_text, :'wrongkey') = 0
                 AND strpos(full_text, 'sig=') = 0 AND strpos(full_text, 'SharedKey') = 0 AS no_secret
  FROM rest_error_of($$SELECT azure_blob_get('bin/empty', account => 'wrongkey')$$);
-- check: azure_blob_list with a wrong account key -> 38000
SELECT count(*) FROM azure_blob_list(account => 'wrongkey');
\echo :SQLSTATE
-- check: 403 on list with a wrong key: an error with no key, sig or Authorization
SELECT state, full_text, strpos(full_text, :'devkey') = 0 AND strpos(full_text, :'wrongkey') = 0
                            AND strpos(full_text, 'sig=') = 0 AND strpos(full_text, 'SharedKey') = 0 AS no_secret
  FROM rest_error_of($$SELECT count(*) FROM azure_blob_list(account => 'wrongkey')$$);
