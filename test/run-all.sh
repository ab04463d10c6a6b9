#!/usr/bin/env bash
# THE test command of azure_blob: test/run-all.sh
#
# Stages, in this order (CONTRIBUTING.md "Tests" says what each layer checks):
#   deps      scripts/install-deps.sh (installs only what is missing)
#   meta      scripts/check-meta.py (META.json against the PGXN spec and the control file)
#   format    make format-check: every C++ file as clang-format (.clang-format) writes it
#   build     make && make install (PostgreSQL 15)
#   unit      cmake + ctest: src/core without a server
#   regress   make installcheck: pg_regress, offline (pg_virtualenv -t -v 15)
#   attacks   make installcheck-security: the 1.1 review's attacks (pg_regress + isolation)
#   tap:NAME  make installcheck-tap as the postgres OS user: one stage per test/t/*.pl
#             (Azurite, PgBouncer, hot standby, Chromium...; each starts its own clusters)
#   pg18:*    test/pg-major.sh: build against PostgreSQL 18.3 (AZB_PG18_PREFIX, default
#             /opt/postgresql-18.3, built from ../shared/pg/build.sh in the background when
#             missing), pg_regress, attacks and every TAP suite on it, and pg_upgrade 15 -> 18;
#             skipped, and said so, without an 18 install and without ../shared
#   package   test/package/deb.sh: the Debian package builds, installs and passes installcheck
#   asan-unit cmake -DAZURE_BLOB_SANITIZE=ON + ctest
#   fuzz      test/fuzz/run.sh, FUZZ_SECONDS (30) per target
# AZB_QUICK=1 keeps deps, meta, build, unit, regress, attacks and the TAP suites
# that need no browser (about 6 minutes instead of about 20).
# Counting: ctest's summary, pg_regress's per-test lines, TAP's top-level
# "ok N"/"not ok N" lines, the other scripts' "N passed, M failed" line.  A
# stage that cannot run, or whose exit status contradicts its counts, adds 1
# failed.  The last line is exactly "N passed, M failed" over all stages; exit
# status 0 only if M == 0.  Logs: build/run-all-logs/<stage>.log (AZB_LOG_DIR).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=()
[ "$(id -u)" -ne 0 ] && SUDO=(sudo)
QUICK="${AZB_QUICK:-0}"
LOG_DIR="${AZB_LOG_DIR:-$ROOT/build/run-all-logs}"
mkdir -p "$LOG_DIR"
TOTAL_PASS=0
TOTAL_FAIL=0
SUMMARY=()

# record STAGE PASSED FAILED NOTE SECONDS
record() {
	TOTAL_PASS=$((TOTAL_PASS + $2))
	TOTAL_FAIL=$((TOTAL_FAIL + $3))
	SUMMARY+=("$(printf '%-16s %4d passed, %4d failed  %5ss  %s' "$1" "$2" "$3" "$5" "$4")")
}

banner() {
	printf '\n==============================================================\n== %s\n' "$*"
	printf '==============================================================\n'
}

# run_logged LOG CMD...: CMD's output on the terminal and in LOG; CMD's exit status.
run_logged() {
	local log=$1 rc=0
	shift
	"$@" 2>&1 | tee "$log" || rc=$?
	return "$rc"
}

# pgve CMD...: CMD in a private, temporary PostgreSQL 15 cluster on a free port.
pgve() {
	PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" \
		pg_virtualenv -t -v 15 "$@"
}

# verdict NAME LOG RC T0 PASSED FAILED NOTE: records, turning "no tests" and a
# nonzero exit without a failed test into one failure.
verdict() {
	local name=$1 log=$2 rc=$3 t0=$4 passed=$5 failed=$6 note=$7
	if [ "$((passed + failed))" -eq 0 ]; then
		failed=1 note="no test ran, exit $rc (see $log)"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1 note="$note; but exit $rc"
	fi
	record "$name" "$passed" "$failed" "$note" $((SECONDS - t0))
}

