-- Upgrades to the current version from each released one (1.0 and 1.1):
-- install the old version in a database of its own and fill it (accounts,
-- files, queued deletions, an upload name issued before the update), run
-- ALTER EXTENSION ... UPDATE, and compare every object of the extension with
-- a fresh install (azure_blob--<current>.sql) in another database: functions
-- (signature, arguments and defaults, result, body, security, settings,
-- privileges), relations with their privileges and view definitions, columns
-- with their privileges, indexes, constraints, policies, triggers, comments,
-- extension membership, dumped tables.  The data and the old upload name
-- must survive.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS azb_upgrade_old;
DROP DATABASE IF EXISTS azb_upgrade_11;
DROP DATABASE IF EXISTS azb_upgrade_new;
DROP ROLE IF EXISTS regress_upg_user, regress_upg_admin;
RESET client_min_messages;
CREATE ROLE regress_upg_user LOGIN;
CREATE ROLE regress_upg_admin LOGIN;
GRANT azure_blob_user TO regress_upg_user;
GRANT azure_blob_admin TO regress_upg_admin;
CREATE DATABASE azb_upgrade_old;
CREATE DATABASE azb_upgrade_11;
CREATE DATABASE azb_upgrade_new;

-- The catalog description both databases are compared by, one line per fact.
\set describe 'SELECT line FROM ( SELECT pg_catalog.format(''function %s args=(%s) returns %s lang=%s secdef=%s config=%s volatile=%s parallel=%s strict=%s leakproof=%s cost=%s rows=%s acl=%s owner_is_extension_owner=%s body=%s'', p.oid::regprocedure, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), l.lanname, p.prosecdef, p.proconfig, p.provolatile, p.proparallel, p.proisstrict, p.proleakproof, p.procost, p.prorows, p.proacl, p.proowner = e.extowner, md5(coalesce(p.prosrc, '''') || coalesce(pg_get_function_sqlbody(p.oid), ''''))) AS line FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang JOIN pg_depend d ON d.classid = ''pg_proc''::regclass AND d.objid = p.oid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''relation %s kind=%s owner_is_extension_owner=%s acl=%s rls=%s force_rls=%s view=%s'', c.oid::regclass, c.relkind, c.relowner = e.extowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity, CASE WHEN c.relkind = ''v'' THEN pg_get_viewdef(c.oid) END) FROM pg_class c JOIN pg_depend d ON d.classid = ''pg_class''::regclass AND d.objid = c.oid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''column %s.%s %s collation=%s notnull=%s default=%s acl=%s'', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), nullif(a.attcollation, 0)::regcollation, a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attacl) FROM pg_attribute a JOIN pg_depend d ON d.classid = ''pg_class''::regclass AND d.objid = a.attrelid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped UNION ALL SELECT pg_catalog.format(''index %s'', pg_get_indexdef(i.indexrelid)) FROM pg_index i JOIN pg_depend d ON d.classid = ''pg_class''::regclass AND d.objid = i.indrelid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''constraint %s on %s: %s'', co.conname, co.conrelid::regclass, pg_get_constraintdef(co.oid)) FROM pg_constraint co JOIN pg_depend d ON d.classid = ''pg_class''::regclass AND d.objid = co.conrelid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''policy %s on %s cmd=%s permissive=%s roles=%s using=%s check=%s'', p.polname, p.polrelid::regclass, p.polcmd, p.polpermissive, p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) FROM pg_policy p UNION ALL SELECT pg_catalog.format(''trigger %s enabled=%s'', pg_get_triggerdef(t.oid), t.tgenabled) FROM pg_trigger t WHERE NOT t.tgisinternal UNION ALL SELECT pg_catalog.format(''member %s'', pg_describe_object(d.classid, d.objid, d.objsubid)) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' WHERE d.deptype = ''e'' UNION ALL SELECT pg_catalog.format(''comment on %s: %s'', pg_describe_object(ds.classoid, ds.objoid, ds.objsubid), ds.description) FROM pg_description ds JOIN pg_depend d ON d.classid = ds.classoid AND d.objid = ds.objoid AND d.deptype = ''e'' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''schema %s acl=%s'', n.nspname, n.nspacl) FROM pg_namespace n WHERE n.nspname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''dumped %s condition=%s'', x.c::regclass, x.cond) FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(c, cond) WHERE e.extname = ''azure_blob'' UNION ALL SELECT pg_catalog.format(''version %s'', extversion) FROM pg_extension WHERE extname = ''azure_blob'' ) s ORDER BY line'

-- Fresh install of the current version.
\c azb_upgrade_new
CREATE EXTENSION azure_blob;
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';
SELECT string_agg(line, E'\n' ORDER BY line) AS fresh FROM (:describe) f \gset

