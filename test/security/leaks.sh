#!/usr/bin/env bash
# Log and side-channel leak test: does an account key, or a signature, ever
# reach the server log, a query result, EXPLAIN, or pg_stat_activity?
#
#   pg_virtualenv -t -v 15 -o 'log_statement=all' -o 'log_min_messages=debug5' \
#       -o 'log_min_error_statement=debug5' -o 'log_parameter_max_length=-1' \
#       bash test/security/leaks.sh
#
# (-o may be given several times; each becomes a --pgoption of
# pg_createcluster, i.e. a line of postgresql.conf.)  Run without those
# options, the script sets them itself with ALTER SYSTEM and a reload.
#
# How it gets a key into the server without SQL: pg_ctlcluster starts the
# postmaster with an environment made only of the cluster's "environment"
# file (plus LANG), so a variable exported before pg_virtualenv, or in this
# script, never reaches the server, and ALTER SYSTEM cannot set environment
# variables.  The script appends the connection string to
# <cluster config dir>/environment (with -t that directory is under
# $PG_CLUSTER_CONF_ROOT) and restarts the cluster with pg_ctlcluster.  The
# cluster is the one pg_lsclusters lists on $PGPORT.
#
# Where the log is: pg_current_logfile() when logging_collector is on; else
# the file the postmaster's stderr points to (/proc/<postmaster pid>/fd/2,
# the pid from postmaster.pid), which with pg_virtualenv -t is
# $WORKDIR/log/postgresql-15-regress.log; else pg_lsclusters' log column.
#
# What is asserted (TAP lines, last line "N passed, M failed", exit 1 if M > 0):
# - the key added with azure_account_add_from_env (Base64 text, its first 24
#   characters, percent-encoded, as decimal byte lists of plan dumps, and the
#   decoded key in hex) is nowhere in the server log, in any query result or
#   error, in EXPLAIN (VERBOSE, ANALYZE), in auto_explain / debug_print_plan
#   output, or in pg_stat_activity seen from a second session while the first
#   signs 3,000,000 URLs;
# - no "sig=" and no signature value of any URL the test made is in the log;
# - what plain azure_account_add does expose, so the README's warning stays
#   true: with log_statement=all the statement and its key are in the log,
#   with parameters too (log_parameter_max_length=-1); SET log_statement =
#   'none' alone does not hide it while log_min_error_statement is at debug
#   levels; a session that also sets log_min_messages and
#   log_min_error_statement to panic does;
# - azure_account_add_from_env works: the account signs exactly what the same
#   connection string added with azure_account_add (in another database)
#   signs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"

export PGCLIENTENCODING=UTF8
export LC_ALL=C.UTF-8

WORK="$(mktemp -d "${TMPDIR:-/tmp}/azb-leaks.XXXXXX")"
chmod 755 "$WORK"
azb_on_exit "rm -rf '$WORK'"
DB="azb_leaks_$$"
DB2="azb_leaks2_$$"
CLIENT="$WORK/client.txt"   # every query result and error this test saw
: >"$CLIENT"

for cmd in psql python3 pg_lsclusters pg_ctlcluster pg_isready base64 od; do
	if ! command -v "$cmd" >/dev/null 2>&1; then
		fail "prerequisite: $cmd is installed" "not found in PATH"
		tap_summary
		exit 1
	fi
done

# ---------------------------------------------------------------------------
# Keys: random, so that they occur nowhere before this run.
new_key() { head -c 64 /dev/urandom | base64 -w0; }
K="$(new_key)"          # the env key: must never show
K_PLAIN="$(new_key)"    # added with azure_account_add under log_statement=all: must show
K_BIND="$(new_key)"     # added with azure_account_add as a bind parameter: must show
K_NONE="$(new_key)"     # added after SET log_statement = 'none' only: shows (STATEMENT lines)
ENDPOINT="http://127.0.0.1:1/leakacct"   # nothing listens there
conn_of() { printf 'AccountName=leakacct;AccountKey=%s;BlobEndpoint=%s' "$1" "$ENDPOINT"; }

