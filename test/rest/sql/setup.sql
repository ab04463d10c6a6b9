-- The REST suite (test/rest/schedule) needs Azurite: test/t/020_rest.pl starts
-- it and passes its endpoint (http://127.0.0.1:PORT/devstoreaccount1) in
-- AZB_REST_ENDPOINT.  This file makes what every other file uses: the
-- extension, http allowed for every session of the database, an admin and an
-- app login role, the account "default" whose default container is "uploads".
-- A line "-- check: ..." introduces each assertion of the suite.
\getenv endpoint AZB_REST_ENDPOINT
-- check: CREATE EXTENSION azure_blob; ALTER DATABASE ... SET azure_blob.allow_http = on
CREATE EXTENSION azure_blob;
SELECT format('ALTER DATABASE %I SET azure_blob.allow_http = on', current_database()) \gexec
-- check: login roles regress_rest_admin (azure_blob_admin) and regress_rest_app (azure_blob_user)
CREATE ROLE regress_rest_admin LOGIN;
CREATE ROLE regress_rest_app LOGIN;
SELECT format('GRANT CONNECT ON DATABASE %I TO regress_rest_admin, regress_rest_app', current_database()) \gexec
GRANT USAGE ON SCHEMA public TO regress_rest_admin, regress_rest_app;
GRANT azure_blob_admin TO regress_rest_admin;
GRANT azure_blob_user TO regress_rest_app;
-- Since 1.1 the cluster role counts only where a grant names the role
-- (README, "Security model").
SELECT azure_grant('regress_rest_admin', 'admin'), azure_grant('regress_rest_app', 'user');
-- A new session: the database's setting applies from its start.
\c
-- check: azure_account_add('default', UseDevelopmentStorage=true;BlobEndpoint=..., 'uploads')
SELECT azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint=' || :'endpoint', 'uploads');
-- check: azure_container_create('uploads') (superuser) -> true
SELECT azure_container_create('uploads');
-- check: azure_container_create('uploads') again -> false
SELECT azure_container_create('uploads');
-- The database setting reaches sessions of roles that could not set it.
-- check: allow_http = on in a session of regress_rest_admin (ALTER DATABASE, superuser-only setting)
\c - regress_rest_admin
SELECT FROM azure_current_user_id();
SHOW azure_blob.allow_http;
-- check: allow_http = on in a session of regress_rest_app
\c - regress_rest_app
SET azure_blob.user_id = 'alice' \; SELECT FROM azure_current_user_id();
SHOW azure_blob.allow_http;
