-- Who may do what: two users, an admin, a role with nothing, and the owner.
-- The key never reaches anyone but the extension owner.
-- Users here log in as themselves, so calls without azure_blob.user_id act
-- for current_user (identity.sql tests the default, require_user_id on).
SET azure_blob.require_user_id = off;
-- A file of the owner's, which no user may see or read.
INSERT INTO azure_files (blob_name) VALUES ('security/owner.txt');

-- Alice uploads and registers a file as herself (current_user) and as an app user.
SET ROLE regress_azure_alice;
SELECT blob_name AS alice_blob FROM azure_generate_upload_sas('alice.txt', 'text/plain') \gset
SELECT user_id, container FROM azure_save_metadata(:'alice_blob');
-- The guide's own INSERT works for a name issued to her.
SELECT blob_name AS alice_blob2, file_url AS alice_url2 FROM azure_generate_upload_sas('guide.txt', 'text/plain') \gset
INSERT INTO azure_files (blob_name, file_url, user_id) VALUES (:'alice_blob2', :'alice_url2', 'regress_azure_alice')
RETURNING blob_name = :'alice_blob2' AS same_name, user_id;
-- Both names are layout v2 (uuid version 8, src/core/upload.hpp). Her rows have no content type: read URLs download.
SELECT substr(:'alice_blob', 15, 1) AS version, substr(:'alice_blob2', 15, 1) AS version2;
SELECT azure_generate_read_sas(:'alice_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS alice_reads_own;
-- She sees only her own rows, not the owner's (security/owner.txt).
SELECT blob_name IN (:'alice_blob', :'alice_blob2') AS own, user_id FROM azure_files ORDER BY id;
-- Names not issued to her are refused, whatever their shape: made up, altered, or issued to someone else.
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('alice-guide.txt')$$);
SELECT try($$SELECT azure_save_metadata('00000000-0000-4000-8000-000000000000-x.txt')$$);
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', replace(:'alice_blob', 'alice.txt', 'alice2.txt'))),
                      '[0-9a-f-]{36}', '<uuid>') AS other_file_name;
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', overlay(:'alice_blob' placing
       CASE WHEN substr(:'alice_blob', 36, 1) = '0' THEN '1' ELSE '0' END from 36 for 1))),
                      '[0-9a-f-]{36}', '<uuid>') AS one_hex_digit_changed;
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', upper(substr(:'alice_blob', 1, 36)) || substr(:'alice_blob', 37))),
                      '[0-9A-F-]{36}', '<UUID>') AS upper_case;
BEGIN;
SET LOCAL azure_blob.user_id = 'someone-else';
SELECT blob_name AS other_blob FROM azure_generate_upload_sas('x.txt', 'text/plain') \gset
COMMIT;
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', :'other_blob')), '[0-9a-f-]{36}', '<uuid>');
-- She cannot register a row for someone else, or outside the default container.
SELECT try($$INSERT INTO azure_files (blob_name, user_id) VALUES ('for-bob.txt', 'regress_azure_bob')$$);
SELECT regexp_replace(try(format('INSERT INTO azure_files (blob_name, user_id) VALUES (%L, %L)', :'alice_blob', 'regress_azure_bob')),
                      '[0-9a-f-]{36}', '<uuid>') AS her_name_for_bob;
