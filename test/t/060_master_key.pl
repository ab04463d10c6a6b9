# The master key file that seals account keys at rest (src/master_key.cpp,
# docs/keys-at-rest.md), on a primary and a hot standby whose postgresql.conf
# (config_file) lies outside the data directory, as Debian's pg_createcluster
# lays clusters out: the default key file sits next to config_file, so base
# backups do not carry it.  pg_regress cannot do this (it needs a standby, file
# modes, and PGC_SIGHUP settings changed with a reload).
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use File::Copy qw(copy);
use File::Find;
use File::Path qw(make_path);
use File::Spec;
use MIME::Base64 qw(encode_base64);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# A node started with -c config_file=<its conf dir>/postgresql.conf.  That file
# only includes the data directory's postgresql.conf, where Cluster keeps its
# settings (port, socket, streaming), so append_conf, backup and
# init_from_backup work as usual; pg_hba.conf and postgresql.auto.conf (ALTER
# SYSTEM) stay in the data directory.
package AzbConfOutside;
use parent -norequire, 'PostgreSQL::Test::Cluster';

# Absolute: the server resolves a relative include against config_file's
# directory, and basedir is relative when the TAP framework's data directory
# is (PostgreSQL 18's PostgreSQL::Test::Utils without TESTDATADIR).
sub conf_dir { return File::Spec->rel2abs($_[0]->basedir . '/conf') }

sub start
{
	my ($self) = @_;
	my $conf = $self->conf_dir;
	mkdir $conf unless -d $conf;
	PostgreSQL::Test::Utils::append_to_file("$conf/postgresql.conf",
		"include '" . File::Spec->rel2abs($self->data_dir) . "/postgresql.conf'\n")
	  unless -e "$conf/postgresql.conf";
	local %ENV = $self->_get_env(PGAPPNAME => undef);
	PostgreSQL::Test::Utils::system_or_bail('pg_ctl', '-w', '-D', $self->data_dir, '-l', $self->logfile,
		'-o', "--cluster-name=" . $self->name . " -c config_file='$conf/postgresql.conf'", 'start');
	$self->_update_pid(1);
	return 1;
}

package main;

my $primary = PostgreSQL::Test::Cluster->new('primary');
bless $primary, 'AzbConfOutside';
$primary->init(allows_streaming => 1);
$primary->start;
my $conf1 = $primary->conf_dir;
is($primary->safe_psql('postgres', 'SHOW config_file'), "$conf1/postgresql.conf",
	'setup: the primary\'s config_file is outside its data directory');

my $SIGN = "SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'a')";

