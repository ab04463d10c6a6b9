-- Privilege matrix: every function, table, view, sequence and the schema of
-- the extension, for five roles: the extension owner (the superuser running
-- this suite), a member of azure_blob_admin, two members of azure_blob_user
-- and a role with nothing (the login roles of setup.sql).  Objects are listed
-- from pg_depend (deptype 'e'), so a new object shows up here by itself and
-- needs a call and an expected policy before this file passes again.
-- Then: routes to an account key, what users can and cannot reach of each
-- other, parameter injection into signed URLs, and search_path tricks against
-- the SECURITY DEFINER functions and the C functions.

-- Fixtures ---------------------------------------------------------------
-- Users here log in as themselves, so calls without azure_blob.user_id act
-- for current_user (identity.sql tests the default, require_user_id on).
SET azure_blob.require_user_id = off;
-- REST calls go to an endpoint where nothing listens: a call that passed the
-- privilege check ends in 08006, quickly, and never reaches a real service.
SET azure_blob.allow_http = on;
SET azure_blob.max_retries = 0;
SET azure_blob.connect_timeout_ms = 1000;
SELECT azure_account_add('dead', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1', 'uploads');
-- Queued deletions of earlier files would make azure_process_deletions call
-- the default endpoint: park them, so that it finds nothing due.
UPDATE azure_blob.deletion_queue SET next_attempt_at = 'infinity';
SELECT coalesce(max(id), 0) AS queue_max_id FROM azure_blob.deletion_queue \gset
-- A row of Alice's, for read URLs.
INSERT INTO azure_files (blob_name, user_id) VALUES ('priv/alice.txt', 'regress_azure_alice');

CREATE TABLE priv_roles (ord int PRIMARY KEY, label text NOT NULL, rolname name NOT NULL);
INSERT INTO priv_roles VALUES (1, 'owner', current_user), (2, 'admin', 'regress_azure_admin'),
  (3, 'alice', 'regress_azure_alice'), (4, 'bob', 'regress_azure_bob'), (5, 'nobody', 'regress_azure_nobody');
SELECT label, rolname = current_user AS is_owner, rolsuper,
       pg_has_role(rolname, 'azure_blob_admin', 'MEMBER') AS admin_member,
       pg_has_role(rolname, 'azure_blob_user', 'MEMBER') AS user_member
  FROM priv_roles JOIN pg_roles USING (rolname) ORDER BY ord;

-- priv_try(sql): runs sql and undoes whatever it did; 'ok' or 'SQLSTATE: message'.
-- Only schema-qualified calls and no operators: it also runs under the
-- hostile search_path of the last section.
CREATE FUNCTION public.priv_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		EXECUTE sql;
		RAISE EXCEPTION USING ERRCODE = 'P0999';  -- roll the call back
	EXCEPTION WHEN SQLSTATE 'P0999' THEN
		RETURN 'ok';
	END;
EXCEPTION WHEN OTHERS THEN
	RETURN pg_catalog.concat(SQLSTATE, ': ', SQLERRM);
END
$$;
-- priv_as(role, sql): priv_try as another role.
CREATE FUNCTION public.priv_as(role name, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	EXECUTE pg_catalog.format('SET ROLE %I', role);
	result := public.priv_try(sql);
	RESET ROLE;
	RETURN result;
END
$$;
-- priv_eval(role, sql): the text value of a one-column query as role, or the
-- whole error (message, detail, hint, context); never leaves a trace.
CREATE FUNCTION public.priv_eval(role name, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text; state text; msg text; det text; hnt text; ctx text;
BEGIN
	EXECUTE pg_catalog.format('SET ROLE %I', role);
	BEGIN
		BEGIN
			EXECUTE sql INTO result;
			RAISE EXCEPTION USING ERRCODE = 'P0999';
		EXCEPTION WHEN SQLSTATE 'P0999' THEN
			result := pg_catalog.concat('ok: ', result);
		END;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		                        hnt = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
		result := pg_catalog.concat(state, ': ', msg, ' | ', det, ' | ', hnt, ' | ', ctx);
	END;
	RESET ROLE;
	RETURN result;
END
$$;
-- The outcome of a call in a few characters: ok, a SQLSTATE, and for 42501
-- what was refused ("fn", "schema", "table", ...) or "app" for the
-- extension's own checks (files, registration, row-level security).
CREATE FUNCTION public.priv_code(result text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN result = 'ok' THEN 'ok'
		WHEN result LIKE '42501: permission denied for function %' THEN '42501 fn'
		WHEN result LIKE '42501: permission denied for schema %' THEN '42501 schema'
		WHEN result LIKE '42501: permission denied for table %' THEN '42501 table'
		WHEN result LIKE '42501: permission denied for view %' THEN '42501 view'
		WHEN result LIKE '42501: permission denied for sequence %' THEN '42501 seq'
		WHEN result LIKE '42501:%' THEN '42501 app'
		ELSE left(result, 5)
	END
$$;
-- True when the outcome is a refusal by a privilege (not by the extension's own rules).
CREATE FUNCTION public.priv_denied(result text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT public.priv_code(result) IN ('42501 fn', '42501 schema', '42501 table', '42501 view', '42501 seq')
$$;

-- Every object of the extension --------------------------------------------
CREATE TABLE priv_objects AS
SELECT CASE d.classid WHEN 'pg_proc'::regclass THEN 'function'
                      WHEN 'pg_namespace'::regclass THEN 'schema'
                      ELSE CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence'
                                          ELSE 'relkind ' || c.relkind::text END END AS kind,
       d.objid AS oid,
       CASE d.classid WHEN 'pg_proc'::regclass THEN d.objid::regprocedure::text
                      WHEN 'pg_namespace'::regclass THEN (SELECT nspname::text FROM pg_namespace WHERE oid = d.objid)
                      ELSE d.objid::regclass::text END AS name
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'azure_blob'
  LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
 WHERE d.deptype = 'e'
   -- PostgreSQL 18 also records the row type of each table and view (and its
   -- array type) as a member; they have no privileges of their own to check.
   AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_class r ON r.oid = t.typrelid
                    WHERE d.classid = 'pg_type'::regclass AND r.relkind <> 'c'
                      AND t.oid IN (d.objid, (SELECT typelem FROM pg_type WHERE oid = d.objid)));
SELECT kind, count(*) FROM priv_objects GROUP BY kind ORDER BY kind;

-- What the catalog says: EXECUTE (X), table/view privileges as in aclitem
-- (r SELECT, a INSERT, w UPDATE, d DELETE, D TRUNCATE, x REFERENCES, t TRIGGER;
-- a and w also when granted on some columns only, as for azure_files since 1.1),
-- sequences (U USAGE, r SELECT, w UPDATE), schema (U USAGE, C CREATE).
-- Objects in azure_blob also need USAGE on that schema, shown apart.
CREATE FUNCTION public.priv_letters(role name, kind text, obj oid) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT CASE kind
	WHEN 'function' THEN CASE WHEN has_function_privilege(role, obj, 'EXECUTE') THEN 'X' ELSE '-' END
	WHEN 'schema' THEN concat(CASE WHEN has_schema_privilege(role, obj, 'USAGE') THEN 'U' ELSE '-' END,
	                          CASE WHEN has_schema_privilege(role, obj, 'CREATE') THEN 'C' ELSE '-' END)
	WHEN 'sequence' THEN concat(CASE WHEN has_sequence_privilege(role, obj, 'USAGE') THEN 'U' ELSE '-' END,
	                            CASE WHEN has_sequence_privilege(role, obj, 'SELECT') THEN 'r' ELSE '-' END,
	                            CASE WHEN has_sequence_privilege(role, obj, 'UPDATE') THEN 'w' ELSE '-' END)
	ELSE concat(CASE WHEN has_table_privilege(role, obj, 'SELECT') THEN 'r' ELSE '-' END,
	            CASE WHEN has_any_column_privilege(role, obj, 'INSERT') THEN 'a' ELSE '-' END,
	            CASE WHEN has_any_column_privilege(role, obj, 'UPDATE') THEN 'w' ELSE '-' END,
	            CASE WHEN has_table_privilege(role, obj, 'DELETE') THEN 'd' ELSE '-' END,
	            CASE WHEN has_table_privilege(role, obj, 'TRUNCATE') THEN 'D' ELSE '-' END,
	            CASE WHEN has_table_privilege(role, obj, 'REFERENCES') THEN 'x' ELSE '-' END,
	            CASE WHEN has_table_privilege(role, obj, 'TRIGGER') THEN 't' ELSE '-' END)
	END
$$;
CREATE TABLE priv_catalog AS
SELECT o.kind, o.name, r.label, public.priv_letters(r.rolname, o.kind, o.oid) AS letters
  FROM priv_objects o CROSS JOIN priv_roles r;
SELECT kind, name,
       max(letters) FILTER (WHERE label = 'owner') AS owner,
       max(letters) FILTER (WHERE label = 'admin') AS admin,
       max(letters) FILTER (WHERE label = 'alice') AS alice,
       max(letters) FILTER (WHERE label = 'bob') AS bob,
       max(letters) FILTER (WHERE label = 'nobody') AS nobody
  FROM priv_catalog GROUP BY kind, name ORDER BY kind, name;
-- Nothing for PUBLIC on any of them.
SELECT o.kind, o.name FROM priv_objects o
 WHERE public.priv_letters('public', o.kind, o.oid) !~ '^-+$' ORDER BY 1, 2;

-- The intended policy, written out independently of the grants.  Both ways:
-- every object has a policy row, every policy row is an object, and every
-- letter for every role agrees with the catalog.  No rows below means yes.
CREATE TABLE priv_policy (kind text, name text, owner text, admin text, alice text, bob text, nobody text);
INSERT INTO priv_policy VALUES
  ('function', 'azure_account_add(text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_account_add_from_env(text,text,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_account_remove(text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob.accounts_changed()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.queue_deletion()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.blob_delete(text,text,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.blob_list(text,text,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.deletion_check(text,text,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.file_rows()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.find_registration(text,text,text,text,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.seal_secrets()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.upload_secret_replace()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.file_lookup(text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.insert_file(text,text,text,bigint,text)', 'X', '-', '-', '-', '-'),
  ('function', 'azure_blob.has_admin_right()', 'X', 'X', 'X', 'X', '-'),
  ('function', 'azure_blob.require_admin()', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob.process_deletions(integer)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob.reconcile(text,text,boolean,interval)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob.resolve_target(text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_grant(regrole,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_revoke(regrole)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_delete(text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_get(text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_list(text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_properties(text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_put(text,bytea,text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_blob_sas_url(text,text,timestamp with time zone,timestamp with time zone,text,text,text,text,text,text,text,text,text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_container_create(text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_container_sas_url(text,timestamp with time zone,timestamp with time zone,text,text,text,text,text,text,text,text,text,text,text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_current_user_id()', 'X', 'X', 'X', 'X', '-'),
  ('function', 'azure_files_check()', 'X', '-', '-', '-', '-'),
  ('function', 'azure_generate_read_sas(text,interval)', 'X', 'X', 'X', 'X', '-'),
  ('function', 'azure_generate_upload_sas(text,text,interval)', 'X', 'X', 'X', 'X', '-'),
  ('function', 'azure_get_cors(text)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_process_deletions(integer)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_reconcile(text,text,boolean,interval)', 'X', 'X', '-', '-', '-'),
  ('function', 'azure_save_metadata(text,text)', 'X', 'X', 'X', 'X', '-'),
  ('function', 'azure_set_cors(text[],text[],text[],text[],integer,text)', 'X', 'X', '-', '-', '-'),
  ('schema', 'azure_blob', 'UC', '--', '--', '--', '--'),
  ('table', 'azure_blob.accounts', 'rawdDxt', '-------', '-------', '-------', '-------'),
  ('table', 'azure_blob.upload_secret', 'rawdDxt', '-------', '-------', '-------', '-------'),
  ('table', 'azure_blob.deletion_queue', 'rawdDxt', '-------', '-------', '-------', '-------'),
  ('table', 'azure_blob.grants', 'rawdDxt', '-------', '-------', '-------', '-------'),
  ('table', 'azure_files', 'rawdDxt', 'rawd---', 'ra-d---', 'ra-d---', '-------'),
  ('sequence', 'azure_blob.deletion_queue_id_seq', 'Urw', '---', '---', '---', '---'),
  ('sequence', 'azure_files_id_seq', 'Urw', 'U--', 'U--', 'U--', '---'),
  ('view', 'azure_accounts', 'rawdDxt', 'r------', '-------', '-------', '-------'),
  ('view', 'azure_grants', 'rawdDxt', 'r------', '-------', '-------', '-------'),
  ('view', 'azure_pending_deletions', 'rawdDxt', 'r------', '-------', '-------', '-------');
SELECT 'object without policy' AS problem, o.kind, o.name FROM priv_objects o
 WHERE NOT EXISTS (SELECT FROM priv_policy p WHERE p.kind = o.kind AND p.name = o.name)
UNION ALL
SELECT 'policy without object', p.kind, p.name FROM priv_policy p
 WHERE NOT EXISTS (SELECT FROM priv_objects o WHERE p.kind = o.kind AND p.name = o.name)
UNION ALL
SELECT 'catalog differs for ' || c.label || ': ' || c.letters, c.kind, c.name
  FROM priv_catalog c JOIN priv_policy p USING (kind, name)
 WHERE c.letters IS DISTINCT FROM CASE c.label WHEN 'owner' THEN p.owner WHEN 'admin' THEN p.admin
                                               WHEN 'alice' THEN p.alice WHEN 'bob' THEN p.bob ELSE p.nobody END
ORDER BY 1, 2, 3;
-- TOAST tables of the extension's tables: no role but the owner may read them
-- (nor USAGE on pg_toast), so out-of-line values are as closed as the table.
SELECT o.name AS toast_of, r.label, has_table_privilege(r.rolname, c.reltoastrelid, 'SELECT') AS can_select,
       has_schema_privilege(r.rolname, 'pg_toast', 'USAGE') AS pg_toast_usage
  FROM priv_objects o JOIN pg_class c ON c.oid = o.oid AND c.reltoastrelid <> 0 CROSS JOIN priv_roles r
 ORDER BY 1, r.ord;

-- Every function, called as every role ---------------------------------------
-- One call per function (side effects rolled back).  A function without a
-- call here is listed below, so a new one cannot be forgotten.
CREATE TABLE priv_calls (name text PRIMARY KEY, sql text NOT NULL);
INSERT INTO priv_calls VALUES
  ('azure_account_add(text,text,text)', $$SELECT azure_account_add('priv_tmp', 'UseDevelopmentStorage=true')$$),
  ('azure_account_add_from_env(text,text,text)', $$SELECT azure_account_add_from_env('priv_tmp', 'AZURE_BLOB_PRIV_SURELY_UNSET')$$),
  ('azure_account_remove(text)', $$SELECT azure_account_remove('prod')$$),
  ('azure_blob.accounts_changed()', $$SELECT azure_blob.accounts_changed()$$),
  ('azure_blob.queue_deletion()', $$SELECT azure_blob.queue_deletion()$$),
  ('azure_blob.blob_delete(text,text,text)', $$SELECT azure_blob.blob_delete('a.txt', 'uploads', 'dead')$$),
  ('azure_blob.blob_list(text,text,text)', $$SELECT count(*) FROM azure_blob.blob_list('', 'uploads', 'dead')$$),
  ('azure_blob.deletion_check(text,text,text)', $$SELECT azure_blob.deletion_check('dead', 'uploads', 'a.txt')$$),
  ('azure_blob.file_rows()', $$SELECT count(*) FROM azure_blob.file_rows()$$),
  ('azure_blob.seal_secrets()', $$SELECT azure_blob.seal_secrets()$$),
  ('azure_blob.upload_secret_replace()', $$SELECT azure_blob.upload_secret_replace()$$),
  ('azure_blob.file_lookup(text)', $$SELECT azure_blob.file_lookup('priv/alice.txt')$$),
  ('azure_blob.find_registration(text,text,text,text,text)', $$SELECT (azure_blob.find_registration('priv/alice.txt', 'regress_azure_alice', 'prod', 'uploads', NULL)).blob_name$$),
  ('azure_blob.insert_file(text,text,text,bigint,text)', $$SELECT azure_blob.insert_file('priv/owner-insert.txt', NULL, NULL, NULL, NULL)$$),
  ('azure_blob.has_admin_right()', $$SELECT azure_blob.has_admin_right()$$),
  ('azure_blob.require_admin()', $$SELECT azure_blob.require_admin()$$),
  ('azure_blob.process_deletions(integer)', $$SELECT azure_blob.process_deletions(1)$$),
  ('azure_blob.reconcile(text,text,boolean,interval)', $$SELECT * FROM azure_blob.reconcile(NULL, 'dead', false, NULL)$$),
  ('azure_blob.resolve_target(text,text)', $$SELECT * FROM azure_blob.resolve_target('dead', NULL)$$),
  ('azure_grant(regrole,text)', $$SELECT azure_grant('regress_azure_nobody', 'user')$$),
  ('azure_revoke(regrole)', $$SELECT azure_revoke('regress_azure_bob')$$),
  ('azure_blob_delete(text,text,text)', $$SELECT azure_blob_delete('a.txt', account => 'dead')$$),
  ('azure_blob_get(text,text,text)', $$SELECT azure_blob_get('a.txt', account => 'dead')$$),
  ('azure_blob_list(text,text,text)', $$SELECT count(*) FROM azure_blob_list('', account => 'dead')$$),
  ('azure_blob_properties(text,text,text)', $$SELECT * FROM azure_blob_properties('a.txt', account => 'dead')$$),
  ('azure_blob_put(text,bytea,text,text,text)', $$SELECT azure_blob_put('a.txt', '\x00', account => 'dead')$$),
  ('azure_blob_sas_url(text,text,timestamp with time zone,timestamp with time zone,text,text,text,text,text,text,text,text,text,text,text)',
   $$SELECT azure_blob_sas_url('a.txt', 'rw', '2030-01-01 00:00:00+00')$$),
  ('azure_container_create(text,text)', $$SELECT azure_container_create('uploads', 'dead')$$),
  ('azure_container_sas_url(text,timestamp with time zone,timestamp with time zone,text,text,text,text,text,text,text,text,text,text,text)',
   $$SELECT azure_container_sas_url('rl', '2030-01-01 00:00:00+00')$$),
  ('azure_current_user_id()', $$SELECT azure_current_user_id()$$),
  ('azure_files_check()', $$SELECT azure_files_check()$$),
  ('azure_generate_read_sas(text,interval)', $$SELECT azure_generate_read_sas('priv/alice.txt')$$),
  ('azure_generate_upload_sas(text,text,interval)', $$SELECT * FROM azure_generate_upload_sas('p.txt', 'text/plain')$$),
  ('azure_get_cors(text)', $$SELECT * FROM azure_get_cors('dead')$$),
  ('azure_process_deletions(integer)', $$SELECT azure_process_deletions(1)$$),
  ('azure_reconcile(text,text,boolean,interval)', $$SELECT * FROM azure_reconcile(account => 'dead')$$),
  ('azure_save_metadata(text,text)', $$SELECT azure_save_metadata((SELECT blob_name FROM priv_names WHERE rolname = current_user))$$),
  ('azure_set_cors(text[],text[],text[],text[],integer,text)', $$SELECT azure_set_cors('{https://app.example.com}', '{PUT}', account => 'dead')$$);
-- Upload names issued to each role (as the owner, acting for that user id), for azure_save_metadata.
CREATE TABLE priv_names (rolname name, blob_name text);
GRANT SELECT ON priv_names TO PUBLIC;
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT rolname FROM priv_roles LOOP
		PERFORM set_config('azure_blob.user_id', r.rolname, true);
		INSERT INTO priv_names SELECT r.rolname, u.blob_name FROM azure_generate_upload_sas('s.txt', 'text/plain') u;
	END LOOP;
	PERFORM set_config('azure_blob.user_id', '', true);
END
$$;
SELECT o.name AS function_without_call FROM priv_objects o
 WHERE o.kind = 'function' AND NOT EXISTS (SELECT FROM priv_calls c WHERE c.name = o.name);
CREATE TABLE priv_call_results AS
SELECT c.name, r.ord, r.label, r.rolname, public.priv_as(r.rolname, c.sql) AS result
  FROM priv_calls c CROSS JOIN priv_roles r;
-- Each cell: the catalog's EXECUTE (X or -) and the call's outcome.
SELECT split_part(name, '(', 1) AS function,
       max(cell) FILTER (WHERE label = 'owner') AS owner,
       max(cell) FILTER (WHERE label = 'admin') AS admin,
       max(cell) FILTER (WHERE label = 'alice') AS alice,
       max(cell) FILTER (WHERE label = 'bob') AS bob,
       max(cell) FILTER (WHERE label = 'nobody') AS nobody
  FROM (SELECT cr.name, cr.label,
               CASE WHEN has_function_privilege(cr.rolname, cr.name::regprocedure, 'EXECUTE') THEN 'X ' ELSE '- ' END
               || public.priv_code(cr.result) AS cell
          FROM priv_call_results cr) s
 GROUP BY name ORDER BY 1;
-- The calls agree with the catalog: refused by a privilege exactly where the
-- catalog says no (schema USAGE included).  No rows means they agree.
SELECT cr.name, cr.label, cr.result
  FROM priv_call_results cr
 WHERE public.priv_denied(cr.result) = (has_function_privilege(cr.rolname, cr.name::regprocedure, 'EXECUTE')
                                       AND has_schema_privilege(cr.rolname, (SELECT pronamespace FROM pg_proc WHERE oid = cr.name::regprocedure), 'USAGE'));
-- Every outcome that is not plain "ok", in full.
SELECT split_part(name, '(', 1) AS function, label, result
  FROM priv_call_results WHERE result <> 'ok' ORDER BY 1, ord;

-- Every table, view, sequence and the schema, used by every role -------------
CREATE TABLE priv_ops AS
SELECT o.kind, o.name, op.op, op.sql, op.privilege
  FROM priv_objects o
  CROSS JOIN LATERAL (
	SELECT * FROM (VALUES
		('select', format('SELECT count(*) FROM %s', o.name), 'SELECT'),
		('insert', format('INSERT INTO %s DEFAULT VALUES', o.name), 'INSERT'),
		('update', format('UPDATE %s SET %2$I = %2$I WHERE false', o.name,
		                  coalesce((SELECT attname FROM pg_attribute WHERE attrelid = o.oid AND attnum = 1), '-')), 'UPDATE'),
		('delete', format('DELETE FROM %s WHERE false', o.name), 'DELETE'),
		('truncate', format('TRUNCATE %s', o.name), 'TRUNCATE')) t(op, sql, privilege)
	 WHERE o.kind = 'table' OR (o.kind = 'view' AND t.op <> 'truncate')
	UNION ALL
	SELECT * FROM (VALUES
		('select', format('SELECT last_value FROM %s', o.name), 'SELECT'),
		('nextval', format('SELECT nextval(%L)', o.name), 'USAGE')) t(op, sql, privilege)
	 WHERE o.kind = 'sequence'
	UNION ALL
	SELECT 'create', format('CREATE TABLE %I.priv_probe ()', o.name), 'CREATE' WHERE o.kind = 'schema'
  ) op
 WHERE o.kind <> 'function';
CREATE TABLE priv_op_results AS
SELECT p.kind, p.name, p.op, p.privilege, r.ord, r.label, r.rolname, public.priv_as(r.rolname, p.sql) AS result
  FROM priv_ops p CROSS JOIN priv_roles r;
SELECT kind, name, op,
       max(code) FILTER (WHERE label = 'owner') AS owner,
       max(code) FILTER (WHERE label = 'admin') AS admin,
       max(code) FILTER (WHERE label = 'alice') AS alice,
       max(code) FILTER (WHERE label = 'bob') AS bob,
       max(code) FILTER (WHERE label = 'nobody') AS nobody
  FROM (SELECT *, public.priv_code(result) AS code FROM priv_op_results) s
 GROUP BY kind, name, op ORDER BY kind, name, op;
-- Refused by a privilege exactly where the catalog says no.  No rows means they agree.
SELECT r.kind, r.name, r.op, r.label, r.result
  FROM priv_op_results r JOIN priv_objects o USING (kind, name)
 WHERE public.priv_denied(r.result) = CASE
	WHEN r.kind = 'schema' THEN has_schema_privilege(r.rolname, o.oid, r.privilege)
	WHEN r.kind = 'sequence' AND r.op = 'nextval' THEN has_schema_privilege(r.rolname, (SELECT relnamespace FROM pg_class WHERE oid = o.oid), 'USAGE')
	     AND (has_sequence_privilege(r.rolname, o.oid, 'USAGE') OR has_sequence_privilege(r.rolname, o.oid, 'UPDATE'))
	WHEN r.kind = 'sequence' THEN has_schema_privilege(r.rolname, (SELECT relnamespace FROM pg_class WHERE oid = o.oid), 'USAGE')
	     AND has_sequence_privilege(r.rolname, o.oid, r.privilege)
	-- INSERT DEFAULT VALUES needs INSERT on some column; the UPDATE sets the first column.
	WHEN r.op = 'insert' THEN has_schema_privilege(r.rolname, (SELECT relnamespace FROM pg_class WHERE oid = o.oid), 'USAGE')
	     AND has_any_column_privilege(r.rolname, o.oid, r.privilege)
	WHEN r.op = 'update' THEN has_schema_privilege(r.rolname, (SELECT relnamespace FROM pg_class WHERE oid = o.oid), 'USAGE')
	     AND has_column_privilege(r.rolname, o.oid, (SELECT attname FROM pg_attribute WHERE attrelid = o.oid AND attnum = 1), r.privilege)
	ELSE has_schema_privilege(r.rolname, (SELECT relnamespace FROM pg_class WHERE oid = o.oid), 'USAGE')
	     AND has_table_privilege(r.rolname, o.oid, r.privilege) END;
-- Outcomes other than ok or a privilege refusal, in full.
SELECT kind, name, op, label, result FROM priv_op_results
 WHERE result <> 'ok' AND NOT public.priv_denied(result) ORDER BY kind, name, op, ord;

-- No role but the owner learns an account key ---------------------------------
-- A key that occurs nowhere else: 64 bytes of SHA-512.
SELECT encode(sha512('azure_blob privileges.sql key'), 'base64') AS k,
       encode(sha512('azure_blob privileges.sql key'), 'hex') AS h \gset
SELECT replace(:'k', E'\n', '') AS k \gset
SELECT azure_account_add('secret', format('AccountName=secretacct;AccountKey=%s;BlobEndpoint=http://127.0.0.1:1/secretacct', :'k'), 'vault');
-- A second distinct key, so that ANALYZE keeps a histogram of keys (which
-- only the owner may read) and the pg_stats route has something to find.
SELECT azure_account_add('secret2', format('AccountName=secretacct;AccountKey=%s;BlobEndpoint=http://127.0.0.1:1/secretacct',
                                           replace(encode(sha512('azure_blob privileges.sql key 2'), 'base64'), E'\n', '')));
ANALYZE azure_blob.accounts;
-- priv_leak(text): does text hold the key, as Base64 (or its first 16
-- characters) or as hex, in either case?
CREATE FUNCTION public.priv_leak(t text, k text, h text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN t IS NULL THEN 'no key (null)'
	            WHEN strpos(t, left(k, 16)) > 0 OR strpos(lower(t), lower(left(k, 16))) > 0
	              OR strpos(lower(t), h) > 0 THEN 'KEY LEAKED'
	            ELSE 'no key' END
$$;
CREATE TABLE priv_routes (ord serial, route text, sql text);
INSERT INTO priv_routes (route, sql) VALUES
  ('table azure_blob.accounts', $$SELECT string_agg(account_key, ',') FROM azure_blob.accounts$$),
  ('table, whole rows', $$SELECT string_agg(a::text, ',') FROM azure_blob.accounts a$$),
  ('upload secret', $$SELECT string_agg(encode(secret, 'hex'), ',') FROM azure_blob.upload_secret$$),
  ('view azure_accounts', $$SELECT string_agg(a::text, ',') FROM azure_accounts a$$),
  ('view, a key column', $$SELECT string_agg(account_key, ',') FROM azure_accounts$$),
  ('view azure_pending_deletions', $$SELECT string_agg(p::text, ',') FROM azure_pending_deletions p$$),
  ('pg_stats of azure_blob.*', $$SELECT string_agg(s::text, ',') FROM pg_stats s WHERE schemaname = 'azure_blob'$$),
  ('pg_statistic', $$SELECT string_agg(s::text, ',') FROM pg_statistic s WHERE starelid = 'azure_blob.accounts'::regclass$$),
  ('blob SAS of the account', $$SELECT azure_blob_sas_url('a.txt', 'racwd', '2030-01-01 00:00:00+00', account => 'secret')$$),
  ('container SAS of the account', $$SELECT azure_container_sas_url('racwdl', '2030-01-01 00:00:00+00', account => 'secret')$$),
  ('read URL, admin row in the account', $$SELECT azure_generate_read_sas('priv/secret.txt')$$),
  ('upload URL', $$SELECT u::text FROM azure_generate_upload_sas('p.txt', 'text/plain') u$$),
  ('error: bad SAS input', $$SELECT azure_blob_sas_url('a.txt', 'rq', '2030-01-01', account => 'secret')$$),
  ('error: REST call fails', $$SELECT azure_blob_get('a.txt', account => 'secret')$$),
  ('error: duplicate account', $$SELECT azure_account_add('secret', 'UseDevelopmentStorage=true')$$),
  ('error in a nested statement', $$SELECT * FROM azure_reconcile(account => 'secret')$$),
  ('EXPLAIN VERBOSE blob SAS', $$EXPLAIN (VERBOSE, COSTS OFF) SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', account => 'secret')$$),
  ('EXPLAIN ANALYZE VERBOSE blob SAS', $$EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', account => 'secret') FROM generate_series(1, 3)$$),
  ('EXPLAIN VERBOSE upload SAS', $$EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM azure_generate_upload_sas('p.txt', 'text/plain')$$),
  ('EXPLAIN VERBOSE read SAS', $$EXPLAIN (VERBOSE, COSTS OFF) SELECT azure_generate_read_sas(blob_name) FROM azure_files$$),
  ('current_setting of every azure_blob.*', $$SELECT string_agg(name || '=' || setting, ',') FROM pg_settings WHERE name LIKE 'azure_blob.%'$$),
  -- Positive control: a statement that returns the key itself.
  ('control: the key as a literal', format('SELECT %L::text', :'k'));
INSERT INTO azure_files (blob_name, account, container, user_id) VALUES ('priv/secret.txt', 'secret', 'vault', 'regress_azure_alice');
-- EXPLAIN returns many rows: priv_eval takes the first; collect them all instead.
CREATE FUNCTION public.priv_explain(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text; result text := '';
BEGIN
	FOR line IN EXECUTE sql LOOP
		result := result || line || E'\n';
	END LOOP;
	RETURN result;
END
$$;
UPDATE priv_routes SET sql = format('SELECT public.priv_explain(%L)', sql) WHERE route LIKE 'EXPLAIN%';
CREATE TABLE priv_route_results AS
SELECT p.ord, p.route, r.ord AS role_ord, r.label, public.priv_eval(r.rolname, p.sql) AS result
  FROM priv_routes p CROSS JOIN priv_roles r;
-- For each route and role: outcome, and whether the key is in it (result,
-- message, detail, hint, context).  Keys are sealed at rest, so not even the
-- owner finds one in the table or its statistics; the control route, which
-- returns the key itself, shows KEY LEAKED for every role: that proves the
-- check would see a key.
SELECT route, label,
       CASE WHEN result LIKE 'ok: %' THEN 'ok' ELSE public.priv_code(split_part(result, ' | ', 1)) END AS outcome,
       public.priv_leak(result, :'k', :'h') AS key,
       CASE WHEN result ~ '[?&]sig=' THEN 'has sig' ELSE '' END AS sig
  FROM priv_route_results ORDER BY ord, role_ord;
-- The errors in full (they must say nothing of the key).
SELECT DISTINCT route, regexp_replace(result, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g') AS error
  FROM priv_route_results
 WHERE result NOT LIKE 'ok: %' AND public.priv_code(split_part(result, ' | ', 1)) NOT IN ('42501 fn', '42501 schema', '42501 table', '42501 view')
 ORDER BY 1, 2;
-- EXPLAIN VERBOSE shows the call and its arguments, never a URL, signature or key.
SELECT regexp_replace(public.priv_explain($$EXPLAIN (VERBOSE, COSTS OFF) SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', account => 'secret')$$),
                      'timestamp with time zone', 'timestamptz', 'g') AS explain_verbose;

-- Users and other users' files -----------------------------------------------
SET ROLE regress_azure_alice;
SELECT blob_name AS alice_blob, file_url AS alice_url FROM azure_generate_upload_sas('mine.txt', 'text/plain') \gset
SELECT user_id FROM azure_save_metadata(:'alice_blob');
RESET ROLE;
SET ROLE regress_azure_bob;
-- A read URL for Alice's file: refused, the same as for no file at all.
SELECT regexp_replace(try(format('SELECT azure_generate_read_sas(%L)', :'alice_blob')), '[0-9a-f-]{36}', '<uuid>') AS alices_file;
SELECT try($$SELECT azure_generate_read_sas('priv/alice.txt')$$) AS alices_other_file;
SELECT try($$SELECT azure_generate_read_sas('priv/no-such-file.txt')$$) AS no_file;
-- The read URL's lookup probes a hash index, which matches 32-bit hashes:
-- a name with the same hashtext() as a visible row is still refused.  Two
-- such names are found here (they depend on the platform's hash, so they are
-- not shown), one registered for Alice, one for nobody and then for Bob.
RESET ROLE;
SELECT names[1] AS coll_a, names[2] AS coll_b
  FROM (SELECT array_agg(n ORDER BY n) AS names
          FROM (SELECT 'priv/c' || g || '.txt' AS n FROM generate_series(1, 300000) g) s
         GROUP BY hashtext(n) HAVING count(*) > 1 ORDER BY min(n) LIMIT 1) c \gset
SELECT hashtext(:'coll_a') = hashtext(:'coll_b') AS same_hash, :'coll_a' <> :'coll_b' AS different_names;
INSERT INTO azure_files (blob_name, user_id) VALUES (:'coll_a', 'regress_azure_alice');
SET ROLE regress_azure_alice;
SELECT azure_generate_read_sas(:'coll_a') LIKE '%&sp=r&rscd=attachment&sig=%' AS alice_reads_her_row;
SELECT replace(try(format('SELECT azure_generate_read_sas(%L)', :'coll_b')), :'coll_b', '<same hash>') AS alice_same_hash_no_row;
RESET ROLE;
INSERT INTO azure_files (blob_name, user_id) VALUES (:'coll_b', 'regress_azure_bob');
SET ROLE regress_azure_alice;
SELECT replace(try(format('SELECT azure_generate_read_sas(%L)', :'coll_b')), :'coll_b', '<same hash>') AS alice_same_hash_bobs_row;
SELECT azure_generate_read_sas(:'coll_a') LIKE '%&sp=r&rscd=attachment&sig=%' AS alice_still_reads_hers;
RESET ROLE;
SET ROLE regress_azure_bob;
SELECT azure_generate_read_sas(:'coll_b') LIKE '%&sp=r&rscd=attachment&sig=%' AS bob_reads_his;
SELECT replace(try(format('SELECT azure_generate_read_sas(%L)', :'coll_a')), :'coll_a', '<same hash>') AS bob_same_hash_alices_row;
-- Register her issued name, as himself or in her name.
SELECT regexp_replace(try(format('SELECT azure_save_metadata(%L)', :'alice_blob')), '[0-9a-f-]{36}', '<uuid>') AS register_hers;
SELECT regexp_replace(try(format('INSERT INTO azure_files (blob_name, user_id) VALUES (%L, %L)', :'alice_blob', 'regress_azure_alice')),
                      '[0-9a-f-]{36}', '<uuid>') AS insert_for_her;
-- Point a row of his at a foreign URL, or at Alice's blob's URL.
SELECT blob_name AS bob_blob, file_url AS bob_url FROM azure_generate_upload_sas('his.txt', 'text/plain') \gset
SELECT try(format('INSERT INTO azure_files (blob_name, file_url) VALUES (%L, %L)', :'bob_blob', 'https://evil.example.com/x')) AS foreign_url;
SELECT try(format('INSERT INTO azure_files (blob_name, file_url) VALUES (%L, %L)', :'bob_blob', :'alice_url')) AS her_url;
SELECT try(format('SELECT azure_save_metadata(%L, %L)', :'bob_blob', 'https://myaccount.blob.core.windows.net/uploads/x')) AS save_foreign_url;
SELECT try(format('INSERT INTO azure_files (blob_name, account) VALUES (%L, %L)', :'bob_blob', 'secret')) AS other_account;
SELECT try(format('INSERT INTO azure_files (blob_name, container) VALUES (%L, %L)', :'bob_blob', 'vault')) AS other_container;
SELECT user_id FROM azure_save_metadata(:'bob_blob');
SELECT try(format('UPDATE azure_files SET file_url = %L WHERE blob_name = %L', 'https://evil.example.com/x', :'bob_blob')) AS update_url;
SELECT try(format('UPDATE azure_files SET account = %L WHERE blob_name = %L', 'secret', :'bob_blob')) AS update_account;
-- Rows of Alice's are invisible: no UPDATE or DELETE reaches them.
UPDATE azure_files SET content_type = 'text/html' WHERE blob_name IN (:'alice_blob', 'priv/alice.txt');
DELETE FROM azure_files WHERE blob_name IN (:'alice_blob', 'priv/alice.txt');
RESET ROLE;
SELECT count(*) AS alice_rows_intact FROM azure_files
 WHERE blob_name IN (:'alice_blob', 'priv/alice.txt') AND user_id = 'regress_azure_alice' AND content_type IS NULL;
-- azure_blob.user_id is trusted by design (README: "azure_blob.user_id is
-- trusted"): a database role that sets it acts for that application user.
-- Shown so that this stays a documented, deliberate choice.
SET ROLE regress_azure_bob;
BEGIN;
SET LOCAL azure_blob.user_id = 'regress_azure_alice';
SELECT azure_generate_read_sas('priv/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%' AS bob_as_alice_by_user_id;
COMMIT;
RESET ROLE;

-- No parameter widens a URL ---------------------------------------------------
-- The query of a signed URL: its parameter names in order, and sp.
CREATE FUNCTION public.priv_query(url text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT string_agg(split_part(p, '=', 1), ',' ORDER BY n)
	       || ' sp=' || coalesce((SELECT string_agg(split_part(q, '=', 2), '|') FROM regexp_split_to_table(split_part(url, '?', 2), '&') q
	                              WHERE q LIKE 'sp=%'), '<none>')
	       || CASE WHEN url ~ '[\r\n ]' THEN ' RAW WHITESPACE' ELSE '' END
	       || CASE WHEN length(url) - length(replace(url, '?', '')) <> 1 THEN ' QUESTION MARKS' ELSE '' END
	  FROM regexp_split_to_table(split_part(url, '?', 2), '&') WITH ORDINALITY AS t(p, n)
$$;
SET ROLE regress_azure_alice;
-- Content types that try to add parameters: refused, or encoded into rsct.
SELECT ct, try(format('SELECT * FROM azure_generate_upload_sas(%L, %L)', 'a.txt', ct)) AS result
  FROM (VALUES ('text/plain&sp=rwd'), ('text/plain?sp=rw'), (E'text/plain\r\nsp: rw'), (E'text/plain\n'),
               ('text/plain&sig=AAAA'), ('text/plain#&sp=rw'), ('text/plain sp=rw')) v(ct);
SELECT ct, public.priv_query(sas_url) AS query, split_part(split_part(sas_url, '&rsct=', 2), '&', 1) AS rsct
  FROM (VALUES ('text/plain; a=b&sp=rwd'), ('text/plain; x="&sp=w&"'), ('text/plain; q=?sp=w'), ('text/plain;%26sp%3Drw'),
               ('text/plain; se=2099-01-01T00:00:00Z'), ('text/plain; sig=x')) v(ct),
       LATERAL azure_generate_upload_sas('a.txt', ct) u;
-- File names that try the same: refused, or percent-encoded into the path.
SELECT fn, try(format('SELECT * FROM azure_generate_upload_sas(%L, %L)', fn, 'text/plain')) AS result
  FROM (VALUES (E'a\r\n.txt'), ('a/../../x.txt'), (E'a\\b.txt'), (E'a\tb.txt'), ('..'), ('a.')) v(fn);
SELECT fn, public.priv_query(sas_url) AS query,
       regexp_replace(split_part(sas_url, '?', 1), '^.*/uploads/[0-9a-f-]{36}-', '<uuid>-') AS encoded_name
  FROM (VALUES ('a&sp=rwd.txt'), ('a?sp=rwd.txt'), ('a#x&sp=w.txt'), ('a%26sp%3Drw.txt'), ('a=b;c.txt'), ('sp=w'), ('a+b .txt')) v(fn),
       LATERAL azure_generate_upload_sas(fn, 'text/plain') u;
-- The generated URLs stay create-only whatever the lifetime.
SELECT public.priv_query(sas_url) AS query FROM azure_generate_upload_sas('x.txt', 'text/plain', '7 days');
-- Read URLs: sp=r exactly once, for a name made of the same tricks (registered by an admin).
RESET ROLE;
INSERT INTO azure_files (blob_name, user_id) VALUES ('priv/a&sp=rwd?sig=x#y.txt', 'regress_azure_alice');
SET ROLE regress_azure_alice;
SELECT public.priv_query(azure_generate_read_sas('priv/a&sp=rwd?sig=x#y.txt')) AS read_query,
       split_part(azure_generate_read_sas('priv/a&sp=rwd?sig=x#y.txt'), '?', 1) AS read_path;
-- The raw signers are not hers to widen anything with.
SELECT try($$SELECT azure_blob_sas_url('priv/alice.txt', 'rwd', '2030-01-01')$$) AS raw_signer;
-- Settings that would move URLs or stretch them are not hers either.
SELECT try($$SET azure_blob.max_sas_lifetime = '365d'$$) AS lifetime, try($$SET azure_blob.default_account = 'secret'$$) AS account,
       try($$SET azure_blob.allow_http = on$$) AS http, try($$SET azure_blob.verify_uploads = off$$) AS verify;
SELECT try($$ALTER ROLE regress_azure_alice SET azure_blob.max_sas_lifetime = '365d'$$) AS alter_role;
RESET ROLE;
-- An admin's raw signer: every free-text parameter is percent-encoded, sp stays what was asked.
SET ROLE regress_azure_admin;
SELECT public.priv_query(azure_blob_sas_url('a&sp=rwd.txt', 'r', '2030-01-01', identifier => 'p&sp=rwd', encryption_scope => 's&sp=w',
         content_type => 'text/plain; a=b&sp=w', content_disposition => 'x&sp=w', cache_control => 'y&sp=w',
         content_encoding => 'gzip&sp=w', content_language => 'en&sp=w')) AS raw_signer_query;
RESET ROLE;

-- search_path tricks ---------------------------------------------------------
-- A schema earlier on search_path shadows the functions, operators and tables
-- that the extension's SQL, the trigger and the C functions could resolve by
-- name.  Each shadow counts its calls in a sequence (not rolled back with a
-- failing call) and warns, then does the real thing.
CREATE SCHEMA evil;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
CREATE SEQUENCE evil.hits;
GRANT USAGE, UPDATE ON SEQUENCE evil.hits TO PUBLIC;
CREATE FUNCTION evil.hit(what text) RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
	PERFORM nextval('evil.hits');
	RAISE WARNING 'evil.% was called', what;
END
$$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('now()'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('clock_timestamp()'); RETURN pg_catalog.clock_timestamp(); END $$;
CREATE FUNCTION evil.current_setting(text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('current_setting()'); RETURN pg_catalog.current_setting($1); END $$;
CREATE FUNCTION evil.power(double precision, double precision) RETURNS double precision LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('power()'); RETURN pg_catalog.power($1, $2); END $$;
CREATE FUNCTION evil.azure_current_user_id() RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('azure_current_user_id()'); RETURN 'regress_azure_bob'; END $$;
CREATE FUNCTION evil.azure_blob_delete(text, text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('azure_blob_delete()'); RETURN true; END $$;
CREATE FUNCTION evil.azure_blob_list(text, text, text) RETURNS TABLE (blob_name text, size_bytes bigint, content_type text, etag text, last_modified timestamptz)
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$ BEGIN PERFORM evil.hit('azure_blob_list()'); END $$;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('= (text)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE FUNCTION evil.textcat(text, text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('|| (text)'); RETURN $1 OPERATOR(pg_catalog.||) $2; END $$;
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.textcat);
CREATE FUNCTION evil.int4lt(integer, integer) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('< (integer)'); RETURN $1 OPERATOR(pg_catalog.<) $2; END $$;
CREATE OPERATOR evil.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int4lt);
CREATE FUNCTION evil.int4pl(integer, integer) RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('+ (integer)'); RETURN $1 OPERATOR(pg_catalog.+) $2; END $$;
CREATE OPERATOR evil.+ (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int4pl);
CREATE FUNCTION evil.int8eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('= (bigint)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8eq);
CREATE FUNCTION evil.tsle(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('<= (timestamptz)'); RETURN $1 OPERATOR(pg_catalog.<=) $2; END $$;
CREATE OPERATOR evil.<= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.tsle);
CREATE FUNCTION evil.tslt(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('< (timestamptz)'); RETURN $1 OPERATOR(pg_catalog.<) $2; END $$;
CREATE OPERATOR evil.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.tslt);
CREATE FUNCTION evil.tsmi(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('- (timestamptz, interval)'); RETURN $1 OPERATOR(pg_catalog.-) $2; END $$;
CREATE OPERATOR evil.- (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = evil.tsmi);
CREATE FUNCTION evil.tspl(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('+ (timestamptz, interval)'); RETURN $1 OPERATOR(pg_catalog.+) $2; END $$;
CREATE OPERATOR evil.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = evil.tspl);
CREATE FUNCTION evil.intervallt(interval, interval) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('< (interval)'); RETURN $1 OPERATOR(pg_catalog.<) $2; END $$;
CREATE OPERATOR evil.< (LEFTARG = interval, RIGHTARG = interval, FUNCTION = evil.intervallt);
CREATE FUNCTION evil.mulinterval(double precision, interval) RETURNS interval LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit('* (float8, interval)'); RETURN $1 OPERATOR(pg_catalog.*) $2; END $$;
CREATE OPERATOR evil.* (LEFTARG = double precision, RIGHTARG = interval, FUNCTION = evil.mulinterval);
-- Tables the SQL inside the C functions or SECURITY DEFINER functions could resolve by name.
CREATE TABLE evil.azure_files (LIKE public.azure_files);
CREATE TABLE evil.deletion_queue (LIKE azure_blob.deletion_queue);
CREATE TABLE evil.accounts (LIKE azure_blob.accounts);
CREATE FUNCTION evil.touched() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS
  $$ BEGIN PERFORM evil.hit(TG_TABLE_NAME || ' ' || TG_OP); RETURN NULL; END $$;
CREATE TRIGGER touched BEFORE INSERT OR UPDATE OR DELETE ON evil.azure_files FOR EACH ROW EXECUTE FUNCTION evil.touched();
CREATE TRIGGER touched BEFORE INSERT OR UPDATE OR DELETE ON evil.deletion_queue FOR EACH ROW EXECUTE FUNCTION evil.touched();
CREATE TRIGGER touched BEFORE INSERT OR UPDATE OR DELETE ON evil.accounts FOR EACH ROW EXECUTE FUNCTION evil.touched();
GRANT ALL ON evil.azure_files, evil.deletion_queue, evil.accounts TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA evil TO PUBLIC;
-- Functions and operators in pg_temp are never found without a schema name; here anyway.
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE plpgsql AS
  $$ BEGIN PERFORM evil.hit('pg_temp.now()'); RETURN pg_catalog.now(); END $$;
-- The traps work: a plain query under that search_path is caught.
SET search_path = evil, public, pg_catalog;
SELECT now() IS NOT NULL AS trap_works, 'a' = 'a' AS trap_works_too;
RESET search_path;
SELECT last_value AS hits_of_the_sanity_check FROM evil.hits;

-- Now the extension, under that search_path, as each kind of role.
-- A deletion due now, for azure_process_deletions to try (it fails: nothing
-- listens on the endpoint, so its exception path runs too), and one whose
-- name is registered again (so it is dropped without a call).
INSERT INTO azure_blob.deletion_queue (account, container, blob_name) VALUES ('dead', 'uploads', 'priv/queued.txt');
INSERT INTO azure_files (blob_name, account, container, user_id) VALUES ('priv/again.txt', 'dead', 'uploads', 'regress_azure_admin');
INSERT INTO azure_blob.deletion_queue (account, container, blob_name) VALUES ('dead', 'uploads', 'priv/again.txt');
SET ROLE regress_azure_alice;
SET search_path = evil, public, pg_catalog;
SELECT blob_name AS evil_blob FROM azure_generate_upload_sas('evil.txt', 'text/plain') \gset
SELECT user_id, account, container FROM azure_save_metadata(:'evil_blob');
SELECT blob_name AS evil_blob2 FROM azure_generate_upload_sas('evil2.txt', 'text/plain') \gset
INSERT INTO public.azure_files (blob_name) VALUES (:'evil_blob2') RETURNING user_id, account, container;
SELECT azure_generate_read_sas(:'evil_blob') IS NOT NULL AS read_url;
UPDATE public.azure_files SET content_type = 'text/csv' WHERE blob_name OPERATOR(pg_catalog.=) :'evil_blob2' RETURNING content_type;
DELETE FROM public.azure_files WHERE blob_name OPERATOR(pg_catalog.=) :'evil_blob2' RETURNING user_id;
RESET search_path;
RESET ROLE;
SELECT last_value AS hits_after_user FROM evil.hits;
-- Alice's DELETE queued her blob in the default account: not for this test to delete.
UPDATE azure_blob.deletion_queue SET next_attempt_at = 'infinity' WHERE account <> 'dead';
SET ROLE regress_azure_admin;
SET search_path = evil, public, pg_catalog;
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00') IS NOT NULL AS blob_sas,
       azure_container_sas_url('rl', '2030-01-01 00:00:00+00') IS NOT NULL AS container_sas;
SELECT azure_account_add('evil_acct', 'UseDevelopmentStorage=true');
SELECT azure_account_remove('evil_acct');
SELECT azure_process_deletions(10) AS processed;
SELECT account, blob_name, attempts, last_error FROM azure_pending_deletions WHERE blob_name LIKE 'priv/%' ORDER BY id;
SELECT * FROM azure_reconcile(account => 'dead');
SELECT * FROM azure_reconcile(account => 'dead', min_age => '-1 day');
RESET search_path;
RESET ROLE;
SELECT last_value AS hits_after_admin FROM evil.hits;
-- The read URL's SQL path (a policy the DBA added) and TRUNCATE (queues every row as the owner).
CREATE POLICY priv_extra ON azure_files AS RESTRICTIVE USING (true);
SET ROLE regress_azure_alice;
SET search_path = evil, public, pg_catalog;
SELECT azure_generate_read_sas(:'evil_blob') IS NOT NULL AS read_url_via_sql;
RESET search_path;
RESET ROLE;
DROP POLICY priv_extra ON azure_files;
BEGIN;
SET LOCAL search_path = evil, public, pg_catalog;
SELECT count(*) > 0 AS rows_to_truncate FROM public.azure_files;
TRUNCATE public.azure_files;
SELECT count(*) > 0 AS queued_by_truncate FROM azure_pending_deletions;
ROLLBACK;
-- Not one call of a shadowing object: the count is where the sanity check left it.
SELECT last_value AS hits_in_the_end FROM evil.hits;
-- pg_temp, the other place a SECURITY DEFINER function looks: a table made in
-- advance with a trigger that would run as the owner (superuser).  Refused.
SET ROLE regress_azure_admin;
CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM evil.hit('pg_temp trigger as ' || current_user); RETURN NULL; END $$;
CREATE TEMP TABLE azure_reconcile_listing (name text PRIMARY KEY, size_bytes bigint, last_modified timestamptz);
CREATE TRIGGER grab BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_temp.azure_reconcile_listing
  FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab();
SELECT try($$SELECT * FROM azure_reconcile(account => 'dead')$$) AS reconcile_with_planted_table;
DROP TABLE pg_temp.azure_reconcile_listing;
DROP FUNCTION pg_temp.grab();
RESET ROLE;
SELECT last_value AS hits_after_pg_temp FROM evil.hits;

-- Clean up ------------------------------------------------------------------
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
RESET client_min_messages;
DELETE FROM azure_files WHERE blob_name LIKE 'priv/%' OR user_id IN ('regress_azure_alice', 'regress_azure_bob');
DELETE FROM azure_blob.deletion_queue WHERE id > :queue_max_id;
SELECT azure_account_remove('dead');
SELECT azure_account_remove('secret');
SELECT azure_account_remove('secret2');
ANALYZE azure_blob.accounts;
DROP TABLE priv_roles, priv_objects, priv_catalog, priv_policy, priv_calls, priv_names, priv_call_results, priv_ops, priv_op_results,
  priv_routes, priv_route_results;
DROP FUNCTION public.priv_try(text), public.priv_as(name, text), public.priv_eval(name, text), public.priv_code(text),
  public.priv_denied(text), public.priv_letters(name, text, oid), public.priv_leak(text, text, text),
  public.priv_explain(text), public.priv_query(text);
RESET azure_blob.allow_http;
RESET azure_blob.max_retries;
RESET azure_blob.connect_timeout_ms;
