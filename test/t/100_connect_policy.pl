# The endpoint policy at connect time (src/http.cpp, core::JudgeAddress):
#   (a) a name on azure_blob.allowed_endpoint_hosts that resolves to a
#       loopback address (what DNS rebinding or a hostile DNS answer gives)
#       is refused with 22023 before any connection while allow_http is off,
#       and the error names the host, never the address;
#   (b) with allow_http on, the same name reaches Azurite (loopback is
#       Azurite's, as for loopback names);
#   (c) proxy variables in the server's environment (http_proxy,
#       https_proxy, ALL_PROXY) are ignored: requests go straight to the
#       endpoint, never to the proxy.
#
# The name comes from this machine's resolver (/etc/hosts): the host name,
# or another name that resolves to 127.0.0.0/8 other than localhost and
# *.localhost (which the host check already treats as loopback). Without
# one the suite skips (a) and (b) and says why. Everything listens on
# 127.0.0.1.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use IO::Select;
use IO::Socket::INET;
use PostgreSQL::Test::Utils;
use Socket qw(getaddrinfo getnameinfo AF_INET SOCK_STREAM NI_NUMERICHOST NIx_NOSERV);
use Sys::Hostname;
use Test::More;

my $DB = 'azb_connect';

# A name (not localhost or *.localhost) that resolves only to IPv4 loopback addresses here.
sub loopback_name
{
	my %seen;
	for my $name (grep { defined && length } (hostname(), 'vm', 'runsc', 'ip6-localhost', 'ip6-loopback'))
	{
		$name = lc $name;
		next if $seen{$name}++ || $name eq 'localhost' || $name =~ /\.localhost\z/ || $name !~ /\A[a-z0-9-]+\z/;
		my ($err, @res) = getaddrinfo($name, undef, { socktype => SOCK_STREAM });
		next if $err || !@res;
		my @addrs = map { (getnameinfo($_->{addr}, NI_NUMERICHOST, NIx_NOSERV))[1] } @res;
		return ($name, join(', ', @addrs)) if !grep { !/\A127\./ } @addrs;
	}
	return;
}

# A listener that counts the connections it accepts.
sub listener
{
	my $sock =
	  IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp', Listen => 16, ReuseAddr => 1);
	die "no listener: $!" unless $sock;
	return $sock;
}

sub connections
{
	my ($sock) = @_;
	my $n = 0;
	my $sel = IO::Select->new($sock);
	while ($sel->can_read(0.2))
	{
		my $c = $sock->accept or last;
		$n++;
		close $c;
	}
	return $n;
}

my $azurite = AzureBlob::Test::Azurite->start;
my $node = azb_node('connect_policy');
azb_setup_db($node, $DB);

my ($name, $addrs) = loopback_name();
SKIP:
{
	skip 'no name other than localhost resolves to 127.0.0.0/8 on this machine (/etc/hosts)', 7 unless $name;
	note "$name resolves to $addrs";
	my $trap = listener();
	my $trap_port = $trap->sockport;

	# (a) Listed, https, allow_http off: the host check passes, the address check refuses.
	my $setup = azb_sql($node, $DB,
		"SET azure_blob.allowed_endpoint_hosts = '$name';
		SELECT azure_account_add('rebind', 'AccountName=devstoreaccount1;AccountKey=$AZURITE_DEV_KEY;"
		  . "BlobEndpoint=https://$name:$trap_port/devstoreaccount1', 'pol1');");
	is($setup->{rc}, 0, "a listed name is accepted as an endpoint ($name)") or diag($setup->{err});
	my $r = azb_sql($node, $DB,
		"SET azure_blob.allowed_endpoint_hosts = '$name'; SET azure_blob.max_retries = 0;
		SELECT count(*) FROM azure_blob_list('', 'pol1', 'rebind');");
	is($r->{state}, '22023', "a listed name that resolves to loopback is refused while allow_http is off")
	  or diag($r->{err});
	like($r->{err}, qr/storage endpoint host "\Q$name\E" resolves to a loopback address, which is not allowed/,
		'the error names the host and what its address is');
	unlike($r->{err}, qr/127\.\d+\.\d+\.\d+/, 'the error does not show the address');
	is(connections($trap), 0, 'no connection was made to the address');

	# (b) allow_http on: the same kind of name reaches Azurite.
	my $port = $azurite->port;
	$r = azb_sql($node, $DB,
		"SET azure_blob.allowed_endpoint_hosts = '$name'; SET azure_blob.allow_http = on;
		SELECT azure_account_add('rebind_http', 'AccountName=devstoreaccount1;AccountKey=$AZURITE_DEV_KEY;"
		  . "BlobEndpoint=http://$name:$port/devstoreaccount1', 'pol2');
		SELECT azure_container_create('pol2', 'rebind_http');
		SELECT azure_container_create('pol2', 'rebind_http');");
	is($r->{rc}, 0, 'with allow_http on, a name that resolves to loopback reaches Azurite') or diag($r->{err});
	is($r->{out}, "\nt\nf", 'created through that name, then found there (false: it exists)');
	close $trap;
}

# (c) Proxy variables in the server's environment are not used.
my $proxy = listener();
my $proxy_url = 'http://127.0.0.1:' . $proxy->sockport;
{
	local $ENV{http_proxy} = $proxy_url;
	local $ENV{https_proxy} = $proxy_url;
	local $ENV{ALL_PROXY} = $proxy_url;
	local $ENV{all_proxy} = $proxy_url;
	local $ENV{NO_PROXY};
	local $ENV{no_proxy};
	delete $ENV{NO_PROXY};
	delete $ENV{no_proxy};
	$node->restart;
}
my ($pm) = slurp_file($node->data_dir . '/postmaster.pid') =~ /\A(\d+)/;
my $pm_env = -r "/proc/$pm/environ" ? slurp_file("/proc/$pm/environ") : '';
like($pm_env, qr/(?:^|\0)http_proxy=\Q$proxy_url\E(?:\0|$)/, "the server runs with http_proxy=$proxy_url");
my $r = azb_sql($node, $DB,
	"SET azure_blob.allow_http = on; SET azure_blob.max_retries = 0;
	SELECT azure_account_add('direct', '" . $azurite->connection_string . "', 'pol3');
	SELECT azure_container_create('pol3', 'direct');
	SELECT azure_container_create('pol3', 'direct');");
is($r->{rc}, 0, 'with proxy variables set, requests still reach Azurite') or diag($r->{err});
is($r->{out}, "\nt\nf", 'the container was created, then found');
is(connections($proxy), 0, 'the proxy saw no connection');

$node->stop;
done_testing();
