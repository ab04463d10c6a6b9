#!/usr/bin/env bash
# The extension itself under AddressSanitizer and UndefinedBehaviorSanitizer
# (docs/sanitizers.md):
#   1. azure_blob.so built with -fsanitize=address,undefined from a copy of the
#      working tree and installed into a private copy of PostgreSQL 15 whose
#      postgres binary runs under ASan (test/sanitize/common.sh);
#   2. make installcheck against a server of that copy, and the TAP suites
#      (make installcheck-tap bindir=<copy>/bin) whose nodes start the same
#      binary;
#   3. the verdict: no sanitizer report and no crashed backend in any log;
#   4. canaries (canary.c): a heap overflow and a shift out of range must be
#      reported, so that "no report" means "nothing found".
#
#     test/sanitize/asan.sh        (as root; several minutes)
#     SANITIZE_TAP="test/t/010_e2e.pl" test/sanitize/asan.sh      (other suites)
#
# SANITIZE_TAP (default e2e, rest, faults, master_key and the soak, which runs
# for SANITIZE_SOAK_SECONDS, default 60, with its memory check off: ASan's
# quarantine keeps freed memory resident); SANITIZE_OUT (build/sanitize): logs.
# Output: TAP-like lines; the last is exactly "N passed, M failed".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"
# shellcheck source=test/sanitize/common.sh
. "$HERE/common.sh"

TAP_TESTS="${SANITIZE_TAP:-test/t/010_e2e.pl test/t/020_rest.pl test/t/030_faults.pl test/t/060_master_key.pl test/t/900_soak.pl}"
OUT="${SANITIZE_OUT:-$AZB_ROOT/build/sanitize}"
FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
san_prereqs
rm -rf "$OUT"
mkdir -p "$OUT"
T="$(mktemp -d "${TMPDIR:-/tmp}/azb-asan.XXXXXX")"
chmod 755 "$T"
SRC="$T/src" INST="$T/inst" SAN="$T/san" SRV="$T/srv" LOG="$T/srv/server.log"
BIN="$(san_bin "$INST")"
# detect_leaks=0: a backend does not free what it exits with. UBSan writes to
# stderr whatever log_path says (docs/sanitizers.md), i.e. into server logs.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$SAN/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$SAN/ubsan"
azb_on_exit "rm -rf '$T'"
azb_on_exit "cp -r '$LOG' '$SAN' '$T/tap/tmp_check/log' '$OUT/' 2>/dev/null || true"
azb_on_exit "san_stop '$INST' '$SRV'"

echo "# azure_blob under ASan + UBSan; TAP suites: $TAP_TESTS"
san_copy_tree "$SRC"
mkdir -p "$INST/asan-libs" "$SAN" "$T/tap"
gcc -shared -fPIC -O2 -o "$INST/asan-libs/azb_ubsan_options.so" "$HERE/ubsan_options.c" ||
	bail_out "ubsan_options.c did not build"
san_install "$SRC" "$INST" "$FLAGS" "$OUT/build.log" "$INST/asan-libs/azb_ubsan_options.so" ||
	bail_out "build or install failed: $(tail -n 30 "$OUT/build.log")"
so="$INST/usr/lib/postgresql/$SAN_PG/lib/azure_blob.so"
n_asan="$(nm -D --undefined-only "$so" | grep -c '__asan_report' || true)"
n_ubsan="$(nm -D --undefined-only "$so" | grep -c '__ubsan_handle' || true)"
if [ "$n_asan" -gt 0 ] && [ "$n_ubsan" -gt 0 ] && timeout 20 "$BIN/postgres" --version >/dev/null; then
	pass "build: $so calls $n_asan __asan_report_*, $n_ubsan __ubsan_handle_*; $BIN/postgres runs under ASan"
else
	fail "sanitized build and server binary" "$n_asan __asan_report_*, $n_ubsan __ubsan_handle_*; postgres --version hangs or fails"
fi

# A server of the copy for pg_regress and the canaries (Unix socket only).
chown postgres "$SAN" "$T/tap"
PORT="$(azb_free_port)"
san_start "$INST" "$SRV" "$PORT" || bail_out "no server: $(tail -n 20 "$SRV/initdb.log" "$LOG")"
export PGHOST="$SRV/sock" PGPORT="$PORT" PGUSER=postgres PGDATABASE=postgres
psql -X -qAt -c "LOAD 'azure_blob'" -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(2)" >"$T/probe" 2>&1 &
for _ in $(seq 100); do [ ! -s "$T/probe" ] || break; sleep 0.05; done
bpid="$(head -n 1 "$T/probe")"
if grep -q libasan "/proc/$bpid/maps" 2>/dev/null && grep -qF "$so" "/proc/$bpid/maps"; then
	pass "a backend ($bpid) has libasan mapped and runs $so"
else
	fail "a backend runs the sanitized build" "$(cat "$T/probe")"
fi
wait

