# The application user's identity behind a transaction pooler, for real.
#
# Debian's pgbouncer (scripts/install-deps.sh installs it) listens on a free
# port of 127.0.0.1 in front of the node (which it reaches through the node's
# Unix socket) with pool_mode = transaction and default_pool_size = 1, so that
# successive clients of one role share one server connection, as an
# application's requests do behind PgBouncer.
#
# What is asserted:
# - client 1 runs a plain SET azure_blob.user_id = 'alice' and, in that same
#   transaction, acts as alice; it disconnects;
# - client 2 gets the same server connection, which still holds 'alice'
#   (SHOW), sets nothing, and azure_current_user_id() and a read URL for
#   alice's file fail with 28000 "azure_blob.user_id is not set" instead of
#   answering as alice;
# - the same when client 1 only ran the SET, before the extension's library
#   was loaded into that server connection (a fresh pool);
# - the guide's BEGIN; SET LOCAL azure_blob.user_id = 'bob'; ...; COMMIT;
#   works through the pooler, and bob does not reach the next client either;
# - with the superuser's switch azure_blob.session_user_id = on (set for a
#   third role with ALTER ROLE), client 2 DOES act as alice and gets her read
#   URL: the leak that 1.0 had, which shows that the checks above would see it.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $PGBOUNCER = '/usr/sbin/pgbouncer';
plan skip_all => "$PGBOUNCER is not installed (Debian package pgbouncer; scripts/install-deps.sh installs it)"
  unless -x $PGBOUNCER;

my $node = azb_node('bouncer');
my $DB    = 'azb_bouncer';
my $APP   = 'azb_app';          # the application's role: one pool, one server connection
my $FRESH = 'azb_app_fresh';    # the same rights, a pool of its own: a server connection without the library
my $LEAKY = 'azb_app_leaky';    # the same rights, with azure_blob.session_user_id = on

# --- the database ---------------------------------------------------------------
azb_setup_db($node, $DB);
{
	my $r = azb_sql($node, $DB, "SET azure_blob.allow_http = on;
	SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
	CREATE ROLE $APP LOGIN;
	CREATE ROLE $FRESH LOGIN;
	CREATE ROLE $LEAKY LOGIN;
	GRANT azure_blob_user TO $APP, $FRESH, $LEAKY;
	SELECT azure_grant(r::regrole, 'user') FROM unnest(ARRAY['$APP', '$FRESH', '$LEAKY']) r;
	ALTER ROLE $LEAKY IN DATABASE $DB SET azure_blob.session_user_id = on;
	INSERT INTO azure_files (blob_name, user_id) VALUES ('bouncer/alice.txt', 'alice');");
	ok($r->{rc} == 0, "setup: extension, account, app roles (members of azure_blob_user, azure_grant), a file of alice's")
	  or diag($r->{err}), die "setup failed\n";
}

# --- pgbouncer ------------------------------------------------------------------
my $bdir  = PostgreSQL::Test::Utils::tempdir('pgbouncer');
my $bport = azb_free_port();
{
	open(my $fh, '>', "$bdir/userlist.txt") or die "userlist.txt: $!";
	print $fh qq{"$_" ""\n} for ($APP, $FRESH, $LEAKY);
	close $fh;
	chmod 0600, "$bdir/userlist.txt";
	# auth_type = trust: pgbouncer checks only that the user is in auth_file;
	# the node trusts its Unix socket (PostgreSQL::Test::Cluster's pg_hba.conf).
	open($fh, '>', "$bdir/pgbouncer.ini") or die "pgbouncer.ini: $!";
	print $fh join("\n",
		'[databases]',
		"$DB = host=" . $node->host . ' port=' . $node->port . " dbname=$DB",
		'',
		'[pgbouncer]',
		'listen_addr = 127.0.0.1',
		"listen_port = $bport",
		'unix_socket_dir =',
		'auth_type = trust',
		"auth_file = $bdir/userlist.txt",
		'pool_mode = transaction',
		'default_pool_size = 1',
		'min_pool_size = 0',
		'reserve_pool_size = 0',
		'max_client_conn = 20',
		'server_reset_query =',
		"logfile = $bdir/pgbouncer.log",
		"pidfile = $bdir/pgbouncer.pid",
		'');
	close $fh;
}
my $bouncer_out = '';
my $bouncer = IPC::Run::start([ $PGBOUNCER, "$bdir/pgbouncer.ini" ], '<', \undef, '>', \$bouncer_out, '2>', \$bouncer_out);
END
{
	# Keep the test's exit status: finish() sets $? to pgbouncer's.
	local $?;
	if ($bouncer && $bouncer->pumpable)
	{
		$bouncer->signal('TERM');
		eval { $bouncer->finish; 1 } or $bouncer->kill_kill(grace => 5);
	}
}

# client(ROLE, SQL): one client session through pgbouncer, SQL on standard
# input; returns results and errors (VERBOSITY verbose: "ERROR:  28000: ...").
sub client
{
	my ($role, $sql) = @_;
	my $out = '';
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-At', '-v', 'VERBOSITY=verbose', "host=127.0.0.1 port=$bport dbname=$DB user=$role" ],
		'<', \$sql, '>', \$out, '2>&1');
	return $out;
}

{
	my $up = 0;
	for (1 .. 100)
	{
		if (client($APP, 'SELECT 1') eq "1\n")
		{
			$up = 1;
			last;
		}
		$bouncer->pump_nb;
		last unless $bouncer->pumpable;
		usleep(100_000);
	}
	ok($up, "pgbouncer answers on 127.0.0.1:$bport (pool_mode = transaction, default_pool_size = 1)")
	  or diag($bouncer_out . (-e "$bdir/pgbouncer.log" ? slurp_file("$bdir/pgbouncer.log") : '')),
	  die "pgbouncer did not start\n";
}

