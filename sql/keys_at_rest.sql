-- Keys at rest: account keys and the upload-name secret are stored sealed
-- (AES-256-GCM, src/core/seal.hpp) under the master key file of
-- src/master_key.cpp.  Rows still in clear (written by 1.0, or by a
-- superuser's INSERT) keep working until azure_blob.seal_secrets() seals them.

-- azure_blob.seal_secrets() under another name, in a schema a non-superuser
-- can reach: so that the library's own owner check is what refuses the admin
-- below (azure_blob.seal_secrets() itself is refused earlier, by the schema).
SET azure_blob.allow_http = on;
-- Alice logs in as herself here (identity.sql tests require_user_id).
SET azure_blob.require_user_id = off;
CREATE FUNCTION public.test_seal_secrets() RETURNS integer
	AS 'azure_blob', 'azure_blob_seal_secrets' LANGUAGE C VOLATILE STRICT;

-- Hides what changes from run to run: the key file's path and key ids.
CREATE FUNCTION public.stable(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT regexp_replace(regexp_replace(t, '"/[^"]*/azure_blob_master.key"', '"<key file>"', 'g'),
	                      'master key in "<key file>" is [0-9a-f]{8}\.', 'master key in "<key file>" is <id>.', 'g')
$$;

-- The standard accounts added in setup.sql were stored sealed, all under one master key.
SELECT alias, account_key LIKE 'sealed:v1:________:%' AS sealed,
       strpos(account_key, 'AAECAwQFBgcICQoL') = 0 AND strpos(account_key, 'Eby8vdM02xNOcqFl') = 0 AS no_clear_key,
       length(account_key) AS length
  FROM azure_blob.accounts WHERE alias IN ('custom', 'default', 'prod') ORDER BY alias;
SELECT count(DISTINCT split_part(account_key, ':', 3)) AS master_key_ids,
       min(split_part(account_key, ':', 3)) ~ '^[0-9a-f]{8}$' AS key_id_is_hex
  FROM azure_blob.accounts WHERE alias IN ('custom', 'default', 'prod');

-- The master key file: next to config_file (azure_blob.master_key_file is
-- empty), 32 bytes, mode 0600, set only in postgresql.conf.
SHOW azure_blob.master_key_file;
SELECT context FROM pg_settings WHERE name = 'azure_blob.master_key_file';
SELECT try($$SET azure_blob.master_key_file = '/tmp/other.key'$$);
SELECT regexp_replace(current_setting('config_file'), '[^/]*$', '') || 'azure_blob_master.key' AS key_file \gset
SELECT size, isdir FROM pg_stat_file(:'key_file');
CREATE TEMP TABLE key_file_mode (mode text);
DO $$ BEGIN
	EXECUTE format('COPY key_file_mode FROM PROGRAM %L',
	               'stat -c %a ' || quote_ident(regexp_replace(current_setting('config_file'), '[^/]*$', '') || 'azure_blob_master.key'));
END $$;
SELECT mode FROM key_file_mode;

-- Sealed keys sign exactly as before (the same vectors as accounts.sql).
SELECT azure_account_add('dev', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'second');
SELECT azure_account_add('seq',
  'AccountName=devstoreaccount1;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1',
  'second');
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev');
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'seq');
-- Sealing draws a fresh nonce: the same key added twice is stored differently.
SELECT azure_account_add('dev2', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'second');
SELECT a.account_key <> b.account_key AS fresh_nonce
  FROM azure_blob.accounts a, azure_blob.accounts b WHERE a.alias = 'dev' AND b.alias = 'dev2';
SELECT azure_account_remove('dev2');

-- A row that cannot be unsealed breaks only its own alias; the others sign on.
CREATE TEMP TABLE saved AS SELECT alias, account_key FROM azure_blob.accounts WHERE alias IN ('dev', 'seq');
-- Another master key's id.
UPDATE azure_blob.accounts SET account_key = overlay(account_key placing '00000000' from 11 for 8) WHERE alias = 'dev';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'seq');
-- One character changed.
UPDATE azure_blob.accounts a SET account_key =
  overlay(s.account_key placing (CASE WHEN substr(s.account_key, 40, 1) = 'A' THEN 'B' ELSE 'A' END) from 40 for 1)
  FROM saved s WHERE a.alias = 'dev' AND s.alias = 'dev';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
