#!/usr/bin/env bash
# Browser end-to-end test: real headless Chromium uploads straight to Azurite
# with the example of examples/browser-upload.
#
# Run it where PGHOST/PGPORT/PGUSER(/PGPASSWORD) point at a throwaway PostgreSQL
# 15 cluster as a superuser, with the extension already `make install`ed:
#     pg_virtualenv -v 15 test/browser/run.sh
# Needs Debian's chromium (/usr/bin/chromium) and node; installs the pinned
# npm packages (npm ci) of test/browser and examples/browser-upload if missing.
#
# What it does, all on 127.0.0.1:
#   - its own database, CREATE EXTENSION, a login role for the backend
#     (GRANT azure_blob_user), Azurite on a free port, the container, the
#     account, azure_blob.allow_http for the database;
#   - azure_set_cors(ARRAY['http://127.0.0.1:<page port>'], ARRAY['PUT','GET','HEAD','OPTIONS']);
#   - the example backend (server.js) twice: on the page port, and on a second
#     port whose origin the CORS rule does not list;
#   - browser-test.js: Chromium loads the page, uploads a PNG and a text file,
#     checks the listed read URLs give back the same bytes, screenshots
#     build/browser/upload.png; then on the second origin the PUT must fail
#     with a CORS error (build/browser/cors-blocked.png);
#   - checks from outside the browser: rows in azure_files, the bytes in
#     Azurite, and no blob for the blocked upload.
# Output is TAP-like; the last line is exactly "N passed, M failed"; exit
# status non-zero if M > 0. Everything started is stopped by PID at exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"
ROOT="$AZB_ROOT"
EXAMPLE="$ROOT/examples/browser-upload"

DB="azb_browser_$$"
APP_ROLE="web_app"     # the example backend's login role, granted azure_blob_user
CONTAINER="uploads"
DEMO_USER="demo-user"  # server.js's default application user
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
SHOT_DIR="${AZB_BROWSER_SHOT_DIR:-$ROOT/build/browser}"

suite_init browser
AZB_DB="$DB"
# shellcheck source=test/azurite/helpers.sh
. "$ROOT/test/azurite/helpers.sh"

# ---------------------------------------------------------------------------
echo "# azure_blob browser upload test (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-})"

require_cmds psql node npm curl sha256sum
if [ -x "$CHROMIUM" ]; then
	pass "prerequisite: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null | head -n 1))"
else
	fail "prerequisite: $CHROMIUM is installed" "apt-get install chromium (scripts/install-deps.sh)"
	bail_out "no chromium"
fi

# Pinned npm packages (lockfiles), installed only when missing.
for dir in "$HERE" "$EXAMPLE"; do
	if [ ! -d "$dir/node_modules" ]; then
		echo "# npm ci --prefix ${dir#"$ROOT"/}" >&2
		if ! npm ci --prefix "$dir" --no-audit --no-fund >"$WORK/npm.log" 2>&1; then
			fail "prerequisite: npm ci --prefix ${dir#"$ROOT"/}" "$(tail -n 20 "$WORK/npm.log")"
			bail_out "npm ci failed"
		fi
	fi
done
if node -e "require.resolve('playwright-core', {paths: ['$HERE']}); require.resolve('pg', {paths: ['$EXAMPLE']})" 2>"$WORK/stderr"; then
	pass "prerequisite: playwright-core (test/browser) and pg (examples/browser-upload) installed"
else
	fail "prerequisite: playwright-core and pg installed" "$(last_error)"
	bail_out "npm packages missing"
fi

# ---------------------------------------------------------------------------
# Database, extension, backend role.
if suite_create_db; then
	pass "setup: create database $DB"
else
	fail "setup: create database $DB" "$(last_error)"
	bail_out "no database"
fi

if sql_admin "CREATE EXTENSION azure_blob;"; then
	pass "setup: CREATE EXTENSION azure_blob"
else
	fail "setup: CREATE EXTENSION azure_blob" "$(last_error)"
	bail_out "extension not installable"
