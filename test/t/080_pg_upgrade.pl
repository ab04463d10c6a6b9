# pg_upgrade from an older major to a newer one with azure_blob in use: accounts
# (sealed keys), files, a queued deletion and an upload name issued before the
# upgrade all work after it, once the master key file is carried over as the
# README's upgrade steps say.
#
# Needs two installations with azure_blob installed in each: AZB_PG_OLD_BINDIR
# and AZB_PG_NEW_BINDIR (test/pg-major.sh sets them); skipped without them.
# Signing needs no storage service: the account is a fixed test key.
#
# A known gap of some builds, not of azure_blob: Debian's PostgreSQL 15.20 on
# the development machine sets an attribute option pg_attver on every column
# (catalogs too), which stock PostgreSQL 18.3 does not know, so pg_upgrade's
# restore of the schema fails with 'unrecognized parameter "pg_attver"'.  When
# that is what pg_upgrade's logs say, the old-to-new upgrade is a TODO, and the
# same checks run through a pg_upgrade between two clusters of the new major
# (pg_upgrade allows the same major), so azure_blob's part is still tested.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use File::Basename qw(dirname);
use File::Copy qw(copy);
use File::Find;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($old_bin, $new_bin) = @ENV{qw(AZB_PG_OLD_BINDIR AZB_PG_NEW_BINDIR)};
plan skip_all => 'needs two majors: set AZB_PG_OLD_BINDIR and AZB_PG_NEW_BINDIR (test/pg-major.sh does)'
  unless $old_bin && $new_bin && -x "$old_bin/pg_ctl" && -x "$new_bin/pg_upgrade";
for my $bin ($old_bin, $new_bin)
{
	my $lib = `"$bin/pg_config" --pkglibdir`;
	chomp $lib;
	plan skip_all => "azure_blob is not installed for $bin" unless -f "$lib/azure_blob.so";
}

# A made-up 64-byte key: signing is computed locally, nothing is sent.
my $key = 'YXp1cmVfYmxvYiBwZ191cGdyYWRlIHRlc3Qga2V5LCBub3QgYSBzZWNyZXQsIDAxMjM0NTY3ODlhYmNkZWZnaA==';
my $conn = "DefaultEndpointsProtocol=https;AccountName=upgacct;AccountKey=$key;EndpointSuffix=core.windows.net";
my @conf = ('azure_blob.verify_uploads = off');
my $sas = "SELECT azure_blob_sas_url('dir/a.txt', 'r', '2031-01-02 03:04:05+00', '2031-01-01 00:00:00+00')";
my $rows = "SELECT blob_name, user_id, account, container, content_type FROM azure_files ORDER BY blob_name";
my $queue = "SELECT account, container, blob_name, attempts FROM azure_pending_deletions ORDER BY id";

my $PG_ATTVER = 'unrecognized parameter "pg_attver"';

sub major_of
{
	my ($bin) = @_;
	my $v = `"$bin/pg_config" --version`;
	return $v =~ /PostgreSQL (\d+)/ ? $1 : '?';
}

sub checksums_of
{
	my ($bin, $node) = @_;
	my $cd = `"$bin/pg_controldata" "${\$node->data_dir}"`;
	return $cd =~ /Data page checksum version:\s+(\d+)/ ? $1 : "(no checksum line in pg_controldata)\n$cd";
}

