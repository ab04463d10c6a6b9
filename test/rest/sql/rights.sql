-- A role granted azure_blob_user (the app backend) gets 42501 from every
-- REST function and from the deletion queue.
SELECT azure_container_create('rights');
SELECT azure_blob_put('bin/empty', ''::bytea, container => 'rights') IS NOT NULL AS put;
SELECT azure_set_cors(ARRAY['https://rights.example'], ARRAY['PUT']);
\c - regress_rest_app
-- Each statement runs with azure_blob.user_id = 'alice' set in its transaction.
-- check: regress_rest_app: azure_blob_properties -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_blob_properties('bin/empty', 'rights');
\echo :SQLSTATE
-- check: regress_rest_app: azure_blob_get -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_blob_get('bin/empty', 'rights');
\echo :SQLSTATE
-- check: regress_rest_app: azure_blob_put -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_blob_put('by-app', '\x00'::bytea, container => 'rights');
\echo :SQLSTATE
-- check: regress_rest_app: azure_blob_delete -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_blob_delete('bin/empty', 'rights');
\echo :SQLSTATE
-- check: regress_rest_app: azure_blob_list -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_blob_list('', 'rights');
\echo :SQLSTATE
-- check: regress_rest_app: azure_container_create -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_container_create('by-app');
\echo :SQLSTATE
-- check: regress_rest_app: azure_set_cors -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_set_cors(ARRAY['*'], ARRAY['GET']);
\echo :SQLSTATE
-- check: regress_rest_app: azure_get_cors -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_get_cors();
\echo :SQLSTATE
-- check: regress_rest_app: azure_process_deletions -> 42501
SET azure_blob.user_id = 'alice' \; SELECT azure_process_deletions();
\echo :SQLSTATE
-- check: regress_rest_app: azure_reconcile -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_reconcile();
\echo :SQLSTATE
-- check: regress_rest_app: SELECT FROM azure_pending_deletions -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_pending_deletions;
\echo :SQLSTATE
-- check: regress_rest_app: SELECT FROM azure_blob.deletion_queue -> 42501
SET azure_blob.user_id = 'alice' \; SELECT * FROM azure_blob.deletion_queue;
\echo :SQLSTATE
\c - regress_rest_admin
-- check: the refused calls changed nothing: bin/empty still there, no blob by-app, CORS unchanged
SELECT (SELECT size_bytes = 0 FROM azure_blob_properties('bin/empty', 'rights')) AS empty_there,
       (SELECT etag IS NULL FROM azure_blob_properties('by-app', 'rights')) AS no_by_app,
       (SELECT allowed_origins FROM azure_get_cors()), (SELECT allowed_methods FROM azure_get_cors());
-- check: no container by-app (azure_container_create now creates it: true)
SELECT azure_container_create('by-app');
