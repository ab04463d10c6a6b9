#!/usr/bin/env bash
# bench/run.sh: the azure_blob benchmark, one command. See bench/README.md.
#
#   bench/run.sh [--quick] [--no-deps] [--no-build] [--out DIR]
#
# Installs what is missing (bench/install-deps.sh), builds and installs the
# extension from this tree (make && make install), then re-runs itself under
# `pg_virtualenv -t -v 15` (a private, temporary cluster) and measures, in
# that one invocation:
#   (a) azure_blob_sas_url over generate_series        URLs/s
#   (b) azure_generate_upload_sas over generate_series URLs/s
#   (c) azure_generate_read_sas over the caller's 1,000,000 azure_files rows
#   (d) Node @azure/storage-blob: SDK signing loop and the guide's handler core
#   (e) raw OpenSSL HMAC-SHA256 on a message as long as (a)'s string-to-sign
#   (f) pgbench, 1 and 8 clients: upload_sas, read_sas against SELECT 1
#   (g) backend RSS before and after 10,000,000 signatures in one query
# (a)-(e) run in interleaved rounds (one run of each per round), each process
# on one core: CPU 1 for the measured process (postmaster, hence every
# backend, Node, the C program), CPU 0 for psql. (f) uses both cores.
# Prints the Markdown table and the target ratios; writes latest.md,
# latest.json and chart.png into bench/results/ (or --out DIR).
#
# Environment overrides: BENCH_RUNS (5), BENCH_SECONDS (2, length of one timed
# run), BENCH_ROWS (1000000, rows of (c)), BENCH_PGBENCH_SECONDS (5),
# BENCH_PGBENCH_RUNS (BENCH_RUNS), BENCH_RSS_N (10000000).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

#
# Outside the cluster: dependencies, build, then re-exec under pg_virtualenv.
#
if [ -z "${BENCH_IN_VIRTUALENV:-}" ]; then
	deps=1 build=1 quick=0 out="$BENCH/results"
	while [ $# -gt 0 ]; do
		case "$1" in
		--quick) quick=1 ;;
		--no-deps) deps=0 ;;
		--no-build) build=0 ;;
		--out) out="$2"; shift ;;
		-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown argument $1 (see --help)" ;;
		esac
		shift
	done
	if [ "$quick" = 1 ]; then
		# A smoke run of every row in about two minutes; not for the record.
		: "${BENCH_RUNS:=3}" "${BENCH_SECONDS:=1}" "${BENCH_ROWS:=200000}" "${BENCH_PGBENCH_SECONDS:=2}" "${BENCH_RSS_N:=2000000}"
		[ "$out" = "$BENCH/results" ] && out="$BENCH/results/tmp/quick"
	fi
	# shellcheck source=lib/prepare.sh
	. "$BENCH/lib/prepare.sh"
	bench_prepare "$deps" "$build"
	mkdir -p "$BENCH/results/tmp" "$out"
	log "compiling bench/hmac_ceiling.c"
	gcc -O2 -Wall -Wextra -o "$BENCH/results/tmp/hmac_ceiling" "$BENCH/hmac_ceiling.c" -lcrypto
	log "compiling bench/floor/noop_srf.c (the floors of (f))"
	gcc -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC -I"$(pg_config --includedir-server)" \
		-o "$BENCH/results/tmp/noop_srf.so" "$BENCH/floor/noop_srf.c"
	export BENCH_IN_VIRTUALENV=1 BENCH_OUT="$out" BENCH_QUICK="$quick" BENCH_BUILT="$build"
	export BENCH_RUNS="${BENCH_RUNS:-5}" BENCH_SECONDS="${BENCH_SECONDS:-2}" BENCH_ROWS="${BENCH_ROWS:-1000000}"
	export BENCH_PGBENCH_SECONDS="${BENCH_PGBENCH_SECONDS:-5}" BENCH_PGBENCH_RUNS="${BENCH_PGBENCH_RUNS:-$BENCH_RUNS}"
	export BENCH_RSS_N="${BENCH_RSS_N:-10000000}"
	# pg_virtualenv's own messages go to stderr with the progress log; stdout
	# gets the report only.
	pg_virtualenv -t -v 15 "$BENCH/run.sh" >&2
	# A full run into bench/results/ also refreshes bench/README.md's "Latest results".
	if [ "$quick" = 0 ] && [ "$(cd "$out" && pwd)" = "$BENCH/results" ]; then
		node "$BENCH/lib/update-readme.js" "$out/latest.md" "$BENCH/README.md"
	fi
	cat "$out/latest.md"
	exit 0
fi

