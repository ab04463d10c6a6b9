-- Findings 8 and 9: metadata is honest.  In 1.0 users had full INSERT and
-- UPDATE on azure_files: they set size_bytes, content_type, etag and
-- upload_timestamp to anything (a "12 byte" text/plain file that is a 2 GB
-- executable), and chose the id, so that they could take the id the next
-- registration would get and make it fail (23505).  In 1.1 users insert
-- only the columns they may choose, the trigger refuses property values that
-- azure_save_metadata did not read from Azure, and nobody but an admin of
-- this database changes a row.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_sec_metadata;
DROP ROLE IF EXISTS regress_sec_alice, regress_sec_bob, regress_sec_admin, regress_sec_halfadmin;
RESET client_min_messages;
CREATE DATABASE azb_sec_metadata;
\c azb_sec_metadata
CREATE EXTENSION azure_blob;
-- Azurite-style loopback accounts (allow_http), and users that log in as
-- themselves (require_user_id off), in this session and the later ones here.
SET azure_blob.allow_http = on;
SET azure_blob.require_user_id = off;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET azure_blob.require_user_id = off', current_database()) \gexec
CREATE ROLE regress_sec_alice LOGIN;
CREATE ROLE regress_sec_bob LOGIN;
CREATE ROLE regress_sec_admin LOGIN;
CREATE ROLE regress_sec_halfadmin LOGIN;
GRANT azure_blob_user TO regress_sec_alice, regress_sec_bob;
GRANT azure_blob_admin TO regress_sec_admin, regress_sec_halfadmin;
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION public.try(text) TO PUBLIC;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
-- halfadmin: member of azure_blob_admin (so it has UPDATE and INSERT on
-- upload_timestamp), but only a user here.
SELECT azure_grant('regress_sec_alice', 'user'), azure_grant('regress_sec_bob', 'user'),
       azure_grant('regress_sec_admin', 'admin'), azure_grant('regress_sec_halfadmin', 'user');
-- Offline: azure_save_metadata does not ask Azure (then it records no properties).
SET azure_blob.verify_uploads = off;
CREATE TABLE names (who text, n int, blob_name text);
GRANT ALL ON names TO PUBLIC;
-- issue(n): n upload names for the current user, remembered in names.
CREATE FUNCTION issue(n int) RETURNS void LANGUAGE sql AS $$
	INSERT INTO names SELECT current_user, i, (azure_generate_upload_sas('f' || i || '.bin', 'application/octet-stream')).blob_name
	  FROM generate_series(1, n) i $$;
-- name_of(who, n): that name.
CREATE FUNCTION name_of(who text, n int) RETURNS text LANGUAGE sql AS $$
	SELECT blob_name FROM names WHERE names.who = name_of.who AND names.n = name_of.n $$;
-- anon(s): s with the random upload names replaced, for stable output.
CREATE FUNCTION anon(s text) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce((SELECT regexp_replace(s, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-', '<uuid>-', 'g')), s) $$;

SET ROLE regress_sec_alice;
SELECT issue(12);
-- Inserting chosen properties.
SELECT anon(try(format('INSERT INTO azure_files (blob_name, size_bytes) VALUES (%L, 12)', name_of('regress_sec_alice', 1)))) AS size_bytes;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, content_type) VALUES (%L, ''text/plain'')', name_of('regress_sec_alice', 1)))) AS content_type;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, etag) VALUES (%L, ''"0x1"'')', name_of('regress_sec_alice', 1)))) AS etag;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, upload_timestamp) VALUES (%L, ''2000-01-01'')', name_of('regress_sec_alice', 1)))) AS upload_timestamp;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, upload_timestamp) VALUES (%L, now())', name_of('regress_sec_alice', 1)))) AS upload_timestamp_now;
SELECT anon(try(format('INSERT INTO azure_files (id, blob_name) VALUES (1000, %L)', name_of('regress_sec_alice', 1)))) AS id;
SELECT anon(try(format('INSERT INTO azure_files (blob_name) VALUES (%L) ON CONFLICT (blob_name) DO UPDATE SET size_bytes = 1', name_of('regress_sec_alice', 1)))) AS upsert;
-- NULL properties are what a plain registration has.
SELECT anon(try(format('INSERT INTO azure_files (blob_name, size_bytes, content_type, etag) VALUES (%L, NULL, NULL, NULL)', name_of('regress_sec_alice', 1)))) AS nulls;
SELECT anon(try(format('SELECT azure_save_metadata(%L)', name_of('regress_sec_alice', 2)))) AS save_metadata;
-- Changing them afterwards.
SELECT try('UPDATE azure_files SET size_bytes = 12') AS update_size;
SELECT try('UPDATE azure_files SET content_type = ''text/plain''') AS update_type;
SELECT try('UPDATE azure_files SET etag = ''"0x1"''') AS update_etag;
SELECT try('UPDATE azure_files SET upload_timestamp = ''2000-01-01''') AS update_timestamp;
SELECT try('UPDATE azure_files SET user_id = ''regress_sec_bob''') AS update_user;
SELECT anon(blob_name) AS blob_name, user_id, content_type, size_bytes, etag, upload_timestamp > now() - interval '1 hour' AS recent
  FROM azure_files ORDER BY id;

