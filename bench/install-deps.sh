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

# shellcheck source=../scripts/lib/deps.sh
. "$ROOT/scripts/lib/deps.sh"
apt_install_missing bench/install-deps gnuplot-nox valgrind linux-perf util-linux
npm_ci_if_needed bench/install-deps bench/node @azure/storage-blob