# The suites.
rc=0
make -C "$SRC" PG_CONFIG="$SAN_PG_CONFIG" with_llvm=no installcheck >"$OUT/regress.log" 2>&1 || rc=$?
n_ok="$(grep -cE '^(test| ) +[^ ].* \.\.\. ok( |$)' "$OUT/regress.log" || true)"
n_bad="$(grep -cE '\.\.\. (FAILED|failed)( |$)' "$OUT/regress.log" || true)"
if [ "$rc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ]; then
	pass "regress (make installcheck): $n_ok passed, 0 failed"
else
	fail "regress: $n_ok passed, $n_bad failed, exit $rc" "$(head -c 3000 "$SRC/regression.diffs" 2>/dev/null)"
fi
[[ "$TAP_TESTS" != *900_soak* ]] || [ -d "$AZB_ROOT/test/soak/node_modules/pg" ] ||
	npm ci --prefix "$AZB_ROOT/test/soak" --no-audit --no-fund >&2 || bail_out "npm ci --prefix test/soak failed"
for d in azurite soak; do [ ! -d "$AZB_ROOT/test/$d/node_modules" ] || ln -s "$AZB_ROOT/test/$d/node_modules" "$SRC/test/$d/"; done
rc=0
(cd / && runuser -u postgres -- env AZB_SOAK=1 SOAK_SECONDS="${SANITIZE_SOAK_SECONDS:-60}" SOAK_RSS_MAX_KB=100000000 \
	SOAK_OUT_DIR="$T/tap/soak" SOAK_REPORT="$T/tap/soak-report.md" make -C "$SRC" installcheck-tap TAP_TESTDIR="$T/tap" \
	bindir="$BIN" PROVE_TESTS="$TAP_TESTS" PROVE_FLAGS=--verbose) >"$OUT/tap.log" 2>&1 || rc=$?
for t in $TAP_TESTS; do
	counts="$(awk -v t="$t" 'index($0, t " ..") == 1 { on = 1; next } /^test\/t\/.* \.\./ { on = 0 }
		on && /^ok / { p++ } on && /^not ok / { f++ } END { printf "%d %d", p, f }' "$OUT/tap.log")"
	read -r n_ok n_bad <<<"$counts"
	if [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ]; then
		pass "$t: $n_ok passed, 0 failed"
	else
		fail "$t: $n_ok passed, $n_bad failed" "$(grep -E '^not ok|^Bail out|Failed' "$OUT/tap.log" | head -n 20)"
	fi
done
[ "$rc" -eq 0 ] || fail "make installcheck-tap: exit $rc" "$(grep -E '^(Result|Files=|Parse errors)' "$OUT/tap.log")"
cp "$T/tap/soak-report.md" "$OUT/" 2>/dev/null || true

# The verdict, before the canaries.
reports="$(find "$SAN" -type f -size +0 | sort)"
if [ -z "$reports" ]; then
	pass "ASan/UBSan log files: none written"
else
	fail "ASan/UBSan log files: none written" "$(for f in $reports; do echo "== $f"; head -n 40 "$f"; done)"
fi
logs=("$LOG" "$T"/tap/tmp_check/log/*.log)
found="$(grep -nE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "${logs[@]}" | head -n 20 || true)"
if [ -z "$found" ]; then pass "server logs (${#logs[@]}): no sanitizer message"; else fail "server logs: no sanitizer message" "$found"; fi
found="$(grep -nE 'terminated by signal|server process \(PID [0-9]+\) (was terminated|exited with exit code)|terminating any other active server processes|PANIC|TRAP' "${logs[@]}" | head -n 20 || true)"
if [ -z "$found" ]; then pass "server logs: no crashed backend, PANIC or TRAP"; else fail "server logs: no crash" "$found"; fi

# Canaries, in the first server: a new asan.<pid> file or UBSan's message in its log.
canary="$INST/usr/lib/postgresql/$SAN_PG/lib/azb_canary.so"
# shellcheck disable=SC2086 # FLAGS is a list of flags
gcc -shared -fPIC -O0 -g $FLAGS -I"$("$SAN_PG_CONFIG" --includedir-server)" -o "$canary" "$HERE/canary.c" ||
	bail_out "canary.c did not build"
for c in "azb_canary_heap_overflow 8 heap-buffer-overflow" "azb_canary_shift 40 shift.exponent"; do
	read -r fn arg pattern <<<"$c"
	n0="$(cat "$SAN"/asan.* "$LOG" 2>/dev/null | grep -cE "$pattern" || true)"
	psql -X -qAt -c "CREATE FUNCTION $fn(int) RETURNS int AS '$canary', '$fn' LANGUAGE C STRICT" -c "SELECT $fn($arg)" >/dev/null 2>&1 || true
	sleep 1
	n1="$(cat "$SAN"/asan.* "$LOG" 2>/dev/null | grep -cE "$pattern" || true)"
	if [ "$n1" -gt "$n0" ]; then pass "canary $fn($arg): '$pattern' reported"; else fail "canary $fn($arg): '$pattern' reported"; fi
	for _ in $(seq 100); do pg_isready -q && break; sleep 0.1; done
done
echo "# logs: $OUT"
tap_summary
