#!/usr/bin/env bash
# Soak test: the full upload flow under concurrent load while Azurite goes down
# and comes back, then an audit of rows, blobs, the deletion queue, the server
# log and the backends' memory.
#
#     test/soak/soak.sh        (after make && make install; about 3 minutes)
#
# Settings (environment): SOAK_SECONDS (120) and SOAK_CLIENTS (16): length and
# concurrency of the load; SOAK_OUTAGES ("30:10,75:10" for 120 s: start:length
# in seconds after the load starts; by default at 1/4 and 5/8 of SOAK_SECONDS,
# 10 s each); SOAK_SEED (1); SOAK_GRACE_MS (5000: errors up to this long after
# Azurite answers again still count as the outage's); SOAK_RSS_MAX_KB (4096:
# largest allowed growth of a backend's private memory); SOAK_REPORT
# (docs/soak-report.md); SOAK_OUT_DIR (build/soak: events, summary, logs).
#
# Outside a cluster it re-runs itself under `pg_virtualenv -t -v 15` on a free
# port of 127.0.0.1 (SOAK_IN_CLUSTER=1: use PGHOST/PGPORT/PGUSER/PGPASSWORD as
# they are, a superuser of a throwaway cluster, and SOAK_SERVER_LOG). It
# starts Azurite (on disk, so blobs survive restarts) and the load driver,
# test/soak/driver.js: SOAK_CLIENTS workers in one Node
# process (pg 8.23.1, pinned by test/soak/package-lock.json; node:http for
# the PUT and GET to the SAS URLs), each an app user with its own connections.
# Why not pgbench: a pgbench client aborts at its first error, and Azurite
# being down makes errors on purpose; the PUT would also have to be SQL
# (azure_blob_put with the key), not the upload URL the flow is about.
# docs/soak-report.md explains every number; this prints TAP lines and ends
# with exactly "N passed, M failed" (exit status 1 if M > 0).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

# ---------------------------------------------------------------------------
# Not yet in a cluster: make one (private, temporary, free port) and re-run.
if [ -z "${SOAK_IN_CLUSTER:-}" ]; then
	port="$(bash -c '. "$1/test/lib.sh"; azb_free_port' _ "$ROOT")"
	SOAK_IN_CLUSTER=1 PGPORT="$port" exec pg_virtualenv -t -v 15 bash "$0" "$@"
fi

# shellcheck source=test/lib.sh
. "$ROOT/test/lib.sh"

SOAK_SECONDS="${SOAK_SECONDS:-120}"
SOAK_CLIENTS="${SOAK_CLIENTS:-16}"
SOAK_SEED="${SOAK_SEED:-1}"
SOAK_GRACE_MS="${SOAK_GRACE_MS:-5000}"
SOAK_RSS_MAX_KB="${SOAK_RSS_MAX_KB:-4096}"
SOAK_REPORT="${SOAK_REPORT:-$ROOT/docs/soak-report.md}"
OUT="${SOAK_OUT_DIR:-$ROOT/build/soak}"
if [ -z "${SOAK_OUTAGES:-}" ]; then
	SOAK_OUTAGES="$((SOAK_SECONDS / 4)):10,$((SOAK_SECONDS * 5 / 8)):10"
fi
export SOAK_SECONDS SOAK_CLIENTS SOAK_SEED

AZB_DB="azb_soak"
CONTAINER="soak"
APP_ROLE="soak_app"
OPS_ROLE="soak_ops"
ROLE_PASSWORD="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
export PGCLIENTENCODING=UTF8 LC_ALL=C.UTF-8

rm -rf "$OUT"
mkdir -p "$OUT"
WORK="$OUT/work"
mkdir -p "$WORK"
# Everything printed also goes to $OUT/soak.out (the report quotes the TAP lines).
exec > >(tee "$OUT/soak.out")
# shellcheck source=test/azurite/helpers.sh
. "$ROOT/test/azurite/helpers.sh"

now_ms() { date +%s%3N; }

