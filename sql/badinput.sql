-- Bad-input catalogue: NULLs, empty and 1 MB strings, control characters,
-- path tricks, over-long names, CR/LF in header-like values, unknown and
-- repeated permission letters, lifetimes of 0, negative and of years,
-- infinite times, malformed IP ranges, connection strings and keys, odd
-- arrays, for every function of the extension and its trigger.
--
-- Each case is one line: bad(sql, expected SQLSTATE) runs sql (as the
-- current role) and prints
--   <verdict> | <SQLSTATE: message> | files/accounts/queue <before> -> <after>
-- where verdict is "ok" when the SQLSTATE is the expected one, and the row
-- counts of azure_files, azure_blob.accounts and azure_blob.deletion_queue
-- (relative to the start of this file) show that nothing was written.
-- The REST functions are called with an account whose endpoint is
-- http://127.0.0.1:1 (nothing listens): bad input must fail with its own
-- 22xxx/42xxx code before any request; valid input ends in 08006.
SET azure_blob.allow_http = on;
SET azure_blob.max_retries = 0;
SET azure_blob.connect_timeout_ms = 1000;
SELECT azure_account_add('dead', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1', 'uploads');
-- The user cases log in as themselves: without azure_blob.user_id they act
-- for current_user, so that each case reaches its own check (identity.sql
-- tests the default, require_user_id on).
SET azure_blob.require_user_id = off;
-- Nothing due in the deletion queue, so that no case deletes anything by accident.
UPDATE azure_blob.deletion_queue SET next_attempt_at = 'infinity';
-- A registered file of its own, for the UPDATE cases.
INSERT INTO azure_files (blob_name, user_id) VALUES ('bad/guide.png', 'user_123');

CREATE TABLE bad_baseline AS
SELECT (SELECT count(*) FROM azure_files) AS files, (SELECT count(*) FROM azure_blob.accounts) AS accounts,
       (SELECT count(*) FROM azure_blob.deletion_queue) AS queue;
-- Row counts relative to the baseline, for any role (runs as the owner).
CREATE FUNCTION public.bad_counts() RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT concat((SELECT count(*) FROM public.azure_files) - b.files, '/',
	              (SELECT count(*) FROM azure_blob.accounts) - b.accounts, '/',
	              (SELECT count(*) FROM azure_blob.deletion_queue) - b.queue)
	  FROM public.bad_baseline b
$$;
GRANT EXECUTE ON FUNCTION public.bad_counts() TO PUBLIC;
CREATE FUNCTION public.bad(sql text, expect text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	before text := public.bad_counts();
	result text;
BEGIN
	BEGIN
		EXECUTE sql;
		result := 'ok';
	EXCEPTION WHEN OTHERS THEN
		result := SQLSTATE || ': ' || SQLERRM;
	END;
	-- Deterministic and one line: uuids masked, control characters shown, 1 MB messages cut.
	result := regexp_replace(result, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'gi');
	result := replace(replace(replace(result, E'\r', '\r'), E'\n', '\n'), E'\t', '\t');
	IF length(result) > 160 THEN
		result := left(result, 100) || '...(' || length(result) || ' characters)';
	END IF;
	RETURN concat(CASE WHEN left(result, length(expect)) = expect THEN 'ok' ELSE 'WANTED ' || expect END,
	              ' | ', result, ' | files/accounts/queue ', before, ' -> ', public.bad_counts());
END
$$;
GRANT EXECUTE ON FUNCTION public.bad(text, text) TO PUBLIC;
\pset tuples_only on
\pset format unaligned

-- azure_blob_sas_url --------------------------------------------------------
-- Blob names.
SELECT bad($$SELECT azure_blob_sas_url(NULL, 'r', '2030-01-01')$$, '22004');
SELECT bad($$SELECT azure_blob_sas_url('', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(repeat('a', 1048576), 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(repeat('a', 1025), 'r', '2030-01-01')$$, '22023');
-- Arguments whose worst-case URL encoding (3 bytes a byte) would pass 1 GB: refused by their checks, not by the allocator.
SELECT bad($$SELECT azure_blob_sas_url(repeat('a', 400000000), 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => repeat('c', 400000000))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', cache_control => repeat(' ', 400000000))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(repeat('a', 1024), 'r', '2030-01-01')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url(repeat('a/', 254) || 'a', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('../etc/passwd', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a/../../b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a/./b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('..', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'..\\..\\windows', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\\b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('/abs.txt', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('dir/', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a//b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\nb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\r\nb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\tb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\x01b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\x7fb', 'r', '2030-01-01')$$, '22023');
-- C1 controls, line/paragraph separators and bidirectional formatting characters make a name
-- display as another ("invoice" U+202E "fdp.exe" shows as "invoiceexe.pdf"); their neighbours are fine.
SELECT bad($$SELECT azure_blob_sas_url(E'a\u0080b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u0085b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u009fb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'invoice\u202efdp.exe', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'dir/\u202a/a.txt', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u2066b\u2069', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u200eb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u200fb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u061cb', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u2028b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a\u2029b', 'r', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url(E'a~b\u00a0c', 'r', '2030-01-01')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url(E'10.00\u202fPM\u200d\u2027\u2065\u206a.png', 'r', '2030-01-01')$$, 'ok');
-- Permissions.
SELECT bad($$SELECT azure_blob_sas_url('a.txt', NULL, '2030-01-01')$$, '22004');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', '', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'rr', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'rwdr', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'rq', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'R', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'l', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'f', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r w', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', E'r\n', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r&sp=w', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'é', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', repeat('r', 1048576), '2030-01-01')$$, '22023');
SELECT bad($q$DO $do$ BEGIN SET LOCAL azure_blob.sas_version = '2018-11-09'; PERFORM azure_blob_sas_url('a.txt', 'ry', '2030-01-01'); END $do$ $q$, '22023');
-- Times.
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', NULL)$$, '22004');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', 'infinity')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '-infinity')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '10000-01-01 00:00:00+00')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '294276-12-31 00:00:00+00')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '0001-12-31 23:59:59+00 BC')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '4713-01-01 00:00:00+00 BC')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '0001-01-01 00:00:00+00')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '9999-12-31 23:59:59+00')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => 'infinity')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '-infinity')$$, '22008');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', starts_at => '2030-01-01 00:00:00+00')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', starts_at => '2030-01-01 00:00:00.9+00')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '2031-01-01')$$, '22023');
-- Container, account, protocol, IP range.
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'ab')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => repeat('a', 64))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'Uploads')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'up_loads')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => E'up\nloads')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => '../uploads')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'uploads/x')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'téléchargements')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'nope')$$, '42704');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => E'default\n')$$, '42704');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => repeat('a', 1048576))$$, '42704');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'http')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'https,http,ftp')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => E'https\r\n')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => repeat('https', 200000))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3.4.5')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '256.0.0.1')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3.4/24')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.9-10.0.0.1')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.1-')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '-10.0.0.1')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.1-10.0.0.2-10.0.0.3')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '::1')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => E'10.0.0.1\n')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.1&sp=rw')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => repeat('1', 1048576))$$, '22023');
-- Response overrides, policy id, encryption scope.
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => 'png')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => E'text/plain\r\nX-Evil: 1')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => E'attachment\r\nSet-Cookie: a=b')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', cache_control => E'no-cache\x01')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_encoding => E'gzip\n')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_language => E'en\r')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => repeat('p', 65))$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => 'p%')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => E'p\n')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', NULL, NULL, identifier => 'policy1')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => '')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => 'a&b')$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => E'a\nb')$$, '22023');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => repeat('s', 1048576))$$, '22023');

