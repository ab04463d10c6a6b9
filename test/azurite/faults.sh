#!/usr/bin/env bash
# Fault suite: azure_blob's REST client when storage misbehaves.
#   (a) Azurite stopped: 08006 within the configured timeouts, and the same
#       backend works again once Azurite is back on the same port; a server
#       whose accept queue is full: the connect timeout;
#   (b) a server that accepts and never answers: pg_cancel_backend,
#       statement_timeout, pg_terminate_backend and request_timeout_ms end the
#       call promptly and the backend stays usable;
#   (c) queued deletions survive an Azurite outage (attempts, last_error,
#       backoff) and complete once it is back;
#   (d) HTTP 500/503: retries with backoff, Retry-After honoured (capped at
#       10 s), a cancel during the backoff.
#
# Run it where PGHOST/PGPORT/PGUSER(/PGPASSWORD) point at a throwaway
# PostgreSQL 15 cluster as a superuser, with the extension `make install`ed:
#     pg_virtualenv -t -v 15 bash test/azurite/faults.sh
# It creates its own database, starts its own Azurite (on disk in a temporary
# directory, so blobs survive a restart) and the fake servers of
# fault_servers.py, all on 127.0.0.1, and stops them by PID at exit.
#
# Times are measured in this shell with date +%s%N around each statement of a
# long-lived psql session; every bound asserted is printed with the measured
# value. Output is TAP-like; the last line is exactly "N passed, M failed";
# the exit status is non-zero if M > 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"

AZB_DB="azb_faults_$$"
CONTAINER="faults"
# Azurite's development account key (public, documented by Microsoft).
DEV_KEY="$AZURITE_DEV_KEY"

suite_init faults
# shellcheck source=test/azurite/helpers.sh
. "$HERE/helpers.sh"

TIMINGS=()
timing() {
	TIMINGS+=("$1")
	echo "# timing: $1"
}

require_cmds psql curl python3 stdbuf

# start_server MODE: runs fault_servers.py MODE; sets SRV_PORT and SRV_PID.
start_server() {
	local mode=$1 i pid
	python3 "$HERE/fault_servers.py" "$mode" "$WORK/$mode.log" >"$WORK/$mode.port" 2>"$WORK/$mode.err" &
	pid=$!
	azb_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	for ((i = 0; i < 100; i++)); do
		[ -s "$WORK/$mode.port" ] && break
		sleep 0.05
	done
	SRV_PORT="$(head -n 1 "$WORK/$mode.port")"
	SRV_PID=$pid
	[ -n "$SRV_PORT" ]
}

# lines_in FILE PATTERN: how many lines of FILE match PATTERN (fixed string).
lines_in() {
	grep -cF -- "$2" "$1" 2>/dev/null || true
}

# The output of the last session statement has no key, signature or Authorization.
no_secret_in_out() {
	if printf '%s' "$SESS_OUT" | grep -qF -e "$DEV_KEY" -e "sig=" -e "SharedKey"; then
		fail "$1: the error carries no key, sig or Authorization" "$SESS_OUT"
	fi
}

# expect_sess STATE LABEL MIN_MS MAX_MS: the last session statement failed with
# STATE and took between MIN_MS and MAX_MS.
expect_sess() {
	local want=$1 label=$2 min=$3 max=$4 got
	got="$(sess_sqlstate)"
	timing "$label: SQLSTATE ${got:-none} after $SESS_MS ms (bound $min..$max ms)"
	if [ "$got" = "$want" ] && [ "$SESS_MS" -ge "$min" ] && [ "$SESS_MS" -lt "$max" ]; then
		pass "$label -> $want in $SESS_MS ms (asserted $min..$max ms)"
	else
		fail "$label -> $want in $min..$max ms" "got '${got}' after $SESS_MS ms: $SESS_OUT"
	fi
	no_secret_in_out "$label"
}

# ---------------------------------------------------------------------------
echo "# azure_blob fault suite (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-})"

suite_create_db || {
	fail "setup: create database $AZB_DB" "$(last_error)"
	bail_out "no database"
}
if sql_admin "CREATE EXTENSION azure_blob; ALTER DATABASE $AZB_DB SET azure_blob.allow_http = on;"; then
	pass "setup: database $AZB_DB, CREATE EXTENSION, allow_http = on for the database"
