# AZB_SLOW: left out by AZB_QUICK=1 (test/run-all.sh): Chromium, about a minute.
# Browser end-to-end test: real headless Chromium uploads straight to Azurite
# with the example of examples/browser-upload.
#
# All on 127.0.0.1: a cluster (the backend logs in over TCP with a password),
# its database with the extension, a login role for the backend (GRANT
# azure_blob_user), Azurite, the container and the account; the example backend
# (server.js) twice, on the page origin, which the CORS rule set by
# azure_set_cors allows, and on a second origin, which it does not;
# test/browser/browser-test.js (playwright-core) drives Chromium: it uploads a
# PNG and a text file, reads them back through the listed read URLs, and on the
# second origin the PUT must fail with a CORS error.  Each of its checks is one
# assertion here; then the .pl checks from outside the browser what the
# database and Azurite hold.  Screenshots: tmp_check/browser/ under TESTDIR.
#
# Needs Debian's chromium (skipped without it; CHROMIUM= another binary), node,
# and the npm packages of test/browser and examples/browser-upload
# (scripts/install-deps.sh).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use Digest::SHA qw(sha256_hex);
use Encode qw(encode);
use File::Path qw(make_path);
use File::Temp ();
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $CHROMIUM = $ENV{CHROMIUM} // '/usr/bin/chromium';
plan skip_all => "no Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM)" unless -x $CHROMIUM;

my $HERE = "$AZB_ROOT/test/browser";
my $EXAMPLE = "$AZB_ROOT/examples/browser-upload";
my $DB = 'browser';
my $APP_ROLE = 'web_app';      # the example backend's login role, granted azure_blob_user
my $CONTAINER = 'uploads';
my $DEMO_USER = 'demo-user';   # server.js's default application user
my $work = PostgreSQL::Test::Utils::tempdir('browser');
my $shots = "$PostgreSQL::Test::Utils::tmp_check/browser";
my $json = JSON::PP->new->utf8;

# Decoded JSON text (blob names with "ü") as UTF-8 bytes, as psql and TAP take them.
sub u8 { return defined $_[0] ? encode('UTF-8', $_[0]) : undef }

# Runs CMD; returns { rc, out, err }.
sub run_cmd
{
	my (@cmd) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run(\@cmd, '<', \undef, '>', \$out, '2>', \$err);
	return { rc => $? >> 8, out => $out, err => $err };
}

# One assertion: SQL (as the superuser) succeeds; returns its output.
sub sql_step
{
	my ($label, $db, $sql) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $r = azb_sql($main::node, $db, $sql);
	ok($r->{rc} == 0, $label) or diag($r->{err});
	return $r->{rc} == 0 ? $r->{out} : undef;
}