-- azure_container_sas_url ---------------------------------------------------
SELECT bad($$SELECT azure_container_sas_url(NULL, '2030-01-01')$$, '22004');
SELECT bad($$SELECT azure_container_sas_url('', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rlz', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('ll', '2030-01-01')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rl', NULL)$$, '22004');
SELECT bad($$SELECT azure_container_sas_url('rl', 'infinity')$$, '22008');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', '2030-01-02')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', container => '')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', container => 'a_b')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', account => '')$$, '22023');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', account => 'custom')$$, '55000');
SELECT bad($$SELECT azure_container_sas_url('rl', '2030-01-01', ip_range => '1.2.3.4 ')$$, '22023');

-- azure_generate_upload_sas (as a user) ---------------------------------------
SET ROLE regress_azure_alice;
SELECT bad($$SELECT * FROM azure_generate_upload_sas(NULL, 'text/plain')$$, '22004');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(repeat('a', 1048576), 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(repeat('a', 1025), 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(repeat('a', 988), 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(repeat('a', 987), 'text/plain')$$, 'ok');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('../x.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('..', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('.', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('dir/x.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'..\\x.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x.txt\r\nX-Evil: 1', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\x01.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\x7f.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'invoice\u202efdp.exe', 'application/pdf')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'invoice\u202dfdp.exe', 'application/pdf')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u2067.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u200f.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u061c.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u0085.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u009b.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u2028.txt', 'text/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'x\u00a0~.txt', 'text/plain')$$, 'ok');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'Screenshot 10.00.00\u202fPM.png', 'image/png')$$, 'ok');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', NULL)$$, '22004');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', '')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/' || repeat('p', 251))$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/' || repeat('p', 250))$$, 'ok');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', E'text/plain\r\nX-Evil: 1')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', E'text/plain\n')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', E'text/plain\t')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', '/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/pl ain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain/x')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'tëxt/plain')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain&sp=rw')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', NULL)$$, '22004');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '0')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '-1 second')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '0.999999 seconds')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '7 days 1 second')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '1 mon')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', interval '1 day' - interval '2 days')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '1000 years')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '-1000 years')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '178000000 years')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '-178000000 years')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '2147483647 days')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '-2147483648 days')$$, '22023');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain', '7 days')$$, 'ok');