# Lines of OUT (psql -At output of several statements) equal to WANT.
sub has_line
{
	my ($out, $want, $label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return ok((grep { $_ eq $want } split /\n/, $out), $label) || diag("want line '$want' in:\n$out");
}

# ALTER SYSTEM (after LOAD, so the session knows the settings), reload, and
# wait until new sessions see every setting of WANT (name => value).
sub alter_and_reload
{
	my ($node, $alter, %want) = @_;
	azb_ok($node, 'postgres', "LOAD 'azure_blob'; $alter");
	$node->reload;
	my $cond = join ' AND ', map { "current_setting('$_') = '$want{$_}'" } sort keys %want;
	$node->poll_query_until('postgres', "\\set QUIET on\nLOAD 'azure_blob';\nSELECT $cond")
	  or die "settings not reloaded: $alter";
	return;
}

sub mode_size_owner
{
	my ($path) = @_;
	my @st = stat $path or return "stat $path: $!";
	return sprintf('%o %d %s', $st[2] & 07777, $st[7], scalar getpwuid($st[4]));
}

my $me = getpwuid($<);

# --- primary -----------------------------------------------------------------
my $out = azb_ok($primary, 'postgres', join("\n",
	'CREATE EXTENSION azure_blob;',
	"CREATE FUNCTION public.seal() RETURNS integer AS 'azure_blob', 'azure_blob_seal_secrets' LANGUAGE C;",
	'SET azure_blob.allow_http = on;',
	"SELECT azure_account_add('a', 'UseDevelopmentStorage=true', 'box');",
	"SELECT 'sealed=' || public.seal();", "$SIGN;"));
# CREATE EXTENSION (1.0's script, then the 1.1 update, which runs seal_secrets()) left nothing in clear.
has_line($out, 'sealed=0', 'primary: CREATE EXTENSION sealed the upload secret (seal_secrets() finds nothing left)');
my ($sig_primary) = grep { /sig=/ } split /\n/, $out;
ok(defined $sig_primary, 'primary: a sealed account signs') or diag($out);
$sig_primary //= '(no signature)';
my $key = "$conf1/azure_blob_master.key";
is(mode_size_owner($key), "600 32 $me", 'primary: key file created next to config_file, mode 600, 32 bytes');
ok(!-e $primary->data_dir . '/azure_blob_master.key', 'primary: data directory holds no key file');
like(slurp_file($primary->logfile), qr/azure_blob created master key file "\Q$key\E"/,
	'primary: the creation is logged');

# --- hot standby -------------------------------------------------------------
$primary->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('standby');
bless $standby, 'AzbConfOutside';
$standby->init_from_backup($primary, 'b1', has_streaming => 1);
my @carried;
find(sub { push @carried, $File::Find::name if /^azure_blob_master/ },
	$primary->backup_dir . '/b1', $standby->data_dir);
ok(!@carried, 'standby: the base backup carries no key file') or diag("@carried");
$standby->start;
$primary->wait_for_catchup($standby);
my $conf2 = $standby->conf_dir;

# One session: it fails, the file is copied in, the same session then signs.
my $s = azb_session($standby, 'postgres');
is(sess_query($s, 'SELECT pg_is_in_recovery()')->{out}, 't', 'standby: is in recovery');
my $r = sess_query($s, $SIGN);
like($r->{err}, qr/ERROR:  58P01: master key file "\Q$conf2\E\/azure_blob_master.key" does not exist/,
	'standby: missing key file is 58P01 naming the path');
like($r->{err}, qr/HINT:  Copy the primary's master key file there/, "standby: the hint says to copy the primary's file");
opendir(my $dh, $conf2) or die "opendir $conf2: $!";
my @conf2_files = sort grep { !/^\.\.?$/ } readdir $dh;
closedir $dh;
copy($key, "$conf2/azure_blob_master.key") or die "copy: $!";
chmod 0600, "$conf2/azure_blob_master.key" or die "chmod: $!";
$r = sess_query($s, $SIGN);
is($r->{out}, $sig_primary, 'standby: once copied, the same session signs as the primary') or diag($r->{err});
$s->quit;
is("@conf2_files", 'postgresql.conf', 'standby: made no key file of its own');
$standby->command_ok([ 'pg_isready', '-h', $standby->host, '-p', $standby->port ], 'standby: server still up');

# --- unsafe or broken files --------------------------------------------------
chmod 0640, $key or die "chmod: $!";
$r = azb_sql($primary, 'postgres', $SIGN);
like($r->{err}, qr/ERROR:  F0000: master key file ".*" has group or world access/,
	'group-readable key file is refused (F0000)');
chmod 0600, $key or die "chmod: $!";
my $keys = $primary->basedir . '/keys';
make_path($keys);
open my $fh, '>:raw', "$keys/short.key" or die "open: $!";
print $fh substr(random_bytes(32), 0, 31);
close $fh;
chmod 0600, "$keys/short.key" or die "chmod: $!";
alter_and_reload($primary, "ALTER SYSTEM SET azure_blob.master_key_file = '$keys/short.key'",
	'azure_blob.master_key_file' => "$keys/short.key");
$r = azb_sql($primary, 'postgres', $SIGN);
like($r->{err}, qr/ERROR:  F0000: master key file ".*\/short.key" has the wrong size/,
	'31-byte key file is refused (F0000)');
$r = azb_sql($primary, 'postgres', "LOAD 'azure_blob'; ALTER SYSTEM SET azure_blob.master_key_file = 'rel.key'");
like($r->{err}, qr/must be given as an absolute path/, 'relative path is refused');

# --- rotation ----------------------------------------------------------------
alter_and_reload($primary,
	"ALTER SYSTEM SET azure_blob.master_key_file = '$keys/k2.key'; "
	  . "ALTER SYSTEM SET azure_blob.previous_master_key_file = '$key'",
	'azure_blob.master_key_file' => "$keys/k2.key",
	'azure_blob.previous_master_key_file' => $key);
my $UPLOADS = "SELECT 'uploads=' || count(*) FROM azure_generate_upload_sas('x.txt', 'text/plain');";
$out = azb_ok($primary, 'postgres', join("\n",
	"SET azure_blob.default_account = 'a';", "$SIGN;", $UPLOADS,
	"SELECT 'resealed=' || public.seal();", "SELECT 'again=' || public.seal();",
	"SELECT 'ids=' || string_agg(DISTINCT split_part(account_key, ':', 3), ',') FROM azure_blob.accounts;",
	"SELECT 'secret=' || split_part(convert_from(secret, 'UTF8'), ':', 3) FROM azure_blob.upload_secret;"));
has_line($out, $sig_primary, 'rotation: old values unseal with the previous key');
has_line($out, 'uploads=1', 'rotation: upload names work with the previous key');
has_line($out, 'resealed=2', 'rotation: seal_secrets() seals the key and the upload secret again');
has_line($out, 'again=0', 'rotation: a second run has nothing to do');
my ($new_id) = $out =~ /^ids=(.*)$/m;
is(join(' ', (split / /, mode_size_owner("$keys/k2.key"))[0, 1]), '600 32', 'rotation: new key file created, mode 600');
has_line($out, 'secret=' . ($new_id // '(no ids line)'), 'rotation: everything is under one new key id');
alter_and_reload($primary, 'ALTER SYSTEM RESET azure_blob.previous_master_key_file',
	'azure_blob.previous_master_key_file' => '');
$out = azb_ok($primary, 'postgres', "SET azure_blob.default_account = 'a';\n$SIGN;\n$UPLOADS");
has_line($out, $sig_primary, 'rotation: without the previous key, the account still signs');
has_line($out, 'uploads=1', 'rotation: without the previous key, upload names still work');
alter_and_reload($primary, 'ALTER SYSTEM RESET azure_blob.master_key_file', 'azure_blob.master_key_file' => '');
$r = azb_sql($primary, 'postgres', $SIGN);
like($r->{err},
	qr/DETAIL:  Its key was sealed with master key [0-9a-f]{8}, but the master key in "\Q$key\E" is [0-9a-f]{8}\./,
	'back on the old key: the clear error names both key ids');

# --- nothing in the logs ------------------------------------------------------
my $logs = slurp_file($primary->logfile) . slurp_file($standby->logfile);
my @leaked;
for my $k ($key, "$keys/k2.key")
{
	my $bytes = slurp_file($k);
	push @leaked, $k if index($logs, unpack('H*', $bytes)) >= 0 || index($logs, encode_base64($bytes, '')) >= 0;
}
ok(!@leaked, 'no master key in the server logs') or diag("@leaked");

done_testing();

# N bytes from /dev/urandom.
sub random_bytes
{
	my ($n) = @_;
	open my $u, '<:raw', '/dev/urandom' or die "urandom: $!";
	read($u, my $buf, $n) == $n or die "urandom: short read";
	close $u;
	return $buf;
}

