#!/usr/bin/env bash
# Install everything needed to build and test azure_blob on Debian 12.
#
# Idempotent: it asks apt only when a package is missing (no network on a
# machine that already has everything), and runs npm ci only when the pinned
# Azurite is not installed in test/azurite/node_modules.
# Uses sudo when not run as root. Usage: scripts/install-deps.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shellcheck source=scripts/lib/deps.sh
. "$ROOT/scripts/lib/deps.sh"

# Debian packages: compiler and build tools, PostgreSQL 15 with server headers
# (PGXS) and pg_virtualenv (postgresql-common), the libraries the extension
# links (libcurl, OpenSSL, libxml2), the unit-test stack (GoogleTest, nlohmann
# json for the vector files), curl for the e2e suite, pgbouncer for
# test/t/050_pgbouncer.pl, and Chromium with a font
# for the browser test (test/browser, driven by playwright-core from npm),
# pg_cron and psycopg2 for the documented pg_cron setup and driver snippets
# (test/t/120_pg_cron.pl, 110_drivers.pl), IPC::Run for PostgreSQL's TAP framework (test/t/*.pl), and debhelper with
# pg_buildext (postgresql-server-dev-all) for the Debian package (debian/).
PACKAGES=(
	build-essential
	cmake
	pkg-config
	postgresql-15
	postgresql-server-dev-15
	postgresql-contrib
	libcurl4-openssl-dev
	libssl-dev
	libxml2-dev
	clang
	libclang-rt-14-dev
	googletest
	libgtest-dev
	nlohmann-json3-dev
	curl
	pgbouncer
	postgresql-15-cron
	python3-psycopg2
	libipc-run-perl
	debhelper
	postgresql-server-dev-all
	chromium
	fonts-dejavu-core
)
# Node.js only if there is no node at all: machines here ship Node 20, which is
# what Azurite 3.35.0 was verified with; Debian's nodejs must not replace it.
if ! command -v node >/dev/null 2>&1; then
	PACKAGES+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
	PACKAGES+=(npm)
fi

apt_install_missing install-deps "${PACKAGES[@]}"

# Azurite, pinned by test/azurite/package-lock.json: npm ci when missing or
# not the pinned version (e.g. an old node_modules left behind).
npm_ci_if_needed install-deps test/azurite azurite

# npm packages of the browser test (playwright-core) and of the browser upload
# example (pg), pinned by their package-lock.json: npm ci when missing or not
# the pinned version.
npm_ci_if_needed install-deps test/browser playwright-core
npm_ci_if_needed install-deps examples/browser-upload pg
