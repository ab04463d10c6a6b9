#!/usr/bin/env bash
# The extension itself under AddressSanitizer and UndefinedBehaviorSanitizer:
# azure_blob.so built with -fsanitize=address,undefined, loaded by a
# PostgreSQL 15 server whose postmaster has the ASan runtime preloaded; the
# pg_regress suite, the Azurite suites and a short soak run against it; then
# no sanitizer report may exist, and two deliberate bugs must produce one.
#
#     test/sanitize/asan.sh            (about 3 minutes; as root)
#     SANITIZE_SUITES="regress e2e" test/sanitize/asan.sh    (a subset)
#
# Suites (SANITIZE_SUITES, default all): regress (make installcheck), e2e,
# rest, faults (test/azurite/*.sh), soak (test/soak/soak.sh for
# SANITIZE_SOAK_SECONDS, default 60: 16 clients, two Azurite outages; its
# memory check is off, ASan's quarantine keeps freed memory resident).
#
# Nothing here touches the system's PostgreSQL installation or the working
# tree's build:
#   - the sources (tracked, and untracked but not ignored) are copied to a
#     temporary directory and built there with PGXS:
#       make with_llvm=no PG_CXXFLAGS="-std=c++17 ... -fsanitize=address,undefined
#            -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
#            PG_LDFLAGS="-fsanitize=address,undefined"
#     (PG_CXXFLAGS reaches the compiler of every .cpp; PGXS links the shared
#     library with $(CC) and LDFLAGS, which PG_LDFLAGS is prepended to; no
#     bitcode: the server runs with jit = off);
#   - /usr/lib/postgresql/15 and /usr/share/postgresql/15 are copied into the
#     same temporary directory and the sanitized build is installed there
#     (make install DESTDIR=...): PostgreSQL finds its lib and share
#     directories relative to its own binary, so that copy loads the sanitized
#     azure_blob.so while every other cluster on the machine keeps loading the
#     normal one from /usr/lib/postgresql/15/lib (nothing to restore at exit);
#   - the cluster is our own: initdb, then postgres started as the postgres OS
#     user with LD_PRELOAD, ASAN_OPTIONS and UBSAN_OPTIONS, on a free port of
#     127.0.0.1 and a socket in the temporary directory, scram-sha-256
#     passwords (pg_ctlcluster, under pg_virtualenv, does not pass LD_PRELOAD
#     on to the server).
#
# Two problems of the preloaded runtimes with Debian 12's PostgreSQL, and what
# this script does about them (docs/sanitizers.md has the details):
#   - LD_PRELOAD=libasan.so alone makes postgres (and psql) hang before main:
#     a preloaded library is initialized after the libraries the program
#     needs, so ASan initializes lazily, at the first malloc of another
#     library's constructor (libgpg-error's bindtextdomain, libp11-kit's
#     newlocale), while glibc holds a locale lock; that lock is corrupt
#     afterwards and the next bindtextdomain or freelocale waits forever.
#     Fix: private copies of the server's shared libraries (from ldd, all but
#     libc, libm, libgcc_s and ld.so, which libasan needs itself), each given
#     DT_NEEDED libasan.so.8 by patchelf, found through LD_LIBRARY_PATH: then
#     libasan's constructor runs before theirs. (patchelf is installed with
#     apt-get if missing.)
#   - libubsan.so comes into a backend with azure_blob.so and initializes at
#     its first report, after PostgreSQL has overwritten the process's
#     environment block with its process title: it reads no UBSAN_OPTIONS.
#     ubsan_options.c, preloaded after libasan.so, copies UBSAN_OPTIONS when
#     the postmaster starts and hands it over through __ubsan_default_options:
#     print_stacktrace then works, log_path still does not (GCC 12's
#     libubsan next to libasan reports to stderr, i.e. the server log).
# ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=<dir>/asan (a backend
# does not free what it exits with: leak reports would be noise);
# UBSAN_OPTIONS=print_stacktrace=1:log_path=<dir>/ubsan; with
# -fno-sanitize-recover=undefined a UBSan finding ends the backend too.
# Verdict: no asan.* / ubsan.* file, no sanitizer message and no crashed
# backend in the server log; then canaries (canary.c, same flags, same
# server): a heap overflow must appear in an asan.<pid> file and a shift out
# of range in the server log, so that "no report" means "nothing found".
# At exit (trap): the server is stopped, the logs are kept in
# build/sanitize/ (SANITIZE_OUT), the temporary directory is removed, and a
# warning is printed if the system's azure_blob.so links libasan.
#
# Output is TAP-like; the last line is exactly "N passed, M failed".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=test/lib.sh
. "$ROOT/test/lib.sh"

