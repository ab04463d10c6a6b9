/* azure_blob--1.0--1.1.sql: the 1.1 security release */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION azure_blob UPDATE TO '1.1'" to load this file. \quit

-- Every name below is schema-qualified and every operator spelled
-- OPERATOR(pg_catalog.x): this script runs as a superuser with the
-- extension's schema (often public, which the database owner controls) on
-- the search_path.

--
-- Per-database rights (README, "Security model").  The cluster roles
-- azure_blob_admin and azure_blob_user still carry EXECUTE on the
-- functions, but give nothing in a database until azure_grant() names the
-- role there.  1.0 could not say which database a member was meant for, so
-- the update grants nobody: it prints the statements that restore 1.0's
-- rights for the current members, to run in the databases they belong to.
--
CREATE TABLE azure_blob.grants (
	role  pg_catalog.regrole PRIMARY KEY,
	level pg_catalog.text NOT NULL CHECK (level OPERATOR(pg_catalog.=) ANY (ARRAY['admin', 'user']::pg_catalog.text[]))
);
REVOKE ALL ON azure_blob.grants FROM PUBLIC;
COMMENT ON TABLE azure_blob.grants IS 'Roles with azure_blob rights in this database; managed with azure_grant() and azure_revoke()';
SELECT pg_catalog.pg_extension_config_dump('azure_blob.grants', '');
-- Every change reaches the rights each backend keeps (src/rights.cpp), at commit.
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

CREATE VIEW @extschema@.azure_grants AS
	SELECT g.role, g.level FROM azure_blob.grants g
	 WHERE azure_blob.has_admin_right();
COMMENT ON VIEW @extschema@.azure_grants IS 'Roles with azure_blob rights in this database';
REVOKE ALL ON @extschema@.azure_grants FROM PUBLIC;
GRANT SELECT ON @extschema@.azure_grants TO azure_blob_admin;

-- First statement of the wrappers of owner-run maintenance functions.
CREATE FUNCTION azure_blob.require_admin()
	RETURNS void AS 'MODULE_PATHNAME', 'azure_blob_require_admin' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
REVOKE ALL ON FUNCTION azure_blob.require_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.require_admin() TO azure_blob_admin;

-- The identity is valid only in the transaction that set it (README, "The application user"); a
-- parallel worker cannot tell, so what reads it runs in the leader.
ALTER FUNCTION @extschema@.azure_current_user_id() PARALLEL RESTRICTED;
ALTER FUNCTION @extschema@.azure_generate_upload_sas(pg_catalog.text, pg_catalog.text, pg_catalog.interval) PARALLEL RESTRICTED;

ALTER POLICY azure_files_admin ON @extschema@.azure_files
	USING (azure_blob.has_admin_right()) WITH CHECK (azure_blob.has_admin_right());

CREATE OR REPLACE VIEW @extschema@.azure_accounts AS
	SELECT a.alias, a.account_name, a.blob_endpoint, a.default_container FROM azure_blob.accounts a
	 WHERE azure_blob.has_admin_right();

--
-- Keys at rest (docs/keys-at-rest.md): account keys and the upload-name
-- secret are sealed (AES-256-GCM) under a master key file outside SQL
-- (azure_blob.master_key_file), so a dump, a base backup or a role that
-- reads every table gets no usable key.  seal_secrets() seals what 1.0
-- stored in clear, and re-seals values of a previous master key.
--
CREATE FUNCTION azure_blob.seal_secrets() RETURNS integer
	AS 'MODULE_PATHNAME', 'azure_blob_seal_secrets' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.seal_secrets() FROM PUBLIC;
COMMENT ON FUNCTION azure_blob.seal_secrets() IS 'Seals account keys and the upload-name secret still stored in clear, and re-seals those sealed under azure_blob.previous_master_key_file; returns how many values it wrote';

-- The upload secret is dumped (sealed) so that names issued before a restore
-- still register after it.  A restore inserts the dumped row after CREATE
-- EXTENSION made a fresh one: the table holds one secret, the last inserted.
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
-- Every backend reloads a changed secret, as for the accounts.
CREATE TRIGGER upload_secret_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON azure_blob.upload_secret
	FOR EACH STATEMENT EXECUTE FUNCTION azure_blob.accounts_changed();
