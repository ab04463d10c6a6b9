-- Bad input: every case is a clear error with a specific SQLSTATE, and writes nothing.
SELECT count(*) AS files_before FROM azure_files \gset
SELECT count(*) AS accounts_before FROM azure_blob.accounts \gset

-- NULLs where a value is needed (22004).
SELECT try($$SELECT azure_blob_sas_url(NULL, 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', NULL, '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', NULL)$$);
SELECT try($$SELECT azure_container_sas_url('rl', NULL)$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas(NULL, 'image/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', NULL)$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', NULL)$$);
SELECT try($$SELECT azure_generate_read_sas(NULL)$$);
SELECT try($$SELECT azure_generate_read_sas('guide.png', NULL)$$);
SELECT try($$SELECT azure_save_metadata(NULL)$$);
SELECT try($$SELECT azure_account_add(NULL, 'UseDevelopmentStorage=true')$$);
SELECT try($$SELECT azure_account_add('x', NULL)$$);
SELECT try($$SELECT azure_account_remove(NULL)$$);

-- Empty strings (22023).
SELECT try($$SELECT azure_blob_sas_url('', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', '', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => '')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => '')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => '')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('', 'image/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', '')$$);
SELECT try($$SELECT azure_account_add('', 'UseDevelopmentStorage=true')$$);
SELECT try_detail($$SELECT azure_account_add('x', '')$$);
SELECT try_detail($$SELECT azure_account_add('x', ' ; ; ')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true', '')$$);

-- Names: too long, malformed, path tricks, control characters.
SELECT try($$SELECT azure_blob_sas_url(repeat('a', 1025), 'r', '2030-01-01')$$);
SELECT length(azure_blob_sas_url(repeat('é', 1024), 'r', '2030-01-01')) > 0 AS max_name_ok;
SELECT try($$SELECT azure_blob_sas_url(repeat('a/', 254) || 'a', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('../etc/passwd', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a/./b', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('/a.txt', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a//b', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url(E'a\\b', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url(E'a\nb', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url(E'a\x7fb', 'r', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'ab')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'Uploads')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'up--loads')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => '-uploads')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('dir/a.png', 'image/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('..', 'image/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas(E'a\\b.png', 'image/png')$$);
SELECT try_detail($$SELECT * FROM azure_generate_upload_sas(repeat('a', 1000), 'image/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas(E'a\r\n.png', 'image/png')$$);

-- Content types: CR/LF, no "/", non-ASCII, too long.
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', E'image/png\r\nx-ms-meta-a: 1')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', '/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image /png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'imagé/png')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/' || repeat('p', 300))$$);
SELECT count(*) AS ok_with_params FROM azure_generate_upload_sas('a.txt', 'text/plain; charset=utf-8');
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => 'png')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => E'attachment\r\nX: 1')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', cache_control => E'no-cache\n')$$);

-- Permissions: unknown, repeated, not for blobs, too new for the SAS version.
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'rq', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'rr', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'R', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'rl', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r w', '2030-01-01')$$);
SELECT try($$SELECT azure_container_sas_url('rlz', '2030-01-01')$$);
SET azure_blob.sas_version = '2018-11-09';
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'rx', '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => 'scope1')$$);
RESET azure_blob.sas_version;

-- Times: infinity, out of range, start not before expiry.
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', 'infinity')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '-infinity')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '10000-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => 'infinity')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '2030-01-01')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '2031-01-01')$$);

-- Lifetimes of generated URLs: zero, negative, above azure_blob.max_sas_lifetime (7 days).
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '0 seconds')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '-5 minutes')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '0.5 seconds')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '8 days')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '100 years')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png', '200000 years')$$);
SELECT try($$SELECT azure_generate_read_sas('guide.png', '1 month')$$);
SELECT try($$SELECT azure_generate_read_sas('guide.png', '-1 day')$$);
SELECT count(*) AS seven_days_ok FROM azure_generate_upload_sas('a.png', 'image/png', '7 days');
SET azure_blob.max_sas_lifetime = '1min';
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png')$$);
SELECT try($$SELECT azure_generate_read_sas('guide.png')$$);
RESET azure_blob.max_sas_lifetime;

-- Protocol, IP range, policy id, encryption scope.
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'http')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'http,https')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'HTTPS')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '256.1.1.1')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '01.2.3.4')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.9-10.0.0.1')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '10.0.0.1-')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '::1')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => ' 10.0.0.1')$$);
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00', ip_range => '10.0.0.1-10.0.0.9') LIKE '%&sip=10.0.0.1-10.0.0.9&%' AS ip_ok;
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => repeat('p', 65))$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', identifier => 'p%41')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', encryption_scope => 'a b')$$);

