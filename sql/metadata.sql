-- azure_files, its trigger, the upload URL generator and save_metadata.
-- As the extension owner (superuser here); RLS and other roles are in security.sql.

-- The guide's own INSERT keeps working when the URL is the blob's canonical URL.
INSERT INTO azure_files (blob_name, file_url, user_id)
VALUES ('guide.png', 'http://127.0.0.1:10000/devstoreaccount1/uploads/guide.png', 'user_123')
RETURNING blob_name, file_url, user_id, account, container, upload_timestamp IS NOT NULL AS has_timestamp;

-- file_url and user_id are filled in; the URL encodes each path segment.
BEGIN;
SET LOCAL azure_blob.user_id = 'user_456';
INSERT INTO azure_files (blob_name) VALUES ('dir/x y+z#1?.txt'), ('résumé 日本.txt'), ('100%.txt')
RETURNING blob_name, file_url, user_id;
COMMIT;
INSERT INTO azure_files (blob_name) VALUES ('owner.txt') RETURNING user_id = current_user AS owner_is_user;

-- An admin may register into another configured account or container.
INSERT INTO azure_files (blob_name, account, container) VALUES ('report.pdf', 'prod', 'reports')
RETURNING file_url, account, container;

-- A URL that is not the blob's own is refused, and no row is written.
SELECT try($$INSERT INTO azure_files (blob_name, file_url) VALUES ('x.png', 'https://evil.example.com/x.png')$$);
SELECT try($$INSERT INTO azure_files (blob_name, file_url) VALUES ('x.png', 'http://127.0.0.1:10000/devstoreaccount1/uploads/y.png')$$);
SELECT try($$INSERT INTO azure_files (blob_name, file_url) VALUES ('x y.png', 'http://127.0.0.1:10000/devstoreaccount1/uploads/x y.png')$$);
SELECT try($$INSERT INTO azure_files (blob_name, file_url) VALUES ('x.png', 'http://127.0.0.1:10000/devstoreaccount1/uploads/x.png?sv=1')$$);
SELECT count(*) FROM azure_files WHERE blob_name IN ('x.png', 'x y.png');

-- Names outside Azure's rules, unknown accounts, bad descriptive columns.
SELECT try($$INSERT INTO azure_files (blob_name) VALUES (NULL)$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('')$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('a/../b.txt')$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('dir/')$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('back\slash.txt')$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES (repeat('a', 1025))$$);
SELECT try($$INSERT INTO azure_files (blob_name, account) VALUES ('a.txt', 'nope')$$);
SELECT try($$INSERT INTO azure_files (blob_name, container) VALUES ('a.txt', 'Bad_Container')$$);
SELECT try($$INSERT INTO azure_files (blob_name, account) VALUES ('a.txt', 'custom')$$);
SELECT try($$INSERT INTO azure_files (blob_name, content_type) VALUES ('a.txt', E'text/plain\r\nX-Evil: 1')$$);
SELECT try($$INSERT INTO azure_files (blob_name, size_bytes) VALUES ('a.txt', -1)$$);
SELECT try($$INSERT INTO azure_files (blob_name, user_id) VALUES ('a.txt', '')$$);
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('guide.png')$$);
SELECT count(*) FROM azure_files WHERE blob_name IN ('a.txt', '', 'dir/');

-- A registered row keeps its blob for life; descriptive columns may change.
SELECT try($$UPDATE azure_files SET blob_name = 'other.png' WHERE blob_name = 'guide.png'$$);
SELECT try($$UPDATE azure_files SET file_url = 'http://127.0.0.1:10000/devstoreaccount1/uploads/other.png' WHERE blob_name = 'guide.png'$$);
SELECT try($$UPDATE azure_files SET container = 'other' WHERE blob_name = 'guide.png'$$);
UPDATE azure_files SET content_type = 'image/png', size_bytes = 1234, etag = '"0x8DCB"' WHERE blob_name = 'guide.png'
RETURNING blob_name, content_type, size_bytes, etag;
SELECT try($$UPDATE azure_files SET content_type = 'png' WHERE blob_name = 'guide.png'$$);