#
# Inside pg_virtualenv: PGHOST/PGPORT/PGUSER (superuser)/PGPASSWORD are set.
#
TMP="$(mktemp -d "$BENCH/results/tmp/run.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
RAW="$TMP/raw.jsonl"
: >"$RAW"
emit() { printf '%s\n' "$1" >>"$RAW"; }
# shellcheck source=lib/common.sh
. "$BENCH/lib/common.sh"

RUNS=$BENCH_RUNS SECS=$BENCH_SECONDS ROWS=$BENCH_ROWS
PW="bench-$RANDOM$RANDOM"
HMAC_BIN="$BENCH/results/tmp/hmac_ceiling"

# One core per measured process: CPU 1 for the measured side, CPU 0 for psql.
if [ "$(nproc)" -ge 2 ]; then
	CPU_MEASURED=1 CPU_CLIENT=0
	PIN_MEASURED=(taskset -c "$CPU_MEASURED") PIN_CLIENT=(taskset -c "$CPU_CLIENT")
else
	CPU_MEASURED="" CPU_CLIENT=""
	PIN_MEASURED=() PIN_CLIENT=()
fi
export CPU_MEASURED

Q_G="SELECT count(azure_blob_sas_url('photo-' || g || '.png', 'r', '2030-01-01')) FROM generate_series(1, $BENCH_RSS_N) AS g"
Q_G0="SELECT count(md5('photo-' || g || '.png')) FROM generate_series(1, $BENCH_RSS_N) AS g"