else
	fail "setup: CREATE EXTENSION azure_blob" "$(last_error)"
	bail_out "extension not installable"
fi

AZURITE_PERSIST=1
if azurite_start; then
	pass "setup: Azurite (on disk, $AZURITE_DIR/data) at $AZURITE_ENDPOINT (pid $AZURITE_PID)"
else
	fail "setup: start Azurite" "see messages above"
	bail_out "no Azurite"
fi

start_server silent && SILENT_PORT=$SRV_PORT SILENT_PID=$SRV_PID || bail_out "silent server did not start"
start_server backlog && BACKLOG_PORT=$SRV_PORT BACKLOG_PID=$SRV_PID || bail_out "backlog server did not start"
start_server flaky && FLAKY_PORT=$SRV_PORT FLAKY_PID=$SRV_PID || bail_out "flaky server did not start"
pass "setup: silent server :$SILENT_PORT (pid $SILENT_PID), full-backlog server :$BACKLOG_PORT (pid $BACKLOG_PID), flaky HTTP server :$FLAKY_PORT (pid $FLAKY_PID)"

conn_for() {
	printf 'AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1' "$DEV_KEY" "$1"
}
if sql_admin "SELECT azure_account_add('default', :'d', :'c');
	SELECT azure_account_add('silent', :'s', 'c1c');
	SELECT azure_account_add('backlog', :'b', 'bbb');
	SELECT azure_account_add('flaky', :'f', 'fff');
	SELECT azure_container_create(:'c');" \
	-v d="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT" -v c="$CONTAINER" \
	-v s="$(conn_for "$SILENT_PORT")" -v b="$(conn_for "$BACKLOG_PORT")" -v f="$(conn_for "$FLAKY_PORT")" >/dev/null; then
	pass "setup: accounts default (Azurite), silent, backlog, flaky; container $CONTAINER"
else
	fail "setup: accounts" "$(last_error)"
	bail_out "no accounts"
fi

