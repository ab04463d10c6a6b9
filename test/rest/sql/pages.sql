-- Listing past one page: Azure (and Azurite) answer List Blobs with at most
-- 5,000 blobs a page.  The number of List Blobs requests (DEBUG1 lines that
-- name the port) is checked in test/t/020_rest.pl, on this container.
\c - regress_rest_admin
-- check: azure_container_create('pages') as regress_rest_admin -> true
SELECT azure_container_create('pages');
-- check: 5,050 blobs put in one statement
SELECT count(azure_blob_put('p/' || lpad(i::text, 5, '0'), convert_to(i::text, 'UTF8'), 'text/plain', 'pages'))
  FROM generate_series(1, 5050) i;
-- check: azure_blob_list over 2 pages: 5050 rows, 5050 distinct names, first/last, total size exact
SELECT count(*), count(DISTINCT blob_name), min(blob_name), max(blob_name),
       sum(size_bytes) = (SELECT sum(length(i::text)) FROM generate_series(1, 5050) i) AS size_exact
  FROM azure_blob_list('', 'pages');
-- check: azure_blob_list names are exactly p/00001 .. p/05050
SELECT (SELECT count(*) FROM (SELECT 'p/' || lpad(i::text, 5, '0') FROM generate_series(1, 5050) i
                              EXCEPT SELECT blob_name FROM azure_blob_list('', 'pages')) a) AS missing,
       (SELECT count(*) FROM (SELECT blob_name FROM azure_blob_list('', 'pages')
                              EXCEPT SELECT 'p/' || lpad(i::text, 5, '0') FROM generate_series(1, 5050) i) b) AS extra;
-- check: SELECT ... FROM azure_blob_list LIMIT 10 -> 10 rows
SELECT count(*) FROM (SELECT * FROM azure_blob_list('', 'pages') LIMIT 10) s;
-- check: azure_blob_list('p/0500') -> the 10 blobs p/05000..p/05009
SELECT count(*), min(blob_name), max(blob_name) FROM azure_blob_list('p/0500', 'pages');
-- check: SELECT (azure_blob_list(...)).blob_name LIMIT 10 -> p/00001 .. p/00010
SELECT count(*), min(n), max(n)
  FROM (SELECT (l).blob_name AS n FROM (SELECT azure_blob_list('', 'pages') AS l LIMIT 10) s) t;
