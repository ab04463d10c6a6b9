-- Deterministic signatures: SAS URLs for fixed times, checked against the
-- vectors that @azure/storage-blob 12.32.0 produced (test/unit/data/vectors.json).
-- Each "matches" column compares the token with the SDK's text byte for byte.

-- S1: blob SAS, sv=2020-12-06, Azurite account.
SET azure_blob.sas_version = '2020-12-06';
SELECT azure_blob_sas_url('hello.txt', 'r', '2030-01-01 00:00:00+00', '2025-01-01 00:00:00+00',
                          'mycontainer', protocol => 'https,http') AS url \gset
SELECT :'url' AS s1,
       split_part(:'url', '?', 2) = 'sv=2020-12-06&spr=https%2Chttp&st=2025-01-01T00%3A00%3A00Z&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=uO%2F30MP83PYBANYtgd3vIQQ7wxIQPJBPpE22v7pZUAM%3D' AS matches;

-- S2: sv=2018-11-09 (15-line layout), awkward name, permissions reordered, response overrides.
SET azure_blob.sas_version = '2018-11-09';
SELECT azure_blob_sas_url('reports/2024 Q1/résumé+final#1?.txt', 'dwr', '2030-01-01 00:00:00+00',
                          container => 'mycontainer', protocol => 'https', cache_control => 'no-cache',
                          content_disposition => 'attachment; filename="résumé final.txt"',
                          content_type => 'application/octet-stream') AS url \gset
SELECT :'url' AS s2,
       split_part(:'url', '?', 2) = 'sv=2018-11-09&spr=https&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=rwd&rscc=no-cache&rscd=attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9%20final.txt%22&rsct=application%2Foctet-stream&sig=eOK%2FKbyYNPm%2Fs1sgzfiaaC0chrgeovalbLUwLMh0Fog%3D' AS matches;

-- S3: container SAS, sv=2025-07-05, IP range.
SET azure_blob.sas_version = '2025-07-05';
SELECT azure_container_sas_url('lrw', '2030-01-01 00:00:00+00', '2025-01-01 00:00:00+00', 'mycontainer',
                               ip_range => '0.0.0.0-255.255.255.255', protocol => 'https,http') AS url \gset
SELECT :'url' AS s3,
       split_part(:'url', '?', 2) = 'sv=2025-07-05&spr=https%2Chttp&st=2025-01-01T00%3A00%3A00Z&se=2030-01-01T00%3A00%3A00Z&sip=0.0.0.0-255.255.255.255&sr=c&sp=rwl&sig=7ciASSGWlgWlyfXDkpg2HvFBsyrBBvKBnw3LFzRocn4%3D' AS matches;

-- S4: sv=2026-04-06, every blob permission, encryption scope, an https account (protocol defaults to https).
SET azure_blob.sas_version = '2026-04-06';
SELECT azure_blob_sas_url('dir/sub dir/file.parquet', 'racwdxytmei', '2025-06-02 12:30:45+00',
                          '2025-06-01 12:30:45+00', account => 'prod', encryption_scope => 'scope1') AS url \gset
SELECT :'url' AS s4,
       split_part(:'url', '?', 2) = 'sv=2026-04-06&spr=https&st=2025-06-01T12%3A30%3A45Z&se=2025-06-02T12%3A30%3A45Z&ses=scope1&sr=b&sp=racwdxtmeiy&sig=MaUoP9TPhfYgQOKnNW3DPSbRVoCNIxSsJMjPnK1cJJM%3D' AS matches;

-- S7's inputs: container SAS bound to a stored access policy, no permissions, start or expiry.
-- The SDK omits spr when no protocol is given; SQL always states it (NULL means the endpoint's
-- default), so the token differs from S7 by spr and the signature: the unit tests check S7 itself.
SET azure_blob.sas_version = '2020-12-06';
SELECT azure_container_sas_url(NULL, NULL, container => 'mycontainer', identifier => 'policy1') AS s7_with_spr;

-- S8's inputs: every container permission letter, emitted in the SDK's order.
SET azure_blob.sas_version = '2021-04-10';
-- (With spr=https, as above; the permission text is the SDK's "racwdxltmeiyf".)
SELECT azure_container_sas_url('racwdxyltfmei', '2030-01-01 00:00:00+00', account => 'prod') AS s8_with_spr;
RESET azure_blob.sas_version;
SHOW azure_blob.sas_version;

-- Defaults: account from azure_blob.default_account, container from the account,
-- protocol "https,http" for an http endpoint and "https" for an https one.
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00');
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', account => 'prod');
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', account => 'custom', container => 'docs');
-- Same inputs, same URL; sub-second parts of times are truncated, time zones normalised to UTC.
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00.999+00')
     = azure_blob_sas_url('a.txt', 'r', '2030-01-01 01:00:00+01') AS deterministic;
-- The signature covers the blob name: one byte changes it.
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00')
    <> azure_blob_sas_url('b.txt', 'r', '2030-01-01 00:00:00+00') AS differs;
-- Blob names are encoded per path segment; "/" stays.
SELECT split_part(azure_blob_sas_url('dir/x y+z#1?.txt', 'r', '2030-01-01 00:00:00+00'), '?', 1) AS path;
SELECT split_part(azure_blob_sas_url('日本語/ファイル.txt', 'r', '2030-01-01 00:00:00+00'), '?', 1) AS path;
SELECT split_part(azure_blob_sas_url($$a'b(c)!~*.txt$$, 'r', '2030-01-01 00:00:00+00'), '?', 1) AS path;
SELECT split_part(azure_blob_sas_url('percent%41.txt', 'r', '2030-01-01 00:00:00+00'), '?', 1) AS path;
-- Expiry in the past is allowed for the raw signer (it is deterministic); the service refuses it.
SELECT azure_blob_sas_url('a.txt', 'r', '2001-01-01 00:00:00+00') LIKE '%se=2001-01-01T00%3A00%3A00Z%' AS past_ok;
-- Years 0001 and 9999 are the bounds a SAS can carry.
SELECT azure_blob_sas_url('a.txt', 'r', '9999-12-31 23:59:59+00') LIKE '%se=9999-12-31T23%3A59%3A59Z%' AS max_ok;
