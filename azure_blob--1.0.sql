/* azure_blob--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION azure_blob" to load this file. \quit

--
-- Roles.  Roles belong to the cluster, not the database, so a second
-- database's CREATE EXTENSION finds them already there.
--
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'azure_blob_admin') THEN
		CREATE ROLE azure_blob_admin NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'azure_blob_user') THEN
		CREATE ROLE azure_blob_user NOLOGIN;
	END IF;
	IF NOT pg_catalog.pg_has_role('azure_blob_admin', 'azure_blob_user', 'MEMBER') THEN
		GRANT azure_blob_user TO azure_blob_admin;
	END IF;
END
$$;

--
-- Secrets: a schema of the extension's own.  CREATE SCHEMA fails if it
-- exists, so nobody can plant objects in it beforehand.  Only the extension
-- owner (the role that ran CREATE EXTENSION) can use it.
--
CREATE SCHEMA azure_blob;
REVOKE ALL ON SCHEMA azure_blob FROM PUBLIC;

CREATE TABLE azure_blob.accounts (
	alias             text PRIMARY KEY,
	account_name      text NOT NULL,
	account_key       text NOT NULL,
	blob_endpoint     text NOT NULL,
	default_container text
);
REVOKE ALL ON azure_blob.accounts FROM PUBLIC;
COMMENT ON TABLE azure_blob.accounts IS 'Storage accounts and their keys; readable by the extension owner only.';
SELECT pg_catalog.pg_extension_config_dump('azure_blob.accounts', '');

CREATE FUNCTION azure_blob.accounts_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'azure_blob_accounts_changed' LANGUAGE C;
REVOKE ALL ON FUNCTION azure_blob.accounts_changed() FROM PUBLIC;

-- Every change to the accounts drops the per-backend key caches at commit.
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON azure_blob.accounts
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.accounts_changed();

--
-- Account management (owner and azure_blob_admin).
--
CREATE FUNCTION @extschema@.azure_account_add(alias text, connection_string text, default_container text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_add' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_add(text, text, text) IS 'Adds a storage account from an Azure connection string; the key is kept where only the extension owner can read it';

CREATE FUNCTION @extschema@.azure_account_remove(alias text)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_remove' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_remove(text) IS 'Removes a storage account';

CREATE VIEW @extschema@.azure_accounts AS
	SELECT alias, account_name, blob_endpoint, default_container FROM azure_blob.accounts;
COMMENT ON VIEW @extschema@.azure_accounts IS 'Configured storage accounts, without their keys';

--
-- Signing.
--
CREATE FUNCTION @extschema@.azure_current_user_id()
	RETURNS text AS 'MODULE_PATHNAME', 'azure_current_user_id' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.azure_current_user_id() IS 'azure_blob.user_id if set, else current_user';

CREATE FUNCTION @extschema@.azure_blob_sas_url(
	blob_name text, permissions text, expires_at timestamptz, starts_at timestamptz DEFAULT NULL,
	container text DEFAULT NULL, account text DEFAULT NULL, protocol text DEFAULT NULL, ip_range text DEFAULT NULL,
	content_type text DEFAULT NULL, content_disposition text DEFAULT NULL, cache_control text DEFAULT NULL,
	content_encoding text DEFAULT NULL, content_language text DEFAULT NULL, identifier text DEFAULT NULL,
	encryption_scope text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_blob_sas_url' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) IS 'Service SAS URL for a blob (sr=b), deterministic for fixed times';

CREATE FUNCTION @extschema@.azure_container_sas_url(
	permissions text, expires_at timestamptz, starts_at timestamptz DEFAULT NULL,
	container text DEFAULT NULL, account text DEFAULT NULL, protocol text DEFAULT NULL, ip_range text DEFAULT NULL,
	content_type text DEFAULT NULL, content_disposition text DEFAULT NULL, cache_control text DEFAULT NULL,
	content_encoding text DEFAULT NULL, content_language text DEFAULT NULL, identifier text DEFAULT NULL,
	encryption_scope text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_container_sas_url' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) IS 'Service SAS URL for a container (sr=c), deterministic for fixed times';

CREATE FUNCTION @extschema@.azure_generate_upload_sas(file_name text, content_type text, expires_in interval DEFAULT '5 minutes')
	RETURNS TABLE (sas_url text, blob_name text, file_url text, expires_at timestamptz)
	AS 'MODULE_PATHNAME', 'azure_generate_upload_sas' LANGUAGE C VOLATILE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) IS 'Create-only upload URL for a new blob named <uuid>-<file_name>; writes nothing';

--
-- File metadata: the guide's table, kept honest by a trigger and row-level security.
--
CREATE TABLE @extschema@.azure_files (
	id               bigserial PRIMARY KEY,
	blob_name        text NOT NULL UNIQUE,
	file_url         text NOT NULL,
	user_id          text NOT NULL,
	upload_timestamp timestamptz NOT NULL DEFAULT pg_catalog.now(),
	account          text NOT NULL,
	container        text NOT NULL,
	content_type     text,
	size_bytes       bigint,
	etag             text
);
COMMENT ON TABLE @extschema@.azure_files IS 'One row per blob uploaded through azure_blob';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.azure_files', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.azure_files_id_seq', '');
CREATE INDEX azure_files_user_id_idx ON @extschema@.azure_files (user_id);

CREATE FUNCTION @extschema@.azure_files_check() RETURNS trigger
	AS 'MODULE_PATHNAME', 'azure_files_check' LANGUAGE C;
REVOKE ALL ON FUNCTION @extschema@.azure_files_check() FROM PUBLIC;
CREATE TRIGGER azure_files_check BEFORE INSERT OR UPDATE ON @extschema@.azure_files
	FOR EACH ROW EXECUTE FUNCTION @extschema@.azure_files_check();

ALTER TABLE @extschema@.azure_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY azure_files_admin ON @extschema@.azure_files TO azure_blob_admin USING (true) WITH CHECK (true);
CREATE POLICY azure_files_owner ON @extschema@.azure_files TO azure_blob_user
	USING (user_id OPERATOR(pg_catalog.=) @extschema@.azure_current_user_id())
	WITH CHECK (user_id OPERATOR(pg_catalog.=) @extschema@.azure_current_user_id());

CREATE FUNCTION @extschema@.azure_generate_read_sas(blob_name text, expires_in interval DEFAULT '15 minutes')
	RETURNS text AS 'MODULE_PATHNAME', 'azure_generate_read_sas' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) IS 'Read-only URL for a file of azure_files that the caller can see';

-- The guide's save-metadata step. Runs as the caller: the trigger and RLS apply.
CREATE FUNCTION @extschema@.azure_save_metadata(blob_name text, file_url text DEFAULT NULL)
	RETURNS @extschema@.azure_files
	LANGUAGE sql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$ INSERT INTO @extschema@.azure_files (blob_name, file_url) VALUES ($1, $2) RETURNING * $$;
COMMENT ON FUNCTION @extschema@.azure_save_metadata(text, text) IS 'Registers an uploaded blob for the current user and returns its row';

--
-- Privileges: nothing for PUBLIC; see README "Security".
--
REVOKE ALL ON FUNCTION @extschema@.azure_account_add(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_account_remove(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_current_user_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_save_metadata(text, text) FROM PUBLIC;
REVOKE ALL ON @extschema@.azure_accounts FROM PUBLIC;
REVOKE ALL ON @extschema@.azure_files FROM PUBLIC;
REVOKE ALL ON SEQUENCE @extschema@.azure_files_id_seq FROM PUBLIC;

GRANT EXECUTE ON FUNCTION @extschema@.azure_account_add(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_account_remove(text) TO azure_blob_admin;
GRANT SELECT ON @extschema@.azure_accounts TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;

GRANT EXECUTE ON FUNCTION @extschema@.azure_current_user_id() TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_save_metadata(text, text) TO azure_blob_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.azure_files TO azure_blob_user;
GRANT USAGE ON SEQUENCE @extschema@.azure_files_id_seq TO azure_blob_user;
