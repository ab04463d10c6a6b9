# Log and side-channel leaks: does an account key, or a signature, ever reach
# the server log, a query result, EXPLAIN, or pg_stat_activity?
#
# The node logs every statement, debug5 messages, the statement of every
# message and whole bind parameters.  A connection string reaches the server
# without SQL through the postmaster's environment: the node is restarted with
# it in this script's %ENV (pg_ctl passes its environment on).
#
# What is asserted:
# - the key added with azure_account_add_from_env (Base64 text, its first 24
#   characters, percent-encoded, as decimal byte lists of plan dumps, and the
#   decoded key in hex) is nowhere in the server log, in any query result or
#   error, in EXPLAIN (VERBOSE, ANALYZE), in auto_explain / debug_print_plan
#   output, or in pg_stat_activity seen from a second session while the first
#   signs 3,000,000 URLs;
# - no "sig=" and no signature value of any URL the test made is in the log;
# - what plain azure_account_add does expose, so the README's warning stays
#   true: with log_statement=all the statement and its key are in the log,
#   with parameters too (log_parameter_max_length=-1: the DETAIL line after
#   "execute", "parameters:" on PostgreSQL 15, "Parameters:" on 18); SET log_statement =
#   'none' alone does not hide it while log_min_error_statement is at debug
#   levels; a session that also sets log_min_messages and
#   log_min_error_statement to panic does;
# - azure_account_add_from_env works: the account signs exactly what the same
#   connection string added with azure_account_add (in another database)
#   signs.
#
# The bind-parameter check runs node with the pg module of
# examples/browser-upload (scripts/install-deps.sh installs both).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IPC::Run;
use MIME::Base64 qw(encode_base64 decode_base64);
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = azb_node('leaks',
	'log_statement = all',
	'log_min_messages = debug5',
	'log_min_error_statement = debug5',
	'log_parameter_max_length = -1');
my $DB  = 'azb_leaks';
my $DB2 = 'azb_leaks2';

# Everything this test saw as a client: every query result and error.
my $client = '';

# Keys: random, so that they occur nowhere before this run.
sub new_key
{
	open(my $fh, '<:raw', '/dev/urandom') or die "/dev/urandom: $!";
	read($fh, my $bytes, 64) == 64 or die "short read from /dev/urandom";
	close $fh;
	return encode_base64($bytes, '');
}
my $K       = new_key();    # the env key: must never show
my $K_PLAIN = new_key();    # added with azure_account_add under log_statement=all: must show
my $K_BIND  = new_key();    # added with azure_account_add as a bind parameter: must show
my $K_NONE  = new_key();    # added after SET log_statement = 'none' only: shows (STATEMENT lines)
my $ENDPOINT = 'http://127.0.0.1:1/leakacct';    # nothing listens there
sub conn_of { return "AccountName=leakacct;AccountKey=$_[0];BlobEndpoint=$ENDPOINT" }

# sql(DB, SQL, %opt): azb_sql, its output and errors also kept in $client.
sub sql
{
	my ($db, $s, %opt) = @_;
	my $r = azb_sql($node, $db, $s, %opt);
	$r->{all} = "$r->{out}\n$r->{err}";
	$client .= "$r->{all}\n";
	return $r;
}

# The percent-encoding of every byte but A-Z a-z 0-9 - . _ ~.
sub pct { my ($s) = @_; $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; return $s }