SUITES="${SANITIZE_SUITES:-regress e2e rest faults soak}"
OUT="${SANITIZE_OUT:-$ROOT/build/sanitize}"
PG_VERSION=15
# shellcheck disable=SC2054 # one flag takes a comma-separated list
SAN_FLAGS_A=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
SAN_FLAGS="${SAN_FLAGS_A[*]}"

[ "$(id -u)" -eq 0 ] || bail_out "run as root (the server runs as the postgres OS user)"
id postgres >/dev/null 2>&1 || bail_out "no postgres OS user"
SYS_PG_CONFIG="/usr/lib/postgresql/$PG_VERSION/bin/pg_config"
[ -x "$SYS_PG_CONFIG" ] || bail_out "no $SYS_PG_CONFIG (postgresql-server-dev-$PG_VERSION)"
ASAN_LIB="$(gcc -print-file-name=libasan.so)"
[ -f "$ASAN_LIB" ] || bail_out "no libasan.so from gcc"
ASAN_SONAME="$(readelf -d "$ASAN_LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ -n "$ASAN_SONAME" ] || bail_out "no SONAME in $ASAN_LIB"
if ! command -v patchelf >/dev/null 2>&1; then
	echo "# installing patchelf (apt-get)" >&2
	apt-get install -y patchelf >&2 || { apt-get update >&2 && apt-get install -y patchelf >&2; } ||
		bail_out "patchelf is needed: apt-get install patchelf"
fi

rm -rf "$OUT"
mkdir -p "$OUT"
T="$(mktemp -d "${TMPDIR:-/tmp}/azb-asan.XXXXXX")"
chmod 755 "$T"
SRC="$T/src"
INST="$T/inst"
SAN_LOG="$T/san"
DATA="$T/data"
SOCK="$T/sock"
PGBIN="$INST/usr/lib/postgresql/$PG_VERSION/bin"
PKGLIB="$INST/usr/lib/postgresql/$PG_VERSION/lib"
SERVER_LOG="$T/server.log"
PGPASSWORD_FILE="$T/pw"
ASAN_FIRST="$T/asan-first-libs"