-- azure_generate_read_sas (as a user) ------------------------------------------
-- A name that cannot be a row is refused like any row the caller cannot see (42501).
SELECT bad($$SELECT azure_generate_read_sas(NULL)$$, '22004');
SELECT bad($$SELECT azure_generate_read_sas('')$$, '42501');
SELECT bad($$SELECT azure_generate_read_sas(repeat('a', 1048576))$$, '42501');
SELECT bad($$SELECT azure_generate_read_sas(E'a\r\nb')$$, '42501');
SELECT bad($$SELECT azure_generate_read_sas('../guide.png')$$, '42501');
SELECT bad($$SELECT azure_generate_read_sas('guide.png', NULL)$$, '22004');
SELECT bad($$SELECT azure_generate_read_sas('guide.png', '0')$$, '22023');
SELECT bad($$SELECT azure_generate_read_sas('guide.png', '-1 day')$$, '22023');
SELECT bad($$SELECT azure_generate_read_sas('guide.png', '8 days')$$, '22023');
SELECT bad($$SELECT azure_generate_read_sas('guide.png', '-178000000 years')$$, '22023');

-- azure_save_metadata (as a user) ----------------------------------------------
SELECT bad($$SELECT azure_save_metadata(NULL)$$, '22004');
SELECT bad($$SELECT azure_save_metadata('')$$, '22023');
SELECT bad($$SELECT azure_save_metadata(repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT azure_save_metadata(E'a\nb')$$, '22023');
SELECT bad($$SELECT azure_save_metadata('../etc/passwd')$$, '22023');
SELECT bad($$SELECT azure_save_metadata(E'a\\b')$$, '22023');
SELECT bad($$SELECT azure_save_metadata(E'invoice\u202efdp.exe')$$, '22023');
SELECT bad($$SELECT azure_save_metadata('00000000-0000-8000-8000-000000000000-x.txt')$$, '42501');
SELECT bad($$SELECT azure_save_metadata('never-issued.txt')$$, '42501');
SELECT bad($$SELECT azure_save_metadata('00000000-0000-4000-8000-000000000000-x.txt')$$, '42501');
SELECT bad($$SELECT azure_save_metadata(u.blob_name, '') FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '22023');
SELECT bad($$SELECT azure_save_metadata(u.blob_name, 'https://evil.example.com/x.txt') FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '22023');
SELECT bad($$SELECT azure_save_metadata(u.blob_name, u.file_url || E'\r\n') FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '22023');
SELECT bad($$SELECT azure_save_metadata(u.blob_name, u.sas_url) FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '22023');
SELECT bad($$SELECT azure_save_metadata(u.blob_name, repeat('h', 1048576)) FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '22023');
SELECT bad($$SELECT azure_save_metadata(upper(u.blob_name)) FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '42501');
SELECT bad($$SELECT azure_save_metadata(u.blob_name || '.exe') FROM azure_generate_upload_sas('x.txt', 'text/plain') u$$, '42501');

-- The trigger: INSERT and UPDATE of azure_files (as a user) ----------------------
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (NULL)$$, '22004');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES ('')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (repeat('a', 1048576))$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (E'a\r\nb')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (E'invoice\u202efdp.exe')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (E'a\u0085b')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES ('a/../b')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES ('not-issued.txt')$$, '42501');
SELECT bad($$INSERT INTO azure_files (blob_name, account) SELECT blob_name, '' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, container) SELECT blob_name, '' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, container) SELECT blob_name, 'Bad' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, account) SELECT blob_name, 'nope' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '42704');
SELECT bad($$INSERT INTO azure_files (blob_name, user_id) SELECT blob_name, '' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, content_type) SELECT blob_name, E'text/plain\r\n' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, content_type) SELECT blob_name, repeat('a', 1048576) FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, size_bytes) SELECT blob_name, -1 FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, etag) SELECT blob_name, E'"0x1"\r\n' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
SELECT bad($$INSERT INTO azure_files (blob_name, file_url) SELECT blob_name, file_url || '?sv=1' FROM azure_generate_upload_sas('x.txt', 'text/plain')$$, '22023');
RESET ROLE;
SELECT bad($$UPDATE azure_files SET blob_name = 'x.txt' WHERE blob_name = 'bad/guide.png'$$, '0A000');
SELECT bad($$UPDATE azure_files SET file_url = 'https://evil.example.com/' WHERE blob_name = 'bad/guide.png'$$, '0A000');
SELECT bad($$UPDATE azure_files SET account = 'prod' WHERE blob_name = 'bad/guide.png'$$, '0A000');
SELECT bad($$UPDATE azure_files SET container = NULL WHERE blob_name = 'bad/guide.png'$$, '0A000');
SELECT bad($$UPDATE azure_files SET user_id = NULL WHERE blob_name = 'bad/guide.png'$$, '22004');
SELECT bad($$UPDATE azure_files SET user_id = '' WHERE blob_name = 'bad/guide.png'$$, '22023');
SELECT bad($$UPDATE azure_files SET size_bytes = -5 WHERE blob_name = 'bad/guide.png'$$, '22023');
SELECT bad($$UPDATE azure_files SET etag = E'x\ny' WHERE blob_name = 'bad/guide.png'$$, '22023');
SELECT bad($$UPDATE azure_files SET content_type = 'image' WHERE blob_name = 'bad/guide.png'$$, '22023');
SELECT bad($$UPDATE azure_files SET content_type = E'image/png\r\nX: 1' WHERE blob_name = 'bad/guide.png'$$, '22023');

