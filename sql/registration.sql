-- azure_save_metadata called again for a blob it registered: the same user
-- gets the row back (no second request to Azure; this suite runs with
-- azure_blob.verify_uploads off, test/t/010_e2e.pl checks it with Azurite
-- on); anyone else gets the errors of docs/sqlstates.md, which reveal
-- nothing about a row the caller cannot see.
-- Users log in as themselves here (require_user_id off), as in privileges.sql.
SET azure_blob.require_user_id = off;

-- The error context of a call, to check that no internal function shows in it.
CREATE FUNCTION public.reg_context(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	ctx text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
	RETURN ctx;
END
$$;
GRANT EXECUTE ON FUNCTION public.reg_context(text) TO PUBLIC;

-- Alice registers a name issued to her, then registers it again: the same row, no second one.
SET ROLE regress_azure_alice;
SELECT blob_name AS a_blob, file_url AS a_url FROM azure_generate_upload_sas('again.txt', 'text/plain') \gset
SELECT id AS a_id, upload_timestamp AS a_ts FROM azure_save_metadata(:'a_blob') \gset
SELECT id = :a_id AS same_id, upload_timestamp = :'a_ts' AS same_timestamp, blob_name = :'a_blob' AS same_name,
       user_id, account, container FROM azure_save_metadata(:'a_blob');
-- With the file URL she was given, too.
SELECT id = :a_id AS same_id_with_url, file_url = :'a_url' AS same_url FROM azure_save_metadata(:'a_blob', :'a_url');
-- Another file URL is refused as on the first call (the trigger's 22023), not answered with the row.
SELECT try(format('SELECT azure_save_metadata(%L, %L)', :'a_blob', 'http://127.0.0.1:10000/devstoreaccount1/uploads/other.txt')) AS other_url;
SELECT count(*) AS rows_for_name FROM azure_files WHERE blob_name = :'a_blob';
-- Twice in one transaction, the first registration not yet committed: the same row.
BEGIN;
SELECT blob_name AS t_blob FROM azure_generate_upload_sas('twice.txt', 'text/plain') \gset
SELECT id AS t_id FROM azure_save_metadata(:'t_blob') \gset
SELECT id = :t_id AS same_id_in_transaction FROM azure_save_metadata(:'t_blob');
COMMIT;
SELECT count(*) AS rows_for_twice FROM azure_files WHERE blob_name = :'t_blob';
RESET ROLE;

-- Bob cannot register her name, registered or not: 42501 before any look-up, as before.
SET ROLE regress_azure_bob;
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', :'a_blob')), '[0-9a-f-]{36}', '<uuid>') AS bob_registers_hers;
RESET ROLE;

-- A name issued to Alice whose row, put in by an administrator, belongs to Bob:
-- she cannot see that row, and gets 23505 without its owner, its values or
-- an internal context line.
SET ROLE regress_azure_alice;
SELECT blob_name AS h_blob FROM azure_generate_upload_sas('held.txt', 'text/plain') \gset
RESET ROLE;
INSERT INTO azure_files (blob_name, user_id) VALUES (:'h_blob', 'regress_azure_bob');
SET ROLE regress_azure_alice;
SELECT regexp_replace(try_detail(format('SELECT azure_save_metadata(%L)', :'h_blob')), '[0-9a-f-]{36}', '<uuid>') AS held_by_bob;
SELECT reg_context(format('SELECT azure_save_metadata(%L)', :'h_blob')) LIKE '%insert_file%' AS context_names_insert_file;
SELECT count(*) AS alice_sees_held FROM azure_files WHERE blob_name = :'h_blob';
RESET ROLE;
SET ROLE regress_azure_alice;
SELECT regexp_replace(try_detail(format('SELECT azure_save_metadata(%L)', :'h_blob')), :'h_blob', '<name>') AS held_error \gset
RESET ROLE;
-- Her own row, asked for in another account and container (the default
-- changed since): the same error, word for word, so the two cannot be told
-- apart.
SET azure_blob.allow_http = on;
SELECT azure_account_add('reg_other', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'second');
SET azure_blob.default_account = 'reg_other';
SET ROLE regress_azure_alice;
SELECT regexp_replace(try_detail(format('SELECT azure_save_metadata(%L)', :'a_blob')), '[0-9a-f-]{36}', '<uuid>') AS own_row_elsewhere;
SELECT regexp_replace(try_detail(format('SELECT azure_save_metadata(%L)', :'a_blob')), :'a_blob', '<name>') = :'held_error'
       AS same_error_as_bobs_row;
RESET ROLE;
RESET azure_blob.default_account;
SELECT azure_account_remove('reg_other');
RESET azure_blob.allow_http;
SELECT count(*) AS rows_for_name FROM azure_files WHERE blob_name = :'a_blob';

-- An administrator registers any name; again, the same row.  Alice's row is
-- not handed to the administrator as his own registration.
SET ROLE regress_azure_admin;
SELECT id AS adm_id FROM azure_save_metadata('registration/admin.txt') \gset
SELECT id = :adm_id AS admin_same_id, user_id FROM azure_save_metadata('registration/admin.txt');
SELECT regexp_replace(try_detail(format('SELECT azure_save_metadata(%L)', :'a_blob')), '[0-9a-f-]{36}', '<uuid>') AS admin_registers_alices;
SELECT user_id FROM azure_files WHERE blob_name = :'a_blob';
RESET ROLE;

-- The owner (a superuser, so an administrator) acting for an application user: the same.
BEGIN;
SET LOCAL azure_blob.user_id = 'app-user-9';
SELECT blob_name AS o_blob FROM azure_generate_upload_sas('owner.txt', 'text/plain') \gset
SELECT id AS o_id FROM azure_save_metadata(:'o_blob') \gset
SELECT id = :o_id AS owner_same_id, user_id FROM azure_save_metadata(:'o_blob');
SET LOCAL azure_blob.user_id = 'app-user-10';
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', :'o_blob')), '[0-9a-f-]{36}', '<uuid>') AS other_app_user;
COMMIT;

DROP FUNCTION public.reg_context(text);
RESET azure_blob.require_user_id;
