# Soak test: the full upload flow under concurrent load while Azurite goes
# down and comes back, then an audit of rows, blobs, the deletion queue, the
# server log and the backends' memory. Long (about 3 minutes): it runs only
# with AZB_SOAK=1.
#
#     AZB_SOAK=1 make installcheck-tap PROVE_TESTS=test/t/900_soak.pl PROVE_FLAGS=--verbose
#
# Settings (environment): SOAK_SECONDS (120) and SOAK_CLIENTS (16): length and
# concurrency of the load; SOAK_OUTAGES (start:length in seconds after the
# load starts; default at 1/4 and 5/8 of SOAK_SECONDS, 10 s each); SOAK_SEED
# (1); SOAK_GRACE_MS (5000: errors up to this long after Azurite answers again
# still count as the outage's); SOAK_RSS_MAX_KB (4096: largest allowed growth
# of a backend's private memory); SOAK_REPORT (<TESTDIR>/soak-report.md; copy
# it to docs/soak-report.md to publish a run); SOAK_OUT_DIR (<TESTDIR>/soak:
# events, summary, ledger counts).
#
# The load driver is test/soak/driver.js: SOAK_CLIENTS workers in one Node
# process (pg, pinned by test/soak/package-lock.json; node:http for the PUT
# and GET to the SAS URLs), each an app user with its own connections. Why not
# pgbench: a pgbench client aborts at its first error, and Azurite being down
# makes errors on purpose; the PUT would also have to be SQL (azure_blob_put
# with the key), not the upload URL the flow is about. test/soak/report.js
# computes the numbers checked here and writes the report, which explains
# every number (docs/soak-report.md is one).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use File::Path qw(make_path remove_tree);
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

