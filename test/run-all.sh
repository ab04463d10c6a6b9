#!/usr/bin/env bash
# THE test command of azure_blob: test/run-all.sh
#
# Stages, always all of them, in this order:
#   deps     scripts/install-deps.sh (installs only what is missing)
#   build    make && make install (sudo when not root)
#   unit     cmake -S . -B build && cmake --build build -j2 && ctest --test-dir build
#   regress  pg_virtualenv -t -v 15 make installcheck (pg_regress, offline)
#   e2e      pg_virtualenv -t -v 15 test/azurite/e2e.sh (real Azurite on 127.0.0.1)
#   rest     pg_virtualenv -t -v 15 test/azurite/rest.sh (REST functions, lifecycle)
#   faults   pg_virtualenv -t -v 15 test/azurite/faults.sh (outages, timeouts, cancel, retries)
#   attacks  pg_virtualenv -t -v 15 make installcheck-security (test/security: the 1.1 review's attacks)
#   security pg_virtualenv -t -v 15 -o log_statement=all -o log_min_messages=debug5 ...
#            test/security/leaks.sh (no key or signature in logs, results, EXPLAIN, pg_stat_activity)
#   pgbouncer pg_virtualenv -t -v 15 test/security/pgbouncer.sh (azure_blob.user_id behind a
#            transaction pooler: one client's identity never reaches the next)
#   pgbouncer pg_virtualenv -t -v 15 test/security/pgbouncer.sh (identity through transaction pooling)
#   keys     test/keys/master_key.sh (master key file, primary and hot standby)
#   browser  pg_virtualenv -t -v 15 test/browser/run.sh (headless Chromium + Azurite)
# Every cluster is private (-t: a temporary directory even as root) on a free
# port of its own (PGPORT), so runs of other people on this machine never
# collide with ours, whether on the system cluster "15/regress" or on 5432.
# Counting: unit tests from ctest's summary line, pg_regress tests from its
# per-test "ok"/"FAILED"/"failed" lines, e2e, rest, faults, security, pgbouncer and browser from
# their "N passed, M failed" lines. A stage that cannot run at all, or whose exit status contradicts its
# counts, adds 1 failed. deps and build add only failures (they are not tests).
# The last line is exactly "N passed, M failed" over all stages; exit status 0
# only if M == 0.
# Logs of each stage: build/run-all-logs/<stage>.log (override: AZB_LOG_DIR).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	SUDO=(sudo)
fi

LOG_DIR="${AZB_LOG_DIR:-$ROOT/build/run-all-logs}"
mkdir -p "$LOG_DIR"

TOTAL_PASS=0
TOTAL_FAIL=0
SUMMARY=()

# record STAGE PASSED FAILED NOTE SECONDS
record() {
	TOTAL_PASS=$((TOTAL_PASS + $2))
	TOTAL_FAIL=$((TOTAL_FAIL + $3))
	SUMMARY+=("$(printf '%-8s %4d passed, %4d failed  %5ss  %s' "$1" "$2" "$3" "$5" "$4")")
}

banner() {
	echo
	echo "=============================================================="
	echo "== $*"
	echo "=============================================================="
}

# run_logged LOG CMD...: run CMD with its output on the terminal and in LOG;
# prints nothing itself, returns CMD's exit status (pipefail: tee never fails
# the pipeline).
run_logged() {
	local log=$1
	shift
	local rc=0
	"$@" 2>&1 | tee "$log" || rc=$?
	return "$rc"
}

# pgve CMD...: CMD in a private, temporary PostgreSQL 15 cluster. With -t,
# pg_createcluster does not see the system's clusters and would take port
# 5432, failing when anything else holds it: give it a free port.
pgve() {
	local port
	port="$(bash -c '. "$1/test/lib.sh"; azb_free_port' _ "$ROOT")" || return 1
	PGPORT="$port" pg_virtualenv -t -v 15 "$@"
}

# ---------------------------------------------------------------------------
banner "deps: scripts/install-deps.sh"
t0=$SECONDS
if run_logged "$LOG_DIR/deps.log" bash scripts/install-deps.sh; then
	record deps 0 0 "ok" $((SECONDS - t0))
else
	record deps 0 1 "install-deps.sh failed (see $LOG_DIR/deps.log)" $((SECONDS - t0))
fi

# ---------------------------------------------------------------------------
banner "build: make && make install"
t0=$SECONDS
BUILD_OK=0
if [ ! -f Makefile ]; then
	echo "no Makefile in $ROOT"
	record build 0 1 "no Makefile" $((SECONDS - t0))
elif ! run_logged "$LOG_DIR/build.log" make; then
	record build 0 1 "make failed (see $LOG_DIR/build.log)" $((SECONDS - t0))
elif ! run_logged "$LOG_DIR/install.log" "${SUDO[@]}" make install; then
	record build 0 1 "make install failed (see $LOG_DIR/install.log)" $((SECONDS - t0))
