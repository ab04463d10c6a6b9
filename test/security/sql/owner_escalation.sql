-- Finding 1 (critical): a database owner who is not a superuser must not get
-- code run by the superuser (or an admin) through the extension.
--
-- On PostgreSQL 15+ schema public belongs to pg_database_owner, so the owner
-- of a database can rename it and create a new "public" of its own.  1.0's
-- SECURITY DEFINER maintenance functions named public.azure_blob_delete,
-- public.azure_files, public.azure_current_user_id and public.azure_blob_list
-- by name (the @extschema@ text), so the objects planted in the new public
-- ran as the extension owner.  1.1 must run none of them: afterwards the
-- attacker is still not a superuser, the marker table is empty, and no
-- "planted ... ran" warning appears.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_owner;
DROP ROLE IF EXISTS regress_sec_dbowner, regress_sec_admin;
RESET client_min_messages;
CREATE ROLE regress_sec_dbowner LOGIN;
CREATE ROLE regress_sec_admin LOGIN;
CREATE DATABASE azb_sec_owner OWNER regress_sec_dbowner;
\c azb_sec_owner
-- The owner of the database owns schema public (through pg_database_owner).
SELECT nspname, nspowner::regrole FROM pg_namespace WHERE nspname = 'public';
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
GRANT azure_blob_admin TO regress_sec_admin;
SELECT extname, extnamespace::regnamespace, extversion FROM pg_extension WHERE extname = 'azure_blob';

-- The helpers live in a schema of the superuser: after the attack, "public"
-- is the attacker's, and the superuser must not call anything in it.
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

-- A dead endpoint: every REST call fails at once with a connection error.
SET azure_blob.allow_http = on;
SET azure_blob.max_retries = 0;
SET azure_blob.connect_timeout_ms = 200;
SET azure_blob.verify_uploads = off;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1', 'uploads');
SELECT azure_grant('regress_sec_admin', 'admin');

-- Queue deletions: one by DELETE, one left for TRUNCATE; a row for read URLs.
INSERT INTO azure_files (blob_name) VALUES ('queued.txt'), ('truncated.txt'), ('read.txt');
DELETE FROM azure_files WHERE blob_name = 'queued.txt';
SELECT blob_name, attempts FROM azure_pending_deletions ORDER BY blob_name;

-- The superuser's session takes the SQL path of read URLs once before the
-- attack (the owner of the schema drops the hash index, which the schema
-- owner may do): a plan cached with the schema's old name must not be
-- re-resolved to the attacker's schema later.
SET ROLE regress_sec_dbowner;
SELECT current_user, sec.try('DROP INDEX public.azure_files_blob_name_hash');
RESET ROLE;
SELECT azure_generate_read_sas('read.txt') LIKE 'http://127.0.0.1:1/devstoreaccount1/uploads/read.txt?%' AS signed_before;

