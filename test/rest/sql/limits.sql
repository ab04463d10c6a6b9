-- azure_blob.max_response_size: the largest answer body a REST call accepts.
\c - regress_rest_admin
SELECT azure_container_create('limits');
SELECT azure_blob_put('limit/1024', decode(repeat('ab', 1024), 'hex'), container => 'limits') IS NOT NULL AS put_1024,
       azure_blob_put('limit/1025', decode(repeat('ab', 1025), 'hex'), container => 'limits') IS NOT NULL AS put_1025,
       azure_blob_put('limit/big 3mb.bin',
                      (SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FROM generate_series(1, 196608) i),
                      container => 'limits') IS NOT NULL AS put_3mb;
SET azure_blob.max_response_size = 1024;
-- check: max_response_size = 1024: a 1024-byte blob still comes back
SELECT length(azure_blob_get('limit/1024', 'limits'));
-- check: max_response_size = 1024: azure_blob_get of 1025 bytes -> 54000
SELECT length(azure_blob_get('limit/1025', 'limits'));
\echo :SQLSTATE
-- check: max_response_size = 1kB: azure_blob_get of 3 MB -> 54000
SET azure_blob.max_response_size = '1kB';
SELECT length(azure_blob_get('limit/big 3mb.bin', 'limits'));
\echo :SQLSTATE
-- check: max_response_size = 1024: azure_blob_list (the listing XML of 3 blobs is larger) -> 54000
SET azure_blob.max_response_size = 1024;
SELECT count(*) FROM azure_blob_list('', 'limits');
\echo :SQLSTATE
-- check: max_response_size = 1024: properties of the 3 MB blob (HEAD, no body) still work
SELECT size_bytes FROM azure_blob_properties('limit/big 3mb.bin', 'limits');
-- check: same session after the 54000: RESET, the 3 MB blob comes back
DO $$ BEGIN PERFORM azure_blob_get('limit/big 3mb.bin', 'limits'); EXCEPTION WHEN program_limit_exceeded THEN NULL; END $$;
RESET azure_blob.max_response_size;
SELECT length(azure_blob_get('limit/big 3mb.bin', 'limits'));