-- Upload URLs: a fresh "<uuid>-<file name>", create-only, content type signed as rsct.
-- The uuid is layout v2 (src/core/upload.hpp): version 8, RFC variant.
SELECT * FROM azure_generate_upload_sas('photo.png', 'image/png') \gset up_
SELECT :'up_blob_name' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-photo\.png$' AS name_ok,
       :'up_file_url' = 'http://127.0.0.1:10000/devstoreaccount1/uploads/' || :'up_blob_name' AS file_url_ok,
       starts_with(:'up_sas_url', :'up_file_url' || '?sv=2025-07-05&spr=https%2Chttp&se=') AS url_prefix_ok,
       :'up_sas_url' ~ '&sr=b&sp=c&rsct=image%2Fpng&sig=[A-Za-z0-9%]{44,}$' AS url_suffix_ok,
       :'up_sas_url' LIKE '%se=' || replace(to_char(:'up_expires_at'::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ':', '%3A') || '&%' AS se_is_expires_at,
       :'up_expires_at'::timestamptz - now() BETWEEN interval '4 minutes' AND interval '5 minutes 1 second' AS lifetime_ok,
       date_trunc('second', :'up_expires_at'::timestamptz) = :'up_expires_at'::timestamptz AS whole_seconds;
-- Every call names a new blob; no row is written by issuing a URL.
SELECT count(DISTINCT u.blob_name) AS distinct_names
  FROM generate_series(1, 50) g, azure_generate_upload_sas('a.txt', 'text/plain', g * interval '1 second') u;
SELECT count(*) AS rows_for_photo FROM azure_files WHERE blob_name LIKE '%photo.png';
-- A custom lifetime.
SELECT expires_at - now() BETWEEN interval '59 seconds' AND interval '61 seconds' AS one_minute
  FROM azure_generate_upload_sas('a.txt', 'text/plain', '1 minute');
-- Names with characters that need encoding.
SELECT file_url LIKE '%-r%C3%A9sum%C3%A9%20%23%3F%2B%25.txt' AS encoded
  FROM azure_generate_upload_sas('résumé #?+%.txt', 'text/plain');

-- save_metadata registers the issued name and returns the row.
BEGIN;
SET LOCAL azure_blob.user_id = 'user_789';
SELECT blob_name = :'up_blob_name' AS same_name, file_url = :'up_file_url' AS same_url, user_id, account, container
  FROM azure_save_metadata(:'up_blob_name');
-- Again, as the same user: the row it has (registration.sql tests more).
SELECT try(format('SELECT azure_save_metadata(%L)', :'up_blob_name'));
SELECT count(*) AS rows_for_name FROM azure_files WHERE blob_name = :'up_blob_name';
SELECT try(format('SELECT azure_save_metadata(%L, %L)', 'other-' || :'up_blob_name', :'up_file_url'));
COMMIT;

-- Read URLs: sp=r, lifetime 15 minutes by default.  A row without a content type (verify_uploads
-- is off here) is served as a download: rscd=attachment.
SELECT azure_generate_read_sas(:'up_blob_name') AS read_url \gset
SELECT starts_with(:'read_url', :'up_file_url' || '?sv=2025-07-05&spr=https%2Chttp&se=') AS prefix_ok,
       :'read_url' ~ '&sr=b&sp=r&rscd=attachment&sig=[A-Za-z0-9%]{44,}$' AS suffix_ok;
SELECT azure_generate_read_sas('report.pdf') LIKE 'https://myaccount.blob.core.windows.net/reports/report.pdf?sv=2025-07-05&spr=https&se=%&sr=b&sp=r&rscd=attachment&sig=%' AS other_account_ok;

-- Read URLs by the row's content type: a type a browser renders or runs (or none) downloads
-- (rscd=attachment); any other is served as the row says (rsct), whatever the blob was uploaded with.
INSERT INTO azure_files (blob_name, content_type) VALUES
	('ct/page.html', 'text/html'), ('ct/page2.html', 'Text/HTML; charset=utf-8'), ('ct/app.xhtml', 'application/xhtml+xml'),
	('ct/logo.svg', 'image/svg+xml'), ('ct/data.xml', 'text/xml'), ('ct/data2.xml', 'application/xml'),
	('ct/feed.rss', 'application/rss+xml'), ('ct/app.js', 'text/javascript'), ('ct/app2.js', 'application/javascript'),
	('ct/cam.mjpg', 'multipart/x-mixed-replace; boundary=frame'), ('ct/any', '*/*'), ('ct/none', NULL),
	('ct/photo.png', 'image/png'), ('ct/notes.txt', 'text/plain; charset=utf-8'), ('ct/doc.pdf', 'application/pdf'),
	('ct/data.json', 'application/json'), ('ct/blob.bin', 'application/octet-stream');
SELECT blob_name, content_type, substring(azure_generate_read_sas(blob_name) from '&sp=r(&[^&]*)&sig=') AS override
  FROM azure_files WHERE blob_name LIKE 'ct/%' ORDER BY id;
-- An admin who wants an active type inline signs it with azure_blob_sas_url and a disposition of their own.
SELECT substring(azure_blob_sas_url('ct/page.html', 'r', '2030-01-01', content_disposition => 'inline') from '&sp=r(&[^&]*)&sig=') AS admin_inline;
DELETE FROM azure_files WHERE blob_name LIKE 'ct/%';

-- The rows this file made (files running in parallel add rows of their own).
SELECT regexp_replace(blob_name, '^[0-9a-f-]{36}-', '<uuid>-') AS blob_name,
       CASE WHEN user_id = current_user THEN '<owner>' ELSE user_id END AS user_id, account, container
  FROM azure_files
 WHERE blob_name IN ('guide.png', 'dir/x y+z#1?.txt', 'résumé 日本.txt', '100%.txt', 'owner.txt', 'report.pdf', :'up_blob_name')
 ORDER BY id;
