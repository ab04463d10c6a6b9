# The REST functions and the metadata lifecycle against Azurite.
#
# The SQL-only checks are the pg_regress suite test/rest (schedule, sql/,
# expected/): this script runs it against its own cluster, with Azurite's
# endpoint in AZB_REST_ENDPOINT, and reports one test per pg_regress test.
# Here are the checks that need more than SQL: the bytes and statuses Azurite
# serves to curl (SAS URLs, CORS preflights), and the count of List Blobs
# requests (DEBUG1 lines, which name Azurite's port).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use Digest::MD5 qw(md5);
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'rest';
my $node = azb_node('rest');
my $az = AzureBlob::Test::Azurite->start;
ok($az->port, 'Azurite answers at ' . $az->endpoint);

# --- the pg_regress suite test/rest -----------------------------------------
# Under tmp_check (emptied by each make installcheck-tap), not a tempdir
# removed at exit: results/ and regression.diffs stay for inspection.
my $outdir = "$PostgreSQL::Test::Utils::tmp_check/rest_regress";
mkdir $outdir or die "mkdir $outdir: $!";
my ($stdout, $stderr) = ('', '');
{
	local $ENV{AZB_REST_ENDPOINT} = $az->endpoint;
	IPC::Run::run(
		[
			$ENV{PG_REGRESS} // die('PG_REGRESS is not set: run make installcheck-tap'),
			'--bindir=',    # psql from PATH: the installation under test
			'--host', $node->host, '--port', $node->port,
			'--dbname', $db, '--encoding=UTF8', '--no-locale',
			'--inputdir', "$AZB_ROOT/test/rest",
			'--outputdir', $outdir,
			'--schedule', "$AZB_ROOT/test/rest/schedule"
		],
		'<', \undef, '>', \$stdout, '2>', \$stderr,
		# From PostgreSQL 16, pg_regress takes expected files from the current
		# directory (--expecteddir, default ".") before --inputdir: run it in
		# test/rest so that the top-level expected/setup.out is not used.
		init => sub { chdir "$AZB_ROOT/test/rest" or die "chdir $AZB_ROOT/test/rest: $!" });
}
my $regress_rc = $?;
# One result line per test: "test name ... ok" (PostgreSQL 15) or
# "ok 1 - name" / "not ok 1 - name" (16 and later); parallel groups indent.
my @results;
for my $line (split /\n/, $stdout)
{
	if ($line =~ /^(?:test\s+|\s+)?(\S+)\s+\.\.\.\s+(ok|FAILED|failed \(ignored\))/)
	{
		push @results, [ $1, $2 eq 'ok' ];
	}
	elsif ($line =~ /^(not ok|ok)\s+\d+\s+[-+]\s+(\S+)/)
	{
		push @results, [ $2, $1 eq 'ok' ];
	}
}
ok(@results > 0, 'pg_regress ran the test/rest schedule') or diag("pg_regress:\n$stdout\n$stderr");
# Each file, and each "-- check:" block in it: the block from its marker to
# the next, in results/ against expected/, so every former check passes or
# fails on its own.
for my $r (@results)
{
	my ($name, $file_ok) = @$r;
	ok($file_ok, "pg_regress test/rest: $name");
	my %blocks;
	for my $side ('expected', 'results')
	{
		my $path = $side eq 'expected' ? "$AZB_ROOT/test/rest/expected/$name.out" : "$outdir/results/$name.out";
		my $text = -e $path ? PostgreSQL::Test::Utils::slurp_file($path) : '';
		my @parts = split /^(?=-- check: )/m, $text;
		shift @parts unless @parts && $parts[0] =~ /^-- check: /;
		$blocks{$side} = \@parts;
	}
	my @want = @{ $blocks{expected} };
	my @got = @{ $blocks{results} };
	for my $i (0 .. $#want)
	{
		my ($label) = $want[$i] =~ /^-- check: (.*)$/m;
		is($got[$i] // '(missing)', $want[$i], "$name: $label");
	}
}
is($regress_rc, 0, 'pg_regress created the database and passed (exit status 0)')
  or diag("pg_regress:\n$stdout\n$stderr");
if (-s "$outdir/regression.diffs")
{
	diag(PostgreSQL::Test::Utils::slurp_file("$outdir/regression.diffs"));
}

# --- checks with curl --------------------------------------------------------
# As the superuser, in the database the suite made (account "default").
sub sql { return azb_ok($node, $db, @_) }

# A string as an SQL literal.
sub lit
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

# A read URL for a blob (5 minutes).
sub read_url
{
	my ($blob, $container) = @_;
	return sql('SELECT azure_blob_sas_url(' . lit($blob) . ", 'r', now() + interval '5 minutes', container => "
		  . lit($container) . ')');
}

# curl with METHOD to URL -> { status, body, headers }
my $http_dir = PostgreSQL::Test::Utils::tempdir('http');
my $http_n = 0;
sub http
{
	my ($method, $url, @args) = @_;
	my $base = "$http_dir/" . ++$http_n;
	my $r = curl('-X', $method, '-o', "$base.body", '-D', "$base.headers", '-w', '%{http_code}', @args, $url);
	my $get = sub { -e $_[0] ? PostgreSQL::Test::Utils::slurp_file($_[0]) : '' };
	return { status => $r->{status}, body => $get->("$base.body"), headers => $get->("$base.headers"), err => $r->{err} };
}

sql("SELECT azure_container_create('curl')");

# The container answers a List Blobs with a container SAS.
my $list_url = sql("SELECT azure_container_sas_url('l', now() + interval '5 minutes', container => 'curl')");
my $r = http('GET', "$list_url&restype=container&comp=list");
ok($r->{status} eq '200' && $r->{body} =~ /<EnumerationResults/,
	"container made by azure_container_create answers List Blobs with a container SAS -> 200")
  or diag("status $r->{status}: $r->{body} $r->{err}");

# The bytes in Azurite, fetched by curl, not by the extension.
my $b256 = join('', map { chr } 0 .. 255);
sql("SELECT azure_blob_put('bin/all-bytes.bin', (SELECT string_agg(set_byte('\\x00'::bytea, 0, i), ''::bytea ORDER BY i) "
	  . "FROM generate_series(0, 255) i), 'application/octet-stream', 'curl')");
$r = http('GET', read_url('bin/all-bytes.bin', 'curl'));
ok($r->{status} eq '200' && $r->{body} eq $b256,
	'curl GET of a blob put by azure_blob_put, with a read SAS, gives the same 256 bytes')
  or diag("status $r->{status}, " . length($r->{body}) . " bytes $r->{err}");

my $big = join('', map { md5($_) } 1 .. 196608);
sql("SELECT azure_blob_put('bin/big 3mb.bin', (SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') "
	  . "FROM generate_series(1, 196608) i), 'application/x-test', 'curl')");
$r = http('GET', read_url('bin/big 3mb.bin', 'curl'));
ok($r->{status} eq '200' && $r->{body} eq $big,
	'curl GET of the 3 MB blob with a read SAS gives the same 3145728 bytes')
  or diag("status $r->{status}, " . length($r->{body}) . " bytes $r->{err}");

# Each name is exactly this name in Azurite: the signer's URL finds it.
for my $name ('names/with space.txt', 'names/ünïcödé 日本語.txt', 'names/a#b.txt', 'names/what?.txt',
	'names/c++ notes.txt', 'names/100%.txt', 'names/100%25.txt', 'names/deep/dir/x&y=z.txt')
{
	my $body = "content of $name";
	sql('SELECT azure_blob_put(' . lit($name) . ', convert_to(' . lit($body)
		  . "::text, 'UTF8'), 'text/plain; charset=utf-8', 'curl')");
	$r = http('GET', read_url($name, 'curl'));
	ok($r->{status} eq '200' && $r->{body} eq $body,
		"name '$name': curl GET with azure_blob_sas_url finds the same bytes")
	  or diag("status $r->{status}: $r->{body} $r->{err}");
}

# After azure_blob_delete, the read URL finds nothing.
sql("SELECT azure_blob_put('gone.txt', '\\x00'::bytea, container => 'curl')");
my $gone_url = read_url('gone.txt', 'curl');
sql("SELECT azure_blob_delete('gone.txt', 'curl')");
is(http('GET', $gone_url)->{status}, '404', 'after azure_blob_delete: curl GET of the blob -> 404');

# CORS: Azurite applies the rules azure_set_cors sets (test/rest/sql/cors.sql
# checks what azure_get_cors returns).
my $origin = 'http://allowed.example:8080';
sub preflight
{
	my ($from, $method) = @_;
	return http('OPTIONS', $az->endpoint . '/curl/names/with%20space.txt',
		'-H', "Origin: $from", '-H', "Access-Control-Request-Method: $method",
		'-H', 'Access-Control-Request-Headers: x-ms-blob-type');
}
sql("SELECT azure_set_cors(ARRAY['$origin'], ARRAY['PUT','GET','HEAD'], ARRAY['x-ms-blob-type','content-type'], ARRAY['etag'], 600)");
$r = preflight($origin, 'PUT');
my ($allow) = $r->{headers} =~ /^access-control-allow-origin: *([^\r\n]*)/mi;
ok($r->{status} eq '200' && ($allow // '') eq $origin,
	"preflight OPTIONS from the allowed origin, method PUT -> 200, Access-Control-Allow-Origin: $origin")
  or diag("status $r->{status}, headers:\n$r->{headers}");
is(preflight('http://evil.example', 'PUT')->{status}, '403', 'preflight OPTIONS from another origin -> 403');
is(preflight($origin, 'DELETE')->{status}, '403',
	'preflight OPTIONS from the allowed origin with method DELETE (not allowed) -> 403');
sql("SELECT azure_set_cors(ARRAY['https://a.example', 'https://b.example'], ARRAY['PUT'])");
is(preflight($origin, 'PUT')->{status}, '403', 'preflight from the origin of the replaced rule -> 403');
is(preflight('https://b.example', 'PUT')->{status}, '200', 'preflight from the second origin of the new rule -> 200');

# The app's upload: a SAS URL from azure_generate_upload_sas, a PUT by curl.
my ($put_url, $put_name) = split /$AZB_FS/,
  azb_ok($node, $db, "SELECT sas_url, blob_name FROM azure_generate_upload_sas('report.pdf', 'application/pdf')",
	role => 'regress_rest_app', uid => 'alice');
my $pdf = substr(join('', map { md5("pdf$_") } 1 .. 78), 0, 1234);
my $pdf_file = PostgreSQL::Test::Utils::tempdir('pdf') . '/report.pdf';
PostgreSQL::Test::Utils::append_to_file($pdf_file, $pdf);
$r = http('PUT', $put_url, '-H', 'x-ms-blob-type: BlockBlob', '-H', 'Content-Type: application/pdf',
	'--data-binary', "\@$pdf_file");
is($r->{status}, '201', 'alice: upload SAS, PUT 1234 bytes -> 201') or diag($r->{body});
check_out('alice: azure_save_metadata of the blob uploaded with the SAS URL: size 1234, application/pdf',
	join($AZB_FS, 'alice', '1234', 'application/pdf'),
	$node, $db, 'SELECT user_id, size_bytes, content_type FROM azure_save_metadata(' . lit($put_name) . ')',
	role => 'regress_rest_app', uid => 'alice');

# Pages are fetched lazily: count the List Blobs requests (a DEBUG1 line per
# request) over the 5,050 blobs that test/rest/sql/pages.sql leaves in the
# container "pages" (putting them again would double the suite's time).
sub list_requests
{
	my ($query) = @_;
	my $res = azb_sql($node, $db, "SET client_min_messages = debug1; $query", role => 'regress_rest_admin');
	return "failed: $res->{err}" if $res->{rc} != 0;
	my @lines = $res->{err} =~ /azure_blob: GET \S+\/pages -> 200/g;
	return scalar @lines;
}
is(list_requests("SELECT count(*) FROM azure_blob_list('', 'pages')"), 2,
	'full listing of 5,050 blobs makes 2 List Blobs requests');
# In the select list the SRF runs value-per-call, so LIMIT stops it; in FROM,
# Postgres's FunctionScan reads every row into a tuplestore first.
is(list_requests("SELECT count(*) FROM (SELECT azure_blob_list('', 'pages') LIMIT 10) s"), 1,
	'SELECT azure_blob_list(...) LIMIT 10 (select list) makes 1 List Blobs request');
is(list_requests("SELECT count(*) FROM (SELECT azure_blob_list('', 'pages') LIMIT 5001) s"), 2,
	'SELECT azure_blob_list(...) LIMIT 5001 (select list) makes 2 List Blobs requests');
note('FROM azure_blob_list(...) LIMIT 10 made '
	  . list_requests("SELECT count(*) FROM (SELECT * FROM azure_blob_list('', 'pages') LIMIT 10) s")
	  . ' List Blobs requests (FunctionScan materializes)');

done_testing();