fi

# REST calls (azure_set_cors, azure_container_create) to Azurite's http
# endpoint need the superuser-only azure_blob.allow_http; new sessions of this
# database get it.
if sql_admin "ALTER DATABASE $DB SET azure_blob.allow_http = on;"; then
	pass "setup: ALTER DATABASE $DB SET azure_blob.allow_http = on"
else
	fail "setup: ALTER DATABASE $DB SET azure_blob.allow_http = on" "$(last_error)"
fi

# The role is dropped at the end only if this run created it (suite_create_db's cleanup drops SUITE_ROLES).
if [ "$(sql_admin "SELECT count(*) FROM pg_roles WHERE rolname = '$APP_ROLE';")" = "0" ]; then
	SUITE_ROLES+=("$APP_ROLE")
fi
if sql_admin "
	DO \$\$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
			CREATE ROLE $APP_ROLE LOGIN;
		END IF;
	END \$\$;
	ALTER ROLE $APP_ROLE LOGIN PASSWORD :'pw';
	GRANT azure_blob_user TO $APP_ROLE;
	SELECT azure_grant('$APP_ROLE', 'user');
	GRANT CONNECT ON DATABASE $DB TO $APP_ROLE;
	GRANT USAGE ON SCHEMA public TO $APP_ROLE;
" -v pw="$ROLE_PASSWORD"; then
	pass "setup: login role $APP_ROLE for the backend (GRANT azure_blob_user)"
else
	fail "setup: login role $APP_ROLE" "$(last_error)"
	bail_out "no backend role"
fi

# ---------------------------------------------------------------------------
# Azurite, container, account.
if azurite_start; then
	pass "setup: Azurite listening at $AZURITE_ENDPOINT (pid $AZURITE_PID)"
else
	fail "setup: start Azurite" "see messages above"
	bail_out "no Azurite"
fi

CONN="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT"
if sql_admin "SELECT azure_account_add('default', :'conn', :'cont');" \
	-v conn="$CONN" -v cont="$CONTAINER" >/dev/null; then
	pass "setup: azure_account_add('default', 'UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT', '$CONTAINER')"
else
	fail "setup: azure_account_add" "$(last_error)"
	bail_out "no account"
fi

if out="$(sql_admin "SELECT azure_container_create(:'cont');" -v cont="$CONTAINER")" && [ "$out" = "t" ]; then
	pass "setup: azure_container_create('$CONTAINER') -> true"
else
	fail "setup: azure_container_create('$CONTAINER') -> true" "got '$out' $(last_error)"
	bail_out "no container"
fi

# ---------------------------------------------------------------------------
# The two page origins: PAGE_PORT is allowed by the CORS rule, OTHER_PORT not.
PAGE_PORT="$(azb_free_port)"
OTHER_PORT="$(azb_free_port)"
while [ "$OTHER_PORT" = "$PAGE_PORT" ]; do OTHER_PORT="$(azb_free_port)"; done
PAGE_ORIGIN="http://127.0.0.1:$PAGE_PORT"
OTHER_ORIGIN="http://127.0.0.1:$OTHER_PORT"

# preflight ORIGIN -> prints "STATUS ALLOW_ORIGIN" for a browser's CORS
# preflight of the upload PUT (no authentication, spec §8.5).
preflight() {
	curl -gsS --max-time 10 -o /dev/null -D "$WORK/preflight.headers" -w '%{http_code}' -X OPTIONS \
		-H "Origin: $1" -H 'Access-Control-Request-Method: PUT' \
		-H 'Access-Control-Request-Headers: content-type,x-ms-blob-type' \
		"$AZURITE_ENDPOINT/$CONTAINER/preflight-probe.txt" 2>>"$WORK/curl.err" || true
	printf ' %s' "$(tr -d '\r' <"$WORK/preflight.headers" 2>/dev/null |
		sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: *//p' | head -n 1)"
}