-- Settings.
SELECT try($$SET azure_blob.sas_version = '2015-02-21'$$);
SELECT try($$SET azure_blob.sas_version = 'latest'$$);
-- PostgreSQL's own message; from 18 on it gives the range with units, so the range is cut.
SELECT regexp_replace(try($$SET azure_blob.max_sas_lifetime = 0$$), ' \([^()]*\)$', '') AS try;

-- Accounts: unknown, no default, no default container, malformed connection strings.
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'nope')$$);
SELECT try($$SELECT azure_generate_read_sas('nope.txt')$$);
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'custom')$$);
SET azure_blob.default_account = '';
SELECT try($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01')$$);
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png')$$);
SET azure_blob.default_account = 'custom';
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png')$$);
SET azure_blob.default_account = 'missing';
SELECT try($$SELECT * FROM azure_generate_upload_sas('a.png', 'image/png')$$);
RESET azure_blob.default_account;
SELECT try($$SELECT azure_account_add('bad alias', 'UseDevelopmentStorage=true')$$);
SELECT try($$SELECT azure_account_add(repeat('a', 64), 'UseDevelopmentStorage=true')$$);
SELECT try($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true', 'Bad')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'UseDevelopmentStorage=false')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'UseDevelopmentStorage=true;AccountName=other')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=my_account;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=not base64!')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=AAEC')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P===')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountName=other')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'DefaultEndpointsProtocol=ftp;AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=ftp://x')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=https://u:p@host')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'AccountName=myaccount;AccountKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==;BlobEndpoint=https://host/?a=b')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'BlobEndpoint=https://myaccount.blob.core.windows.net;SharedAccessSignature=sv=2025-07-05&sig=abc')$$);
SELECT try_detail($$SELECT azure_account_add('x', 'Foo=bar')$$);
SELECT try($$SELECT azure_account_remove('nope')$$);
SELECT try_detail($$SELECT azure_account_add_from_env('x', 'AZURE_BLOB_SURELY_UNSET_VARIABLE')$$);
SELECT try($$SELECT azure_account_add_from_env('x', 'BAD NAME')$$);
SELECT try($$SELECT azure_account_add_from_env('x', NULL)$$);

-- Reconcile finds its account and container with the C code of the REST and
-- signing functions (src/maintenance.cpp): the same SQLSTATE, message and
-- hint, before any request.
SELECT c.case_, try_detail(c.reconcile) AS reconcile, try_detail(c.reconcile) = try_detail(c.rest) AS same_as_rest
  FROM (VALUES
    ('unknown account', $$SELECT * FROM azure_reconcile(account => 'nope')$$, $$SELECT count(*) FROM azure_blob_list(account => 'nope')$$),
    ('no default container', $$SELECT * FROM azure_reconcile(account => 'custom')$$, $$SELECT count(*) FROM azure_blob_list(account => 'custom')$$),
    ('empty account', $$SELECT * FROM azure_reconcile(account => '')$$, $$SELECT count(*) FROM azure_blob_list(account => '')$$),
    ('empty container', $$SELECT * FROM azure_reconcile(container => '')$$, $$SELECT count(*) FROM azure_blob_list(container => '')$$),
    ('bad container name', $$SELECT * FROM azure_reconcile('Bad', 'custom')$$, $$SELECT count(*) FROM azure_blob_list('', 'Bad', 'custom')$$)
  ) c(case_, reconcile, rest);
SELECT try_detail($$SELECT * FROM azure_reconcile(account => 'custom')$$) = try_detail($$SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'custom')$$) AS same_as_signing;
SET azure_blob.default_account = '';
SELECT try_detail($$SELECT * FROM azure_reconcile()$$) AS reconcile_no_default_account,
       try_detail($$SELECT * FROM azure_reconcile()$$) = try_detail($$SELECT count(*) FROM azure_blob_list()$$) AS same_as_rest;
SET azure_blob.default_account = 'missing';
SELECT try_detail($$SELECT * FROM azure_reconcile()$$) AS reconcile_missing_default_account,
       try_detail($$SELECT * FROM azure_reconcile()$$) = try_detail($$SELECT count(*) FROM azure_blob_list()$$) AS same_as_rest;
RESET azure_blob.default_account;

-- Nothing above wrote a row.
SELECT count(*) = :files_before AS no_new_files FROM azure_files;
SELECT count(*) = :accounts_before AS no_new_accounts FROM azure_blob.accounts;
