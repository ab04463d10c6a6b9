-- bench/sql/setup.sql: run by bench/run.sh as the cluster's superuser in a
-- fresh pg_virtualenv cluster. psql variables: connstr, container, user_id,
-- password, rows.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION azure_blob;
SELECT azure_account_add('default', :'connstr', :'container');

-- The callers of the timed queries: never superusers, so row-level security
-- and the privilege checks apply as they would to an application.
--   bench_user:  azure_blob_user, acting for application user :user_id
--                (rows (b), (c), (f));
--   bench_admin: azure_blob_admin, the only role that may call the raw signer
--                azure_blob_sas_url (rows (a), (g)).
CREATE ROLE bench_user LOGIN PASSWORD :'password' IN ROLE azure_blob_user;
CREATE ROLE bench_admin LOGIN PASSWORD :'password' IN ROLE azure_blob_admin;
-- Rights in this database (since 1.1 the cluster roles alone give none).
SELECT azure_grant('bench_user', 'user'), azure_grant('bench_admin', 'admin');
ALTER ROLE bench_user SET azure_blob.user_id = :'user_id';
-- A value from ALTER ROLE counts only with session scope (a benchmark owns its
-- connections; applications behind a pooler SET LOCAL it per transaction).
ALTER ROLE bench_user SET azure_blob.session_user_id = on;
-- One core per process: no parallel workers behind a timed query. No JIT:
-- it would switch on only above jit_above_cost, so a short calibration run and
-- the long timed run would execute different code, and in (g) loading libLLVM
-- alone adds ~50 MB of RSS (file-backed, the same with md5()).
ALTER ROLE bench_user SET max_parallel_workers_per_gather = 0;
ALTER ROLE bench_admin SET max_parallel_workers_per_gather = 0;
ALTER ROLE bench_user SET jit = off;
ALTER ROLE bench_admin SET jit = off;

-- bench_runs(query, seconds, runs, warm): the timing loop, inside the backend.
-- query returns one count; '{N}' in it is replaced by a row count chosen so
-- that one run lasts about `seconds` (calibrated by doubling from 10,000 until
-- a run takes >= 0.3 s, which also warms the caches). A query without '{N}'
-- runs as is, after `warm` (if given) has run once. One row per timed run:
-- the count the query returned and the seconds it took (clock_timestamp()).
CREATE FUNCTION bench_runs(query text, seconds float8, runs int, warm text DEFAULT NULL)
	RETURNS TABLE (run int, n bigint, elapsed float8) LANGUAGE plpgsql AS $$
DECLARE
	per_run bigint;
	cal bigint := 10000;
	t0 timestamptz;
	t float8;
	cnt bigint;
BEGIN
	IF strpos(query, '{N}') > 0 THEN
		LOOP
			t0 := clock_timestamp();
			EXECUTE replace(query, '{N}', cal::text) INTO cnt;
			t := extract(epoch FROM clock_timestamp() - t0);
			EXIT WHEN t >= 0.3 OR cal >= 100000000;
			cal := cal * 2;
		END LOOP;
		per_run := greatest(10000, (cal / greatest(t, 1e-6) * seconds)::bigint);
	ELSIF warm IS NOT NULL THEN
		EXECUTE warm INTO cnt;
	END IF;
	FOR r IN 1 .. runs LOOP
		t0 := clock_timestamp();
		IF per_run IS NULL THEN
			EXECUTE query INTO cnt;
		ELSE
			EXECUTE replace(query, '{N}', per_run::text) INTO cnt;
		END IF;
		run := r;
		n := cnt;
		elapsed := extract(epoch FROM clock_timestamp() - t0);
		RETURN NEXT;
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION bench_runs(text, float8, int, text) TO bench_user, bench_admin;

-- The floor of row (c): the lookup azure_generate_read_sas makes per row, made
-- by the executor instead. Each row of azure_files (as the caller sees it
-- through row-level security) is looked up again by blob_name through the
-- same hash index, under the same policies, reading the columns the function
-- reads; no ownership code, no signature. The planner is held to that plan (a
-- nested loop over azure_files_blob_name_hash; run.sh checks it with EXPLAIN):
-- left alone it would hash-join the table with itself, which is no lookup.
CREATE FUNCTION bench_read_floor() RETURNS bigint LANGUAGE sql
	SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off SET enable_seqscan = on AS $$
	SELECT count(*)
	  FROM azure_files AS f JOIN azure_files AS g ON g.blob_name = f.blob_name
	 WHERE g.account IS NOT NULL AND g.container IS NOT NULL AND g.content_type IS DISTINCT FROM ''
$$;
GRANT EXECUTE ON FUNCTION bench_read_floor() TO bench_user;

-- The calling backend's resident set from /proc/self/status (kB): VmRSS and
-- RssAnon (anonymous memory only: heap and palloc, not shared buffers or the
-- mapped libraries). SECURITY DEFINER so the non-superuser roles can read
-- their own backend's status file.
CREATE FUNCTION bench_rss_kb(OUT vm_rss bigint, OUT rss_anon bigint, OUT pid int)
	LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT (regexp_match(s, 'VmRSS:\s+(\d+) kB'))[1]::bigint,
	       (regexp_match(s, 'RssAnon:\s+(\d+) kB'))[1]::bigint,
	       pg_backend_pid()
	  FROM pg_read_file('/proc/self/status') AS s
$$;
REVOKE ALL ON FUNCTION bench_rss_kb() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bench_rss_kb() TO bench_user, bench_admin;

-- Row (c): :rows files registered for :user_id, under names that
-- azure_generate_upload_sas issued to that user (as the application would
-- get them). Inserted as the owner (an admin: the trigger skips the issued-name
-- MAC check, but the names carry a valid one anyway).
-- In transactions of 5,000 rows: up to 1.1 the azure_files trigger kept a
-- lock per blob name until commit (src/deletion.cpp), and a million would not
-- fit in the lock table; batches keep this setup working against such builds.
SELECT set_config('bench.rows', :'rows', false), set_config('bench.user_id', :'user_id', false) \gset
DO $$
DECLARE
	n int := current_setting('bench.rows')::int;
	uid text := current_setting('bench.user_id');
BEGIN
	FOR b IN 0 .. (n - 1) / 5000 LOOP
		PERFORM set_config('azure_blob.user_id', uid, true);
		INSERT INTO azure_files (blob_name, user_id)
			SELECT s.blob_name, uid
			  FROM generate_series(b * 5000 + 1, least((b + 1) * 5000, n)) AS g,
			       LATERAL azure_generate_upload_sas('f' || g || '.png', 'image/png') AS s;
		COMMIT;
	END LOOP;
END
$$;
VACUUM (ANALYZE) azure_files;
CHECKPOINT;