# First a rule for the other origin only, then the real one: azure_set_cors
# sets exactly one rule, so afterwards the other origin must be refused.
if sql_admin "SELECT azure_set_cors(ARRAY[:'o'], ARRAY['GET']);" -v o="$OTHER_ORIGIN" >/dev/null &&
	[ "$(preflight "$OTHER_ORIGIN")" = "403 " ] && [ "$(preflight "$PAGE_ORIGIN")" = "403 " ]; then
	pass "azure_set_cors(ARRAY['$OTHER_ORIGIN'], ARRAY['GET']): PUT preflight refused (403) for both origins"
else
	fail "azure_set_cors(ARRAY['$OTHER_ORIGIN'], ARRAY['GET']): PUT preflight refused (403) for both origins" \
		"$(last_error) other: $(preflight "$OTHER_ORIGIN"), page: $(preflight "$PAGE_ORIGIN")"
fi
if sql_admin "SELECT azure_set_cors(ARRAY[:'o'], ARRAY['PUT','GET','HEAD','OPTIONS']);" -v o="$PAGE_ORIGIN" >/dev/null; then
	pass "azure_set_cors(ARRAY['$PAGE_ORIGIN'], ARRAY['PUT','GET','HEAD','OPTIONS'])"
else
	fail "azure_set_cors(ARRAY['$PAGE_ORIGIN'], ARRAY['PUT','GET','HEAD','OPTIONS'])" "$(last_error)"
	bail_out "no CORS rule"
fi
out="$(preflight "$PAGE_ORIGIN")"
if [ "$out" = "200 $PAGE_ORIGIN" ]; then
	pass "PUT preflight from $PAGE_ORIGIN -> 200, Access-Control-Allow-Origin: $PAGE_ORIGIN"
else
	fail "PUT preflight from $PAGE_ORIGIN -> 200, Access-Control-Allow-Origin: $PAGE_ORIGIN" "got '$out'"
fi
out="$(preflight "$OTHER_ORIGIN")"
if [ "$out" = "403 " ]; then
	pass "PUT preflight from $OTHER_ORIGIN -> 403 (the rule was replaced, not added to)"
else
	fail "PUT preflight from $OTHER_ORIGIN -> 403 (the rule was replaced, not added to)" "got '$out'"
fi

# ---------------------------------------------------------------------------
# The example backend, twice. It logs in as APP_ROLE with a password over TCP.
SERVER_PIDS=()
stop_servers() {
	local pid i
	for pid in "${SERVER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${SERVER_PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	SERVER_PIDS=()
}
azb_on_exit stop_servers