--
-- The attack, as the owner of the database.
--
SET ROLE regress_sec_dbowner;
ALTER SCHEMA public RENAME TO ext;
CREATE SCHEMA public;
CREATE TABLE public.marker (what text, run_as text);
GRANT ALL ON public.marker TO PUBLIC;
GRANT USAGE ON SCHEMA public TO PUBLIC;
-- Runs as whoever calls it: records that, and makes the attacker a superuser if it can.
CREATE FUNCTION public.pwn(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RAISE WARNING 'planted % ran as %', what, current_user;
	INSERT INTO public.marker VALUES (what, current_user);
	IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
		ALTER ROLE regress_sec_dbowner SUPERUSER;
	END IF;
	RETURN true;
END
$$;
CREATE FUNCTION public.azure_blob_delete(text, text, text) RETURNS boolean
	LANGUAGE sql AS $$ SELECT public.pwn('azure_blob_delete') $$;
CREATE FUNCTION public.azure_current_user_id() RETURNS text
	LANGUAGE sql AS $$ SELECT public.pwn('azure_current_user_id')::text $$;
CREATE FUNCTION public.azure_blob_list(prefix text DEFAULT '', container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS TABLE (blob_name text, size_bytes bigint, content_type text, etag text, last_modified timestamptz)
	LANGUAGE sql AS $$ SELECT 'x', 1::bigint, NULL::text, NULL::text, now() WHERE public.pwn('azure_blob_list') $$;
CREATE FUNCTION public.azure_blob_properties(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL,
	OUT size_bytes bigint, OUT content_type text, OUT etag text, OUT last_modified timestamptz)
	LANGUAGE sql AS $$ SELECT 1::bigint, 'text/plain', 'e', now() WHERE public.pwn('azure_blob_properties') $$;
-- A view, so that reading it (SELECT, EXISTS, INSERT ... SELECT) calls pwn() as the reader.
CREATE VIEW public.azure_files AS
	SELECT 1::bigint AS id, n AS blob_name, 'u'::text AS file_url, 'u'::text AS user_id, now() AS upload_timestamp,
	       a AS account, c AS container, NULL::text AS content_type, NULL::bigint AS size_bytes, NULL::text AS etag
	  FROM (VALUES ('queued.txt', 'default', 'uploads'), ('read.txt', 'default', 'uploads')) v(n, a, c)
	 WHERE public.pwn('azure_files view');
GRANT SELECT ON public.azure_files TO PUBLIC;
CREATE TABLE public.deletion_queue (id bigint, account text, container text, blob_name text);
-- Operators and functions that unqualified SQL would pick up from the search_path.
CREATE FUNCTION public.text_eq(text, text) RETURNS boolean
	LANGUAGE sql AS $$ SELECT public.pwn('operator =') $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.text_eq);
CREATE FUNCTION public.now() RETURNS timestamptz
	LANGUAGE sql AS $$ SELECT pg_catalog.now() WHERE public.pwn('now') $$;
CREATE FUNCTION public.current_setting(text) RETURNS text
	LANGUAGE sql AS $$ SELECT pg_catalog.current_setting($1) WHERE public.pwn('current_setting') $$;
CREATE FUNCTION public.power(double precision, double precision) RETURNS double precision
	LANGUAGE sql AS $$ SELECT pg_catalog.power($1, $2) WHERE public.pwn('power') $$;
CREATE FUNCTION public.has_admin_right() RETURNS boolean
	LANGUAGE sql AS $$ SELECT public.pwn('has_admin_right') $$;
CREATE FUNCTION public.require_admin() RETURNS void
	LANGUAGE sql AS $$ SELECT public.pwn('require_admin'); SELECT $$;
-- And overloads in the extension's own schema (now "ext"), which its owner may create.
CREATE FUNCTION ext.azure_blob_delete(text, text, text, int DEFAULT 0) RETURNS boolean
	LANGUAGE sql AS $$ SELECT public.pwn('ext.azure_blob_delete overload') $$;
CREATE FUNCTION ext.azure_current_user_id(int DEFAULT 0) RETURNS text
	LANGUAGE sql AS $$ SELECT public.pwn('ext.azure_current_user_id overload')::text $$;
RESET ROLE;

--
-- The superuser's maintenance, naming only its own schemas (the attacker's
-- "public" is what an unqualified name would find now).
--
SET search_path = pg_catalog, sec;
-- The queued blob: a delete attempt that fails on the dead endpoint.
SELECT ext.azure_process_deletions();
SELECT blob_name, attempts, last_error FROM ext.azure_pending_deletions ORDER BY blob_name;
-- TRUNCATE queues every row through the trigger.
TRUNCATE ext.azure_files;
SELECT blob_name, attempts FROM ext.azure_pending_deletions ORDER BY blob_name;
SELECT try('SELECT ext.azure_reconcile()');
SELECT try('SELECT ext.azure_reconcile(delete_orphans => true, min_age => ''0'')');
-- Read URLs (the SQL path, the hash index being gone) still answer from
-- ext.azure_files: queued.txt has no row there (the planted view has one).
INSERT INTO ext.azure_files (blob_name) VALUES ('read.txt');
SELECT ext.azure_generate_read_sas('read.txt') LIKE 'http://127.0.0.1:1/devstoreaccount1/uploads/read.txt?%' AS signed_after;
SELECT try('SELECT ext.azure_generate_read_sas(''queued.txt'')');
SELECT try('SELECT ext.azure_save_metadata(''saved.txt'')');
SELECT blob_name, file_url FROM ext.azure_files ORDER BY blob_name;

-- The same as an admin of this database (not a superuser).
SET ROLE regress_sec_admin;
SELECT try('SELECT ext.azure_process_deletions()');
SELECT try('SELECT ext.azure_reconcile(delete_orphans => true, min_age => ''0'')');
SELECT ext.azure_generate_read_sas('read.txt') LIKE 'http://127.0.0.1:1/devstoreaccount1/uploads/read.txt?%' AS admin_signed;
SELECT try('DELETE FROM ext.azure_files WHERE blob_name = ''saved.txt''');
RESET ROLE;
SELECT blob_name, attempts FROM ext.azure_pending_deletions ORDER BY blob_name;

-- The verdict: nothing planted ran.
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'regress_sec_dbowner';
SELECT count(*) AS planted_code_runs FROM public.marker;
RESET search_path;

\c azb_security
DROP DATABASE azb_sec_owner;
DROP ROLE regress_sec_dbowner, regress_sec_admin;