# The cluster's server log (pg_virtualenv -t keeps it next to the cluster
# configuration); SOAK_SERVER_LOG overrides it (test/sanitize/asan.sh runs
# the soak against its own server).
SERVER_LOG="${SOAK_SERVER_LOG:-$(dirname "${PG_CLUSTER_CONF_ROOT:-/nonexistent}")/log/postgresql-15-regress.log}"

echo "# azure_blob soak: $SOAK_CLIENTS clients, $SOAK_SECONDS s, outages $SOAK_OUTAGES (PGPORT=${PGPORT:-})"
for cmd in psql node npm curl; do
	command -v "$cmd" >/dev/null 2>&1 || bail_out "prerequisite $cmd not in PATH"
done
if [ ! -d "$HERE/node_modules/pg" ]; then
	echo "# installing the driver's pinned dependencies: npm ci --prefix test/soak" >&2
	npm ci --prefix "$HERE" --no-audit --no-fund >&2 || bail_out "npm ci --prefix test/soak failed"
fi

# ---------------------------------------------------------------------------
# Setup: database, extension, roles, ledger, Azurite, account, container.
suite_create_db || bail_out "create database: $(last_error)"
sql_admin "CREATE EXTENSION azure_blob; ALTER DATABASE $AZB_DB SET azure_blob.allow_http = on;" ||
	bail_out "CREATE EXTENSION: $(last_error)"
suite_create_role "$APP_ROLE" azure_blob_user || bail_out "role $APP_ROLE: $(last_error)"
suite_create_role "$OPS_ROLE" azure_blob_admin || bail_out "role $OPS_ROLE: $(last_error)"
# The ledger: what the driver believes, written after each outcome it learned.
sql_admin "CREATE SCHEMA soak;
CREATE TABLE soak.ledger (
	blob_name   text PRIMARY KEY,
	worker      int NOT NULL,
	user_id     text NOT NULL,
	size_bytes  int NOT NULL,
	sha256      text NOT NULL,
	state       text NOT NULL CHECK (state IN ('issued', 'abandoned', 'saved', 'save_unknown', 'deleted', 'delete_unknown')),
	put_outcome text CHECK (put_outcome IN ('created', 'unknown', 'failed', 'rejected')),
	put_tries   int,
	save_tries  int,
	row_id      bigint,
	issued_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	saved_at    timestamptz,
	deleted_at  timestamptz);
GRANT USAGE ON SCHEMA soak TO $OPS_ROLE;
GRANT SELECT, INSERT, UPDATE ON soak.ledger TO $OPS_ROLE;" || bail_out "ledger: $(last_error)"

AZURITE_PERSIST=1
azurite_start || bail_out "Azurite did not start"
cp_azurite_log() {
	if [ -n "${AZURITE_DIR:-}" ]; then cp "$AZURITE_DIR/azurite.log" "$OUT/azurite.log" 2>/dev/null || true; fi
}
azb_on_exit cp_azurite_log
sql_admin "SELECT azure_account_add('default', :'conn', :'cont'); SELECT azure_container_create(:'cont');" \
	-v conn="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT" -v cont="$CONTAINER" >/dev/null ||
	bail_out "account and container: $(last_error)"
pass "setup: database $AZB_DB, roles $APP_ROLE (azure_blob_user) and $OPS_ROLE (azure_blob_admin), ledger, Azurite on disk at $AZURITE_ENDPOINT, container $CONTAINER"
LOG_LINES_BEFORE=0
[ -f "$SERVER_LOG" ] && LOG_LINES_BEFORE="$(wc -l <"$SERVER_LOG")"

# ---------------------------------------------------------------------------
# Load, with Azurite stopped and restarted on schedule.
SOAK_OUT="$OUT" SOAK_DB="$AZB_DB" SOAK_APP_ROLE="$APP_ROLE" SOAK_OPS_ROLE="$OPS_ROLE" \
	SOAK_PASSWORD="$ROLE_PASSWORD" node "$HERE/driver.js" 2> >(tee "$OUT/driver.err" >&2) &
