-- azure_blob.allow_http = off (a superuser setting): no REST call goes to an
-- http endpoint such as Azurite's; 55000 before any request is made.
SELECT azure_container_create('httpoff');
SET azure_blob.allow_http = off;
-- check: allow_http off: azure_blob_get -> 55000
SELECT azure_blob_get('x', 'httpoff');
\echo :SQLSTATE
-- check: allow_http off: azure_blob_put -> 55000
SELECT azure_blob_put('http-off', '\x00'::bytea, container => 'httpoff');
\echo :SQLSTATE
-- check: allow_http off: azure_blob_properties -> 55000
SELECT * FROM azure_blob_properties('x', 'httpoff');
\echo :SQLSTATE
-- check: allow_http off: azure_blob_delete -> 55000
SELECT azure_blob_delete('x', 'httpoff');
\echo :SQLSTATE
-- check: allow_http off: azure_blob_list -> 55000
SELECT * FROM azure_blob_list('', 'httpoff');
\echo :SQLSTATE
-- check: allow_http off: azure_container_create -> 55000
SELECT azure_container_create('http-off');
\echo :SQLSTATE
-- check: allow_http off: azure_set_cors -> 55000
SELECT azure_set_cors(ARRAY['https://x.example'], ARRAY['GET']);
\echo :SQLSTATE
-- check: allow_http off: azure_get_cors -> 55000
SELECT * FROM azure_get_cors();
\echo :SQLSTATE
RESET azure_blob.allow_http;
-- check: allow_http off sent nothing: no blob http-off; container http-off is new (create -> true)
SELECT (SELECT etag IS NULL FROM azure_blob_properties('http-off', 'httpoff')) AS no_blob,
       azure_container_create('http-off') AS created;

\c - regress_rest_admin
SELECT FROM azure_current_user_id();
-- check: regress_rest_admin (not a superuser) cannot SET azure_blob.allow_http -> 42501
SET azure_blob.allow_http = off;
\echo :SQLSTATE
-- check: regress_rest_admin (not a superuser) cannot SET azure_blob.verify_uploads -> 42501
SET azure_blob.verify_uploads = off;
\echo :SQLSTATE