psql_su() { "${PIN_CLIENT[@]}" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_as() { local role=$1; shift; PGUSER=$role PGPASSWORD=$PW "${PIN_CLIENT[@]}" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

#
# Setup.
#
log "cluster: PostgreSQL $(psql -XAtc 'SHOW server_version') on $PGHOST:$PGPORT; setting up $ROWS rows for (c)"
t0=$(date +%s)
psql_su -v connstr="$CONNSTR" -v container="$CONTAINER" -v user_id="$USER_ID" -v password="$PW" -v rows="$ROWS" \
	-f "$BENCH/sql/setup.sql" >/dev/null
# (f)'s floor: a C function of azure_generate_upload_sas's shape that returns a constant row at once.
psql_su <<SQL
CREATE FUNCTION public.bench_noop_upload(file_name text, content_type text, expires_in interval DEFAULT '5 minutes')
	RETURNS TABLE (sas_url text, blob_name text, file_url text, expires_at timestamptz)
	AS '$BENCH/results/tmp/noop_srf.so', 'bench_noop_upload' LANGUAGE C VOLATILE PARALLEL SAFE ROWS 1;
GRANT EXECUTE ON FUNCTION public.bench_noop_upload(text, text, interval) TO bench_user;
-- The read floor: azure_generate_read_sas's shape, a constant text of a read URL's size.
CREATE FUNCTION public.bench_noop_read(blob_name text, expires_in interval DEFAULT '15 minutes')
	RETURNS text AS '$BENCH/results/tmp/noop_srf.so', 'bench_noop_read' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
GRANT EXECUTE ON FUNCTION public.bench_noop_read(text, interval) TO bench_user;
SQL
log "setup done in $(($(date +%s) - t0)) s"

# The measured roles are what they should be: no superuser, no BYPASSRLS, the user id set.
check="$(psql_as bench_user -At -c "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user" \
	-c "SELECT current_setting('azure_blob.user_id')" -c "SELECT count(*) FROM azure_files")"
[ "$check" = "$(printf 'f\n%s\n%s' "$USER_ID" "$ROWS")" ] || die "bench_user is not set up as expected: $check"
[ "$(psql_as bench_admin -At -c "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")" = f ] ||
	die "bench_admin must not be a superuser"

# (c)'s floor runs the plan it stands for: a nested loop that probes the hash index per row.
floor_plan="$(psql_as bench_user -At <<'SQL'
SELECT prosrc, count(set_config(split_part(c, '=', 1), split_part(c, '=', 2), false)) AS settings
  FROM pg_proc, unnest(proconfig) AS c WHERE proname = 'bench_read_floor' GROUP BY prosrc \gset
EXPLAIN (COSTS OFF) :prosrc;
SQL
)"
grep -q 'Index Scan using azure_files_blob_name_hash on azure_files g' <<<"$floor_plan" ||
	die "(c)'s floor does not probe the hash index per row:"$'\n'"$floor_plan"

# The same work on both sides: (a)'s URL is byte-identical to the SDK loop's.
url_pg="$(psql_as bench_admin -At -c "SELECT azure_blob_sas_url('photo-12345.png', $READ_OPTS)")"
url_node="$(node "$BENCH/node/sdk-loop.js" --sample 12345)"
identical=false
[ "$url_pg" = "$url_node" ] && identical=true
[ "$identical" = true ] || log "WARNING: (a) and the SDK loop sign different URLs:"$'\n'"  $url_pg"$'\n'"  $url_node"
# (e)'s message length: the string-to-sign of a typical (a) name, checked against its signature.
sts="$(node "$BENCH/node/sts-length.js" "$(psql_as bench_admin -At -c "SELECT azure_blob_sas_url('photo-500000.png', $READ_OPTS)")")"
STS_LEN="$(node -p "JSON.parse(process.argv[1]).length" "$sts")"
[ "$(node -p "JSON.parse(process.argv[1]).verified" "$sts")" = true ] || die "could not rebuild (a)'s string-to-sign: $sts"
log "(a) URL identical to the SDK's: $identical; string-to-sign length for photo-500000.png: $STS_LEN bytes"

PGDATA_DIR="$(psql_su -At -c 'SHOW data_directory')"
PM_PID="$(head -1 "$PGDATA_DIR/postmaster.pid")"
pin_server() { [ -n "$CPU_MEASURED" ] && taskset -pc "$1" "$PM_PID" >/dev/null; return 0; }
pin_server "${CPU_MEASURED:-0}"
[ -n "$CPU_MEASURED" ] && log "postmaster $PM_PID pinned to CPU $CPU_MEASURED (backends inherit it), psql to CPU $CPU_CLIENT"

emit "$(node -e '
const [identical, stsLen, sts, urlPg, bench] = process.argv.slice(1);
const fs = require("fs"), os = require("os"), cp = require("child_process");
const sh = (c) => { try { return cp.execSync(c, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch (e) { return ""; } };
const root = require("path").dirname(bench);
console.log(JSON.stringify({ meta: {
	date: new Date().toISOString(),
	cpu: os.cpus()[0].model, cores: os.cpus().length, kernel: os.release(),
	load_start: fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
	postgres: sh("psql -XAtc \"SHOW server_version\""),
	node: process.version, sdk: require(bench + "/node/node_modules/@azure/storage-blob/package.json").version,
	openssl: sh("openssl version"),
	commit: sh(`git -C ${root} rev-parse --short HEAD`),
	tree_changes: sh(`git -C ${root} status --porcelain -- src azure_blob--1.0.sql Makefile`).split("\n").filter(Boolean).length,
	built_from_tree: process.env.BENCH_BUILT === "1",
	so_sha256: sh("sha256sum \"$(pg_config --pkglibdir)/azure_blob.so\" | cut -c1-16"),
	quick: process.env.BENCH_QUICK === "1",
	runs: +process.env.BENCH_RUNS, seconds_per_run: +process.env.BENCH_SECONDS, rows: +process.env.BENCH_ROWS,
	pgbench_seconds: +process.env.BENCH_PGBENCH_SECONDS, pgbench_runs: +process.env.BENCH_PGBENCH_RUNS,
	rss_n: +process.env.BENCH_RSS_N,
	cpu_measured: process.env.CPU_MEASURED || null,
	identical_urls: identical === "true", sts_length: +stsLen, string_to_sign: JSON.parse(sts).string_to_sign,
	sample_url: urlPg,
} }));' "$identical" "$STS_LEN" "$sts" "$url_pg" "$BENCH")"

#
# (a)-(e): interleaved rounds, one timed run of each per round.
#
pg_run() { # row role query [warm]
	local row=$1 role=$2 q=$3 warm=${4:-} w=NULL out run n el
	[ -n "$warm" ] && w="\$bw\$$warm\$bw\$"
	out="$(psql_as "$role" -At -F ' ' -c "SELECT run, n, elapsed FROM bench_runs(\$bq\$$q\$bq\$, $SECS, 1, $w)")"
	while read -r run n el; do
		emit "{\"row\":\"$row\",\"n\":$n,\"seconds\":$el}"
	done <<<"$out"
}
node_run() { # row script
	emit "{\"row\":\"$1\",\"result\":$("${PIN_MEASURED[@]}" node "$BENCH/node/$2" --seconds "$SECS" --runs 1)}"
}
for r in $(seq 1 "$RUNS"); do
	log "round $r/$RUNS: (a) sas_url, (b) upload_sas, (c) read_sas and its floor, (d) SDK loop, handler core, (e) HMAC"
	pg_run a bench_admin "$Q_A"
	pg_run b bench_user "$Q_B"
	pg_run c bench_user "$Q_C" "$W_C"
	pg_run c_floor bench_user "$Q_C_FLOOR" "$Q_C_FLOOR"
	node_run d_sdk sdk-loop.js
	node_run d_handler handler-core.js
	emit "{\"row\":\"e\",\"result\":$("${PIN_MEASURED[@]}" "$HMAC_BIN" "$STS_LEN" "$SECS" 1)}"
done

#
# (g): RSS of one backend around BENCH_RSS_N signatures in one query, and the
# same query shape with md5() instead (what the query costs by itself).
#
rss_probe() { # row query [setting]
	local out
	out="$(psql_as bench_admin -At -F ' ' <<SQL
${3:-}
SELECT vm_rss AS rss0, rss_anon AS anon0, pid FROM bench_rss_kb() \gset
SELECT count(azure_blob_sas_url('photo-' || g || '.png', 'r', '2030-01-01')) AS warm FROM generate_series(1, 1000) AS g \gset
SELECT vm_rss AS rss1, rss_anon AS anon1 FROM bench_rss_kb() \gset
SELECT clock_timestamp() AS t0 \gset
$2 \gset c_
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS secs \gset
SELECT vm_rss AS rss2, rss_anon AS anon2 FROM bench_rss_kb() \gset
\echo :pid :rss0 :anon0 :rss1 :anon1 :rss2 :anon2 :c_count :secs
SQL
)"
	read -r pid rss0 anon0 rss1 anon1 rss2 anon2 cnt secs <<<"$out"
	emit "{\"row\":\"$1\",\"pid\":$pid,\"rss_start_kb\":$rss0,\"anon_start_kb\":$anon0,\"rss_before_kb\":$rss1,\"anon_before_kb\":$anon1,\"rss_after_kb\":$rss2,\"anon_after_kb\":$anon2,\"n\":$cnt,\"seconds\":$secs}"
}
log "(g) RSS around $BENCH_RSS_N signatures in one query (and an md5() baseline, and with jit = on)"
rss_probe g "$Q_G"
rss_probe g_md5 "$Q_G0"
# For reference: the bench roles run with jit = off; with Postgres' default
# (jit = on) a query this large loads libLLVM into the backend.
rss_probe g_jit "$Q_G" "SET jit = on;"

#
# (f): pgbench, both cores, interleaved rounds.
#
pin_server 0-$(($(nproc) - 1))
PGB_DIR="$TMP/pgbench"
mkdir -p "$PGB_DIR"
pgb() { # script clients round protocol
	local script=$1 clients=$2 round=$3 mode=$4 jobs=1 out tps failed lat count p50 p99
	[ "$clients" -ge 2 ] && jobs=2
	local prefix="$PGB_DIR/$script-c$clients-r$round-$mode"
	out="$(PGUSER=bench_user PGPASSWORD=$PW pgbench -n -M "$mode" -c "$clients" -j "$jobs" -T "$BENCH_PGBENCH_SECONDS" \
		-D rows="$ROWS" -f "$BENCH/pgbench/$script.sql" --log --log-prefix="$prefix" 2>&1)" ||
		die "pgbench $script -c $clients failed: $out"
	tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")"
	failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")"
	[ -n "$tps" ] || die "no tps in pgbench output: $out"
	# Per-transaction log: client, transaction, latency (us), script, epoch, us.
	lat="$PGB_DIR/lat"
	cat "$prefix".* | awk '{ print $3 }' | sort -n >"$lat"
	count=$(wc -l <"$lat")
	p50=$(awk -v n="$count" 'NR == int((n * 50 + 99) / 100) { print $1 / 1000; exit }' "$lat")
	p99=$(awk -v n="$count" 'NR == int((n * 99 + 99) / 100) { print $1 / 1000; exit }' "$lat")
	rm -f "$prefix".* "$lat"
	emit "{\"row\":\"f\",\"script\":\"$script\",\"mode\":\"$mode\",\"clients\":$clients,\"round\":$round,\"tps\":$tps,\"transactions\":$count,\"failed\":${failed:-0},\"p50_ms\":$p50,\"p99_ms\":$p99}"
}
for r in $(seq 1 "$BENCH_PGBENCH_RUNS"); do
	log "(f) pgbench round $r/$BENCH_PGBENCH_RUNS: SELECT 1, upload_sas, noop_upload, read_sas, noop_read at 1 and 8 clients, simple and prepared protocol, ${BENCH_PGBENCH_SECONDS} s each"
	for mode in simple prepared; do
		for script in select1 upload_sas noop_upload read_sas noop_read; do
			for clients in 1 8; do
				pgb "$script" "$clients" "$r" "$mode"
			done
		done
	done
done

#
# Report.
#
# The installed library is shared with whoever else runs make install on this
# machine: the report warns if it changed while the bench ran.
emit "{\"load_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"so_sha256_end\":\"$(sha256sum "$(pg_config --pkglibdir)/azure_blob.so" | cut -c1-16)\"}"
cp "$RAW" "$BENCH_OUT/latest.raw.jsonl"
node "$BENCH/lib/report.js" "$RAW" "$BENCH_OUT" >/dev/null
log "wrote $BENCH_OUT/latest.md, latest.json, chart.png"
