-- Round two: a content type that is a header list.  azure_generate_read_sas
-- serves a row's type inline (rsct) unless IsActiveContentType() calls it
-- active, and it judges only the media type before the first ";".  A browser
-- reads Content-Type as a comma-separated list and uses the LAST type in it
-- (WHATWG Fetch, "extract a MIME type"; Chrome and Firefox do so), so
-- "image/png;,text/html" is an HTML page on the storage account's origin.
-- Azure stores whatever Content-Type the uploader sends, and
-- azure_save_metadata accepts this one for a name issued for image/png (its
-- media type normalises to image/png); against Azurite 3.35 the read URL
-- then answers "content-type: image/png;,text/html".  Rows from 1.0, where
-- users set content_type freely, and rows written by admins, carry such
-- values too.  Here an admin writes the rows (offline); the URL must not
-- hand a browser a list of types: a download, or a single type.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_ctlist;
DROP ROLE IF EXISTS regress_sec_alice, regress_sec_admin;
RESET client_min_messages;
CREATE DATABASE azb_sec_ctlist;
\c azb_sec_ctlist
CREATE EXTENSION azure_blob;
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE ROLE regress_sec_alice LOGIN;
CREATE ROLE regress_sec_admin LOGIN;
GRANT azure_blob_user TO regress_sec_alice;
GRANT azure_blob_admin TO regress_sec_admin;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_grant('regress_sec_alice', 'user'), azure_grant('regress_sec_admin', 'admin');

-- What a browser gets from a read URL: a download, or the rsct value inline.
CREATE FUNCTION served_as(url text) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN url ~ '[?&]rscd=attachment(&|$)' THEN 'download'
	            ELSE 'inline ' || coalesce(replace(replace(replace(replace(replace(
	                     substring(url from '[?&]rsct=([^&]*)'),
	                     '%2F', '/'), '%3B', ';'), '%2C', ','), '%3D', '='), '%22', '"'), '(no type)') END $$;
-- A list of types (a comma outside the served type's quoted strings would do; any comma is refused here).
CREATE FUNCTION safe(served text) RETURNS boolean LANGUAGE sql AS $$
	SELECT served = 'download' OR (served LIKE 'inline %' AND position(',' in served) = 0) $$;

SET ROLE regress_sec_admin;
INSERT INTO azure_files (blob_name, user_id, content_type) VALUES
	('plain.png', 'regress_sec_alice', 'image/png'),
	('list.png', 'regress_sec_alice', 'image/png;,text/html'),
	('list-param.png', 'regress_sec_alice', 'image/png; a=b, text/html'),
	('list-quoted.png', 'regress_sec_alice', 'image/png; x=",",text/html'),
	('list-svg.txt', 'regress_sec_alice', 'text/plain;charset=utf-8,image/svg+xml');
RESET ROLE;

SET ROLE regress_sec_alice;
-- A single passive type stays inline (so the checks below are not met by "always download").
SELECT served_as(azure_generate_read_sas('plain.png')) AS plain;
SELECT b AS blob_name, safe(served_as(azure_generate_read_sas(b))) AS no_type_list
  FROM unnest(ARRAY['list.png', 'list-param.png', 'list-quoted.png', 'list-svg.txt']) b ORDER BY b;
RESET ROLE;

\c azb_security
DROP DATABASE azb_sec_ctlist;
DROP ROLE regress_sec_alice, regress_sec_admin;
