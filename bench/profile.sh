#!/usr/bin/env bash
# bench/profile.sh: where the instructions of the signing hot path go.
#
#   bench/profile.sh [--no-deps] [--no-build] [--calls N] [--out DIR]
#
# Sets up a pg_virtualenv cluster exactly as bench/run.sh does (bench/sql/
# setup.sql, with N rows in azure_files), stops it, and runs one single-user
# backend (`postgres --single`) on its data directory under
# `valgrind --tool=callgrind` with three statements, each over N calls
# (default 20,000):
#   (a) azure_blob_sas_url with the bench's fixed options, as bench_admin
#   (b) azure_generate_upload_sas, as bench_user
#   (c) azure_generate_read_sas over the N rows of bench_user (RLS applies)
# Collection is limited to standard_ExecutorRun (the statements' execution:
# no startup, parsing, planning, or loading of azure_blob.so).
# Prints the instructions per call of each entry point and the top 25
# functions by inclusive and by self instruction count (callgrind_annotate);
# keeps callgrind.out and the full annotations in DIR (default
# bench/results/tmp/profile) for kcachegrind or callgrind_annotate --tree=caller.
# Then, where perf works (linux-perf; a KVM guest without a PMU samples
# cpu-clock), a native profile: the same single-user backend runs (a) and (b)
# over 2,000,000 calls each (PROFILE_NATIVE_CALLS) under `perf record`, and
# the share of each library and the top 20 functions by self time are printed;
# (c) runs its statement over and over for about as many calls.
# Under valgrind OpenSSL runs another SHA-256 code path, so only the native
# profile shows what each cost is in time.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -z "${PROFILE_IN_VIRTUALENV:-}" ]; then
	deps=1 build=1 calls=20000 out="$BENCH/results/tmp/profile"
	while [ $# -gt 0 ]; do
		case "$1" in
		--no-deps) deps=0 ;;
		--no-build) build=0 ;;
		--calls) calls="$2"; shift ;;
		--out) out="$2"; shift ;;
		-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown argument $1 (see --help)" ;;
		esac
		shift
	done
	[[ "$calls" =~ ^[0-9]+$ ]] || die "--calls needs a number"
	# shellcheck source=lib/prepare.sh
	. "$BENCH/lib/prepare.sh"
	bench_prepare "$deps" "$build"
	mkdir -p "$out"
	out="$(cd "$out" && pwd)"
	export PROFILE_IN_VIRTUALENV=1 PROFILE_CALLS="$calls" PROFILE_OUT="$out"
	pg_virtualenv -t -v 15 "$BENCH/profile.sh" >&2
	cat "$out/summary.txt"
	exit 0
fi

#
# Inside pg_virtualenv.
#
# shellcheck source=lib/common.sh
. "$BENCH/lib/common.sh"
N=$PROFILE_CALLS
OUT=$PROFILE_OUT
PW="bench-$RANDOM$RANDOM"

log "setting up the cluster ($N rows for (c))"
psql -X -q -v ON_ERROR_STOP=1 -v connstr="$CONNSTR" -v container="$CONTAINER" -v user_id="$USER_ID" \
	-v password="$PW" -v rows="$N" -f "$BENCH/sql/setup.sql" >/dev/null

DATA="$(psql -XAtc 'SHOW data_directory')"
CONF="$(psql -XAtc 'SHOW config_file')"
BINDIR="$(pg_config --bindir)"
OWNER="$(stat -c %U "$DATA")"
CLUSTER="$(pg_lsclusters -h | awk -v d="$DATA" '$6 == d { print $1, $2 }')"
[ -n "$CLUSTER" ] || die "cannot find the cluster of $DATA"
# shellcheck disable=SC2086
pg_ctlcluster $CLUSTER stop

# One statement per line: single-user mode ends a statement at a newline.
SCRIPT="$OUT/statements.sql"
{
	# Each line is a transaction of its own: let bench_user's SET last (as its ALTER ROLE does).
	echo "SET azure_blob.session_user_id = on;"
	echo "SET ROLE bench_admin;"
	echo "${Q_A//\{N\}/$N};"
	echo "RESET ROLE;"
	echo "SET ROLE bench_user;"
	echo "SET azure_blob.user_id = '$USER_ID';"
	echo "${Q_B//\{N\}/$N};"
	echo "$Q_C;"
} >"$SCRIPT"

WORK="$(mktemp -d)"
chmod 755 "$WORK"
cp "$SCRIPT" "$WORK/statements.sql"
chown "$OWNER" "$WORK"
RUN_AS=()
[ "$(id -u)" -eq 0 ] && [ "$OWNER" != root ] && RUN_AS=(runuser -u "$OWNER" --)