DRIVER_PID=$!
azb_on_exit "kill $DRIVER_PID 2>/dev/null || true"
for ((i = 0; i < 600; i++)); do
	[ -s "$OUT/started" ] && break
	kill -0 "$DRIVER_PID" 2>/dev/null || break
	sleep 0.1
done
[ -s "$OUT/started" ] || bail_out "the driver did not start (see $OUT/driver.err)"
T0="$(head -n 1 "$OUT/started")"

# windows.tsv: one line per outage: planned start/length (s), then epoch ms of
# the kill, of Azurite gone, and of Azurite answering again.
: >"$OUT/windows.tsv"
IFS=',' read -r -a outages <<<"$SOAK_OUTAGES"
for o in "${outages[@]}"; do
	at="${o%%:*}" len="${o##*:}"
	wait_ms=$((T0 + at * 1000 - $(now_ms)))
	if [ "$wait_ms" -gt 0 ]; then sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"; fi
	kill -0 "$DRIVER_PID" 2>/dev/null || break
	down=$(now_ms)
	azurite_kill
	gone=$(now_ms)
	echo "# t=$(((gone - T0) / 1000))s Azurite stopped (for ${len} s)"
	wait_ms=$((down + len * 1000 - $(now_ms)))
	if [ "$wait_ms" -gt 0 ]; then sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"; fi
	if ! azurite_restart; then
		printf '%s\t%s\t%s\t%s\t%s\n' "$at" "$len" "$down" "$gone" "-1" >>"$OUT/windows.tsv"
		bail_out "Azurite did not come back on port $AZURITE_PORT"
	fi
	up=$(now_ms)
	echo "# t=$(((up - T0) / 1000))s Azurite answering again (pid $AZURITE_PID)"
	printf '%s\t%s\t%s\t%s\t%s\n' "$at" "$len" "$down" "$gone" "$up" >>"$OUT/windows.tsv"
done
DRIVER_RC=0
wait "$DRIVER_PID" || DRIVER_RC=$?
LOAD_END=$(now_ms)
if [ "$DRIVER_RC" -eq 0 ] && [ -s "$OUT/summary.json" ]; then
	pass "driver: $SOAK_CLIENTS workers ran $SOAK_SECONDS s and wrote its summary"
else
	fail "driver: exit $DRIVER_RC" "$(tail -n 20 "$OUT/driver.err")"
	bail_out "no summary from the driver"
fi
n_outages="$(wc -l <"$OUT/windows.tsv")"
if [ "$n_outages" -eq "${#outages[@]}" ]; then
	pass "Azurite was stopped and restarted $n_outages times during the load"
else
	fail "Azurite stopped and restarted ${#outages[@]} times" "only $n_outages happened (the load ended first?)"
fi

# ---------------------------------------------------------------------------
# Audit. final.env collects the numbers for the report.
FINAL="$OUT/final.env"
: >"$FINAL"
put_final() { printf '%s=%q\n' "$1" "$2" >>"$FINAL"; }
# q SQL: one value as the superuser.
q() { sql_admin "$1"; }

eval "$(node "$HERE/report.js" analyze "$OUT" "$SOAK_GRACE_MS" "$SOAK_RSS_MAX_KB")"
# Sets: ITERATIONS ERRORS_TOTAL ERRORS_IN_OUTAGES ERRORS_OUTSIDE ERRORS_OUTSIDE_LIST
#       FATAL ANOMALIES GET_MISMATCH GETS_VERIFIED RSS_WORST_ANON_KB RSS_WORST_ANON_PID
#       RSS_WORST_VMRSS_KB RSS_BACKENDS RSS_MISSING

if [ "$FATAL" -eq 0 ]; then
	pass "no worker ended: every error was an SQL error or an HTTP failure, counted and survived"
else
	fail "no worker ended" "$FATAL workers ended (see the anomalies in $SOAK_REPORT)"
fi
if [ "$ERRORS_IN_OUTAGES" -gt 0 ]; then
	pass "the outages were felt: $ERRORS_IN_OUTAGES errors during them (counted, not fatal)"
else
	fail "errors during the outages" "none: the fault injection did not reach the flow"
