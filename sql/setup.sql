-- Shared fixtures for the pg_regress suite: login roles and a helper that
-- turns an error into "SQLSTATE: message" so expected files show both
-- without LOCATION lines that move with the source.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_azure_alice, regress_azure_bob, regress_azure_admin, regress_azure_nobody;
RESET client_min_messages;
CREATE ROLE regress_azure_alice LOGIN;
CREATE ROLE regress_azure_bob LOGIN;
CREATE ROLE regress_azure_admin LOGIN;
CREATE ROLE regress_azure_nobody LOGIN;
GRANT azure_blob_user TO regress_azure_alice, regress_azure_bob;
GRANT azure_blob_admin TO regress_azure_admin;
-- Since 1.1 the cluster roles give rights only where a grant names the role.
SELECT azure_grant('regress_azure_alice', 'user'), azure_grant('regress_azure_bob', 'user'),
       azure_grant('regress_azure_admin', 'admin');

-- This suite runs offline: azure_save_metadata must not look for the blob in
-- Azure (test/azurite covers that). Every later session of this database inherits it.
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET azure_blob.verify_uploads = off', current_database()); END $$;

-- try(sql): runs sql, returns 'ok' or 'SQLSTATE: message'.
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;

-- try_detail(sql): the same, with the DETAIL and HINT lines, for checking what errors reveal.
CREATE FUNCTION public.try_detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text; msg text; det text; hnt text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN state || ': ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END
$$;
GRANT EXECUTE ON FUNCTION public.try_detail(text) TO PUBLIC;

-- The extension is installed by pg_regress (--load-extension); check what it made.
SELECT extname, extversion, extrelocatable FROM pg_extension WHERE extname = 'azure_blob';
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'azure_blob_%' ORDER BY 1;
SELECT pg_has_role('azure_blob_admin', 'azure_blob_user', 'MEMBER') AS admin_is_user;
-- Every user-facing function is closed to PUBLIC.
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'azure_blob'
 ORDER BY 1;
-- pg_dump keeps the accounts and the files.
SELECT unnest(extconfig)::regclass AS dumped FROM pg_extension WHERE extname = 'azure_blob' ORDER BY 1;

-- The standard accounts, which every file may use and none changes: default
-- (Azurite, container uploads), prod (Azure, container data) and custom (a
-- custom domain, no default container).  Azurite accounts (loopback) need
-- allow_http, the custom domain an entry in the endpoint host list
-- (sql/endpoints.sql tests both).
SET azure_blob.allow_http = on;
SET azure_blob.allowed_endpoint_hosts = '.blob.core.windows.net, .example.com';
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_account_add('prod',
  'DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;EndpointSuffix=core.windows.net',
  'data');
-- Explicit BlobEndpoint wins over the derived one; one trailing "/" is dropped.
SELECT azure_account_add('custom',
  ' AccountName=myaccount ; AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw== ;;BlobEndpoint=https://files.example.com/;', NULL);
SELECT * FROM azure_accounts ORDER BY alias;
RESET azure_blob.allowed_endpoint_hosts;
RESET azure_blob.allow_http;