sub pid_of { my ($out) = @_; return $out =~ /^pid=(\d+)$/m ? $1 : '' }

# same_backend(NAME, OUT1, OUT2): one test, both clients ran on one server connection.
sub same_backend
{
	my ($name, $out1, $out2) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($p1, $p2) = (pid_of($out1), pid_of($out2));
	return ok($p1 ne '' && $p1 eq $p2, "$name (backend $p1)") || diag("client 1 on backend '$p1', client 2 on '$p2'");
}

# expect(NAME, OUTPUT, PATTERN...): one test, OUTPUT matches every PATTERN.
sub expect
{
	my ($name, $out, @patterns) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my @missing = grep { $out !~ $_ } @patterns;
	return ok(!@missing, $name) || diag("wanted @missing in:\n$out");
}

# reject(NAME, OUTPUT, PATTERN): one test, OUTPUT does not match PATTERN.
sub reject
{
	my ($name, $out, $pattern) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return ok($out !~ $pattern, $name) || diag("unwanted $pattern in:\n$out");
}

my $NOT_SET      = qr/^ERROR:  28000: azure_blob\.user_id is not set/m;
my $STALE_DETAIL = qr/^DETAIL:  A value was set for the session in an earlier transaction/m;

# --- 1. a plain SET, then the next client on the same server connection ------------
my $out1 = client($APP, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
BEGIN;
SET azure_blob.user_id = 'alice';
SELECT 'c1 acts as ' || azure_current_user_id();
SELECT 'c1 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
COMMIT;
SQL
expect("client 1: a plain SET counts in its own transaction (acts as alice, reads her file)", $out1,
	qr/^c1 acts as alice$/m, qr/^c1 read true$/m);

my $out2 = client($APP, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
SELECT 'leftover=' || current_setting('azure_blob.user_id');
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || azure_generate_read_sas('bouncer/alice.txt');
SELECT 'c2 sees ' || count(*) FROM azure_files;
SQL
same_backend("client 2 gets client 1's server connection", $out1, $out2);
expect("client 2: the server connection still holds client 1's value (the pooler leaks the setting)", $out2,
	qr/^leftover=alice$/m);
expect("client 2: azure_current_user_id() fails with 28000 (stale value) instead of answering alice", $out2,
	$NOT_SET, $STALE_DETAIL);
reject("client 2: never acts as alice", $out2, qr/^c2 acts as/m);
reject("client 2: gets no read URL for alice's file", $out2, qr/^c2 read /m);
reject("client 2: does not see alice's rows through RLS", $out2, qr/^c2 sees /m);
{
	my $n = () = $out2 =~ /$NOT_SET/g;
	is($n, 3, 'client 2: all three calls fail with 28000') or diag($out2);
}

# --- 2. the same, set before the library was loaded into the server connection -------
$out1 = client($FRESH, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
SELECT 'loaded=' || (current_setting('azure_blob.require_user_id', true) IS NOT NULL);
SET azure_blob.user_id = 'alice';
SQL
expect('fresh pool, client 1: only a plain SET, the library not yet loaded', $out1, qr/^loaded=false$/m);
$out2 = client($FRESH, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || azure_generate_read_sas('bouncer/alice.txt');
SQL
same_backend("fresh pool: client 2 gets client 1's server connection", $out1, $out2);
expect('fresh pool, client 2: the first call loads the library and still fails with 28000', $out2,
	$NOT_SET, $STALE_DETAIL);
reject('fresh pool, client 2: never acts as alice or reads her file', $out2, qr/^c2 (acts as|read )/m);

# --- 3. the guide's pattern: SET LOCAL in the request's transaction ------------------
my $out3 = client($APP, <<'SQL');
BEGIN;
SET LOCAL azure_blob.user_id = 'bob';
SELECT 'c3 acts as ' || azure_current_user_id();
SELECT 'c3 upload ' || (sas_url LIKE '%&sp=c&%') FROM azure_generate_upload_sas('b.txt', 'text/plain');
COMMIT;
BEGIN;
SELECT set_config('azure_blob.user_id', 'alice', true) IS NOT NULL;
SELECT 'c3 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
COMMIT;
SQL
expect("SET LOCAL / set_config(..., true) through the pooler: acts as bob, then reads alice's file as alice", $out3,
	qr/^c3 acts as bob$/m, qr/^c3 upload true$/m, qr/^c3 read true$/m);
my $out4 = client($APP, <<'SQL');
SELECT 'leftover=' || current_setting('azure_blob.user_id');
SELECT 'c4 acts as ' || azure_current_user_id();
SQL
expect("the next client: SET LOCAL left nothing behind (only client 1's stale value), and it is refused", $out4,
	qr/^leftover=alice$/m, $NOT_SET);
reject('the next client: never acts as bob or alice', $out4, qr/^c4 acts as/m);

# --- 4. the superuser's switch: session scope, the leak the checks above detect --------
$out1 = client($LEAKY, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
SET azure_blob.user_id = 'alice';
SELECT 'c1 acts as ' || azure_current_user_id();
SQL
$out2 = client($LEAKY, <<'SQL');
SELECT 'pid=' || pg_backend_pid();
SELECT 'session_user_id=' || current_setting('azure_blob.session_user_id');
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
SQL
same_backend("session_user_id pool: client 2 gets client 1's server connection", $out1, $out2);
expect('session_user_id = on: client 2 DOES act as alice and gets her read URL (the leak is detectable)', $out2,
	qr/^session_user_id=on$/m, qr/^c2 acts as alice$/m, qr/^c2 read true$/m);

done_testing();