else
	BUILD_OK=1
	record build 0 0 "ok" $((SECONDS - t0))
fi

# ---------------------------------------------------------------------------
banner "unit: cmake + ctest"
t0=$SECONDS
log="$LOG_DIR/unit.log"
if [ ! -f CMakeLists.txt ]; then
	echo "no CMakeLists.txt in $ROOT"
	record unit 0 1 "no CMakeLists.txt" $((SECONDS - t0))
elif ! run_logged "$LOG_DIR/unit-configure.log" cmake -S . -B build; then
	record unit 0 1 "cmake configure failed" $((SECONDS - t0))
elif ! run_logged "$LOG_DIR/unit-build.log" cmake --build build -j2; then
	record unit 0 1 "cmake build failed" $((SECONDS - t0))
else
	rc=0
	run_logged "$log" ctest --test-dir build --output-on-failure || rc=$?
	# "100% tests passed, 0 tests failed out of 53"
	line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
	if [ -z "$line" ]; then
		record unit 0 1 "no ctest summary line (no tests?), exit $rc" $((SECONDS - t0))
	else
		failed="$(sed -E 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
		total="$(sed -E 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
		passed=$((total - failed))
		note="$line"
		if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
			failed=1
			note="$line; but ctest exited $rc"
		elif [ "$total" -eq 0 ]; then
			failed=1
			note="ctest ran no tests"
		fi
		record unit "$passed" "$failed" "$note" $((SECONDS - t0))
	fi
fi

# ---------------------------------------------------------------------------
# regress_stage NAME DIFFS TARGET: a make target that runs pg_regress (and
# pg_isolation_regress) under pgve, counted from the per-test lines, which
# pg_regress 15 prints as
#   "test foo                         ... ok           12 ms"
#   "     foo                         ... FAILED       12 ms"   (parallel group)
#   "test foo                         ... failed (ignored)"
# DIFFS: the regression.diffs files it may leave, shown when not empty.
regress_stage() {
	local name=$1 diffs=$2 target=$3 t0=$SECONDS log rc passed failed note d
	banner "$name: pg_virtualenv -t -v 15 make -k $target"
	log="$LOG_DIR/$name.log"
	if [ "$BUILD_OK" != 1 ]; then
		# Running against whatever an earlier build installed would test the wrong code.
		echo "skipped: the extension did not build and install"
		record "$name" 0 1 "cannot run: build failed" $((SECONDS - t0))
		return 0
	fi
	# shellcheck disable=SC2086
	rm -f $diffs
	rc=0
	run_logged "$log" pgve make -k "$target" || rc=$?
	passed="$(grep -cE '^(test| ) +[^ ].* \.\.\. ok( |$)' "$log" || true)"
	failed="$(grep -cE '^(test| ) +[^ ].* \.\.\. (FAILED|failed)( |$)' "$log" || true)"
	note="pg_regress, exit $rc"
	if [ "$((passed + failed))" -eq 0 ]; then
		failed=1
		note="no pg_regress test ran, exit $rc"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
		note="no failing test line, but exit $rc"
	fi
	for d in $diffs; do
		if [ -s "$d" ]; then
			echo "----- $d -----"
			cat "$d"
			echo "----- end of $d -----"
		fi
	done
	record "$name" "$passed" "$failed" "$note" $((SECONDS - t0))
}
regress_stage regress "regression.diffs" installcheck
# The attacks of the 1.1 security review, each a pg_regress file or an
# isolation spec under test/security.
regress_stage attacks "test/security/regression.diffs test/security/isolation/regression.diffs" installcheck-security

# ---------------------------------------------------------------------------
# record_from_log NAME LOG RC T0 [NOTE]: records a stage from the last
# "N passed, M failed" line of LOG; none is one failure, and so is a nonzero
# exit whose summary says 0 failed.
record_from_log() {
	local name=$1 log=$2 rc=$3 t0=$4 note="exit $3${5:+; $5}" line passed failed
	line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
	if [ -z "$line" ]; then
		record "$name" 0 1 "no summary line, exit $rc" $((SECONDS - t0))
		return 0
	fi
	passed="${line%% *}"
	failed="$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed$/\1/' <<<"$line")"
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
		note="summary says 0 failed, but exit $rc"
	fi
	record "$name" "$passed" "$failed" "$note" $((SECONDS - t0))
}