# old_in_use(NAME, BINDIR): a cluster of BINDIR's major with azure_blob in
# use, stopped; returns it and what must hold after the upgrade.
sub old_in_use
{
	my ($nm, $bin) = @_;
	my $m = major_of($bin);
	my $old = PostgreSQL::Test::Cluster->new($nm, install_path => dirname($bin));
	$old->init;
	$old->append_conf('postgresql.conf', join("\n", @conf) . "\n");
	$old->start;
	azb_setup_db($old, 'app');
	azb_role($old, 'app', 'web', 'user');
	azb_ok($old, 'app', "SELECT azure_account_add('default', '$conn', 'files')");
	my %name;
	for my $f (qw(kept gone later))
	{
		$name{$f} = azb_ok($old, 'app', "SELECT blob_name FROM azure_generate_upload_sas('$f.txt', 'text/plain')",
			role => 'web', uid => 'u1');
		chomp $name{$f};
	}
	azb_ok($old, 'app', "SELECT 1 FROM azure_save_metadata('$name{$_}')", role => 'web', uid => 'u1') for qw(kept gone);
	azb_ok($old, 'app', "DELETE FROM azure_files WHERE blob_name = '$name{gone}'", role => 'web', uid => 'u1');
	my %before = map { $_ => azb_ok($old, 'app', $_) } ($sas, $rows, $queue);
	like($before{$sas}, qr{^https://upgacct\.blob\.core\.windows\.net/files/dir/a\.txt\?.*&sig=},
		"old ($m): account signs");
	is(scalar(split /\n/, $before{$rows}), 1, "old ($m): one file row");
	like($before{$queue}, qr/^default\x1ffiles\x1f\Q$name{gone}\E\x1f0$/, "old ($m): one queued deletion");
	ok(-f $old->data_dir . '/azure_blob_master.key', "old ($m): master key file next to config_file");
	$old->stop;
	return ($old, \%name, \%before);
}

# upgrade(OLD, OLD_BINDIR, NAME): pg_upgrade OLD into a new cluster of
# $new_bin; returns the new cluster (stopped), pg_upgrade's success and the
# text of its output and logs.
sub upgrade
{
	my ($old, $obin, $nm) = @_;
	my $new = PostgreSQL::Test::Cluster->new($nm, install_path => dirname($new_bin));
	# initdb turns data checksums on from PostgreSQL 18; pg_upgrade needs the
	# old cluster's setting, so the new cluster is made to match it.
	my $old_sums = checksums_of($obin, $old);
	$new->init(extra => [ $old_sums eq '0' ? '--no-data-checksums' : '--data-checksums' ]);
	is(checksums_of($new_bin, $new), $old_sums,
		"new cluster's data checksum setting matches the old one's (version $old_sums)");
	$new->append_conf('postgresql.conf', join("\n", @conf) . "\n");
	my ($stdout, $stderr) = ('', '');
	my $ok = IPC::Run::run(
		[
			"$new_bin/pg_upgrade", '--no-sync',
			'-b' => $obin, '-B' => $new_bin,
			'-d' => $old->data_dir, '-D' => $new->data_dir,
			'-s' => $new->host, '-p' => $old->port, '-P' => $new->port,
			'-U' => 'postgres',
		],
		'<', \undef, '>', \$stdout, '2>', \$stderr);
	my $logs = "$stdout\n$stderr\n";
	# pg_upgrade keeps its logs under the new data directory when it fails.
	find(sub { $logs .= "----- $File::Find::name\n" . slurp_file($_) if -f $_ && /\.(log|txt)$/ },
		$new->data_dir . '/pg_upgrade_output.d')
	  if -d $new->data_dir . '/pg_upgrade_output.d';
	return ($new, $ok, $logs);
}

my ($old_major, $new_major) = (major_of($old_bin), major_of($new_bin));
my ($old, $name, $before) = old_in_use('old', $old_bin);
my ($new, $upgraded, $logs) = upgrade($old, $old_bin, 'new');
if (!$upgraded && index($logs, $PG_ATTVER) >= 0)
{
	TODO:
	{
		local $TODO = "Debian 15.20 here sets attoption pg_attver that PostgreSQL 18.3 does not know";
		ok(0, "pg_upgrade $old_major -> $new_major");
	}
	note((grep { index($_, $PG_ATTVER) >= 0 } split /\n/, $logs)[0]);
	# The same checks through an upgrade within the new major.
	my $sas_old_major = $before->{$sas};
	($old, $name, $before) = old_in_use('old_same', $new_bin);
	is($before->{$sas}, $sas_old_major, "old ($old_major) and old ($new_major) sign the same URL for fixed times");
	($new, $upgraded, $logs) = upgrade($old, $new_bin, 'new_same');
	ok($upgraded, "pg_upgrade $new_major -> $new_major (instead)") or diag($logs);
}
else
{
	ok($upgraded, "pg_upgrade $old_major -> $new_major") or diag($logs);
}
# Nothing to check in a cluster pg_upgrade did not finish (the failure is counted above).
unless ($upgraded)
{
	done_testing();
	exit;
}

# The documented step: the key file goes next to the new config_file, owner-only.
my $new_key = $new->data_dir . '/azure_blob_master.key';
ok(copy($old->data_dir . '/azure_blob_master.key', $new_key) && chmod(0600, $new_key),
	'master key file copied to the new cluster');
$new->start;

# --- after the upgrade ---
my $ver = azb_ok($new, 'app', "SELECT extversion FROM pg_extension WHERE extname = 'azure_blob'");
is($ver, azb_ok($new, 'app', "SELECT default_version FROM pg_available_extensions WHERE name = 'azure_blob'"),
	'new: extension at the installed default version');
check_out('new: same SAS URL for fixed times', $before->{$sas}, $new, 'app', $sas);
check_out('new: key still sealed at rest', "t", $new, 'app',
	"SELECT bool_and(account_key LIKE 'sealed:v1:%') FROM azure_blob.accounts");
check_out('new: file rows intact', $before->{$rows}, $new, 'app', $rows);
check_out('new: deletion queue intact', $before->{$queue}, $new, 'app', $queue);
check_out('new: pre-upgrade upload name registers', "$name->{later}\x1fu1", $new, 'app',
	"SELECT blob_name, user_id FROM azure_save_metadata('$name->{later}')", role => 'web', uid => 'u1');
check_out('new: read URL for the kept file', "t", $new, 'app',
	"SELECT azure_generate_read_sas('$name->{kept}') LIKE 'https://upgacct.blob.core.windows.net/files/%'",
	role => 'web', uid => 'u1');
expect_state('new: a forged upload name is still refused', '42501', $new, 'app',
	"SELECT azure_save_metadata('00000000-0000-4000-8000-000000000000-x.txt')", role => 'web', uid => 'u1');
$new->stop;
done_testing();
