-- Whom a call acts for: azure_blob.user_id, set in the transaction.
-- A value counts only in the transaction that set it (SET LOCAL, set_config
-- with is_local, or a plain SET in that same transaction), so that behind a
-- transaction pooler one client's identity never reaches the next client.
-- Non-administrators who name nobody are refused (azure_blob.require_user_id,
-- on by default); azure_blob.session_user_id brings back session scope.
-- A file of application user app-alice, registered by the owner.
INSERT INTO azure_files (blob_name, user_id) VALUES ('identity/alice.txt', 'app-alice');
-- The defaults (the INSERT's trigger has loaded the library, which defines them).
SHOW azure_blob.require_user_id;
SHOW azure_blob.session_user_id;

-- require_user_id on: a user role that names nobody is refused, by every route.
SET ROLE regress_azure_alice;
SELECT azure_current_user_id();
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.txt', 'text/plain')$$) AS upload_sas;
SELECT try($$SELECT azure_generate_read_sas('identity/alice.txt')$$) AS read_sas;
SELECT try($$SELECT azure_save_metadata('00000000-0000-4000-8000-000000000000-x.txt')$$) AS save_metadata;
SELECT try($$SELECT count(*) FROM azure_files$$) AS select_through_rls;
SELECT try($$INSERT INTO azure_files (blob_name) VALUES ('identity/x.txt')$$) AS insert_through_trigger;
-- An empty value is no value.
BEGIN;
SET LOCAL azure_blob.user_id = '';
SELECT try($$SELECT azure_current_user_id()$$) AS empty_value;
COMMIT;

-- SET LOCAL in a transaction names the user for that transaction.
BEGIN;
SET LOCAL azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id();
SELECT azure_generate_read_sas('identity/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%' AS reads_own;
SELECT blob_name FROM azure_files ORDER BY blob_name;
SELECT blob_name AS up_blob FROM azure_generate_upload_sas('up.txt', 'text/plain') \gset
SELECT user_id FROM azure_save_metadata(:'up_blob');
COMMIT;
-- ... and for no later one.
SHOW azure_blob.user_id;
SELECT try($$SELECT azure_current_user_id()$$) AS after_commit;
-- set_config(..., true) does the same.
BEGIN;
SELECT set_config('azure_blob.user_id', 'app-alice', true);
SELECT azure_current_user_id();
SELECT azure_generate_read_sas('identity/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%' AS reads_own;
COMMIT;
-- A rollback to a savepoint brings back the value this transaction had set.
BEGIN;
SET LOCAL azure_blob.user_id = 'app-alice';
SAVEPOINT s;
SET LOCAL azure_blob.user_id = 'app-eve';
SELECT azure_current_user_id();
ROLLBACK TO s;
SELECT azure_current_user_id();
COMMIT;

-- A plain SET counts in the transaction that ran it ...
BEGIN;
SET azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id();
COMMIT;
-- ... but not in a later one: the value is still there, and it is ignored.
SHOW azure_blob.user_id;
SELECT try_detail($$SELECT azure_current_user_id()$$) AS stale;
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.txt', 'text/plain')$$) AS upload_sas;
SELECT try($$SELECT azure_generate_read_sas('identity/alice.txt')$$) AS read_sas;
SELECT try($$SELECT azure_save_metadata('00000000-0000-4000-8000-000000000000-x.txt')$$) AS save_metadata;
SELECT try($$SELECT count(*) FROM azure_files$$) AS select_through_rls;
-- A rollback to a savepoint does not make it count again,
BEGIN;
SAVEPOINT s;
SET LOCAL azure_blob.user_id = 'app-bob';
SELECT azure_current_user_id();
ROLLBACK TO s;
SELECT try($$SELECT azure_current_user_id()$$) AS after_rollback_to_savepoint;
COMMIT;
-- nor does a function's SET clause, once the function has returned,
RESET ROLE;
CREATE FUNCTION public.identity_as_bob() RETURNS text LANGUAGE sql SET azure_blob.user_id = 'app-bob'
  AS $$ SELECT public.azure_current_user_id() $$;
GRANT EXECUTE ON FUNCTION public.identity_as_bob() TO regress_azure_alice;
SET ROLE regress_azure_alice;
SELECT public.identity_as_bob();
SELECT try($$SELECT azure_current_user_id()$$) AS after_function;
-- nor does a plain SET of the same value in an earlier transaction.
SET azure_blob.user_id = 'app-alice';
SELECT try($$SELECT azure_current_user_id()$$) AS set_again_earlier;
RESET azure_blob.user_id;
RESET ROLE;

-- Administrators are exempt: with no value that counts they act as
-- themselves, and a stale value is not used for them either.
SET ROLE regress_azure_admin;
SELECT azure_current_user_id();
SELECT azure_generate_read_sas('identity/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%' AS admin_reads;
SET azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id() AS admin_with_stale_value;
BEGIN;
SET LOCAL azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id() AS admin_with_value;
COMMIT;
RESET azure_blob.user_id;
RESET ROLE;
-- So is the extension owner (a superuser here).
SELECT azure_current_user_id() = current_user AS owner_acts_as_self;

-- require_user_id off: 1.0's fallback to current_user, but a stale value is
-- never used.
SET azure_blob.require_user_id = off;
SET ROLE regress_azure_alice;
SELECT azure_current_user_id();
SET azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id() AS with_stale_value;
SELECT try($$SELECT azure_generate_read_sas('identity/alice.txt')$$) AS read_sas;
BEGIN;
SET LOCAL azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id() AS with_value;
COMMIT;
RESET azure_blob.user_id;
RESET ROLE;
RESET azure_blob.require_user_id;

-- session_user_id on: a plain SET lasts for the session, as in 1.0.
SET azure_blob.session_user_id = on;
SET ROLE regress_azure_alice;
SET azure_blob.user_id = 'app-alice';
SELECT azure_current_user_id() AS session_value;
SELECT azure_generate_read_sas('identity/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%' AS session_value_reads;
-- An empty value is still refused.
RESET azure_blob.user_id;
SELECT try($$SELECT azure_current_user_id()$$) AS session_scope_empty;
RESET ROLE;
RESET azure_blob.session_user_id;

-- Only superusers change the two switches.
SET ROLE regress_azure_alice;
SELECT try($$SET azure_blob.require_user_id = off$$) AS user_require_off;
SELECT try($$SET azure_blob.session_user_id = on$$) AS user_session_on;
SELECT try($$SELECT set_config('azure_blob.require_user_id', 'off', true)$$) AS user_set_config;
RESET ROLE;
SET ROLE regress_azure_admin;
SELECT try($$SET azure_blob.require_user_id = off$$) AS admin_require_off;
SELECT try($$SET azure_blob.session_user_id = on$$) AS admin_session_on;
RESET ROLE;

-- A value set before the library was loaded into the session (the first
-- call of the session loads it) is judged the same way: a plain SET in an
-- earlier transaction does not count ...
\c
SET ROLE regress_azure_alice;
SET azure_blob.user_id = 'app-alice';
SELECT current_setting('azure_blob.require_user_id', true) IS NULL AS library_not_loaded;
SELECT try_detail($$SELECT azure_current_user_id()$$) AS set_before_load;
RESET ROLE;
-- ... and a SET LOCAL in the current transaction does.
\c
SET ROLE regress_azure_alice;
BEGIN;
SET LOCAL azure_blob.user_id = 'app-alice';
SELECT current_setting('azure_blob.require_user_id', true) IS NULL AS library_not_loaded;
SELECT azure_current_user_id() AS set_local_before_load;
COMMIT;
RESET ROLE;

DROP FUNCTION public.identity_as_bob();
DELETE FROM azure_files WHERE user_id = 'app-alice';
