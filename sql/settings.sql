-- The azure_blob.* settings exist once the library is loaded in the session.
-- pg_regress starts each file in a new session, and nothing has called a
-- function of the extension yet here, so the library is not loaded: SHOW
-- knows only the setting setup.sql put on the database (a placeholder, as
-- text), not the others (docs/settings.md).
SELECT count(*) AS library_loaded FROM pg_settings WHERE name = 'azure_blob.default_account';
SHOW azure_blob.default_account;
SHOW azure_blob.verify_uploads;
-- LOAD (or session_preload_libraries, or calling any function of the extension) defines them all.
LOAD 'azure_blob';
SHOW azure_blob.default_account;
SHOW azure_blob.verify_uploads;
SHOW azure_blob.max_sas_lifetime;
SELECT name, setting, context FROM pg_settings WHERE name IN ('azure_blob.default_account', 'azure_blob.verify_uploads', 'azure_blob.sas_version')
 ORDER BY name;
