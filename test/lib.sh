# shellcheck shell=bash
# Helpers shared by the shell scripts left next to the TAP suites (test/t/):
# test/run-all.sh, scripts/demo.sh, test/sanitize/asan.sh and
# test/security/uaf_1_0.sh. Source it; do not execute it.
#
# What it gives:
#   azb_on_exit CMD...      register a cleanup command; all run once on EXIT/INT/TERM,
#                           last registered first
#   azb_free_port           print a TCP port on 127.0.0.1 that nobody listens on
#   azurite_start           start the Azurite blob service (in memory) on
#                           127.0.0.1:<free port>; sets AZURITE_PORT, AZURITE_PID,
#                           AZURITE_ENDPOINT, AZURITE_DIR; stopped at exit
#   pass NAME / fail NAME [WHY]
#                           TAP-like "ok N - NAME" / "not ok N - NAME" lines with totals
#   tap_summary             print "N passed, M failed"; returns 1 if M > 0
#   bail_out MESSAGE        "Bail out! MESSAGE", the summary, exit 1
#
# Only 127.0.0.1 is ever used: another Postgres or Azurite may already hold the
# default ports on this machine, and nothing here should be reachable from outside.

# Repository root, whichever script sourced us.
AZB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZB_AZURITE_DIR="$AZB_ROOT/test/azurite"

# ---------------------------------------------------------------------------
# Cleanup: one trap for everything, so that sourcing scripts do not overwrite
# each other's traps.
AZB_CLEANUPS=()
AZB_CLEANED=0

azb_on_exit() {
	AZB_CLEANUPS+=("$*")
}

azb_run_cleanups() {
	# Runs once, even if both a signal and the following EXIT trigger it.
	[ "$AZB_CLEANED" = 1 ] && return 0
	AZB_CLEANED=1
	local i
	for ((i = ${#AZB_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${AZB_CLEANUPS[i]}" || true
	done
}

# On a signal, clean up and exit with the conventional 128+N status; the EXIT
# trap then finds nothing left to do.
trap 'azb_run_cleanups' EXIT
trap 'azb_run_cleanups; exit 130' INT
trap 'azb_run_cleanups; exit 143' TERM

# ---------------------------------------------------------------------------
# Free port on 127.0.0.1.
# python3 binds port 0 and lets the kernel choose, which is race-free up to the
# moment we close the socket; without python3, probe random high ports with
# bash's /dev/tcp (a refused connection means nobody listens there).
azb_free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - <<'PY' && return 0
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
	fi
	local port tries
	for ((tries = 0; tries < 200; tries++)); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "azb_free_port: no free port found" >&2
	return 1
}

# ---------------------------------------------------------------------------
# Azurite.
AZURITE_PID=""
AZURITE_PORT=""
AZURITE_ENDPOINT=""
AZURITE_DIR=""

# Install the pinned Azurite if node_modules is missing (lockfile, npm ci).
azurite_ensure_installed() {
	if [ ! -x "$AZB_AZURITE_DIR/node_modules/.bin/azurite-blob" ]; then
		echo "# installing azurite with npm ci --prefix test/azurite" >&2
		npm ci --prefix "$AZB_AZURITE_DIR" --no-audit --no-fund >&2
	fi
}

# HTTP status of a GET on the account root, or 000 when nothing answers.
_azurite_probe() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		"http://127.0.0.1:$1/devstoreaccount1?comp=list" 2>/dev/null || true
}

# Start Azurite on 127.0.0.1:$1 from $AZURITE_DIR, in memory; returns 0 once
# it answers, 1 if it died or did not come up (then it is killed). Sets AZURITE_PID.
_azurite_launch() {
	local port=$1 i code
	local bin="$AZB_AZURITE_DIR/node_modules/.bin/azurite-blob"
	# --skipApiVersionCheck: 3.35.0 refuses x-ms-version newer than it knows.
	# --loose: accept SAS fields it does not implement (e.g. ses) instead of 500.
	# exec in the subshell, so that $! is Azurite's own PID.
	(cd "$AZURITE_DIR" && exec "$bin" --blobHost 127.0.0.1 --blobPort "$port" \
		--inMemoryPersistence --disableTelemetry --silent \
		--skipApiVersionCheck --loose) \
		>>"$AZURITE_DIR/azurite.log" 2>&1 &
	AZURITE_PID=$!
	for ((i = 0; i < 150; i++)); do
		if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
			break # died (port taken?)
		fi
		code="$(_azurite_probe "$port")"
		if [ "$code" != "000" ] && [ -n "$code" ]; then
			return 0
		fi
		sleep 0.2
	done
	_azurite_kill
	return 1
}

azurite_start() {
	azurite_ensure_installed || return 1
	local attempt
	# Azurite writes its workspace files (if any) into its working directory
	# (--location cannot be combined with --inMemoryPersistence), so run it
	# from a directory of its own: two runs never share state.
	AZURITE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/azb-azurite.XXXXXX")"
	azb_on_exit azurite_stop
	# Retry with a new port if another process grabbed ours between the probe
	# and Azurite's bind.
	for attempt in 1 2 3; do
		AZURITE_PORT="$(azb_free_port)" || return 1
		if _azurite_launch "$AZURITE_PORT"; then
			AZURITE_ENDPOINT="http://127.0.0.1:$AZURITE_PORT/devstoreaccount1"
			export AZURITE_PORT AZURITE_PID AZURITE_ENDPOINT AZURITE_DIR
			return 0
		fi
		echo "# azurite attempt $attempt on port $AZURITE_PORT did not come up:" >&2
		sed 's/^/#   /' "$AZURITE_DIR/azurite.log" >&2 || true
		: >"$AZURITE_DIR/azurite.log"
	done
	return 1
}

# Stop our Azurite by PID: TERM, wait up to ~5 s, then KILL.
_azurite_kill() {
	local i
	if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
		kill -TERM "$AZURITE_PID" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$AZURITE_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$AZURITE_PID" 2>/dev/null || true
	fi
	if [ -n "$AZURITE_PID" ]; then
		wait "$AZURITE_PID" 2>/dev/null || true
	fi
	AZURITE_PID=""
}

azurite_stop() {
	_azurite_kill
	if [ -n "$AZURITE_DIR" ] && [ -d "$AZURITE_DIR" ]; then
		rm -rf "$AZURITE_DIR"
	fi
	AZURITE_DIR=""
}

# ---------------------------------------------------------------------------
# TAP-like counters.
TAP_N=0
TAP_PASS=0
TAP_FAIL=0

pass() {
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_N - $1"
}

fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N - $1"
	if [ $# -ge 2 ] && [ -n "$2" ]; then
		# Indent every line of the reason as a TAP diagnostic.
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

tap_summary() {
	echo "$TAP_PASS passed, $TAP_FAIL failed"
	[ "$TAP_FAIL" -eq 0 ]
}

# bail_out MESSAGE: ends a suite early, after its summary line.
bail_out() {
	echo "Bail out! $1"
	tap_summary || true
	exit 1
}