log "running postgres --single under callgrind ($N calls of each of (a), (b), (c); about half a minute)"
t0=$(date +%s)
"${RUN_AS[@]}" valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
	--collect-atstart=no --toggle-collect=standard_ExecutorRun \
	"$BINDIR/postgres" --single -D "$DATA" -c config_file="$CONF" postgres \
	<"$WORK/statements.sql" >"$WORK/backend.log" 2>"$WORK/valgrind.log" ||
	{ cat "$WORK/valgrind.log" "$WORK/backend.log" >&2; die "the single-user backend failed"; }
log "callgrind done in $(($(date +%s) - t0)) s"
grep -q ERROR "$WORK/backend.log" && { cat "$WORK/backend.log" >&2; die "a statement failed"; }
cp "$WORK/callgrind.out" "$WORK/backend.log" "$OUT/"
rm -rf "$WORK"
# shellcheck disable=SC2086
pg_ctlcluster $CLUSTER start

callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$OUT/callgrind.out" >"$OUT/inclusive.txt"
callgrind_annotate --auto=no --inclusive=no --threshold=100 "$OUT/callgrind.out" >"$OUT/self.txt"

# Function lines of callgrind_annotate: "  1,234,567 (12.34%)  file:function [object]".
# callgrind_annotate lists a function once per source file its code came from
# (inlined headers, relative and absolute paths), so entries are merged by
# function name: self costs add up, inclusive costs take the largest.
# The inclusive list leaves out the chain from main() down to
# standard_ExecutorRun (every frame >= 99.9 %: nothing to learn there).
top() { # file inclusive(1|0)
	awk -v incl="$2" '
	# Drops parameter lists (balanced parentheses) and ABI tags from a C++ name.
	function simplify(name,    out, depth, i, c) {
		out = ""; depth = 0
		for (i = 1; i <= length(name); i++) {
			c = substr(name, i, 1)
			if (c == "(" && substr(name, i, 12) != "(below main)" && substr(name, i, 11) != "(anonymous ") { depth++; continue }
			if (c == ")" && depth > 0) { depth--; if (depth == 0) out = out "()"; continue }
			if (depth == 0) out = out c
		}
		gsub(/\[abi:cxx11\]/, "", out)
		return out
	}
	/PROGRAM TOTALS/ { total = $1; gsub(",", "", total); total += 0; next }
	/^Ir +file:function/ { infns = 1; next }
	infns && /^-+$/ { next }
	infns && /^ *$/ { infns = 0; next }
	infns && /^ *[0-9,]+ \( *[0-9.]+%\) / {
		ir = $1; gsub(",", "", ir); ir += 0
		rest = $0; sub(/^[^)]*\)  /, "", rest)
		obj = ""
		if (match(rest, / \[[^]]*\]$/)) { obj = substr(rest, RSTART + 2, RLENGTH - 3); rest = substr(rest, 1, RSTART - 1); sub(/.*\//, "", obj) }
		# rest is file:function; the function name starts after the first ":" that follows the file.
		file = rest; sub(/:.*/, "", file); sub(/.*\//, "", file)
		fn = rest; sub(/^[^:]*:/, "", fn); fn = simplify(fn)
		if (!(fn in cost)) { order[++n] = fn; where[fn] = file; lib[fn] = obj }
		if (incl) { if (ir > cost[fn] + 0) cost[fn] = ir } else cost[fn] += ir
		if (lib[fn] == "" && obj != "") lib[fn] = obj
		if (where[fn] == "???" && file != "???") where[fn] = file
	}
	END {
		for (i = 1; i <= n; i++) {
			fn = order[i]
			if (incl && cost[fn] >= total * 0.999) continue
			printf "%.0f\t%.2f\t%s\t%s\t%s\n", cost[fn], 100 * cost[fn] / total, fn, where[fn], lib[fn]
		}
	}' "$1" | sort -t "$(printf '\t')" -k1,1nr | awk -F '\t' '
		function commas(x,    s) { s = ""; while (length(x) > 3) { s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3) } return x s }
		NR <= 25 { printf "%15s (%5.2f%%)  %s  [%s%s]\n", commas($1), $2, $3, $4, ($5 != "" ? ", " $5 : "") }'
}
total="$(awk '/^summary:/ { print $2 }' "$OUT/callgrind.out")"
{
	echo "callgrind: $N calls each of (a) azure_blob_sas_url, (b) azure_generate_upload_sas, (c) azure_generate_read_sas"
	echo "collected inside standard_ExecutorRun only; total $(printf "%'d" "$total") instructions"
	echo
	echo "Instructions per call (inclusive cost of the entry point / $N):"
	for f in azure_blob_sas_url azure_generate_upload_sas azure_generate_read_sas; do
		ir="$(awk -v f=":$f " '/^ *[0-9,]+ \( *[0-9.]+%\) / && index($0, f) && !n++ { gsub(",", "", $1); print $1 }' "$OUT/inclusive.txt")"
		if [ -n "$ir" ]; then
			printf '  %-28s %8d instr/call\n' "$f" $((ir / N))
		else
			printf '  %-28s not found\n' "$f"
		fi
	done
	echo "  (each statement, executor included: total / $N / 3 = $((total / N / 3)) instr/call on average)"
	echo
	echo "Top 25 by inclusive instructions (below standard_ExecutorRun):"
	top "$OUT/inclusive.txt" 1
	echo
	echo "Top 25 by self instructions:"
	top "$OUT/self.txt" 0
	echo
	echo "Callers of the unnamed functions among the top 10 by self cost:"
	callgrind_annotate --auto=no --tree=caller --threshold=100 "$OUT/callgrind.out" 2>/dev/null >"$OUT/callers.txt"
	top "$OUT/self.txt" 0 | awk 'NR <= 10' | grep -o '0x[0-9a-f]*  \[???, [^]]*\]' | while read -r addr _ obj; do
		fn="???:$addr" obj="[${obj%]}]"
		awk -v fn="$fn" '
			/^$/ { n = 0; next }
			/ < / { buf[++n] = $0; next }
			/ \* / && index($0, fn " ") { printf "  %s %s called by:\n", fn, obj
				for (i = 1; i <= n && i <= 4; i++) { line = buf[i]; sub(/ \[[^]]*\]$/, "", line); sub(/\(.*\)x\)/, "x)", line); printf "    %s\n", line } }
		' obj="$obj" "$OUT/callers.txt"
	done
	echo
	echo "Postgres itself has no debug symbols here (no -dbgsym package in Debian's main archive):"
	echo "its static functions show as ???:0x... addresses; exported ones by name."
	echo "Under valgrind, OpenSSL picks its SHA-256 code from the CPUID valgrind reports, which may differ"
	echo "from the native path (SHA extensions): instruction counts of libcrypto are not native cycles."
	echo "Files: $OUT/callgrind.out, inclusive.txt, self.txt, callers.txt, statements.sql"
} >"$OUT/summary.txt"

