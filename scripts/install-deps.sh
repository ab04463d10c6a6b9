#!/usr/bin/env bash
# Install everything needed to build and test azure_blob on Debian 12.
#
# Idempotent: it asks apt only when a package is missing (no network on a
# machine that already has everything), and runs npm ci only when the pinned
# Azurite is not installed in test/azurite/node_modules.
# Uses sudo when not run as root. Usage: scripts/install-deps.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	SUDO=(sudo)
fi

# Debian packages: compiler and build tools, PostgreSQL 15 with server headers
# (PGXS) and pg_virtualenv (postgresql-common), the libraries the extension
# links (libcurl, OpenSSL, libxml2), the unit-test stack (GoogleTest, nlohmann
# json for the vector files), curl for the e2e suite, and Chromium with a font
# for the browser test (test/browser, driven by playwright-core from npm).
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

is_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for p in "${PACKAGES[@]}"; do
	if ! is_installed "$p"; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "install-deps: all Debian packages present"
fi

# Azurite, pinned by test/azurite/package-lock.json. Reinstall when it is
# missing or not the pinned version (e.g. an old node_modules left behind).
AZ_DIR="$ROOT/test/azurite"
export AZ_DIR
want="$(node -p "require(process.env.AZ_DIR + '/package.json').dependencies.azurite")"
have="$(node -p "try { require(process.env.AZ_DIR + '/node_modules/azurite/package.json').version } catch (e) { '' }")"
if [ ! -x "$AZ_DIR/node_modules/.bin/azurite-blob" ] || [ "$have" != "$want" ]; then
	echo "install-deps: npm ci --prefix test/azurite (azurite $want)"
	npm ci --prefix "$AZ_DIR" --no-audit --no-fund
else
	echo "install-deps: azurite $have present"
fi

# npm packages of the browser test (playwright-core) and of the browser upload
# example (pg), pinned by their package-lock.json: npm ci when missing or not
# the pinned version.
npm_ci_if_needed() {
	local dir="$ROOT/$1" pkg=$2 want have
	want="$(PKG_DIR="$dir" PKG="$pkg" node -p "require(process.env.PKG_DIR + '/package.json').dependencies[process.env.PKG]")"
	have="$(PKG_DIR="$dir" PKG="$pkg" node -p "try { require(process.env.PKG_DIR + '/node_modules/' + process.env.PKG + '/package.json').version } catch (e) { '' }")"
	if [ "$have" != "$want" ]; then
		echo "install-deps: npm ci --prefix $1 ($pkg $want)"
		npm ci --prefix "$dir" --no-audit --no-fund
	else
		echo "install-deps: $pkg $have present in $1"
	fi
}
npm_ci_if_needed test/browser playwright-core
npm_ci_if_needed examples/browser-upload pg
