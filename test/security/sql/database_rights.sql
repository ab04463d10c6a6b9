-- Finding 2: rights are per database.  Membership in the cluster roles
-- azure_blob_admin / azure_blob_user gives EXECUTE everywhere, but in 1.1
-- a role may use the extension only in a database where azure_grant()
-- names it.  1.0 had no grants: an admin of one database signed container
-- URLs with the keys of every other database's accounts.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_db1;
DROP DATABASE IF EXISTS azb_sec_db2;
DROP ROLE IF EXISTS regress_sec_adm1, regress_sec_usr1, regress_sec_new;
RESET client_min_messages;
CREATE DATABASE azb_sec_db1;
CREATE DATABASE azb_sec_db2;

-- Database 2: another team's account and files.
\c azb_sec_db2
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE ROLE regress_sec_adm1 LOGIN;
CREATE ROLE regress_sec_usr1 LOGIN;
CREATE ROLE regress_sec_new LOGIN;
GRANT azure_blob_admin TO regress_sec_adm1;
GRANT azure_blob_user TO regress_sec_usr1, regress_sec_new;
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;
SELECT azure_account_add('default',
  'DefaultEndpointsProtocol=https;AccountName=othersecret;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;EndpointSuffix=core.windows.net',
  'private');
INSERT INTO azure_files (blob_name, user_id) VALUES ('db2-file.txt', 'regress_sec_usr1'), ('db2-gone.txt', 'regress_sec_usr1');
DELETE FROM azure_files WHERE blob_name = 'db2-gone.txt';
SELECT azure_grant('regress_sec_new', 'user');
SELECT role, level FROM azure_grants;

-- Database 1: the roles' own database.
\c azb_sec_db1
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_grant('regress_sec_adm1', 'admin'), azure_grant('regress_sec_usr1', 'user');
SELECT role, level FROM azure_grants ORDER BY role::text;

-- In database 1 they work.
SET ROLE regress_sec_adm1;
SELECT azure_container_sas_url('racwdl', '9999-12-31') LIKE 'http://127.0.0.1:10000/devstoreaccount1/uploads?%' AS adm1_container_sas;
SELECT alias, account_name FROM azure_accounts;
SELECT count(*) AS adm1_sees_grants FROM azure_grants;
-- A database admin manages the user level only.
SELECT try($$SELECT azure_grant('regress_sec_new', 'user')$$) AS grant_user;
SELECT try($$SELECT azure_grant('regress_sec_new', 'admin')$$) AS grant_admin;
SELECT try($$SELECT azure_grant('regress_sec_adm1', 'user')$$) AS demote_self;
SELECT try($$SELECT azure_revoke('regress_sec_adm1')$$) AS revoke_admin;
SELECT try($$SELECT azure_grant('public', 'user')$$) AS grant_public;
SELECT azure_revoke('regress_sec_new') AS revoked_new;
RESET ROLE;
SET ROLE regress_sec_usr1;
SELECT blob_name LIKE '%-a.txt' AS usr1_upload_name FROM azure_generate_upload_sas('a.txt', 'text/plain');
SELECT try($$SELECT azure_grant('regress_sec_new', 'user')$$) AS user_grants;
RESET ROLE;