fi
if [ "$ERRORS_OUTSIDE" -eq 0 ]; then
	pass "no error outside the outages (+${SOAK_GRACE_MS} ms after Azurite answers again)"
else
	fail "no error outside the outages" "$ERRORS_OUTSIDE_LIST"
fi
if [ "$ANOMALIES" -eq 0 ]; then
	pass "no anomaly (no 201 PUT unknown to save_metadata, no wrong size, no unexpected SQLSTATE, no DELETE of != 1 row)"
else
	fail "no anomaly" "$ANOMALIES anomalies (listed in $SOAK_REPORT)"
fi
if [ "$GET_MISMATCH" -eq 0 ] && [ "$GETS_VERIFIED" -gt 0 ]; then
	pass "$GETS_VERIFIED downloads through read URLs returned the uploaded bytes (sha256), 0 mismatches"
else
	fail "downloads return the uploaded bytes" "$GETS_VERIFIED verified, $GET_MISMATCH mismatches"
fi

# Ledger against the table.
for st in issued abandoned saved save_unknown deleted delete_unknown; do
	put_final "LEDGER_${st^^}" "$(q "SELECT count(*) FROM soak.ledger WHERE state = '$st'")"
done
put_final LEDGER_TOTAL "$(q "SELECT count(*) FROM soak.ledger")"
put_final ROWS "$(q "SELECT count(*) FROM azure_files")"
lost="$(q "SELECT count(*) FROM soak.ledger l WHERE l.state = 'saved'
	AND NOT EXISTS (SELECT FROM azure_files f WHERE f.blob_name = l.blob_name)")"
put_final LOST_ROWS "$lost"
if [ "$lost" = 0 ]; then
	pass "zero lost rows: every row whose save the driver saw commit (and did not delete) exists"
else
	fail "zero lost rows" "$lost rows: $(q "SELECT string_agg(blob_name, ' ') FROM (SELECT blob_name FROM soak.ledger l WHERE state = 'saved' AND NOT EXISTS (SELECT FROM azure_files f WHERE f.blob_name = l.blob_name) LIMIT 10) s")"
fi
unexplained="$(q "SELECT count(*) FROM azure_files f WHERE NOT EXISTS
	(SELECT FROM soak.ledger l WHERE l.blob_name = f.blob_name AND l.state IN ('saved', 'save_unknown', 'delete_unknown'))")"
put_final UNEXPLAINED_ROWS "$unexplained"
if [ "$unexplained" = 0 ]; then
	pass "no row the ledger does not explain (deleted rows are gone, abandoned uploads have none)"
else
	fail "no row the ledger does not explain" "$unexplained rows: $(q "SELECT string_agg(f.blob_name || '(' || coalesce(l.state, 'no ledger') || ')', ' ') FROM (SELECT * FROM azure_files LIMIT 10) f LEFT JOIN soak.ledger l USING (blob_name) WHERE l.state IS DISTINCT FROM 'saved'")"
fi
wrong_size="$(q "SELECT count(*) FROM azure_files f JOIN soak.ledger l USING (blob_name) WHERE f.size_bytes <> l.size_bytes OR f.user_id <> l.user_id OR f.id <> l.row_id")"
if [ "$wrong_size" = 0 ]; then
	pass "every row has the size, user and id the driver saw"
else
	fail "rows match the ledger (size, user, id)" "$wrong_size rows differ"
fi

# The outbox: wait until every queued item is due (failures during the
# outages back off 10 s, 20 s, ...), then one azure_process_deletions().
put_final PENDING_BEFORE "$(q "SELECT count(*) FROM azure_pending_deletions")"
put_final PENDING_RETRIED "$(q "SELECT count(*) FROM azure_pending_deletions WHERE attempts > 0")"
put_final QUEUE_MAX_ATTEMPTS "$(q "SELECT coalesce(max(attempts), 0) FROM azure_pending_deletions")"
wait_s="$(q "SELECT coalesce(ceil(extract(epoch FROM max(next_attempt_at) - now())), 0)::int FROM azure_pending_deletions")"
put_final PENDING_WAIT_S "$((wait_s > 0 ? wait_s : 0))"
if [ "$wait_s" -gt 0 ] && [ "$wait_s" -le 120 ]; then
	echo "# waiting ${wait_s} s until every queued deletion is due"
	sleep "$((wait_s + 1))"