# start_server NAME PORT: start server.js on 127.0.0.1:PORT (a child of this
# shell, so that stop_servers can wait for it), wait until it prints its
# "listening" line. Sets SERVER_PID.
SERVER_PID=""
start_server() {
	local name=$1 port=$2 i log
	log="$WORK/server-$name.log"
	PORT="$port" PGUSER="$APP_ROLE" PGPASSWORD="$ROLE_PASSWORD" PGDATABASE="$DB" DEMO_USER="$DEMO_USER" \
		node "$EXAMPLE/server.js" >"$log" 2>&1 &
	SERVER_PID=$!
	SERVER_PIDS+=("$SERVER_PID")
	for ((i = 0; i < 100; i++)); do
		if grep -q "^listening on http://127.0.0.1:$port\$" "$log" 2>/dev/null; then
			return 0
		fi
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

for which in page other; do
	if [ "$which" = page ]; then port=$PAGE_PORT; else port=$OTHER_PORT; fi
	if start_server "$which" "$port"; then
		pass "example backend ($which) listening on http://127.0.0.1:$port (pid $SERVER_PID)"
	else
		fail "example backend ($which) listening on http://127.0.0.1:$port" "$(cat "$WORK/server-$which.log")"
		bail_out "no backend"
	fi
done

# The backend runs the SQL as APP_ROLE: an upload URL for the demo user.
status="$(curl -sS --max-time 10 -o "$WORK/api.json" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/json' -d '{"fileName":"probe.txt","contentType":"text/plain"}' \
	"$PAGE_ORIGIN/api/upload-url" 2>>"$WORK/curl.err" || true)"
if [ "$status" = "200" ] && node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const u = new URL(r.sasUrl);
	process.exit(u.searchParams.get("sp") === "c" && r.blobName.endsWith("-probe.txt") &&
		r.fileUrl === u.origin + u.pathname ? 0 : 1);' "$WORK/api.json"; then
	pass "POST /api/upload-url -> 200 {sasUrl (sp=c), blobName, fileUrl}"
else
	fail "POST /api/upload-url -> 200 {sasUrl (sp=c), blobName, fileUrl}" "HTTP $status $(cat "$WORK/api.json" 2>/dev/null)"
fi

# ---------------------------------------------------------------------------
# The browser.
echo "# --- headless Chromium"
PROFILE_PARENT="$WORK/chromium"
mkdir -p "$PROFILE_PARENT" "$SHOT_DIR"
rm -f "$SHOT_DIR/upload.png" "$SHOT_DIR/cors-blocked.png"

# Chromium processes left behind if node had to be killed: found by the
# unique profile directory on their command line, then stopped by PID.
kill_leftover_chromium() {
	local pids
	pids="$(pgrep -f -- "$PROFILE_PARENT" || true)"
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
	fi
}
azb_on_exit kill_leftover_chromium

BROWSER_RC=""
while IFS= read -r line; do
	case "$line" in
	"ok - "*) pass "browser: ${line#ok - }" ;;
	"not ok - "*) fail "browser: ${line#not ok - }" ;;
	"__rc="*) BROWSER_RC="${line#__rc=}" ;;
	*) echo "$line" ;;
	esac
done < <(
	cd "$HERE" &&
		TMPDIR="$PROFILE_PARENT" PAGE_URL="$PAGE_ORIGIN/" OTHER_PAGE_URL="$OTHER_ORIGIN/" \
			SHOT_DIR="$SHOT_DIR" RESULT_FILE="$WORK/browser.json" CHROMIUM="$CHROMIUM" NO_COLOR=1 \
			timeout -k 10 300 node "$HERE/browser-test.js" 2>&1
	echo "__rc=$?"
)
kill_leftover_chromium
if [ "$BROWSER_RC" = "0" ]; then
	pass "browser-test.js finished (exit 0)"
else
	fail "browser-test.js finished (exit 0)" "exit '$BROWSER_RC'"$'\n'"$(tail -n 20 "$WORK/server-page.log")"
fi
if [ -s "$SHOT_DIR/upload.png" ]; then
	pass "screenshot written: ${SHOT_DIR#"$ROOT"/}/upload.png"
else
	fail "screenshot written: ${SHOT_DIR#"$ROOT"/}/upload.png"
fi

# ---------------------------------------------------------------------------
# Outside the browser: what the database and Azurite hold now.
echo "# --- database and storage after the browser session"
if [ -s "$WORK/browser.json" ]; then
	node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		for (const u of r.uploaded) console.log(["up", u.blobName, u.sha256, u.size].join("\x1f"));
		if (r.blocked && r.blocked.blobName) console.log(["blocked", r.blocked.blobName].join("\x1f"));
	' "$WORK/browser.json" >"$WORK/blobs.txt"
else
	: >"$WORK/blobs.txt"
fi

# admin_read_url BLOB: a read URL signed by the admin signer, also for blobs
# without an azure_files row.
admin_read_url() {
	sql_admin "SELECT azure_blob_sas_url(:'b', 'r', now() + interval '5 minutes');" -v b="$1"
}

