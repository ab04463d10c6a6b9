# Wait event: while a backend waits for an HTTP answer, pg_stat_activity says
# so (src/http.cpp, compat.hpp AzureRequestWaitEvent): wait_event_type
# 'Extension', wait_event 'AzureBlobRequest' on PostgreSQL 17 and later
# (custom wait events), 'Extension' on 15 and 16.
#
# Session A calls azure_blob_get against the "silent" server of
# test/azurite/fault_servers.py (accepts and never answers); another session
# watches A's row of pg_stat_activity, then cancels A.  127.0.0.1 only.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $DB = 'azb_wait';
my $work = PostgreSQL::Test::Utils::tempdir('wait_event');

# The silent server, which prints the port it bound.
my $out = '';
my $server = IPC::Run::start([ 'python3', "$AZB_ROOT/test/azurite/fault_servers.py", 'silent', "$work/silent.log" ],
	'<', \undef, '>', \$out, '2>', "$work/silent.err");
END { local $?; eval { $server->kill_kill(grace => 2) } if $server }
for (1 .. 200)
{
	$server->pump_nb;
	last if $out =~ /^\d+\n/ || !$server->pumpable;
	usleep(50_000);
}
my ($port) = $out =~ /^(\d+)\n/ or BAIL_OUT("silent server did not start: " . slurp_file("$work/silent.err"));

my $node = azb_node('wait_event');
azb_setup_db($node, $DB);
$node->safe_psql($DB, "ALTER DATABASE $DB SET azure_blob.allow_http = on");
my $version = $node->safe_psql($DB, 'SHOW server_version_num');
my $want_event = $version >= 170000 ? 'AzureBlobRequest' : 'Extension';
my $setup = azb_sql($node, $DB,
	"SELECT azure_account_add('silent', 'AccountName=devstoreaccount1;AccountKey=$AZURITE_DEV_KEY;"
	  . "BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1', 'waits');");
is($setup->{rc}, 0, "setup: account 'silent' at 127.0.0.1:$port (server version $version)")
  or BAIL_OUT("no account: $setup->{err}");

# Session A: one request that hangs (no retry, a request timeout far beyond the test).
my $sa = azb_session($node, $DB);
my $pid = sess_query($sa,
	"SET azure_blob.max_retries = 0; SET azure_blob.request_timeout_ms = 120000;
	SELECT pg_backend_pid();")->{out};
$pid =~ s/\s+//g;
die "no backend pid: $pid" unless $pid =~ /^\d+$/;
$sa->query_until(qr/sent/, "\\echo sent\nSELECT azure_blob_get('x', NULL, 'silent');\n");

# Wait until the silent server has the connection and A's row shows a wait of type Extension.
my $seen = $node->poll_query_until($DB,
	"SELECT wait_event_type IS NOT DISTINCT FROM 'Extension' FROM pg_stat_activity WHERE pid = $pid");
ok($seen, "backend $pid waiting on Azure: wait_event_type = 'Extension'");
my $row = $node->safe_psql($DB,
	"SELECT wait_event_type, wait_event, state, query LIKE '%azure_blob_get%' FROM pg_stat_activity WHERE pid = $pid",
	extra_params => [ '-F', $AZB_FS ]);
is($row, join($AZB_FS, 'Extension', $want_event, 'active', 't'),
	"pg_stat_activity: Extension / $want_event, active, in azure_blob_get");
ok(-e "$work/silent.log" && slurp_file("$work/silent.log") =~ /connect/,
	'the silent server holds the connection (the request was sent)');

if ($version >= 170000)
{
	is($node->safe_psql($DB, "SELECT type FROM pg_wait_events WHERE name = 'AzureBlobRequest'"),
		'Extension', "pg_wait_events lists AzureBlobRequest (type Extension)");
}

# Cancel A: the call ends with 57014, and A's next statement is no longer reported waiting.
is($node->safe_psql($DB, "SELECT pg_cancel_backend($pid)"), 't', "pg_cancel_backend($pid)");
my $r = sess_query($sa, '');
is($r->{state}, '57014', 'the request ends with 57014 (canceled)') or diag("$r->{out}$r->{err}");
$r = sess_query($sa, 'SELECT wait_event_type IS NULL, wait_event IS NULL FROM pg_stat_activity WHERE pid = pg_backend_pid()');
is($r->{out}, "t${AZB_FS}t", 'after the request, the backend reports no wait event') or diag($r->{err});
$sa->quit;

done_testing();