# ---------------------------------------------------------------------------
echo "# --- (a) Azurite stopped, then back on the same port"
sess_open a
sess_run a "SET azure_blob.connect_timeout_ms = 500; SET azure_blob.max_retries = 1;
SELECT pg_backend_pid();
SELECT azure_blob_put('warm.txt', convert_to('warm', 'UTF8'), 'text/plain');" || true
PID_A="$(printf '%s\n' "$SESS_OUT" | sed -n 1p)"
if [[ "$PID_A" =~ ^[0-9]+$ ]] && [[ "$(printf '%s\n' "$SESS_OUT" | sed -n 2p)" =~ ^\".+\"$ ]]; then
	pass "session A (backend $PID_A): connect_timeout_ms 500, max_retries 1; a put works (connection kept alive)"
else
	fail "session A: setup and first put" "$SESS_OUT"
fi

OLD_AZURITE_PID=$AZURITE_PID
azurite_kill
if ! kill -0 "$OLD_AZURITE_PID" 2>/dev/null && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$AZURITE_ENDPOINT?comp=list" || true)" = "000" ]; then
	pass "Azurite (pid $OLD_AZURITE_PID) killed: nothing answers on port $AZURITE_PORT"
else
	fail "Azurite killed" "still answering"
fi
# Refused connections fail at once: 2 attempts + 100 ms backoff. The bound
# allows both attempts a full connect timeout: 2 x 500 + 100 ms, plus slack.
sess_run a "SELECT azure_blob_put('down.txt', '\\x00'::bytea);" || true
expect_sess 08006 "(a) Azurite down: azure_blob_put" 0 3000
sess_run a "SELECT azure_blob_get('warm.txt');" || true
expect_sess 08006 "(a) Azurite down: azure_blob_get" 0 3000
sess_run a "SELECT count(*) FROM azure_blob_list();" || true
expect_sess 08006 "(a) Azurite down: azure_blob_list" 0 3000
sess_run a "SELECT * FROM azure_blob_properties('warm.txt');" || true
expect_sess 08006 "(a) Azurite down: azure_blob_properties" 0 3000
sess_run a "SELECT azure_blob_delete('warm.txt');" || true
expect_sess 08006 "(a) Azurite down: azure_blob_delete" 0 3000
if printf '%s' "$SESS_OUT" | grep -q "could not connect to Azure Blob Storage at \"127.0.0.1:$AZURITE_PORT\"" &&
	printf '%s' "$SESS_OUT" | grep -q "after 2 attempts"; then
	pass "(a) the 08006 error names host:port and '2 attempts' (max_retries 1)"
else
	fail "(a) the 08006 error names host:port and '2 attempts'" "$SESS_OUT"
fi

if azurite_restart; then
	pass "Azurite restarted on the same port $AZURITE_PORT (pid $AZURITE_PID)"
else
	fail "Azurite restarted on the same port" "see messages above"
	bail_out "no Azurite"
fi
sess_run a "SELECT pg_backend_pid(), convert_from(azure_blob_get('warm.txt'), 'UTF8');" || true
if [ "$SESS_OUT" = "$PID_A${FS}warm" ]; then
	pass "(a) the same backend ($PID_A) reads the blob again after the restart (kept on disk)"
else
	fail "(a) the same backend reads the blob again after the restart" "$SESS_OUT"
fi
sess_run a "SELECT azure_blob_put('after.txt', '\\x01'::bytea) IS NOT NULL, (SELECT count(*) FROM azure_blob_list());" || true
if [ "$SESS_OUT" = "t${FS}2" ]; then
	pass "(a) the same backend puts and lists again (2 blobs)"
else
	fail "(a) the same backend puts and lists again" "$SESS_OUT"
fi

# A server whose accept queue is full: SYNs are dropped, so the connect timeout fires.
sess_run a "SET azure_blob.max_retries = 0; SELECT azure_blob_get('x', NULL, 'backlog');" || true
expect_sess 08006 "(a) connect timeout 500 ms, max_retries 0 (full accept queue)" 450 1500
sess_run a "SET azure_blob.max_retries = 1; SELECT azure_blob_get('x', NULL, 'backlog');" || true
expect_sess 08006 "(a) connect timeout 500 ms, max_retries 1: 500 + 100 backoff + 500" 1050 2500
# The limit that fired was connect_timeout_ms (500 ms), not request_timeout_ms.
if printf '%s' "$SESS_OUT" | grep -q "connect_timeout_ms"; then
	pass "(a) the connect-timeout error names azure_blob.connect_timeout_ms"
else
	fail "(a) the connect-timeout error names azure_blob.connect_timeout_ms" \
		"it says: $(printf '%s' "$SESS_OUT" | grep -o 'DETAIL:.*' | head -n 1)"
fi
sess_run a "SELECT pg_backend_pid(), length(azure_blob_get('warm.txt'));" || true
if [ "$SESS_OUT" = "$PID_A${FS}4" ]; then
	pass "(a) session A still works against Azurite after the timeouts"
else
	fail "(a) session A still works after the timeouts" "$SESS_OUT"
fi
sess_close a

# ---------------------------------------------------------------------------
echo "# --- (b) a server that accepts and never answers"
sess_open b
sess_run b "SET azure_blob.request_timeout_ms = 60000; SELECT pg_backend_pid();" || true
PID_B="$SESS_OUT"
[[ "$PID_B" =~ ^[0-9]+$ ]] || fail "session B pid" "$SESS_OUT"

# wait_connects N: until the silent server has seen N connections (10 s at most).
wait_connects() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(lines_in "$WORK/silent.log" connect)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# pg_cancel_backend from a second session.
before=$(lines_in "$WORK/silent.log" connect)
sess_send b "SELECT azure_blob_get('hang.txt', NULL, 'silent');"
wait_connects $((before + 1)) || true
sleep 1
t_cancel=$(date +%s%N)
cancelled="$(sql_admin "SELECT pg_cancel_backend($PID_B);" || true)"
sess_wait b 20 || true
after_ms=$(((SESS_T1 - t_cancel) / 1000000))
state="$(sess_sqlstate)"
timing "(b) pg_cancel_backend during a request to the silent server: $state $after_ms ms after the cancel ($SESS_MS ms in all)"
if [ "$cancelled" = "t" ] && [ "$state" = "57014" ] && [ "$after_ms" -lt 1500 ]; then
	pass "(b) pg_cancel_backend ends the hung call with 57014 $after_ms ms after the cancel (asserted < 1500 ms)"
else
	fail "(b) pg_cancel_backend ends the hung call with 57014 within 1500 ms" "cancel '$cancelled', got '$state' after $after_ms ms: $SESS_OUT"
fi
sess_run b "SELECT pg_backend_pid(), 1 + 1;" || true
if [ "$SESS_OUT" = "$PID_B${FS}2" ]; then
	pass "(b) after the cancel the same backend answers SELECT"
else
	fail "(b) after the cancel the same backend answers SELECT" "$SESS_OUT"
fi
sess_run b "SELECT convert_from(azure_blob_get('warm.txt'), 'UTF8');" || true
if [ "$SESS_OUT" = "warm" ]; then
	pass "(b) after the cancel the same backend's REST calls work (Azurite)"
else
	fail "(b) after the cancel the same backend's REST calls work" "$SESS_OUT"
fi

# statement_timeout.
sess_run b "SET statement_timeout = '1s'; SELECT azure_blob_get('hang2.txt', NULL, 'silent');" 20 || true
expect_sess 57014 "(b) statement_timeout 1s during a request to the silent server" 900 2500
sess_run b "RESET statement_timeout; SELECT pg_backend_pid(), 'alive';" || true
if [ "$SESS_OUT" = "$PID_B${FS}alive" ]; then
	pass "(b) after statement_timeout the same backend answers SELECT"
else
	fail "(b) after statement_timeout the same backend answers SELECT" "$SESS_OUT"
fi

# azure_blob.request_timeout_ms itself.
sess_run b "SET azure_blob.request_timeout_ms = 1000; SET azure_blob.max_retries = 0;
SELECT azure_blob_get('hang3.txt', NULL, 'silent');" 20 || true
expect_sess 08006 "(b) request_timeout_ms 1000, max_retries 0, silent server" 950 2500
if printf '%s' "$SESS_OUT" | grep -q "did not answer in time"; then
	pass "(b) the timeout error says the server did not answer in time"
else
	fail "(b) the timeout error says the server did not answer in time" "$SESS_OUT"
fi
before=$(lines_in "$WORK/silent.log" connect)
sess_run b "SET azure_blob.max_retries = 1; SELECT azure_blob_get('hang4.txt', NULL, 'silent');" 20 || true
expect_sess 08006 "(b) request_timeout_ms 1000, max_retries 1: 1000 + 100 + 1000" 2050 4000
n=$(($(lines_in "$WORK/silent.log" connect) - before))
if [ "$n" = 2 ]; then
	pass "(b) max_retries 1 after a timeout: 2 connections reached the server"
else
	fail "(b) max_retries 1 after a timeout: 2 connections reached the server" "saw $n"
fi
sess_run b "SELECT pg_backend_pid(), 'still alive';" || true
if [ "$SESS_OUT" = "$PID_B${FS}still alive" ]; then
	pass "(b) after the request timeouts the same backend answers SELECT"
else
	fail "(b) after the request timeouts the same backend answers SELECT" "$SESS_OUT"
fi
sess_close b

# pg_terminate_backend: the backend exits instead of waiting for the server.
sess_open c
sess_run c "SET azure_blob.request_timeout_ms = 60000; SELECT pg_backend_pid();" || true
PID_C="$SESS_OUT"
before=$(lines_in "$WORK/silent.log" connect)
sess_send c "SELECT azure_blob_get('hang5.txt', NULL, 'silent');"
wait_connects $((before + 1)) || true
sleep 0.5
t_term=$(date +%s%N)
sql_admin "SELECT pg_terminate_backend($PID_C);" >/dev/null || true
gone_ms=""
for ((i = 0; i < 100; i++)); do
	if [ "$(sql_admin "SELECT count(*) FROM pg_stat_activity WHERE pid = $PID_C;" || echo x)" = "0" ]; then
		gone_ms=$((($(date +%s%N) - t_term) / 1000000))
		break
	fi
	sleep 0.05
done
timing "(b) pg_terminate_backend during a request to the silent server: backend gone after ${gone_ms:-more than 5000} ms"
if [ -n "$gone_ms" ] && [ "$gone_ms" -lt 2000 ]; then
	pass "(b) pg_terminate_backend ends the hung backend within $gone_ms ms (asserted < 2000 ms)"
else
	fail "(b) pg_terminate_backend ends the hung backend within 2000 ms" "still there"
fi
sess_close c
check_out "(b) the server is healthy afterwards: a new session makes REST calls" "warm" \
	sql_admin "SELECT convert_from(azure_blob_get('warm.txt'), 'UTF8');"

# ---------------------------------------------------------------------------
echo "# --- (c) queued deletions survive an Azurite outage"
if sql_admin "SELECT count(azure_blob_put('q/' || i, convert_to('queued ' || i, 'UTF8'))) FROM generate_series(1, 3) i;
	INSERT INTO azure_files (blob_name) SELECT 'q/' || i FROM generate_series(1, 3) i;
	DELETE FROM azure_files WHERE blob_name LIKE 'q/%';" >/dev/null; then
	pass "(c) 3 blobs with rows; rows deleted"
else
	fail "(c) 3 blobs with rows; rows deleted" "$(last_error)"
fi
check_out "(c) 3 deletions queued, blobs still there" "3${FS}3" \
	sql_admin "SELECT (SELECT count(*) FROM azure_pending_deletions WHERE blob_name LIKE 'q/%'),
	                  (SELECT count(*) FROM azure_blob_list('q/'));"
azurite_kill
PROC="SET azure_blob.connect_timeout_ms = 500; SET azure_blob.max_retries = 1; SELECT azure_process_deletions();"
t0=$(date +%s%N)
check_out "(c) Azurite down: azure_process_deletions() -> 0" "0" sql_admin "$PROC"
timing "(c) azure_process_deletions of 3 items with Azurite down: $((($(date +%s%N) - t0) / 1000000)) ms"
check_out "(c) all 3 still queued: attempts 1, last_error 'could not connect ...', next attempt in ~10 s" \
	"3${FS}1${FS}1${FS}t${FS}t" \
	sql_admin "SELECT count(*), min(attempts), max(attempts),
	                  bool_and(last_error LIKE 'could not connect to Azure Blob Storage%'),
	                  bool_and(next_attempt_at BETWEEN now() + interval '5 seconds' AND now() + interval '10.5 seconds')
	           FROM azure_pending_deletions;"
if sql_admin "SELECT string_agg(last_error, ' ') FROM azure_pending_deletions;" | grep -qF -e "$DEV_KEY" -e "sig=" -e "SharedKey"; then
	fail "(c) last_error carries no key, sig or Authorization" "$(sql_admin "SELECT last_error FROM azure_pending_deletions;")"
else
	pass "(c) last_error carries no key, sig or Authorization"
fi
check_out "(c) processing again at once -> 0 and nothing retried (backoff): attempts still 1" "0"$'\n'"1" \
	sql_admin "$PROC SELECT max(attempts) FROM azure_pending_deletions;"
check_out "(c) due again (next_attempt_at reset as superuser), still down -> 0, attempts 2, next attempt in ~20 s" \
	"0"$'\n'"2${FS}t" \
	sql_admin "UPDATE azure_blob.deletion_queue SET next_attempt_at = now();
	           $PROC
	           SELECT min(attempts), bool_and(next_attempt_at BETWEEN now() + interval '15 seconds' AND now() + interval '20.5 seconds')
	           FROM azure_pending_deletions;"
check_out "(c) backoff is capped at 1 hour (attempts 100 -> next attempt in 1 h, no interval overflow)" \
	"0"$'\n'"101${FS}t" \
	sql_admin "UPDATE azure_blob.deletion_queue SET next_attempt_at = now(), attempts = 100;
	           $PROC
	           SELECT min(attempts), bool_and(next_attempt_at BETWEEN now() + interval '59 minutes' AND now() + interval '60 minutes 30 seconds')
	           FROM azure_pending_deletions;"
check_out "(c) back to attempts 2 (superuser UPDATE)" "" \
	sql_admin "UPDATE azure_blob.deletion_queue SET attempts = 2;"
if azurite_restart; then
	pass "(c) Azurite restarted on the same port $AZURITE_PORT"
else
	fail "(c) Azurite restarted on the same port" "see messages above"
	bail_out "no Azurite"
fi
check_out "(c) the blobs survived the restart (on disk); processing before next_attempt_at -> 0" "3${FS}0" \
	sql_admin "SELECT (SELECT count(*) FROM azure_blob_list('q/')), azure_process_deletions();"
check_out "(c) next_attempt_at reset: azure_process_deletions() -> 3, queue empty, blobs gone" "3"$'\n'"0${FS}0" \
	sql_admin "UPDATE azure_blob.deletion_queue SET next_attempt_at = now();
	           SELECT azure_process_deletions();
	           SELECT (SELECT count(*) FROM azure_pending_deletions), (SELECT count(*) FROM azure_blob_list('q/'));"

# One item that keeps failing (the flaky server's 503) does not hold up the others.
if sql_admin "SELECT azure_blob_put('q/ok', '\\x01'::bytea);
	INSERT INTO azure_files (blob_name, account, container) VALUES ('q/ok', 'default', :'c'), ('503always/q', 'flaky', 'fff');
	DELETE FROM azure_files WHERE blob_name IN ('q/ok', '503always/q');" -v c="$CONTAINER" >/dev/null; then
	pass "(c) two deletions queued: one on Azurite, one on the flaky server (always 503)"
else
	fail "(c) two deletions queued: one on Azurite, one on the flaky server (always 503)" "$(last_error)"
fi
check_out "(c) azure_process_deletions() -> 1: the Azurite blob is deleted, the 503 one stays (attempts 1, last_error 'could not delete blob ...')" \
	"1"$'\n'"503always/q${FS}flaky${FS}1${FS}t"$'\n'"t" \
	sql_admin "SET azure_blob.max_retries = 0; SELECT azure_process_deletions();
	           SELECT blob_name, account, attempts, last_error LIKE 'could not delete blob%' FROM azure_pending_deletions;
	           SELECT etag IS NULL FROM azure_blob_properties('q/ok');"

# ---------------------------------------------------------------------------
echo "# --- (d) HTTP 500 / 503 and Retry-After (flaky server)"
# flaky_requests PATH: how many requests the flaky server saw for PATH.
flaky_requests() {
	lines_in "$WORK/flaky.log" " /devstoreaccount1/fff/$1 "
}
sess_open d
sess_run d "SET azure_blob.max_retries = 3;" || true
sess_run d "SELECT convert_from(azure_blob_get('503x2/a', NULL, 'flaky'), 'UTF8');" 30 || true
timing "(d) two 503 with Retry-After: 1, then 200: $SESS_MS ms"
if [ "$SESS_OUT" = "recovered after 3 attempts" ] && [ "$SESS_MS" -ge 2000 ] && [ "$SESS_MS" -lt 4000 ] &&
	[ "$(flaky_requests 503x2/a)" = 3 ]; then
	pass "(d) 503, 503 (Retry-After: 1), 200 -> the body, 3 requests, waited Retry-After: $SESS_MS ms (asserted 2000..4000)"
else
	fail "(d) 503, 503 (Retry-After: 1), 200 -> the body in 2000..4000 ms" "got '$SESS_OUT' after $SESS_MS ms, $(flaky_requests 503x2/a) requests"
fi
sess_run d "SELECT convert_from(azure_blob_get('500x2/b', NULL, 'flaky'), 'UTF8');" 30 || true
timing "(d) two 500 without Retry-After, then 200: $SESS_MS ms"
if [ "$SESS_OUT" = "recovered after 3 attempts" ] && [ "$SESS_MS" -ge 300 ] && [ "$SESS_MS" -lt 1500 ] &&
	[ "$(flaky_requests 500x2/b)" = 3 ]; then
	pass "(d) 500, 500, 200 -> the body, 3 requests, backoff 100 + 200 ms: $SESS_MS ms (asserted 300..1500)"
else
	fail "(d) 500, 500, 200 -> the body in 300..1500 ms" "got '$SESS_OUT' after $SESS_MS ms, $(flaky_requests 500x2/b) requests"
fi
sess_run d "SELECT * FROM azure_blob_properties('503x2/h', NULL, 'flaky');" 30 || true
if [ "$(printf '%s' "$SESS_OUT" | cut -d "$FS" -f 3)" = '"0x8DFLAKY"' ] && [ "$(flaky_requests 503x2/h)" = 3 ]; then
	pass "(d) HEAD (azure_blob_properties) is retried the same way: 3 requests, then the properties"
else
	fail "(d) HEAD (azure_blob_properties) is retried the same way" "got '$SESS_OUT', $(flaky_requests 503x2/h) requests"
fi
sess_run d "SET azure_blob.max_retries = 2; SELECT azure_blob_get('503always/c', NULL, 'flaky');" 30 || true
expect_sess 38000 "(d) always 503, max_retries 2: backoff 100 + 200 ms, then the error" 300 1500
if [ "$(flaky_requests 503always/c)" = 3 ] && printf '%s' "$SESS_OUT" | grep -q "HTTP status 503"; then
	pass "(d) always 503: exactly 3 requests, error detail names HTTP status 503"
else
	fail "(d) always 503: exactly 3 requests, error detail names HTTP status 503" "$(flaky_requests 503always/c) requests: $SESS_OUT"
fi
sess_run d "SET azure_blob.max_retries = 0; SELECT azure_blob_get('503x2/e', NULL, 'flaky');" 30 || true
expect_sess 38000 "(d) max_retries 0: the first 503 is the answer" 0 1000
[ "$(flaky_requests 503x2/e)" = 1 ] && pass "(d) max_retries 0: 1 request" || fail "(d) max_retries 0: 1 request" "$(flaky_requests 503x2/e)"
sess_run d "SET azure_blob.max_retries = 3; SELECT convert_from(azure_blob_get('ra30x1/f', NULL, 'flaky'), 'UTF8');" 40 || true
timing "(d) Retry-After: 30 (capped at 10 s), then 200: $SESS_MS ms"
if [ "$SESS_OUT" = "recovered after 2 attempts" ] && [ "$SESS_MS" -ge 10000 ] && [ "$SESS_MS" -lt 12500 ]; then
	pass "(d) Retry-After: 30 is capped at 10 s: $SESS_MS ms (asserted 10000..12500)"
else
	fail "(d) Retry-After: 30 is capped at 10 s" "got '$SESS_OUT' after $SESS_MS ms"
fi
sess_run d "SELECT pg_backend_pid();" || true
PID_D="$SESS_OUT"
sess_send d "SELECT azure_blob_get('ra10always/g', NULL, 'flaky');"
for ((i = 0; i < 100; i++)); do
	[ "$(flaky_requests ra10always/g)" -ge 1 ] && break
	sleep 0.05
done
sleep 0.5
t_cancel=$(date +%s%N)
sql_admin "SELECT pg_cancel_backend($PID_D);" >/dev/null || true
sess_wait d 20 || true
after_ms=$(((SESS_T1 - t_cancel) / 1000000))
state="$(sess_sqlstate)"
timing "(d) pg_cancel_backend during a 10 s Retry-After wait: $state $after_ms ms after the cancel"
if [ "$state" = "57014" ] && [ "$after_ms" -lt 1000 ] && [ "$(flaky_requests ra10always/g)" = 1 ]; then
	pass "(d) pg_cancel_backend during the Retry-After wait -> 57014 after $after_ms ms (asserted < 1000), no further request"
else
	fail "(d) pg_cancel_backend during the Retry-After wait -> 57014 within 1000 ms" "got '$state' after $after_ms ms, $(flaky_requests ra10always/g) requests: $SESS_OUT"
fi
sess_run d "SELECT pg_backend_pid(), convert_from(azure_blob_get('warm.txt'), 'UTF8');" || true
if [ "$SESS_OUT" = "$PID_D${FS}warm" ]; then
	pass "(d) the same backend works afterwards"
else
	fail "(d) the same backend works afterwards" "$SESS_OUT"
fi
sess_close d

echo "# timings measured:"
for t in "${TIMINGS[@]}"; do
	echo "#   $t"
done
echo "1..$TAP_N"
tap_summary
