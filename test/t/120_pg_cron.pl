# AZB_SLOW: left out by AZB_QUICK=1 (test/run-all.sh): waits for pg_cron's next minute, 1 to 3 minutes.
# The README's "Scheduled maintenance with pg_cron", done as written: the
# postgresql.conf lines and the SQL block are read from README.md itself (so
# the documentation cannot drift from what is tested), and the scheduled jobs
# must really run, as the documented role, against Azurite: a queued deletion
# is processed by the pg_cron job, and the reconcile job succeeds.
#
# Debian 12's pg_cron is 1.4, whose finest schedule is a minute: the test
# waits for the next minute boundary (at most about 70 s).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);

my ($libdir, $major) = ('', '');
{
	# The server's own library directory and major version (the TAP node's binaries come from PATH).
	my ($o, $e) = ('', '');
	IPC::Run::run([ 'pg_config', '--pkglibdir', '--version' ], '>', \$o, '2>', \$e);
	my @lines = split /\n/, $o;
	$libdir = $lines[0] // '';
	($major) = ($lines[1] // '') =~ /PostgreSQL (\d+)/;
}
plan skip_all => "pg_cron is not installed in $libdir ("
  . ($major ? "Debian: apt-get install postgresql-$major-cron" : 'install pg_cron for this server') . ')'
  unless -e "$libdir/pg_cron.so";

my $conf = readme_snippet('pg_cron.conf');
my $sql = readme_snippet('pg_cron.sql');
my ($DB) = $conf =~ /^cron\.database_name\s*=\s*'([^']+)'/m;
ok(defined $DB, 'README pg_cron settings name cron.database_name');
like($conf, qr/^shared_preload_libraries\s*=\s*'[^']*\bpg_cron\b/m, 'README pg_cron settings preload pg_cron');
$DB //= 'postgres';

# A node with azure_blob in the database pg_cron will use, Azurite behind it;
# then the README's settings and a restart, as the README says.
my $node = azb_node('cron');
my $az = AzureBlob::Test::Azurite->start;
azb_setup_db($node, $DB);
azb_ok($node, $DB, "ALTER DATABASE $DB SET azure_blob.allow_http = on");
azb_ok($node, $DB, "SELECT azure_account_add('default', '" . $az->connection_string . "', 'uploads')");
azb_ok($node, $DB, "SELECT azure_container_create('uploads')");
azb_role($node, $DB, 'app', 'user');
$node->append_conf('postgresql.conf', $conf);
$node->restart;

my ($rc, $out, $err) = $node->psql($DB, $sql, on_error_stop => 1);
is($rc, 0, "README's pg_cron SQL block runs") or diag($err);
check_out('two jobs, in the azure_blob database, as blob_maint',
	"azure-deletions${AZB_FS}* * * * *${AZB_FS}$DB${AZB_FS}blob_maint\n"
	  . "azure-reconcile${AZB_FS}17 3 * * *${AZB_FS}$DB${AZB_FS}blob_maint",
	$node, $DB, "SELECT jobname, schedule, database, username FROM cron.job ORDER BY jobname");

# A file, uploaded and registered by a user, then deleted: its blob is queued.
my $row = azb_ok($node, $DB, "SELECT sas_url, blob_name FROM azure_generate_upload_sas('gone.txt', 'text/plain')",
	role => 'app', uid => 'user_1');
chomp $row;
my ($url, $blob) = split /$AZB_FS/, $row;
my $put = curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'x-ms-blob-type: BlockBlob',
	'-H', 'Content-Type: text/plain', '--data-binary', 'bye', $url);
is($put->{status}, '201', 'the user uploads a file');
azb_ok($node, $DB, "SELECT azure_save_metadata('$blob')", role => 'app', uid => 'user_1');
azb_ok($node, $DB, "DELETE FROM azure_files WHERE blob_name = '$blob'", role => 'app', uid => 'user_1');
check_out('deleting its row queued the blob', $blob, $node, $DB, "SELECT blob_name FROM azure_pending_deletions");

# The nightly job too, every minute, so that both run in this test.
azb_ok($node, $DB, "SELECT cron.alter_job(jobid, schedule => '* * * * *') FROM cron.job WHERE jobname = 'azure-reconcile'");

# Wait for a finished run of each job (pg_cron 1.4: at the next minute).
my $done = "SELECT count(DISTINCT j.jobname) FROM cron.job_run_details r JOIN cron.job j USING (jobid)
	WHERE r.status IN ('succeeded', 'failed')";
my $deadline = time + 150;
while (time < $deadline)
{
	last if azb_ok($node, $DB, $done) eq "2";
	sleep 1;
}
diag("cron.job_run_details:\n"
	  . azb_ok($node, $DB, "SELECT jobid, status, return_message, username FROM cron.job_run_details ORDER BY runid"))
  if time >= $deadline;
check_out('both jobs ran and succeeded',
	"azure-deletions${AZB_FS}succeeded${AZB_FS}SELECT 1${AZB_FS}blob_maint\n"
	  . "azure-reconcile${AZB_FS}succeeded${AZB_FS}SELECT 1${AZB_FS}blob_maint",
	$node, $DB,
	"SELECT DISTINCT ON (j.jobname) j.jobname, r.status, r.return_message, r.username
	   FROM cron.job_run_details r JOIN cron.job j USING (jobid) ORDER BY j.jobname, r.start_time");
check_out('the deletion queue is empty', '0', $node, $DB, "SELECT count(*) FROM azure_pending_deletions");
check_out('the blob is gone from the container', '0', $node, $DB, "SELECT count(*) FROM azure_blob_list()");
check_out('Azurite has no such blob', 't', $node, $DB, "SELECT size_bytes IS NULL FROM azure_blob_properties('$blob')");

done_testing();
