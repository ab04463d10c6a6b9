-- CORS rules of the account, as an admin.  The preflight requests (curl
-- OPTIONS) that show Azurite applies them are in test/t/020_rest.pl.
\c - regress_rest_admin
-- check: azure_set_cors (one origin, PUT/GET/HEAD, two headers, etag exposed, 600 s) as regress_rest_admin
SELECT azure_set_cors(ARRAY['http://allowed.example:8080'], ARRAY['PUT','GET','HEAD'],
                      ARRAY['x-ms-blob-type','content-type'], ARRAY['etag'], 600);
-- check: azure_get_cors returns the rule as set
SELECT * FROM azure_get_cors();
-- check: azure_set_cors replaces the rule; defaults {*}, {*}, 3600
SELECT azure_set_cors(ARRAY['https://a.example', 'https://b.example'], ARRAY['PUT']);
SELECT * FROM azure_get_cors();