-- azure_account_add, azure_account_add_from_env, azure_account_remove ---------
-- Keys: Base64 of exactly 64 bytes.  k64 is a valid one.
SELECT replace(encode(sha512('badinput'), 'base64'), E'\n', '') AS k64 \gset
SELECT bad($$SELECT azure_account_add(NULL, 'UseDevelopmentStorage=true')$$, '22004');
SELECT bad($$SELECT azure_account_add('', 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add(repeat('a', 64), 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add(repeat('a', 1048576), 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add('a b', 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add(E'a\n', 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add('a;b', 'UseDevelopmentStorage=true')$$, '22023');
SELECT bad($$SELECT azure_account_add('dead', 'UseDevelopmentStorage=true')$$, '42710');
SELECT bad($$SELECT azure_account_add('x', NULL)$$, '22004');
SELECT bad($$SELECT azure_account_add('x', '')$$, '22023');
SELECT bad($$SELECT azure_account_add('x', repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT azure_account_add('x', repeat(';', 1048576))$$, '22023');
SELECT bad($$SELECT azure_account_add('x', repeat('AccountName=abc;', 65536))$$, '22023');
SELECT bad($$SELECT azure_account_add('x', E'UseDevelopmentStorage=true;\r\nAccountName=x')$$, '22023');
SELECT bad(format($$SELECT azure_account_add('x', E'AccountName=ab\r\nc;AccountKey=%s')$$, :'k64'), '22023');
-- Whitespace around segments, CR and LF included, is trimmed (a string pasted
-- with its line break still works): accepted, written, removed.
SELECT bad($$SELECT azure_account_add('crlf', E'UseDevelopmentStorage=true\r\n')$$, 'ok');
SELECT bad($$SELECT azure_account_remove('crlf')$$, 'ok');
SELECT bad($$SELECT azure_account_add('x', 'UseDevelopmentStorage=false')$$, '22023');
SELECT bad($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true', '')$$, '22023');
SELECT bad($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true', 'Bad_Name')$$, '22023');
SELECT bad($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true', repeat('a', 1048576))$$, '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, left(:'k64', 84)), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, encode(sha256('x'), 'base64')), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, replace(encode(sha512('x') || '\x00'::bytea, 'base64'), E'\n', '')), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, replace(encode(substr(sha512('x'), 1, 63), 'base64'), E'\n', '')), '22023');
SELECT bad($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=')$$, '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, rtrim(:'k64', '=')), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, overlay(:'k64' placing '-' from 1 for 1)), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, overlay(:'k64' placing '_' from 1 for 1)), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s')$$, overlay(:'k64' placing ' ' from 40 for 1)), '22023');
SELECT bad(format($$SELECT azure_account_add('x', E'AccountName=abc;AccountKey=%s')$$, overlay(:'k64' placing '\n' from 40 for 0)), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;AccountKey=%1$s')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=ABC;AccountKey=%s')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=ab;AccountKey=%s')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=%s;AccountKey=%s')$$, repeat('a', 25), :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;DefaultEndpointsProtocol=ftp')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;BlobEndpoint=javascript:alert(1)')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;BlobEndpoint=https://')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', E'AccountName=abc;AccountKey=%s;BlobEndpoint=https://a.example.com\r\nX-Evil: 1')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;BlobEndpoint=https://a b.example.com')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;BlobEndpoint=https://u:p@a.example.com')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;BlobEndpoint=https://a.example.com/#x')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;EndpointSuffix=evil.example.com/x?')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;EndpointSuffix=')$$, :'k64'), '22023');
SELECT bad(format($$SELECT azure_account_add('x', 'AccountName=abc;AccountKey=%s;SharedAccessSignature=sv=1&sig=2')$$, :'k64'), '0A000');
SELECT bad($$SELECT azure_account_add_from_env('x', NULL)$$, '22004');
SELECT bad($$SELECT azure_account_add_from_env(NULL, 'AZURE_BLOB_SURELY_UNSET')$$, '22004');
SELECT bad($$SELECT azure_account_add_from_env('x', '')$$, '22023');
SELECT bad($$SELECT azure_account_add_from_env('x', 'A=B')$$, '22023');
SELECT bad($$SELECT azure_account_add_from_env('x', E'A\nB')$$, '22023');
SELECT bad($$SELECT azure_account_add_from_env('x', repeat('A', 1048576))$$, '22023');
SELECT bad($$SELECT azure_account_add_from_env('x', 'AZURE_BLOB_SURELY_UNSET')$$, '42704');
SELECT bad($$SELECT azure_account_remove(NULL)$$, '22004');
SELECT bad($$SELECT azure_account_remove('')$$, '22023');
SELECT bad($$SELECT azure_account_remove(repeat('a', 1048576))$$, '22023');
SELECT bad($$SELECT azure_account_remove(E'dead\n')$$, '22023');
SELECT bad($$SELECT azure_account_remove('nope')$$, '42704');

