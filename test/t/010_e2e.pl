# End-to-end upload flow against a real Azurite blob service, as an app does
# it: azure_generate_upload_sas -> PUT -> azure_save_metadata ->
# azure_generate_read_sas -> GET.  Every check asserts a real outcome: HTTP
# status codes from curl, byte equality of files (File::Compare), row
# contents and SQLSTATEs from psql.
use strict;
use warnings FATAL => 'all';
use AzureBlob::Test;
use File::Compare qw(compare);
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $DB = 'e2e';
my $CONTAINER = 'uploads';
my ($USER_A, $USER_B) = ('user_123', 'user_456');
my $WORK = PostgreSQL::Test::Utils::tempdir('e2e');
my $node;

# ---------------------------------------------------------------------------
# Local helpers.

# An SQL string literal (standard_conforming_strings is on).
sub lit
{
	my ($s) = @_;
	return "'" . ($s =~ s/'/''/gr) . "'";
}

# Query parameter NAME of URL, still percent-encoded ('' if absent).
sub qparam
{
	my ($url, $name) = @_;
	return $url =~ /[?&]\Q$name\E=([^&]*)/ ? $1 : '';
}

sub url_path { return $_[0] =~ s/\?.*\z//sr }

sub write_file
{
	my ($path, $bytes) = @_;
	open my $fh, '>:raw', $path or die "$path: $!";
	print $fh $bytes;
	close $fh or die "$path: $!";
	return $path;
}

sub same_bytes
{
	my ($want, $got) = @_;
	return -e $got && compare($want, $got) == 0;
}

# PUT FILE as a block blob with CONTENT_TYPE; returns { status, body }.
sub http_put
{
	my ($url, $file, $ctype) = @_;
	my $body = "$WORK/put.body";
	unlink $body;
	my $r = curl('-o', $body, '-w', '%{http_code}', '-X', 'PUT', '-H', 'x-ms-blob-type: BlockBlob',
		'-H', "Content-Type: $ctype", '--data-binary', "\@$file", $url);
	$r->{body} = -e $body ? slurp_file($body) : '';
	return $r;
}

# GET URL into OUTFILE; returns { status, headers => { lower-case name => value } }.
sub http_get
{
	my ($url, $outfile) = @_;
	my $hfile = "$WORK/get.headers";
	unlink $outfile, $hfile;
	my $r = curl('-o', $outfile, '-D', $hfile, '-w', '%{http_code}', $url);
	my %h;
	if (-e $hfile)
	{
		for my $line (split /\r?\n/, slurp_file($hfile))
		{
			$h{ lc $1 } = $2 if $line =~ /^([^:\s]+):\s*(.*?)\s*$/;
		}
	}
	$r->{headers} = \%h;
	return $r;
}

# SQL as the app with user id UID (undef: none) / as the superuser; these
# die if the SQL fails: they are steps, not checks.
sub app_ok { my ($uid, $sql) = @_; return azb_ok($node, $DB, $sql, role => 'app', uid => $uid) }
sub admin_ok { my ($sql) = @_; return azb_ok($node, $DB, $sql) }

# Columns of a one-row result.
sub cols { return split /\x1f/, $_[0], -1 }

# An upload URL for NAME/CTYPE as UID, and the PUT of FILE with PUT_CTYPE
# (default CTYPE), which must answer 201; returns (blob_name, put status).
sub issue_and_put
{
	my ($uid, $name, $ctype, $file, $put_ctype) = @_;
	my ($url, $blob) = cols(app_ok($uid,
		'SELECT sas_url, blob_name FROM azure_generate_upload_sas(' . lit($name) . ', ' . lit($ctype) . ')'));
	my $put = http_put($url, $file, $put_ctype // $ctype);
	return ($blob, $put->{status});
}

# "No row for BLOB", seen by the superuser.
sub no_row
{
	my ($label, $blob) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return check_out($label, '0', $node, $DB, 'SELECT count(*) FROM azure_files WHERE blob_name = ' . lit($blob));
}

# A setup step as one check; nothing after a failed setup can run.
sub setup_step
{
	my ($label, $code) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $ok = eval { $code->(); 1 };
	ok($ok, "setup: $label") or diag($@);
	die "setup failed: $label\n" unless $ok;
	return;
}

# ---------------------------------------------------------------------------
# Setup: cluster, database with the extension, Azurite, container, account,
# the login roles app (azure_blob_user) and outsider (no grant).
$node = azb_node('e2e');
my $az;

setup_step("create database $DB", sub {
	$node->safe_psql('postgres',
		"CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
});
setup_step('CREATE EXTENSION azure_blob', sub { $node->safe_psql($DB, 'CREATE EXTENSION azure_blob') });
# Azurite speaks plain http, which REST calls refuse (55000) unless the
# superuser-only azure_blob.allow_http is on. azure_save_metadata makes one
# (a HEAD of the blob, azure_blob.verify_uploads) in the app's sessions too.
setup_step("ALTER DATABASE $DB SET azure_blob.allow_http = on", sub {
	$node->safe_psql($DB, "ALTER DATABASE $DB SET azure_blob.allow_http = on");
});
setup_step('Azurite listening on 127.0.0.1', sub { $az = AzureBlob::Test::Azurite->start });
# The container comes from test/azurite/create-container.js, a Shared Key
# signer of its own (node:crypto), not from the extension.
setup_step("create container $CONTAINER with Shared Key (201)", sub {
	my $out = '';
	IPC::Run::run([ 'node', "$AZB_ROOT/test/azurite/create-container.js", $az->endpoint, $CONTAINER ],
		'<', \undef, '>&', \$out);
	die "create-container.js: $out" unless $out =~ /^201 /;
});
setup_step("azure_account_add('default', UseDevelopmentStorage=true;BlobEndpoint=..., '$CONTAINER')", sub {
	admin_ok("SELECT azure_account_add('default', " . lit('UseDevelopmentStorage=true;BlobEndpoint=' . $az->endpoint)
		  . ', ' . lit($CONTAINER) . ')');
});
setup_step('login roles app (azure_blob_user) and outsider (no grant)', sub {
	azb_role($node, $DB, 'app', 'user');
	azb_role($node, $DB, 'outsider');
});
check_out('setup: app logs in', 'app', $node, $DB, 'SELECT current_user', role => 'app')
  or die "app cannot log in\n";

# ---------------------------------------------------------------------------
# The upload flow: 6 checks per file (7 with PROPS: the row records the
# blob's content type and size, from the HEAD of azure_blob.verify_uploads).
# Returns { blob, url, file_url, read_url } of what succeeded.
sub upload_flow
{
	my ($label, $name, $file, $ctype, $uid, %opt) = @_;
	my $size = -s $file;
	my %up;

	# 1. upload SAS
	my ($sas_url, $blob, $file_url, $expires_at, $lifetime_ok) = cols(app_ok($uid, "
		SELECT sas_url, blob_name, file_url, expires_at,
		       expires_at > now() AND expires_at <= now() + interval '5 minutes 5 seconds'
		FROM azure_generate_upload_sas(" . lit($name) . ', ' . lit($ctype) . ')'));
	my @why;
	push @why, 'sp is ' . qparam($sas_url, 'sp') . ", want c" unless qparam($sas_url, 'sp') eq 'c';
	push @why, 'sas_url without query != file_url' unless url_path($sas_url) eq $file_url;
	push @why, "blob_name '$blob' does not end in '-$name'" unless substr($blob, -length("-$name")) eq "-$name";
	push @why, "expires_at $expires_at is not within the default 5 minutes" unless $lifetime_ok eq 't';
	ok(!@why, "$label: upload SAS (sp=c, blob <uuid>-name, file_url, 5 min expiry)")
	  or diag(join("\n", @why, "sas_url=$sas_url"));

	# 2. PUT the bytes with the SAS URL, as the browser would.
	my $put = http_put($sas_url, $file, $ctype);
	is($put->{status}, '201', "$label: PUT $size bytes with the upload URL -> 201")
	  or do { diag(substr($put->{body} . $put->{err}, 0, 500)); return \%up };
	@up{qw(blob url file_url)} = ($blob, $sas_url, $file_url);

	# 3. the metadata row.
	my ($r_blob, $r_user, $r_url, $r_ctype, $r_size) = cols(app_ok($uid, "
		SELECT blob_name, user_id, file_url, coalesce(content_type, '<null>'),
		       coalesce(size_bytes::text, '<null>')
		FROM azure_save_metadata(" . lit($blob) . ')'));
	is_deeply([ $r_blob, $r_user, $r_url ], [ $blob, $uid, $file_url ],
		"$label: azure_save_metadata row (blob_name, user_id=$uid, file_url)");
	is_deeply([ $r_ctype, $r_size ], [ $ctype, $size ], "$label: row records content_type and size_bytes of the blob")
	  if $opt{props};

	# 4. read SAS for the row.
	my $read_url = app_ok($uid, 'SELECT azure_generate_read_sas(' . lit($blob) . ')');
	ok(qparam($read_url, 'sp') eq 'r' && url_path($read_url) eq $file_url, "$label: read SAS (sp=r, on file_url)")
	  or diag("read_url=$read_url");
	$up{read_url} = $read_url;

	# 5. GET returns exactly the bytes and the Content-Type.
	my $get = http_get($read_url, "$WORK/got");
	ok($get->{status} eq '200' && same_bytes($file, "$WORK/got"),
		"$label: GET with the read URL -> 200, same $size bytes (compare)")
	  or diag("status $get->{status}, got " . (-s "$WORK/got" // 0) . ' bytes');
	is($get->{headers}{'content-type'} // '', $ctype, "$label: GET returns Content-Type '$ctype'");
	return \%up;
}

# ---------------------------------------------------------------------------
# Files of every kind and names that need escaping.
my $big = do
{
	open my $fh, '<:raw', '/dev/urandom' or die "/dev/urandom: $!";
	read($fh, my $bytes, 5 * 1024 * 1024) == 5 * 1024 * 1024 or die 'short read';
	write_file("$WORK/big.bin", $bytes);
};
my $small = write_file("$WORK/small.txt", "hello from azure_blob e2e\n");
# UTF-8 bytes (no "use utf8": names and contents stay byte strings, as psql prints them).
my $utf8 = write_file("$WORK/utf8.txt", "Grüße, こんにちは, ½ + ¼ = ¾\n");

upload_flow('5 MB random binary', 'random-5mb.bin', $big, 'application/octet-stream', $USER_A, props => 1);
upload_flow('name with spaces', 'my holiday photo.txt', $small, 'text/plain', $USER_A);
upload_flow('unicode name', 'résumé 日本.txt', $utf8, 'text/plain; charset=utf-8', $USER_A);
upload_flow('name with #', 'a#b.txt', $small, 'text/plain', $USER_A);
upload_flow('name with ?', 'what?.txt', $small, 'text/plain', $USER_A);
upload_flow('name with +', 'c++ notes.txt', $small, 'text/plain', $USER_A);
upload_flow('name with %', '100%.txt', $small, 'text/plain', $USER_A);

# A fresh blob of user A for the refusal cases below; a PNG-typed body checks
# that the Content-Type travels through unchanged.
my $png = write_file("$WORK/pic.png", "\x89PNG\r\n\x1a\nnot really a png\n");
my $ref = upload_flow('refusal fixture', 'pic.png', $png, 'image/png', $USER_A);
die "the refusal fixture did not upload; nothing below can run\n" unless $ref->{read_url};

# ---------------------------------------------------------------------------
# Refusals by the storage service.

# Tampered signature: change one Base64 character of sig= (not part of a %XX
# escape, and not its last data character, whose low bits may be padding).
{
	my $sig = qparam($ref->{read_url}, 'sig');
	my $i = 0;
	$i += 3 while substr($sig, $i, 1) eq '%';
	my $bad = $sig;
	substr($bad, $i, 1) = substr($sig, $i, 1) eq 'A' ? 'B' : 'A';
	my $tampered = $ref->{read_url} =~ s/sig=\Q$sig\E/sig=$bad/r;
	my $get = http_get($tampered, "$WORK/tampered.out");
	ok($tampered ne $ref->{read_url} && $get->{status} eq '403', 'tampered sig (one character) -> 403')
	  or diag("got $get->{status}");
}

# Expired: the admin signer with a window entirely in the past. A control URL
# from the same signer with a future expiry must work, so the 403 is due to
# the expiry and nothing else.
{
	my $sign = sub {
		admin_ok('SELECT azure_blob_sas_url(' . lit($ref->{blob}) . ", 'r', $_[0], now() - interval '10 minutes')");
	};
	my $past = $sign->("now() - interval '1 minute'");
	my $future = $sign->("now() + interval '5 minutes'");
	my $f = http_get($future, "$WORK/future.out");
	ok($f->{status} eq '200' && same_bytes($png, "$WORK/future.out"),
		'azure_blob_sas_url with a future expiry -> 200, same bytes (control)')
	  or diag("got $f->{status}; url=$future");
	is(http_get($past, "$WORK/past.out")->{status}, '403',
		'expired URL (azure_blob_sas_url, expires_at in the past) -> 403');
}

is(http_put($ref->{read_url}, $small, 'text/plain')->{status}, '403', 'read URL (sp=r) used for PUT -> 403');
is(http_get($ref->{url}, "$WORK/upget.out")->{status}, '403', 'upload URL (sp=c) used for GET -> 403');

# Second PUT with the same create-only URL onto the now existing blob. Put
# Blob with a SAS onto an existing blob needs 'w'; Azurite 3.35.0 answers 403
# AuthorizationPermissionMismatch (observed), and the blob keeps its first
# content.
{
	my $put = http_put($ref->{url}, $small, 'text/plain');
	my ($code) = $put->{body} =~ m{<Code>(.*?)</Code>};
	is($put->{status}, '403', 'second PUT with the same upload URL (sp=c) onto the existing blob -> 403');
	note('error code: ' . ($code // 'none'));
	my $get = http_get($ref->{read_url}, "$WORK/after.out");
	ok($get->{status} eq '200' && same_bytes($png, "$WORK/after.out"),
		'blob unchanged after the refused second PUT (compare)')
	  or diag("status $get->{status}");
}

# No SAS at all: the container is private. Azurite 3.35.0 answers 403
# (observed); Azure may answer 404 ResourceNotFound for a private blob. Either
# way no bytes may come back.
like(http_get($ref->{file_url}, "$WORK/anon.out")->{status}, qr/^40[34]\z/,
	'anonymous GET of file_url (no SAS) -> 403 or 404');

# A read URL from the app-facing function with a short expires_in works at
# once and is refused once it has expired: the lifetime reaches the token.
{
	my $short = app_ok($USER_A, 'SELECT azure_generate_read_sas(' . lit($ref->{blob}) . ", interval '3 seconds')");
	my $now = http_get($short, "$WORK/short.out")->{status};
	sleep 4;
	my $later = http_get($short, "$WORK/short.out")->{status};
	is("$now $later", '200 403', 'read SAS with expires_in 3 s -> 200 at once, 403 after 4 s');
}

# ---------------------------------------------------------------------------
# Ownership between app users.
my $count_sql = 'SELECT count(*) FROM azure_files WHERE blob_name = ' . lit($ref->{blob});
expect_state("$USER_B cannot get a read SAS for ${USER_A}'s file", '42501', $node, $DB,
	'SELECT azure_generate_read_sas(' . lit($ref->{blob}) . ')', role => 'app', uid => $USER_B);
check_out("$USER_B does not see ${USER_A}'s row in azure_files", '0', $node, $DB, $count_sql,
	role => 'app', uid => $USER_B);
check_out("$USER_A sees own row in azure_files", '1', $node, $DB, $count_sql, role => 'app', uid => $USER_A);

# A blob issued to user A and uploaded, but not yet registered: user B must
# not be able to claim it (the blob name carries a MAC of the user id, README
# "How issuing stays free of writes": 42501, and no row); user A then can.
{
	my ($blob, $status) = issue_and_put($USER_A, 'claim.txt', 'text/plain', $small);
	die "claim fixture: PUT answered $status\n" unless $status eq '201';
	my $r = azb_sql($node, $DB, 'SELECT azure_generate_read_sas(' . lit($blob) . ')', role => 'app', uid => $USER_A);
	isnt($r->{rc}, 0, 'no read SAS for an uploaded blob without an azure_files row')
	  or diag("succeeded: $r->{out}");
	note("its SQLSTATE: $r->{state}");
	expect_state("$USER_B cannot save metadata for a blob issued to $USER_A", '42501', $node, $DB,
		'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')', role => 'app', uid => $USER_B);
	expect_state("$USER_B cannot INSERT a row for a blob issued to $USER_A", '42501', $node, $DB,
		'INSERT INTO azure_files (blob_name) VALUES (' . lit($blob) . ')', role => 'app', uid => $USER_B);
	no_row("no row for ${USER_A}'s blob after ${USER_B}'s attempts", $blob);
	check_out("$USER_A can save metadata for the blob issued to $USER_A", $blob, $node, $DB,
		'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')', role => 'app', uid => $USER_A);
}

# An issued name whose upload never happened: azure_save_metadata checks the
# blob (azure_blob.verify_uploads) and refuses with P0002 (no_data_found,
# docs/sqlstates.md; 42704 until 1.1); no row.
{
	my $blob = app_ok($USER_A, "SELECT blob_name FROM azure_generate_upload_sas('never-uploaded.txt', 'text/plain')");
	expect_state('azure_save_metadata of an issued but never uploaded blob', 'P0002', $node, $DB,
		'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')', role => 'app', uid => $USER_A);
	no_row('no row for the never uploaded blob', $blob);
}

# ---------------------------------------------------------------------------
# Idempotent registration (issue 11): azure_save_metadata again for a blob the
# same user registered returns that row, as registered, and asks Azure
# nothing (with verify_uploads on, as here): after the blob is deleted behind
# the extension's back, the call still answers with the row.  Another user
# gets 42501, as for any name not issued to him.
{
	my ($blob, $status) = issue_and_put($USER_A, 'twice.txt', 'text/plain', $small);
	die "idempotency fixture: PUT answered $status\n" unless $status eq '201';
	my $row_sql = 'SELECT id, size_bytes, etag, upload_timestamp FROM azure_save_metadata(' . lit($blob) . ')';
	my $first = app_ok($USER_A, $row_sql);
	my ($id, $size, $etag) = cols($first);
	ok($size > 0 && $etag ne '', 'first azure_save_metadata records size and ETag from Azure') or diag($first);
	check_out('a second azure_save_metadata by the same user returns the same row', $first, $node, $DB, $row_sql,
		role => 'app', uid => $USER_A);
	check_out('one row for the blob after two calls', '1', $node, $DB,
		'SELECT count(*) FROM azure_files WHERE blob_name = ' . lit($blob));
	my $del_url = admin_ok('SELECT azure_blob_sas_url(' . lit($blob) . ", 'd', now() + interval '5 minutes')");
	is(curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', $del_url)->{status}, '202',
		'the registered blob deleted directly in Azurite (DELETE -> 202)');
	check_out('the third call, blob gone from Azure, still returns the row (no request to Azure)', $first, $node,
		$DB, $row_sql, role => 'app', uid => $USER_A);
	expect_state("$USER_B cannot register ${USER_A}'s registered blob", '42501', $node, $DB, $row_sql,
		role => 'app', uid => $USER_B);
	# A fresh name, never uploaded, still gets P0002: the short cut is for registered rows only.
	my $fresh = app_ok($USER_A, "SELECT blob_name FROM azure_generate_upload_sas('twice.txt', 'text/plain')");
	expect_state('an issued, never uploaded name of the same file name still gets P0002', 'P0002', $node, $DB,
		'SELECT id FROM azure_save_metadata(' . lit($fresh) . ')', role => 'app', uid => $USER_A);
}

# ---------------------------------------------------------------------------
# Declared content type (upload names v2, src/core/upload.hpp).
my $html = write_file("$WORK/evil.html", "<script>alert(document.domain)</script>\n");

# An upload URL issued for image/png carries a PUT of text/html just fine (the
# service stores the Content-Type the client sent); azure_save_metadata then
# refuses the blob with 22023, writes no row, and deletes it at once.
{
	my ($blob, $status) = issue_and_put($USER_A, 'evil.png', 'image/png', $html, 'text/html');
	is($status, '201', 'PUT of a text/html body with an image/png upload URL -> 201 (the service does not check)');
	my $r = azb_sql($node, $DB, 'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')',
		role => 'app', uid => $USER_A);
	is($r->{state}, '22023', 'azure_save_metadata of a blob stored as text/html under an image/png URL -> 22023')
	  or diag($r->{rc} ? $r->{err} : "succeeded: $r->{out}");
	ok($r->{err} =~ /does not match the type its upload URL was issued for/ && $r->{err} =~ m{text/html},
		'the 22023 names the mismatch and the stored type')
	  or diag($r->{err});
	no_row('no row for the mistyped blob', $blob);
	my $gone = admin_ok('SELECT azure_blob_sas_url(' . lit($blob) . ", 'r', now() + interval '5 minutes')");
	is(http_get($gone, "$WORK/gone.out")->{status}, '404', 'the mistyped blob was deleted (GET -> 404)');
}

# A Content-Type list whose first type is the issued one: browsers use the
# last type of such a list, so it is refused like any other mismatch.
{
	my ($blob, $status) = issue_and_put($USER_A, 'list.png', 'image/png', $html, 'image/png;,text/html');
	is($status, '201', "PUT with Content-Type 'image/png;,text/html' under an image/png URL -> 201 (stored as sent)");
	expect_state("azure_save_metadata of a blob stored as 'image/png;,text/html' under an image/png URL", '22023',
		$node, $DB, 'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')', role => 'app', uid => $USER_A);
}

# The same media type in another case, with a parameter, is the declared type.
{
	my $png2 = write_file("$WORK/pic2.png", "\x89PNG\r\n\x1a\nanother\n");
	my ($blob, $status) = issue_and_put($USER_A, 'case.png', 'image/png', $png2, 'Image/PNG; foo=bar');
	my $r = azb_sql($node, $DB, 'SELECT content_type FROM azure_save_metadata(' . lit($blob) . ')',
		role => 'app', uid => $USER_A);
	is("$status $r->{out}", '201 Image/PNG; foo=bar',
		"upload as 'Image/PNG; foo=bar' under an image/png URL registers, with the blob's own type")
	  or diag($r->{err});
}

# A file of an active type, declared and uploaded as such, registers; its read
# URL makes the service answer Content-Disposition: attachment.
{
	my ($blob, $status) = issue_and_put($USER_A, 'page.html', 'text/html', $html);
	die "text/html fixture: PUT answered $status\n" unless $status eq '201';
	app_ok($USER_A, 'SELECT blob_name FROM azure_save_metadata(' . lit($blob) . ')');
	my $get = http_get(app_ok($USER_A, 'SELECT azure_generate_read_sas(' . lit($blob) . ')'), "$WORK/page.out");
	is($get->{status} . ' ' . ($get->{headers}{'content-disposition'} // ''), '200 attachment',
		'read URL of a text/html file -> 200 with Content-Disposition: attachment');
}

# ---------------------------------------------------------------------------
# A login role without azure_blob_user gets nothing.
expect_state('role without azure_blob_user cannot get an upload SAS', '42501', $node, $DB,
	"SELECT sas_url FROM azure_generate_upload_sas('x.txt', 'text/plain')", role => 'outsider', uid => $USER_A);

done_testing();
