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

-- The per-database secret behind issued upload names (a MAC of the user id
-- in the uuid part): 244 random bits from pg_strong_random, owner-only. Not
-- dumped: a restored database gets a new one, which only voids upload names
-- issued before the restore and not yet registered.
CREATE TABLE azure_blob.upload_secret (secret bytea NOT NULL);
REVOKE ALL ON azure_blob.upload_secret FROM PUBLIC;
INSERT INTO azure_blob.upload_secret
	SELECT pg_catalog.decode(pg_catalog.replace(pg_catalog.gen_random_uuid()::text || pg_catalog.gen_random_uuid()::text, '-', ''), 'hex');

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

CREATE FUNCTION @extschema@.azure_account_add_from_env(alias text, variable text, default_container text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_account_add_from_env' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_account_add_from_env(text, text, text) IS 'Adds a storage account from a connection string in the server''s environment: the key never appears in SQL or logs';

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
	blob_name        text COLLATE "C" NOT NULL UNIQUE,  -- byte order, as Azure lists blobs; memcmp lookups
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
-- azure_generate_read_sas probes this for every URL: one bucket page instead of a
-- B-tree descent with a comparison per level (see src/visibility.cpp).
CREATE INDEX azure_files_blob_name_hash ON @extschema@.azure_files USING hash (blob_name);

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

-- The guide's save-metadata step: checks the name was issued to the caller and
-- (azure_blob.verify_uploads) that the blob exists; inserts as the caller.
CREATE FUNCTION @extschema@.azure_save_metadata(blob_name text, file_url text DEFAULT NULL)
	RETURNS @extschema@.azure_files AS 'MODULE_PATHNAME', 'azure_save_metadata' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_save_metadata(text, text) IS 'Registers an uploaded blob for the current user and returns its row';

--
-- Blob REST API (Shared Key over libcurl; admin).
--
CREATE FUNCTION @extschema@.azure_blob_properties(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL,
	OUT size_bytes bigint, OUT content_type text, OUT etag text, OUT last_modified timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_properties' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_properties(text, text, text) IS 'Size, content type, ETag and last change of a blob; a row of NULLs if it does not exist';

CREATE FUNCTION @extschema@.azure_blob_get(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS bytea AS 'MODULE_PATHNAME', 'azure_blob_get' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_get(text, text, text) IS 'Contents of a blob; NULL if it does not exist';

CREATE FUNCTION @extschema@.azure_blob_put(blob_name text, data bytea, content_type text DEFAULT 'application/octet-stream',
	container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS text AS 'MODULE_PATHNAME', 'azure_blob_put' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) IS 'Uploads or replaces a block blob; returns its ETag';

CREATE FUNCTION @extschema@.azure_blob_delete(blob_name text, container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_blob_delete' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_blob_delete(text, text, text) IS 'Deletes a blob and its snapshots; false if it did not exist';

CREATE FUNCTION @extschema@.azure_blob_list(prefix text DEFAULT '', container text DEFAULT NULL, account text DEFAULT NULL)
	RETURNS TABLE (blob_name text, size_bytes bigint, content_type text, etag text, last_modified timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_list' LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.azure_blob_list(text, text, text) IS 'Blobs whose names start with prefix, fetched page by page';

CREATE FUNCTION @extschema@.azure_container_create(container text, account text DEFAULT NULL)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_container_create' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_container_create(text, text) IS 'Creates a private container; false if it already existed';

CREATE FUNCTION @extschema@.azure_set_cors(allowed_origins text[], allowed_methods text[],
	allowed_headers text[] DEFAULT '{*}', exposed_headers text[] DEFAULT '{*}', max_age_seconds int DEFAULT 3600,
	account text DEFAULT NULL)
	RETURNS void AS 'MODULE_PATHNAME', 'azure_set_cors' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) IS 'Replaces the Blob service CORS rules of an account with one rule (browser uploads need it)';

CREATE FUNCTION @extschema@.azure_get_cors(account text DEFAULT NULL)
	RETURNS TABLE (allowed_origins text[], allowed_methods text[], allowed_headers text[], exposed_headers text[], max_age_seconds int)
	AS 'MODULE_PATHNAME', 'azure_get_cors' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.azure_get_cors(text) IS 'The Blob service CORS rules of an account';

--
-- Deletes after commit: deleting rows queues their blobs (an outbox, rolled
-- back with the DELETE); azure_process_deletions() deletes them later.
--
CREATE TABLE azure_blob.deletion_queue (
	id              bigserial PRIMARY KEY,
	account         text NOT NULL,
	container       text NOT NULL,
	blob_name       text NOT NULL,
	queued_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
	attempts        integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	last_error      text
);
REVOKE ALL ON azure_blob.deletion_queue FROM PUBLIC;
CREATE INDEX deletion_queue_next_attempt_idx ON azure_blob.deletion_queue (next_attempt_at);
SELECT pg_catalog.pg_extension_config_dump('azure_blob.deletion_queue', '');
SELECT pg_catalog.pg_extension_config_dump('azure_blob.deletion_queue_id_seq', '');

CREATE VIEW @extschema@.azure_pending_deletions AS
	SELECT id, account, container, blob_name, queued_at, attempts, next_attempt_at, last_error
	FROM azure_blob.deletion_queue;
COMMENT ON VIEW @extschema@.azure_pending_deletions IS 'Blobs whose rows were deleted, waiting for azure_process_deletions()';

-- Runs as the owner so any role allowed to DELETE a row can queue its blob.
CREATE FUNCTION azure_blob.queue_deletion() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		INSERT INTO azure_blob.deletion_queue (account, container, blob_name)
			SELECT f.account, f.container, f.blob_name FROM @extschema@.azure_files f;
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

CREATE FUNCTION @extschema@.azure_process_deletions(max_items int DEFAULT 1000)
	RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	item record;
	done integer := 0;
	detail text;
BEGIN
	IF max_items IS NULL THEN
		RAISE EXCEPTION 'max_items must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF max_items < 1 THEN
		RAISE EXCEPTION 'max_items must be positive' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- SKIP LOCKED: several workers (cron, pg_cron, replicas of a job) never take the same blob.
	FOR item IN
		SELECT q.id, q.account, q.container, q.blob_name FROM azure_blob.deletion_queue q
		 WHERE q.next_attempt_at <= pg_catalog.now()
		 ORDER BY q.next_attempt_at, q.id
		 LIMIT max_items
		   FOR UPDATE SKIP LOCKED
	LOOP
		BEGIN
			-- A blob registered again under the same name since is not deleted.
			IF NOT EXISTS (SELECT FROM @extschema@.azure_files f
			                WHERE f.blob_name = item.blob_name AND f.account = item.account
			                  AND f.container = item.container) THEN
				PERFORM @extschema@.azure_blob_delete(item.blob_name, item.container, item.account);
			END IF;
			DELETE FROM azure_blob.deletion_queue WHERE id = item.id;
			done := done + 1;
		EXCEPTION WHEN OTHERS THEN
			-- Stays queued; retried with exponential backoff up to an hour.
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
			-- LEAST is SQL syntax, not a pg_catalog function; the exponent is
			-- capped (2^12 * 10 s > 1 h) so that the interval never overflows.
			UPDATE azure_blob.deletion_queue
			   SET attempts = attempts + 1,
			       last_error = SQLERRM || coalesce(' (' || nullif(detail, '') || ')', ''),
			       next_attempt_at = pg_catalog.now()
			           + LEAST(pg_catalog.power(2, LEAST(attempts, 12)) * interval '10 seconds', interval '1 hour')
			 WHERE id = item.id;
		END;
	END LOOP;
	RETURN done;
END
$$;
COMMENT ON FUNCTION @extschema@.azure_process_deletions(int) IS 'Deletes the blobs of deleted rows, after their DELETE committed; failures stay queued';

--
-- Reconcile: blobs with no row (abandoned uploads) and rows with no blob.
--
CREATE FUNCTION @extschema@.azure_reconcile(container text DEFAULT NULL, account text DEFAULT NULL,
	delete_orphans boolean DEFAULT false, min_age interval DEFAULT NULL)
	RETURNS TABLE (problem text, blob_name text, size_bytes bigint, last_modified timestamptz, action text)
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	acct text;
	cont text;
	default_cont text;
	age interval;
	started timestamptz := pg_catalog.clock_timestamp();
	cutoff timestamptz;
	r record;
BEGIN
	PERFORM @extschema@.azure_current_user_id();  -- loads the module, so its settings exist
	-- Bad arguments fail here, before any request to Azure.
	IF delete_orphans IS NULL THEN
		RAISE EXCEPTION 'delete_orphans must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF account = '' THEN
		RAISE EXCEPTION 'account must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Pass NULL to use the default.';
	END IF;
	IF container = '' THEN
		RAISE EXCEPTION 'container must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Pass NULL to use the default.';
	END IF;
	IF min_age < interval '0' THEN
		RAISE EXCEPTION 'min_age must not be negative' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	acct := coalesce(account, pg_catalog.current_setting('azure_blob.default_account'));
	IF acct = '' THEN
		RAISE EXCEPTION 'no storage account given and no default account set'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			HINT = 'Pass an account alias or set azure_blob.default_account.';
	END IF;
	-- An upload URL may be used until it expires: younger blobs may still be on their way to a row.
	age := coalesce(min_age, pg_catalog.current_setting('azure_blob.max_sas_lifetime')::interval);
	cutoff := started - age;  -- a min_age beyond the calendar is 22008 here
	SELECT a.default_container INTO default_cont FROM azure_blob.accounts a WHERE a.alias = acct;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'storage account "%" does not exist', acct USING ERRCODE = 'undefined_object',
			HINT = 'Add it with azure_account_add(), or check azure_blob.default_account.';
	END IF;
	cont := coalesce(container, default_cont);
	IF cont IS NULL THEN
		RAISE EXCEPTION 'no container given and storage account "%" has no default container', acct
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	-- Not IF NOT EXISTS: this runs as the owner, and a table of this name that
	-- the caller made beforehand could carry triggers (or rules) that would run
	-- with the owner's rights.  Such a table makes this fail (42P07) instead.
	CREATE TEMP TABLE azure_reconcile_listing (
		name text PRIMARY KEY, size_bytes bigint, last_modified timestamptz) ON COMMIT DROP;
	INSERT INTO pg_temp.azure_reconcile_listing
		SELECT l.blob_name, l.size_bytes, l.last_modified FROM @extschema@.azure_blob_list('', cont, acct) l;

	FOR r IN
		SELECT l.name, l.size_bytes, l.last_modified FROM pg_temp.azure_reconcile_listing l
		 WHERE NOT EXISTS (SELECT FROM @extschema@.azure_files f
		                    WHERE f.blob_name = l.name AND f.account = acct AND f.container = cont)
		   AND NOT EXISTS (SELECT FROM azure_blob.deletion_queue q
		                    WHERE q.blob_name = l.name AND q.account = acct AND q.container = cont)
		   AND l.last_modified < cutoff
		 ORDER BY l.name
	LOOP
		problem := 'blob_without_row';
		blob_name := r.name;
		size_bytes := r.size_bytes;
		last_modified := r.last_modified;
		action := NULL;
		IF delete_orphans THEN
			BEGIN
				PERFORM @extschema@.azure_blob_delete(r.name, cont, acct);
				action := 'deleted';
			EXCEPTION WHEN OTHERS THEN
				action := 'delete failed: ' || SQLERRM;
			END;
		END IF;
		RETURN NEXT;
	END LOOP;

	FOR r IN
		SELECT f.blob_name, f.size_bytes, f.upload_timestamp FROM @extschema@.azure_files f
		 WHERE f.account = acct AND f.container = cont
		   AND NOT EXISTS (SELECT FROM pg_temp.azure_reconcile_listing l WHERE l.name = f.blob_name)
		 ORDER BY f.blob_name
	LOOP
		problem := 'row_without_blob';
		blob_name := r.blob_name;
		size_bytes := r.size_bytes;
		last_modified := r.upload_timestamp;
		action := NULL;
		RETURN NEXT;
	END LOOP;
	DROP TABLE pg_temp.azure_reconcile_listing;
END
$$;
COMMENT ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) IS 'Blobs without rows (older than min_age, default azure_blob.max_sas_lifetime) and rows without blobs; optionally deletes the orphan blobs';

--
-- Privileges: nothing for PUBLIC; see README "Security".
--
REVOKE ALL ON FUNCTION @extschema@.azure_account_add(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_account_remove(text) FROM PUBLIC;
-- Owner only: it reads the server's environment.
REVOKE ALL ON FUNCTION @extschema@.azure_account_add_from_env(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_current_user_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_save_metadata(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_properties(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_get(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_delete(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_blob_list(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_container_create(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_get_cors(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_process_deletions(int) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) FROM PUBLIC;
REVOKE ALL ON @extschema@.azure_pending_deletions FROM PUBLIC;
REVOKE ALL ON @extschema@.azure_accounts FROM PUBLIC;
REVOKE ALL ON @extschema@.azure_files FROM PUBLIC;
REVOKE ALL ON SEQUENCE @extschema@.azure_files_id_seq FROM PUBLIC;

GRANT EXECUTE ON FUNCTION @extschema@.azure_account_add(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_account_remove(text) TO azure_blob_admin;
GRANT SELECT ON @extschema@.azure_accounts TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_sas_url(text, text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_container_sas_url(text, timestamptz, timestamptz, text, text, text, text, text, text, text, text, text, text, text) TO azure_blob_admin;

GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_properties(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_get(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_put(text, bytea, text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_delete(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_blob_list(text, text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_container_create(text, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_set_cors(text[], text[], text[], text[], int, text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_get_cors(text) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_process_deletions(int) TO azure_blob_admin;
GRANT EXECUTE ON FUNCTION @extschema@.azure_reconcile(text, text, boolean, interval) TO azure_blob_admin;
GRANT SELECT ON @extschema@.azure_pending_deletions TO azure_blob_admin;

GRANT EXECUTE ON FUNCTION @extschema@.azure_current_user_id() TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_upload_sas(text, text, interval) TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_generate_read_sas(text, interval) TO azure_blob_user;
GRANT EXECUTE ON FUNCTION @extschema@.azure_save_metadata(text, text) TO azure_blob_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.azure_files TO azure_blob_user;
GRANT USAGE ON SEQUENCE @extschema@.azure_files_id_seq TO azure_blob_user;
