# The README's "Into your own server" (Azurite) and "From your app" sections,
# run as written: the Azurite setup block of README.md goes through psql, and
# the driver programs examples/drivers/node-pg.js and python-psycopg2.py run
# against that database and Azurite. Their README snippets must be the files'
# marked regions byte for byte, so the documentation cannot drift from the
# code that is tested here.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

# The README's setup block says "in the database mydb".
my $DB = 'mydb';
my $OTHER = 'user_456';
my $WORK = PostgreSQL::Test::Utils::tempdir('drivers');

# ---------------------------------------------------------------------------
# Snippets: README.md == the files' marked regions.
is(readme_snippet('node-pg'), file_snippet('examples/drivers/node-pg.js'),
	'README node-pg snippet is the marked region of examples/drivers/node-pg.js');
is(readme_snippet('psycopg2'), file_snippet('examples/drivers/python-psycopg2.py'),
	'README psycopg2 snippet is the marked region of examples/drivers/python-psycopg2.py');

# ---------------------------------------------------------------------------
# Setup, as the README's Azurite block does it. The one change: Azurite runs
# on a free port, so the connection string names its endpoint (the variant
# the README gives for another port).
my $node = azb_node('drivers');
my $az = AzureBlob::Test::Azurite->start;
$node->safe_psql('postgres', "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");

my $setup = readme_snippet('azurite.sql');
my $dev = 'UseDevelopmentStorage=true';
is(scalar(() = $setup =~ /\Q'$dev'\E/g), 1, 'README setup block names the development account once');
$setup =~ s/\Q'$dev'\E/'$dev;BlobEndpoint=@{[ $az->endpoint ]}'/;
my ($rc, $out, $err) = $node->psql($DB, $setup, on_error_stop => 1);
is($rc, 0, "README's Azurite setup block runs in psql") or diag($err);
check_out('container uploads exists in Azurite', '0', $node, $DB, "SELECT count(*) FROM azure_blob_list()");
check_out('role app has user rights', "t${AZB_FS}f", $node, $DB,
	"SELECT pg_has_role('app', 'azure_blob_user', 'MEMBER'), pg_has_role('app', 'azure_blob_admin', 'MEMBER')");

# The other user already has a file, which the programs' users must not see.
my $row = azb_ok($node, $DB, "SELECT sas_url, blob_name FROM azure_generate_upload_sas('theirs.txt', 'text/plain')",
	role => 'app', uid => $OTHER);
chomp $row;
my ($other_url, $other_blob) = split /$AZB_FS/, $row;
my $put = curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'x-ms-blob-type: BlockBlob',
	'-H', 'Content-Type: text/plain', '--data-binary', 'theirs', $other_url);
is($put->{status}, '201', "$OTHER uploads a file");
check_out("$OTHER registers it", $OTHER, $node, $DB, "SELECT user_id FROM azure_save_metadata('$other_blob')",
	role => 'app', uid => $OTHER);

# ---------------------------------------------------------------------------
# The programs.

# Runs CMD with the libpq environment of role app in $DB; returns { rc, out, err }.
sub run_driver
{
	my (@cmd) = @_;
	my ($o, $e) = ('', '');
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGUSER} = 'app';
	local $ENV{PGDATABASE} = $DB;
	local $ENV{NODE_PATH} = "$AZB_ROOT/examples/browser-upload/node_modules";
	IPC::Run::run(\@cmd, '<', \undef, '>', \$o, '2>', \$e,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return { rc => $? >> 8, out => $o, err => $e };
}

# Checks the output of a driver program run for USER: one upload URL, PUT 201,
# the row saved for USER, USER's only file readable with its read URL, and the
# other user's file listed for the other user only. 9 tests.
sub check_driver_output
{
	my ($label, $user, $content, $r) = @_;
	is($r->{rc}, 0, "$label exits 0") or diag($r->{err});
	my %one;
	my @files;
	for my $line (split /\n/, $r->{out})
	{
		my ($key, @f) = split /\t/, $line;
		if ($key eq 'file') { push @files, [@f] }
		else { $one{$key} = $f[0]; $one{"${key}_2"} = $f[1] }
	}
	my $upload = $one{upload} // '';
	my $blob = $one{saved} // '';
	like($upload, qr{^\Q@{[ $az->endpoint ]}\E/uploads/[^?]+\?.*\bsp=c\b.*\bsig=}, "$label: upload URL into uploads, create only");
	is($one{put}, '201', "$label: PUT with the upload URL -> 201");
	is($one{saved_2}, $user, "$label: row saved for $user");
	my $path = $blob =~ s{([^A-Za-z0-9._~/-])}{sprintf('%%%02X', ord $1)}ger;
	ok($blob ne '' && index($upload, "/uploads/$path?") > 0, "$label: saved blob is the one the upload URL names")
	  or diag("blob '$blob', URL $upload");
	my @mine = grep { $_->[0] eq $user } @files;
	is(join(',', map { $_->[1] } @mine), $blob, "$label: $user sees only their own file");
	my $get = curl('-o', "$WORK/got", '-w', '%{http_code}', $mine[0][2] // 'http://127.0.0.1:9/');
	is($get->{status} . ' ' . (-e "$WORK/got" ? slurp_file("$WORK/got") : ''), "200 $content",
		"$label: ${user}'s read URL gets the file");
	my @theirs = grep { $_->[0] eq $OTHER } @files;
	is(join(',', map { $_->[1] } @theirs), $other_blob, "$label: $OTHER sees only their own file");
	check_out("$label: the database has the row for $user", $user, $node, $DB,
		"SELECT user_id FROM azure_files WHERE blob_name = '$blob'");
	return;
}

my $node_r = run_driver('node', "$AZB_ROOT/examples/drivers/node-pg.js", 'user_node', $OTHER);
check_driver_output('node-pg.js', 'user_node', "hello from node-postgres as user_node\n", $node_r);

SKIP:
{
	my $probe = run_driver('python3', '-c', 'import psycopg2');
	skip('python3-psycopg2 is not installed (apt-get install python3-psycopg2)', 9) if $probe->{rc} != 0;
	my $py_r = run_driver('python3', "$AZB_ROOT/examples/drivers/python-psycopg2.py", 'user_py', $OTHER);
	check_driver_output('python-psycopg2.py', 'user_py', "hello from psycopg2 as user_py\n", $py_r);
}

done_testing();