-- 1.0, as users installed it, with data.  The library is already the new
-- one, as after a package upgrade; it serves 1.0's SQL with 1.0's rights
-- until ALTER EXTENSION UPDATE.
\c azb_upgrade_old
CREATE EXTENSION azure_blob VERSION '1.0';
CREATE EXTENSION pgcrypto;
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SET azure_blob.allow_http = on;
SET azure_blob.verify_uploads = off;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
SELECT azure_account_add('second', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1', 'other');
INSERT INTO azure_files (blob_name, user_id) VALUES ('upg/a.txt', 'regress_upg_user'), ('upg/b.txt', 'regress_upg_user');
INSERT INTO azure_files (blob_name, user_id, container, account) VALUES ('upg/c.txt', 'someone', 'other', 'second');
DELETE FROM azure_files WHERE blob_name = 'upg/b.txt';
-- 1.0's members keep 1.0's rights until the update.
SET ROLE regress_upg_admin;
SELECT count(*) AS admin_sees_before_update FROM azure_files;
RESET ROLE;
-- An upload name in 1.0's layout (uuid version 4: 8 random bytes, then 8
-- bytes of HMAC-SHA256 under the database's upload secret of label, user id
-- length, user id, random bytes and file name), computed here with pgcrypto
-- from that definition; it is registered only after the upgrade.
WITH p AS (
	SELECT 'regress_upg_user'::text AS u, 'before-upgrade.txt'::text AS f,
	       set_byte('\x0102030405060708'::bytea, 6, (get_byte('\x0102030405060708'::bytea, 6) & 15) | 64) AS r,
	       (SELECT secret FROM azure_blob.upload_secret) AS k),
m AS (
	SELECT f, r, hmac(convert_to('azure_blob upload name v1', 'UTF8') || '\x00'::bytea
	                  || int4send(octet_length(convert_to(u, 'UTF8'))) || convert_to(u, 'UTF8') || r
	                  || convert_to(f, 'UTF8'), k, 'sha256') AS mac FROM p)
SELECT regexp_replace(encode(r || set_byte(substr(mac, 1, 8), 0, (get_byte(mac, 0) & 63) | 128), 'hex'),
                      '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\1-\2-\3-\4-\5') || '-' || f AS old_name
  FROM m \gset
-- (The secret is random, so the name differs per run: show its shape.)
SELECT :'old_name' ~ '^01020304-0506-4708-[89ab][0-9a-f]{3}-[0-9a-f]{12}-before-upgrade[.]txt$' AS old_name_has_1_0_shape;
SELECT count(*) AS accounts, (SELECT count(*) FROM azure_files) AS files,
       (SELECT count(*) FROM azure_blob.deletion_queue) AS queued,
       (SELECT md5(secret) FROM azure_blob.upload_secret) AS secret_md5
  FROM azure_blob.accounts \gset before_
SELECT :before_accounts AS accounts, :before_files AS files, :before_queued AS queued;

-- The update.  It warns about every member of the cluster roles (with the
-- azure_grant() call that keeps its rights); which roles exist depends on the
-- cluster this suite runs in, so the warnings are not shown here.
SET client_min_messages = error;
ALTER EXTENSION azure_blob UPDATE;
RESET client_min_messages;
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';

-- The same objects as the fresh install, both ways.  No rows means equal.
SELECT string_agg(line, E'\n' ORDER BY line) AS upgraded FROM (:describe) u \gset
SELECT 'only in fresh install' AS where_, l FROM regexp_split_to_table(:'fresh', E'\n') l
EXCEPT SELECT 'only in fresh install', l FROM regexp_split_to_table(:'upgraded', E'\n') l
UNION ALL
(SELECT 'only after update', l FROM regexp_split_to_table(:'upgraded', E'\n') l
 EXCEPT SELECT 'only after update', l FROM regexp_split_to_table(:'fresh', E'\n') l)
ORDER BY 1, 2;
SELECT count(*) > 100 AS described_enough FROM regexp_split_to_table(:'upgraded', E'\n');

-- The data survived.
SELECT count(*) = :before_accounts AS accounts_kept, (SELECT count(*) FROM azure_files) = :before_files AS files_kept,
       (SELECT count(*) FROM azure_blob.deletion_queue) = :before_queued AS queue_kept
  FROM azure_blob.accounts;
SELECT blob_name, user_id, account, container FROM azure_files ORDER BY blob_name;
SELECT account, container, blob_name FROM azure_blob.deletion_queue ORDER BY blob_name;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'second') LIKE 'http://127.0.0.1:10100/devstoreaccount1/other/k.txt?%' AS second_signs;

-- After the update, cluster membership alone gives nothing here ...
SET ROLE regress_upg_admin;
SELECT count(*) AS admin_sees_without_grant FROM azure_files;
SELECT public.try($$SELECT azure_container_sas_url('racwdl', '9999-12-31')$$) AS admin_signs_without_grant;
RESET ROLE;
SET ROLE regress_upg_user;
BEGIN;
SET LOCAL azure_blob.user_id = 'regress_upg_user';
SELECT public.try(format('SELECT azure_save_metadata(%L)', :'old_name')) AS user_registers_without_grant;
ROLLBACK;
RESET ROLE;
-- ... until a grant names the role; then the name issued before the upgrade registers.
SELECT azure_grant('regress_upg_user', 'user'), azure_grant('regress_upg_admin', 'admin');
SET ROLE regress_upg_user;
BEGIN;
SET LOCAL azure_blob.user_id = 'regress_upg_user';
SELECT blob_name = :'old_name' AS old_name_registered, user_id FROM azure_save_metadata(:'old_name');
COMMIT;
RESET ROLE;
SET ROLE regress_upg_admin;
SELECT count(*) AS admin_sees_with_grant FROM azure_files;
RESET ROLE;