n_up=0
while IFS="$FS" read -r kind blob sum size; do
	if [ "$kind" = up ]; then
		n_up=$((n_up + 1))
		row="$(sql_admin "SELECT user_id FROM azure_files WHERE blob_name = :'b';" -v b="$blob" || true)"
		if [ "$row" = "$DEMO_USER" ]; then
			pass "azure_files has '$blob' for user_id $DEMO_USER"
		else
			fail "azure_files has '$blob' for user_id $DEMO_USER" "got '$row' $(last_error)"
		fi
		url="$(admin_read_url "$blob" || true)"
		status="$(curl -gsS --max-time 30 -o "$WORK/blob.out" -w '%{http_code}' "$url" 2>>"$WORK/curl.err" || true)"
		got="$(sha256sum "$WORK/blob.out" 2>/dev/null | cut -d' ' -f1)"
		if [ "$status" = "200" ] && [ "$got" = "$sum" ]; then
			pass "Azurite holds '$blob': $size bytes, same SHA-256 as the file given to the browser"
		else
			fail "Azurite holds '$blob': same bytes as the file given to the browser" "status $status, sha256 $got want $sum"
		fi
	elif [ "$kind" = blocked ]; then
		n=$(sql_admin "SELECT count(*) FROM azure_files WHERE blob_name = :'b';" -v b="$blob" || echo "?")
		if [ "$n" = "0" ]; then
			pass "blocked upload '$blob' has no azure_files row"
		else
			fail "blocked upload '$blob' has no azure_files row" "count '$n' $(last_error)"
		fi
		url="$(admin_read_url "$blob" || true)"
		status="$(curl -gsS --max-time 30 -o /dev/null -w '%{http_code}' "$url" 2>>"$WORK/curl.err" || true)"
		if [ "$status" = "404" ]; then
			pass "blocked upload '$blob' is not in Azurite (GET with an admin read URL -> 404)"
		else
			fail "blocked upload '$blob' is not in Azurite (GET with an admin read URL -> 404)" "got $status"
		fi
	fi
done <"$WORK/blobs.txt"
if [ "$n_up" -lt 2 ]; then
	fail "the browser uploaded 2 files" "$n_up recorded in browser.json"
fi

# The backend passes the application user to Postgres: another user (the
# X-User-Id header of the example) sees none of demo-user's files and cannot
# register a name issued to demo-user.
status="$(curl -sS --max-time 10 -o "$WORK/api.json" -w '%{http_code}' -H 'X-User-Id: someone-else' \
	"$PAGE_ORIGIN/api/files" 2>>"$WORK/curl.err" || true)"
if [ "$status" = "200" ] && node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	process.exit(r.user === "someone-else" && r.files.length === 0 ? 0 : 1);' "$WORK/api.json"; then
	pass "GET /api/files as X-User-Id someone-else -> 200, no files (row-level security)"
else
	fail "GET /api/files as X-User-Id someone-else -> 200, no files" "HTTP $status $(cat "$WORK/api.json" 2>/dev/null)"
fi
first_blob="$(awk -F "$FS" '$1 == "up" { print $2; exit }' "$WORK/blobs.txt")"
if [ -n "$first_blob" ]; then
	body="$(node -e 'console.log(JSON.stringify({ blobName: process.argv[1] }))' "$first_blob")"
	status="$(curl -sS --max-time 10 -o "$WORK/api.json" -w '%{http_code}' -X POST -H 'X-User-Id: someone-else' \
		-H 'Content-Type: application/json' -d "$body" "$PAGE_ORIGIN/api/files" 2>>"$WORK/curl.err" || true)"
	case "$status" in
	4??) pass "POST /api/files as someone-else for demo-user's blob -> $status $(cat "$WORK/api.json")" ;;
	*) fail "POST /api/files as someone-else for demo-user's blob -> 4xx" "HTTP $status $(cat "$WORK/api.json" 2>/dev/null)" ;;
	esac
fi

if grep -v '^listening on\|: shutting down$' "$WORK/server-page.log" "$WORK/server-other.log" >"$WORK/server-errors.txt"; then
	echo "# backend log lines:"
	sed 's/^/#   /' "$WORK/server-errors.txt"
fi

echo "1..$TAP_N"
tap_summary
