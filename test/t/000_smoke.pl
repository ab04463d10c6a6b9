# Smoke test of the TAP harness itself: a cluster, Azurite, one signed upload.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use Test::More;

my $node = azb_node('smoke', 'azure_blob.allow_http = on');
my $az = AzureBlob::Test::Azurite->start;
azb_setup_db($node, 'smoke');
azb_role($node, 'smoke', 'app', 'user');
azb_ok($node, 'smoke', "SELECT azure_account_add('default', '" . $az->connection_string . "', 'upl')");
azb_ok($node, 'smoke', "SELECT azure_container_create('upl')");
my $url = azb_ok($node, 'smoke', "SELECT sas_url FROM azure_generate_upload_sas('a.txt', 'text/plain')",
	role => 'app', uid => 'u1');
like($url, qr{^http://127\.0\.0\.1:\d+/devstoreaccount1/upl/}, 'upload URL in Azurite');
my $put = curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'x-ms-blob-type: BlockBlob',
	'-H', 'Content-Type: text/plain', '--data-binary', 'hi', $url);
is($put->{status}, '201', 'PUT with the URL -> 201');
expect_state('no user id', '28000', $node, 'smoke', "SELECT azure_current_user_id()", role => 'app');
my $s = azb_session($node, 'smoke');
my $r = sess_query($s, "SELECT 1/0");
is($r->{state}, '22012', 'session reports SQLSTATE');
$s->quit;
done_testing();
