#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz with clang (ASan + UBSan) and runs
# each for a bounded time on a copy of its seed corpus.
#   test/fuzz/run.sh [SECONDS]        default 30 per target (FUZZ_SECONDS also works)
# A target that crashes, leaks or breaks an invariant fails; its input is kept
# in build-fuzz/artifacts/ — add it to test/fuzz/regressions/<target>/ once
# fixed, so every later run replays it. Ends with "N passed, M failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_EACH="${1:-${FUZZ_SECONDS:-30}}"
BUILD="$ROOT/build-fuzz"
CXX_BIN="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$CXX_BIN" ]; then
	echo "not ok 1 - clang++ is not installed (scripts/install-deps.sh installs clang)"
	echo "0 passed, 1 failed"
	exit 1
fi

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_CXX_COMPILER="$CXX_BIN" -DAZURE_BLOB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 >/dev/null

pass=0
fail=0
n=0
mkdir -p "$BUILD/artifacts"
for target_path in "$BUILD"/fuzz_*; do
	[ -x "$target_path" ] || continue
	target="$(basename "$target_path")"
	name="${target#fuzz_}"
	n=$((n + 1))
	work="$(mktemp -d)"
	# The seeds and every kept regression input, copied: the run adds to its own corpus only.
	cp -r "$ROOT/test/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
	if [ -d "$ROOT/test/fuzz/regressions/$name" ]; then
		cp -r "$ROOT/test/fuzz/regressions/$name/." "$work/"
	fi
	log="$BUILD/$target.log"
	if "$target_path" "$work" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$BUILD/artifacts/$target-" -print_final_stats=1 >"$log" 2>&1; then
		runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
		echo "ok $n - $target: ${SECONDS_EACH}s, $runs inputs, no crash"
		pass=$((pass + 1))
	else
		echo "not ok $n - $target: crash or invariant failure (log: $log; input in $BUILD/artifacts/)"
		grep -E "ERROR|invariant|SUMMARY" "$log" | head -5 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
	rm -rf "$work"
done
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
