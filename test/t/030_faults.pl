# Fault suite: azure_blob's REST client when storage misbehaves.
#   (a) Azurite stopped: 08006 within the configured timeouts, and the same
#       backend works again once Azurite is back on the same port; a server
#       whose accept queue is full: the connect timeout;
#   (b) a server that accepts and never answers: pg_cancel_backend,
#       statement_timeout, pg_terminate_backend and request_timeout_ms end the
#       call promptly and the backend stays usable;
#   (c) queued deletions survive an Azurite outage (attempts, last_error,
#       backoff) and complete once it is back;
#   (d) HTTP 500/503: retries with backoff, Retry-After honoured (capped at
#       10 s), a cancel during the backoff.
#
# Its own cluster, its own Azurite (on disk, so blobs survive a restart) and
# the misbehaving servers of test/azurite/fault_servers.py, all on 127.0.0.1.
#
# Times are measured here (Time::HiRes) around each statement of a long-lived
# psql session (one backend). The bounds are those of the retry and timeout
# settings each test sets (connect_timeout_ms, request_timeout_ms, the 100 ms
# doubling backoff, Retry-After), with slack for a loaded machine: they check
# that a limit fires and that a cancel is prompt, not how fast anything is.
# Every measured value is printed as a "# timing:" note.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IO::Socket::INET;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

my $DB = 'azb_faults';
my $CONTAINER = 'faults';
my $work = PostgreSQL::Test::Utils::tempdir('faults');
my @timings;

sub timing
{
	my ($line) = @_;
	push @timings, $line;
	note "timing: $line";
	return;
}

# --- the misbehaving servers (fault_servers.py) -----------------------------

my @servers;

# start_server(MODE): fault_servers.py MODE, which prints the port it bound.
sub start_server
{
	my ($mode) = @_;
	my $log = "$work/$mode.log";
	my $out = '';
	my $h = IPC::Run::start([ 'python3', "$AZB_ROOT/test/azurite/fault_servers.py", $mode, $log ],
		'<', \undef, '>', \$out, '2>', "$work/$mode.err");
	push @servers, $h;
	for (1 .. 200)
	{
		$h->pump_nb;
		last if $out =~ /^\d+\n/ || !$h->pumpable;
		usleep(50_000);
	}
	my ($port) = $out =~ /^(\d+)\n/
	  or die "$mode server did not start: " . slurp_file("$work/$mode.err");
	return { port => $port, log => $log };
}

sub stop_servers
{
	local $?;
	for my $h (@servers)
	{
		eval { $h->kill_kill(grace => 2); 1 } or note "stopping a fault server: $@";
	}
	@servers = ();
	return;
}

END { stop_servers() }

# lines_in(FILE, STRING): how many lines of FILE contain STRING.
sub lines_in
{
	my ($file, $string) = @_;
	return 0 unless -e $file;
	return scalar grep { index($_, $string) >= 0 } split /\n/, slurp_file($file);
}

# --- sessions -----------------------------------------------------------------

my $node;

sub session
{
	my $s = azb_session($node, $DB);
	$s->set_query_timer_restart;
	return $s;
}

# timed(SESSION, SQL): sess_query, with ms (from send to completion) and t1
# (completion time); out without its trailing newlines.
sub timed
{
	my ($s, $sql) = @_;
	my $t0 = time;
	my $r = sess_query($s, $sql);
	$r->{t1} = time;
	$r->{ms} = int(($r->{t1} - $t0) * 1000);
	$r->{out} =~ s/\n+\z//;
	return $r;
}

# send_only(SESSION, SQL): hand SQL to the session's psql without waiting.
sub send_only
{
	my ($s, $sql) = @_;
	$s->{stdin} .= "$sql\n";
	for (1 .. 100)
	{
		$s->{run}->pump_nb;
		last if $s->{stdin} eq '';
		usleep(10_000);
	}
	die "psql did not take the statement" if $s->{stdin} ne '';
	return;
}

