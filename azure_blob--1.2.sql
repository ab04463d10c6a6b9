/* azure_blob--1.2.sql: a fresh install of azure_blob 1.2 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION azure_blob" to load this file. \quit

-- Read by topic; every object's REVOKE, GRANT and COMMENT follow its CREATE.
-- It makes the same objects as 1.0 updated through 1.1 to 1.2
-- (sql/upgrade.sql compares the catalogs).  This script runs as a superuser
-- with the extension's schema (often public, which the database owner
-- controls) on the search_path, so every name is schema-qualified and every
-- operator spelled OPERATOR(pg_catalog.x); code that runs with the owner's
-- rights lives in schema azure_blob, pins search_path and names only
-- azure_blob and pg_catalog objects, and what runs as the caller is bound
-- to OIDs here (BEGIN ATOMIC) (CONTRIBUTING.md §8).

--
-- Roles and the private schema.
--
-- The roles belong to the cluster, so a second database's CREATE EXTENSION
-- finds them already there.  Alone they give nothing in a database: rights
-- come from azure_grant() in that database (README, "Security model").
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'azure_blob_admin') THEN
		CREATE ROLE azure_blob_admin NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'azure_blob_user') THEN
		CREATE ROLE azure_blob_user NOLOGIN;
	END IF;
	IF NOT pg_catalog.pg_has_role('azure_blob_admin', 'azure_blob_user', 'MEMBER') THEN
		GRANT azure_blob_user TO azure_blob_admin;
	END IF;
END
$$;

-- CREATE SCHEMA fails if it exists, so nobody can plant objects in it
-- beforehand; only the extension owner (the role that ran CREATE EXTENSION)
-- can use it.
CREATE SCHEMA azure_blob;
REVOKE ALL ON SCHEMA azure_blob FROM PUBLIC;

-- Every change to a table it triggers on reaches each backend's caches (the
-- accounts and their keys, the upload secret, the rights) at commit.
CREATE FUNCTION azure_blob.accounts_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'azure_blob_accounts_changed' LANGUAGE C;
REVOKE ALL ON FUNCTION azure_blob.accounts_changed() FROM PUBLIC;

--
-- Rights in this database (src/rights.cpp).
--
CREATE TABLE azure_blob.grants (
	role  pg_catalog.regrole PRIMARY KEY,
	level pg_catalog.text NOT NULL CHECK (level OPERATOR(pg_catalog.=) ANY (ARRAY['admin', 'user']::pg_catalog.text[]))
);
REVOKE ALL ON azure_blob.grants FROM PUBLIC;
COMMENT ON TABLE azure_blob.grants IS 'Roles with azure_blob rights in this database; managed with azure_grant() and azure_revoke()';
SELECT pg_catalog.pg_extension_config_dump('azure_blob.grants', '');
CREATE TRIGGER grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON azure_blob.grants
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.accounts_changed();

CREATE FUNCTION @extschema@.azure_grant(role pg_catalog.regrole, level pg_catalog.text)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_grant' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_grant(pg_catalog.regrole, pg_catalog.text) IS 'Gives a role azure_blob rights (''admin'' or ''user'') in this database';
REVOKE ALL ON FUNCTION @extschema@.azure_grant(pg_catalog.regrole, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_grant(pg_catalog.regrole, pg_catalog.text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_revoke(role pg_catalog.regrole)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_revoke' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_revoke(pg_catalog.regrole) IS 'Takes a role''s azure_blob rights in this database away; false if it had none';
REVOKE ALL ON FUNCTION @extschema@.azure_revoke(pg_catalog.regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_revoke(pg_catalog.regrole) TO azure_blob_admin;

-- Asked by the admin policy of azure_files and the admin views (runs as the caller).
CREATE FUNCTION azure_blob.has_admin_right()
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_blob_has_admin_right' LANGUAGE C STABLE PARALLEL RESTRICTED;
REVOKE ALL ON FUNCTION azure_blob.has_admin_right() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.has_admin_right() TO azure_blob_user;

-- First statement of the wrappers of owner-run maintenance functions.
CREATE FUNCTION azure_blob.require_admin()
	RETURNS void AS 'MODULE_PATHNAME', 'azure_blob_require_admin' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
REVOKE ALL ON FUNCTION azure_blob.require_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.require_admin() TO azure_blob_admin;

-- The application user.  It is valid only in the transaction that set it
-- (README, "The application user"); a parallel worker cannot tell, so what
-- reads it runs in the leader.
CREATE FUNCTION @extschema@.azure_current_user_id()
	RETURNS text AS 'MODULE_PATHNAME', 'azure_current_user_id' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.azure_current_user_id() IS 'azure_blob.user_id if set, else current_user';
REVOKE ALL ON FUNCTION @extschema@.azure_current_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_current_user_id() TO azure_blob_user;

--
-- Storage accounts and secrets.  Account keys and the upload-name secret are
-- sealed (AES-256-GCM) under a master key file outside SQL
-- (azure_blob.master_key_file, docs/keys-at-rest.md), so a dump, a base
-- backup or a role that reads every table gets no usable key.
--
CREATE TABLE azure_blob.accounts (
	alias             pg_catalog.text PRIMARY KEY,
	account_name      pg_catalog.text NOT NULL,
	account_key       pg_catalog.text NOT NULL,
	blob_endpoint     pg_catalog.text NOT NULL,
	default_container pg_catalog.text
);
REVOKE ALL ON azure_blob.accounts FROM PUBLIC;
COMMENT ON TABLE azure_blob.accounts IS 'Storage accounts and their keys; readable by the extension owner only.';
SELECT pg_catalog.pg_extension_config_dump('azure_blob.accounts', '');
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON azure_blob.accounts
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.accounts_changed();

-- The per-database secret behind issued upload names (a MAC of the user id
-- in the uuid part): 244 random bits from pg_strong_random, owner-only.  It
-- is dumped (sealed) so that names issued before a restore still register
-- after it; a restore inserts the dumped row after CREATE EXTENSION made a
-- fresh one, and the table keeps one secret, the last inserted.
CREATE TABLE azure_blob.upload_secret (secret pg_catalog.bytea NOT NULL);
REVOKE ALL ON azure_blob.upload_secret FROM PUBLIC;
INSERT INTO azure_blob.upload_secret
	SELECT pg_catalog.decode(pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text OPERATOR(pg_catalog.||)
	                                            pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''), 'hex');
SELECT pg_catalog.pg_extension_config_dump('azure_blob.upload_secret', '');

CREATE FUNCTION azure_blob.upload_secret_replace() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	DELETE FROM azure_blob.upload_secret;
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION azure_blob.upload_secret_replace() FROM PUBLIC;
CREATE TRIGGER upload_secret_replace BEFORE INSERT ON azure_blob.upload_secret
	FOR EACH ROW EXECUTE FUNCTION azure_blob.upload_secret_replace();
CREATE TRIGGER upload_secret_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON azure_blob.upload_secret
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.accounts_changed();

-- Seals values still stored in clear, and re-seals those of a previous master key.
CREATE FUNCTION azure_blob.seal_secrets() RETURNS integer
	AS 'MODULE_PATHNAME', 'azure_blob_seal_secrets' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION azure_blob.seal_secrets() IS 'Seals account keys and the upload-name secret still stored in clear, and re-seals those sealed under azure_blob.previous_master_key_file; returns how many values it wrote';
REVOKE ALL ON FUNCTION azure_blob.seal_secrets() FROM PUBLIC;

-- The upload secret made above.
SELECT azure_blob.seal_secrets();

CREATE FUNCTION @extschema@.azure_account_add(alias text, connection_string text, default_container text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_add' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_add(text, text, text) IS 'Adds a storage account from an Azure connection string; the key is kept where only the extension owner can read it';
REVOKE ALL ON FUNCTION @extschema@.azure_account_add(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_account_add(text, text, text) TO azure_blob_admin;

-- Owner only: it reads the server's environment.
CREATE FUNCTION @extschema@.azure_account_add_from_env(alias text, variable text, default_container text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_add_from_env' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_add_from_env(text, text, text) IS 'Adds a storage account from a connection string in the server''s environment: the key never appears in SQL or logs';
REVOKE ALL ON FUNCTION @extschema@.azure_account_add_from_env(text, text, text) FROM PUBLIC;

CREATE FUNCTION @extschema@.azure_account_remove(alias text)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_remove' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_remove(text) IS 'Removes a storage account';
REVOKE ALL ON FUNCTION @extschema@.azure_account_remove(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_account_remove(text) TO azure_blob_admin;

--
-- azure_files: one row per uploaded blob, kept honest by a trigger,
-- row-level security and column privileges: users choose neither id nor
-- upload_timestamp, set size_bytes, content_type and etag only through
-- azure_save_metadata (the trigger checks), and change nothing afterwards.
--
CREATE TABLE @extschema@.azure_files (
	id               bigserial PRIMARY KEY,
	blob_name        text COLLATE pg_catalog."C" NOT NULL UNIQUE,  -- byte order, as Azure lists blobs; memcmp lookups
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
REVOKE ALL ON @extschema@.azure_files FROM PUBLIC;
GRANT SELECT, DELETE ON @extschema@.azure_files TO azure_blob_user;
GRANT INSERT (blob_name, file_url, user_id, account, container, content_type, size_bytes, etag)
	ON @extschema@.azure_files TO azure_blob_user;
GRANT INSERT (blob_name, file_url, user_id, upload_timestamp, account, container, content_type, size_bytes, etag),
	UPDATE (blob_name, file_url, user_id, upload_timestamp, account, container, content_type, size_bytes, etag)
	ON @extschema@.azure_files TO azure_blob_admin;
REVOKE ALL ON SEQUENCE @extschema@.azure_files_id_seq FROM PUBLIC;
GRANT USAGE ON SEQUENCE @extschema@.azure_files_id_seq TO azure_blob_user;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.azure_files', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.azure_files_id_seq', '');
CREATE INDEX azure_files_user_id_idx ON @extschema@.azure_files (user_id);
-- azure_generate_read_sas probes this for every URL: one bucket page instead of a
-- B-tree descent with a comparison per level (see src/read_access.cpp).
CREATE INDEX azure_files_blob_name_hash ON @extschema@.azure_files USING hash (blob_name);

CREATE FUNCTION @extschema@.azure_files_check() RETURNS trigger
	AS 'MODULE_PATHNAME', 'azure_files_check' LANGUAGE C;
REVOKE ALL ON FUNCTION @extschema@.azure_files_check() FROM PUBLIC;
CREATE TRIGGER azure_files_check BEFORE INSERT OR UPDATE ON @extschema@.azure_files
	FOR EACH ROW EXECUTE FUNCTION @extschema@.azure_files_check();

ALTER TABLE @extschema@.azure_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY azure_files_admin ON @extschema@.azure_files TO azure_blob_admin
	USING (azure_blob.has_admin_right()) WITH CHECK (azure_blob.has_admin_right());
CREATE POLICY azure_files_owner ON @extschema@.azure_files TO azure_blob_user
	USING (user_id OPERATOR(pg_catalog.=) @extschema@.azure_current_user_id())
	WITH CHECK (user_id OPERATOR(pg_catalog.=) @extschema@.azure_current_user_id());

-- What the C code runs as the caller, by OID (src/extension_objects.hpp): the
-- SQL-standard bodies are bound to OIDs here, so no name is looked up when they run.
CREATE FUNCTION azure_blob.file_lookup(blob_name pg_catalog.text) RETURNS pg_catalog.text[]
	LANGUAGE sql STABLE SECURITY INVOKER PARALLEL RESTRICTED
	BEGIN ATOMIC
		SELECT ARRAY[f.account, f.container, f.content_type] FROM @extschema@.azure_files f
		 WHERE f.blob_name OPERATOR(pg_catalog.=) file_lookup.blob_name;
	END;
REVOKE ALL ON FUNCTION azure_blob.file_lookup(pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION azure_blob.insert_file(blob_name pg_catalog.text, file_url pg_catalog.text, content_type pg_catalog.text,
	size_bytes pg_catalog.int8, etag pg_catalog.text) RETURNS @extschema@.azure_files
	LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		INSERT INTO @extschema@.azure_files (blob_name, file_url, content_type, size_bytes, etag)
		VALUES (insert_file.blob_name, insert_file.file_url, insert_file.content_type, insert_file.size_bytes,
		        insert_file.etag)
		RETURNING *;
	END;
REVOKE ALL ON FUNCTION azure_blob.insert_file(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int8, pg_catalog.text) FROM PUBLIC;

-- azure_save_metadata's look-up of the caller's registration of a blob (the
-- same call again returns it): bound to azure_files by OID here, so no name
-- is resolved when it runs (src/rest_functions.cpp, FindOwnRegistration).
-- VOLATILE: each call takes a fresh snapshot, which sees a registration
-- committed while the caller waited for the blob's lock.
CREATE FUNCTION azure_blob.find_registration(blob_name pg_catalog.text, user_id pg_catalog.text,
	account pg_catalog.text, container pg_catalog.text, file_url pg_catalog.text) RETURNS @extschema@.azure_files
	LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		SELECT f.* FROM @extschema@.azure_files f
		 WHERE f.blob_name OPERATOR(pg_catalog.=) find_registration.blob_name
		   AND f.user_id OPERATOR(pg_catalog.=) find_registration.user_id
		   AND f.account OPERATOR(pg_catalog.=) find_registration.account
		   AND f.container OPERATOR(pg_catalog.=) find_registration.container
		   AND (find_registration.file_url IS NULL OR f.file_url OPERATOR(pg_catalog.=) find_registration.file_url);
	END;
REVOKE ALL ON FUNCTION azure_blob.find_registration(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

-- The guide's save-metadata step: checks the name was issued to the caller and
-- (azure_blob.verify_uploads) that the blob exists; inserts as the caller.
CREATE FUNCTION @extschema@.azure_save_metadata(blob_name text, file_url text DEFAULT NULL)
	RETURNS @extschema@.azure_files AS 'MODULE_PATHNAME', 'azure_save_metadata' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_save_metadata(text, text) IS 'Registers an uploaded blob for the current user and returns its row';
REVOKE ALL ON FUNCTION @extschema@.azure_save_metadata(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_save_metadata(text, text) TO azure_blob_user;

--
-- Signing: SAS URLs, made without any request to Azure.
--
CREATE FUNCTION @extschema@.azure_blob_sas_url(
	blob_name text, permissions text, expires_at timestamptz, starts_at timestamptz DEFAULT NULL,
	container text DEFAULT NULL, account text DEFAULT NULL, protocol text DEFAULT NULL, ip_range text DEFAULT NULL,
	content_type text DEFAULT NULL, content_disposition text DEFAULT NULL, cache_control text DEFAULT NULL,
	content_encoding text DEFAULT NULL, content_language text DEFAULT NULL, identifier text DEFAULT NULL,
	encryption_scope text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_blob_sas_url' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) IS 'Service SAS URL for a blob (sr=b), deterministic for fixed times';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_container_sas_url(
	permissions text, expires_at timestamptz, starts_at timestamptz DEFAULT NULL,
	container text DEFAULT NULL, account text DEFAULT NULL, protocol text DEFAULT NULL, ip_range text DEFAULT NULL,
	content_type text DEFAULT NULL, content_disposition text DEFAULT NULL, cache_control text DEFAULT NULL,
	content_encoding text DEFAULT NULL, content_language text DEFAULT NULL, identifier text DEFAULT NULL,
	encryption_scope text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_container_sas_url' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) IS 'Service SAS URL for a container (sr=c), deterministic for fixed times';
REVOKE ALL ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;

-- Reads the application user, so it runs in the leader (PARALLEL RESTRICTED).
CREATE FUNCTION @extschema@.azure_generate_upload_sas(file_name text, content_type text, expires_in interval DEFAULT '5 minutes')
	RETURNS TABLE (sas_url text, blob_name text, file_url text, expires_at timestamptz)
	AS 'MODULE_PATHNAME', 'azure_generate_upload_sas' LANGUAGE C VOLATILE PARALLEL RESTRICTED ROWS 1;
COMMENT ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) IS 'Create-only upload URL for a new blob named <uuid>-<file_name>; writes nothing';
REVOKE ALL ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) TO azure_blob_user;

CREATE FUNCTION @extschema@.azure_generate_read_sas(blob_name text, expires_in interval DEFAULT '15 minutes')
	RETURNS text AS 'MODULE_PATHNAME', 'azure_generate_read_sas' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) IS 'Read-only URL for a file of azure_files that the caller can see';
REVOKE ALL ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) TO azure_blob_user;

--
-- Blob REST API (Shared Key over libcurl; admin).  Owner-run code calls the
-- private copies in schema azure_blob (same C functions), never these.
--
CREATE FUNCTION @extschema@.azure_blob_properties(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL,
	OUT size_bytes bigint, OUT content_type text, OUT etag text, OUT last_modified timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_properties' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_properties(text, text, text) IS 'Size, content type, ETag and last change of a blob; a row of NULLs if it does not exist';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_properties(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_properties(text, text, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_blob_get(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS bytea AS 'MODULE_PATHNAME', 'azure_blob_get' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_get(text, text, text) IS 'Contents of a blob; NULL if it does not exist';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_get(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_get(text, text, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_blob_put(blob_name text, data bytea, content_type text DEFAULT 'application/octet-stream',
	container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_blob_put' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) IS 'Uploads or replaces a block blob; returns its ETag';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_blob_delete(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_blob_delete' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_delete(text, text, text) IS 'Deletes a blob and its snapshots; false if it did not exist';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_delete(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_delete(text, text, text) TO azure_blob_admin;

CREATE FUNCTION azure_blob.blob_delete(blob_name pg_catalog.text, container pg_catalog.text, account pg_catalog.text)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_blob_delete' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.blob_delete(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION @extschema@.azure_blob_list(prefix text DEFAULT '', container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS TABLE (blob_name text, size_bytes bigint, content_type text, etag text, last_modified timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_list' LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.azure_blob_list(text, text, text) IS 'Blobs whose names start with prefix, fetched page by page';
REVOKE ALL ON FUNCTION @extschema@.azure_blob_list(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_list(text, text, text) TO azure_blob_admin;

CREATE FUNCTION azure_blob.blob_list(prefix pg_catalog.text, container pg_catalog.text, account pg_catalog.text)
	RETURNS TABLE (blob_name pg_catalog.text, size_bytes pg_catalog.int8, content_type pg_catalog.text,
	               etag pg_catalog.text, last_modified pg_catalog.timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_list' LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 1000;
REVOKE ALL ON FUNCTION azure_blob.blob_list(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION @extschema@.azure_container_create(container text, account text DEFAULT NULL)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_container_create' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_container_create(text, text) IS 'Creates a private container; false if it already existed';
REVOKE ALL ON FUNCTION @extschema@.azure_container_create(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_container_create(text, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_set_cors(allowed_origins text[], allowed_methods text[],
	allowed_headers text[] DEFAULT '{*}', exposed_headers text[] DEFAULT '{*}', max_age_seconds int DEFAULT 3600,
	account text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_set_cors' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) IS 'Replaces the Blob service CORS rules of an account with one rule (browser uploads need it)';
REVOKE ALL ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_get_cors(account text DEFAULT NULL)
	RETURNS TABLE (allowed_origins text[], allowed_methods text[], allowed_headers text[], exposed_headers text[], max_age_seconds int)
	AS 'MODULE_PATHNAME', 'azure_get_cors' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_get_cors(text) IS 'The Blob service CORS rules of an account';
REVOKE ALL ON FUNCTION @extschema@.azure_get_cors(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_get_cors(text) TO azure_blob_admin;

--
-- Maintenance, run with the owner's rights in schema azure_blob.  The
-- functions in the extension's schema are wrappers that run as the caller:
-- they check the caller's rights in this database, then call the private
-- function, by OID (a BEGIN ATOMIC body is resolved once, here).
--

-- Deletes after commit: deleting rows queues their blobs (an outbox, rolled
-- back with the DELETE); azure_process_deletions() deletes them later.
CREATE TABLE azure_blob.deletion_queue (
	id              bigserial PRIMARY KEY,
	account         pg_catalog.text NOT NULL,
	container       pg_catalog.text NOT NULL,
	blob_name       pg_catalog.text NOT NULL,
	queued_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	attempts        pg_catalog.int4 NOT NULL DEFAULT 0,
	next_attempt_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	last_error      pg_catalog.text
);
REVOKE ALL ON azure_blob.deletion_queue FROM PUBLIC;
CREATE INDEX deletion_queue_next_attempt_idx ON azure_blob.deletion_queue (next_attempt_at);
SELECT pg_catalog.pg_extension_config_dump('azure_blob.deletion_queue', '');
SELECT pg_catalog.pg_extension_config_dump('azure_blob.deletion_queue_id_seq', '');

-- The rows of azure_files, read by OID (no row-level security: owner-run code only).
CREATE FUNCTION azure_blob.file_rows()
	RETURNS TABLE (blob_name pg_catalog.text, account pg_catalog.text, container pg_catalog.text,
	               size_bytes pg_catalog.int8, upload_timestamp pg_catalog.timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_file_rows' LANGUAGE C STABLE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.file_rows() FROM PUBLIC;

-- 'busy', 'registered' or 'delete' for a queued blob (src/deletion.cpp).
CREATE FUNCTION azure_blob.deletion_check(account pg_catalog.text, container pg_catalog.text, blob_name pg_catalog.text)
	RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'azure_blob_deletion_check' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.deletion_check(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

-- Runs as the owner so any role allowed to DELETE a row can queue its blob.
CREATE FUNCTION azure_blob.queue_deletion() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		INSERT INTO azure_blob.deletion_queue (account, container, blob_name)
			SELECT f.account, f.container, f.blob_name FROM azure_blob.file_rows() f;
		RETURN NULL;
	END IF;
	INSERT INTO azure_blob.deletion_queue (account, container, blob_name)
		VALUES (OLD.account, OLD.container, OLD.blob_name);
	RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION azure_blob.queue_deletion() FROM PUBLIC;
CREATE TRIGGER azure_files_queue_deletion AFTER DELETE ON @extschema@.azure_files
	FOR EACH ROW EXECUTE FUNCTION azure_blob.queue_deletion();
CREATE TRIGGER azure_files_queue_truncate BEFORE TRUNCATE ON @extschema@.azure_files
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.queue_deletion();

CREATE FUNCTION azure_blob.process_deletions(max_items pg_catalog.int4)
	RETURNS pg_catalog.int4 LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	item record;
	done integer := 0;
	detail text;
	verdict text;
BEGIN
	IF max_items IS NULL THEN
		RAISE EXCEPTION 'max_items must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF max_items OPERATOR(pg_catalog.<) 1 THEN
		RAISE EXCEPTION 'max_items must be positive' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- SKIP LOCKED: several workers (cron, pg_cron, replicas of a job) never take the same blob.
	FOR item IN
		SELECT q.id, q.account, q.container, q.blob_name FROM azure_blob.deletion_queue q
		 WHERE q.next_attempt_at OPERATOR(pg_catalog.<=) pg_catalog.now()
		 ORDER BY q.next_attempt_at, q.id
		 LIMIT max_items
		   FOR UPDATE SKIP LOCKED
	LOOP
		BEGIN
			-- 'busy': a registration of this name is in flight; it stays queued for the next run.
			-- 'registered': registered again since; not deleted.  'delete': locked until commit.
			verdict := azure_blob.deletion_check(item.account, item.container, item.blob_name);
			IF verdict OPERATOR(pg_catalog.<>) 'busy' THEN
				IF verdict OPERATOR(pg_catalog.=) 'delete' THEN
					PERFORM azure_blob.blob_delete(item.blob_name, item.container, item.account);
				END IF;
				DELETE FROM azure_blob.deletion_queue WHERE id OPERATOR(pg_catalog.=) item.id;
				done := done OPERATOR(pg_catalog.+) 1;
			END IF;
		EXCEPTION WHEN OTHERS THEN
			-- Stays queued; retried with exponential backoff up to an hour.
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
			-- LEAST is SQL syntax, not a pg_catalog function; the exponent is
			-- capped (2^12 * 10 s > 1 h) so that the interval never overflows.
			UPDATE azure_blob.deletion_queue
			   SET attempts = attempts OPERATOR(pg_catalog.+) 1,
			       last_error = SQLERRM OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(detail, '') OPERATOR(pg_catalog.||) ')', ''),
			       next_attempt_at = pg_catalog.now()
			           OPERATOR(pg_catalog.+) LEAST(pg_catalog.power(2, LEAST(attempts, 12)) OPERATOR(pg_catalog.*) interval '10 seconds', interval '1 hour')
			 WHERE id OPERATOR(pg_catalog.=) item.id;
		END;
	END LOOP;
	RETURN done;
END
$$;
REVOKE ALL ON FUNCTION azure_blob.process_deletions(pg_catalog.int4) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.process_deletions(pg_catalog.int4) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_process_deletions(max_items int DEFAULT 1000)
	RETURNS integer LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		SELECT azure_blob.require_admin();
		SELECT azure_blob.process_deletions(max_items);
	END;
COMMENT ON FUNCTION @extschema@.azure_process_deletions(int) IS 'Deletes the blobs of deleted rows, after their DELETE committed; failures stay queued';
REVOKE ALL ON FUNCTION @extschema@.azure_process_deletions(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_process_deletions(int) TO azure_blob_admin;

-- Reconcile: blobs with no row (abandoned uploads) and rows with no blob.
-- Account and container as the signing and REST functions find them, with
-- their errors (src/maintenance.cpp).
CREATE FUNCTION azure_blob.resolve_target(account pg_catalog.text, container pg_catalog.text,
	OUT account pg_catalog.text, OUT container pg_catalog.text)
	AS 'MODULE_PATHNAME', 'azure_blob_resolve_target' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) IS 'Account alias and container a call would use (NULL: the default), with the errors of the signing and REST functions';
REVOKE ALL ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) TO azure_blob_admin;

CREATE FUNCTION azure_blob.reconcile(container pg_catalog.text, account pg_catalog.text,
	delete_orphans boolean, min_age pg_catalog.interval)
	RETURNS TABLE (problem pg_catalog.text, blob_name pg_catalog.text, size_bytes pg_catalog.int8,
	               last_modified pg_catalog.timestamptz, action pg_catalog.text)
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	acct text;
	cont text;
	age interval;
	started timestamptz := pg_catalog.clock_timestamp();
	cutoff timestamptz;
	r record;
BEGIN
	-- Bad arguments fail here, before any request to Azure.
	IF delete_orphans IS NULL THEN
		RAISE EXCEPTION 'delete_orphans must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- Account and container as the signing and REST functions find them, with
	-- their errors (src/maintenance.cpp): given, else the defaults; the
	-- account exists and is usable, the container name is valid.
	SELECT t.account, t.container INTO acct, cont FROM azure_blob.resolve_target(account, container) t;
	IF min_age OPERATOR(pg_catalog.<) interval '0' THEN
		RAISE EXCEPTION 'min_age must not be negative' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- An upload URL may be used until it expires: younger blobs may still be on their way to a row.
	age := COALESCE(min_age, pg_catalog.current_setting('azure_blob.max_sas_lifetime')::interval);
	cutoff := started OPERATOR(pg_catalog.-) age;  -- a min_age beyond the calendar is 22008 here
	-- Not IF NOT EXISTS: this runs as the owner, and a table of this name that
	-- the caller made beforehand could carry triggers (or rules) that would run
	-- with the owner's rights.  Such a table makes this fail (42P07) instead.
	CREATE TEMP TABLE azure_reconcile_listing (
		name text PRIMARY KEY, size_bytes bigint, last_modified timestamptz) ON COMMIT DROP;
	INSERT INTO pg_temp.azure_reconcile_listing
		SELECT l.blob_name, l.size_bytes, l.last_modified FROM azure_blob.blob_list('', cont, acct) l;
	CREATE TEMP TABLE azure_reconcile_rows (
		name text PRIMARY KEY, size_bytes bigint, upload_timestamp timestamptz) ON COMMIT DROP;
	INSERT INTO pg_temp.azure_reconcile_rows
		SELECT f.blob_name, f.size_bytes, f.upload_timestamp FROM azure_blob.file_rows() f
		 WHERE f.account OPERATOR(pg_catalog.=) acct AND f.container OPERATOR(pg_catalog.=) cont;

	FOR r IN
		SELECT l.name, l.size_bytes, l.last_modified FROM pg_temp.azure_reconcile_listing l
		 WHERE NOT EXISTS (SELECT FROM pg_temp.azure_reconcile_rows f WHERE f.name OPERATOR(pg_catalog.=) l.name)
		   AND NOT EXISTS (SELECT FROM azure_blob.deletion_queue q
		                    WHERE q.blob_name OPERATOR(pg_catalog.=) l.name AND q.account OPERATOR(pg_catalog.=) acct
		                      AND q.container OPERATOR(pg_catalog.=) cont)
		   AND l.last_modified OPERATOR(pg_catalog.<) cutoff
		 ORDER BY l.name
	LOOP
		problem := 'blob_without_row';
		blob_name := r.name;
		size_bytes := r.size_bytes;
		last_modified := r.last_modified;
		action := NULL;
		IF delete_orphans THEN
			BEGIN
				-- The same rule as the deletion queue: a registration in flight keeps its blob.
				IF azure_blob.deletion_check(acct, cont, r.name) OPERATOR(pg_catalog.=) 'delete' THEN
					PERFORM azure_blob.blob_delete(r.name, cont, acct);
					action := 'deleted';
				ELSE
					action := 'kept: being registered';
				END IF;
			EXCEPTION WHEN OTHERS THEN
				action := 'delete failed: ' OPERATOR(pg_catalog.||) SQLERRM;
			END;
		END IF;
		RETURN NEXT;
	END LOOP;

	FOR r IN
		SELECT f.name, f.size_bytes, f.upload_timestamp FROM pg_temp.azure_reconcile_rows f
		 WHERE NOT EXISTS (SELECT FROM pg_temp.azure_reconcile_listing l WHERE l.name OPERATOR(pg_catalog.=) f.name)
		 ORDER BY f.name
	LOOP
		problem := 'row_without_blob';
		blob_name := r.name;
		size_bytes := r.size_bytes;
		last_modified := r.upload_timestamp;
		action := NULL;
		RETURN NEXT;
	END LOOP;
	DROP TABLE pg_temp.azure_reconcile_listing;
	DROP TABLE pg_temp.azure_reconcile_rows;
END
$$;
REVOKE ALL ON FUNCTION azure_blob.reconcile(pg_catalog.text, pg_catalog.text, boolean, pg_catalog.interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.reconcile(pg_catalog.text, pg_catalog.text, boolean, pg_catalog.interval) TO azure_blob_admin;

CREATE FUNCTION @extschema@.azure_reconcile(container text DEFAULT NULL, account text DEFAULT NULL,
	delete_orphans boolean DEFAULT false, min_age interval DEFAULT NULL)
	RETURNS TABLE (problem text, blob_name text, size_bytes bigint, last_modified timestamptz, action text)
	LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		SELECT azure_blob.require_admin();
		SELECT r.problem, r.blob_name, r.size_bytes, r.last_modified, r.action
		  FROM azure_blob.reconcile(container, account, delete_orphans, min_age) r;
	END;
COMMENT ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) IS 'Blobs without rows (older than min_age, default azure_blob.max_sas_lifetime) and rows without blobs; optionally deletes the orphan blobs';
REVOKE ALL ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) TO azure_blob_admin;

--
-- Views for administrators of this database (empty for anyone else).
--
CREATE VIEW @extschema@.azure_accounts AS
	SELECT a.alias, a.account_name, a.blob_endpoint, a.default_container FROM azure_blob.accounts a
	 WHERE azure_blob.has_admin_right();
COMMENT ON VIEW @extschema@.azure_accounts IS 'Configured storage accounts, without their keys';
REVOKE ALL ON @extschema@.azure_accounts FROM PUBLIC;
GRANT SELECT ON @extschema@.azure_accounts TO azure_blob_admin;

CREATE VIEW @extschema@.azure_grants AS
	SELECT g.role, g.level FROM azure_blob.grants g
	 WHERE azure_blob.has_admin_right();
COMMENT ON VIEW @extschema@.azure_grants IS 'Roles with azure_blob rights in this database';
REVOKE ALL ON @extschema@.azure_grants FROM PUBLIC;
GRANT SELECT ON @extschema@.azure_grants TO azure_blob_admin;

CREATE VIEW @extschema@.azure_pending_deletions AS
	SELECT q.id, q.account, q.container, q.blob_name, q.queued_at, q.attempts, q.next_attempt_at, q.last_error
	FROM azure_blob.deletion_queue q
	WHERE azure_blob.has_admin_right();
COMMENT ON VIEW @extschema@.azure_pending_deletions IS 'Blobs whose rows were deleted, waiting for azure_process_deletions()';
REVOKE ALL ON @extschema@.azure_pending_deletions FROM PUBLIC;
GRANT SELECT ON @extschema@.azure_pending_deletions TO azure_blob_admin;
