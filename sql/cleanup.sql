-- Drop the login roles made in setup.sql (roles outlive the database).
DROP OWNED BY regress_azure_alice, regress_azure_bob, regress_azure_admin, regress_azure_nobody;
DROP ROLE regress_azure_alice, regress_azure_bob, regress_azure_admin, regress_azure_nobody;
SELECT count(*) AS remaining FROM pg_roles WHERE rolname LIKE 'regress_azure_%';
