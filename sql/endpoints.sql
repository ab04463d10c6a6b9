-- Storage endpoint hosts: azure_blob.allowed_endpoint_hosts and the loopback
-- rule keep BlobEndpoint from pointing the server at internal addresses.
-- Nothing here reaches a network: refused hosts fail before any I/O, and the
-- one request that goes out is to 127.0.0.1:1, where nothing listens.
\set k 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=='

-- The default list: Azure's blob endpoints, private endpoints and Azure DNS zone endpoints included.
SELECT azure_account_add('ep_public', format('AccountName=myaccount;AccountKey=%s', :'k'));
SHOW azure_blob.allowed_endpoint_hosts;
SHOW azure_blob.allow_http;
SELECT azure_account_add('ep_private', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://myaccount.privatelink.blob.core.windows.net', :'k'));
SELECT azure_account_add('ep_dnszone', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://myaccount.z12.blob.storage.azure.net', :'k'));
SELECT azure_account_add('ep_china', format('AccountName=myaccount;AccountKey=%s;EndpointSuffix=core.chinacloudapi.cn', :'k'));
SELECT azure_account_add('ep_gov', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://MyAccount.Blob.Core.USGovCloudAPI.net.', :'k'));

-- It refuses everything else, allow_http on or off: internal addresses, other
-- names, look-alikes, other spellings of an address.
SET azure_blob.allow_http = on;
CREATE FUNCTION pg_temp.add_endpoint(endpoint text) RETURNS text LANGUAGE sql AS $$
	SELECT try_detail(format('SELECT azure_account_add(%L, %L)', 'ep_bad',
	                         format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=%s',
	                                'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==', endpoint)))
$$;
SELECT e AS endpoint, pg_temp.add_endpoint(e) AS result FROM unnest(ARRAY[
	'http://169.254.169.254/latest/meta-data',
	'http://10.0.0.5:80/myaccount',
	'https://internal.example.com',
	'https://evilblob.core.windows.net',
	'https://myaccount.blob.core.windows.net.attacker.com',
	'https://blob.core.windows.net',
	'https://[fd00::5]/myaccount',
	'https://[::ffff:169.254.169.254]/',
	'http://0xa9fea9fe/',
	'http://2130706433/',
	'http://0x7f.1/',
	'http://127.1/',
	'https://myaccount.blob.core.windows.net:/',
	'https://myaccount%2eblob.core.windows.net/',
	'https://169.254.169.254\.blob.core.windows.net/',
	'https://u:p@myaccount.blob.core.windows.net/',
	'https://myaccount.blob.core.windows.net@169.254.169.254/'
]) AS e;
SET azure_blob.allow_http = off;
SELECT pg_temp.add_endpoint('http://169.254.169.254/') AS metadata_http_off;
SELECT count(*) AS refused_accounts_stored FROM azure_blob.accounts WHERE alias = 'ep_bad';

-- Loopback (Azurite) only while allow_http is on, whatever the list says.
SELECT e AS endpoint, pg_temp.add_endpoint(e) AS http_off FROM unnest(ARRAY[
	'http://127.0.0.1:10000/devstoreaccount1',
	'http://127.1.2.3:10000/devstoreaccount1',
	'https://127.0.0.1/devstoreaccount1',
	'http://[::1]:10000/devstoreaccount1',
	'http://localhost:10000/devstoreaccount1',
	'http://azurite.localhost:10000/devstoreaccount1'
]) AS e;
SELECT try_detail($$SELECT azure_account_add('ep_dev', 'UseDevelopmentStorage=true')$$);
SET azure_blob.allowed_endpoint_hosts = '127.0.0.1, localhost';
SELECT try($$SELECT azure_account_add('ep_dev', 'UseDevelopmentStorage=true')$$) AS listed_but_http_off;
RESET azure_blob.allowed_endpoint_hosts;
SET azure_blob.allow_http = on;
SELECT azure_account_add('ep_dev', 'UseDevelopmentStorage=true', 'box');
SELECT azure_account_add('ep_dev6', 'UseDevelopmentStorage=true;BlobEndpoint=http://[::1]:10000/devstoreaccount1');
SELECT azure_account_add('ep_devname', 'UseDevelopmentStorage=true;BlobEndpoint=http://localhost:10000/devstoreaccount1');
SELECT azure_account_add('ep_dev3', 'UseDevelopmentStorage=true;BlobEndpoint=http://127.1.2.3:10000/devstoreaccount1');
SET azure_blob.allowed_endpoint_hosts = '';
SELECT azure_account_add('ep_dev_empty_list', 'UseDevelopmentStorage=true');
RESET azure_blob.allowed_endpoint_hosts;

-- A custom domain: refused until a superuser lists its domain.
SELECT pg_temp.add_endpoint('https://files.example.com/') AS before_listing;
SET azure_blob.allowed_endpoint_hosts = '.blob.core.windows.net, .Example.COM';
SHOW azure_blob.allowed_endpoint_hosts;
SELECT azure_account_add('ep_custom', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://files.example.com/', :'k'), 'box');
SELECT pg_temp.add_endpoint('https://files.notexample.com/') AS not_under_example_com;
SELECT pg_temp.add_endpoint('https://example.com/') AS suffix_itself;
-- An exact entry, and an address listed exactly.
SET azure_blob.allowed_endpoint_hosts = 'files.example.org, 10.0.0.5, [FD00::5]';
SELECT azure_account_add('ep_exact', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://files.example.org', :'k'));
SELECT azure_account_add('ep_ip', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://10.0.0.5/myaccount', :'k'), 'box');
SELECT azure_account_add('ep_ip6', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://[fd00:0::5]:8443/myaccount', :'k'));
SELECT pg_temp.add_endpoint('https://a.files.example.org/') AS not_exact;
SELECT pg_temp.add_endpoint('https://10.0.0.6/') AS other_address;
RESET azure_blob.allowed_endpoint_hosts;
SELECT alias, blob_endpoint FROM azure_accounts WHERE alias LIKE 'ep\_%' ORDER BY alias;

-- The list's syntax is checked when it is set.
SELECT v AS value, try_detail(format('SET azure_blob.allowed_endpoint_hosts = %L', v)) AS result FROM unnest(ARRAY[
	'*.example.com',
	'.example.com,',
	'.example.com, , .example.org',
	'.10.0.0.5',
	'example.com:443',
	'https://example.com',
	'fd00::5',
	'10.0.0.05'
]) AS v;
SHOW azure_blob.allowed_endpoint_hosts;

-- Only a superuser sets it (or allow_http); an azure_blob_admin can still not add an internal endpoint.
SET ROLE regress_azure_admin;
SELECT try($$SET azure_blob.allowed_endpoint_hosts = '.example.com, 169.254.169.254'$$) AS set_list;
SELECT try($$SET azure_blob.allow_http = off$$) AS set_http;
SELECT try($$SELECT azure_account_add('ep_admin', 'AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=http://169.254.169.254/')$$) AS add_metadata;
RESET ROLE;

-- Every request checks again, before any network I/O: the settings may have
-- changed since the account was added.  A loopback account over https, so the
-- allow_http check of plain-http accounts does not answer first.
SET azure_blob.max_retries = 0;
SELECT azure_account_add('ep_loop', format('AccountName=myaccount;AccountKey=%s;BlobEndpoint=https://127.0.0.1:1/myaccount', :'k'), 'box');
-- Allowed: the request goes out and finds nothing listening.
SELECT try($$SELECT azure_blob_get('x.txt', account => 'ep_loop')$$) AS allowed_get;
SET azure_blob.allow_http = off;
SELECT try_detail($$SELECT azure_blob_get('x.txt', account => 'ep_loop')$$) AS refused_get;
SELECT try($$SELECT * FROM azure_blob_list('', account => 'ep_loop')$$) AS refused_list;
SELECT try($$SELECT azure_blob_put('x.txt', '\x00', account => 'ep_loop')$$) AS refused_put;
SELECT try($$SELECT * FROM azure_blob_properties('x.txt', account => 'ep_loop')$$) AS refused_properties;
SELECT try($$SELECT azure_blob_delete('x.txt', account => 'ep_loop')$$) AS refused_delete;
SELECT try($$SELECT azure_container_create('box', account => 'ep_loop')$$) AS refused_create;
SELECT try($$SELECT * FROM azure_get_cors(account => 'ep_loop')$$) AS refused_get_cors;
-- A plain-http loopback account meets the allow_http check first (55000).
SELECT try($$SELECT azure_blob_get('x.txt', account => 'ep_dev')$$) AS http_account;
-- The custom domain, once its entry is gone from the list: refused, no DNS lookup.
SELECT try_detail($$SELECT azure_blob_get('x.txt', account => 'ep_custom')$$) AS custom_get;
SELECT try($$SELECT * FROM azure_blob_list('', account => 'ep_custom')$$) AS custom_list;
SELECT try($$SELECT * FROM azure_blob_list('', account => 'ep_ip')$$) AS address_list;
-- Signing makes no request and needs no allowed host.
SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'ep_custom') LIKE 'https://files.example.com/box/k.txt?%' AS signs;
-- A row written behind azure_account_add's back is checked on use too.
INSERT INTO azure_blob.accounts (alias, account_name, account_key, blob_endpoint, default_container)
	VALUES ('ep_direct', 'myaccount', :'k', 'http://169.254.169.254', 'box');
SET azure_blob.allow_http = on;
SELECT try($$SELECT azure_blob_get('x.txt', account => 'ep_direct')$$) AS direct_row;

RESET azure_blob.max_retries;
RESET azure_blob.allow_http;
SELECT azure_account_remove(alias) FROM azure_blob.accounts WHERE alias LIKE 'ep\_%' ORDER BY alias;