# find_secrets(TEXT, KEY): the names of the forms of KEY found in TEXT.
sub find_secrets
{
	my ($data, $key) = @_;
	(my $flat = $data) =~ s/\s+//g;
	my $raw = decode_base64($key);
	my @forms = (
		[ 'base64', $key ],
		[ 'base64 (first 24 characters)', substr($key, 0, 24) ],
		[ 'base64 percent-encoded', pct($key) ],
		[ 'hex', unpack('H*', $raw) ],
		[ 'HEX', uc unpack('H*', $raw) ],
		[ 'hex (first 16 bytes)', unpack('H*', substr($raw, 0, 16)) ],
		[ 'decimal bytes of the base64 text (plan dumps)', join('', map { ord } split //, substr($key, 0, 24)) ],
		[ 'decimal bytes of the key', join('', unpack('c16', $raw)) ]);
	my $lower = lc $data;
	return map { $_->[0] } grep {
		index($data, $_->[1]) >= 0 || index($flat, $_->[1]) >= 0 || index($lower, lc $_->[1]) >= 0
	} @forms;
}

sub unpct { my ($s) = @_; $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; return $s }
sub server_log { return slurp_file($node->logfile) }
sub count_of { my ($re, $text) = @_; my $n = () = $text =~ /$re/g; return $n }

# ---------------------------------------------------------------------------
# The server: settings and log file.
is($node->safe_psql('postgres', "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
	WHERE name IN ('log_statement', 'log_min_messages', 'log_min_error_statement', 'log_parameter_max_length')"),
	'log_min_error_statement=debug5 log_min_messages=debug5 log_parameter_max_length=-1 log_statement=all',
	'server logs every statement, debug5 messages, statements of every message, full parameters');

my $mark = 'azb-leaks-marker-' . int(rand(1e9));
$node->safe_psql('postgres', "SELECT '$mark'");
ok($node->log_contains(quotemeta $mark), 'server log found: ' . $node->logfile . ' (a marker statement is in it)');

# ---------------------------------------------------------------------------
# Connection strings into the postmaster's environment.

# PostgreSQL itself logs the postmaster's whole environment at startup when
# log_min_messages is debug3 or lower ("PostmasterMain: initial environment
# dump"): shown here with a key of its own, then avoided for the real one.
my $K_DUMP = new_key();
$node->stop;
$ENV{AZB_LEAK_DUMP} = conn_of($K_DUMP);
ok($node->start(fail_ok => 1), 'node restarted at log_min_messages=debug5 with AZB_LEAK_DUMP in its environment');
delete $ENV{AZB_LEAK_DUMP};
{
	my $log = server_log();
	ok($log =~ /initial environment dump/ && find_secrets($log, $K_DUMP),
		'caveat: started at log_min_messages <= debug3, the postmaster logs its environment, connection strings included');
}
my $env_dumps = count_of(qr/initial environment dump/, server_log());

# Start at debug2 (above debug3), then back to debug5 by a reload: the dump
# happens only at startup.
$node->safe_psql('postgres', "ALTER SYSTEM SET log_min_messages = 'debug2'");
$node->stop;
$ENV{AZB_LEAK_CONN} = conn_of($K);
$ENV{AZB_LEAK_BAD}  = "AccountName=leakacct;AccountKey=$K;Bogus=$K";
ok($node->start(fail_ok => 1), 'node restarted at log_min_messages=debug2 with AZB_LEAK_CONN in its environment');
# From here on, what only this script's environment holds is not the server's.
delete $ENV{AZB_LEAK_CONN};
delete $ENV{AZB_LEAK_BAD};
$ENV{AZB_LEAK_EXPORTED} = conn_of(new_key());
$node->safe_psql('postgres', "ALTER SYSTEM SET log_min_messages = 'debug5'; SELECT pg_reload_conf()");
usleep(500_000);
{
	my $now_dumps = count_of(qr/initial environment dump/, server_log());
	ok($node->safe_psql('postgres', 'SHOW log_min_messages') eq 'debug5' && $now_dumps == $env_dumps,
		'no environment dump at this start; log_min_messages back at debug5 (reload)')
	  or diag("dumps $env_dumps -> $now_dumps");
}

for my $d ($DB, $DB2)
{
	azb_setup_db($node, $d);
	$node->safe_psql($d, "ALTER DATABASE $d SET azure_blob.allow_http = on;
		ALTER DATABASE $d SET azure_blob.max_retries = 0;
		ALTER DATABASE $d SET azure_blob.verify_uploads = off;
		ALTER DATABASE $d SET azure_blob.default_account = 'leak'");
}
azb_role($node, $DB, 'azb_leaks_admin', 'admin');
$node->safe_psql($DB2, "SELECT azure_grant('azb_leaks_admin', 'admin')");

# ---------------------------------------------------------------------------
# azure_account_add_from_env.
{
	my $r = sql($DB, "SELECT azure_account_add_from_env('exported', 'AZB_LEAK_EXPORTED')");
	ok($r->{rc} != 0 && $r->{state} eq '42704',
		"a variable only in the client's environment is not in the server's (42704)") or diag($r->{all});
	$r = sql($DB, "SELECT azure_account_add_from_env('leak', 'AZB_LEAK_CONN', 'uploads');
	SELECT concat_ws(' ', alias, account_name, blob_endpoint, default_container) FROM azure_accounts WHERE alias = 'leak'");
	ok($r->{rc} == 0 && $r->{out} =~ /^leak leakacct \Q$ENDPOINT\E uploads$/m,
		'azure_account_add_from_env adds the account (name, endpoint, container)') or diag($r->{all});
	$r = sql($DB, "SELECT azure_account_add_from_env('leakbad', 'AZB_LEAK_BAD')");
	ok($r->{rc} != 0 && $r->{state} eq '22023' && !find_secrets($r->{all}, $K),
		'a malformed connection string from the environment: 22023, and the error holds no key') or diag($r->{all});
}

# ---------------------------------------------------------------------------
# Signing, good and bad input, with the env account.
sql($DB, q{INSERT INTO azure_files (blob_name) VALUES ('leak/read.txt');
SELECT azure_blob_sas_url('leak/' || g || '.txt', 'racwd', '2030-01-01 00:00:00+00') FROM generate_series(1, 300) g;
SELECT azure_container_sas_url('rl', '2030-01-01 00:00:00+00', ip_range => '10.0.0.' || g, account => 'leak') FROM generate_series(1, 100) g;
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => 'attachment; filename="a' || g || '.txt"',
  encryption_scope => 'scope' || g, identifier => 'p' || g) FROM generate_series(1, 100) g;
SELECT sas_url FROM generate_series(1, 200) g, azure_generate_upload_sas('up' || g || '.txt', 'text/plain');
SELECT azure_generate_read_sas('leak/read.txt') FROM generate_series(1, 100);});
my @bad = (
	q{SELECT azure_blob_sas_url('a.txt', 'rq', '2030-01-01')},
	q{SELECT azure_blob_sas_url('../a.txt', 'r', '2030-01-01')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', 'infinity')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '2031-01-01')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'http')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'Bad')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => E'text/plain\r\nX: 1')},
	q{SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'nope')},
	q{SELECT azure_container_sas_url('rlz', '2030-01-01')},
	q{SELECT * FROM azure_generate_upload_sas('a/b.txt', 'text/plain')},
	q{SELECT * FROM azure_generate_upload_sas('a.txt', 'text/plain', '8 days')},
	q{SELECT azure_generate_read_sas('no-such-file.txt')},
	q{SELECT azure_save_metadata('not-issued.txt', 'https://evil.example.com/x')},
	q{INSERT INTO azure_files (blob_name, file_url) VALUES ('leak/x.txt', 'http://127.0.0.1:1/leakacct/uploads/y.txt')},
	q{SELECT azure_blob_get('leak/read.txt')},
	q{SELECT azure_blob_put('leak/put.txt', '\x00')},
	q{SELECT count(*) FROM azure_blob_list('leak/')},
	q{SELECT azure_blob_delete('leak/read.txt')},
	q{SELECT azure_set_cors('{https://app.example.com}', '{PUT}')},
	q{SELECT * FROM azure_reconcile()},
	q{SELECT azure_account_add('leak', 'UseDevelopmentStorage=true')});
{
	my @succeeded = grep { sql($DB, $_)->{rc} == 0 } @bad;
	ok(!@succeeded, scalar(@bad) . ' bad or failing calls with the env account all raised errors')
	  or diag("these succeeded:\n" . join("\n", @succeeded));
}
# The REST calls above ran (and failed with 08006) with requests signed by Shared Key.
sql($DB, "DELETE FROM azure_files WHERE blob_name = 'leak/read.txt'; SELECT azure_process_deletions(10)");

# EXPLAIN shows calls and arguments, never a URL.
{
	my $r = sql($DB, "EXPLAIN (VERBOSE) SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00');
EXPLAIN (ANALYZE, VERBOSE, BUFFERS) SELECT azure_blob_sas_url('a' || g, 'r', '2030-01-01 00:00:00+00') FROM generate_series(1, 1000) g;
EXPLAIN (ANALYZE, VERBOSE) SELECT azure_container_sas_url('rl', '2030-01-01 00:00:00+00');
EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM azure_generate_upload_sas('e.txt', 'text/plain');
EXPLAIN (ANALYZE, VERBOSE) SELECT azure_generate_read_sas(blob_name) FROM azure_files;");
	ok($r->{rc} == 0 && $r->{out} ne '' && $r->{all} !~ /sig=/ && !find_secrets($r->{all}, $K),
		'EXPLAIN (ANALYZE, VERBOSE) of every signer: no key, no signature') or diag($r->{all});
}

# auto_explain of nested statements and the planner's own dumps, while an
# account is added from the environment and URLs are signed.
my $ae = sql($DB, "LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
SET auto_explain.log_verbose = on; SET auto_explain.log_analyze = on;
SET debug_print_parse = on; SET debug_print_rewritten = on; SET debug_print_plan = on;
SELECT azure_account_add_from_env('leak2', 'AZB_LEAK_CONN', 'uploads');
SELECT azure_blob_sas_url('ae.txt', 'r', '2030-01-01 00:00:00+00', account => 'leak2');
SELECT azure_account_remove('leak2');");
# psql stops at the first error: without auto_explain installed (a PostgreSQL
# built without contrib) nothing of the block runs, so this check fails then.
ok($ae->{rc} == 0 && $node->log_contains('Query Text: INSERT INTO azure_blob\.accounts'),
	'auto_explain logged the nested INSERT into azure_blob.accounts (checked for the key below)')
  or diag($ae->{err});

# ---------------------------------------------------------------------------
# pg_stat_activity of another session, while this one signs 3,000,000 URLs.
{
	my $long = "SELECT count(azure_blob_sas_url('long/' || g, 'r', '2030-01-01 00:00:00+00', account => 'leak')) "
	  . 'FROM generate_series(1, 3000000) g';
	my $long_out = '';
	my $h = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr($DB), '-c', $long ],
		'<', \undef, '>', \$long_out, '2>', \$long_out);
	my ($seen, $activity) = (0, '');
	my $poll = 'SELECT row_to_json(a)::text FROM pg_stat_activity a WHERE pid <> pg_backend_pid()';
	for (1 .. 100)
	{
		$h->pump_nb;
		last unless $h->pumpable;
		my $now = '';
		for my $as (undef, 'azb_leaks_admin')
		{
			my $r = azb_sql($node, $DB, $poll, defined $as ? (role => $as) : ());
			$now .= "$r->{out}\n$r->{err}\n";
		}
		$activity .= $now;
		$seen++ if $now =~ /"state":"active".*generate_series\(1, 3000000\)/;
		usleep(100_000);
	}
	$h->finish;
	$client .= "$activity\n$long_out\n";
	ok($seen > 0 && $long_out =~ /^3000000$/m,
		"a second session saw the 3,000,000-URL query active in pg_stat_activity ($seen polls)")
	  or diag("seen=$seen; $long_out");
	my @found = find_secrets($activity, $K);
	ok($activity !~ /sig=/ && !@found, 'pg_stat_activity (as superuser and as an admin role) shows no key and no signature')
	  or diag("found as: @found");
}

# ---------------------------------------------------------------------------
# What plain azure_account_add exposes, and what hides it.
sql($DB, "SELECT azure_account_add('plain', '" . conn_of($K_PLAIN) . "')");
sql($DB, "SET log_statement = 'none'; SELECT azure_account_add('nolog', '" . conn_of($K_NONE) . "')");
# The same connection string as the env account, in another database, in a
# session that logs nothing: only that keeps it out of the log.
my $quiet = sql($DB2, "SET log_statement = 'none'; SET log_min_messages = 'panic'; SET log_min_error_statement = 'panic';
SELECT azure_account_add('leak', '" . conn_of($K) . "', 'uploads');");

# A bind parameter (extended protocol, as an application would send it).
{
	my $pg_module = "$AZB_ROOT/examples/browser-upload/node_modules/pg";
	my ($rc, $out) = (127, '');
	my $js = <<'JS';
const { Client } = require(process.env.PG_MODULE);
(async () => {
	const c = new Client();
	await c.connect();
	await c.query("SELECT azure_account_add($1, $2)", ["bind", process.env.BIND_CONN]);
	const r = await c.query("SELECT sas_url FROM azure_generate_upload_sas($1, $2)", ["bind.txt", "text/plain"]);
	const s = await c.query("SELECT azure_blob_sas_url($1, $2, $3)", ["bind/a.txt", "r", "2030-01-01T00:00:00Z"]);
	console.log(r.rows[0].sas_url);
	console.log(s.rows[0].azure_blob_sas_url);
	await c.end();
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
	if (-d $pg_module && system('sh', '-c', 'command -v node >/dev/null') == 0)
	{
		local $ENV{PG_MODULE}  = $pg_module;
		local $ENV{PGHOST}     = $node->host;
		local $ENV{PGPORT}     = $node->port;
		local $ENV{PGDATABASE} = $DB;
		local $ENV{PGUSER}     = $node->safe_psql('postgres', 'SELECT current_user');
		local $ENV{BIND_CONN}  = conn_of($K_BIND);
		IPC::Run::run([ 'node', '-e', $js ], '<', \undef, '>', \$out, '2>', \$out);
		$rc = $? >> 8;
		$client .= "$out\n";
	}
	else
	{
		$out = "node or $pg_module missing (scripts/install-deps.sh installs both)";
	}
	ok($rc == 0, 'azure_account_add and signers called with bind parameters (extended protocol)') or diag($out);
}

# Same connection string, same signatures: the env account in $DB and the
# plainly added one in $DB2 sign the same URL for fixed times.
{
	my $same = "SELECT azure_blob_sas_url('same/a b.txt', 'rw', '2030-01-01 00:00:00+00', '2029-01-01 00:00:00+00', account => 'leak')
  || ' ' || azure_container_sas_url('rl', '2030-01-01 00:00:00+00', account => 'leak')";
	my $u1 = sql($DB,  $same)->{out};
	my $u2 = sql($DB2, $same)->{out};
	ok($u1 ne '' && $u1 eq $u2 && $u1 =~ m{^http://127\.0\.0\.1:1/leakacct/uploads/},
		'the env account signs exactly what azure_account_add of the same string signs (blob and container SAS)')
	  or diag("$u1 / $u2");
}

# ---------------------------------------------------------------------------
# The verdicts.
usleep(500_000);    # let the last log lines reach the file
my $log = server_log();
note('server log: ' . length($log) . ' bytes in ' . $node->logfile);

{
	my @found = find_secrets($log, $K);
	ok(!@found, 'the env key is nowhere in the server log (Base64, percent-encoded, hex, plan byte dumps)')
	  or diag("found as: @found");
	@found = find_secrets($client, $K);
	ok(!@found, 'the env key is in no query result, error, EXPLAIN or pg_stat_activity row')
	  or diag("found as: @found");
}
my %sigs = map { $_ => 1 } $client =~ /sig=([A-Za-z0-9%]*)/g;
my $nsig = keys %sigs;
ok($nsig > 500, "the test made $nsig distinct signed URLs (more than 500)");
ok($log !~ /sig=/, "no 'sig=' anywhere in the server log")
  or diag(join("\n", (grep { /sig=/ } split /\n/, $log)[0 .. 4]));
{
	my %sig_values = map { unpct($_) => 1 } grep { $_ ne '' } keys %sigs;
	my %tokens = map { unpct($_) => 1 } $log =~ m{([A-Za-z0-9+/%]{40,})}g;
	$tokens{"$_="} = 1 for keys %tokens;
	my @leaked = grep { $tokens{$_} } keys %sig_values;
	ok(!@leaked, 'no signature value of any URL made here is in the server log') or diag(scalar(@leaked) . ' found');
}
{
	my @lines = grep { /(ERROR|DETAIL|HINT|CONTEXT|DEBUG[1-5]?|LOG):.*https?:\/\/[^ "]*\?/ && !/STATEMENT:/ && !/statement:/ }
	  split /\n/, $log;
	ok(!@lines, 'no error, detail or debug line of the server log holds a URL with a query')
	  or diag(join("\n", @lines[ 0 .. ($#lines < 4 ? $#lines : 4) ]));
}
ok($log !~ /SharedKey/,
	'no Shared Key Authorization header in the server log (REST calls were made: '
	  . count_of(qr/azure_blob: [A-Z]* http/, $log) . ' DEBUG lines)');

# What azure_account_add exposes (README, "azure_account_add in statement logs").
ok(scalar(find_secrets($log, $K_PLAIN)), 'README warning holds: azure_account_add under log_statement=all logs the key');
# The DETAIL of an "execute" line: "parameters: $1 = ..." on PostgreSQL 15,
# "Parameters: $1 = ..." on 18 (16 and 17 are not tested here: either).
{
	my $major = $node->pg_version->major;
	my $label = $major <= 15 ? 'parameters' : $major >= 18 ? 'Parameters' : '[Pp]arameters';
	ok($log =~ /LOG:  execute [^\n]*azure_account_add\(\$1, \$2\)\n[^\n]*DETAIL:  $label: [^\n]*\Q$K_BIND\E/,
		"README warning holds: a bind parameter with the key is logged (log_parameter_max_length=-1; PostgreSQL $major: DETAIL \"$label: \$2 = '...'\")"
	) or diag(join("\n", grep { /arameters: / } split /\n/, $log));
}
ok($log =~ /STATEMENT: .*\Q$K_NONE\E/ && $log !~ /statement: .*\Q$K_NONE\E/,
	"SET log_statement = 'none' alone: no 'statement:' line, but debug messages carry the key in STATEMENT lines (log_min_error_statement=debug5)")
  or diag(count_of(qr/\Q$K_NONE\E/, $log) . ' lines with the key');
ok($quiet->{rc} == 0 && $quiet->{all} !~ /ERROR/ && !find_secrets($log, $K),
	'a session with log_statement, log_min_messages and log_min_error_statement off added the same string unlogged')
  or diag("$quiet->{all}\nthe env key in the log as: " . join(', ', find_secrets($log, $K)));

done_testing();
