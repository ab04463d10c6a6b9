#!/usr/bin/env bash
# Demo of azure_blob on embedded defaults: the "File storage with Azure Blob
# Storage" flow, with Postgres signing the URLs.
#
#   scripts/demo.sh             install deps, build + install, run the demo
#   scripts/demo.sh --no-build  skip install-deps and make (already installed)
#
# It runs in a throwaway PostgreSQL 15 cluster (pg_virtualenv -t) and a fresh
# in-memory Azurite on 127.0.0.1:<free port>, prints every SQL statement and
# HTTP request with what came back, and stops everything it started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---------------------------------------------------------------------------
# Outer part: dependencies, build, then re-enter this script inside
# pg_virtualenv, which sets PGHOST/PGPORT/PGUSER/PGPASSWORD for a new cluster
# and drops the cluster when the inner part exits.
if [ "${1:-}" != "--inside-virtualenv" ]; then
	cd "$ROOT"
	if [ "${1:-}" != "--no-build" ]; then
		SUDO=()
		if [ "$(id -u)" -ne 0 ]; then
			SUDO=(sudo)
		fi
		echo "==> installing dependencies (only what is missing)"
		bash scripts/install-deps.sh
		echo "==> building and installing the extension"
		make -s
		"${SUDO[@]}" make -s install
	fi
	echo "==> starting a throwaway PostgreSQL 15 cluster (pg_virtualenv -t, free port)"
	# -t: a private temporary cluster even as root (the system's "15/regress"
	# may be in use); PGPORT: with -t pg_createcluster would take 5432.
	PGPORT="$(bash -c '. "$1/test/lib.sh"; azb_free_port' _ "$ROOT")"
	export PGPORT
	exec pg_virtualenv -t -v 15 bash "$ROOT/scripts/demo.sh" --inside-virtualenv
fi

# ---------------------------------------------------------------------------
# Inner part, inside pg_virtualenv.
# shellcheck source=test/lib.sh
. "$ROOT/test/lib.sh"

export PGCLIENTENCODING=UTF8
DB="azure_blob_demo"
APP_PASSWORD="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/azb-demo.XXXXXX")"
azb_on_exit "rm -rf '$WORK'"
FS=$'\x1f'

step() {
	echo
	echo "==> $*"
}

# Show each statement of SQL the way a user would type it, with its result
# as psql prints it right under it. A statement ends with a line ending in
# ';'; each runs in a transaction of its own (after SET LOCAL
# azure_blob.user_id when USER_ID is given), as an app would run it.
# sql_show ROLE USER_ID SQL [psql -v args]
sql_show() {
	local role=$1 uid=$2 sql=$3
	shift 3
	local line stmt=""
	while IFS= read -r line; do
		stmt+="$line"$'\n'
		if [[ "$line" == *";" ]]; then
			printf '%s' "$stmt" | sed '1s/^/    sql> /; 2,$s/^/         /'
			sql_run "$role" "$uid" "$stmt" "$@" | sed 's/^/    /'
			stmt=""
		fi
	done <<<"$sql"
	if [ -n "$stmt" ]; then
		echo "sql_show: statement without a final ';': $stmt" >&2
		return 1
	fi
}

# sql_run ROLE USER_ID SQL [psql args]: run as ROLE (superuser when ROLE is
# empty) in one transaction with SET LOCAL azure_blob.user_id when USER_ID is
# given (a value counts only in the transaction that set it).
sql_run() {
	local role=$1 uid=$2 sql=$3
	shift 3
	local env=()
	if [ -n "$role" ]; then
		env=(PGUSER="$role" PGPASSWORD="$APP_PASSWORD")
	fi
	{
		if [ -n "$uid" ]; then
			printf "BEGIN;\nSET LOCAL azure_blob.user_id = :'uid';\n"
		fi
		# Quiet but for SQL's own results: command tags (CREATE ROLE, DELETE 1)
		# are results too.
		printf '\\set QUIET off\n%s\n\\set QUIET on\n' "$sql"
		if [ -n "$uid" ]; then
			printf 'COMMIT;\n'
		fi
	} | env "${env[@]}" psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$DB" -v uid="$uid" "$@"
}

# Print "name = value" for each column of a one-row result captured with
# -At -F <unit separator>.
show_row() {
	local row=$1
	shift
	local IFS="$FS" i=0 vals
	read -r -a vals <<<"$row"
	for name in "$@"; do
		printf '    %-10s = %s\n' "$name" "${vals[i]:-}"
		i=$((i + 1))
	done
}

echo "==> PostgreSQL: ${PGHOST:-}:${PGPORT:-} as ${PGUSER:-}"
psql -X -q -d postgres -c "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8'"

