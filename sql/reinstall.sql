-- DROP EXTENSION azure_blob drops azure_files with its rows, the accounts
-- and the grants of azure_grant(); the cluster roles azure_blob_admin and
-- azure_blob_user stay, with their members.  CREATE EXTENSION then starts
-- afresh: it finds the roles, and a new account, grant and URL work.
SELECT count(*) > 0 AS has_files FROM azure_files \gset
SELECT :'has_files' AS files_before, (SELECT count(*) > 0 FROM azure_blob.accounts) AS accounts_before;
DROP EXTENSION azure_blob;
SELECT count(*) AS extension_left FROM pg_extension WHERE extname = 'azure_blob';
SELECT count(*) AS schema_left FROM pg_namespace WHERE nspname = 'azure_blob';
SELECT to_regclass('public.azure_files') AS files_table_left;
-- The roles and their members outlive the extension.
SELECT rolname FROM pg_roles WHERE rolname LIKE 'azure_blob_%' ORDER BY 1;
SELECT pg_has_role('regress_azure_alice', 'azure_blob_user', 'MEMBER') AS alice_still_member,
       pg_has_role('regress_azure_admin', 'azure_blob_admin', 'MEMBER') AS admin_still_member;

CREATE EXTENSION azure_blob;
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';
SELECT count(*) AS files_after FROM azure_files;
SELECT count(*) AS accounts_after FROM azure_blob.accounts;
-- No grant survived: membership of azure_blob_user alone gives no rights in this database.
SELECT count(*) AS grants_after FROM azure_grants;
SET azure_blob.require_user_id = off;
SET ROLE regress_azure_alice;
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.txt', 'text/plain')$$) AS alice_before_grant;
RESET ROLE;
SELECT azure_grant('regress_azure_alice', 'user'), azure_grant('regress_azure_admin', 'admin');
SELECT count(*) AS grants_now FROM azure_grants;
-- Accounts are added again; signing, issuing and registering work.
SET azure_blob.allow_http = on;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00')
       LIKE 'http://127.0.0.1:10000/devstoreaccount1/uploads/a.txt?sv=%&sr=b&sp=r&sig=%' AS signs;
SET ROLE regress_azure_admin;
SELECT count(*) AS admin_sees_accounts FROM azure_accounts;
RESET ROLE;
SET ROLE regress_azure_alice;
SELECT blob_name AS r_blob FROM azure_generate_upload_sas('again.txt', 'text/plain') \gset
SELECT user_id, account, container FROM azure_save_metadata(:'r_blob');
SELECT azure_generate_read_sas(:'r_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS alice_reads;
RESET ROLE;
RESET azure_blob.require_user_id;