-- REST functions: bad input fails before any request --------------------------
-- azure_blob_put
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_blob_put(NULL, '\x00', account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_blob_put('', '\x00', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put(repeat('a', 1048576), '\x00', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put(E'a\r\nb', '\x00', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a/../b', '\x00', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put(E'a\\b', '\x00', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', '', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', E'text/plain\r\nX-Evil: 1', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', container => '', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', container => 'Bad', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', account => '')$$, '22023');
SELECT bad($$SELECT azure_blob_put('a.txt', '\x00', account => 'nope')$$, '42704');
-- azure_blob_get
SELECT bad($$SELECT azure_blob_get('a.txt', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_blob_get(NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_blob_get('', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get(repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get(E'a\nb', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get('../a', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get('a.txt', container => '', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get('a.txt', container => E'up\nloads', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_get('a.txt', account => '')$$, '22023');
-- azure_blob_delete
SELECT bad($$SELECT azure_blob_delete('a.txt', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_blob_delete(NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_blob_delete('', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_delete(repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_delete('a/./b', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_delete('a.txt', container => 'x', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_blob_delete('a.txt', account => 'nope')$$, '42704');
-- azure_blob_properties
SELECT bad($$SELECT * FROM azure_blob_properties('a.txt', account => 'dead')$$, '08006');
SELECT bad($$SELECT * FROM azure_blob_properties(NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT * FROM azure_blob_properties('', account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_blob_properties(repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_blob_properties('dir/', account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_blob_properties('a.txt', container => repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_blob_properties('a.txt', account => '')$$, '22023');
-- azure_blob_list (a NULL prefix means no prefix)
SELECT bad($$SELECT count(*) FROM azure_blob_list('', account => 'dead')$$, '08006');
SELECT bad($$SELECT count(*) FROM azure_blob_list(NULL, account => 'dead')$$, '08006');
SELECT bad($$SELECT count(*) FROM azure_blob_list(repeat('a', 1024), account => 'dead')$$, '08006');
SELECT bad($$SELECT count(*) FROM azure_blob_list(repeat('a', 1025), account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list(repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list(E'a\r\nb', account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list(E'\x01', account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list('', container => '', account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list('', container => 'UP', account => 'dead')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list('', account => '')$$, '22023');
SELECT bad($$SELECT count(*) FROM azure_blob_list('', account => 'nope')$$, '42704');
-- azure_container_create
SELECT bad($$SELECT azure_container_create('uploads', 'dead')$$, '08006');
SELECT bad($$SELECT azure_container_create(NULL, 'dead')$$, '22004');
SELECT bad($$SELECT azure_container_create('', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('ab', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create(repeat('a', 64), 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create(repeat('a', 1048576), 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('Uploads', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create(E'up\r\nloads', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('-uploads', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('up--loads', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('$root', 'dead')$$, '22023');
SELECT bad($$SELECT azure_container_create('uploads', '')$$, '22023');
-- azure_set_cors
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_set_cors(NULL, '{PUT}', account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', '{*}', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', '{*}', '{*}', NULL, account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{}', '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(ARRAY[NULL]::text[], '{PUT}', account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors(ARRAY['https://a.example.com', NULL], '{PUT}', account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', ARRAY['PUT', NULL], account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', ARRAY[NULL]::text[], account => 'dead')$$, '22004');
SELECT bad($$SELECT azure_set_cors('{""}', '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', '{""}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(ARRAY['https://a.example.com b'], '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(ARRAY['https://a.example.com,https://b.example.com'], '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(ARRAY[E'https://a.example.com\r\n'], '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(ARRAY['https://é.example.com'], '{PUT}', account => 'dead')$$, '22023');
-- Origins and headers are checked for characters only, then XML-escaped: the service judges the rest.
SELECT bad($$SELECT azure_set_cors(ARRAY['<x>&'], '{PUT}', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_set_cors(ARRAY[repeat('a', 1048576)], '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors(array_fill('https://a.example.com'::text, ARRAY[1000]), '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{put}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT,CONNECT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{"PUT "}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{{https://a.example.com},{https://b.example.com}}', '{PUT}', account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', '{x-ms-*,"a:b"}', account => 'dead')$$, '08006');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', '{*}', ARRAY[E'x\ny'], account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', max_age_seconds => -1, account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', max_age_seconds => -2147483648, account => 'dead')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', account => '')$$, '22023');
SELECT bad($$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', account => 'nope')$$, '42704');
-- azure_get_cors
SELECT bad($$SELECT * FROM azure_get_cors('dead')$$, '08006');
SELECT bad($$SELECT * FROM azure_get_cors('')$$, '22023');
SELECT bad($$SELECT * FROM azure_get_cors('nope')$$, '42704');
SELECT bad($$SELECT * FROM azure_get_cors(repeat('a', 1048576))$$, '42704');
-- azure_process_deletions
SELECT bad($$SELECT azure_process_deletions(NULL)$$, '22004');
SELECT bad($$SELECT azure_process_deletions(0)$$, '22023');
SELECT bad($$SELECT azure_process_deletions(-1)$$, '22023');
SELECT bad($$SELECT azure_process_deletions(-2147483648)$$, '22023');
SELECT bad($$SELECT azure_process_deletions(2147483647)$$, 'ok');
-- azure_reconcile
SELECT bad($$SELECT * FROM azure_reconcile(account => 'dead')$$, '08006');
SELECT bad($$SELECT * FROM azure_reconcile(container => '', account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_reconcile(container => 'Bad', account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_reconcile(container => repeat('a', 1048576), account => 'dead')$$, '22023');
SELECT bad($$SELECT * FROM azure_reconcile(account => '')$$, '22023');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'nope')$$, '42704');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'custom')$$, '55000');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'dead', delete_orphans => NULL)$$, '22004');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'dead', min_age => '-1 second')$$, '22023');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'dead', min_age => '300000 years')$$, '22008');
SELECT bad($$SELECT * FROM azure_reconcile(account => 'dead', min_age => '0')$$, '08006');
SELECT bad($q$DO $do$ BEGIN SET LOCAL azure_blob.default_account = ''; PERFORM * FROM azure_reconcile(); END $do$ $q$, '55000');

-- Invalid UTF-8 ---------------------------------------------------------------
-- A UTF8 database cannot hold it: every route from SQL to a text value checks
-- the bytes (22021) before any function of the extension is called; the only
-- byte-preserving route, "char", escapes bytes >= 0x80 as \ooo.
SELECT bad($$SELECT azure_blob_sas_url(E'a\xc3.txt', 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(E'a\303.txt', 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(convert_from('\x61c3'::bytea, 'UTF8'), 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(convert_from('\x61c3'::bytea, 'SQL_ASCII'), 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(convert_from('\xeda080'::bytea, 'UTF8'), 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(convert_from('\xc0af'::bytea, 'UTF8'), 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(convert_from('\xf4908080'::bytea, 'UTF8'), 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(U&'\D800', 'r', '2030-01-01')$$, '42601');
SELECT bad($$SELECT azure_blob_sas_url(chr(55296), 'r', '2030-01-01')$$, '54000');
SELECT encode(convert_to(chr(195)::"char"::text, 'UTF8'), 'hex') AS char_route_bytes;
-- In a SQL_ASCII database text may hold any bytes; there the extension itself
-- refuses them, for every function and the trigger.
SELECT current_database() AS main_db \gset
CREATE DATABASE regress_azure_sqlascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c regress_azure_sqlascii
SET client_min_messages = warning;
CREATE EXTENSION azure_blob;
RESET client_min_messages;
SET azure_blob.allow_http = on;
SET azure_blob.max_retries = 0;
SET azure_blob.verify_uploads = off;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1', 'uploads');
-- The same one-line report, with bytes outside printable ASCII shown as "?".
CREATE FUNCTION bad(sql text, expect text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	before bigint := (SELECT count(*) FROM azure_files) + (SELECT count(*) FROM azure_blob.accounts);
	result text;
BEGIN
	BEGIN
		EXECUTE sql;
		result := 'ok';
	EXCEPTION WHEN OTHERS THEN
		result := SQLSTATE || ': ' || SQLERRM;
	END;
	result := regexp_replace(result, '[^\x20-\x7e]', '?', 'g');
	RETURN concat(CASE WHEN left(result, length(expect)) = expect THEN 'ok' ELSE 'WANTED ' || expect END, ' | ', result,
	              ' | rows written: ', (SELECT count(*) FROM azure_files) + (SELECT count(*) FROM azure_blob.accounts) - before);
END
$$;
SELECT bad($$SELECT azure_blob_sas_url(E'a\xc3.txt', 'r', '2030-01-01')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url(E'a\xc3\xa9.txt', 'r', '2030-01-01') LIKE '%/a%C3%A9.txt?%' AS utf8_bytes_are_fine$$, 'ok');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => E'up\xffloads')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => E'attachment; filename="\xe9"')$$, '22021');
SELECT bad($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_container_sas_url(E'r\xc3', '2030-01-01')$$, '22021');
SELECT bad($$SELECT * FROM azure_generate_upload_sas(E'\xc3.txt', 'text/plain')$$, '22021');
SELECT bad($$SELECT * FROM azure_generate_upload_sas('a.txt', E'text/\xc3')$$, '22021');
SELECT bad($q$DO $do$ BEGIN SET LOCAL azure_blob.user_id = E'\xc3'; PERFORM * FROM azure_generate_upload_sas('a.txt', 'text/plain'); END $do$ $q$, '22021');
SELECT bad($$SELECT azure_generate_read_sas(E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_save_metadata(E'\xc3.txt')$$, '22021');
SELECT bad($$INSERT INTO azure_files (blob_name) VALUES (E'\xc3.txt')$$, '22021');
SELECT bad($$INSERT INTO azure_files (blob_name, file_url) VALUES ('a.txt', E'http://\xc3')$$, '22021');
SELECT bad($$INSERT INTO azure_files (blob_name, user_id) VALUES ('a.txt', E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_account_add(E'\xc3', 'UseDevelopmentStorage=true')$$, '22021');
SELECT bad($$SELECT azure_account_add('x', E'UseDevelopmentStorage=true\xc3')$$, '22021');
SELECT bad($$SELECT azure_account_remove(E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_blob_put(E'\xc3', '\x00')$$, '22021');
SELECT bad($$SELECT azure_blob_get(E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_blob_delete(E'\xc3')$$, '22021');
SELECT bad($$SELECT * FROM azure_blob_properties(E'\xc3')$$, '22021');
SELECT bad($$SELECT count(*) FROM azure_blob_list(E'\xc3')$$, '22021');
SELECT bad($$SELECT azure_container_create(E'\xc3\xc3\xc3')$$, '22021');
SELECT bad($$SELECT azure_set_cors(ARRAY[E'https://\xc3'], '{PUT}')$$, '22021');
SELECT bad($$SELECT * FROM azure_get_cors(E'\xc3')$$, '22021');
\c :main_db
DROP DATABASE regress_azure_sqlascii;

-- Nothing above wrote anything: the counts are where they started.
\pset tuples_only off
\pset format aligned
SELECT bad_counts() AS "files/accounts/queue written";
SELECT azure_account_remove('dead');
DELETE FROM azure_files WHERE blob_name = 'bad/guide.png';
DROP FUNCTION public.bad(text, text), public.bad_counts();
DROP TABLE bad_baseline;
RESET azure_blob.allow_http;
RESET azure_blob.max_retries;
RESET azure_blob.connect_timeout_ms;