SERVER_PID="" # runuser's PID; the postmaster is its child
stop_server() {
	local child
	if [ -f "$DATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	fi
	# A server that never came up (no postmaster.pid): end it by PID.
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		for child in $(pgrep -P "$SERVER_PID" || true); do kill -KILL "$child" 2>/dev/null || true; done
		kill -TERM "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "$SERVER_PID" ]; then wait "$SERVER_PID" 2>/dev/null || true; fi
	SERVER_PID=""
}
keep_logs() {
	cp "$SERVER_LOG" "$OUT/server.log" 2>/dev/null || true
	if [ -d "$SAN_LOG" ]; then cp -r "$SAN_LOG" "$OUT/san" 2>/dev/null || true; fi
}
check_system_so() {
	local so="/usr/lib/postgresql/$PG_VERSION/lib/azure_blob.so"
	if [ -f "$so" ] && readelf -d "$so" 2>/dev/null | grep -q 'libasan'; then
		echo "# WARNING: $so is a sanitizer build; run: make && make install" >&2
	fi
}
azb_on_exit check_system_so
azb_on_exit "rm -rf '$T'"
azb_on_exit keep_logs
azb_on_exit stop_server

echo "# azure_blob under ASan + UBSan: suites: $SUITES"

# ---------------------------------------------------------------------------
# 1. The sanitized build, in a copy of the sources.
mkdir -p "$SRC"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) |
	(cd "$ROOT" && while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done) |
	(cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$SRC"
build_log="$OUT/build.log"
if make -C "$SRC" -j"$(nproc)" PG_CONFIG="$SYS_PG_CONFIG" with_llvm=no \
	PG_CXXFLAGS="-std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register -O1 -g $SAN_FLAGS" \
	PG_LDFLAGS="-fsanitize=address,undefined" >"$build_log" 2>&1; then
	pass "build: azure_blob.so with $SAN_FLAGS (PG_CXXFLAGS; PG_LDFLAGS for the link)"
else
	fail "build with sanitizers" "$(tail -n 30 "$build_log")"
	bail_out "no sanitized build"
fi
needed="$(readelf -d "$SRC/azure_blob.so")"
undef="$(nm -D --undefined-only "$SRC/azure_blob.so")"
n_asan="$(grep -c '__asan_report' <<<"$undef" || true)"
n_ubsan="$(grep -c '__ubsan_handle' <<<"$undef" || true)"
if grep -q 'libasan' <<<"$needed" && grep -q 'libubsan' <<<"$needed" && [ "$n_asan" -gt 0 ] && [ "$n_ubsan" -gt 0 ]; then
	pass "azure_blob.so needs libasan and libubsan and calls them ($n_asan __asan_report_*, $n_ubsan __ubsan_handle_* symbols)"
else
	fail "azure_blob.so is instrumented" "$(grep NEEDED <<<"$needed"); $n_asan __asan_report_*, $n_ubsan __ubsan_handle_*"
fi

# 2. A private copy of PostgreSQL 15 with the sanitized build installed in it.
mkdir -p "$INST/usr/lib/postgresql" "$INST/usr/share/postgresql"
cp -a "/usr/lib/postgresql/$PG_VERSION" "$INST/usr/lib/postgresql/"
cp -a "/usr/share/postgresql/$PG_VERSION" "$INST/usr/share/postgresql/"
rm -rf "$PKGLIB/azure_blob.so" "$PKGLIB/bitcode/azure_blob" "$PKGLIB/bitcode/azure_blob.index.bc"
if make -C "$SRC" PG_CONFIG="$SYS_PG_CONFIG" with_llvm=no DESTDIR="$INST" install >>"$build_log" 2>&1 &&
	[ "$("$PGBIN/pg_config" --pkglibdir)" = "$PKGLIB" ] &&
	readelf -d "$PKGLIB/azure_blob.so" | grep -q libasan; then
	pass "installed into a private copy of PostgreSQL $PG_VERSION ($INST): its pg_config --pkglibdir is $PKGLIB"
else
	fail "install into the private copy" "$(tail -n 20 "$build_log")"
	bail_out "no private installation"
fi

# 2b. The server's libraries, each needing libasan, so that ASan initializes
# before any of their constructors (see the header).
mkdir -p "$ASAN_FIRST"
n_patched=0
for lib in $(ldd "$PGBIN/postgres" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
	b="$(basename "$lib")"
	case $b in
	libc.so.* | libm.so.* | libgcc_s.so.* | ld-linux* | libasan.so.*) continue ;;
	esac
	cp -L "$lib" "$ASAN_FIRST/$b"
	patchelf --add-needed "$ASAN_SONAME" "$ASAN_FIRST/$b"
	n_patched=$((n_patched + 1))
done
chmod -R a+rX "$ASAN_FIRST"
if [ "$n_patched" -gt 0 ] && timeout 20 env LD_LIBRARY_PATH="$ASAN_FIRST" LD_PRELOAD="$ASAN_LIB" \
	ASAN_OPTIONS=detect_leaks=0 "$PGBIN/postgres" --version >/dev/null 2>&1; then
	pass "ASan initialized first: $n_patched of the server's libraries copied with DT_NEEDED $ASAN_SONAME (patchelf); postgres --version under LD_PRELOAD returns"
else
	fail "postgres --version under LD_PRELOAD=$ASAN_LIB returns" "hangs or fails ($n_patched libraries patched)"
	bail_out "the sanitized server cannot start"
fi

# 3. Our own cluster, the postmaster with the ASan runtime preloaded (and the
# UBSAN_OPTIONS hook, see the header).
UBSAN_HOOK="$T/azb_ubsan_options.so"
gcc -shared -fPIC -O2 -o "$UBSAN_HOOK" "$HERE/ubsan_options.c" >"$OUT/ubsan-hook-build.log" 2>&1 ||
	bail_out "ubsan_options.c did not build: $(cat "$OUT/ubsan-hook-build.log")"
chmod 755 "$UBSAN_HOOK"
mkdir -p "$SAN_LOG" "$SOCK" "$DATA"
PGPASSWORD="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PGPASSWORD" >"$PGPASSWORD_FILE"
chown postgres:postgres "$SAN_LOG" "$SOCK" "$DATA" "$PGPASSWORD_FILE"
chmod 600 "$PGPASSWORD_FILE"
chmod 777 "$SAN_LOG" # the sanitizers' log files are written by the backends
: >"$SERVER_LOG"
chown postgres:postgres "$SERVER_LOG"
if ! (cd / && runuser -u postgres -- "$PGBIN/initdb" -D "$DATA" -U postgres --auth=scram-sha-256 \
	--pwfile="$PGPASSWORD_FILE" -E UTF8 --no-locale --no-sync) >"$OUT/initdb.log" 2>&1; then
	fail "initdb" "$(tail -n 20 "$OUT/initdb.log")"
	bail_out "no cluster"
fi
PORT="$(azb_free_port)"
cat >>"$DATA/postgresql.conf" <<EOF
# test/sanitize/asan.sh
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
jit = off
fsync = off
max_connections = 60
log_line_prefix = '%m [%p] %q%u@%d '
EOF
ASAN_OPTIONS_SERVER="detect_leaks=0:abort_on_error=1:log_path=$SAN_LOG/asan"
UBSAN_OPTIONS_SERVER="print_stacktrace=1:log_path=$SAN_LOG/ubsan"
(cd / && exec runuser -u postgres -- env LD_LIBRARY_PATH="$ASAN_FIRST" LD_PRELOAD="$ASAN_LIB $UBSAN_HOOK" ASAN_OPTIONS="$ASAN_OPTIONS_SERVER" \
	UBSAN_OPTIONS="$UBSAN_OPTIONS_SERVER" "$PGBIN/postgres" -D "$DATA" >>"$SERVER_LOG" 2>&1) &
SERVER_PID=$!
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGPASSWORD PGDATABASE=postgres
for ((i = 0; i < 300; i++)); do
	pg_isready -q && break
	sleep 0.1
done
if pg_isready -q; then
	pass "server: $PGBIN/postgres on 127.0.0.1:$PORT, LD_PRELOAD=$ASAN_LIB $UBSAN_HOOK, LD_LIBRARY_PATH=$ASAN_FIRST, ASAN_OPTIONS=$ASAN_OPTIONS_SERVER, UBSAN_OPTIONS=$UBSAN_OPTIONS_SERVER"
else
	fail "server started" "$(tail -n 20 "$SERVER_LOG")"
	bail_out "no server"
fi

# The runtime is really in the backends, and they load our build: a backend
# that loads the module and stays for 2 s while its maps are read.
psql -X -qAt -c "LOAD 'azure_blob'" -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(2)" >"$T/probe.out" 2>&1 &
probe_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$T/probe.out" ] && break
	sleep 0.05
done
bpid="$(head -n 1 "$T/probe.out")"
if [[ "$bpid" =~ ^[0-9]+$ ]] && grep -q 'libasan' "/proc/$bpid/maps" 2>/dev/null &&
	grep -qF "$PKGLIB/azure_blob.so" "/proc/$bpid/maps" 2>/dev/null; then
	pass "a backend ($bpid) has libasan mapped and runs $PKGLIB/azure_blob.so"
else
	fail "a backend runs the sanitized build" "$(cat "$T/probe.out"; grep -E 'asan|azure_blob' "/proc/$bpid/maps" 2>&1 | head -n 5)"
fi
wait "$probe_pid" || true

# ---------------------------------------------------------------------------
# 4. The suites.
# run_suite NAME CMD...: counts from the suite's "N passed, M failed" line.
SUITE_RESULTS=()
run_suite() {
	local name=$1 log="$OUT/$1.log" rc=0 line
	shift
	echo "# --- $name: $*"
	"$@" >"$log" 2>&1 || rc=$?
	line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
	SUITE_RESULTS+=("$name: ${line:-no summary line}, exit $rc")
	if [ -n "$line" ] && [ "$rc" -eq 0 ] && [ "${line#* passed, }" = "0 failed" ]; then
		pass "$name under the sanitized server: $line"
	else
		fail "$name under the sanitized server: ${line:-no summary}, exit $rc" \
			"$(grep -E '^not ok|^Bail out' "$log" | head -n 20)"
	fi
}

for s in $SUITES; do
	case $s in
	regress)
		echo "# --- regress: make installcheck"
		rc=0
		make -C "$SRC" PG_CONFIG="$SYS_PG_CONFIG" with_llvm=no installcheck >"$OUT/regress.log" 2>&1 || rc=$?
		passed="$(grep -cE '^(test| ) +[^ ].* \.\.\. ok( |$)' "$OUT/regress.log" || true)"
		failed="$(grep -cE '^(test| ) +[^ ].* \.\.\. (FAILED|failed)( |$)' "$OUT/regress.log" || true)"
		[ -f "$SRC/regression.diffs" ] && cp "$SRC/regression.diffs" "$OUT/regression.diffs"
		SUITE_RESULTS+=("regress: $passed passed, $failed failed, exit $rc")
		if [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; then
			pass "regress (make installcheck) under the sanitized server: $passed passed, 0 failed"
		else
			fail "regress (make installcheck): $passed passed, $failed failed, exit $rc" \
				"$(head -c 3000 "$OUT/regression.diffs" 2>/dev/null || tail -n 20 "$OUT/regress.log")"
		fi
		;;
	e2e | rest | faults)
		run_suite "$s" bash "$ROOT/test/azurite/$s.sh"
		;;
	soak)
		run_suite soak env SOAK_IN_CLUSTER=1 SOAK_SERVER_LOG="$SERVER_LOG" \
			SOAK_SECONDS="${SANITIZE_SOAK_SECONDS:-60}" SOAK_RSS_MAX_KB=100000000 \
			SOAK_REPORT="$OUT/soak-report.md" SOAK_OUT_DIR="$OUT/soak" bash "$ROOT/test/soak/soak.sh"
		;;
	*) fail "unknown suite $s" ;;
	esac
