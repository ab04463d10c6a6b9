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