# wait_done(SESSION): wait for what send_only sent; its out, err, state and
# completion time t1.
sub wait_done
{
	my ($s) = @_;
	return timed($s, '');
}

sub backend_pid
{
	my ($s, $sql) = @_;
	my $pid = timed($s, $sql)->{out};
	die "no backend pid: $pid" unless $pid =~ /^\d+$/;
	return $pid;
}

# --- assertions -----------------------------------------------------------------

# no_secret(TEXT, LABEL): one test: TEXT has no account key, signature or
# Authorization scheme.
sub no_secret
{
	my ($text, $label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	ok(index($text, $AZURITE_DEV_KEY) < 0 && $text !~ /sig=|SharedKey/,
		"$label: the error carries no key, sig or Authorization")
	  or diag($text);
	return;
}

# expect_sess(R, STATE, LABEL, MIN_MS, MAX_MS): one test: the statement of R
# failed with STATE and took MIN_MS <= ms < MAX_MS; and a second: no secret
# in what it printed.
sub expect_sess
{
	my ($r, $want, $label, $min, $max) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	timing("$label: SQLSTATE " . ($r->{state} || 'none') . " after $r->{ms} ms (bound $min..$max ms)");
	ok($r->{state} eq $want && $r->{ms} >= $min && $r->{ms} < $max, "$label -> $want in $min..$max ms")
	  or diag("got '$r->{state}' after $r->{ms} ms: $r->{out}$r->{err}");
	no_secret("$r->{out}$r->{err}", $label);
	return;
}

# ms_since(T0, T1)
sub ms_since { return int(($_[1] - $_[0]) * 1000) }

# --- setup ----------------------------------------------------------------------

$node = azb_node('faults');
ok(
	eval {
		azb_setup_db($node, $DB);
		$node->safe_psql($DB, "ALTER DATABASE $DB SET azure_blob.allow_http = on");
		1;
	},
	"setup: database $DB, CREATE EXTENSION, allow_http = on for the database")
  or BAIL_OUT("extension not installable: $@");

my $az = eval { AzureBlob::Test::Azurite->start(persist => 1) };
ok($az, 'setup: Azurite (on disk)') or BAIL_OUT("no Azurite: $@");
my $az_port = $az->port;
note 'Azurite at ' . $az->endpoint;

my ($silent, $backlog, $flaky) = eval { map { start_server($_) } qw(silent backlog flaky) };
ok($flaky, 'setup: silent server, full-backlog server, flaky HTTP server')
  or BAIL_OUT("fault servers: $@");
note "silent :$silent->{port}, backlog :$backlog->{port}, flaky :$flaky->{port}";

sub conn_for
{
	my ($port) = @_;
	return "AccountName=devstoreaccount1;AccountKey=$AZURITE_DEV_KEY;"
	  . "BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1";
}
my $setup = azb_sql(
	$node, $DB, "SELECT azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint="
	  . $az->endpoint . "', '$CONTAINER');
	SELECT azure_account_add('silent', '" . conn_for($silent->{port}) . "', 'c1c');
	SELECT azure_account_add('backlog', '" . conn_for($backlog->{port}) . "', 'bbb');
	SELECT azure_account_add('flaky', '" . conn_for($flaky->{port}) . "', 'fff');
	SELECT azure_container_create('$CONTAINER');");
is($setup->{rc}, 0, "setup: accounts default (Azurite), silent, backlog, flaky; container $CONTAINER")
  or BAIL_OUT("no accounts: $setup->{err}");

my $adm = session();
my $r;

# --- (a) Azurite stopped, then back on the same port ------------------------------
note '--- (a) Azurite stopped, then back on the same port';
my $sa = session();
$r = timed($sa, "SET azure_blob.connect_timeout_ms = 500; SET azure_blob.max_retries = 1;
SELECT pg_backend_pid();
SELECT azure_blob_put('warm.txt', convert_to('warm', 'UTF8'), 'text/plain');");
my ($pid_a, $etag) = split /\n/, $r->{out};
ok(defined $etag && $pid_a =~ /^\d+$/ && $etag =~ /^".+"$/,
	'session A: connect_timeout_ms 500, max_retries 1; a put works (connection kept alive)')
  or diag("$r->{out}$r->{err}");
$pid_a //= '';

$az->kill;
my $probe = curl('-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', $az->endpoint . '?comp=list');
my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $az_port, Proto => 'tcp', Timeout => 2);
ok($probe->{status} eq '000' && !$sock, "Azurite killed: nothing answers on port $az_port")
  or diag("HTTP status $probe->{status}");

# Refused connections fail at once: 2 attempts + 100 ms backoff. The bound
# allows both attempts a full connect timeout: 2 x 500 + 100 ms, plus slack.
$r = timed($sa, "SELECT azure_blob_put('down.txt', '\\x00'::bytea);");
expect_sess($r, '08006', '(a) Azurite down: azure_blob_put', 0, 3000);
$r = timed($sa, "SELECT azure_blob_get('warm.txt');");
expect_sess($r, '08006', '(a) Azurite down: azure_blob_get', 0, 3000);
$r = timed($sa, 'SELECT count(*) FROM azure_blob_list();');
expect_sess($r, '08006', '(a) Azurite down: azure_blob_list', 0, 3000);
$r = timed($sa, "SELECT * FROM azure_blob_properties('warm.txt');");
expect_sess($r, '08006', '(a) Azurite down: azure_blob_properties', 0, 3000);
$r = timed($sa, "SELECT azure_blob_delete('warm.txt');");
expect_sess($r, '08006', '(a) Azurite down: azure_blob_delete', 0, 3000);
ok($r->{err} =~ /could not connect to Azure Blob Storage at "127\.0\.0\.1:$az_port"/ && $r->{err} =~ /after 2 attempts/,
	"(a) the 08006 error names host:port and '2 attempts' (max_retries 1)")
  or diag($r->{err});

ok(eval { $az->restart }, "Azurite restarted on the same port $az_port") or BAIL_OUT("no Azurite: $@");
$r = timed($sa, "SELECT pg_backend_pid(), convert_from(azure_blob_get('warm.txt'), 'UTF8');");
is($r->{out}, "$pid_a${AZB_FS}warm",
	'(a) the same backend reads the blob again after the restart (kept on disk)')
  or diag($r->{err});
$r = timed($sa,
	"SELECT azure_blob_put('after.txt', '\\x01'::bytea) IS NOT NULL, (SELECT count(*) FROM azure_blob_list());");
is($r->{out}, "t${AZB_FS}2", '(a) the same backend puts and lists again (2 blobs)') or diag($r->{err});

# A server whose accept queue is full: SYNs are dropped, so the connect timeout fires.
$r = timed($sa, "SET azure_blob.max_retries = 0; SELECT azure_blob_get('x', NULL, 'backlog');");
expect_sess($r, '08006', '(a) connect timeout 500 ms, max_retries 0 (full accept queue)', 450, 1500);
$r = timed($sa, "SET azure_blob.max_retries = 1; SELECT azure_blob_get('x', NULL, 'backlog');");
expect_sess($r, '08006', '(a) connect timeout 500 ms, max_retries 1: 500 + 100 backoff + 500', 1050, 2500);
# The limit that fired was connect_timeout_ms (500 ms), not request_timeout_ms.
like($r->{err}, qr/connect_timeout_ms/, '(a) the connect-timeout error names azure_blob.connect_timeout_ms');
# The backend's latch set during the first attempt for a reason not ours (here
# a bare SIGUSR1, which sets it like any procsignal or timer of the server)
# must not cut the 100 ms backoff short.
my $t_send = time;
send_only($sa, "SELECT azure_blob_get('x', NULL, 'backlog');");
usleep(200_000);
kill 'USR1', $pid_a;
$r = wait_done($sa);
$r->{ms} = ms_since($t_send, $r->{t1});
expect_sess($r, '08006', '(a) the same with the latch set during the first attempt: the backoff still waits', 1050,
	2500);
$r = timed($sa, "SELECT pg_backend_pid(), length(azure_blob_get('warm.txt'));");
is($r->{out}, "$pid_a${AZB_FS}4", '(a) session A still works against Azurite after the timeouts')
  or diag($r->{err});
$sa->quit;

# --- (b) a server that accepts and never answers ----------------------------------
note '--- (b) a server that accepts and never answers';
my $sb = session();
my $pid_b = backend_pid($sb, 'SET azure_blob.request_timeout_ms = 60000; SELECT pg_backend_pid();');

# wait_connects(N): until the silent server has seen N connections (10 s at most).
sub wait_connects
{
	my ($n) = @_;
	for (1 .. 200)
	{
		return 1 if lines_in($silent->{log}, 'connect') >= $n;
		usleep(50_000);
	}
	return 0;
}

# pg_cancel_backend from a second session.
my $before = lines_in($silent->{log}, 'connect');
send_only($sb, "SELECT azure_blob_get('hang.txt', NULL, 'silent');");
wait_connects($before + 1);
sleep 1;
my $t_cancel = time;
my $cancelled = timed($adm, "SELECT pg_cancel_backend($pid_b);")->{out};
$r = wait_done($sb);
my $after_ms = ms_since($t_cancel, $r->{t1});
timing("(b) pg_cancel_backend during a request to the silent server: "
	  . ($r->{state} || 'none') . " $after_ms ms after the cancel");
ok($cancelled eq 't' && $r->{state} eq '57014' && $after_ms < 1500,
	'(b) pg_cancel_backend ends the hung call with 57014 within 1500 ms of the cancel')
  or diag("cancel '$cancelled', got '$r->{state}' after $after_ms ms: $r->{out}$r->{err}");
$r = timed($sb, 'SELECT pg_backend_pid(), 1 + 1;');
is($r->{out}, "$pid_b${AZB_FS}2", '(b) after the cancel the same backend answers SELECT') or diag($r->{err});
$r = timed($sb, "SELECT convert_from(azure_blob_get('warm.txt'), 'UTF8');");
is($r->{out}, 'warm', "(b) after the cancel the same backend's REST calls work (Azurite)") or diag($r->{err});

# statement_timeout.
$r = timed($sb, "SET statement_timeout = '1s'; SELECT azure_blob_get('hang2.txt', NULL, 'silent');");
expect_sess($r, '57014', '(b) statement_timeout 1s during a request to the silent server', 900, 2500);
$r = timed($sb, "RESET statement_timeout; SELECT pg_backend_pid(), 'alive';");
is($r->{out}, "$pid_b${AZB_FS}alive", '(b) after statement_timeout the same backend answers SELECT')
  or diag($r->{err});

# azure_blob.request_timeout_ms itself.
$r = timed($sb, "SET azure_blob.request_timeout_ms = 1000; SET azure_blob.max_retries = 0;
SELECT azure_blob_get('hang3.txt', NULL, 'silent');");
expect_sess($r, '08006', '(b) request_timeout_ms 1000, max_retries 0, silent server', 950, 2500);
like($r->{err}, qr/did not answer in time/, '(b) the timeout error says the server did not answer in time');
$before = lines_in($silent->{log}, 'connect');
$r = timed($sb, "SET azure_blob.max_retries = 1; SELECT azure_blob_get('hang4.txt', NULL, 'silent');");
expect_sess($r, '08006', '(b) request_timeout_ms 1000, max_retries 1: 1000 + 100 + 1000', 2050, 4000);
is(lines_in($silent->{log}, 'connect') - $before, 2,
	'(b) max_retries 1 after a timeout: 2 connections reached the server');
$r = timed($sb, "SELECT pg_backend_pid(), 'still alive';");
is($r->{out}, "$pid_b${AZB_FS}still alive", '(b) after the request timeouts the same backend answers SELECT')
  or diag($r->{err});
$sb->quit;

# pg_terminate_backend: the backend exits instead of waiting for the server.
my $sc = session();
my $pid_c = backend_pid($sc, 'SET azure_blob.request_timeout_ms = 60000; SELECT pg_backend_pid();');
$before = lines_in($silent->{log}, 'connect');
send_only($sc, "SELECT azure_blob_get('hang5.txt', NULL, 'silent');");
wait_connects($before + 1);
usleep(500_000);
my $t_term = time;
timed($adm, "SELECT pg_terminate_backend($pid_c);");
my $gone_ms;
for (1 .. 100)
{
	if (timed($adm, "SELECT count(*) FROM pg_stat_activity WHERE pid = $pid_c;")->{out} eq '0')
	{
		$gone_ms = ms_since($t_term, time);
		last;
	}
	usleep(50_000);
}
timing('(b) pg_terminate_backend during a request to the silent server: backend gone after '
	  . ($gone_ms // 'more than 5000') . ' ms');
ok(defined $gone_ms && $gone_ms < 2000, '(b) pg_terminate_backend ends the hung backend within 2000 ms')
  or diag('still there');
# Its psql has lost the connection and exited.
eval { $sc->quit; 1 } or eval { $sc->{run}->kill_kill; 1 };
check_out('(b) the server is healthy afterwards: a new session makes REST calls',
	'warm', $node, $DB, "SELECT convert_from(azure_blob_get('warm.txt'), 'UTF8');");

# --- (c) queued deletions survive an Azurite outage --------------------------------
note '--- (c) queued deletions survive an Azurite outage';
$r = azb_sql($node, $DB,
	"SELECT count(azure_blob_put('q/' || i, convert_to('queued ' || i, 'UTF8'))) FROM generate_series(1, 3) i;
	INSERT INTO azure_files (blob_name) SELECT 'q/' || i FROM generate_series(1, 3) i;
	DELETE FROM azure_files WHERE blob_name LIKE 'q/%';");
is($r->{rc}, 0, '(c) 3 blobs with rows; rows deleted') or diag($r->{err});
check_out('(c) 3 deletions queued, blobs still there',
	"3${AZB_FS}3", $node, $DB,
	"SELECT (SELECT count(*) FROM azure_pending_deletions WHERE blob_name LIKE 'q/%'),
	        (SELECT count(*) FROM azure_blob_list('q/'));");
$az->kill;
my $PROC = 'SET azure_blob.connect_timeout_ms = 500; SET azure_blob.max_retries = 1; SELECT azure_process_deletions();';
my $t0 = time;
check_out('(c) Azurite down: azure_process_deletions() -> 0', '0', $node, $DB, $PROC);
timing('(c) azure_process_deletions of 3 items with Azurite down: ' . ms_since($t0, time) . ' ms');
check_out(
	"(c) all 3 still queued: attempts 1, last_error 'could not connect ...', next attempt in ~10 s",
	join($AZB_FS, 3, 1, 1, 't', 't'),
	$node, $DB,
	"SELECT count(*), min(attempts), max(attempts),
	        bool_and(last_error LIKE 'could not connect to Azure Blob Storage%'),
	        bool_and(next_attempt_at BETWEEN now() + interval '5 seconds' AND now() + interval '10.5 seconds')
	 FROM azure_pending_deletions;");
no_secret(azb_ok($node, $DB, "SELECT string_agg(last_error, ' ') FROM azure_pending_deletions;"),
	'(c) last_error');
check_out('(c) processing again at once -> 0 and nothing retried (backoff): attempts still 1',
	"0\n1", $node, $DB, "$PROC SELECT max(attempts) FROM azure_pending_deletions;");
check_out(
	'(c) due again (next_attempt_at reset as superuser), still down -> 0, attempts 2, next attempt in ~20 s',
	"0\n2${AZB_FS}t",
	$node, $DB,
	"UPDATE azure_blob.deletion_queue SET next_attempt_at = now();
	 $PROC
	 SELECT min(attempts), bool_and(next_attempt_at BETWEEN now() + interval '15 seconds' AND now() + interval '20.5 seconds')
	 FROM azure_pending_deletions;");
check_out(
	'(c) backoff is capped at 1 hour (attempts 100 -> next attempt in 1 h, no interval overflow)',
	"0\n101${AZB_FS}t",
	$node, $DB,
	"UPDATE azure_blob.deletion_queue SET next_attempt_at = now(), attempts = 100;
	 $PROC
	 SELECT min(attempts), bool_and(next_attempt_at BETWEEN now() + interval '59 minutes' AND now() + interval '60 minutes 30 seconds')
	 FROM azure_pending_deletions;");
check_out('(c) back to attempts 2 (superuser UPDATE)',
	'', $node, $DB, 'UPDATE azure_blob.deletion_queue SET attempts = 2;');
ok(eval { $az->restart }, "(c) Azurite restarted on the same port $az_port") or BAIL_OUT("no Azurite: $@");
check_out('(c) the blobs survived the restart (on disk); processing before next_attempt_at -> 0',
	"3${AZB_FS}0", $node, $DB,
	"SELECT (SELECT count(*) FROM azure_blob_list('q/')), azure_process_deletions();");
check_out('(c) next_attempt_at reset: azure_process_deletions() -> 3, queue empty, blobs gone',
	"3\n0${AZB_FS}0", $node, $DB,
	"UPDATE azure_blob.deletion_queue SET next_attempt_at = now();
	 SELECT azure_process_deletions();
	 SELECT (SELECT count(*) FROM azure_pending_deletions), (SELECT count(*) FROM azure_blob_list('q/'));");

# One item that keeps failing (the flaky server's 503) does not hold up the others.
$r = azb_sql($node, $DB,
	"SELECT azure_blob_put('q/ok', '\\x01'::bytea);
	INSERT INTO azure_files (blob_name, account, container)
	  VALUES ('q/ok', 'default', '$CONTAINER'), ('503always/q', 'flaky', 'fff');
	DELETE FROM azure_files WHERE blob_name IN ('q/ok', '503always/q');");
is($r->{rc}, 0, '(c) two deletions queued: one on Azurite, one on the flaky server (always 503)')
  or diag($r->{err});
check_out(
	"(c) azure_process_deletions() -> 1: the Azurite blob is deleted, the 503 one stays (attempts 1, last_error 'could not delete blob ...')",
	"1\n" . join($AZB_FS, '503always/q', 'flaky', 1, 't') . "\nt",
	$node, $DB,
	"SET azure_blob.max_retries = 0; SELECT azure_process_deletions();
	 SELECT blob_name, account, attempts, last_error LIKE 'could not delete blob%' FROM azure_pending_deletions;
	 SELECT etag IS NULL FROM azure_blob_properties('q/ok');");

# --- (d) HTTP 500 / 503 and Retry-After (flaky server) ----------------------------
note '--- (d) HTTP 500 / 503 and Retry-After (flaky server)';

# flaky_requests(PATH): how many requests the flaky server saw for PATH.
sub flaky_requests
{
	my ($path) = @_;
	return lines_in($flaky->{log}, " /devstoreaccount1/fff/$path ");
}

my $sd = session();
timed($sd, 'SET azure_blob.max_retries = 3;');
$r = timed($sd, "SELECT convert_from(azure_blob_get('503x2/a', NULL, 'flaky'), 'UTF8');");
timing("(d) two 503 with Retry-After: 1, then 200: $r->{ms} ms");
ok($r->{out} eq 'recovered after 3 attempts' && $r->{ms} >= 2000 && $r->{ms} < 4000 && flaky_requests('503x2/a') == 3,
	'(d) 503, 503 (Retry-After: 1), 200 -> the body, 3 requests, waited Retry-After: 2000..4000 ms')
  or diag("got '$r->{out}' after $r->{ms} ms, " . flaky_requests('503x2/a') . " requests: $r->{err}");
$r = timed($sd, "SELECT convert_from(azure_blob_get('500x2/b', NULL, 'flaky'), 'UTF8');");
timing("(d) two 500 without Retry-After, then 200: $r->{ms} ms");
ok($r->{out} eq 'recovered after 3 attempts' && $r->{ms} >= 300 && $r->{ms} < 1500 && flaky_requests('500x2/b') == 3,
	'(d) 500, 500, 200 -> the body, 3 requests, backoff 100 + 200 ms: 300..1500 ms')
  or diag("got '$r->{out}' after $r->{ms} ms, " . flaky_requests('500x2/b') . " requests: $r->{err}");
$r = timed($sd, "SELECT * FROM azure_blob_properties('503x2/h', NULL, 'flaky');");
my $etag_h = (split /\Q$AZB_FS\E/, $r->{out})[2] // '';
ok($etag_h eq '"0x8DFLAKY"' && flaky_requests('503x2/h') == 3,
	'(d) HEAD (azure_blob_properties) is retried the same way: 3 requests, then the properties')
  or diag("got '$r->{out}', " . flaky_requests('503x2/h') . " requests: $r->{err}");
$r = timed($sd, "SET azure_blob.max_retries = 2; SELECT azure_blob_get('503always/c', NULL, 'flaky');");
expect_sess($r, '38000', '(d) always 503, max_retries 2: backoff 100 + 200 ms, then the error', 300, 1500);
ok(flaky_requests('503always/c') == 3 && $r->{err} =~ /HTTP status 503/,
	'(d) always 503: exactly 3 requests, error detail names HTTP status 503')
  or diag(flaky_requests('503always/c') . " requests: $r->{err}");
$r = timed($sd, "SET azure_blob.max_retries = 0; SELECT azure_blob_get('503x2/e', NULL, 'flaky');");
expect_sess($r, '38000', '(d) max_retries 0: the first 503 is the answer', 0, 1000);
is(flaky_requests('503x2/e'), 1, '(d) max_retries 0: 1 request');
$r = timed($sd,
	"SET azure_blob.max_retries = 3; SELECT convert_from(azure_blob_get('ra30x1/f', NULL, 'flaky'), 'UTF8');");
timing("(d) Retry-After: 30 (capped at 10 s), then 200: $r->{ms} ms");
ok($r->{out} eq 'recovered after 2 attempts' && $r->{ms} >= 10000 && $r->{ms} < 12500,
	'(d) Retry-After: 30 is capped at 10 s: 10000..12500 ms')
  or diag("got '$r->{out}' after $r->{ms} ms: $r->{err}");

my $pid_d = backend_pid($sd, 'SELECT pg_backend_pid();');
send_only($sd, "SELECT azure_blob_get('ra10always/g', NULL, 'flaky');");
for (1 .. 100)
{
	last if flaky_requests('ra10always/g') >= 1;
	usleep(50_000);
}
usleep(500_000);
$t_cancel = time;
timed($adm, "SELECT pg_cancel_backend($pid_d);");
$r = wait_done($sd);
$after_ms = ms_since($t_cancel, $r->{t1});
timing('(d) pg_cancel_backend during a 10 s Retry-After wait: ' . ($r->{state} || 'none') . " $after_ms ms after the cancel");
ok($r->{state} eq '57014' && $after_ms < 1000 && flaky_requests('ra10always/g') == 1,
	'(d) pg_cancel_backend during the Retry-After wait -> 57014 within 1000 ms, no further request')
  or diag("got '$r->{state}' after $after_ms ms, " . flaky_requests('ra10always/g') . " requests: $r->{err}");
$r = timed($sd, "SELECT pg_backend_pid(), convert_from(azure_blob_get('warm.txt'), 'UTF8');");
is($r->{out}, "$pid_d${AZB_FS}warm", '(d) the same backend works afterwards') or diag($r->{err});
$sd->quit;
$adm->quit;

stop_servers();
note 'timings measured:';
note "  $_" for @timings;
done_testing();
