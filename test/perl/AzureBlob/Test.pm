# Shared parts of azure_blob's TAP suites (test/t/*.pl), on top of
# PostgreSQL's own framework (PostgreSQL::Test::Cluster, ::Utils,
# ::BackgroundPsql), which PGXS installs with the server headers.
#
# What it gives (all exported):
#   azb_node(NAME, CONF...)      a started PostgreSQL::Test::Cluster with the
#                                extra postgresql.conf lines CONF
#   azb_setup_db(NODE, DB)       CREATE DATABASE DB (UTF8, C) with the extension
#   azb_role(NODE, DB, ROLE, LEVEL...)
#                                a login role; LEVEL 'user' or 'admin' grants
#                                the cluster role and azure_grant() in DB
#   azb_sql(NODE, DB, SQL, role => R, uid => U)
#                                runs SQL (as R, with azure_blob.user_id = U set
#                                in the transaction of SQL's first statement);
#                                returns { rc, out, err, state }: rows with
#                                columns separated by $AZB_FS, and the SQLSTATE
#                                of the first error ('' if none)
#   azb_ok(NODE, DB, SQL, %opt)  the same, and dies when SQL fails; returns out
#   check_out(LABEL, WANT, NODE, DB, SQL, %opt)
#                                one test: SQL succeeds and prints exactly WANT
#   expect_state(LABEL, STATE, NODE, DB, SQL, %opt)
#                                one test: SQL fails with SQLSTATE STATE
#   azb_session(NODE, DB, role => R)
#                                a long-lived psql (BackgroundPsql), VERBOSITY verbose
#   sess_query(SESSION, SQL)     runs SQL in it; returns { out, err, state }
#   sqlstate_of(TEXT)            the SQLSTATE of the first "ERROR:  XXXXX:" line
#   curl(ARGS...)                runs curl -gsS with ARGS; returns { status, out, err }
#                                (status is the HTTP code with -w '%{http_code}' last)
#   azb_free_port()              a TCP port on 127.0.0.1 nobody listens on
#   AzureBlob::Test::Azurite->start(persist => 0|1)
#                                Azurite's blob service on 127.0.0.1:<free port>;
#                                ->port, ->endpoint, ->connection_string, ->kill,
#                                ->restart (same port; blobs survive with persist),
#                                ->stop (also at exit)
#   readme_snippet(NAME)         the body of the fenced code block that follows
#                                the line "<!-- snippet: NAME -->" in README.md
#   file_snippet(PATH)           the lines of PATH (relative to the repository)
#                                between "README snippet begin" and "... end"
#
# Only 127.0.0.1 and the cluster's own Unix socket are ever used.
package AzureBlob::Test;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use File::Basename qw(dirname);
use File::Spec;
use IO::Socket::INET;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(
  $AZB_FS $AZB_ROOT azb_node azb_setup_db azb_role azb_sql azb_ok
  check_out expect_state azb_session sess_query sqlstate_of curl azb_free_port
  $AZURITE_DEV_KEY readme_snippet file_snippet
);

# Unit separator between columns: never occurs in names, URLs or timestamps.
our $AZB_FS = "\x1f";

# The repository root (this file is test/perl/AzureBlob/Test.pm).
our $AZB_ROOT = File::Spec->rel2abs(dirname(__FILE__) . '/../../..');

# Azurite's development account key (public, documented by Microsoft).
our $AZURITE_DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

# Byte-exact comparisons of Unicode names, whatever the locale of the caller.
$ENV{PGCLIENTENCODING} = 'UTF8';