# sql DB SQL: run SQL as the superuser; stdout and stderr (verbose errors)
# go to the terminal and to $CLIENT. Returns psql's status.
sql() {
	local db=$1 s=$2 rc=0
	printf '\\set VERBOSITY verbose\n%s\n' "$s" |
		psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" >"$WORK/out" 2>&1 || rc=$?
	cat "$WORK/out" >>"$CLIENT"
	return "$rc"
}
sqlstate_of() { sed -n 's/^\(psql:[^:]*:[0-9]*: \)\{0,1\}ERROR:  \([0-9A-Z]\{5\}\): .*/\2/p' "$WORK/out" | head -n 1; }

# find_secrets FILE KEY: prints each form of KEY found in FILE (nothing if none).
find_secrets() {
	python3 - "$1" "$2" <<'PY'
import base64, re, sys, urllib.parse
path, key = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read().decode('utf-8', 'replace')
flat = re.sub(r'\s+', '', data)
raw = base64.b64decode(key)
forms = {
    'base64': key,
    'base64 (first 24 characters)': key[:24],
    'base64 percent-encoded': urllib.parse.quote(key, safe=''),
    'hex': raw.hex(),
    'HEX': raw.hex().upper(),
    'hex (first 16 bytes)': raw[:16].hex(),
    'decimal bytes of the base64 text (plan dumps)': ''.join(str(ord(c)) for c in key[:24]),
    'decimal bytes of the key': ''.join(str(b if b < 128 else b - 256) for b in raw[:16]),
}
for name, needle in forms.items():
    if needle in data or needle in flat or needle.lower() in data.lower():
        print(name)
PY
}

# ---------------------------------------------------------------------------
# The server: settings, log file, cluster.
read -r CL_VER CL_NAME CL_LOG < <(pg_lsclusters -h | awk -v p="${PGPORT:-5432}" '$3 == p { print $1, $2, $7; exit }') || true
if [ -z "${CL_VER:-}" ]; then
	fail "the cluster on port ${PGPORT:-5432} is a pg_ctlcluster cluster" "run under pg_virtualenv -t -v 15"
	tap_summary
	exit 1
fi
CL_CONF="${PG_CLUSTER_CONF_ROOT:-/etc/postgresql}/$CL_VER/$CL_NAME"