#
# Native profile: perf record on the single-user backend, one workload at a time.
#
native() { # label role statement [times]
	local label=$1 role=$2 stmt=$3 times=${4:-1} i
	{
		echo "SET azure_blob.session_user_id = on;"
		echo "SET ROLE $role;"
		[ "$role" = bench_user ] && echo "SET azure_blob.user_id = '$USER_ID';"
		for ((i = 0; i < times; i++)); do echo "$stmt;"; done
	} >"$WORK/native.sql"
	# shellcheck disable=SC2086
	pg_ctlcluster $CLUSTER stop
	perf record -q -F 2000 -o "$WORK/perf.$label.data" -- "${RUN_AS[@]}" "$BINDIR/postgres" --single -D "$DATA" \
		-c config_file="$CONF" postgres <"$WORK/native.sql" >"$WORK/native.log" 2>&1 ||
		{ cat "$WORK/native.log" >&2; return 1; }
	# shellcheck disable=SC2086
	pg_ctlcluster $CLUSTER start
	grep -q ERROR "$WORK/native.log" && { cat "$WORK/native.log" >&2; return 1; }
	echo
	echo "Native ($label): share of samples by library, then the top 20 functions by self samples"
	perf report -q -i "$WORK/perf.$label.data" --comm postgres --sort dso --stdio 2>/dev/null |
		awk 'NF >= 2 && $1 ~ /%$/ && n++ < 6 { printf "  %8s  %s\n", $1, $2 }'
	perf report -q -i "$WORK/perf.$label.data" --comm postgres --sort symbol --stdio -g none 2>/dev/null |
		awk '$1 ~ /%$/ && n++ < 20 { pct = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/ +-? +-? *$/, ""); printf "  %8s  %s\n", pct, substr($0, 1, 110) }'
}
NATIVE_N="${PROFILE_NATIVE_CALLS:-2000000}"
if command -v perf >/dev/null && perf record -q -o /dev/null -- true >/dev/null 2>&1; then
	WORK="$(mktemp -d)"
	chmod 755 "$WORK"
	# (c) signs once per row of azure_files ($N rows): the statement runs often enough for about NATIVE_N calls.
	C_TIMES=$(((NATIVE_N + N - 1) / N))
	log "native profile with perf: (a) and (b), $NATIVE_N calls each; (c) $C_TIMES times over $N rows"
	{
		echo
		echo "Native profile (perf record -F 2000, cpu-clock where the guest has no PMU): $NATIVE_N calls each"
		native a bench_admin "${Q_A//\{N\}/$NATIVE_N}"
		native b bench_user "${Q_B//\{N\}/$NATIVE_N}"
		native c bench_user "$Q_C" "$C_TIMES"
		echo
		echo "A row's share includes the query around the call (generate_series, ||, count: the postgres"
		echo "lines); libcrypto is the HMAC-SHA256 (its block function has no symbol in Debian's build)."
	} >>"$OUT/summary.txt" || log "native profile failed; the callgrind summary stands"
	rm -rf "$WORK"
else
	echo $'\nNative profile: skipped (perf is not installed or not permitted here; Debian: linux-perf).' >>"$OUT/summary.txt"
fi