SELECT pg_catalog.pg_extension_config_dump('azure_blob.upload_secret', '');

SELECT azure_blob.seal_secrets();

--
-- Metadata is honest (README, "Security model"): users choose neither id
-- nor upload_timestamp, set size_bytes, content_type and etag only through
-- azure_save_metadata (the trigger checks), and change nothing afterwards.
--
REVOKE INSERT, UPDATE ON @extschema@.azure_files FROM azure_blob_user;
GRANT INSERT (blob_name, file_url, user_id, account, container, content_type, size_bytes, etag)
	ON @extschema@.azure_files TO azure_blob_user;
GRANT INSERT (blob_name, file_url, user_id, upload_timestamp, account, container, content_type, size_bytes, etag),
	UPDATE (blob_name, file_url, user_id, upload_timestamp, account, container, content_type, size_bytes, etag)
	ON @extschema@.azure_files TO azure_blob_admin;

--
-- Owner-run code names nothing in a schema that others own or can create
-- in: the maintenance logic moves to the private schema azure_blob (owned
-- by the installing superuser, no CREATE for anyone else), reads
-- azure_files through C functions that find it by OID, and calls Azure
-- through private copies of the REST functions.  The functions in the
-- extension's schema become wrappers that run as the caller: they check
-- the caller's rights in this database, then call the private function,
-- by OID (a BEGIN ATOMIC body is resolved once, here).
--
CREATE FUNCTION azure_blob.blob_delete(blob_name pg_catalog.text, container pg_catalog.text, account pg_catalog.text)
	RETURNS boolean AS 'MODULE_PATHNAME', 'azure_blob_delete' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.blob_delete(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION azure_blob.blob_list(prefix pg_catalog.text, container pg_catalog.text, account pg_catalog.text)
	RETURNS TABLE (blob_name pg_catalog.text, size_bytes pg_catalog.int8, content_type pg_catalog.text,
	               etag pg_catalog.text, last_modified pg_catalog.timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_list' LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 1000;
REVOKE ALL ON FUNCTION azure_blob.blob_list(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION azure_blob.deletion_check(account pg_catalog.text, container pg_catalog.text, blob_name pg_catalog.text)
	RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'azure_blob_deletion_check' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.deletion_check(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION azure_blob.file_rows()
	RETURNS TABLE (blob_name pg_catalog.text, account pg_catalog.text, container pg_catalog.text,
	               size_bytes pg_catalog.int8, upload_timestamp pg_catalog.timestamptz)
	AS 'MODULE_PATHNAME', 'azure_blob_file_rows' LANGUAGE C STABLE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION azure_blob.file_rows() FROM PUBLIC;

-- Account name and default container of an alias, for azure_blob.reconcile.
CREATE FUNCTION azure_blob.account_default_container(alias pg_catalog.text, OUT found boolean, OUT default_container pg_catalog.text)
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0, pg_catalog.min(a.default_container)
		  FROM azure_blob.accounts a WHERE a.alias OPERATOR(pg_catalog.=) account_default_container.alias;
	END;
REVOKE ALL ON FUNCTION azure_blob.account_default_container(pg_catalog.text) FROM PUBLIC;

-- What the C code runs as the caller, by OID (extension_objects.hpp): SQL-standard
-- bodies are bound to OIDs here, so no name is looked up when they run.
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

CREATE OR REPLACE FUNCTION azure_blob.queue_deletion() RETURNS trigger
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

CREATE OR REPLACE FUNCTION @extschema@.azure_process_deletions(max_items int DEFAULT 1000)
	RETURNS integer LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		SELECT azure_blob.require_admin();
		SELECT azure_blob.process_deletions(max_items);
	END;

CREATE FUNCTION azure_blob.reconcile(container pg_catalog.text, account pg_catalog.text,
	delete_orphans boolean, min_age pg_catalog.interval)
	RETURNS TABLE (problem pg_catalog.text, blob_name pg_catalog.text, size_bytes pg_catalog.int8,
	               last_modified pg_catalog.timestamptz, action pg_catalog.text)
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	acct text;
	cont text;
	acct_found boolean;
	default_cont text;
	age interval;
	started timestamptz := pg_catalog.clock_timestamp();
	cutoff timestamptz;
	r record;
BEGIN
	-- Bad arguments fail here, before any request to Azure.
	IF delete_orphans IS NULL THEN
		RAISE EXCEPTION 'delete_orphans must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF account OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'account must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Pass NULL to use the default.';
	END IF;
	IF container OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'container must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Pass NULL to use the default.';
	END IF;
	IF min_age OPERATOR(pg_catalog.<) interval '0' THEN
		RAISE EXCEPTION 'min_age must not be negative' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	acct := COALESCE(account, pg_catalog.current_setting('azure_blob.default_account'));
	IF acct OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'no storage account given and no default account set'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			HINT = 'Pass an account alias or set azure_blob.default_account.';
	END IF;
	-- An upload URL may be used until it expires: younger blobs may still be on their way to a row.
	age := COALESCE(min_age, pg_catalog.current_setting('azure_blob.max_sas_lifetime')::interval);
	cutoff := started OPERATOR(pg_catalog.-) age;  -- a min_age beyond the calendar is 22008 here
	SELECT d.found, d.default_container INTO acct_found, default_cont FROM azure_blob.account_default_container(acct) d;
	IF NOT acct_found THEN
		RAISE EXCEPTION 'storage account "%" does not exist', acct USING ERRCODE = 'undefined_object',
			HINT = 'Add it with azure_account_add(), or check azure_blob.default_account.';
	END IF;
	cont := COALESCE(container, default_cont);
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

CREATE OR REPLACE FUNCTION @extschema@.azure_reconcile(container text DEFAULT NULL, account text DEFAULT NULL,
	delete_orphans boolean DEFAULT false, min_age interval DEFAULT NULL)
	RETURNS TABLE (problem text, blob_name text, size_bytes bigint, last_modified timestamptz, action text)
	LANGUAGE sql VOLATILE SECURITY INVOKER PARALLEL UNSAFE
	BEGIN ATOMIC
		SELECT azure_blob.require_admin();
		SELECT r.problem, r.blob_name, r.size_bytes, r.last_modified, r.action
		  FROM azure_blob.reconcile(container, account, delete_orphans, min_age) r;
	END;

CREATE OR REPLACE VIEW @extschema@.azure_pending_deletions AS
	SELECT q.id, q.account, q.container, q.blob_name, q.queued_at, q.attempts, q.next_attempt_at, q.last_error
	FROM azure_blob.deletion_queue q
	WHERE azure_blob.has_admin_right();

-- What 1.0's members had, as statements to run where they belong (a WARNING:
-- extension scripts run with client_min_messages at WARNING).
DO $$
DECLARE
	r record;
BEGIN
	-- Only for a database that was in use (a fresh install runs this script right after 1.0's).
	IF NOT EXISTS (SELECT FROM azure_blob.accounts) AND NOT EXISTS (SELECT FROM @extschema@.azure_files) THEN
		RETURN;
	END IF;
	FOR r IN
		SELECT m.rolname AS member, g.rolname AS grp
		  FROM pg_catalog.pg_auth_members am
		  JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) am.roleid
		  JOIN pg_catalog.pg_roles m ON m.oid OPERATOR(pg_catalog.=) am.member
		 WHERE g.rolname OPERATOR(pg_catalog.=) ANY (ARRAY['azure_blob_admin', 'azure_blob_user']::pg_catalog.name[])
		   AND m.rolname OPERATOR(pg_catalog.<>) 'azure_blob_admin'
		 ORDER BY 1, 2
	LOOP
		RAISE WARNING 'azure_blob 1.1: role % has no azure_blob rights in this database until a grant names it',
			pg_catalog.quote_ident(r.member)
			USING DETAIL = pg_catalog.format('It is a member of %s, which alone gives nothing since 1.1.', r.grp),
			      HINT = pg_catalog.format('Run SELECT azure_grant(%L, %L); in each database where it should keep its rights.',
			                               r.member, CASE WHEN r.grp OPERATOR(pg_catalog.=) 'azure_blob_admin' THEN 'admin' ELSE 'user' END);
	END LOOP;
END
$$;