find_log() {
	local f dd pid
	f="$(psql -X -At -d postgres -c 'SELECT pg_current_logfile()')"
	dd="$(psql -X -At -d postgres -c 'SHOW data_directory')"
	if [ -n "$f" ]; then
		[[ $f == /* ]] || f="$dd/$f"
		echo "$f"
		return 0
	fi
	pid="$(head -n 1 "$dd/postmaster.pid" 2>/dev/null || true)"
	if [ -n "$pid" ] && f="$(readlink -f "/proc/$pid/fd/2" 2>/dev/null)" && [ -f "$f" ]; then
		echo "$f"
		return 0
	fi
	readlink -f "$CL_LOG"
}

declare -A WANT=([log_statement]=all [log_min_messages]=debug5 [log_min_error_statement]=debug5 [log_parameter_max_length]=-1)
ALTERED=()
for g in "${!WANT[@]}"; do
	have="$(psql -X -At -d postgres -c "SHOW $g")"
	if [ "$have" != "${WANT[$g]}" ]; then
		psql -X -q -d postgres -c "ALTER SYSTEM SET $g = '${WANT[$g]}'"
		ALTERED+=("$g")
	fi
done
if [ "${#ALTERED[@]}" -gt 0 ]; then
	echo "# not given with pg_virtualenv -o, set by ALTER SYSTEM: ${ALTERED[*]}"
	psql -X -q -At -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
	sleep 1
	azb_on_exit "psql -X -q -d postgres -c 'ALTER SYSTEM RESET log_statement' -c 'ALTER SYSTEM RESET log_min_messages' -c 'ALTER SYSTEM RESET log_min_error_statement' -c 'ALTER SYSTEM RESET log_parameter_max_length' -c 'SELECT pg_reload_conf()' >/dev/null 2>&1"
fi
settings="$(psql -X -At -d postgres -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
	WHERE name IN ('log_statement', 'log_min_messages', 'log_min_error_statement', 'log_parameter_max_length')")"
if [ "$settings" = "log_min_error_statement=debug5 log_min_messages=debug5 log_parameter_max_length=-1 log_statement=all" ]; then
	pass "server logs every statement, debug5 messages, statements of every message, full parameters"
else
	fail "server logs every statement, debug5 messages, statements of every message, full parameters" "$settings"
fi

LOGS=("$(find_log)")
MARK="azb-leaks-marker-$RANDOM$RANDOM"
psql -X -q -At -d postgres -c "SELECT '$MARK'" >/dev/null
sleep 0.2
if grep -q "$MARK" "${LOGS[0]}"; then
	pass "server log found: ${LOGS[0]} (a marker statement is in it)"
else
	fail "server log found" "no marker in ${LOGS[0]:-<none>}"
fi

# ---------------------------------------------------------------------------
# Connection strings into the postmaster's environment.
export AZB_LEAK_EXPORTED
AZB_LEAK_EXPORTED="$(conn_of "$(new_key)")"   # exported here: never reaches the server
ENV_FILE="$CL_CONF/environment"
cp "$ENV_FILE" "$WORK/environment.orig"
azb_on_exit "cp '$WORK/environment.orig' '$ENV_FILE'"

# restart LABEL: restart the cluster (it reads ENV_FILE), wait until it answers.
restart() {
	local log
	if pg_ctlcluster "$CL_VER" "$CL_NAME" restart >"$WORK/restart.log" 2>&1; then
		for _ in $(seq 1 50); do
			pg_isready -q && break
			sleep 0.2
		done
		pass "$1"
	else
		fail "$1" "$(cat "$WORK/restart.log")"
	fi
	log="$(find_log)"
	[[ " ${LOGS[*]} " == *" $log "* ]] || LOGS+=("$log")
}

# PostgreSQL itself logs the postmaster's whole environment at startup when
# log_min_messages is debug3 or lower ("PostmasterMain: initial environment
# dump"): shown here with a key of its own, then avoided for the real one.
K_DUMP="$(new_key)"
cp "$WORK/environment.orig" "$ENV_FILE"
printf "AZB_LEAK_DUMP = '%s'\n" "$(conn_of "$K_DUMP")" >>"$ENV_FILE"
restart "cluster $CL_VER/$CL_NAME restarted at log_min_messages=debug5 with AZB_LEAK_DUMP in $ENV_FILE"
if grep -q 'initial environment dump' "${LOGS[@]}" && [ -n "$(find_secrets <(cat "${LOGS[@]}") "$K_DUMP")" ]; then
	pass "caveat: started at log_min_messages <= debug3, the postmaster logs its environment, connection strings included"
else
	fail "caveat: started at log_min_messages <= debug3, the postmaster logs its environment" "no environment dump with the key"
fi
ENV_DUMPS="$(cat "${LOGS[@]}" | grep -c 'initial environment dump' || true)"

cp "$WORK/environment.orig" "$ENV_FILE"
{
	printf "AZB_LEAK_CONN = '%s'\n" "$(conn_of "$K")"
	printf "AZB_LEAK_BAD = 'AccountName=leakacct;AccountKey=%s;Bogus=%s'\n" "$K" "$K"
} >>"$ENV_FILE"
# Start at debug2 (above debug3), then back to debug5 by a reload: the dump
# happens only at startup.
psql -X -q -d postgres -c "ALTER SYSTEM SET log_min_messages = 'debug2'" >/dev/null
azb_on_exit "psql -X -q -d postgres -c 'ALTER SYSTEM RESET log_min_messages' -c 'SELECT pg_reload_conf()' >/dev/null 2>&1"
restart "cluster restarted at log_min_messages=debug2 with AZB_LEAK_CONN in $ENV_FILE"
psql -X -q -d postgres -c "ALTER SYSTEM SET log_min_messages = 'debug5'" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
now_dumps="$(cat "${LOGS[@]}" | grep -c 'initial environment dump' || true)"
if [ "$(psql -X -At -d postgres -c 'SHOW log_min_messages')" = debug5 ] && [ "$now_dumps" = "$ENV_DUMPS" ]; then
	pass "no environment dump at this start; log_min_messages back at debug5 (reload)"
else
	fail "no environment dump at this start; log_min_messages back at debug5" "dumps $ENV_DUMPS -> $now_dumps"
fi

psql -X -q -d postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE $DB2"
azb_on_exit "psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $DB' -c 'DROP DATABASE IF EXISTS $DB2' >/dev/null 2>&1"
for d in "$DB" "$DB2"; do
	psql -X -q -d "$d" -c 'CREATE EXTENSION azure_blob' \
		-c "ALTER DATABASE $d SET azure_blob.allow_http = on" -c "ALTER DATABASE $d SET azure_blob.max_retries = 0" \
		-c "ALTER DATABASE $d SET azure_blob.verify_uploads = off" -c "ALTER DATABASE $d SET azure_blob.default_account = 'leak'"
done
ADMIN_PASSWORD="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS azb_leaks_admin" -c "CREATE ROLE azb_leaks_admin LOGIN PASSWORD '$ADMIN_PASSWORD'" \
	-c "GRANT azure_blob_admin TO azb_leaks_admin" >/dev/null 2>&1
for d in "$DB" "$DB2"; do
	psql -X -q -d "$d" -c "SELECT azure_grant('azb_leaks_admin', 'admin')" >/dev/null 2>&1
done
azb_on_exit "psql -X -q -d postgres -c 'DROP ROLE IF EXISTS azb_leaks_admin' >/dev/null 2>&1"

# ---------------------------------------------------------------------------
# azure_account_add_from_env.
if ! sql "$DB" "SELECT azure_account_add_from_env('exported', 'AZB_LEAK_EXPORTED')" && [ "$(sqlstate_of)" = 42704 ]; then
	pass "a variable exported before the restart is not in the server's environment (42704)"
else
	fail "a variable exported before the restart is not in the server's environment (42704)" "$(cat "$WORK/out")"
fi
if sql "$DB" "SELECT azure_account_add_from_env('leak', 'AZB_LEAK_CONN', 'uploads');
	SELECT concat_ws(' ', alias, account_name, blob_endpoint, default_container) FROM azure_accounts WHERE alias = 'leak'" &&
	grep -qx "leak leakacct $ENDPOINT uploads" "$WORK/out"; then
	pass "azure_account_add_from_env adds the account (name, endpoint, container)"
else
	fail "azure_account_add_from_env adds the account (name, endpoint, container)" "$(cat "$WORK/out")"
fi
if ! sql "$DB" "SELECT azure_account_add_from_env('leakbad', 'AZB_LEAK_BAD')" && [ "$(sqlstate_of)" = 22023 ] &&
	[ -z "$(find_secrets "$WORK/out" "$K")" ]; then
	pass "a malformed connection string from the environment: 22023, and the error holds no key"
else
	fail "a malformed connection string from the environment: 22023, and the error holds no key" "$(cat "$WORK/out")"
fi

# ---------------------------------------------------------------------------
# Signing, good and bad input, with the env account.
sql "$DB" "INSERT INTO azure_files (blob_name) VALUES ('leak/read.txt');
SELECT azure_blob_sas_url('leak/' || g || '.txt', 'racwd', '2030-01-01 00:00:00+00') FROM generate_series(1, 300) g;
SELECT azure_container_sas_url('rl', '2030-01-01 00:00:00+00', ip_range => '10.0.0.' || g, account => 'leak') FROM generate_series(1, 100) g;
SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_disposition => 'attachment; filename=\"a' || g || '.txt\"',
  encryption_scope => 'scope' || g, identifier => 'p' || g) FROM generate_series(1, 100) g;
SELECT sas_url FROM generate_series(1, 200) g, azure_generate_upload_sas('up' || g || '.txt', 'text/plain');
SELECT azure_generate_read_sas('leak/read.txt') FROM generate_series(1, 100);" || true
bad=(
	"SELECT azure_blob_sas_url('a.txt', 'rq', '2030-01-01')"
	"SELECT azure_blob_sas_url('../a.txt', 'r', '2030-01-01')"
	"SELECT azure_blob_sas_url('a.txt', 'r', 'infinity')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', starts_at => '2031-01-01')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', ip_range => '1.2.3')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', protocol => 'http')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', container => 'Bad')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', content_type => E'text/plain\\r\\nX: 1')"
	"SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01', account => 'nope')"
	"SELECT azure_container_sas_url('rlz', '2030-01-01')"
	"SELECT * FROM azure_generate_upload_sas('a/b.txt', 'text/plain')"
	"SELECT * FROM azure_generate_upload_sas('a.txt', 'text/plain', '8 days')"
	"SELECT azure_generate_read_sas('no-such-file.txt')"
	"SELECT azure_save_metadata('not-issued.txt', 'https://evil.example.com/x')"
	"INSERT INTO azure_files (blob_name, file_url) VALUES ('leak/x.txt', 'http://127.0.0.1:1/leakacct/uploads/y.txt')"
	"SELECT azure_blob_get('leak/read.txt')"
	"SELECT azure_blob_put('leak/put.txt', '\\x00')"
	"SELECT count(*) FROM azure_blob_list('leak/')"
	"SELECT azure_blob_delete('leak/read.txt')"
	"SELECT azure_set_cors('{https://app.example.com}', '{PUT}')"
	"SELECT * FROM azure_reconcile()"
	"SELECT azure_account_add('leak', 'UseDevelopmentStorage=true')"
)
bad_ok=0
for s in "${bad[@]}"; do
	if ! sql "$DB" "$s"; then
		bad_ok=$((bad_ok + 1))
	fi
done
if [ "$bad_ok" -eq "${#bad[@]}" ]; then
	pass "${#bad[@]} bad or failing calls with the env account all raised errors"
else
	fail "${#bad[@]} bad or failing calls with the env account all raised errors" "only $bad_ok did"
fi
# The REST calls above ran (and failed with 08006) with requests signed by Shared Key.
sql "$DB" "DELETE FROM azure_files WHERE blob_name = 'leak/read.txt'; SELECT azure_process_deletions(10)" || true

# EXPLAIN shows calls and arguments, never a URL.
sql "$DB" "EXPLAIN (VERBOSE) SELECT azure_blob_sas_url('a.txt', 'r', '2030-01-01 00:00:00+00');
EXPLAIN (ANALYZE, VERBOSE, BUFFERS) SELECT azure_blob_sas_url('a' || g, 'r', '2030-01-01 00:00:00+00') FROM generate_series(1, 1000) g;
EXPLAIN (ANALYZE, VERBOSE) SELECT azure_container_sas_url('rl', '2030-01-01 00:00:00+00');
EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM azure_generate_upload_sas('e.txt', 'text/plain');
EXPLAIN (ANALYZE, VERBOSE) SELECT azure_generate_read_sas(blob_name) FROM azure_files;" || true
cp "$WORK/out" "$WORK/explain.txt"
if [ -s "$WORK/explain.txt" ] && ! grep -q 'sig=' "$WORK/explain.txt" && [ -z "$(find_secrets "$WORK/explain.txt" "$K")" ]; then
	pass "EXPLAIN (ANALYZE, VERBOSE) of every signer: no key, no signature"
else
	fail "EXPLAIN (ANALYZE, VERBOSE) of every signer: no key, no signature" "$(cat "$WORK/explain.txt")"
fi

# auto_explain of nested statements and the planner's own dumps, while an
# account is added from the environment and URLs are signed.
sql "$DB" "LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
SET auto_explain.log_verbose = on; SET auto_explain.log_analyze = on;
SET debug_print_parse = on; SET debug_print_rewritten = on; SET debug_print_plan = on;
SELECT azure_account_add_from_env('leak2', 'AZB_LEAK_CONN');
SELECT azure_blob_sas_url('ae.txt', 'r', '2030-01-01 00:00:00+00', account => 'leak2');
SELECT azure_account_remove('leak2');" || true
if grep -q 'Query Text: INSERT INTO azure_blob.accounts' "${LOGS[@]}"; then
	pass "auto_explain logged the nested INSERT into azure_blob.accounts (checked for the key below)"
else
	fail "auto_explain logged the nested INSERT into azure_blob.accounts" "not in the log"
fi

# ---------------------------------------------------------------------------
# pg_stat_activity of another session, while this one signs 3,000,000 URLs.
LONG="SELECT count(azure_blob_sas_url('long/' || g, 'r', '2030-01-01 00:00:00+00', account => 'leak')) FROM generate_series(1, 3000000) g"
psql -X -q -At -d "$DB" -c "$LONG" >"$WORK/long.out" 2>&1 &
long_pid=$!
seen=0
: >"$WORK/activity.txt"
for _ in $(seq 1 100); do
	kill -0 "$long_pid" 2>/dev/null || break
	psql -X -q -At -d "$DB" -c "SELECT row_to_json(a)::text FROM pg_stat_activity a WHERE pid <> pg_backend_pid()" \
		>>"$WORK/activity.txt" 2>&1 || true
	PGUSER=azb_leaks_admin PGPASSWORD="$ADMIN_PASSWORD" psql -X -q -At -d "$DB" -c "SELECT row_to_json(a)::text FROM pg_stat_activity a WHERE pid <> pg_backend_pid()" \
		>>"$WORK/activity.txt" 2>&1 || true
	if grep -q '"state":"active".*generate_series(1, 3000000)' "$WORK/activity.txt"; then
		seen=$((seen + 1))
	fi
	sleep 0.1
done
wait "$long_pid" || true
cat "$WORK/activity.txt" "$WORK/long.out" >>"$CLIENT"
if [ "$seen" -gt 0 ] && grep -qx 3000000 "$WORK/long.out"; then
	pass "a second session saw the 3,000,000-URL query active in pg_stat_activity ($seen polls)"
else
	fail "a second session saw the 3,000,000-URL query active in pg_stat_activity" "seen=$seen; $(cat "$WORK/long.out")"
fi
if ! grep -q 'sig=' "$WORK/activity.txt" && [ -z "$(find_secrets "$WORK/activity.txt" "$K")" ]; then
	pass "pg_stat_activity (as superuser and as an admin role) shows no key and no signature"
else
	fail "pg_stat_activity (as superuser and as an admin role) shows no key and no signature" "$(find_secrets "$WORK/activity.txt" "$K")"
fi

# ---------------------------------------------------------------------------
# What plain azure_account_add exposes, and what hides it.
sql "$DB" "SELECT azure_account_add('plain', '$(conn_of "$K_PLAIN")')" || true
sql "$DB" "SET log_statement = 'none'; SELECT azure_account_add('nolog', '$(conn_of "$K_NONE")')" || true
# The same connection string as the env account, in another database, in a
# session that logs nothing: only that keeps it out of the log.
printf '%s\n' "SET log_statement = 'none'; SET log_min_messages = 'panic'; SET log_min_error_statement = 'panic';" \
	"SELECT azure_account_add('leak', :'conn', 'uploads');" |
	psql -X -q -At -d "$DB2" -v conn="$(conn_of "$K")" >"$WORK/quiet.out" 2>&1 || true
cat "$WORK/quiet.out" >>"$CLIENT"
# A bind parameter (extended protocol, as an application would send it).
PG_MODULE="$AZB_ROOT/examples/browser-upload/node_modules/pg"
if command -v node >/dev/null 2>&1 && [ -d "$PG_MODULE" ]; then
	PG_MODULE="$PG_MODULE" PGDATABASE="$DB" BIND_CONN="$(conn_of "$K_BIND")" node -e '
		const { Client } = require(process.env.PG_MODULE);
		(async () => {
			const c = new Client();
			await c.connect();
			await c.query("SELECT azure_account_add($1, $2)", ["bind", process.env.BIND_CONN]);
			const r = await c.query("SELECT sas_url FROM azure_generate_upload_sas($1, $2)", ["bind.txt", "text/plain"]);
			const s = await c.query("SELECT azure_blob_sas_url($1, $2, $3)", ["bind/a.txt", "r", "2030-01-01T00:00:00Z"]);
			console.log(r.rows[0].sas_url);
			console.log(s.rows[0].azure_blob_sas_url);
			await c.end();
		})().catch((e) => { console.error(e.message); process.exit(1); });' >"$WORK/bind.out" 2>&1 && bind_rc=0 || bind_rc=$?
	cat "$WORK/bind.out" >>"$CLIENT"
else
	bind_rc=127
	echo "node or $PG_MODULE missing (scripts/install-deps.sh installs both)" >"$WORK/bind.out"
fi
if [ "$bind_rc" -eq 0 ]; then
	pass "azure_account_add and signers called with bind parameters (extended protocol)"
else
	fail "azure_account_add and signers called with bind parameters (extended protocol)" "$(cat "$WORK/bind.out")"
fi

# Same connection string, same signatures: the env account in $DB and the
# plainly added one in $DB2 sign the same URL for fixed times.
same="SELECT azure_blob_sas_url('same/a b.txt', 'rw', '2030-01-01 00:00:00+00', '2029-01-01 00:00:00+00', account => 'leak')
  || ' ' || azure_container_sas_url('rl', '2030-01-01 00:00:00+00', account => 'leak')"
u1="$(psql -X -q -At -d "$DB" -c "$same" 2>&1)"
u2="$(psql -X -q -At -d "$DB2" -c "$same" 2>&1)"
printf '%s\n%s\n' "$u1" "$u2" >>"$CLIENT"
if [ -n "$u1" ] && [ "$u1" = "$u2" ] && [[ $u1 == http://127.0.0.1:1/leakacct/uploads/* ]]; then
	pass "the env account signs exactly what azure_account_add of the same string signs (blob and container SAS)"
else
	fail "the env account signs exactly what azure_account_add of the same string signs" "$u1 / $u2"
fi

# ---------------------------------------------------------------------------
# The verdicts.
sleep 0.5   # let the last log lines reach the file
cat "${LOGS[@]}" >"$WORK/server.log"
[ -z "${AZB_LEAKS_KEEP:-}" ] || cp "$WORK/server.log" "$AZB_LEAKS_KEEP"
echo "# server log: $(wc -c <"$WORK/server.log") bytes in ${LOGS[*]}"

found="$(find_secrets "$WORK/server.log" "$K")"
if [ -z "$found" ]; then
	pass "the env key is nowhere in the server log (Base64, percent-encoded, hex, plan byte dumps)"
else
	fail "the env key is nowhere in the server log" "found as: $found"
fi
found="$(find_secrets "$CLIENT" "$K")"
if [ -z "$found" ]; then
	pass "the env key is in no query result, error, EXPLAIN or pg_stat_activity row"
else
	fail "the env key is in no query result, error, EXPLAIN or pg_stat_activity row" "found as: $found"
fi
nsig="$(grep -o 'sig=[A-Za-z0-9%]*' "$CLIENT" | sort -u | wc -l)"
if [ "$nsig" -gt 500 ]; then
	pass "the test made $nsig distinct signed URLs"
else
	fail "the test made more than 500 distinct signed URLs" "$nsig"
fi
if ! grep -q 'sig=' "$WORK/server.log"; then
	pass "no 'sig=' anywhere in the server log"
else
	fail "no 'sig=' anywhere in the server log" "$(grep -m 5 'sig=' "$WORK/server.log")"
fi
leaked_sigs="$(python3 - "$CLIENT" "$WORK/server.log" <<'PY'
import re, sys, urllib.parse
client = open(sys.argv[1], encoding='utf-8', errors='replace').read()
log = open(sys.argv[2], encoding='utf-8', errors='replace').read()
sigs = {urllib.parse.unquote(m) for m in re.findall(r'sig=([A-Za-z0-9%]+)', client)}
tokens = {urllib.parse.unquote(t) for t in re.findall(r'[A-Za-z0-9+/%]{40,}', log)}
tokens |= {t + '=' for t in list(tokens)}
print(len(sigs & tokens))
PY
)"
if [ "$leaked_sigs" = 0 ]; then
	pass "no signature value of any URL made here is in the server log"
else
	fail "no signature value of any URL made here is in the server log" "$leaked_sigs found"
fi
if ! grep -E '(ERROR|DETAIL|HINT|CONTEXT|DEBUG[1-5]?|LOG):.*https?://[^ "]*\?' "$WORK/server.log" | grep -v 'STATEMENT:' | grep -qv 'statement:'; then
	pass "no error, detail or debug line of the server log holds a URL with a query"
else
	fail "no error, detail or debug line of the server log holds a URL with a query" \
		"$(grep -E '(ERROR|DETAIL|HINT|CONTEXT|DEBUG[1-5]?|LOG):.*https?://[^ "]*\?' "$WORK/server.log" | head -n 5)"
fi
if grep -q 'SharedKey' "$WORK/server.log"; then
	fail "no Shared Key Authorization header in the server log" "$(grep -m 3 SharedKey "$WORK/server.log")"
else
	pass "no Shared Key Authorization header in the server log (REST calls were made: $(grep -c 'azure_blob: [A-Z]* http' "$WORK/server.log") DEBUG lines)"
fi

# What azure_account_add exposes (README, "azure_account_add in statement logs").
if [ -n "$(find_secrets "$WORK/server.log" "$K_PLAIN")" ]; then
	pass "README warning holds: azure_account_add under log_statement=all logs the key"
else
	fail "README warning holds: azure_account_add under log_statement=all logs the key" "the key is not in the log"
fi
if grep -q "parameters: .*$K_BIND" "$WORK/server.log"; then
	pass "README warning holds: a bind parameter with the key is logged (log_parameter_max_length=-1)"
else
	fail "README warning holds: a bind parameter with the key is logged" "not in the log"
fi
if grep -q "STATEMENT: .*$K_NONE" "$WORK/server.log" && ! grep -q "statement: .*$K_NONE" "$WORK/server.log"; then
	pass "SET log_statement = 'none' alone: no 'statement:' line, but debug messages carry the key in STATEMENT lines (log_min_error_statement=debug5)"
else
	fail "SET log_statement = 'none' alone: STATEMENT lines only" "$(grep -c "$K_NONE" "$WORK/server.log") lines"
fi
if ! grep -q 'ERROR' "$WORK/quiet.out" && [ -z "$(find_secrets "$WORK/server.log" "$K")" ]; then
	pass "a session with log_statement, log_min_messages and log_min_error_statement off added the same string unlogged"
else
	fail "a session with log_statement, log_min_messages and log_min_error_statement off added the same string unlogged" \
		"$(cat "$WORK/quiet.out"; find_secrets "$WORK/server.log" "$K")"
fi

tap_summary
