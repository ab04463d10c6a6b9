#!/usr/bin/env bash
# REST and lifecycle suite: every Blob REST function of azure_blob, and the
# metadata lifecycle (verified save_metadata, deletion queue, reconcile),
# against a real Azurite blob service.
#
# Run it where PGHOST/PGPORT/PGUSER(/PGPASSWORD) point at a throwaway
# PostgreSQL 15 cluster as a superuser, with the extension `make install`ed:
#     pg_virtualenv -t -v 15 bash test/azurite/rest.sh
# It creates its own database and login roles, starts its own in-memory
# Azurite on 127.0.0.1:<free port> and stops it by PID at exit.
#
# Every check asserts a real outcome: bytes compared with cmp or in SQL,
# HTTP statuses from curl, SQLSTATEs from psql (VERBOSITY verbose), rows.
# Output is TAP-like ("ok N - ..."); the last line is exactly
# "N passed, M failed"; the exit status is non-zero if M > 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"

AZB_DB="azb_rest_$$"
ADMIN="rest_admin_$$"     # login role granted azure_blob_admin (not a superuser)
APP="rest_app_$$"         # login role granted azure_blob_user (the app backend)
USER_A="alice"
USER_B="bob"
UPLOADS="uploads"         # the account's default container: lifecycle only
API="restapi"             # blobs of the REST function tests
PAGES="pages"             # 5,050 blobs for the listing pages
# Azurite's development account key (public, documented by Microsoft); used
# only to check that it never appears in an error.
DEV_KEY="$AZURITE_DEV_KEY"

suite_init rest
# shellcheck source=test/azurite/helpers.sh
. "$HERE/helpers.sh"

require_cmds psql curl cmp python3 stdbuf

# as_admin SQL [args] / as_app UID SQL [args]
as_admin() {
	sql_as "$ADMIN" "" "$@"
}
as_app() {
	sql_as "$APP" "$@"
}

# http_status METHOD URL [curl args...]: prints the status; body in $WORK/http.body,
# headers in $WORK/http.headers.
http_status() {
	local method=$1 url=$2
	shift 2
	curl -gsS --max-time 60 -X "$method" -o "$WORK/http.body" -D "$WORK/http.headers" \
		-w '%{http_code}' "$@" "$url" 2>>"$WORK/curl.err" || true
}

# A read URL for a blob from the admin signer (5 minutes).
read_url() {
	as_admin "SELECT azure_blob_sas_url(:'b', 'r', now() + interval '5 minutes', container => :'c');" \
		-v b="$1" -v c="$2"
}

# ---------------------------------------------------------------------------
echo "# azure_blob REST suite against Azurite (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-})"

suite_create_db || {
	fail "setup: create database $AZB_DB" "$(last_error)"
	bail_out "no database"
}
pass "setup: create database $AZB_DB"

if sql_admin "CREATE EXTENSION azure_blob;
	ALTER DATABASE $AZB_DB SET azure_blob.allow_http = on;"; then
	pass "setup: CREATE EXTENSION azure_blob; ALTER DATABASE ... SET azure_blob.allow_http = on"
else
	fail "setup: CREATE EXTENSION azure_blob" "$(last_error)"
	bail_out "extension not installable"
fi

if suite_create_role "$ADMIN" azure_blob_admin && suite_create_role "$APP" azure_blob_user; then
	pass "setup: login roles $ADMIN (azure_blob_admin) and $APP (azure_blob_user)"
else
	fail "setup: login roles" "$(last_error)"
	bail_out "no roles"
fi

if azurite_start; then
	pass "setup: Azurite at $AZURITE_ENDPOINT (pid $AZURITE_PID)"
else
	fail "setup: start Azurite" "see messages above"
	bail_out "no Azurite"
fi

if sql_admin "SELECT azure_account_add('default', :'conn', :'c');" \
	-v conn="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT" -v c="$UPLOADS" >/dev/null; then
	pass "setup: azure_account_add('default', UseDevelopmentStorage=true;BlobEndpoint=..., '$UPLOADS')"
else
	fail "setup: azure_account_add" "$(last_error)"
	bail_out "no account"
fi

# The database setting reaches sessions of roles that could not set it.
check_out "allow_http = on in a session of $ADMIN (ALTER DATABASE, superuser-only setting)" "on" \
	as_admin "SELECT FROM azure_current_user_id(); SHOW azure_blob.allow_http;"
check_out "allow_http = on in a session of $APP" "on" \
	as_app "$USER_A" "SELECT FROM azure_current_user_id(); SHOW azure_blob.allow_http;"

# ---------------------------------------------------------------------------
echo "# --- azure_container_create"
check_out "azure_container_create('$UPLOADS') (superuser) -> true" "t" \
	sql_admin "SELECT azure_container_create(:'c');" -v c="$UPLOADS"
check_out "azure_container_create('$UPLOADS') again -> false" "f" \
	sql_admin "SELECT azure_container_create(:'c');" -v c="$UPLOADS"
check_out "azure_container_create('$API') as $ADMIN -> true" "t" \
	as_admin "SELECT azure_container_create(:'c');" -v c="$API"
check_out "azure_container_create('$PAGES') as $ADMIN -> true" "t" \
	as_admin "SELECT azure_container_create(:'c');" -v c="$PAGES"
# Independent check: the container answers a List Blobs with a container SAS.
if url="$(as_admin "SELECT azure_container_sas_url('l', now() + interval '5 minutes', container => :'c');" -v c="$API")"; then
	s="$(http_status GET "${url}&restype=container&comp=list")"
	if [ "$s" = "200" ] && grep -q '<EnumerationResults' "$WORK/http.body"; then
		pass "container $API exists in Azurite (List Blobs with a container SAS -> 200)"
	else
		fail "container $API exists in Azurite (List Blobs with a container SAS -> 200)" "got $s"
	fi
else
	fail "container $API exists in Azurite" "$(last_error)"
fi