SELECT try($$INSERT INTO azure_files (blob_name, container) VALUES ('elsewhere.txt', 'reports')$$);
SELECT try($$INSERT INTO azure_files (blob_name, account) VALUES ('elsewhere.txt', 'prod')$$);
-- ... nor hand her row to someone else.
SELECT try(format('UPDATE azure_files SET user_id = %L WHERE blob_name = %L', 'regress_azure_bob', :'alice_blob2'));
-- The raw signers, account management and the key are the admin's and owner's.
SELECT try($$SELECT azure_blob_sas_url('guide.png', 'rw', '2030-01-01')$$);
SELECT try($$SELECT azure_container_sas_url('rl', '2030-01-01')$$);
SELECT try($$SELECT azure_account_add('mine', 'UseDevelopmentStorage=true')$$);
SELECT try($$SELECT azure_account_remove('default')$$);
SELECT try($$SELECT * FROM azure_accounts$$);
SELECT try($$SELECT account_key FROM azure_blob.accounts$$);
SELECT try($$TABLE azure_blob.accounts$$);
SELECT try($$UPDATE azure_blob.accounts SET account_key = 'x'$$);
-- Settings that change where URLs point or how long they live are superuser-only.
SELECT try($$SET azure_blob.default_account = 'prod'$$);
SELECT try($$SET azure_blob.max_sas_lifetime = '30d'$$);
RESET ROLE;

-- Bob cannot see Alice's files or get URLs for them, even by name.
SET ROLE regress_azure_bob;
SELECT count(*) AS bob_sees FROM azure_files;
SELECT regexp_replace(try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), '[0-9a-f-]{36}', '<uuid>');
SELECT try($$SELECT azure_generate_read_sas('security/owner.txt')$$);
-- Deleting or updating her rows touches nothing.
DELETE FROM azure_files WHERE blob_name = :'alice_blob2';
UPDATE azure_files SET content_type = 'text/html' WHERE blob_name = :'alice_blob2';
-- An app backend that acts for many users sets azure_blob.user_id per request.
BEGIN;
SET LOCAL azure_blob.user_id = 'app-user-1';
SELECT azure_current_user_id();
SELECT blob_name AS app_blob FROM azure_generate_upload_sas('app.txt', 'text/plain') \gset
SELECT user_id FROM azure_save_metadata(:'app_blob');
SELECT count(*) AS app_user_sees FROM azure_files;
COMMIT;
-- Another app user cannot register the first one's name, even through the same database role.
BEGIN;
SET LOCAL azure_blob.user_id = 'app-user-2';
SELECT blob_name AS app_blob2 FROM azure_generate_upload_sas('app.txt', 'text/plain') \gset
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', :'app_blob')), '[0-9a-f-]{36}', '<uuid>');
ROLLBACK;
SELECT azure_current_user_id();
SELECT count(*) AS bob_sees_again FROM azure_files;
SELECT regexp_replace(try(format('SELECT azure_generate_read_sas(%L)', :'app_blob')), '[0-9a-f-]{36}', '<uuid>');
RESET ROLE;

-- The admin sees every row, signs anything, manages accounts, sees no key.
-- (Adding an Azurite account needs allow_http, which only a superuser sets.)
SET azure_blob.allow_http = on;
SET ROLE regress_azure_admin;
SELECT count(*) FILTER (WHERE blob_name IN ('security/owner.txt', :'alice_blob', :'alice_blob2', :'app_blob')) = 4 AS admin_sees_all
  FROM azure_files;
