/* azure_blob--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION azure_blob UPDATE TO '1.2'" to load this file. \quit

-- Every name below is schema-qualified and every operator spelled
-- OPERATOR(pg_catalog.x) (CONTRIBUTING.md §8).

--
-- Reconcile finds its account and container through the C code of the
-- signing and REST functions (src/maintenance.cpp) instead of a copy in
-- PL/pgSQL, so it fails with their messages, SQLSTATEs and hints, and
-- refuses an unusable account or a bad container name before it lists.
--
CREATE FUNCTION azure_blob.resolve_target(account pg_catalog.text, container pg_catalog.text,
	OUT account pg_catalog.text, OUT container pg_catalog.text)
	AS 'MODULE_PATHNAME', 'azure_blob_resolve_target' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) IS 'Account alias and container a call would use (NULL: the default), with the errors of the signing and REST functions';
REVOKE ALL ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION azure_blob.resolve_target(pg_catalog.text, pg_catalog.text) TO azure_blob_admin;

CREATE OR REPLACE FUNCTION azure_blob.reconcile(container pg_catalog.text, account pg_catalog.text,
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
-- Its PL/pgSQL lookup of the default container, now unused.
DROP FUNCTION azure_blob.account_default_container(pg_catalog.text);

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