done

# ---------------------------------------------------------------------------
# 5. The verdict: no sanitizer report, no crash (the server still runs, for
# the canaries).
reports="$(find "$SAN_LOG" -type f -size +0 2>/dev/null | sort)"
if [ -z "$reports" ]; then
	pass "ASan/UBSan log files: none written ($SAN_LOG/asan.*, ubsan.*)"
else
	fail "ASan/UBSan log files are empty" "$(for f in $reports; do echo "== $f"; head -n 40 "$f"; done)"
fi
in_log="$(grep -nE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$SERVER_LOG" | head -n 20 || true)"
if [ -z "$in_log" ]; then
	pass "server log: no sanitizer message"
else
	fail "server log: no sanitizer message" "$in_log"
fi
crash="$(grep -nE 'terminated by signal|server process \(PID [0-9]+\) (was terminated|exited with exit code)|terminating any other active server processes|PANIC|TRAP' "$SERVER_LOG" | head -n 20 || true)"
if [ -z "$crash" ]; then
	pass "server log: no backend terminated by a signal, no PANIC or TRAP"
else
	fail "server log: no crash" "$crash"
fi
# ---------------------------------------------------------------------------
# 6. Canaries: the same flags on two deliberate bugs (canary.c), so that
# "no report" above means "nothing found", not "reports go nowhere".
canary_so="$PKGLIB/azb_canary.so"
if gcc -shared -fPIC -O0 -g "${SAN_FLAGS_A[@]}" -I"$("$SYS_PG_CONFIG" --includedir-server)" \
	-o "$canary_so" "$HERE/canary.c" >"$OUT/canary-build.log" 2>&1; then
	psql -X -q -c "CREATE DATABASE azb_canary" >/dev/null 2>&1 || true
	# canary_run FUNCTION ARG LOG_PREFIX PATTERN LABEL: the report must appear
	# in a new LOG_PREFIX.<pid> file or, for UBSan, in the server log.
	canary_run() {
		local fn=$1 arg=$2 prefix=$3 pattern=$4 label=$5 before after out new where="" n0 n1
		before="$(find "$SAN_LOG" -name "$prefix.*" -type f | sort)"
		n0="$(grep -c -- "$pattern" "$SERVER_LOG" || true)"
		out="$(psql -X -qAt -d azb_canary -c "CREATE OR REPLACE FUNCTION $fn(int) RETURNS int AS '$canary_so', '$fn' LANGUAGE C STRICT" \
			-c "SELECT $fn($arg)" 2>&1 || true)"
		sleep 1
		after="$(find "$SAN_LOG" -name "$prefix.*" -type f | sort)"
		n1="$(grep -c -- "$pattern" "$SERVER_LOG" || true)"
		new="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 1)"
		if [ -n "$new" ] && grep -q -- "$pattern" "$new"; then
			where="$(basename "$new")"
		elif [ "$n1" -gt "$n0" ]; then
			where="the server log"
		fi
		if [ -n "$where" ]; then
			pass "canary: $label is reported in $where ('$pattern') and ends the backend (psql: $(printf '%s' "$out" | head -n 1))"
		else
			fail "canary: $label is reported" "no new $SAN_LOG/$prefix.* file, nothing in the server log; psql: $out"
		fi
		for ((i = 0; i < 100; i++)); do pg_isready -q && break; sleep 0.1; done
	}
	canary_run azb_canary_heap_overflow 8 asan 'heap-buffer-overflow' "ASan: a heap-buffer-overflow in an instrumented C function"
	canary_run azb_canary_shift 40 ubsan 'shift exponent' "UBSan: a shift exponent out of range"
else
	fail "canary build" "$(tail -n 20 "$OUT/canary-build.log")"
fi
stop_server

for r in "${SUITE_RESULTS[@]}"; do echo "# $r"; done
echo "# logs: $OUT"
tap_summary
