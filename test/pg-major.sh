#!/usr/bin/env bash
# test/pg-major.sh PREFIX [OLD_BINDIR]: build azure_blob against the PostgreSQL installed in PREFIX
# (a major Debian does not package, e.g. /opt/postgresql-18.3), install it there, and run
# pg_regress (installcheck, installcheck-security) in a throwaway cluster, then the TAP suites.
# As root; servers run as the postgres OS user. Builds in a copy of the tree (in /tmp).
# Without PREFIX/bin/pg_config it builds PREFIX from ../shared/pg/build.sh (the repository's
# sibling; about 10 minutes) when that exists, else says the stage is skipped and exits 0.
# OLD_BINDIR (default: Debian's 15, when azure_blob is installed there): the old major for
# test/t/080_pg_upgrade.pl. Prints pg_regress's per-test lines and prove's --verbose "ok N" lines.
set -uo pipefail
PREFIX=${1:?usage: test/pg-major.sh PREFIX [OLD_BINDIR]}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGC=$PREFIX/bin/pg_config
BUILD=$ROOT/../shared/pg/build.sh
if [ ! -x "$PGC" ]; then
	ver=$(basename "$PREFIX" | sed -n 's/^postgresql-\([0-9.]*\)$/\1/p')
	if [ ! -x "$BUILD" ] || [ -z "$ver" ]; then
		echo "pg-major: skipped: no $PGC and no $BUILD to build it from"
		exit 0
	fi
	"$BUILD" "$ver" "$PREFIX" || { echo "pg-major: building PostgreSQL $ver failed"; exit 1; }
fi
OLD_BINDIR=${2:-/usr/lib/postgresql/15/bin}
[ -f "$("$OLD_BINDIR/pg_config" --pkglibdir 2>/dev/null)/azure_blob.so" ] || OLD_BINDIR=
echo "pg-major: $("$PGC" --version) in $PREFIX${OLD_BINDIR:+; old major for pg_upgrade: $OLD_BINDIR}"

W=$(mktemp -d /tmp/azb-pgmajor.XXXXXX) PGDATA=$W/data
cleanup() {
	[ -f "$PGDATA/postmaster.pid" ] && runuser -u postgres -- "$PREFIX/bin/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# A copy of the working tree without build products; Azurite's node_modules are linked.
mkdir "$W/src"
tar -C "$ROOT" --exclude=./.git --exclude=node_modules --exclude=./build --exclude='*.o' --exclude='*.so' \
	--exclude=.deps --exclude=results --exclude='*.bc' -cf - . | tar -C "$W/src" -xf -
for d in "$ROOT"/test/*/node_modules "$ROOT"/examples/*/node_modules; do
	[ -d "$d" ] && ln -s "$d" "$W/src/${d#"$ROOT"/}"
done
chown -R postgres "$W"
cd "$W/src" || exit 1
as_pg() { runuser -u postgres -- env PATH="$PREFIX/bin:$PATH" "$@"; }

t0=$SECONDS
# Contrib modules the tests use, which build.sh leaves out, built from the same tarball (PGXS):
# pgcrypto (sql/upgrade.sql), auto_explain (test/t/040_leaks.pl).
TARBALL=$ROOT/../shared/pg/postgresql-$("$PGC" --version | cut -d' ' -f2).tar.xz
for m in pgcrypto auto_explain; do
	[ -f "$("$PGC" --pkglibdir)/$m.so" ] && continue
	[ -f "$TARBALL" ] || { echo "pg-major: $m is not installed and there is no $TARBALL to build it from"; continue; }
	tar -xJf "$TARBALL" -C "$W" --wildcards "*/contrib/$m/*" &&
		make -s -C "$W"/postgresql-*/contrib/$m USE_PGXS=1 PG_CONFIG="$PGC" install >"$W/$m.log" 2>&1 ||
		{ tail -20 "$W/$m.log"; echo "pg-major: building $m failed"; }
done
as_pg make -s -j2 CI=true PG_CONFIG="$PGC" >"$W/build.log" 2>&1 && make -s install PG_CONFIG="$PGC" >>"$W/build.log" 2>&1 ||
	{ tail -40 "$W/build.log"; echo "pg-major: build or install failed"; exit 1; }
echo "pg-major: built and installed in $((SECONDS - t0)) s"

rc=0
t0=$SECONDS
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg initdb -D "$PGDATA" -A trust -U postgres -E UTF8 --no-locale >"$W/initdb.log" 2>&1 &&
	as_pg pg_ctl -D "$PGDATA" -l "$W/server.log" -w \
		-o "-p $PORT -k $W -c listen_addresses=127.0.0.1" start >/dev/null ||
	{ cat "$W/initdb.log" "$W/server.log" 2>/dev/null; echo "pg-major: cannot start a cluster"; exit 1; }
as_pg env PGHOST=127.0.0.1 PGPORT="$PORT" make -k installcheck installcheck-security PG_CONFIG="$PGC" || rc=1
for d in regression.diffs test/security/regression.diffs test/security/isolation/regression.diffs; do
	[ -s "$d" ] && { echo "----- $d -----"; cat "$d"; }
done
as_pg pg_ctl -D "$PGDATA" -m fast stop >/dev/null
echo "pg-major: pg_regress stages took $((SECONDS - t0)) s"

t0=$SECONDS
as_pg env AZB_PG_NEW_BINDIR="$PREFIX/bin" ${OLD_BINDIR:+AZB_PG_OLD_BINDIR="$OLD_BINDIR"} \
	make installcheck-tap PG_CONFIG="$PGC" TAP_TESTDIR="$W/tap" PROVE_FLAGS=--verbose ${PROVE_TESTS:+PROVE_TESTS="$PROVE_TESTS"} || {
	rc=1
	echo "pg-major: TAP logs: $W/tap/tmp_check/log (kept)"
	KEEP=1
}
echo "pg-major: TAP suites took $((SECONDS - t0)) s"
exit "$rc"