fi
if processed="$(q "SELECT azure_process_deletions()")"; then
	put_final FINAL_PROCESSED "$processed"
	pending="$(q "SELECT count(*) FROM azure_pending_deletions")"
	put_final PENDING_AFTER "$pending"
	if [ "$pending" = 0 ]; then
		pass "one azure_process_deletions() after the load: $processed done, the queue is empty"
	else
		fail "the deletion queue is empty after one azure_process_deletions()" \
			"$pending left: $(q "SELECT string_agg(blob_name || ' attempts ' || attempts || ' ' || coalesce(last_error, ''), E'\n') FROM azure_pending_deletions")"
	fi
else
	put_final FINAL_PROCESSED "error"
	fail "azure_process_deletions() after the load" "$(last_error)"
fi

# Reconcile with min_age 0: every problem must be one the ledger explains.
if q "CREATE TABLE soak.reconcile AS SELECT problem, blob_name FROM azure_reconcile(min_age => '0 seconds');
	SELECT count(*) FILTER (WHERE problem = 'blob_without_row'),
	       count(*) FILTER (WHERE problem = 'row_without_blob'),
	       count(*) FILTER (WHERE problem = 'blob_without_row' AND NOT EXISTS (SELECT FROM soak.ledger l
	                 WHERE l.blob_name = r.blob_name AND l.state IN ('abandoned', 'save_unknown')
	                   AND l.put_outcome IN ('created', 'unknown')))
	FROM soak.reconcile r" >"$OUT/reconcile-counts.txt"; then
	IFS="$FS" read -r BWR RWB BWR_UNEXPLAINED <"$OUT/reconcile-counts.txt"
	put_final RECONCILE_BLOB_WITHOUT_ROW "$BWR"
	put_final RECONCILE_ROW_WITHOUT_BLOB "$RWB"
	put_final RECONCILE_BWR_UNEXPLAINED "$BWR_UNEXPLAINED"
	abandoned_maybe="$(q "SELECT count(*) FROM soak.ledger WHERE state IN ('abandoned', 'save_unknown') AND put_outcome IN ('created', 'unknown')")"
	put_final ABANDONED_MAYBE_UPLOADED "$abandoned_maybe"
	if [ "$BWR_UNEXPLAINED" = 0 ]; then
		pass "azure_reconcile(min_age => 0): $BWR blob_without_row, each an upload the ledger abandoned after a PUT that may have landed ($abandoned_maybe such)"
	else
		fail "azure_reconcile: no blob_without_row beyond the ledger's abandoned uploads" \
			"$BWR_UNEXPLAINED unexplained of $BWR: $(q "SELECT string_agg(r.blob_name || ' (' || coalesce(l.state || '/' || l.put_outcome, 'no ledger') || ')', ' ') FROM (SELECT * FROM soak.reconcile WHERE problem = 'blob_without_row' LIMIT 10) r LEFT JOIN soak.ledger l USING (blob_name)")"
	fi
	if [ "$RWB" = 0 ]; then
		pass "azure_reconcile(min_age => 0): 0 row_without_blob"
	else
		fail "azure_reconcile: 0 row_without_blob" "$RWB: $(q "SELECT string_agg(blob_name, ' ') FROM (SELECT blob_name FROM soak.reconcile WHERE problem = 'row_without_blob' LIMIT 10) r")"
	fi
else
	fail "azure_reconcile(min_age => 0)" "$(last_error)"