sub azb_node
{
	my ($name, @conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', join("\n", @conf) . "\n") if @conf;
	$node->start;
	return $node;
}

sub azb_setup_db
{
	my ($node, $db) = @_;
	$node->safe_psql('postgres',
		"CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
	$node->safe_psql($db, 'CREATE EXTENSION azure_blob');
	return;
}

sub azb_role
{
	my ($node, $db, $role, @levels) = @_;
	$node->safe_psql('postgres', "CREATE ROLE $role LOGIN");
	$node->safe_psql($db, "GRANT CONNECT ON DATABASE $db TO $role; GRANT USAGE ON SCHEMA public TO $role");
	for my $level (@levels)
	{
		# Since 1.1 the cluster role counts only where a grant names the role
		# (README, "Security model").
		$node->safe_psql($db, "GRANT azure_blob_$level TO $role; SELECT azure_grant('$role', '$level')");
	}
	return;
}

sub sqlstate_of
{
	my ($text) = @_;
	return $1 if defined $text && $text =~ /^(?:psql:[^:]*:\d+: )?ERROR:  ([0-9A-Z]{5}): /m;
	return '';
}

sub azb_sql
{
	my ($node, $db, $sql, %opt) = @_;
	my ($out, $err) = ('', '');
	my $script = "\\set VERBOSITY verbose\n";
	my @extra = ('-F', $AZB_FS);
	push @extra, '-U', $opt{role} if defined $opt{role};
	if (defined $opt{uid})
	{
		# The identity counts only in the transaction that set it: "\;" makes
		# psql send the SET and SQL's first statement as one query.
		push @extra, '-v', "azb_uid=$opt{uid}";
		$script .= "SET azure_blob.user_id = :'azb_uid' \\;\n";
	}
	$script .= "$sql\n";
	my $rc = $node->psql($db, $script,
		stdout => \$out,
		stderr => \$err,
		extra_params => \@extra,
		on_error_stop => 1,
		%{ $opt{psql} // {} });
	return { rc => $rc, out => $out, err => $err, state => sqlstate_of($err) };
}

sub azb_ok
{
	my ($node, $db, $sql, %opt) = @_;
	my $r = azb_sql($node, $db, $sql, %opt);
	die "SQL failed: $sql\n$r->{err}" if $r->{rc} != 0;
	return $r->{out};
}

sub check_out
{
	my ($label, $want, $node, $db, $sql, %opt) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $r = azb_sql($node, $db, $sql, %opt);
	if ($r->{rc} != 0)
	{
		fail($label);
		diag("failed: $r->{err}");
		return 0;
	}
	return is($r->{out}, $want, $label);
}

sub expect_state
{
	my ($label, $state, $node, $db, $sql, %opt) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $r = azb_sql($node, $db, $sql, %opt);
	if ($r->{rc} == 0)
	{
		fail("$label -> $state");
		diag("succeeded: $r->{out}");
		return 0;
	}
	return is($r->{state}, $state, "$label -> $state") || diag($r->{err});
}

sub azb_session
{
	my ($node, $db, %opt) = @_;
	my @extra = ('-F', $AZB_FS, '-v', 'VERBOSITY=verbose');
	push @extra, '-U', $opt{role} if defined $opt{role};
	return $node->background_psql($db, on_error_stop => 0, extra_params => \@extra,
		timeout => $opt{timeout} // $PostgreSQL::Test::Utils::timeout_default);
}

sub sess_query
{
	my ($sess, $sql) = @_;
	my ($out) = $sess->query($sql);
	my $err = $sess->{stderr};
	$sess->{stderr} = '';
	return { out => $out, err => $err, state => sqlstate_of($err) };
}

sub curl
{
	my (@args) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'curl', '-gsS', '--max-time', '120', @args ], '<', \undef, '>', \$out, '2>', \$err);
	my ($status) = $out =~ /(\d{3})\z/;
	return { status => $status // '000', out => $out, err => $err };
}

sub azb_free_port
{
	my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp', Listen => 1)
	  or die "no free port: $!";
	my $port = $sock->sockport;
	close $sock;
	return $port;
}

sub readme_snippet
{
	my ($name) = @_;
	my $readme = PostgreSQL::Test::Utils::slurp_file("$AZB_ROOT/README.md");
	$readme =~ /^<!-- snippet: \Q$name\E(?: [^\n]*)? -->\n```[^\n]*\n(.*?)^```$/ms
	  or die "README.md has no code block after <!-- snippet: $name -->\n";
	return $1;
}

sub file_snippet
{
	my ($path) = @_;
	my $text = PostgreSQL::Test::Utils::slurp_file("$AZB_ROOT/$path");
	$text =~ /^[^\n]*README snippet begin\n(.*?)^[^\n]*README snippet end$/ms
	  or die "$path has no README snippet markers\n";
	return $1;
}

package AzureBlob::Test::Azurite;

use strict;
use warnings FATAL => 'all';
use IPC::Run;
use PostgreSQL::Test::Utils;
use Time::HiRes qw(usleep);

my @running;

sub start
{
	my ($class, %opt) = @_;
	my $bin = "$AzureBlob::Test::AZB_ROOT/test/azurite/node_modules/.bin/azurite-blob";
	die "Azurite is not installed: run scripts/install-deps.sh (npm ci in test/azurite)\n" unless -x $bin;
	my $self = bless { bin => $bin, persist => $opt{persist} // 0, dir => PostgreSQL::Test::Utils::tempdir('azurite') },
	  $class;
	# Retry with a new port if another process took ours before Azurite bound it.
	for my $attempt (1 .. 3)
	{
		$self->{port} = AzureBlob::Test::azb_free_port();
		if ($self->_launch)
		{
			push @running, $self;
			return $self;
		}
	}
	die "Azurite did not start; its log:\n" . PostgreSQL::Test::Utils::slurp_file("$self->{dir}/azurite.log");
}

sub port { return $_[0]{port} }
sub endpoint { return "http://127.0.0.1:$_[0]{port}/devstoreaccount1" }

sub connection_string
{
	my ($self) = @_;
	return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AzureBlob::Test::AZURITE_DEV_KEY;"
	  . "BlobEndpoint=" . $self->endpoint;
}

# HTTP status of a list on the account root, or 000 when nothing answers.
sub _probe
{
	my ($self) = @_;
	my $r = AzureBlob::Test::curl('-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2',
		$self->endpoint . '?comp=list');
	return $r->{status};
}

sub _launch
{
	my ($self) = @_;
	# --skipApiVersionCheck: 3.35.0 refuses x-ms-version newer than it knows.
	# --loose: accept SAS fields it does not implement (e.g. ses) instead of 500.
	my @storage = $self->{persist} ? ('--location', "$self->{dir}/data") : ('--inMemoryPersistence');
	my @cmd = ($self->{bin}, '--blobHost', '127.0.0.1', '--blobPort', $self->{port}, @storage,
		'--disableTelemetry', '--silent', '--skipApiVersionCheck', '--loose');
	# Azurite writes its workspace files into its working directory: its own.
	$self->{h} = IPC::Run::start(\@cmd, '<', \undef, '>>', "$self->{dir}/azurite.log", '2>&1',
		init => sub { chdir $self->{dir} or die "chdir: $!" });
	for (1 .. 150)
	{
		last unless $self->{h}->pumpable;
		return 1 if $self->_probe ne '000';
		usleep(200_000);
	}
	$self->kill;
	return 0;
}

# Stop it, keeping port and directory for restart().
sub kill
{
	my ($self) = @_;
	return unless $self->{h};
	$self->{h}->signal('TERM') if $self->{h}->pumpable;
	eval { $self->{h}->finish; 1 } or $self->{h}->kill_kill(grace => 5);
	delete $self->{h};
	return;
}

sub restart
{
	my ($self) = @_;
	$self->kill;
	for (1 .. 5)
	{
		return 1 if $self->_launch;
		sleep 1;
	}
	die "Azurite did not come back on port $self->{port}";
}

sub stop
{
	my ($self) = @_;
	$self->kill;
	@running = grep { $_ != $self } @running;
	return;
}

END
{
	$_->kill for @running;
}

1;