step "DBA: create the extension"
sql_show "" "" "CREATE EXTENSION azure_blob;"

step "start Azurite (blob service only, in memory) on 127.0.0.1"
azurite_start
echo "    Azurite pid $AZURITE_PID listening at $AZURITE_ENDPOINT"

step "DBA: allow plain http for this database (Azurite has no TLS; superuser-only setting)"
sql_show "" "" "ALTER DATABASE $DB SET azure_blob.allow_http = on;"

step "DBA: register the storage account (Azurite's development account)"
sql_show "" "" "SELECT azure_account_add('default', :'conn', 'uploads');" \
	-v conn="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT"

step "DBA: create the container 'uploads' (Blob REST API from SQL, Shared Key)"
sql_show "" "" "SELECT azure_container_create('uploads');"

step "DBA: the application's login role gets azure_blob_user, and user rights in this database"
sql_show "" "" "CREATE ROLE app LOGIN PASSWORD :'pw';
GRANT azure_blob_user TO app;
SELECT azure_grant('app', 'user');" -v pw="$APP_PASSWORD"

step "app (as role app, per request): who is the user?"
echo "    (each app statement below runs as 'app' in a transaction that starts with:)"
echo "    sql> BEGIN; SET LOCAL azure_blob.user_id = 'user_123';"

step "app: get an upload URL for 'hello world.txt'"
SQL_UP="SELECT sas_url, blob_name, file_url, expires_at FROM azure_generate_upload_sas('hello world.txt', 'text/plain');"
echo "    sql> $SQL_UP"
row="$(sql_run app user_123 "$SQL_UP" -At -F "$FS")"
show_row "$row" sas_url blob_name file_url expires_at
IFS="$FS" read -r SAS_URL BLOB_NAME FILE_URL _ <<<"$row"

step "browser: PUT the file straight to storage with the upload URL"
printf 'Hello from azure_blob! Signed in Postgres, stored in Azurite.\n' >"$WORK/hello.txt"
echo "    \$ curl -X PUT -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/plain' --data-binary @hello.txt '<sas_url>'"
status="$(curl -gsS -o "$WORK/put.body" -w '%{http_code}' -X PUT \
	-H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/plain' \
	--data-binary "@$WORK/hello.txt" "$SAS_URL")"
echo "    -> HTTP $status"

step "app: save the metadata row (Postgres checks the blob exists and records its size and type)"
sql_show app user_123 "SELECT id, blob_name, user_id, size_bytes, content_type FROM azure_save_metadata(:'blob');" \
	-v blob="$BLOB_NAME"

step "app: list this user's files (row-level security shows only user_123's rows)"
sql_show app user_123 "SELECT id, blob_name, file_url, user_id FROM azure_files;"

step "app: get a read URL (15 minutes by default)"
SQL_RD="SELECT azure_generate_read_sas(:'blob');"
echo "    sql> $SQL_RD"
READ_URL="$(sql_run app user_123 "$SQL_RD" -At -v blob="$BLOB_NAME")"
echo "    $READ_URL"

step "browser: GET the file with the read URL"
echo "    \$ curl '<read url>'"
status="$(curl -gsS -o "$WORK/got.txt" -w '%{http_code}' "$READ_URL")"
echo "    -> HTTP $status, content:"
sed 's/^/       | /' "$WORK/got.txt"

step "and without a signature the blob stays private"
echo "    \$ curl '$FILE_URL'"
status="$(curl -gsS -o /dev/null -w '%{http_code}' "$FILE_URL")"
echo "    -> HTTP $status"

step "another user of the app cannot get a link to user_123's file"
echo "    sql> BEGIN; SET LOCAL azure_blob.user_id = 'user_456';"
echo "    sql> SELECT azure_generate_read_sas('$BLOB_NAME');"
if out="$(sql_run app user_456 "SELECT azure_generate_read_sas(:'blob');" -At -v blob="$BLOB_NAME" 2>&1)"; then
	echo "    $out"
else
	printf '%s\n' "$out" | sed 's/^/    /'
fi

step "DBA: what is in the container (azure_blob_list, Blob REST API)"
sql_show "" "" "SELECT blob_name, size_bytes, content_type FROM azure_blob_list();"

step "app: delete the file; its blob is queued and deleted after the commit"
sql_show app user_123 "DELETE FROM azure_files WHERE blob_name = :'blob';" -v blob="$BLOB_NAME"
sql_show "" "" "SELECT blob_name, attempts FROM azure_pending_deletions;
SELECT azure_process_deletions() AS deleted;
SELECT count(*) AS blobs_left FROM azure_blob_list();"

step "done: stopping Azurite (pid $AZURITE_PID); pg_virtualenv drops the cluster"