# ---------------------------------------------------------------------------
echo "# --- azure_blob_put / azure_blob_get / azure_blob_properties"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))' >"$WORK/all256.bin"
B256="(SELECT string_agg(set_byte('\\x00'::bytea, 0, i), ''::bytea ORDER BY i) FROM generate_series(0, 255) i)"
ETAG256=""
if ETAG256="$(as_admin "SELECT azure_blob_put('bin/all-bytes.bin', $B256, 'application/octet-stream', :'c');" -v c="$API")" &&
	[[ "$ETAG256" =~ ^\".+\"$ ]]; then
	pass "azure_blob_put of 256 bytes (every byte value) -> quoted ETag $ETAG256"
else
	fail "azure_blob_put of 256 bytes (every byte value) -> quoted ETag" "got '$ETAG256' $(last_error)"
fi
check_out "azure_blob_get returns the 256 bytes exactly (= in SQL)" "256${FS}t" \
	as_admin "SELECT length(g), g = $B256 FROM azure_blob_get('bin/all-bytes.bin', :'c') g;" -v c="$API"
# The bytes in Azurite, fetched by curl, not by the extension.
if url="$(read_url bin/all-bytes.bin "$API")" && [ "$(http_status GET "$url")" = "200" ] &&
	cmp -s "$WORK/all256.bin" "$WORK/http.body"; then
	pass "curl GET of the blob with a read SAS gives the same 256 bytes (cmp)"
else
	fail "curl GET of the blob with a read SAS gives the same 256 bytes (cmp)" "$(last_error)"
fi
check_out "azure_blob_properties: size 256, type, ETag = put's ETag, last_modified within a minute" \
	"256${FS}application/octet-stream${FS}${ETAG256}${FS}t" \
	as_admin "SELECT size_bytes, content_type, etag, last_modified BETWEEN now() - interval '1 minute' AND now() + interval '1 minute'
	          FROM azure_blob_properties('bin/all-bytes.bin', :'c');" -v c="$API"

# ~3 MB of random bytes from a file, through a hex literal.
head -c 3145728 /dev/urandom >"$WORK/big.bin"
{
	printf "SELECT azure_blob_put('bin/big 3mb.bin', '\\\\x"
	xxd -p "$WORK/big.bin" | tr -d '\n'
	printf "'::bytea, 'application/x-test', 'restapi');\n"
} >"$WORK/big.sql"
ETAGBIG=""
if ETAGBIG="$(PGUSER="$ADMIN" PGPASSWORD="$ROLE_PASSWORD" psql -X -v ON_ERROR_STOP=1 -qAt -d "$AZB_DB" \
	-f "$WORK/big.sql" 2>"$WORK/stderr")" && [[ "$ETAGBIG" =~ ^\".+\"$ ]]; then
	pass "azure_blob_put of 3 MB -> ETag"
else
	fail "azure_blob_put of 3 MB -> ETag" "got '${ETAGBIG:0:200}' $(last_error | head -c 500)"
fi
rm -f "$WORK/big.got"
if as_admin "SELECT encode(azure_blob_get('bin/big 3mb.bin', :'c'), 'hex');" -v c="$API" >"$WORK/big.hex" &&
	xxd -r -p "$WORK/big.hex" >"$WORK/big.got" && cmp -s "$WORK/big.bin" "$WORK/big.got"; then
	pass "azure_blob_get returns the 3 MB byte for byte (cmp)"
else
	fail "azure_blob_get returns the 3 MB byte for byte (cmp)" "$(last_error | head -c 500); got $(wc -c <"$WORK/big.got" 2>/dev/null) bytes"
fi
if url="$(read_url "bin/big 3mb.bin" "$API")" && [ "$(http_status GET "$url")" = "200" ] &&
	cmp -s "$WORK/big.bin" "$WORK/http.body"; then
	pass "curl GET of the 3 MB blob with a read SAS gives the same bytes (cmp)"
else
	fail "curl GET of the 3 MB blob with a read SAS gives the same bytes (cmp)" "$(last_error)"
fi
check_out "azure_blob_properties of the 3 MB blob: size 3145728, application/x-test, put's ETag" \
	"3145728${FS}application/x-test${FS}${ETAGBIG}" \
	as_admin "SELECT size_bytes, content_type, etag FROM azure_blob_properties('bin/big 3mb.bin', :'c');" -v c="$API"

# Replacing a blob: new ETag, new bytes.
if e2="$(as_admin "SELECT azure_blob_put('bin/all-bytes.bin', '\\x0102'::bytea, 'application/x-other', :'c');" -v c="$API")" &&
	[ -n "$e2" ] && [ "$e2" != "$ETAG256" ]; then
	pass "azure_blob_put onto an existing blob replaces it: a new ETag"
else
	fail "azure_blob_put onto an existing blob replaces it: a new ETag" "got '$e2' (was $ETAG256) $(last_error)"
fi
check_out "after the replacement: get and properties show the new bytes, type and ETag" \
	"\\x0102${FS}2${FS}application/x-other${FS}${e2:-}" \
	as_admin "SELECT azure_blob_get('bin/all-bytes.bin', :'c'), p.size_bytes, p.content_type, p.etag
	          FROM azure_blob_properties('bin/all-bytes.bin', :'c') p;" -v c="$API"
check_out "azure_blob_put of an empty bytea; get gives '' (not NULL), size 0" "t${FS}0" \
	as_admin "SELECT azure_blob_put('bin/empty', ''::bytea, container => :'c') IS NOT NULL \\g /dev/null
	          SELECT azure_blob_get('bin/empty', :'c') = ''::bytea, (SELECT size_bytes FROM azure_blob_properties('bin/empty', :'c'));" -v c="$API"

echo "# --- absent blobs"
check_out "azure_blob_get of an absent blob -> NULL" "t" \
	as_admin "SELECT azure_blob_get('no/such blob', :'c') IS NULL;" -v c="$API"
check_out "azure_blob_properties of an absent blob -> one row of NULLs" "1${FS}t" \
	as_admin "SELECT count(*), bool_and(size_bytes IS NULL AND content_type IS NULL AND etag IS NULL AND last_modified IS NULL)
	          FROM azure_blob_properties('no/such blob', :'c');" -v c="$API"
check_out "azure_blob_delete of an absent blob -> false" "f" \
	as_admin "SELECT azure_blob_delete('no/such blob', :'c');" -v c="$API"
# A missing container is not a missing blob: put, list, get and properties
# raise 38000 (Azure's 404 ContainerNotFound); delete stays idempotent and
# answers false, since with its container gone the blob is gone too.
expect_state "azure_blob_put in a container that does not exist" 38000 \
	as_admin "SELECT azure_blob_put('x', '\\x00'::bytea, container => 'no-such-container');"
expect_state "azure_blob_list of a container that does not exist" 38000 \
	as_admin "SELECT count(*) FROM azure_blob_list('', 'no-such-container');"
expect_state "azure_blob_get in a container that does not exist" 38000 \
	as_admin "SELECT azure_blob_get('x', 'no-such-container');"
expect_state "azure_blob_properties in a container that does not exist" 38000 \
	as_admin "SELECT etag FROM azure_blob_properties('x', 'no-such-container');"
check_out "azure_blob_delete in a container that does not exist -> false" "f" \
	as_admin "SELECT azure_blob_delete('x', 'no-such-container');"

# ---------------------------------------------------------------------------
echo "# --- names with spaces, unicode, #, ?, +, %"
NAMES=("names/with space.txt" "names/ünïcödé 日本語.txt" "names/a#b.txt" "names/what?.txt"
	"names/c++ notes.txt" "names/100%.txt" "names/100%25.txt" "names/deep/dir/x&y=z.txt")
for n in "${NAMES[@]}"; do
	body="content of $n"
	if ! e="$(as_admin "SELECT azure_blob_put(:'n', convert_to(:'body', 'UTF8'), 'text/plain; charset=utf-8', :'c');" \
		-v n="$n" -v body="$body" -v c="$API")"; then
		fail "name '$n': put" "$(last_error)"
		continue
	fi
	if out="$(as_admin "SELECT convert_from(azure_blob_get(:'n', :'c'), 'UTF8') = :'body',
		                       p.size_bytes = octet_length(convert_to(:'body', 'UTF8')), p.etag = :'e'
		                FROM azure_blob_properties(:'n', :'c') p;" -v n="$n" -v body="$body" -v e="$e" -v c="$API")" &&
		[ "$out" = "t${FS}t${FS}t" ]; then
		pass "name '$n': put, get (same bytes), properties (size, ETag)"
	else
		fail "name '$n': put, get (same bytes), properties (size, ETag)" "got '$out' $(last_error)"
	fi
	# The blob has this exact name in Azurite: the signer's URL finds it.
	printf '%s' "$body" >"$WORK/name.expected"
	if url="$(read_url "$n" "$API")" && [ "$(http_status GET "$url")" = "200" ] &&
		cmp -s "$WORK/name.expected" "$WORK/http.body"; then
		pass "name '$n': curl GET with azure_blob_sas_url finds the same bytes"
	else
		fail "name '$n': curl GET with azure_blob_sas_url finds the same bytes" "status $(http_status GET "${url:-}") $(last_error)"
	fi
done
printf '%s\n' "${NAMES[@]}" | sort >"$WORK/names.want"
if as_admin "SELECT blob_name FROM azure_blob_list('names/', :'c');" -v c="$API" | sort >"$WORK/names.got" &&
	cmp -s "$WORK/names.want" "$WORK/names.got"; then
	pass "azure_blob_list('names/') -> exactly the ${#NAMES[@]} names, decoded"
else
	fail "azure_blob_list('names/') -> exactly the ${#NAMES[@]} names" "$(diff "$WORK/names.want" "$WORK/names.got" | head -20) $(last_error)"
fi

echo "# --- azure_blob_list"
check_out "azure_blob_list('names/a') -> only names/a#b.txt" "names/a#b.txt" \
	as_admin "SELECT blob_name FROM azure_blob_list('names/a', :'c');" -v c="$API"
check_out "azure_blob_list('names/deep/') -> the nested blob (flat listing)" "names/deep/dir/x&y=z.txt" \
	as_admin "SELECT blob_name FROM azure_blob_list('names/deep/', :'c');" -v c="$API"
check_out "azure_blob_list('nothing/here/') -> no rows" "0" \
	as_admin "SELECT count(*) FROM azure_blob_list('nothing/here/', :'c');" -v c="$API"
check_out "azure_blob_list() row = azure_blob_properties (size, type, ETag, last_modified)" "t" \
	as_admin "SELECT l.size_bytes = p.size_bytes AND l.content_type = p.content_type AND l.etag = p.etag
	                 AND l.last_modified = p.last_modified
	          FROM azure_blob_list('bin/big', :'c') l, azure_blob_properties(l.blob_name, :'c') p;" -v c="$API"
check_out "azure_blob_list('bin/') -> all-bytes.bin, big 3mb.bin, empty with their sizes" \
	"bin/all-bytes.bin${FS}2"$'\n'"bin/big 3mb.bin${FS}3145728"$'\n'"bin/empty${FS}0" \
	as_admin "SELECT blob_name, size_bytes FROM azure_blob_list('bin/', :'c') ORDER BY 1;" -v c="$API"

# ---------------------------------------------------------------------------
echo "# --- azure_blob_delete"
check_out "azure_blob_delete('names/a#b.txt') -> true" "t" \
	as_admin "SELECT azure_blob_delete('names/a#b.txt', :'c');" -v c="$API"
check_out "azure_blob_delete('names/a#b.txt') again -> false" "f" \
	as_admin "SELECT azure_blob_delete('names/a#b.txt', :'c');" -v c="$API"
check_out "after delete: get NULL, properties NULLs, not listed" "t${FS}t${FS}0" \
	as_admin "SELECT azure_blob_get('names/a#b.txt', :'c') IS NULL,
	                 (SELECT etag IS NULL FROM azure_blob_properties('names/a#b.txt', :'c')),
	                 (SELECT count(*) FROM azure_blob_list('names/a', :'c'));" -v c="$API"
if url="$(read_url "names/a#b.txt" "$API")"; then
	s="$(http_status GET "$url")"
	if [ "$s" = "404" ]; then
		pass "after delete: curl GET of the blob -> 404"
	else
		fail "after delete: curl GET of the blob -> 404" "got $s"
	fi
fi

# ---------------------------------------------------------------------------
echo "# --- listing past one page (5,000 blobs)"
t0=$(date +%s%N)
check_out "5,050 blobs put in one statement" "5050" \
	as_admin "SELECT count(azure_blob_put('p/' || lpad(i::text, 5, '0'), convert_to(i::text, 'UTF8'), 'text/plain', :'c'))
	          FROM generate_series(1, 5050) i;" -v c="$PAGES"
echo "# 5,050 puts took $((($(date +%s%N) - t0) / 1000000)) ms"
check_out "azure_blob_list over 2 pages: 5050 rows, 5050 distinct names, first/last, total size exact" \
	"5050${FS}5050${FS}p/00001${FS}p/05050${FS}t" \
	as_admin "SELECT count(*), count(DISTINCT blob_name), min(blob_name), max(blob_name),
	                 sum(size_bytes) = (SELECT sum(length(i::text)) FROM generate_series(1, 5050) i)
	          FROM azure_blob_list('', :'c');" -v c="$PAGES"
check_out "azure_blob_list names are exactly p/00001 .. p/05050" "0${FS}0" \
	as_admin "SELECT (SELECT count(*) FROM (SELECT 'p/' || lpad(i::text, 5, '0') FROM generate_series(1, 5050) i
	                                       EXCEPT SELECT blob_name FROM azure_blob_list('', :'c')) a),
	                 (SELECT count(*) FROM (SELECT blob_name FROM azure_blob_list('', :'c')
	                                       EXCEPT SELECT 'p/' || lpad(i::text, 5, '0') FROM generate_series(1, 5050) i) b);" -v c="$PAGES"
check_out "SELECT ... FROM azure_blob_list LIMIT 10 -> 10 rows" "10" \
	as_admin "SELECT count(*) FROM (SELECT * FROM azure_blob_list('', :'c') LIMIT 10) s;" -v c="$PAGES"
check_out "azure_blob_list('p/0500') -> the 10 blobs p/05000..p/05009" "10${FS}p/05000${FS}p/05009" \
	as_admin "SELECT count(*), min(blob_name), max(blob_name) FROM azure_blob_list('p/0500', :'c');" -v c="$PAGES"
# Pages are fetched lazily: count the List Blobs requests (DEBUG1 line per request).
count_list_requests() {
	as_admin "SET client_min_messages = debug1; $1" -v c="$PAGES" >/dev/null || return 1
	grep -c "azure_blob: GET .*/$PAGES -> 200" "$WORK/stderr" || true
}
check_out "full listing of 5,050 blobs makes 2 List Blobs requests" "2" \
	count_list_requests "SELECT count(*) FROM azure_blob_list('', :'c');"
# In the select list the SRF runs value-per-call, so LIMIT stops it; in FROM,
# Postgres's FunctionScan reads every row into a tuplestore first.
check_out "SELECT azure_blob_list(...) LIMIT 10 (select list) makes 1 List Blobs request" "1" \
	count_list_requests "SELECT count(*) FROM (SELECT azure_blob_list('', :'c') LIMIT 10) s;"
check_out "SELECT azure_blob_list(...) LIMIT 5001 (select list) makes 2 List Blobs requests" "2" \
	count_list_requests "SELECT count(*) FROM (SELECT azure_blob_list('', :'c') LIMIT 5001) s;"
check_out "SELECT (azure_blob_list(...)).blob_name LIMIT 10 -> p/00001 .. p/00010" "10${FS}p/00001${FS}p/00010" \
	as_admin "SELECT count(*), min(n), max(n) FROM (SELECT (l).blob_name AS n FROM (SELECT azure_blob_list('', :'c') AS l LIMIT 10) s) t;" -v c="$PAGES"
echo "# note: FROM azure_blob_list(...) LIMIT 10 made $(count_list_requests "SELECT count(*) FROM (SELECT * FROM azure_blob_list('', :'c') LIMIT 10) s;") List Blobs requests (FunctionScan materializes)"

# ---------------------------------------------------------------------------
echo "# --- CORS"
ORIGIN="http://allowed.example:8080"
if as_admin "SELECT azure_set_cors(ARRAY[:'o'], ARRAY['PUT','GET','HEAD'], ARRAY['x-ms-blob-type','content-type'], ARRAY['etag'], 600);" \
	-v o="$ORIGIN" >/dev/null; then
	pass "azure_set_cors (one origin, PUT/GET/HEAD, two headers, etag exposed, 600 s) as $ADMIN"
else
	fail "azure_set_cors as $ADMIN" "$(last_error)"
fi
check_out "azure_get_cors returns the rule as set" \
	"{$ORIGIN}${FS}{PUT,GET,HEAD}${FS}{x-ms-blob-type,content-type}${FS}{etag}${FS}600" \
	as_admin "SELECT * FROM azure_get_cors();"
preflight() {
	http_status OPTIONS "$AZURITE_ENDPOINT/$API/names/with%20space.txt" \
		-H "Origin: $1" -H "Access-Control-Request-Method: $2" -H "Access-Control-Request-Headers: x-ms-blob-type"
}
s="$(preflight "$ORIGIN" PUT)"
allow="$(tr -d '\r' <"$WORK/http.headers" | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: //p')"
if [ "$s" = "200" ] && [ "$allow" = "$ORIGIN" ]; then
	pass "preflight OPTIONS from the allowed origin, method PUT -> 200, Access-Control-Allow-Origin: $ORIGIN"
else
	fail "preflight OPTIONS from the allowed origin, method PUT -> 200" "got $s, allow-origin '$allow'"
fi
s="$(preflight "http://evil.example" PUT)"
if [ "$s" = "403" ]; then
	pass "preflight OPTIONS from another origin -> 403"
else
	fail "preflight OPTIONS from another origin -> 403" "got $s"
fi
s="$(preflight "$ORIGIN" DELETE)"
if [ "$s" = "403" ]; then
	pass "preflight OPTIONS from the allowed origin with method DELETE (not allowed) -> 403"
else
	fail "preflight OPTIONS from the allowed origin with method DELETE -> 403" "got $s"
fi
# Replace with the defaults: one rule, headers '{*}', 3600 s.
as_admin "SELECT azure_set_cors(ARRAY['https://a.example', 'https://b.example'], ARRAY['PUT']);" >/dev/null || true
check_out "azure_set_cors replaces the rule; defaults {*}, {*}, 3600" \
	"{https://a.example,https://b.example}${FS}{PUT}${FS}{*}${FS}{*}${FS}3600" \
	as_admin "SELECT * FROM azure_get_cors();"
s="$(preflight "$ORIGIN" PUT)"
if [ "$s" = "403" ]; then
	pass "preflight from the origin of the replaced rule -> 403"
else
	fail "preflight from the origin of the replaced rule -> 403" "got $s"
fi
s="$(preflight "https://b.example" PUT)"
if [ "$s" = "200" ]; then
	pass "preflight from the second origin of the new rule -> 200"
else
	fail "preflight from the second origin of the new rule -> 200" "got $s"
fi

# ---------------------------------------------------------------------------
echo "# --- azure_blob.max_response_size"
as_admin "SELECT azure_blob_put('limit/1024', decode(repeat('ab', 1024), 'hex'), container => :'c'),
                 azure_blob_put('limit/1025', decode(repeat('ab', 1025), 'hex'), container => :'c');" -v c="$API" >/dev/null || true
check_out "max_response_size = 1024: a 1024-byte blob still comes back" "1024" \
	as_admin "SET azure_blob.max_response_size = 1024; SELECT length(azure_blob_get('limit/1024', :'c'));" -v c="$API"
expect_state "max_response_size = 1024: azure_blob_get of 1025 bytes" 54000 \
	as_admin "SET azure_blob.max_response_size = 1024; SELECT length(azure_blob_get('limit/1025', :'c'));" -v c="$API"
expect_state "max_response_size = 1kB: azure_blob_get of 3 MB" 54000 \
	as_admin "SET azure_blob.max_response_size = '1kB'; SELECT length(azure_blob_get('bin/big 3mb.bin', :'c'));" -v c="$API"
expect_state "max_response_size = 1024: azure_blob_list of 5,050 blobs (the listing XML is larger)" 54000 \
	as_admin "SET azure_blob.max_response_size = 1024; SELECT count(*) FROM azure_blob_list('', :'c');" -v c="$PAGES"
check_out "max_response_size = 1024: properties of the 3 MB blob (HEAD, no body) still work" "3145728" \
	as_admin "SET azure_blob.max_response_size = 1024; SELECT size_bytes FROM azure_blob_properties('bin/big 3mb.bin', :'c');" -v c="$API"
check_out "same session after the 54000: RESET, the 3 MB blob comes back" "3145728" \
	as_admin "SET azure_blob.max_response_size = 1024;
	          DO \$\$ BEGIN PERFORM azure_blob_get('bin/big 3mb.bin', 'restapi'); EXCEPTION WHEN program_limit_exceeded THEN NULL; END \$\$;
	          RESET azure_blob.max_response_size;
	          SELECT length(azure_blob_get('bin/big 3mb.bin', :'c'));" -v c="$API"

# ---------------------------------------------------------------------------
echo "# --- azure_blob.allow_http = off"
OFF="SET azure_blob.allow_http = off;"
expect_state "allow_http off: azure_blob_get" 55000 sql_admin "$OFF SELECT azure_blob_get('x', :'c');" -v c="$API"
expect_state "allow_http off: azure_blob_put" 55000 sql_admin "$OFF SELECT azure_blob_put('http-off', '\\x00'::bytea, container => :'c');" -v c="$API"
expect_state "allow_http off: azure_blob_properties" 55000 sql_admin "$OFF SELECT * FROM azure_blob_properties('x', :'c');" -v c="$API"
expect_state "allow_http off: azure_blob_delete" 55000 sql_admin "$OFF SELECT azure_blob_delete('x', :'c');" -v c="$API"
expect_state "allow_http off: azure_blob_list" 55000 sql_admin "$OFF SELECT * FROM azure_blob_list('', :'c');" -v c="$API"
expect_state "allow_http off: azure_container_create" 55000 sql_admin "$OFF SELECT azure_container_create('http-off');"
expect_state "allow_http off: azure_set_cors" 55000 sql_admin "$OFF SELECT azure_set_cors(ARRAY['https://x.example'], ARRAY['GET']);"
expect_state "allow_http off: azure_get_cors" 55000 sql_admin "$OFF SELECT * FROM azure_get_cors();"
check_out "allow_http off sent nothing: no blob http-off; container http-off is new (create -> true)" "t${FS}t" \
	sql_admin "SELECT (SELECT etag IS NULL FROM azure_blob_properties('http-off', :'c')), azure_container_create('http-off');" -v c="$API"
expect_state "$ADMIN (not a superuser) cannot SET azure_blob.allow_http" 42501 \
	as_admin "SELECT FROM azure_current_user_id(); SET azure_blob.allow_http = off;"
expect_state "$ADMIN (not a superuser) cannot SET azure_blob.verify_uploads" 42501 \
	as_admin "SELECT FROM azure_current_user_id(); SET azure_blob.verify_uploads = off;"

# ---------------------------------------------------------------------------
echo "# --- a non-admin role (azure_blob_user) gets 42501 on every REST function"
expect_state "$APP: azure_blob_properties" 42501 as_app "$USER_A" "SELECT * FROM azure_blob_properties('bin/empty', :'c');" -v c="$API"
expect_state "$APP: azure_blob_get" 42501 as_app "$USER_A" "SELECT azure_blob_get('bin/empty', :'c');" -v c="$API"
expect_state "$APP: azure_blob_put" 42501 as_app "$USER_A" "SELECT azure_blob_put('by-app', '\\x00'::bytea, container => :'c');" -v c="$API"
expect_state "$APP: azure_blob_delete" 42501 as_app "$USER_A" "SELECT azure_blob_delete('bin/empty', :'c');" -v c="$API"
expect_state "$APP: azure_blob_list" 42501 as_app "$USER_A" "SELECT * FROM azure_blob_list('', :'c');" -v c="$API"
expect_state "$APP: azure_container_create" 42501 as_app "$USER_A" "SELECT azure_container_create('by-app');"
expect_state "$APP: azure_set_cors" 42501 as_app "$USER_A" "SELECT azure_set_cors(ARRAY['*'], ARRAY['GET']);"
expect_state "$APP: azure_get_cors" 42501 as_app "$USER_A" "SELECT * FROM azure_get_cors();"
expect_state "$APP: azure_process_deletions" 42501 as_app "$USER_A" "SELECT azure_process_deletions();"
expect_state "$APP: azure_reconcile" 42501 as_app "$USER_A" "SELECT * FROM azure_reconcile();"
expect_state "$APP: SELECT FROM azure_pending_deletions" 42501 as_app "$USER_A" "SELECT * FROM azure_pending_deletions;"
expect_state "$APP: SELECT FROM azure_blob.deletion_queue" 42501 as_app "$USER_A" "SELECT * FROM azure_blob.deletion_queue;"
check_out "the refused calls changed nothing: bin/empty still there, no blob by-app, no container by-app, CORS unchanged" \
	"t${FS}t${FS}{PUT}" \
	as_admin "SELECT (SELECT size_bytes = 0 FROM azure_blob_properties('bin/empty', :'c')),
	                 (SELECT etag IS NULL FROM azure_blob_properties('by-app', :'c')),
	                 (SELECT allowed_methods FROM azure_get_cors());" -v c="$API"
check_out "no container by-app (azure_container_create now creates it: true)" "t" \
	as_admin "SELECT azure_container_create('by-app');"

# ---------------------------------------------------------------------------
echo "# --- lifecycle: azure_save_metadata checks the blob"
# issue UID FILE TYPE -> "sas_url<FS>blob_name"
issue() {
	as_app "$1" "SELECT sas_url, blob_name FROM azure_generate_upload_sas(:'f', :'t');" -v f="$2" -v t="$3"
}
# upload URL FILE TYPE -> status
upload() {
	http_status PUT "$1" -H 'x-ms-blob-type: BlockBlob' -H "Content-Type: $3" --data-binary "@$2"
}
head -c 1234 /dev/urandom >"$WORK/report.pdf"
F1=""
if row="$(issue "$USER_A" report.pdf application/pdf)"; then
	IFS="$FS" read -r F1_URL F1 <<<"$row"
	s="$(upload "$F1_URL" "$WORK/report.pdf" application/pdf)"
	[ "$s" = "201" ] && pass "alice: upload SAS, PUT 1234 bytes -> 201" || fail "alice: PUT with the upload SAS -> 201" "got $s"
else
	fail "alice: azure_generate_upload_sas" "$(last_error)"
fi
F1_ETAG="$(as_admin "SELECT etag FROM azure_blob_properties(:'b');" -v b="$F1" || true)"
check_out "alice: azure_save_metadata fills size_bytes, content_type, etag (= properties' ETag), user_id" \
	"${F1}${FS}alice${FS}1234${FS}application/pdf${FS}${F1_ETAG}" \
	as_app "$USER_A" "SELECT blob_name, user_id, size_bytes, content_type, etag FROM azure_save_metadata(:'b');" -v b="$F1"
[ -n "$F1_ETAG" ] || fail "ETag of alice's blob from azure_blob_properties" "empty"

G1=""
if row="$(issue "$USER_A" ghost.txt text/plain)"; then
	IFS="$FS" read -r _ G1 <<<"$row"
fi
expect_state "alice: azure_save_metadata of an issued but never uploaded name" 42704 \
	as_app "$USER_A" "SELECT * FROM azure_save_metadata(:'b');" -v b="$G1"
check_out "... and no row was written" "0" sql_admin "SELECT count(*) FROM azure_files WHERE blob_name = :'b';" -v b="$G1"
expect_state "bob: azure_save_metadata of alice's uploaded name" 42501 \
	as_app "$USER_B" "SELECT * FROM azure_save_metadata(:'b');" -v b="$F1"
expect_state "alice: azure_save_metadata of a name never issued (random uuid)" 42501 \
	as_app "$USER_A" "SELECT * FROM azure_save_metadata(gen_random_uuid() || '-x.txt');"
expect_state "alice: plain INSERT of a name never issued" 42501 \
	as_app "$USER_A" "INSERT INTO azure_files (blob_name) VALUES (gen_random_uuid() || '-x.txt');"
G2=""
if row="$(issue "$USER_A" plain-insert.txt text/plain)"; then
	IFS="$FS" read -r _ G2 <<<"$row"
fi
check_out "alice: plain INSERT of an issued, never uploaded name is accepted (no HTTP check), size NULL" \
	"alice${FS}t" \
	as_app "$USER_A" "INSERT INTO azure_files (blob_name) VALUES (:'b') RETURNING user_id, size_bytes IS NULL;" -v b="$G2"
expect_state "bob: plain INSERT of alice's issued name" 42501 \
	as_app "$USER_B" "INSERT INTO azure_files (blob_name) VALUES (:'b');" -v b="$F1"
# With verify_uploads off (superuser), save_metadata does no HTTP at all:
# even with http refused it registers the (never uploaded) name.
G3=""
if row="$(issue "$USER_A" unverified.txt text/plain)"; then
	IFS="$FS" read -r _ G3 <<<"$row"
fi
check_out "verify_uploads = off: save_metadata registers without a HEAD (works with allow_http off)" "alice${FS}t" \
	sql_admin "SET azure_blob.verify_uploads = off; SET azure_blob.allow_http = off;
	           BEGIN; SET LOCAL azure_blob.user_id = 'alice';
	           SELECT user_id, size_bytes IS NULL FROM azure_save_metadata(:'b'); COMMIT;" -v b="$G3"

echo "# --- lifecycle: deletion queue"
# Remove the two blob-less rows: their queued deletions count as done (404).
check_out "alice deletes her two rows without blobs -> 2 queued" "2" \
	as_app "$USER_A" "WITH d AS (DELETE FROM azure_files WHERE blob_name IN (:'a', :'b') RETURNING 1) SELECT count(*) FROM d;" -v a="$G2" -v b="$G3"
check_out "azure_pending_deletions shows them (account, container, attempts 0, no error)" \
	"2${FS}default${FS}${UPLOADS}${FS}0${FS}t" \
	as_admin "SELECT count(*), min(account), min(container), max(attempts), bool_and(last_error IS NULL)
	          FROM azure_pending_deletions WHERE blob_name IN (:'a', :'b');" -v a="$G2" -v b="$G3"
check_out "azure_process_deletions() -> 2 (absent blobs count as done), queue empty" "2"$'\n'"0" \
	as_admin "SELECT azure_process_deletions(); SELECT count(*) FROM azure_pending_deletions;"

as_app "$USER_A" "BEGIN; DELETE FROM azure_files WHERE blob_name = :'b'; ROLLBACK;" -v b="$F1" >/dev/null ||
	fail "alice: BEGIN; DELETE; ROLLBACK" "$(last_error)"
check_out "alice: DELETE her row, ROLLBACK -> queue empty, row and blob still there" "0${FS}1${FS}1234" \
	as_admin "SELECT (SELECT count(*) FROM azure_pending_deletions), (SELECT count(*) FROM azure_files WHERE blob_name = :'b'),
	                 (SELECT size_bytes FROM azure_blob_properties(:'b'));" -v b="$F1"
as_app "$USER_A" "DELETE FROM azure_files WHERE blob_name = :'b';" -v b="$F1" >/dev/null ||
	fail "alice: DELETE her row" "$(last_error)"
check_out "alice: DELETE her row (commit) -> 1 queued for it, the blob is still there" "1${FS}${F1}${FS}1234" \
	as_admin "SELECT count(*), min(blob_name), (SELECT size_bytes FROM azure_blob_properties(:'b'))
	          FROM azure_pending_deletions;" -v b="$F1"
check_out "azure_process_deletions() as $ADMIN -> 1" "1" as_admin "SELECT azure_process_deletions();"
check_out "after processing: the blob is gone (properties NULL, get NULL) and the queue is empty" "t${FS}t${FS}0" \
	as_admin "SELECT (SELECT etag IS NULL FROM azure_blob_properties(:'b')), azure_blob_get(:'b') IS NULL,
	                 (SELECT count(*) FROM azure_pending_deletions);" -v b="$F1"
check_out "azure_process_deletions() with nothing queued -> 0" "0" as_admin "SELECT azure_process_deletions();"
expect_state "azure_process_deletions(0)" 22023 as_admin "SELECT azure_process_deletions(0);"

# TRUNCATE queues every row.
T_BLOBS=()
for f in t1.txt t2.txt t3.txt; do
	if row="$(issue "$USER_B" "$f" text/plain)"; then
		IFS="$FS" read -r u b <<<"$row"
		printf 'truncate me\n' >"$WORK/t.txt"
		if [ "$(upload "$u" "$WORK/t.txt" text/plain)" = "201" ] &&
			as_app "$USER_B" "SELECT 1 FROM azure_save_metadata(:'b');" -v b="$b" >/dev/null; then
			T_BLOBS+=("$b")
		fi
	fi
done
[ "${#T_BLOBS[@]}" = 3 ] && pass "bob: 3 files uploaded and registered" || fail "bob: 3 files uploaded and registered" "$(last_error)"
check_out "TRUNCATE azure_files (superuser) queues all 3 rows" "3${FS}0" \
	sql_admin "TRUNCATE azure_files; SELECT (SELECT count(*) FROM azure_pending_deletions), (SELECT count(*) FROM azure_files);"
check_out "azure_process_deletions(2) -> 2, one left (attempts 0); then azure_process_deletions() -> 1, none left" \
	"2"$'\n'"1${FS}0"$'\n'"1"$'\n'"0" \
	as_admin "SELECT azure_process_deletions(2); SELECT count(*), min(attempts) FROM azure_pending_deletions;
	          SELECT azure_process_deletions(); SELECT count(*) FROM azure_pending_deletions;"
check_out "the 3 blobs are gone, the queue is empty" "0${FS}0" \
	as_admin "SELECT (SELECT count(*) FROM unnest(ARRAY[:'a', :'b', :'c']) n, azure_blob_properties(n) p WHERE p.etag IS NOT NULL),
	                 (SELECT count(*) FROM azure_pending_deletions);" -v a="${T_BLOBS[0]:-x}" -v b="${T_BLOBS[1]:-x}" -v c="${T_BLOBS[2]:-x}"

# ---------------------------------------------------------------------------
echo "# --- lifecycle: azure_reconcile"
# The default container now holds no blob and azure_files no row. Make:
#   ORPHAN  a blob without row (uploaded by the admin, never registered);
#   LOST    a row whose blob is deleted behind its back;
#   KEPT    a row with its blob (never reported);
#   QUEUED  a blob whose row was deleted and is waiting in the queue (not an orphan).
register() { # UID FILE -> blob name, uploaded and registered
	local row u b
	row="$(issue "$1" "$2" text/plain)" || return 1
	IFS="$FS" read -r u b <<<"$row"
	printf 'file %s\n' "$2" >"$WORK/r.txt"
	[ "$(upload "$u" "$WORK/r.txt" text/plain)" = "201" ] || return 1
	as_app "$1" "SELECT 1 FROM azure_save_metadata(:'b');" -v b="$b" >/dev/null || return 1
	printf '%s' "$b"
}
ORPHAN="orphan-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n').bin"
LOST="$(register "$USER_A" lost.txt || true)"
KEPT="$(register "$USER_A" kept.txt || true)"
QUEUED="$(register "$USER_A" queued.txt || true)"
if [ -n "$LOST" ] && [ -n "$KEPT" ] && [ -n "$QUEUED" ] &&
	as_admin "SELECT azure_blob_put(:'o', '\\x0001020304'::bytea);
	          SELECT azure_blob_delete(:'l');" -v o="$ORPHAN" -v l="$LOST" >/dev/null &&
	as_app "$USER_A" "DELETE FROM azure_files WHERE blob_name = :'q';" -v q="$QUEUED" >/dev/null; then
	pass "reconcile fixture: orphan blob, row whose blob was deleted, a kept file, a queued deletion"
else
	fail "reconcile fixture" "$(last_error)"
fi
check_out "azure_reconcile() (min_age = max_sas_lifetime): the young orphan is not reported; the lost row is" \
	"row_without_blob${FS}${LOST}${FS}" \
	as_admin "SELECT problem, blob_name, action FROM azure_reconcile() ORDER BY 1, 2;"
check_out "azure_reconcile(min_age => '0 seconds'): orphan (size 5) and lost row, nothing else, no action" \
	"blob_without_row${FS}${ORPHAN}${FS}5${FS}t${FS}"$'\n'"row_without_blob${FS}${LOST}${FS}14${FS}t${FS}" \
	as_admin "SELECT problem, blob_name, size_bytes, last_modified > now() - interval '5 minutes', action
	          FROM azure_reconcile(min_age => '0 seconds') ORDER BY 1, 2;"
check_out "... reporting deleted nothing: the orphan still exists" "5" \
	as_admin "SELECT size_bytes FROM azure_blob_properties(:'o');" -v o="$ORPHAN"
check_out "azure_reconcile(delete_orphans => true, min_age => '0 seconds'): orphan 'deleted'; the lost row has no action" \
	"blob_without_row${FS}${ORPHAN}${FS}deleted"$'\n'"row_without_blob${FS}${LOST}${FS}" \
	as_admin "SELECT problem, blob_name, action FROM azure_reconcile(delete_orphans => true, min_age => '0 seconds') ORDER BY 1, 2;"
check_out "the orphan is gone from Azurite; the kept and queued blobs are still there" "t${FS}t${FS}t" \
	as_admin "SELECT (SELECT etag IS NULL FROM azure_blob_properties(:'o')),
	                 (SELECT etag IS NOT NULL FROM azure_blob_properties(:'k')),
	                 (SELECT etag IS NOT NULL FROM azure_blob_properties(:'q'));" -v o="$ORPHAN" -v k="$KEPT" -v q="$QUEUED"
check_out "azure_reconcile again: only the lost row" "row_without_blob${FS}${LOST}" \
	as_admin "SELECT problem, blob_name FROM azure_reconcile(min_age => '0 seconds') ORDER BY 1, 2;"
check_out "azure_reconcile('$API', min_age => '1 day'): its young unregistered blobs are not reported" "0" \
	as_admin "SELECT count(*) FROM azure_reconcile(:'c', min_age => '1 day');" -v c="$API"
as_app "$USER_A" "DELETE FROM azure_files WHERE blob_name = :'l';" -v l="$LOST" >/dev/null ||
	fail "alice: DELETE the lost row" "$(last_error)"
check_out "after processing the queue (queued + lost): reconcile is clean" "2"$'\n'"0" \
	as_admin "SELECT azure_process_deletions(); SELECT count(*) FROM azure_reconcile(min_age => '0 seconds');"

# ---------------------------------------------------------------------------
echo "# --- errors never carry the key or a signature"
# no_secret LABEL: the last error exists and has no key, signature or Authorization.
no_secret() {
	if [ ! -s "$WORK/stderr" ]; then
		fail "$1: an error with no key, sig or Authorization" "no error at all"
	elif grep -qF -e "$DEV_KEY" -e "$WRONG_KEY" -e "sig=" -e "SharedKey" "$WORK/stderr"; then
		fail "$1: an error with no key, sig or Authorization" "$(last_error)"
	else
		pass "$1: an error with no key, sig or Authorization"
	fi
}
# A key of the right shape that is not the account's: Azurite answers 403.
WRONG_KEY="$(head -c 64 /dev/urandom | base64 -w0)"
as_admin "SELECT azure_blob_put('x', '\\x00'::bytea, container => 'no-such-container');" >/dev/null 2>&1 || true
no_secret "404 ContainerNotFound on put"
if sql_admin "SELECT azure_account_add('wrongkey', :'conn', :'c');" \
	-v conn="AccountName=devstoreaccount1;AccountKey=$WRONG_KEY;BlobEndpoint=$AZURITE_ENDPOINT" -v c="$API" >/dev/null; then
	expect_state "azure_blob_get with a wrong account key (Azurite answers 403)" 38000 \
		as_admin "SELECT azure_blob_get('bin/empty', account => 'wrongkey');"
	if grep -q "HTTP status 403" "$WORK/stderr"; then
		pass "the 403 error names the HTTP status"
	else
		fail "the 403 error names the HTTP status" "$(last_error)"
	fi
	no_secret "403 with a wrong key"
	expect_state "azure_blob_list with a wrong account key" 38000 \
		as_admin "SELECT count(*) FROM azure_blob_list(account => 'wrongkey');"
	no_secret "403 on list with a wrong key"
else
	fail "azure_account_add('wrongkey', ...)" "$(last_error)"
fi

echo "1..$TAP_N"
tap_summary
