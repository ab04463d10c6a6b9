#!/usr/bin/env bash
# test/package/deb.sh: builds postgresql-15-azure-blob from a `git archive` of HEAD (what
# `make dist` ships), installs it, checks its .so is stripped, runs the pg_regress suite
# (the Makefile's REGRESS) against the installed package, then removes the package.
# As root; needs the Build-Depends of debian/control (dpkg-dev, debhelper,
# postgresql-server-dev-all, ...). Install, test and removal hold /tmp/azb-install.lock,
# since the package writes into /usr/lib/postgresql/15 like everyone's `make install`.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pkg=postgresql-15-azure-blob
so=/usr/lib/postgresql/15/lib/azure_blob.so
tmp=$(mktemp -d /tmp/azb-deb.XXXXXX)
n=0 pass=0 fail=0 installed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
step() { local what=$1; shift; "$@"; ok $? "$what"; }
finish() {
	if [ "$installed" = 1 ]; then dpkg -r "$pkg" >/dev/null 2>&1; fi
	rm -rf "$tmp"
}
trap finish EXIT

if dpkg-query -W -f="\${Status}" "$pkg" 2>/dev/null | grep -q " installed"; then
	echo "deb.sh: $pkg is already installed; remove it first (dpkg -r $pkg)" >&2
	exit 1
fi

# Build: binary only, CI unset (CI=true adds -Werror), the suite left to the installed package.
src=$tmp/azure-blob
git -C "$repo" archive --prefix=azure-blob/ HEAD | tar -x -C "$tmp"
(cd "$src" && env -u CI DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
ok $? "dpkg-buildpackage builds the package from git archive HEAD"
deb=$(ls "$tmp"/${pkg}_*_amd64.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
	tail -n 30 "$tmp/build.log"
	echo "$pass passed, $((fail + 1)) failed"
	exit 1
fi
echo "# $(basename "$deb"): $(stat -c %s "$deb") bytes"
step "the build log has no compiler warning" bash -c "! grep -E '\\.[ch]pp:[0-9]+:[0-9]+: warning:' '$tmp/build.log'"
step "debug info went to a -dbgsym package" test -n "$(ls "$tmp"/${pkg}-dbgsym_*.deb 2>/dev/null)"

exec 9>/tmp/azb-install.lock
flock 9
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 && installed=1
ok $((1 - installed)) "dpkg -i installs $(basename "$deb")"
[ "$installed" = 1 ] || cat "$tmp/dpkg.log"
step "$pkg owns $so" bash -c "dpkg -L $pkg | grep -qx '$so'"
echo "# $(file -b "$so" | cut -d, -f1,6-)"
step "file(1) calls the installed .so stripped" bash -c "file -b '$so' | grep -q ', stripped'"
step "readelf finds no .debug_info in the installed .so" bash -c "! readelf -S '$so' | grep -q debug_info"
(cd "$src" && PGPORT=$(shuf -i 20000-30000 -n1) pg_virtualenv -t -v 15 \
	env -u CI make installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config) >"$tmp/check.log" 2>&1
rc=$?
ok $rc "make installcheck ($(sed -n 's/^REGRESS *= *//p' "$src/Makefile" | wc -w) tests of REGRESS) passes against the installed package"
[ $rc = 0 ] || { tail -n 20 "$tmp/check.log"; head -n 60 "$src/regression.diffs" 2>/dev/null; }
grep -E '^ *(All [0-9]+ tests passed|[0-9]+ of [0-9]+ tests failed)' "$tmp/check.log" | sed 's/^ */# /'
dpkg -r "$pkg" >"$tmp/dpkg.log" 2>&1 && installed=0
ok "$installed" "dpkg -r removes $pkg"
step "nothing of $pkg is left: no $so, no package" bash -c "[ ! -e '$so' ] && ! dpkg -s $pkg >/dev/null 2>&1"
flock -u 9

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