SELECT azure_generate_read_sas(:'alice_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS admin_reads_alice;
SELECT azure_blob_sas_url('guide.png', 'rw', '2030-01-01 00:00:00+00') LIKE '%&sp=rw&sig=%' AS admin_signs;
SELECT alias, account_name FROM azure_accounts WHERE alias IN ('custom', 'default', 'prod') ORDER BY alias;
SELECT try($$SELECT account_key FROM azure_blob.accounts$$);
SELECT try($$SELECT azure_account_add_from_env('x', 'HOME')$$) AS env_is_owner_only;
SELECT azure_account_add('by-admin', 'UseDevelopmentStorage=true', 'adm');
SELECT azure_account_remove('by-admin');
RESET ROLE;
RESET azure_blob.allow_http;

-- A role with no grants can do nothing at all.
SET ROLE regress_azure_nobody;
SELECT try($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain')$$);
SELECT try($$SELECT azure_generate_read_sas('guide.png')$$);
SELECT try($$SELECT azure_save_metadata('x.txt')$$);
SELECT try($$SELECT azure_current_user_id()$$);
SELECT try($$SELECT count(*) FROM azure_files$$);
SELECT try($$SELECT azure_blob_sas_url('guide.png', 'r', '2030-01-01')$$);
SELECT try($$SELECT * FROM azure_accounts$$);
SELECT try($$SELECT 1 FROM azure_blob.accounts$$);
RESET ROLE;

-- A policy the DBA adds is honoured: read URLs then go through SQL and RLS.
SET ROLE regress_azure_alice;
SELECT blob_name AS secret_blob FROM azure_generate_upload_sas('secret.txt', 'text/plain') \gset
SELECT user_id FROM azure_save_metadata(:'secret_blob');
SELECT azure_generate_read_sas(:'secret_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS before_policy;
RESET ROLE;
CREATE POLICY hide_secrets ON azure_files AS RESTRICTIVE USING (blob_name NOT LIKE '%secret%');
SET ROLE regress_azure_alice;
SELECT regexp_replace(try(format('SELECT azure_generate_read_sas(%L)', :'secret_blob')), '[0-9a-f-]{36}', '<uuid>') AS with_policy;
SELECT azure_generate_read_sas(:'alice_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS others_still_readable;
-- Through SQL too, the row's content type decides: an active type downloads, another is served as the row says.
-- (Only an admin changes a row's content type since 1.1: the owner does it here.)
RESET ROLE;
UPDATE azure_files SET content_type = 'image/svg+xml' WHERE blob_name = :'alice_blob2';
SET ROLE regress_azure_alice;
SELECT substring(azure_generate_read_sas(:'alice_blob2') from '&sp=r(&[^&]*)&sig=') AS svg_via_sql;
RESET ROLE;
UPDATE azure_files SET content_type = 'image/png' WHERE blob_name = :'alice_blob2';
SET ROLE regress_azure_alice;
SELECT substring(azure_generate_read_sas(:'alice_blob2') from '&sp=r(&[^&]*)&sig=') AS png_via_sql;
RESET ROLE;
UPDATE azure_files SET content_type = NULL WHERE blob_name = :'alice_blob2';
DROP POLICY hide_secrets ON azure_files;
SET ROLE regress_azure_alice;
SELECT azure_generate_read_sas(:'secret_blob') LIKE '%&sp=r&rscd=attachment&sig=%' AS after_policy;
-- Row security switched off for a role that may not bypass it hides everything, as for a SELECT.
SET row_security = off;
SELECT regexp_replace(try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), '[0-9a-f-]{36}', '<uuid>') AS row_security_off;
RESET row_security;
RESET ROLE;

-- Errors never carry the key, whatever goes wrong with a connection string:
-- message, detail and hint are shown in full, and checked for the secret.
CREATE TEMP TABLE leaks (conn text);
INSERT INTO leaks VALUES
  ('AccountName=leakacct;AccountKey=TOPSECRETKEY;EndpointSuffix=core.windows.net'),
  ('AccountName=leakacct;AccountKey=TOPSECRET/KEY=;Bogus=TOPSECRET'),
  ('TOPSECRETKEYWITHOUTEQUALS'),
  ('AccountName=leakacct;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;TOPSECRET=1'),
  ('AccountName=leakacct;AccountKey=TOPSECRETAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=='),
  ('UseDevelopmentStorage=true;AccountKey=TOPSECRET'),
  ('BlobEndpoint=https://x.example.com;SharedAccessSignature=sv=TOPSECRET&sig=TOPSECRET'),
  ('AccountName=leakacct;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=https://TOPSECRET@x.example.com');
SELECT try_detail(format('SELECT azure_account_add(%L, %L)', 'leak', conn)) AS error,
       position('TOPSECRET' IN try_detail(format('SELECT azure_account_add(%L, %L)', 'leak', conn))) = 0 AS no_secret
  FROM leaks;

-- Clean up the rows this file made.
DELETE FROM azure_files WHERE user_id IN ('regress_azure_alice', 'app-user-1') OR blob_name = 'security/owner.txt';
