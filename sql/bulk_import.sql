-- An import of many rows in one transaction (a migration from an earlier
-- table): each registration locks its blob until commit so that the deletion
-- queue never deletes a blob being registered (src/deletion.hpp), and past
-- 256 in one transaction the rest share one bulk lock instead.  So the
-- import holds 257 locks, not one per row, and fits the lock table
-- (max_locks_per_transaction x max_connections slots, 6,400 by default).
-- The locks as pg_locks shows them: advisory, objsubid 16730 (0x415A) per
-- blob, 16731 (0x415B) the bulk lock.
CREATE FUNCTION pg_temp.registration_locks() RETURNS TABLE (lock text, mode text, n bigint) LANGUAGE sql AS $$
	SELECT CASE objsubid WHEN 16730 THEN 'blob' WHEN 16731 THEN 'bulk' END, mode, count(*)
	  FROM pg_locks
	 WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid IN (16730, 16731)
	 GROUP BY 1, 2 ORDER BY 1
$$;

-- A few rows: one lock each, no bulk lock.
BEGIN;
INSERT INTO azure_files (blob_name, user_id) SELECT 'bulk/small-' || g || '.txt', 'bulk-user' FROM generate_series(1, 10) g;
SELECT * FROM pg_temp.registration_locks();
ROLLBACK;

-- 256 rows: still one lock each.
BEGIN;
INSERT INTO azure_files (blob_name, user_id) SELECT 'bulk/edge-' || g || '.txt', 'bulk-user' FROM generate_series(1, 256) g;
SELECT * FROM pg_temp.registration_locks();
-- The 257th takes the bulk lock.
INSERT INTO azure_files (blob_name, user_id) VALUES ('bulk/edge-257.txt', 'bulk-user');
SELECT * FROM pg_temp.registration_locks();
ROLLBACK;

-- 20,000 rows in one statement: more than the lock table holds, were each
-- row to keep a lock of its own (1.1 failed here with "out of shared memory").
BEGIN;
INSERT INTO azure_files (blob_name, user_id) SELECT 'bulk/big-' || g || '.txt', 'bulk-user' FROM generate_series(1, 20000) g;
SELECT count(*) AS imported FROM azure_files WHERE blob_name LIKE 'bulk/big-%';
SELECT * FROM pg_temp.registration_locks();
-- A deletion run meanwhile finds every blob busy: two sessions in
-- test/security/specs/deletion_race.spec show it.
ROLLBACK;

-- The count starts again in each transaction.
BEGIN;
INSERT INTO azure_files (blob_name, user_id) VALUES ('bulk/next.txt', 'bulk-user');
SELECT * FROM pg_temp.registration_locks();
ROLLBACK;
SELECT count(*) AS left_behind FROM azure_files WHERE blob_name LIKE 'bulk/%';

-- The deletion side: a check that finds the name registered again (or busy)
-- keeps no lock for it, so a run over many such items does not fill the lock
-- table either (20,000 did, each lock kept until the run committed); a
-- check that decides "delete" keeps its blob's lock and the bulk lock until
-- commit (test/security/specs/deletion_race.spec).
INSERT INTO azure_files (blob_name, user_id) SELECT 'bulk/again-' || g || '.txt', 'bulk-user' FROM generate_series(1, 3) g;
BEGIN;
SELECT blob_name, azure_blob.deletion_check(account, container, blob_name) FROM azure_files
 WHERE blob_name LIKE 'bulk/again-%' ORDER BY blob_name;
SELECT * FROM pg_temp.registration_locks();
SELECT azure_blob.deletion_check(account, container, 'bulk/gone.txt') FROM azure_files WHERE blob_name = 'bulk/again-1.txt';
SELECT * FROM pg_temp.registration_locks();
ROLLBACK;
DELETE FROM azure_files WHERE blob_name LIKE 'bulk/again-%';
DELETE FROM azure_blob.deletion_queue WHERE blob_name LIKE 'bulk/again-%';
SELECT count(*) AS left_behind FROM azure_files WHERE blob_name LIKE 'bulk/%';

-- An application user's registrations always lock their own blobs: the bulk
-- lock, which makes every deletion in the database wait, is for
-- administrators (a user could otherwise stall the queue for everyone by
-- holding a transaction open after a rolled-back batch).
SET azure_blob.require_user_id = off;
SET ROLE regress_azure_alice;
BEGIN;
INSERT INTO azure_files (blob_name)
SELECT s.blob_name FROM generate_series(1, 300) g, LATERAL azure_generate_upload_sas('user-' || g || '.txt', 'text/plain') s;
SELECT * FROM pg_temp.registration_locks();
ROLLBACK;
RESET ROLE;
RESET azure_blob.require_user_id;