-- 1.1, as users installed it, with data: its rights (azure_grant), a
-- sealed upload secret, and an upload name that 1.1 issued to the user.
\c azb_upgrade_11
CREATE EXTENSION azure_blob VERSION '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';
CREATE FUNCTION public.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SET azure_blob.allow_http = on;
SET azure_blob.verify_uploads = off;
SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
-- No default container: reconcile's error for it changes text in 1.2 (below).
SELECT azure_account_add('second', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1');
SELECT azure_grant('regress_upg_user', 'user'), azure_grant('regress_upg_admin', 'admin');
INSERT INTO azure_files (blob_name, user_id) VALUES ('upg/a.txt', 'regress_upg_user'), ('upg/b.txt', 'regress_upg_user');
INSERT INTO azure_files (blob_name, user_id, container, account) VALUES ('upg/c.txt', 'someone', 'other', 'second');
DELETE FROM azure_files WHERE blob_name = 'upg/b.txt';
SET ROLE regress_upg_user;
BEGIN;
SET LOCAL azure_blob.user_id = 'regress_upg_user';
SELECT blob_name AS old_name FROM azure_generate_upload_sas('before-update.txt', 'text/plain') \gset
COMMIT;
RESET ROLE;
SELECT :'old_name' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-before-update[.]txt$' AS old_name_issued;
-- 1.1's reconcile resolved account and container in PL/pgSQL, with texts of its own.
SELECT public.try($$SELECT * FROM azure_reconcile(account => 'second')$$) AS reconcile_no_container_1_1;
SELECT count(*) AS accounts, (SELECT count(*) FROM azure_files) AS files,
       (SELECT count(*) FROM azure_blob.deletion_queue) AS queued,
       (SELECT count(*) FROM azure_blob.grants) AS grants,
       (SELECT md5(secret) FROM azure_blob.upload_secret) AS secret_md5
  FROM azure_blob.accounts \gset before_
SELECT :before_accounts AS accounts, :before_files AS files, :before_queued AS queued, :before_grants AS grants;

-- The update from 1.1 prints nothing.
ALTER EXTENSION azure_blob UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'azure_blob';

-- The same objects as the fresh install, both ways.  No rows means equal.
SELECT string_agg(line, E'\n' ORDER BY line) AS upgraded FROM (:describe) u \gset
SELECT 'only in fresh install' AS where_, l FROM regexp_split_to_table(:'fresh', E'\n') l
EXCEPT SELECT 'only in fresh install', l FROM regexp_split_to_table(:'upgraded', E'\n') l
UNION ALL
(SELECT 'only after update', l FROM regexp_split_to_table(:'upgraded', E'\n') l
 EXCEPT SELECT 'only after update', l FROM regexp_split_to_table(:'fresh', E'\n') l)
ORDER BY 1, 2;

-- The data survived, the sealed upload secret unchanged.
SELECT count(*) = :before_accounts AS accounts_kept, (SELECT count(*) FROM azure_files) = :before_files AS files_kept,
       (SELECT count(*) FROM azure_blob.deletion_queue) = :before_queued AS queue_kept,
       (SELECT count(*) FROM azure_blob.grants) = :before_grants AS grants_kept,
       (SELECT md5(secret) FROM azure_blob.upload_secret) = :'before_secret_md5' AS secret_kept
  FROM azure_blob.accounts;
SELECT blob_name, user_id, account, container FROM azure_files ORDER BY blob_name;
SELECT account, container, blob_name FROM azure_blob.deletion_queue ORDER BY blob_name;
SELECT role, level FROM azure_grants ORDER BY role::text;
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', container => 'other', account => 'second') LIKE 'http://127.0.0.1:10100/devstoreaccount1/other/k.txt?%' AS second_signs;
-- Reconcile now fails like the signing functions (the REST functions give the same).
SELECT public.try($$SELECT * FROM azure_reconcile(account => 'second')$$) AS reconcile_no_container;
SELECT public.try($$SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01', account => 'second')$$) AS sign_no_container;
SELECT public.try($$SELECT * FROM azure_reconcile(account => 'nope')$$) AS reconcile_no_account;
-- The grants still hold: the user registers the name 1.1 issued, the admin sees every row.
SET ROLE regress_upg_user;
BEGIN;
SET LOCAL azure_blob.user_id = 'regress_upg_user';
SELECT blob_name = :'old_name' AS old_name_registered, user_id FROM azure_save_metadata(:'old_name');
COMMIT;
RESET ROLE;
SET ROLE regress_upg_admin;
SELECT count(*) AS admin_sees_with_grant FROM azure_files;
RESET ROLE;

\c contrib_regression
DROP DATABASE azb_upgrade_old;
DROP DATABASE azb_upgrade_11;
DROP DATABASE azb_upgrade_new;
DROP ROLE regress_upg_user, regress_upg_admin;