# ---------------------------------------------------------------------------
# Prerequisites.
my $version = run_cmd($CHROMIUM, '--version');
my ($version_line) = split /\n/, $version->{out};
like($version_line // '', qr/Chromium \d/, "prerequisite: $CHROMIUM (" . ($version_line // '?') . ')')
  or diag($version->{err});
my $deps = run_cmd('node', '-e',
	"require.resolve('playwright-core', {paths: ['$HERE']}); require.resolve('pg', {paths: ['$EXAMPLE']})");
ok($deps->{rc} == 0, 'prerequisite: playwright-core (test/browser) and pg (examples/browser-upload) installed')
  or diag($deps->{err}), die "npm packages missing: run scripts/install-deps.sh\n";

# ---------------------------------------------------------------------------
# Cluster, database, extension, backend role.  The backend connects over TCP
# with a password, as a web application does.
our $node = azb_node('browser', "listen_addresses = '127.0.0.1'");
my $hba = $node->data_dir . '/pg_hba.conf';
my $hba_text = slurp_file($hba);
open my $hf, '>', $hba or die "$hba: $!";
print $hf "host $DB $APP_ROLE 127.0.0.1/32 scram-sha-256\n", $hba_text;
close $hf;
$node->reload;
my $password = unpack('H*', join '', map { chr int rand 256 } 1 .. 16);

sql_step("setup: create database $DB", 'postgres',
	"CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
  // die "no database\n";
sql_step('setup: CREATE EXTENSION azure_blob', $DB, 'CREATE EXTENSION azure_blob') // die "no extension\n";
# REST calls (azure_set_cors, azure_container_create) to Azurite's http
# endpoint need the superuser-only azure_blob.allow_http; new sessions of this
# database get it.
sql_step("setup: ALTER DATABASE $DB SET azure_blob.allow_http = on", $DB,
	"ALTER DATABASE $DB SET azure_blob.allow_http = on");
sql_step("setup: login role $APP_ROLE for the backend (GRANT azure_blob_user)", $DB, <<"EOS") // die "no backend role\n";
CREATE ROLE $APP_ROLE LOGIN PASSWORD '$password';
GRANT azure_blob_user TO $APP_ROLE;
SELECT azure_grant('$APP_ROLE', 'user');
GRANT CONNECT ON DATABASE $DB TO $APP_ROLE;
GRANT USAGE ON SCHEMA public TO $APP_ROLE;
EOS

# ---------------------------------------------------------------------------
# Azurite, container, account.
my $az = eval { AzureBlob::Test::Azurite->start };
ok($az, 'setup: Azurite listening at ' . ($az ? $az->endpoint : '(none)')) or diag($@), die "no Azurite\n";
my $endpoint = $az->endpoint;
my $conn = "UseDevelopmentStorage=true;BlobEndpoint=$endpoint";
sql_step("setup: azure_account_add('default', '$conn', '$CONTAINER')", $DB,
	"SELECT azure_account_add('default', '$conn', '$CONTAINER')") // die "no account\n";
check_out("setup: azure_container_create('$CONTAINER') -> true", 't', $node, $DB,
	"SELECT azure_container_create('$CONTAINER')") or die "no container\n";

# ---------------------------------------------------------------------------
# The example backend, twice, each on a port of its own choosing (PORT=0): the
# page origin, which the CORS rule will allow, and another one.
my %servers;

sub start_server
{
	my ($name) = @_;
	my $log = "$work/server-$name.log";
	my $h = IPC::Run::start([ 'node', "$EXAMPLE/server.js" ],
		init => sub {
			delete $ENV{DATABASE_URL};
			@ENV{qw(PORT PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE DEMO_USER)} =
			  (0, '127.0.0.1', $node->port, $APP_ROLE, $password, $DB, $DEMO_USER);
		},
		'<', \undef, '>', $log, '2>&1');
	$servers{$name} = $h;
	for (1 .. 100)
	{
		my $text = -e $log ? slurp_file($log) : '';
		return "http://127.0.0.1:$1" if $text =~ m{^listening on http://127\.0\.0\.1:(\d+)$}m;
		last unless $h->pumpable;
		usleep(100_000);
	}
	return undef;
}

sub stop_servers
{
	for my $h (values %servers)
	{
		$h->signal('TERM') if $h->pumpable;
		eval { $h->finish; 1 } or $h->kill_kill(grace => 5);
	}
	%servers = ();
	return;
}
END { stop_servers() }

my %origin;
for my $which ('page', 'other')
{
	$origin{$which} = start_server($which);
	ok($origin{$which}, "example backend ($which) listening on " . ($origin{$which} // '(nothing)'))
	  or diag(slurp_file("$work/server-$which.log")), die "no backend\n";
}
my ($PAGE_ORIGIN, $OTHER_ORIGIN) = @origin{ 'page', 'other' };

# ---------------------------------------------------------------------------
# CORS.  preflight(ORIGIN): "STATUS ALLOW_ORIGIN" of a browser's preflight of
# the upload PUT (no authentication, spec §8.5).
sub preflight
{
	my ($origin) = @_;
	my $r = curl('--max-time', '10', '-o', '/dev/null', '-D', '-', '-w', '%{http_code}', '-X', 'OPTIONS',
		'-H', "Origin: $origin", '-H', 'Access-Control-Request-Method: PUT',
		'-H', 'Access-Control-Request-Headers: content-type,x-ms-blob-type',
		"$endpoint/$CONTAINER/preflight-probe.txt");
	my ($allow) = $r->{out} =~ /^access-control-allow-origin: *([^\r\n]*)/mi;
	return "$r->{status} " . ($allow // '');
}

# First a rule for the other origin only, then the real one: azure_set_cors
# sets exactly one rule, so afterwards the other origin must be refused.
my $set = azb_sql($node, $DB, "SELECT azure_set_cors(ARRAY['$OTHER_ORIGIN'], ARRAY['GET'])");
my ($pf_other, $pf_page) = (preflight($OTHER_ORIGIN), preflight($PAGE_ORIGIN));
ok($set->{rc} == 0 && $pf_other eq '403 ' && $pf_page eq '403 ',
	"azure_set_cors(ARRAY['$OTHER_ORIGIN'], ARRAY['GET']): PUT preflight refused (403) for both origins")
  or diag("$set->{err} other: $pf_other, page: $pf_page");
sql_step("azure_set_cors(ARRAY['$PAGE_ORIGIN'], ARRAY['PUT','GET','HEAD','OPTIONS'])", $DB,
	"SELECT azure_set_cors(ARRAY['$PAGE_ORIGIN'], ARRAY['PUT','GET','HEAD','OPTIONS'])") // die "no CORS rule\n";
is(preflight($PAGE_ORIGIN), "200 $PAGE_ORIGIN",
	"PUT preflight from $PAGE_ORIGIN -> 200, Access-Control-Allow-Origin: $PAGE_ORIGIN");
is(preflight($OTHER_ORIGIN), '403 ', "PUT preflight from $OTHER_ORIGIN -> 403 (the rule was replaced, not added to)");

# JSON body and status of a request to the backend.
sub api
{
	my (@args) = @_;
	my $r = curl('--max-time', '10', '-w', '\n%{http_code}', @args);
	my ($body) = $r->{out} =~ /\A(.*)\n\d{3}\z/s;
	my $data = eval { $json->decode($body // '') };
	return { status => $r->{status}, body => $body // $r->{err}, data => $data };
}

# The backend runs the SQL as APP_ROLE: an upload URL for the demo user.
my $api = api('-X', 'POST', '-H', 'Content-Type: application/json',
	'-d', '{"fileName":"probe.txt","contentType":"text/plain"}', "$PAGE_ORIGIN/api/upload-url");
my $d = $api->{data} // {};
my ($sas_base, $sas_query) = ($d->{sasUrl} // '') =~ /\A([^?#]*)\?([^#]*)/;
ok($api->{status} eq '200' && defined $sas_query && $sas_query =~ /(?:^|&)sp=c(?:&|$)/
	  && ($d->{blobName} // '') =~ /-probe\.txt\z/ && ($d->{fileUrl} // '') eq $sas_base,
	'POST /api/upload-url -> 200 {sasUrl (sp=c), blobName, fileUrl}')
  or diag("HTTP $api->{status} $api->{body}");

# ---------------------------------------------------------------------------
# The browser.
note('--- headless Chromium');
# Chromium keeps a Unix socket in its profile directory, and a socket path has
# at most 107 bytes: the profiles go in a short directory of their own, not
# under the TAP directory (whose path can be long).
my $profiles = File::Temp::tempdir('/tmp/azb-chr-XXXXXX', CLEANUP => 1);
make_path($shots);
unlink "$shots/upload.png", "$shots/cors-blocked.png";

# Chromium processes left behind if node had to be killed: found by the
# profile directory of this run on their command line, stopped by PID.
sub kill_leftover_chromium
{
	for my $proc (glob '/proc/[0-9]*')
	{
		open my $f, '<', "$proc/cmdline" or next;
		my $cmd = do { local $/; <$f> } // '';
		close $f;
		kill 'KILL', $proc =~ s{.*/}{}r if index($cmd, $profiles) >= 0;
	}
	return;
}

my ($bout, $berr) = ('', '');
my $ran = eval {
	IPC::Run::run([ 'node', "$HERE/browser-test.js" ],
		init => sub {
			chdir $HERE or die "chdir: $!";
			@ENV{qw(TMPDIR PAGE_URL OTHER_PAGE_URL SHOT_DIR RESULT_FILE CHROMIUM NO_COLOR)} =
			  ($profiles, "$PAGE_ORIGIN/", "$OTHER_ORIGIN/", $shots, "$work/browser.json", $CHROMIUM, 1);
		},
		'<', \undef, '>', \$bout, '2>', \$berr, IPC::Run::timeout(300));
	1;
};
my $browser_rc = $ran ? $? >> 8 : "killed ($@)";
kill_leftover_chromium();
for my $line (split /\n/, $bout)
{
	my $c = eval { $json->decode($line) };
	if (ref $c eq 'HASH' && defined $c->{name})
	{
		ok($c->{ok}, 'browser: ' . u8($c->{name})) or diag(u8($c->{why}) // '');
	}
	else
	{
		note(ref $c eq 'HASH' ? u8($c->{note}) // $line : $line);
	}
}
note($berr) if $berr ne '';
is($browser_rc, 0, 'browser-test.js finished (exit 0)')
  or diag(slurp_file("$work/server-page.log"));
ok(-s "$shots/upload.png", 'screenshot written: upload.png');
note("screenshots in $shots");

# ---------------------------------------------------------------------------
# Outside the browser: what the database and Azurite hold now.
note('--- database and storage after the browser session');
my $result = -s "$work/browser.json" ? $json->decode(slurp_file("$work/browser.json")) : {};
my @uploaded = @{ $result->{uploaded} // [] };
$_->{blobName} = u8($_->{blobName}) for @uploaded, $result->{blocked} // ();

# A read URL signed by the admin signer, also for blobs without an azure_files row.
sub admin_read_url
{
	my ($blob) = @_;
	return azb_ok($node, $DB, "SELECT azure_blob_sas_url('" . ($blob =~ s/'/''/gr) . "', 'r', now() + interval '5 minutes')");
}

sub quote { return "'" . ($_[0] =~ s/'/''/gr) . "'" }

for my $u (@uploaded)
{
	my $blob = $u->{blobName};
	check_out("azure_files has '$blob' for user_id $DEMO_USER", $DEMO_USER, $node, $DB,
		'SELECT user_id FROM azure_files WHERE blob_name = ' . quote($blob));
	my $get = curl('--max-time', '30', '-o', "$work/blob.out", '-w', '%{http_code}', admin_read_url($blob));
	my $got = -e "$work/blob.out" ? sha256_hex(slurp_file("$work/blob.out")) : '';
	ok($get->{status} eq '200' && $got eq $u->{sha256},
		"Azurite holds '$blob': $u->{size} bytes, same SHA-256 as the file given to the browser")
	  or diag("status $get->{status}, sha256 $got want $u->{sha256}");
}
if (my $blocked = ($result->{blocked} // {})->{blobName})
{
	check_out("blocked upload '$blocked' has no azure_files row", '0', $node, $DB,
		'SELECT count(*) FROM azure_files WHERE blob_name = ' . quote($blocked));
	my $get = curl('--max-time', '30', '-o', '/dev/null', '-w', '%{http_code}', admin_read_url($blocked));
	is($get->{status}, '404', "blocked upload '$blocked' is not in Azurite (GET with an admin read URL -> 404)");
}
cmp_ok(scalar @uploaded, '>=', 2, 'the browser uploaded 2 files');

# The backend passes the application user to Postgres: another user (the
# X-User-Id header of the example) sees none of demo-user's files and cannot
# register a name issued to demo-user.
$api = api('-H', 'X-User-Id: someone-else', "$PAGE_ORIGIN/api/files");
$d = $api->{data} // {};
ok($api->{status} eq '200' && ($d->{user} // '') eq 'someone-else' && ref $d->{files} eq 'ARRAY' && !@{ $d->{files} },
	'GET /api/files as X-User-Id someone-else -> 200, no files (row-level security)')
  or diag("HTTP $api->{status} $api->{body}");
my $first = @uploaded ? $uploaded[0]{blobName} : '';
$api = api('-X', 'POST', '-H', 'X-User-Id: someone-else', '-H', 'Content-Type: application/json',
	'-d', JSON::PP->new->encode({ blobName => $first }), "$PAGE_ORIGIN/api/files");
ok($first ne '' && $api->{status} =~ /^4\d\d$/, "POST /api/files as someone-else for demo-user's blob -> 4xx")
  or diag($first eq '' ? 'no blob uploaded' : "HTTP $api->{status}");
note("$api->{status} $api->{body}");

stop_servers();
for my $which ('page', 'other')
{
	my @lines = grep { !/^listening on|: shutting down$/ } split /\n/, slurp_file("$work/server-$which.log");
	note("backend ($which) log: $_") for @lines;
}

done_testing();