-- In database 2 nothing works for them: every entry point is 42501 or shows nothing.
\c azb_sec_db2
SET ROLE regress_sec_adm1;
SELECT try($$SELECT azure_container_sas_url('racwdl', '9999-12-31')$$) AS container_sas;
SELECT try($$SELECT azure_blob_sas_url('db2-file.txt', 'racwd', '9999-12-31')$$) AS blob_sas;
SELECT try($$SELECT azure_generate_upload_sas('b.txt', 'text/plain')$$) AS upload_sas;
SELECT try($$SELECT azure_generate_read_sas('db2-file.txt')$$) AS read_sas;
SELECT try($$SELECT azure_account_remove('default')$$) AS account_remove;
SELECT try($$SELECT azure_account_add('mine', 'UseDevelopmentStorage=true')$$) AS account_add;
SELECT try($$SELECT azure_process_deletions()$$) AS process_deletions;
SELECT try($$SELECT azure_reconcile()$$) AS reconcile;
SELECT try($$SELECT azure_blob_delete('db2-file.txt')$$) AS blob_delete;
SELECT try($$SELECT azure_blob_list()$$) AS blob_list;
SELECT try($$SELECT azure_current_user_id()$$) AS current_user_id;
SELECT try($$SELECT azure_grant('regress_sec_adm1', 'admin')$$) AS grant_self_admin;
SELECT try($$SELECT azure_grant('regress_sec_adm1', 'user')$$) AS grant_self_user;
SELECT try($$SELECT azure_revoke('regress_sec_usr1')$$) AS revoke_other;
-- The private functions behind the wrappers are out of reach (no USAGE on schema azure_blob).
SELECT try($$SELECT azure_blob.process_deletions(10)$$) AS private_process;
SELECT try($$SELECT * FROM azure_blob.reconcile(NULL, NULL, true, '0')$$) AS private_reconcile;
SELECT try($$SELECT azure_blob.file_rows()$$) AS private_file_rows;
SELECT try($$SELECT * FROM azure_blob.accounts$$) AS private_accounts;
SELECT count(*) AS accounts_rows FROM azure_accounts;
SELECT count(*) AS pending_rows FROM azure_pending_deletions;
-- Who has rights here is an admin's business too, like the accounts.
SELECT count(*) AS grants_rows FROM azure_grants;
SELECT try($$SELECT count(*) FROM azure_files$$) AS files;
SELECT try($$UPDATE azure_files SET etag = 'x'$$) AS files_update;
SELECT try($$DELETE FROM azure_files$$) AS files_delete;
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('planted.txt')$$) AS files_insert;
RESET ROLE;
SET ROLE regress_sec_usr1;
SELECT try($$SELECT azure_generate_upload_sas('b.txt', 'text/plain')$$) AS upload_sas;
SELECT try($$SELECT azure_generate_read_sas('db2-file.txt')$$) AS read_sas;
SELECT try($$SELECT azure_save_metadata('db2-file.txt')$$) AS save_metadata;
SELECT try($$SELECT azure_current_user_id()$$) AS current_user_id;
SELECT try($$SELECT count(*) FROM azure_files$$) AS files;
SELECT try($$DELETE FROM azure_files$$) AS files_delete;
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('planted.txt')$$) AS files_insert;
SELECT try($$SELECT azure_container_sas_url('racwdl', '9999-12-31')$$) AS container_sas;
RESET ROLE;
-- Nothing changed in database 2.
SELECT blob_name, user_id FROM azure_files ORDER BY 1;
SELECT blob_name, attempts FROM azure_pending_deletions ORDER BY 1;
SELECT alias, account_name FROM azure_accounts;

-- Revoking in database 1 takes the rights away there.
\c azb_sec_db1
SELECT azure_revoke('regress_sec_usr1') AS revoked, azure_revoke('regress_sec_usr1') AS again;
SET ROLE regress_sec_usr1;
SELECT try($$SELECT azure_generate_upload_sas('a.txt', 'text/plain')$$) AS upload_after_revoke;
RESET ROLE;
-- A grant without membership in the cluster role gives nothing.
SELECT azure_grant('regress_sec_usr1', 'admin');
SET ROLE regress_sec_usr1;
SELECT try($$SELECT azure_container_sas_url('racwdl', '9999-12-31')$$) AS admin_grant_without_membership;
SELECT azure_generate_upload_sas('a.txt', 'text/plain') IS NOT NULL AS still_user;
RESET ROLE;
SELECT azure_revoke('regress_sec_adm1') AS revoked_admin;
SET ROLE regress_sec_adm1;
SELECT try($$SELECT azure_container_sas_url('racwdl', '9999-12-31')$$) AS admin_after_revoke;
RESET ROLE;

\c azb_security
DROP DATABASE azb_sec_db1;
DROP DATABASE azb_sec_db2;
DROP ROLE regress_sec_adm1, regress_sec_usr1, regress_sec_new;
