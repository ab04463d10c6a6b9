-- Accounts: add, list without keys, remove, and the per-backend key cache.
-- The standard accounts default, prod and custom are setup.sql's; this file
-- adds and removes only its own (azurite2, direct) and lists only these, so
-- that files running in parallel may add accounts of their own.
-- Azurite accounts (loopback) need allow_http (sql/endpoints.sql tests it).
SET azure_blob.allow_http = on;
-- Azurite on another port.
SELECT azure_account_add('azurite2', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'second');
SELECT * FROM azure_accounts WHERE alias IN ('azurite2', 'custom', 'default', 'prod') ORDER BY alias;

-- The view has no key column, and the key is stored sealed (keys_at_rest.sql
-- checks what that means): 19 characters of header, then Base64 of 12 + 88 + 16 bytes.
SELECT attname FROM pg_attribute WHERE attrelid = 'azure_accounts'::regclass AND attnum > 0 ORDER BY attnum;
SELECT alias, left(account_key, 10) AS format, length(account_key) AS stored_length FROM azure_blob.accounts
 WHERE alias IN ('azurite2', 'custom', 'default', 'prod') ORDER BY alias;

-- Duplicate alias.
SELECT try($$SELECT azure_account_add('prod', 'UseDevelopmentStorage=true')$$);

-- The cache follows changes: sign, remove, sign again, re-add with another key.
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2');
SELECT azure_account_remove('azurite2');
SELECT try($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2')$$);
SELECT azure_account_add('azurite2',
  'AccountName=devstoreaccount1;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1',
  'second');
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2');

-- A change rolled back leaves the cache as it was.
BEGIN;
SELECT azure_account_remove('azurite2');
SELECT try($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2')$$);
ROLLBACK;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2');

-- Key rotation in one transaction.
BEGIN;
SELECT azure_account_remove('azurite2');
SELECT azure_account_add('azurite2', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'second');
COMMIT;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'azurite2');

SELECT azure_account_remove('azurite2');
SELECT try($$SELECT azure_account_remove('azurite2')$$);
SELECT alias FROM azure_accounts WHERE alias IN ('azurite2', 'custom', 'default', 'prod') ORDER BY alias;

-- Names are checked when the cache loads a row; a row written behind
-- azure_account_add's back with names that break the rules is still refused
-- at signing time (the signers skip those checks only for rows that passed).
SELECT azure_account_add('direct', 'UseDevelopmentStorage=true', 'box');
UPDATE azure_blob.accounts SET account_name = 'Not_Valid' WHERE alias = 'direct';
SELECT try($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'direct')$$);
UPDATE azure_blob.accounts SET account_name = 'devstoreaccount1', default_container = 'Bad_Box' WHERE alias = 'direct';
SELECT try($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'direct')$$);
-- An explicit valid container still signs for that row.
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', container => 'box', account => 'direct') LIKE 'http://127.0.0.1:10000/devstoreaccount1/box/k.txt?sv=%' AS signed;
SELECT azure_account_remove('direct');