# summary_stage NAME CMD...: a command whose last "N passed, M failed" line counts.
summary_stage() {
	local name=$1 log="$LOG_DIR/$1.log" rc=0 t0=$SECONDS line
	shift
	banner "$name: $*"
	run_logged "$log" "$@" || rc=$?
	line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
	verdict "$name" "$log" "$rc" "$t0" "${line%% *}" "$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed$/\1/' <<<"${line:-0 passed, 0 failed}")" "exit $rc"
}

# ctest_stage NAME BUILD_DIR [CMAKE_ARGS...]: configure, build and run ctest.
ctest_stage() {
	local name=$1 dir=$2 log="$LOG_DIR/$1.log" rc=0 t0=$SECONDS line total failed
	shift 2
	banner "$name: cmake -S . -B $dir $* && ctest"
	if ! run_logged "$LOG_DIR/$name-configure.log" cmake -S . -B "$dir" "$@" ||
		! run_logged "$LOG_DIR/$name-build.log" cmake --build "$dir" -j2; then
		record "$name" 0 1 "cmake build failed (see $LOG_DIR/$name-build.log)" $((SECONDS - t0))
		return 0
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_logged "$log" ctest --test-dir "$dir" --output-on-failure || rc=$?
	# "100% tests passed, 0 tests failed out of 53"
	line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
	failed="$(sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/p' <<<"$line")"
	total="$(sed -nE 's/.* failed out of ([0-9]+).*/\1/p' <<<"$line")"
	verdict "$name" "$log" "$rc" "$t0" "$((${total:-0} - ${failed:-0}))" "${failed:-0}" "${line:-no ctest summary}"
}

# regress_stage NAME TARGET DIFFS...: pg_regress (and isolation) under pgve,
# counted from its per-test lines.
regress_stage() {
	local name=$1 target=$2 log="$LOG_DIR/$1.log" rc=0 t0=$SECONDS d
	shift 2
	banner "$name: pg_virtualenv -t -v 15 make -k $target"
	rm -f "$@"
	run_logged "$log" pgve make -k "$target" || rc=$?
	for d in "$@"; do [ -s "$d" ] && { echo "----- $d -----"; cat "$d"; }; done
	# PostgreSQL 15: "test foo ... ok"; 16 and later: "ok 1 - foo", "not ok 2 + bar" (parallel).
	verdict "$name" "$log" "$rc" "$t0" "$(grep -cE '^((test| ) +[^ ].* \.\.\. ok( |$)|ok [0-9]+ +[-+] )' "$log" || true)" \
		"$(grep -cE '^((test| ) +[^ ].* \.\.\. (FAILED|failed)( |$)|not ok [0-9]+ +[-+] )' "$log" || true)" "pg_regress, exit $rc"
}