fi
# The abandoned uploads are what an operator's delete_orphans run is for;
# after it, nothing is left over on either side.
put_final ORPHANS_DELETED "$(q "SELECT count(*) FROM azure_reconcile(min_age => '0 seconds', delete_orphans => true) WHERE action = 'deleted'")"
left="$(q "SELECT count(*) FROM azure_reconcile(min_age => '0 seconds')")"
blobs="$(q "SELECT count(*) FROM azure_blob_list()")"
rows="$(q "SELECT count(*) FROM azure_files")"
put_final BLOBS_FINAL "$blobs"
put_final ROWS_FINAL "$rows"
if [ "$left" = 0 ] && [ "$blobs" = "$rows" ]; then
	pass "after delete_orphans: zero orphans, $blobs blobs for $rows rows"
else
	fail "zero orphans after delete_orphans" "$left problems left; $blobs blobs, $rows rows"
fi
size_mismatch="$(q "SELECT count(*) FROM azure_blob_list() b JOIN soak.ledger l USING (blob_name) WHERE b.size_bytes <> l.size_bytes")"
if [ "$size_mismatch" = 0 ]; then
	pass "every blob left has the size the driver uploaded"
else
	fail "blob sizes match the ledger" "$size_mismatch differ"
fi

# The server log: no backend died.
if [ -f "$SERVER_LOG" ]; then
	tail -n +"$((LOG_LINES_BEFORE + 1))" "$SERVER_LOG" >"$OUT/server.log"
	crash="$(grep -E 'terminated by signal|server process|PANIC|TRAP' "$OUT/server.log" | head -n 20 || true)"
	put_final SERVER_LOG_LINES "$(wc -l <"$OUT/server.log")"
	put_final SERVER_LOG_CRASH_LINES "$(printf '%s' "$crash" | grep -c . || true)"
	if [ -z "$crash" ]; then
		pass "server log ($(wc -l <"$OUT/server.log") lines during the run): no 'terminated by signal', 'server process', PANIC or TRAP"
	else
		fail "no backend crash in the server log" "$crash"
	fi
else
	put_final SERVER_LOG_LINES "missing"
	fail "server log found" "$SERVER_LOG does not exist"
fi

# Memory of the driver's backends.
if [ "$RSS_MISSING" -eq 0 ] && [ "$RSS_WORST_ANON_KB" -lt "$SOAK_RSS_MAX_KB" ]; then
	pass "backend memory flat: largest RssAnon growth warm->end $RSS_WORST_ANON_KB kB over $RSS_BACKENDS backends (< $SOAK_RSS_MAX_KB kB); largest VmRSS growth $RSS_WORST_VMRSS_KB kB"
else
	fail "backend memory flat (RssAnon growth < $SOAK_RSS_MAX_KB kB)" \
		"largest $RSS_WORST_ANON_KB kB (pid $RSS_WORST_ANON_PID); $RSS_MISSING backends not sampled at the end"
fi

put_final TAP_PASS "$TAP_PASS"
put_final TAP_FAIL "$TAP_FAIL"
put_final LOAD_END "$LOAD_END"
put_final AZURITE_VERSION "$(node -p "require('$ROOT/test/azurite/node_modules/azurite/package.json').version" 2>/dev/null || echo '?')"
put_final PG_VERSION "$(q "SHOW server_version")"
put_final NODE_VERSION "$(node --version)"
put_final GIT_COMMIT "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
put_final GIT_DIRTY "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -c . || true)"
put_final CORES "$(nproc)"
put_final SOAK_OUTAGES "$SOAK_OUTAGES"
put_final SOAK_GRACE_MS "$SOAK_GRACE_MS"
put_final SOAK_RSS_MAX_KB "$SOAK_RSS_MAX_KB"

sleep 0.5 # let tee catch up: the report quotes soak.out
mkdir -p "$(dirname "$SOAK_REPORT")"
if node "$HERE/report.js" render "$OUT" "$SOAK_GRACE_MS" "$SOAK_RSS_MAX_KB" >"$SOAK_REPORT.tmp"; then
	mv "$SOAK_REPORT.tmp" "$SOAK_REPORT"
	echo "# report: $SOAK_REPORT (raw data in $OUT)"
else
	rm -f "$SOAK_REPORT.tmp"
	fail "report written" "report.js render failed"
fi
tap_summary
