-- Finding 5: a role that may create objects in the extension's schema
-- (here public) adds overloads with an extra defaulted argument.  1.0's
-- maintenance functions then failed with 42725 ("function ... is not
-- unique") on every call: queued deletions and reconcile stopped for good.
-- In 1.1 they call the private functions in schema azure_blob, so they keep
-- working (on this dead endpoint, that means failing to connect).
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_overloads;
DROP ROLE IF EXISTS regress_sec_creator, regress_sec_alice, regress_sec_bob;
RESET client_min_messages;
CREATE DATABASE azb_sec_overloads;
\c azb_sec_overloads
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE ROLE regress_sec_creator LOGIN;
CREATE ROLE regress_sec_alice LOGIN;
CREATE ROLE regress_sec_bob LOGIN;
GRANT CREATE ON SCHEMA public TO regress_sec_creator;
GRANT azure_blob_user TO regress_sec_alice, regress_sec_bob;
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;
SET azure_blob.allow_http = on;
SET azure_blob.max_retries = 0;
SET azure_blob.connect_timeout_ms = 200;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1', 'uploads');
SELECT azure_grant('regress_sec_alice', 'user'), azure_grant('regress_sec_bob', 'user');
SET ROLE regress_sec_alice;
CREATE TEMP TABLE issued AS SELECT blob_name FROM azure_generate_upload_sas('photo.png', 'image/png');
INSERT INTO azure_files (blob_name) SELECT blob_name FROM issued;
RESET ROLE;
INSERT INTO azure_files (blob_name) VALUES ('queued.txt');
DELETE FROM azure_files WHERE blob_name = 'queued.txt';

SET ROLE regress_sec_creator;
CREATE FUNCTION public.azure_blob_delete(text, text, text, int DEFAULT 0) RETURNS boolean
	LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION public.azure_current_user_id(int DEFAULT 0) RETURNS text
	LANGUAGE sql AS $$ SELECT 'regress_sec_creator' $$;
CREATE FUNCTION public.azure_blob_list(text DEFAULT '', text DEFAULT NULL, text DEFAULT NULL, int DEFAULT 0)
	RETURNS TABLE (blob_name text) LANGUAGE sql AS $$ SELECT 'x' $$;
RESET ROLE;

-- The maintenance functions reach Azure (and fail to connect); no 42725.
SELECT azure_process_deletions();
SELECT blob_name, attempts, last_error FROM azure_pending_deletions;
SELECT try('SELECT azure_reconcile()') AS reconcile;
-- Read URLs and registrations keep working for the rightful user.  (An
-- overload of a function that the client itself calls by name, such as
-- azure_generate_read_sas, makes the client's call ambiguous: that is
-- PostgreSQL's name resolution, not the extension, and is not tested here.)
SET ROLE regress_sec_alice;
SELECT azure_generate_read_sas(blob_name)
       LIKE 'http://127.0.0.1:1/devstoreaccount1/uploads/%-photo.png?%' AS alice_read FROM issued;
SELECT count(*) AS alice_rows FROM azure_files;
CREATE TEMP TABLE issued2 AS SELECT blob_name FROM azure_generate_upload_sas('second.png', 'image/png');
SELECT try('INSERT INTO azure_files (blob_name) SELECT blob_name FROM issued2') AS alice_insert;
SELECT user_id, count(*) FROM azure_files GROUP BY 1;
RESET ROLE;
SET ROLE regress_sec_bob;
SELECT count(*) AS bob_rows FROM azure_files;
RESET ROLE;
SELECT blob_name AS alice_blob FROM issued \gset
SET ROLE regress_sec_bob;
SELECT replace(try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')),
               :'alice_blob', '<alice blob>') AS bob_reads_alices;
SELECT count(*) AS bob_sees_alices FROM azure_files WHERE user_id = 'regress_sec_alice';
RESET ROLE;

\c azb_security
DROP DATABASE azb_sec_overloads;
DROP ROLE regress_sec_creator, regress_sec_alice, regress_sec_bob;