-- Finding 9: alice learns the next id and tries to take it first.
SELECT nextval('azure_files_id_seq') AS seen \gset
SELECT anon(try(format('INSERT INTO azure_files (id, blob_name) VALUES (%s, %L)', :seen + 1, name_of('regress_sec_alice', 3)))) AS squat;
RESET ROLE;
SET ROLE regress_sec_bob;
SELECT issue(2);
SELECT (azure_save_metadata(name_of('regress_sec_bob', 1))).id = :seen + 1 AS bob_got_the_next_id;
RESET ROLE;

-- halfadmin has UPDATE and INSERT (upload_timestamp) through
-- azure_blob_admin, but is only a user here: the trigger refuses.
SET ROLE regress_sec_halfadmin;
SELECT issue(3);
SELECT anon(try(format('INSERT INTO azure_files (blob_name, size_bytes) VALUES (%L, 12)', name_of('regress_sec_halfadmin', 1)))) AS half_size;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, content_type) VALUES (%L, ''text/plain'')', name_of('regress_sec_halfadmin', 1)))) AS half_type;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, upload_timestamp) VALUES (%L, ''2000-01-01'')', name_of('regress_sec_halfadmin', 1)))) AS half_timestamp;
SELECT anon(try(format('INSERT INTO azure_files (blob_name, account, container) VALUES (%L, ''default'', ''other'')', name_of('regress_sec_halfadmin', 1)))) AS half_container;
SELECT anon(try(format('INSERT INTO azure_files (blob_name) VALUES (%L)', name_of('regress_sec_halfadmin', 1)))) AS half_plain;
SELECT try('UPDATE azure_files SET size_bytes = 12') AS half_update_size;
SELECT try('UPDATE azure_files SET upload_timestamp = ''2000-01-01''') AS half_update_timestamp;
SELECT try('UPDATE azure_files SET etag = ''"0x1"''') AS half_update_etag;
SELECT try('UPDATE azure_files SET user_id = ''regress_sec_alice''') AS half_update_user;
SELECT anon(try(format('INSERT INTO azure_files (blob_name) VALUES (%L) ON CONFLICT (blob_name) DO UPDATE SET size_bytes = 7', name_of('regress_sec_halfadmin', 1)))) AS half_upsert;
-- Other users' rows stay invisible and untouched.
SELECT try('UPDATE azure_files SET size_bytes = size_bytes WHERE user_id <> current_user') AS half_update_others;
SELECT count(*) AS half_sees FROM azure_files;
SELECT try('DELETE FROM azure_files WHERE user_id <> current_user') AS half_delete_others;
RESET ROLE;

-- An admin of this database may set and correct them.
SET ROLE regress_sec_admin;
SELECT try('INSERT INTO azure_files (blob_name, size_bytes, content_type, etag, upload_timestamp) VALUES (''admin.bin'', 5, ''text/plain'', ''"0x5"'', ''2020-01-01 00:00:00+00'')') AS admin_insert;
SELECT try('UPDATE azure_files SET size_bytes = 6, content_type = ''image/png'', etag = ''"0x6"'', upload_timestamp = ''2021-01-01 00:00:00+00'' WHERE blob_name = ''admin.bin''') AS admin_update;
SELECT try(format('UPDATE azure_files SET size_bytes = 99 WHERE blob_name = %L', name_of('regress_sec_alice', 2))) AS admin_update_alices;
RESET ROLE;
SELECT anon(blob_name) AS blob_name, user_id, content_type, size_bytes, etag,
       CASE WHEN upload_timestamp > now() - interval '1 hour' THEN 'recent' ELSE upload_timestamp::text END AS upload_timestamp
  FROM azure_files ORDER BY id;

\c azb_security
DROP DATABASE azb_sec_metadata;
DROP ROLE regress_sec_alice, regress_sec_bob, regress_sec_admin, regress_sec_halfadmin;
