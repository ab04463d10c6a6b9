#!/usr/bin/env bash
# Everything bench/run.sh and bench/profile.sh need on Debian 12, on top of the
# project's own dependencies (scripts/install-deps.sh: compiler, PostgreSQL 15
# with pgbench and pg_virtualenv, libssl-dev, Node and npm):
#   gnuplot-nox    the bar chart (pngcairo terminal)
#   valgrind       callgrind for profile.sh (callgrind_annotate comes with it)
#   linux-perf     the native profile of profile.sh (perf record / report)
#   util-linux     taskset (present on any Debian, listed for clarity)
#   @azure/storage-blob for the Node baselines, pinned by bench/node/package-lock.json
# Idempotent: asks apt only for what is missing, runs npm ci only when the
# pinned SDK is not installed. Uses sudo when not run as root.
# Usage: bench/install-deps.sh
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"

bash "$ROOT/scripts/install-deps.sh"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	SUDO=(sudo)
fi

PACKAGES=(gnuplot-nox valgrind linux-perf util-linux)
missing=()
for p in "${PACKAGES[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "bench/install-deps: installing ${missing[*]}"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "bench/install-deps: all Debian packages present"
fi

NODE_DIR="$BENCH/node"
want="$(PKG_DIR="$NODE_DIR" node -p "require(process.env.PKG_DIR + '/package.json').dependencies['@azure/storage-blob']")"
have="$(PKG_DIR="$NODE_DIR" node -p "try { require(process.env.PKG_DIR + '/node_modules/@azure/storage-blob/package.json').version } catch (e) { '' }")"
if [ "$have" != "$want" ]; then
	echo "bench/install-deps: npm ci --prefix bench/node (@azure/storage-blob $want)"
	npm ci --prefix "$NODE_DIR" --no-audit --no-fund
else
	echo "bench/install-deps: @azure/storage-blob $have present in bench/node"
fi
