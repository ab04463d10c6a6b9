-- azure_blob_put / _get / _properties / _list / _delete as an admin, in the
-- container "restapi".  The checks that need curl (the bytes as Azurite
-- serves them to a SAS URL) are in test/t/020_rest.pl.
\c - regress_rest_admin
-- check: azure_container_create('restapi') as regress_rest_admin -> true
SELECT azure_container_create('restapi');

-- check: azure_blob_put of 256 bytes (every byte value) -> quoted ETag
SELECT string_agg(set_byte('\x00'::bytea, 0, i), ''::bytea ORDER BY i) AS b256
  FROM generate_series(0, 255) i \gset
SELECT azure_blob_put('bin/all-bytes.bin', :'b256'::bytea, 'application/octet-stream', 'restapi') AS etag256 \gset
SELECT :'etag256' ~ '^".+"$' AS quoted_etag;
-- check: azure_blob_get returns the 256 bytes exactly
SELECT length(g), g = :'b256'::bytea AS same_bytes FROM azure_blob_get('bin/all-bytes.bin', 'restapi') g;
-- check: azure_blob_properties: size 256, type, ETag = put's ETag, last_modified within a minute
SELECT size_bytes, content_type, etag = :'etag256' AS same_etag,
       last_modified BETWEEN now() - interval '1 minute' AND now() + interval '1 minute' AS recent
  FROM azure_blob_properties('bin/all-bytes.bin', 'restapi');

-- 3 MB (3,145,728 bytes) of md5 output: every byte value, no pattern.
-- check: azure_blob_put of 3 MB -> ETag
SELECT azure_blob_put('bin/big 3mb.bin',
                      (SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FROM generate_series(1, 196608) i),
                      'application/x-test', 'restapi') AS etagbig \gset
SELECT :'etagbig' ~ '^".+"$' AS quoted_etag;
-- check: azure_blob_get returns the 3 MB byte for byte
SELECT length(g),
       g = (SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FROM generate_series(1, 196608) i) AS same_bytes
  FROM azure_blob_get('bin/big 3mb.bin', 'restapi') g;
-- check: azure_blob_properties of the 3 MB blob: size 3145728, application/x-test, put's ETag
SELECT size_bytes, content_type, etag = :'etagbig' AS same_etag
  FROM azure_blob_properties('bin/big 3mb.bin', 'restapi');

-- Replacing a blob: new ETag, new bytes.
-- check: azure_blob_put onto an existing blob replaces it: a new ETag
SELECT azure_blob_put('bin/all-bytes.bin', '\x0102'::bytea, 'application/x-other', 'restapi') AS etag2 \gset
SELECT :'etag2' ~ '^".+"$' AND :'etag2' <> :'etag256' AS new_etag;
-- check: after the replacement: get and properties show the new bytes, type and ETag
SELECT azure_blob_get('bin/all-bytes.bin', 'restapi'), p.size_bytes, p.content_type, p.etag = :'etag2' AS same_etag
  FROM azure_blob_properties('bin/all-bytes.bin', 'restapi') p;
-- check: azure_blob_put of an empty bytea; get gives '' (not NULL), size 0
SELECT azure_blob_put('bin/empty', ''::bytea, container => 'restapi') IS NOT NULL AS put;
SELECT azure_blob_get('bin/empty', 'restapi') = ''::bytea AS empty_not_null,
       (SELECT size_bytes FROM azure_blob_properties('bin/empty', 'restapi'));

-- Absent blobs.
-- check: azure_blob_get of an absent blob -> NULL
SELECT azure_blob_get('no/such blob', 'restapi') IS NULL AS is_null;
-- check: azure_blob_properties of an absent blob -> one row of NULLs
SELECT count(*), bool_and(size_bytes IS NULL AND content_type IS NULL AND etag IS NULL AND last_modified IS NULL) AS all_null
  FROM azure_blob_properties('no/such blob', 'restapi');
