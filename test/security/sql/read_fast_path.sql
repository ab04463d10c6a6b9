-- Finding 6: the C fast path of azure_generate_read_sas.  1.0 found the
-- hash index azure_files_blob_name_hash by name in the extension's schema;
-- the owner of that schema can drop it (schema owners may drop any
-- relation in their schema) and create an index of that name on a table of
-- its own, whose rows then decided which URLs were signed.  1.1 finds the
-- index among azure_files' own indexes and falls back to SQL without it.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_fastpath;
DROP ROLE IF EXISTS regress_sec_schemaowner, regress_sec_alice, regress_sec_bob, regress_sec_nogrant;
RESET client_min_messages;
CREATE ROLE regress_sec_schemaowner LOGIN;
CREATE DATABASE azb_sec_fastpath OWNER regress_sec_schemaowner;
\c azb_sec_fastpath
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE ROLE regress_sec_alice LOGIN;
CREATE ROLE regress_sec_bob LOGIN;
CREATE ROLE regress_sec_nogrant LOGIN;
GRANT azure_blob_user TO regress_sec_alice, regress_sec_bob, regress_sec_nogrant;
CREATE SCHEMA sec;
CREATE FUNCTION sec.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT USAGE ON SCHEMA sec TO PUBLIC;
GRANT EXECUTE ON FUNCTION sec.try(text) TO PUBLIC;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_grant('regress_sec_alice', 'user'), azure_grant('regress_sec_bob', 'user');
SET ROLE regress_sec_alice;
CREATE TEMP TABLE issued AS SELECT blob_name FROM azure_generate_upload_sas('secret.pdf', 'application/pdf');
INSERT INTO azure_files (blob_name) SELECT blob_name FROM issued;
RESET ROLE;
SELECT blob_name AS alice_blob FROM issued \gset

-- Before: alice reads her file, bob and a role without a grant do not.
SET ROLE regress_sec_alice;
SELECT azure_generate_read_sas(:'alice_blob') LIKE 'http://127.0.0.1:10000/devstoreaccount1/uploads/%-secret.pdf?%' AS alice_before;
RESET ROLE;
SET ROLE regress_sec_bob;
SELECT replace(sec.try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), :'alice_blob', '<alice blob>') AS bob_before;
RESET ROLE;

-- The schema owner swaps the index: its own table, with a row naming
-- alice's blob as bob's, under the index name the fast path once used.
SET ROLE regress_sec_schemaowner;
DROP INDEX public.azure_files_blob_name_hash;
CREATE TABLE public.decoy (id bigint, blob_name text COLLATE "C", file_url text, user_id text,
	upload_timestamp timestamptz, account text, container text, content_type text, size_bytes bigint, etag text);
INSERT INTO public.decoy (id, blob_name, file_url, user_id, account, container)
	VALUES (1, :'alice_blob', 'x', 'regress_sec_bob', 'default', 'uploads'),
	       (2, 'decoy-only.txt', 'x', 'regress_sec_bob', 'default', 'uploads');
CREATE INDEX azure_files_blob_name_hash ON public.decoy USING hash (blob_name);
GRANT SELECT ON public.decoy TO PUBLIC;
RESET ROLE;
SELECT indexrelid::regclass, indrelid::regclass FROM pg_index WHERE indexrelid::regclass::text LIKE 'azure_files%' ORDER BY 1::text;

-- After, in this session (cached facts invalidated by the DROP) ...
SET ROLE regress_sec_alice;
SELECT azure_generate_read_sas(:'alice_blob') LIKE 'http://127.0.0.1:10000/devstoreaccount1/uploads/%-secret.pdf?%' AS alice_after;
RESET ROLE;
SET ROLE regress_sec_bob;
SELECT replace(sec.try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), :'alice_blob', '<alice blob>') AS bob_after;
RESET ROLE;
SET ROLE regress_sec_nogrant;
SELECT replace(sec.try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), :'alice_blob', '<alice blob>') AS nogrant_after;
RESET ROLE;
SET ROLE regress_sec_schemaowner;
SELECT replace(sec.try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), :'alice_blob', '<alice blob>') AS schemaowner_after;
RESET ROLE;

-- ... and in a new session, which never saw the index.
\c azb_sec_fastpath
SET ROLE regress_sec_bob;
SELECT replace(sec.try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), :'alice_blob', '<alice blob>') AS bob_new_session;
RESET ROLE;
SET ROLE regress_sec_alice;
SELECT azure_generate_read_sas(:'alice_blob') LIKE 'http://127.0.0.1:10000/devstoreaccount1/uploads/%-secret.pdf?%' AS alice_new_session;
SELECT replace(sec.try('SELECT azure_generate_read_sas(''nonexistent.txt'')'), :'alice_blob', '<alice blob>') AS alice_no_row;
RESET ROLE;
-- The superuser (sees every row), on the SQL path: a name only the decoy has is no file.
SELECT azure_generate_read_sas(:'alice_blob') IS NOT NULL AS superuser_reads;
SELECT sec.try('SELECT azure_generate_read_sas(''decoy-only.txt'')') AS superuser_decoy_only;

\c azb_security
DROP DATABASE azb_sec_fastpath;
DROP ROLE regress_sec_schemaowner, regress_sec_alice, regress_sec_bob, regress_sec_nogrant;
