-- The metadata lifecycle in the account's default container "uploads":
-- azure_save_metadata checks the blob, the deletion queue, azure_reconcile.
-- An upload is played by an admin's azure_blob_put of the issued name with
-- the issued type; the upload by curl with the SAS URL itself is checked in
-- test/t/020_rest.pl.  App statements run with azure_blob.user_id set in
-- their transaction.
SELECT current_user AS superuser \gset

-- azure_save_metadata checks the blob.
\c - regress_rest_app
BEGIN;
SET LOCAL azure_blob.user_id = 'alice';
SELECT blob_name AS f1 FROM azure_generate_upload_sas('report.pdf', 'application/pdf') \gset
SELECT blob_name AS g1 FROM azure_generate_upload_sas('ghost.txt', 'text/plain') \gset
SELECT blob_name AS g2 FROM azure_generate_upload_sas('plain-insert.txt', 'text/plain') \gset
SELECT blob_name AS g3 FROM azure_generate_upload_sas('unverified.txt', 'text/plain') \gset
COMMIT;
\c - regress_rest_admin
SELECT azure_blob_put(:'f1', (SELECT substring(decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FOR 1234)
                              FROM generate_series(1, 78) i), 'application/pdf') IS NOT NULL AS uploaded;
SELECT etag AS f1_etag FROM azure_blob_properties(:'f1') \gset
\c - regress_rest_app
-- check: alice: azure_save_metadata fills size_bytes, content_type, etag (= properties' ETag), user_id
SET azure_blob.user_id = 'alice' \;
SELECT blob_name = :'f1' AS same_name, user_id, size_bytes, content_type, etag = :'f1_etag' AS same_etag
  FROM azure_save_metadata(:'f1');
-- The next errors name a random blob: only their SQLSTATE is shown.
-- check: alice: azure_save_metadata of an issued but never uploaded name -> P0002 (42704 until 1.1)
\set VERBOSITY sqlstate
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_save_metadata(:'g1');
\set VERBOSITY default
-- check: ... and no row was written
\c - :superuser
SELECT count(*) FROM azure_files WHERE blob_name = :'g1';
\c - regress_rest_app
-- check: bob: azure_save_metadata of alice's uploaded name -> 42501
\set VERBOSITY sqlstate
SET azure_blob.user_id = 'bob' \; SELECT * FROM azure_save_metadata(:'f1');
\set VERBOSITY default
-- check: alice: azure_save_metadata of a name never issued (random uuid) -> 42501
\set VERBOSITY sqlstate
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_save_metadata(gen_random_uuid() || '-x.txt');
\set VERBOSITY default
-- check: alice: plain INSERT of a name never issued -> 42501
\set VERBOSITY sqlstate
SET azure_blob.user_id = 'alice' \; INSERT INTO azure_files (blob_name) VALUES (gen_random_uuid() || '-x.txt');
\set VERBOSITY default
-- check: alice: plain INSERT of an issued, never uploaded name is accepted (no HTTP check), size NULL
SET azure_blob.user_id = 'alice' \;
INSERT INTO azure_files (blob_name) VALUES (:'g2') RETURNING user_id, size_bytes IS NULL AS no_size;
-- check: bob: plain INSERT of alice's issued name -> 42501
\set VERBOSITY sqlstate
SET azure_blob.user_id = 'bob' \; INSERT INTO azure_files (blob_name) VALUES (:'f1');
\set VERBOSITY default
-- With verify_uploads off (superuser), save_metadata does no HTTP at all:
-- even with http refused it registers the (never uploaded) name.
\c - :superuser
-- check: verify_uploads = off: save_metadata registers without a HEAD (works with allow_http off)
SET azure_blob.verify_uploads = off;
SET azure_blob.allow_http = off;
BEGIN;
SET LOCAL azure_blob.user_id = 'alice';
SELECT user_id, size_bytes IS NULL AS no_size FROM azure_save_metadata(:'g3');
COMMIT;
RESET azure_blob.verify_uploads;
RESET azure_blob.allow_http;

-- The deletion queue.  The two blob-less rows: their queued deletions count
-- as done (404).
\c - regress_rest_app
-- check: alice deletes her two rows without blobs -> 2 queued
SET azure_blob.user_id = 'alice' \;
WITH d AS (DELETE FROM azure_files WHERE blob_name IN (:'g2', :'g3') RETURNING 1) SELECT count(*) FROM d;
\c - regress_rest_admin
-- check: azure_pending_deletions shows them (account, container, attempts 0, no error)
SELECT count(*), min(account), min(container), max(attempts), bool_and(last_error IS NULL) AS no_error
  FROM azure_pending_deletions WHERE blob_name IN (:'g2', :'g3');
-- check: azure_process_deletions() -> 2 (absent blobs count as done), queue empty
SELECT azure_process_deletions();
SELECT count(*) FROM azure_pending_deletions;
\c - regress_rest_app
BEGIN;
SET LOCAL azure_blob.user_id = 'alice';
DELETE FROM azure_files WHERE blob_name = :'f1';
ROLLBACK;
\c - regress_rest_admin
-- check: alice: DELETE her row, ROLLBACK -> queue empty, row and blob still there
SELECT (SELECT count(*) FROM azure_pending_deletions) AS queued,
       (SELECT count(*) FROM azure_files WHERE blob_name = :'f1') AS rows,
       (SELECT size_bytes FROM azure_blob_properties(:'f1'));
\c - regress_rest_app
SET azure_blob.user_id = 'alice' \; DELETE FROM azure_files WHERE blob_name = :'f1';
\c - regress_rest_admin
-- check: alice: DELETE her row (commit) -> 1 queued for it, the blob is still there
SELECT count(*), min(blob_name) = :'f1' AS same_name, (SELECT size_bytes FROM azure_blob_properties(:'f1'))
  FROM azure_pending_deletions;
-- check: azure_process_deletions() as regress_rest_admin -> 1
SELECT azure_process_deletions();
-- check: after processing: the blob is gone (properties NULL, get NULL) and the queue is empty
SELECT (SELECT etag IS NULL FROM azure_blob_properties(:'f1')) AS no_properties, azure_blob_get(:'f1') IS NULL AS get_null,
       (SELECT count(*) FROM azure_pending_deletions) AS queued;
-- check: azure_process_deletions() with nothing queued -> 0
SELECT azure_process_deletions();
-- check: azure_process_deletions(0) -> 22023
\set SHOW_CONTEXT never
SELECT azure_process_deletions(0);
\echo :SQLSTATE
\set SHOW_CONTEXT errors

-- TRUNCATE queues every row.
\c - regress_rest_app
BEGIN;
SET LOCAL azure_blob.user_id = 'bob';
SELECT blob_name AS t1 FROM azure_generate_upload_sas('t1.txt', 'text/plain') \gset
SELECT blob_name AS t2 FROM azure_generate_upload_sas('t2.txt', 'text/plain') \gset
SELECT blob_name AS t3 FROM azure_generate_upload_sas('t3.txt', 'text/plain') \gset
COMMIT;
\c - regress_rest_admin
SELECT count(azure_blob_put(n, convert_to(E'truncate me\n', 'UTF8'), 'text/plain'))
  FROM unnest(ARRAY[:'t1', :'t2', :'t3']) n;
\c - regress_rest_app
-- check: bob: 3 files uploaded and registered
SET azure_blob.user_id = 'bob' \;
SELECT count(*), min(m.user_id), min(m.size_bytes), max(m.size_bytes)
  FROM unnest(ARRAY[:'t1', :'t2', :'t3']) n, azure_save_metadata(n) m;
\c - :superuser
-- check: TRUNCATE azure_files (superuser) queues all 3 rows
TRUNCATE azure_files;
SELECT (SELECT count(*) FROM azure_pending_deletions) AS queued, (SELECT count(*) FROM azure_files) AS rows;
\c - regress_rest_admin
-- check: azure_process_deletions(2) -> 2, one left (attempts 0); then azure_process_deletions() -> 1, none left
SELECT azure_process_deletions(2);
SELECT count(*), min(attempts) FROM azure_pending_deletions;
SELECT azure_process_deletions();
SELECT count(*) FROM azure_pending_deletions;
-- check: the 3 blobs are gone, the queue is empty
SELECT (SELECT count(*) FROM unnest(ARRAY[:'t1', :'t2', :'t3']) n, azure_blob_properties(n) p WHERE p.etag IS NOT NULL) AS blobs,
       (SELECT count(*) FROM azure_pending_deletions) AS queued;

-- azure_reconcile.  The default container now holds no blob and azure_files
-- no row.  Make:
--   orphan-rest.bin  a blob without row (put by the admin, never registered);
--   lost             a row whose blob is deleted behind its back;
--   kept             a row with its blob (never reported);
--   queued           a blob whose row was deleted and is waiting in the queue
--                    (not an orphan).
\c - regress_rest_app
BEGIN;
SET LOCAL azure_blob.user_id = 'alice';
SELECT blob_name AS lost FROM azure_generate_upload_sas('lost.txt', 'text/plain') \gset
SELECT blob_name AS kept FROM azure_generate_upload_sas('kept.txt', 'text/plain') \gset
SELECT blob_name AS queued FROM azure_generate_upload_sas('queued.txt', 'text/plain') \gset
COMMIT;
\c - regress_rest_admin
-- check: reconcile fixture: orphan blob, row whose blob was deleted, a kept file, a queued deletion
SELECT count(azure_blob_put(n, convert_to('file ' || f || E'\n', 'UTF8'), 'text/plain'))
  FROM (VALUES (:'lost', 'lost.txt'), (:'kept', 'kept.txt'), (:'queued', 'queued.txt')) v(n, f);
\c - regress_rest_app
SET azure_blob.user_id = 'alice' \;
SELECT count(*) FROM unnest(ARRAY[:'lost', :'kept', :'queued']) n, azure_save_metadata(n) m;
\c - regress_rest_admin
SELECT azure_blob_put('orphan-rest.bin', '\x0001020304'::bytea) IS NOT NULL AS put;
SELECT azure_blob_delete(:'lost');
\c - regress_rest_app
SET azure_blob.user_id = 'alice' \; DELETE FROM azure_files WHERE blob_name = :'queued';
\c - regress_rest_admin
-- Names issued by azure_generate_upload_sas are random: shown by their role.
-- check: azure_reconcile() (min_age = max_sas_lifetime): the young orphan is not reported; the lost row is
SELECT problem, CASE blob_name WHEN :'lost' THEN '(lost)' ELSE blob_name END AS blob, action
  FROM azure_reconcile() ORDER BY 1, 2;
-- check: azure_reconcile(min_age => '0 seconds'): orphan (size 5) and lost row, nothing else, no action
SELECT problem, CASE blob_name WHEN :'lost' THEN '(lost)' ELSE blob_name END AS blob, size_bytes,
       last_modified > now() - interval '5 minutes' AS recent, action
  FROM azure_reconcile(min_age => '0 seconds') ORDER BY 1, 2;
-- check: ... reporting deleted nothing: the orphan still exists
SELECT size_bytes FROM azure_blob_properties('orphan-rest.bin');
-- check: azure_reconcile(delete_orphans => true, min_age => '0 seconds'): orphan 'deleted'; the lost row has no action
SELECT problem, CASE blob_name WHEN :'lost' THEN '(lost)' ELSE blob_name END AS blob, action
  FROM azure_reconcile(delete_orphans => true, min_age => '0 seconds') ORDER BY 1, 2;
-- check: the orphan is gone from Azurite; the kept and queued blobs are still there
SELECT (SELECT etag IS NULL FROM azure_blob_properties('orphan-rest.bin')) AS orphan_gone,
       (SELECT etag IS NOT NULL FROM azure_blob_properties(:'kept')) AS kept_there,
       (SELECT etag IS NOT NULL FROM azure_blob_properties(:'queued')) AS queued_there;
-- check: azure_reconcile again: only the lost row
SELECT problem, CASE blob_name WHEN :'lost' THEN '(lost)' ELSE blob_name END AS blob
  FROM azure_reconcile(min_age => '0 seconds') ORDER BY 1, 2;
-- check: azure_reconcile('lifecycle-other', min_age => '1 day'): its young unregistered blob is not reported
SELECT azure_container_create('lifecycle-other');
SELECT azure_blob_put('young.bin', '\x00'::bytea, container => 'lifecycle-other') IS NOT NULL AS put;
SELECT count(*) FROM azure_reconcile('lifecycle-other', min_age => '1 day');
\c - regress_rest_app
SET azure_blob.user_id = 'alice' \; DELETE FROM azure_files WHERE blob_name = :'lost';
\c - regress_rest_admin
-- check: after processing the queue (queued + lost): reconcile is clean
SELECT azure_process_deletions();
SELECT count(*) FROM azure_reconcile(min_age => '0 seconds');
