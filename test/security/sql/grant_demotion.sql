-- Round two: azure_grant(role, level) "replaces the role's previous level"
-- (rights.cpp), but its INSERT ... ON CONFLICT DO UPDATE only updates WHERE
-- the old level is 'user' or the new one is 'admin' (so that an admin cannot
-- lower another admin).  That WHERE applies to superusers too, and the error
-- for "nothing changed" is raised only for non-superusers: a superuser who
-- demotes an admin with azure_grant(role, 'user') is told nothing, and the
-- role stays an admin of the database.  Privileges must go down when a
-- superuser says so, or the call must fail.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_demote;
DROP ROLE IF EXISTS regress_sec_ops, regress_sec_admin;
RESET client_min_messages;
CREATE DATABASE azb_sec_demote;
\c azb_sec_demote
CREATE EXTENSION azure_blob;
CREATE ROLE regress_sec_ops LOGIN;
CREATE ROLE regress_sec_admin LOGIN;
GRANT azure_blob_admin TO regress_sec_ops, regress_sec_admin;
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;
SELECT azure_grant('regress_sec_ops', 'admin'), azure_grant('regress_sec_admin', 'admin');

-- An admin still cannot lower another admin (the reason for the WHERE).
SET ROLE regress_sec_admin;
SELECT try($$SELECT azure_grant('regress_sec_ops', 'user')$$) AS admin_demotes_admin;
RESET ROLE;

-- The superuser demotes ops to a user (README: the grant replaces the previous level).
SELECT try($$SELECT azure_grant('regress_sec_ops', 'user')$$) AS superuser_demotes;
SET ROLE regress_sec_ops;
-- azure_grants shows rows to admins only.
SELECT count(*) > 0 AS ops_sees_grants FROM azure_grants;
SELECT try($$SELECT azure_account_add('x', 'DefaultEndpointsProtocol=https;AccountName=regresssecops;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==')$$) AS ops_adds_account;
RESET ROLE;
SELECT role, level FROM azure_grants ORDER BY role::text;

\c azb_security
DROP DATABASE azb_sec_demote;
DROP ROLE regress_sec_ops, regress_sec_admin;