-- Another row's sealed key, copied over: bound to its alias, it does not unseal here.
UPDATE azure_blob.accounts a SET account_key = s.account_key FROM saved s WHERE a.alias = 'dev' AND s.alias = 'seq';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
-- Cut short, and not Base64.
UPDATE azure_blob.accounts SET account_key = 'sealed:v1:0123abcd:AAAA' WHERE alias = 'dev';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
UPDATE azure_blob.accounts SET account_key = 'sealed:v1:garbage' WHERE alias = 'dev';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
-- A clear row that is not Base64 breaks only itself too (1.0 refused to load any account then).
UPDATE azure_blob.accounts SET account_key = 'not a key!' WHERE alias = 'dev';
SELECT stable(try_detail($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev')$$));
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'seq');
-- Put back, it signs again.
UPDATE azure_blob.accounts a SET account_key = s.account_key FROM saved s WHERE a.alias = 'dev' AND s.alias = 'dev';
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'dev');

-- A clear row, as 1.0 wrote them, still signs.
INSERT INTO azure_blob.accounts VALUES ('legacy', 'devstoreaccount1',
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'http://127.0.0.1:10100/devstoreaccount1', 'second');
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'legacy');
-- CREATE EXTENSION seals the upload secret it makes; a 1.0 database has it in
-- clear (32 random bytes), as made here.
SELECT convert_from(secret, 'UTF8') LIKE 'sealed:v1:________:%' AS sealed_by_create_extension FROM azure_blob.upload_secret;
UPDATE azure_blob.upload_secret SET secret = decode(repeat('5a', 32), 'hex');
SELECT length(secret) AS secret_bytes, substr(secret, 1, 7) = 'sealed:'::bytea AS sealed FROM azure_blob.upload_secret;
-- Alice gets an upload name before the secret is sealed ...
SET ROLE regress_azure_alice;
SELECT blob_name AS name_before FROM azure_generate_upload_sas('before.txt', 'text/plain') \gset
RESET ROLE;

-- Only the extension owner or a superuser may seal.
SET ROLE regress_azure_admin;
SELECT try($$SELECT test_seal_secrets()$$);
RESET ROLE;
-- seal_secrets() seals the clear account key and the clear upload secret, and nothing else.
SELECT test_seal_secrets() AS sealed_now;
SELECT test_seal_secrets() AS sealed_again;
SELECT alias, account_key LIKE 'sealed:v1:________:%' AS sealed,
       strpos(account_key, 'Eby8vdM02xNOcqFl') = 0 AS no_clear_key
  FROM azure_blob.accounts WHERE alias = 'legacy';
SELECT convert_from(secret, 'UTF8') LIKE 'sealed:v1:________:%' AS sealed,
       length(secret) AS sealed_bytes FROM azure_blob.upload_secret;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'legacy');
-- ... and the sealed secret is the same one: her name is still recognised.
BEGIN;
SET ROLE regress_azure_alice;
SELECT user_id FROM azure_save_metadata(:'name_before');
SELECT blob_name AS name_after FROM azure_generate_upload_sas('after.txt', 'text/plain') \gset
SELECT user_id FROM azure_save_metadata(:'name_after');
ROLLBACK;
-- A damaged upload secret breaks upload names, not signing.  The caches
-- follow changes of azure_blob.upload_secret (its trigger upload_secret_changed).
BEGIN;
UPDATE azure_blob.upload_secret SET secret = convert_to('sealed:v1:0123abcd:AAAA', 'UTF8');
SET ROLE regress_azure_alice;
SELECT stable(try_detail($$SELECT * FROM azure_generate_upload_sas('x.txt', 'text/plain')$$));
RESET ROLE;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'seq') LIKE '%sig=mdr5V6p5%' AS signs;
ROLLBACK;
SET ROLE regress_azure_alice;
SELECT count(*) AS upload_names_work_again FROM azure_generate_upload_sas('x.txt', 'text/plain');
RESET ROLE;
-- A restore inserts the dumped secret after CREATE EXTENSION made one: one
-- secret stays, the last inserted, and names issued before still register.
SELECT secret AS kept_secret FROM azure_blob.upload_secret \gset
INSERT INTO azure_blob.upload_secret VALUES (:'kept_secret'::bytea);
SELECT count(*) AS secrets FROM azure_blob.upload_secret;
BEGIN;
SET ROLE regress_azure_alice;
SELECT user_id FROM azure_save_metadata(:'name_before');
ROLLBACK;

SELECT azure_account_remove('dev'), azure_account_remove('seq'), azure_account_remove('legacy');
DROP FUNCTION public.stable(text);
DROP FUNCTION public.test_seal_secrets();