# tap_stage FILE: one TAP suite as the postgres OS user (initdb refuses root),
# counted from prove's top-level lines; "ok N # skip" counts as neither.
TAP_SRC="$ROOT"
tap_stage() {
	local file=$1 name log rc=0 t0=$SECONDS passed failed skipped todo note
	name="tap:$(basename "$file" .pl)"
	log="$LOG_DIR/${name/:/-}.log"
	banner "$name: make installcheck-tap PROVE_TESTS=$file (as postgres)"
	run_logged "$log" runuser -u postgres -- make -C "$TAP_SRC" -s installcheck-tap PROVE_TESTS="$file" \
		PROVE_FLAGS=--verbose TAP_TESTDIR="$TAP_DIR/$(basename "$file" .pl)" bindir="$TAP_PG/usr/lib/postgresql/15/bin" || rc=$?
	passed="$(grep -cE '^ok [0-9]+( |$)' "$log" || true)"
	skipped="$(grep -cE '^ok [0-9]+ # skip' "$log" || true)"
	todo="$(grep -cE '^not ok [0-9]+ .*# TODO' "$log" || true)"
	failed="$(grep -cE '^not ok [0-9]+' "$log" || true)"
	passed=$((passed - skipped)) failed=$((failed - todo))
	note="exit $rc"
	[ "$skipped" -gt 0 ] && note="$note; $skipped skipped"
	[ "$todo" -gt 0 ] && note="$note; $todo todo (known gaps)"
	# A suite that skips itself (skip_all): prove prints "file.pl .. skipped: REASON".
	if grep -qE '\.pl \.\. skipped: ' "$log" && [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
		record "$name" 0 0 "skipped: $(sed -nE 's/.*\.pl \.\. skipped: *//p' "$log" | head -1)" $((SECONDS - t0))
		return 0
	fi
	verdict "$name" "$log" "$rc" "$t0" "$passed" "$failed" "$note"
}

# ---------------------------------------------------------------------------
banner "deps: scripts/install-deps.sh"
t0=$SECONDS
if run_logged "$LOG_DIR/deps.log" bash scripts/install-deps.sh; then
	record deps 0 0 "ok" $((SECONDS - t0))
else
	record deps 0 1 "install-deps.sh failed (see $LOG_DIR/deps.log)" $((SECONDS - t0))
fi

summary_stage meta python3 scripts/check-meta.py META.json
summary_stage format make -s format-check

# PostgreSQL 18 builds (about 10 minutes, once per machine) while the 15 stages run.
PG18_PREFIX="${AZB_PG18_PREFIX:-/opt/postgresql-18.3}"
PG18_BUILD_PID=""
if [ "$QUICK" != 1 ] && [ ! -x "$PG18_PREFIX/bin/pg_config" ] && [ -x "$ROOT/../shared/pg/build.sh" ]; then
	echo "pg18: building PostgreSQL 18.3 into $PG18_PREFIX in the background (log: $LOG_DIR/pg18-build.log)"
	bash "$ROOT/../shared/pg/build.sh" 18.3 "$PG18_PREFIX" >"$LOG_DIR/pg18-build.log" 2>&1 &
	PG18_BUILD_PID=$!
fi

banner "build: make && make install"
t0=$SECONDS
BUILD_OK=0
if ! run_logged "$LOG_DIR/build.log" make -j2; then
	record build 0 1 "make failed (see $LOG_DIR/build.log)" $((SECONDS - t0))
elif ! run_logged "$LOG_DIR/install.log" "${SUDO[@]}" make install; then
	record build 0 1 "make install failed (see $LOG_DIR/install.log)" $((SECONDS - t0))
else
	BUILD_OK=1
	record build 0 0 "ok" $((SECONDS - t0))
fi

ctest_stage unit build

if [ "$BUILD_OK" != 1 ]; then
	# Running against whatever an earlier build installed would test the wrong code.
	record server 0 1 "cannot run the server stages: build failed" 0
else
	regress_stage regress installcheck regression.diffs
	regress_stage attacks installcheck-security test/security/regression.diffs test/security/isolation/regression.diffs

	# TAP suites run as postgres: from a copy it can read if it cannot read this clone,
	# against a private copy of PostgreSQL 15 with this build installed into it, so a
	# `make install` by anyone else on the machine meanwhile cannot change what is tested.
	TAP_DIR="$(mktemp -d /tmp/azb-tap.XXXXXX)"
	if ! runuser -u postgres -- test -r "$ROOT/Makefile" -a -x "$ROOT/test/perl"; then
		TAP_SRC="$TAP_DIR/src"
		cp -a "$ROOT/." "$TAP_SRC"
	fi
	TAP_PG="$TAP_DIR/pg"
	mkdir -p "$TAP_PG/usr/lib/postgresql" "$TAP_PG/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$TAP_PG/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$TAP_PG/usr/share/postgresql/"
	make -s install DESTDIR="$TAP_PG" >"$LOG_DIR/tap-install.log" 2>&1
	chown -R postgres "$TAP_DIR"
	# The timed checks of the TAP suites (faults) should not share the cores with
	# PostgreSQL 18's compiler: wait for that build first.
	PG18_BUILD_RC=0
	if [ -n "$PG18_BUILD_PID" ]; then
		echo "pg18: waiting for the PostgreSQL 18.3 build to finish"
		wait "$PG18_BUILD_PID" || PG18_BUILD_RC=$?
		PG18_BUILD_PID=""
	fi
	for f in test/t/*.pl; do
		if [ "$QUICK" = 1 ] && grep -q 'AZB_SLOW' "$f"; then
			record "tap:$(basename "$f" .pl)" 0 0 "skipped: AZB_QUICK=1" 0
			continue
		fi
		tap_stage "$f"
	done
	rm -rf "$TAP_PG" # the suites' logs stay in $TAP_DIR/<suite>/tmp_check/log
fi

# pg18_stage: test/pg-major.sh, counted as two stages (pg_regress lines before its
# "pg_regress stages took" line, TAP lines after it).
pg18_stage() {
	local log="$LOG_DIR/pg18.log" rc=0 t0=$SECONDS reg tap
	banner "pg18: test/pg-major.sh $PG18_PREFIX"
	if [ "${PG18_BUILD_RC:-0}" -ne 0 ] || { [ -n "$PG18_BUILD_PID" ] && ! wait "$PG18_BUILD_PID"; }; then
		tail -20 "$LOG_DIR/pg18-build.log"
		record pg18 0 1 "building PostgreSQL 18.3 failed (see $LOG_DIR/pg18-build.log)" $((SECONDS - t0))
		return 0
	fi
	run_logged "$log" bash test/pg-major.sh "$PG18_PREFIX" || rc=$?
	if grep -q '^pg-major: skipped:' "$log"; then
		record pg18 0 0 "$(sed -n 's/^pg-major: //p' "$log" | head -1)" $((SECONDS - t0))
		return 0
	fi
	reg="$(sed '/^pg-major: pg_regress stages took/q' "$log")"
	tap="$(sed -n '/^pg-major: pg_regress stages took/,$p' "$log")"
	record pg18:regress "$(grep -cE '^ok [0-9]+ +[-+] ' <<<"$reg" || true)" \
		"$(grep -cE '^not ok [0-9]+ +[-+] ' <<<"$reg" || true)" "pg_regress on 18" 0
	verdict pg18:tap "$log" "$rc" "$t0" "$(grep -cE '^ok [0-9]+( |$)' <<<"$tap" || true)" \
		"$(grep -E '^not ok [0-9]+' <<<"$tap" | grep -vc '# TODO' || true)" "TAP on 18, exit $rc"
}
if [ "$QUICK" = 1 ]; then
	record pg18 0 0 "skipped: AZB_QUICK=1" 0
elif [ "$BUILD_OK" = 1 ]; then
	pg18_stage
fi
# After the 18 stage: it needs this build in PostgreSQL 15 (the old major of
# its pg_upgrade test), and removing the package removes azure_blob.so there.
if [ "$QUICK" != 1 ] && [ "$BUILD_OK" = 1 ]; then
	summary_stage package bash test/package/deb.sh
	run_logged "$LOG_DIR/reinstall.log" "${SUDO[@]}" make install >/dev/null || true
fi

if [ "$QUICK" != 1 ]; then
	ctest_stage asan-unit build-asan -DAZURE_BLOB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	summary_stage fuzz bash test/fuzz/run.sh "${FUZZ_SECONDS:-30}"
fi

# AZB_FULL=1: also the extension itself under ASan + UBSan (about 10 more minutes).
if [ "${AZB_FULL:-0}" = 1 ]; then
	summary_stage asan bash test/sanitize/asan.sh
fi

banner "summary (logs in $LOG_DIR)"
printf '%s\n' "${SUMMARY[@]}"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