plan skip_all => 'the soak takes minutes: set AZB_SOAK=1 to run it' unless ($ENV{AZB_SOAK} // '') eq '1';

my $SECONDS = $ENV{SOAK_SECONDS} // 120;
my $CLIENTS = $ENV{SOAK_CLIENTS} // 16;
my $GRACE_MS = $ENV{SOAK_GRACE_MS} // 5000;
my $RSS_MAX_KB = $ENV{SOAK_RSS_MAX_KB} // 4096;
my $OUTAGES = $ENV{SOAK_OUTAGES} // int($SECONDS / 4) . ':10,' . int($SECONDS * 5 / 8) . ':10';
my $OUT = $ENV{SOAK_OUT_DIR} // "$ENV{TESTDIR}/soak";
my $REPORT = $ENV{SOAK_REPORT} // "$ENV{TESTDIR}/soak-report.md";
my $SOAK_DIR = "$AZB_ROOT/test/soak";
my ($DB, $APP, $OPS) = ('azb_soak', 'soak_app', 'soak_ops');
remove_tree($OUT);
make_path($OUT);

# check(OK, LABEL, WHY): one test, also kept for the report's TAP listing.
my (@tap, %final);
sub check
{
	my ($ok, $label, $why) = @_;
	ok($ok, $label) or diag($why // '');
	my $n = 1 + grep { /^(?:not )?ok / } @tap;
	push @tap, ($ok ? 'ok' : 'not ok') . " $n - $label";
	push @tap, map { "#   $_" } split /\n/, $why if !$ok && defined $why && $why ne '';
	return $ok;
}

unless (-d "$SOAK_DIR/node_modules/pg")
{
	note 'installing the driver\'s pinned dependencies: npm ci --prefix test/soak';
	system('npm', 'ci', '--prefix', $SOAK_DIR, '--no-audit', '--no-fund') == 0 or BAIL_OUT('npm ci --prefix test/soak failed');
}

# Setup: database, roles, ledger, Azurite on disk, account, container.
my $node = azb_node('soak', 'azure_blob.allow_http = on', 'max_connections = 60');
my $az = AzureBlob::Test::Azurite->start(persist => 1);
azb_setup_db($node, $DB);
azb_role($node, $DB, $APP, 'user');
azb_role($node, $DB, $OPS, 'admin');
azb_ok($node, $DB, "CREATE SCHEMA soak;
CREATE TABLE soak.ledger (
	blob_name   text PRIMARY KEY,
	worker      int NOT NULL,
	user_id     text NOT NULL,
	size_bytes  int NOT NULL,
	sha256      text NOT NULL,
	state       text NOT NULL CHECK (state IN ('issued', 'abandoned', 'saved', 'save_unknown', 'deleted', 'delete_unknown')),
	put_outcome text CHECK (put_outcome IN ('created', 'unknown', 'failed', 'rejected')),
	put_tries   int,
	save_tries  int,
	row_id      bigint,
	issued_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	saved_at    timestamptz,
	deleted_at  timestamptz);
GRANT USAGE ON SCHEMA soak TO $OPS;
GRANT SELECT, INSERT, UPDATE ON soak.ledger TO $OPS;
SELECT azure_account_add('default', '" . $az->connection_string . "', 'soak');
SELECT azure_container_create('soak');");
check(1, "setup: database $DB, roles $APP (azure_blob_user) and $OPS (azure_blob_admin), ledger, Azurite on disk at "
	  . $az->endpoint . ', container soak');
my $log_offset = -s $node->logfile;

# Load, with Azurite stopped and restarted on schedule.
my $driver = IPC::Run::start([ 'node', "$SOAK_DIR/driver.js" ], '<', \undef, '>', "$OUT/driver.out", '2>', "$OUT/driver.err",
	init => sub {
		@ENV{qw(SOAK_OUT SOAK_DB SOAK_APP_ROLE SOAK_OPS_ROLE SOAK_PASSWORD PGHOST PGPORT SOAK_SECONDS SOAK_CLIENTS)} =
		  ($OUT, $DB, $APP, $OPS, 'unused: trust', $node->host, $node->port, $SECONDS, $CLIENTS);
	});
my $now_ms = sub { int(time() * 1000) };
for (1 .. 600) { last if -s "$OUT/started" || !$driver->pumpable; sleep 0.1 }
BAIL_OUT("the driver did not start: " . slurp_file("$OUT/driver.err")) unless -s "$OUT/started";
my ($t0) = slurp_file("$OUT/started") =~ /(\d+)/;
open my $windows, '>', "$OUT/windows.tsv" or die $!;
my @outages = split /,/, $OUTAGES;
my $n_outages = 0;
for my $o (@outages)
{
	my ($at, $len) = split /:/, $o;
	sleep(($t0 + $at * 1000 - $now_ms->()) / 1000) if $t0 + $at * 1000 > $now_ms->();
	last unless $driver->pumpable;
	my $down = $now_ms->();
	$az->kill;
	my $gone = $now_ms->();
	note sprintf('t=%ds Azurite stopped (for %d s)', ($gone - $t0) / 1000, $len);
	sleep(($down + $len * 1000 - $now_ms->()) / 1000) if $down + $len * 1000 > $now_ms->();
	my $up = eval { $az->restart; $now_ms->() } // -1;
	print $windows join("\t", $at, $len, $down, $gone, $up), "\n";
	BAIL_OUT('Azurite did not come back on port ' . $az->port) if $up < 0;
	note sprintf('t=%ds Azurite answering again', ($up - $t0) / 1000);
	$n_outages++;
}
close $windows;
my $driver_ok = eval { $driver->finish };
check($driver_ok && -s "$OUT/summary.json", "driver: $CLIENTS workers ran $SECONDS s and wrote its summary",
	'exit ' . ($driver->result // '?') . ': ' . slurp_file("$OUT/driver.err"))
  or BAIL_OUT('no summary from the driver');
$final{LOAD_END} = $now_ms->();
check($n_outages == @outages, "Azurite was stopped and restarted $n_outages times during the load",
	'planned ' . scalar(@outages) . ' (the load ended first?)');

# Audit.
my %a = map { /^(\w+)='(.*)'$/s ? ($1 => $2 =~ s/'\\''/'/gr) : () }
  split /\n(?=\w+=')/, `node $SOAK_DIR/report.js analyze $OUT $GRACE_MS $RSS_MAX_KB`;
check($a{FATAL} == 0, 'no worker ended: every error was an SQL error or an HTTP failure, counted and survived',
	"$a{FATAL} workers ended (see the anomalies in the report)");
check($a{ERRORS_IN_OUTAGES} > 0, "the outages were felt: $a{ERRORS_IN_OUTAGES} errors during them (counted, not fatal)",
	'none: the fault injection did not reach the flow');
check($a{ERRORS_OUTSIDE} == 0, "no error outside the outages (+$GRACE_MS ms after Azurite answers again)",
	$a{ERRORS_OUTSIDE_LIST});
check($a{ANOMALIES} == 0,
	'no anomaly (no 201 PUT unknown to save_metadata, no wrong size, no unexpected SQLSTATE, no DELETE of != 1 row)',
	"$a{ANOMALIES} anomalies (listed in the report)");
check($a{GET_MISMATCH} == 0 && $a{GETS_VERIFIED} > 0,
	"$a{GETS_VERIFIED} downloads through read URLs returned the uploaded bytes (sha256), 0 mismatches",
	"$a{GETS_VERIFIED} verified, $a{GET_MISMATCH} mismatches");

# sq(SQL): the output of SQL as the superuser.
sub sq { return azb_ok($node, $DB, $_[0]) =~ s/\n\z//r }

# Ledger against the table.
$final{ 'LEDGER_' . uc $_ } = sq("SELECT count(*) FROM soak.ledger WHERE state = '$_'")
  for qw(issued abandoned saved save_unknown deleted delete_unknown);
$final{LEDGER_TOTAL} = sq('SELECT count(*) FROM soak.ledger');
$final{ROWS} = sq('SELECT count(*) FROM azure_files');
my $lost = "FROM soak.ledger l WHERE l.state = 'saved' AND NOT EXISTS (SELECT FROM azure_files f WHERE f.blob_name = l.blob_name)";
$final{LOST_ROWS} = sq("SELECT count(*) $lost");
check($final{LOST_ROWS} == 0, 'zero lost rows: every row whose save the driver saw commit (and did not delete) exists',
	"$final{LOST_ROWS} rows: " . sq("SELECT string_agg(blob_name, ' ') FROM (SELECT blob_name $lost LIMIT 10) s"));
$final{UNEXPLAINED_ROWS} = sq("SELECT count(*) FROM azure_files f WHERE NOT EXISTS
	(SELECT FROM soak.ledger l WHERE l.blob_name = f.blob_name AND l.state IN ('saved', 'save_unknown', 'delete_unknown'))");
check($final{UNEXPLAINED_ROWS} == 0,
	'no row the ledger does not explain (deleted rows are gone, abandoned uploads have none)',
	"$final{UNEXPLAINED_ROWS} rows: "
	  . sq("SELECT string_agg(f.blob_name || '(' || coalesce(l.state, 'no ledger') || ')', ' ') FROM (SELECT * FROM azure_files LIMIT 10) f LEFT JOIN soak.ledger l USING (blob_name) WHERE l.state IS DISTINCT FROM 'saved'"));
my $differ = sq('SELECT count(*) FROM azure_files f JOIN soak.ledger l USING (blob_name)
	WHERE f.size_bytes <> l.size_bytes OR f.user_id <> l.user_id OR f.id <> l.row_id');
check($differ == 0, 'every row has the size, user and id the driver saw', "$differ rows differ");

# The outbox: wait until every queued item is due (failures during the
# outages back off 10 s, 20 s, ...), then one azure_process_deletions().
$final{PENDING_BEFORE} = sq('SELECT count(*) FROM azure_pending_deletions');
$final{PENDING_RETRIED} = sq('SELECT count(*) FROM azure_pending_deletions WHERE attempts > 0');
$final{QUEUE_MAX_ATTEMPTS} = sq('SELECT coalesce(max(attempts), 0) FROM azure_pending_deletions');
my $wait = sq('SELECT coalesce(ceil(extract(epoch FROM max(next_attempt_at) - now())), 0)::int FROM azure_pending_deletions');
$final{PENDING_WAIT_S} = $wait > 0 ? $wait : 0;
if ($wait > 0 && $wait <= 120)
{
	note "waiting $wait s until every queued deletion is due";
	sleep($wait + 1);
}
my $r = azb_sql($node, $DB, 'SELECT azure_process_deletions()');
$final{FINAL_PROCESSED} = $r->{rc} == 0 ? $r->{out} =~ s/\n//r : 'error';
$final{PENDING_AFTER} = sq('SELECT count(*) FROM azure_pending_deletions');
check($r->{rc} == 0 && $final{PENDING_AFTER} == 0,
	"one azure_process_deletions() after the load: $final{FINAL_PROCESSED} done, the queue is empty",
	$r->{err} . "$final{PENDING_AFTER} left: "
	  . sq("SELECT string_agg(blob_name || ' attempts ' || attempts || ' ' || coalesce(last_error, ''), E'\\n') FROM azure_pending_deletions"));

# Reconcile with min_age 0: every problem must be one the ledger explains.
my $maybe = "l.state IN ('abandoned', 'save_unknown') AND l.put_outcome IN ('created', 'unknown')";
my ($bwr, $rwb, $unexplained) = split /$AZB_FS/, sq("CREATE TABLE soak.reconcile AS
	SELECT problem, blob_name FROM azure_reconcile(min_age => '0 seconds');
	SELECT count(*) FILTER (WHERE problem = 'blob_without_row'), count(*) FILTER (WHERE problem = 'row_without_blob'),
	       count(*) FILTER (WHERE problem = 'blob_without_row' AND NOT EXISTS (SELECT FROM soak.ledger l
	                 WHERE l.blob_name = r.blob_name AND $maybe))
	FROM soak.reconcile r");
@final{qw(RECONCILE_BLOB_WITHOUT_ROW RECONCILE_ROW_WITHOUT_BLOB RECONCILE_BWR_UNEXPLAINED)} = ($bwr, $rwb, $unexplained);
$final{ABANDONED_MAYBE_UPLOADED} = sq("SELECT count(*) FROM soak.ledger l WHERE $maybe");
check($unexplained == 0,
	"azure_reconcile(min_age => 0): $bwr blob_without_row, each an upload the ledger abandoned after a PUT that may have landed ($final{ABANDONED_MAYBE_UPLOADED} such)",
	"$unexplained unexplained of $bwr: "
	  . sq("SELECT string_agg(r.blob_name || ' (' || coalesce(l.state || '/' || l.put_outcome, 'no ledger') || ')', ' ') FROM (SELECT * FROM soak.reconcile WHERE problem = 'blob_without_row' LIMIT 10) r LEFT JOIN soak.ledger l USING (blob_name)"));
check($rwb == 0, 'azure_reconcile(min_age => 0): 0 row_without_blob',
	"$rwb: " . sq("SELECT string_agg(blob_name, ' ') FROM (SELECT blob_name FROM soak.reconcile WHERE problem = 'row_without_blob' LIMIT 10) r"));
# The abandoned uploads are what an operator's delete_orphans run is for;
# after it, nothing is left over on either side.
$final{ORPHANS_DELETED} =
  sq("SELECT count(*) FROM azure_reconcile(min_age => '0 seconds', delete_orphans => true) WHERE action = 'deleted'");
my $left = sq("SELECT count(*) FROM azure_reconcile(min_age => '0 seconds')");
$final{BLOBS_FINAL} = sq('SELECT count(*) FROM azure_blob_list()');
$final{ROWS_FINAL} = sq('SELECT count(*) FROM azure_files');
check($left == 0 && $final{BLOBS_FINAL} == $final{ROWS_FINAL},
	"after delete_orphans: zero orphans, $final{BLOBS_FINAL} blobs for $final{ROWS_FINAL} rows",
	"$left problems left; $final{BLOBS_FINAL} blobs, $final{ROWS_FINAL} rows");
my $sizes = sq('SELECT count(*) FROM azure_blob_list() b JOIN soak.ledger l USING (blob_name) WHERE b.size_bytes <> l.size_bytes');
check($sizes == 0, 'every blob left has the size the driver uploaded', "$sizes differ");

# The server log: no backend died.
my $log = substr(slurp_file($node->logfile), $log_offset);
my @crash = grep { /terminated by signal|server process|PANIC|TRAP/ } split /\n/, $log;
$final{SERVER_LOG_LINES} = () = $log =~ /\n/g;
$final{SERVER_LOG_CRASH_LINES} = scalar @crash;
check(!@crash,
	"server log ($final{SERVER_LOG_LINES} lines during the run): no 'terminated by signal', 'server process', PANIC or TRAP",
	join("\n", @crash[ 0 .. ($#crash < 19 ? $#crash : 19) ]));

# Memory of the driver's backends.
check($a{RSS_MISSING} == 0 && $a{RSS_WORST_ANON_KB} < $RSS_MAX_KB,
	"backend memory flat: largest RssAnon growth warm->end $a{RSS_WORST_ANON_KB} kB over $a{RSS_BACKENDS} backends (< $RSS_MAX_KB kB); largest VmRSS growth $a{RSS_WORST_VMRSS_KB} kB",
	"largest $a{RSS_WORST_ANON_KB} kB (pid $a{RSS_WORST_ANON_PID}); $a{RSS_MISSING} backends not sampled at the end");

# The report (test/soak/report.js): the numbers above, the settings, the TAP lines.
$final{TAP_PASS} = grep { /^ok / } @tap;
$final{TAP_FAIL} = grep { /^not ok / } @tap;
$final{AZURITE_VERSION} = eval { slurp_file("$AZB_ROOT/test/azurite/node_modules/azurite/package.json") =~ /"version":\s*"([^"]+)"/ && $1 } // '?';
$final{PG_VERSION} = sq('SHOW server_version');
chomp($final{NODE_VERSION} = `node --version`);
chomp($final{GIT_COMMIT} = `git -c safe.directory='*' -C $AZB_ROOT rev-parse --short HEAD 2>/dev/null` || '?');
$final{GIT_DIRTY} = () = `git -c safe.directory='*' -C $AZB_ROOT status --porcelain --untracked-files=no 2>/dev/null` =~ /\n/g;
chomp($final{CORES} = `nproc`);
@final{qw(SOAK_OUTAGES SOAK_GRACE_MS SOAK_RSS_MAX_KB)} = ($OUTAGES, $GRACE_MS, $RSS_MAX_KB);
open my $fe, '>', "$OUT/final.env" or die $!;
print $fe map { "$_=$final{$_}\n" } sort keys %final;
close $fe;
open my $so, '>', "$OUT/soak.out" or die $!;
print $so map { "$_\n" } @tap;
close $so;
my $text = `node $SOAK_DIR/report.js render $OUT $GRACE_MS $RSS_MAX_KB`;
if (ok($? == 0 && $text ne '', "report written: $REPORT"))
{
	open my $rf, '>', $REPORT or die "$REPORT: $!";
	print $rf $text;
	close $rf;
}
done_testing();