-- check: azure_blob_delete of an absent blob -> false
SELECT azure_blob_delete('no/such blob', 'restapi');
-- A missing container is not a missing blob: put, list, get and properties
-- raise 38000 (Azure's 404 ContainerNotFound); delete stays idempotent and
-- answers false, since with its container gone the blob is gone too.
-- check: azure_blob_put in a container that does not exist -> 38000
SELECT azure_blob_put('x', '\x00'::bytea, container => 'no-such-container');
\echo :SQLSTATE
-- check: azure_blob_list of a container that does not exist -> 38000
SELECT count(*) FROM azure_blob_list('', 'no-such-container');
\echo :SQLSTATE
-- check: azure_blob_get in a container that does not exist -> 38000
SELECT azure_blob_get('x', 'no-such-container');
\echo :SQLSTATE
-- check: azure_blob_properties in a container that does not exist -> 38000
SELECT etag FROM azure_blob_properties('x', 'no-such-container');
\echo :SQLSTATE
-- check: azure_blob_delete in a container that does not exist -> false
SELECT azure_blob_delete('x', 'no-such-container');

-- Names with spaces, unicode, #, ?, +, %, &, =: put, then get (same bytes)
-- and properties (size, the put's ETag) of the same name.
-- check: name 'names/with space.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/with space.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/ünïcödé 日本語.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/ünïcödé 日本語.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/a#b.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/a#b.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/what?.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/what?.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/c++ notes.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/c++ notes.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/100%.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/100%.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/100%25.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/100%25.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: name 'names/deep/dir/x&y=z.txt': put, get (same bytes), properties (size, ETag)
\set n 'names/deep/dir/x&y=z.txt'
SELECT azure_blob_put(:'n', convert_to('content of ' || :'n', 'UTF8'), 'text/plain; charset=utf-8', 'restapi') AS etag \gset
SELECT convert_from(azure_blob_get(:'n', 'restapi'), 'UTF8') = 'content of ' || :'n' AS same_bytes,
       p.size_bytes = octet_length(convert_to('content of ' || :'n', 'UTF8')) AS same_size, p.etag = :'etag' AS same_etag
  FROM azure_blob_properties(:'n', 'restapi') p;
-- check: azure_blob_list('names/') -> exactly the 8 names, decoded
SELECT blob_name FROM azure_blob_list('names/', 'restapi') ORDER BY 1;

-- Listing.
-- check: azure_blob_list('names/a') -> only names/a#b.txt
SELECT blob_name FROM azure_blob_list('names/a', 'restapi');
-- check: azure_blob_list('names/deep/') -> the nested blob (flat listing)
SELECT blob_name FROM azure_blob_list('names/deep/', 'restapi');
-- check: azure_blob_list('nothing/here/') -> no rows
SELECT count(*) FROM azure_blob_list('nothing/here/', 'restapi');
-- check: azure_blob_list() row = azure_blob_properties (size, type, ETag, last_modified)
SELECT l.size_bytes = p.size_bytes AND l.content_type = p.content_type AND l.etag = p.etag
       AND l.last_modified = p.last_modified AS same
  FROM azure_blob_list('bin/big', 'restapi') l, azure_blob_properties(l.blob_name, 'restapi') p;
-- check: azure_blob_list('bin/') -> all-bytes.bin, big 3mb.bin, empty with their sizes
SELECT blob_name, size_bytes FROM azure_blob_list('bin/', 'restapi') ORDER BY 1;

-- azure_blob_delete.
-- check: azure_blob_delete('names/a#b.txt') -> true
SELECT azure_blob_delete('names/a#b.txt', 'restapi');
-- check: azure_blob_delete('names/a#b.txt') again -> false
SELECT azure_blob_delete('names/a#b.txt', 'restapi');
-- check: after delete: get NULL, properties NULLs, not listed
SELECT azure_blob_get('names/a#b.txt', 'restapi') IS NULL AS get_null,
       (SELECT etag IS NULL FROM azure_blob_properties('names/a#b.txt', 'restapi')) AS properties_null,
       (SELECT count(*) FROM azure_blob_list('names/a', 'restapi')) AS listed;