# suite_stage NAME SCRIPT [PG_VIRTUALENV_OPTION...]: a suite under pgve, counted like e2e.
suite_stage() {
	local name=$1 script=$2 log rc todo_line todo_n extra="" t0=$SECONDS
	shift 2
	banner "$name: pg_virtualenv -t -v 15 $* $script"
	log="$LOG_DIR/$name.log"
	if [ "$BUILD_OK" != 1 ]; then
		echo "skipped: the extension did not build and install"
		record "$name" 0 1 "cannot run: build failed" $((SECONDS - t0))
		return 0
	fi
	rc=0
	run_logged "$log" pgve "$@" bash "$script" || rc=$?
	todo_line="$(grep -E '^# [0-9]+ todo' "$log" | tail -n 1 || true)"
	if [ -n "$todo_line" ]; then
		todo_n="${todo_line#\# }"
		extra="${todo_n%% *} todo (known gaps, see $name.log)"
	fi
	record_from_log "$name" "$log" "$rc" "$t0" "$extra"
}
suite_stage e2e test/azurite/e2e.sh
suite_stage rest test/azurite/rest.sh
suite_stage faults test/azurite/faults.sh
suite_stage security test/security/leaks.sh -o log_statement=all -o log_min_messages=debug5 \
	-o log_min_error_statement=debug5 -o log_parameter_max_length=-1
suite_stage pgbouncer test/security/pgbouncer.sh

# ---------------------------------------------------------------------------
# The master key file on a primary and a hot standby (its own clusters,
# Debian's layout: config outside the data directory; as postgres).
banner "keys: test/keys/master_key.sh"
t0=$SECONDS
log="$LOG_DIR/keys.log"
if [ "$BUILD_OK" != 1 ]; then
	echo "skipped: the extension did not build and install"
	record keys 0 1 "cannot run: build failed" $((SECONDS - t0))
else
	rc=0
	run_logged "$log" bash test/keys/master_key.sh || rc=$?
	record_from_log keys "$log" "$rc" "$t0"
fi

# ---------------------------------------------------------------------------
banner "browser: pg_virtualenv -t -v 15 test/browser/run.sh"
t0=$SECONDS
log="$LOG_DIR/browser.log"
if [ "$BUILD_OK" != 1 ]; then
	echo "skipped: the extension did not build and install"
	record browser 0 1 "cannot run: build failed" $((SECONDS - t0))
else
	rc=0
	run_logged "$log" pgve bash test/browser/run.sh || rc=$?
	record_from_log browser "$log" "$rc" "$t0" "screenshots in build/browser/"
fi

# ---------------------------------------------------------------------------
# The unit tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
banner "asan-unit: cmake -DAZURE_BLOB_SANITIZE=ON + ctest"
t0=$SECONDS
log="$LOG_DIR/asan-unit.log"
if ! run_logged "$LOG_DIR/asan-configure.log" cmake -S . -B build-asan -DAZURE_BLOB_SANITIZE=ON \
	-DAZURE_BLOB_BUILD_MODULE=OFF -DCMAKE_BUILD_TYPE=Debug ||
	! run_logged "$LOG_DIR/asan-build.log" cmake --build build-asan -j2; then
	record asan-unit 0 1 "sanitizer build failed" $((SECONDS - t0))
else
	rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_logged "$log" ctest --test-dir build-asan --output-on-failure || rc=$?
	line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
	if [ -z "$line" ]; then
		record asan-unit 0 1 "no ctest summary line, exit $rc" $((SECONDS - t0))
	else
		failed="$(sed -E 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
		total="$(sed -E 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
		note="$line"
		if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
			failed=1
			note="$line; but ctest exited $rc"
		fi
		record asan-unit "$((total - failed))" "$failed" "$note" $((SECONDS - t0))
	fi
fi

# ---------------------------------------------------------------------------
# libFuzzer targets, FUZZ_SECONDS each (default 30), seeds and kept regressions first.
banner "fuzz: test/fuzz/run.sh ${FUZZ_SECONDS:-30}"
t0=$SECONDS
log="$LOG_DIR/fuzz.log"
rc=0
run_logged "$log" bash test/fuzz/run.sh "${FUZZ_SECONDS:-30}" || rc=$?
record_from_log fuzz "$log" "$rc" "$t0"

# ---------------------------------------------------------------------------
# AZB_FULL=1: also the long runs that CI skips (they need ~6 more minutes):
# the 120 s soak with two Azurite outages, and the extension itself under
# ASan + UBSan (regress, Azurite suites, a short soak). Counted like e2e.
long_stage() {
	local name=$1 log rc t0=$SECONDS
	shift
	banner "$name: $*"
	log="$LOG_DIR/$name.log"
	rc=0
	run_logged "$log" "$@" || rc=$?
	record_from_log "$name" "$log" "$rc" "$t0"
}
if [ "${AZB_FULL:-0}" = 1 ]; then
	if [ "$BUILD_OK" = 1 ]; then
		long_stage soak bash test/soak/soak.sh
	else
		record soak 0 1 "cannot run: build failed" 0
	fi
	long_stage asan bash test/sanitize/asan.sh
fi

# ---------------------------------------------------------------------------
banner "summary (logs in $LOG_DIR)"
for s in "${SUMMARY[@]}"; do
	echo "$s"
done
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
