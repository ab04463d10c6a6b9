#!/usr/bin/env bash
# Finding 4 of the 1.1 security review, for the record (not part of CI or
# test/run-all.sh): the isolation spec test/security/specs/
# trigger_account_reload.spec makes 1.0's azure_files trigger read a freed
# account (src/trigger.cpp, AzureFilesCheck, held `const Account &` across
# CurrentUserIsAdmin()), and 1.1's does not.
#
#     test/security/uaf_1_0.sh          (as root; about 2 minutes)
#     UAF_OLD_REV=<commit> test/security/uaf_1_0.sh
#
# Two runs of that spec (and its expected output), both from this working
# tree, each against its own throwaway server whose azure_blob.so is built
# with -fsanitize=address:
#   1.0  (UAF_OLD_REV, default b3101bc, the 1.0 code): ASan must report a
#        heap-use-after-free in AzureFilesCheck (the backend aborts);
#   1.1  (this working tree: tracked files and untracked ones not ignored):
#        no ASan report, no crashed backend, and the spec passes.
# The build, the private copy of PostgreSQL 15 and the preloaded ASan
# runtime are done as in test/sanitize/asan.sh (docs/sanitizers.md explains
# the patched libraries; UBSan is left out here).  Logs and the reports stay
# in build/uaf_1_0/ (UAF_OUT).  Without ASan, 1.0 passes the same spec's
# run except for the file_url of a_show: the freed map node is reused for the
# new account, so 1.0 registers the row with the new endpoint although it
# looked up the old account.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=test/lib.sh
. "$ROOT/test/lib.sh"

OLD_REV="${UAF_OLD_REV:-b3101bc}"
OUT="${UAF_OUT:-$ROOT/build/uaf_1_0}"
PG_VERSION=15
SPEC=trigger_account_reload
SYS_PG_CONFIG="/usr/lib/postgresql/$PG_VERSION/bin/pg_config"
ISO_REGRESS="/usr/lib/postgresql/$PG_VERSION/lib/pgxs/src/test/isolation/pg_isolation_regress"

[ "$(id -u)" -eq 0 ] || bail_out "run as root (the server runs as the postgres OS user)"
[ -x "$SYS_PG_CONFIG" ] || bail_out "no $SYS_PG_CONFIG (postgresql-server-dev-$PG_VERSION)"
[ -x "$ISO_REGRESS" ] || bail_out "no $ISO_REGRESS"
git -C "$ROOT" rev-parse -q --verify "$OLD_REV^{commit}" >/dev/null || bail_out "no commit $OLD_REV"
ASAN_LIB="$(gcc -print-file-name=libasan.so)"
[ -f "$ASAN_LIB" ] || bail_out "no libasan.so from gcc"
ASAN_SONAME="$(readelf -d "$ASAN_LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
command -v patchelf >/dev/null 2>&1 || apt-get install -y patchelf >&2 || bail_out "patchelf is needed"

rm -rf "$OUT"
mkdir -p "$OUT"
T="$(mktemp -d "${TMPDIR:-/tmp}/azb-uaf.XXXXXX")"
chmod 755 "$T"
DATA="" PGBIN="" SERVER_PID=""
stop_server() {
	if [ -n "$DATA" ] && [ -f "$DATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	fi
	if [ -n "$SERVER_PID" ]; then wait "$SERVER_PID" 2>/dev/null || true; fi
	SERVER_PID=""
}
azb_on_exit "rm -rf '$T'"
azb_on_exit stop_server

# run_version NAME: builds $T/NAME/src with ASan, installs it into a private
# copy of PostgreSQL, starts a server with the ASan runtime preloaded, runs
# the spec; leaves $OUT/NAME/{build.log,server.log,iso/,asan.*}.
run_version() {
	local name=$1 dir="$T/$1" out="$OUT/$1" inst lib port
	inst="$dir/inst"
	PGBIN="$inst/usr/lib/postgresql/$PG_VERSION/bin"
	lib="$inst/usr/lib/postgresql/$PG_VERSION/lib"
	DATA="$dir/data"
	mkdir -p "$out" "$inst/usr/lib/postgresql" "$inst/usr/share/postgresql" "$dir/san" "$dir/sock" "$dir/libs" "$dir/iso"
	make -C "$dir/src" -j"$(nproc)" PG_CONFIG="$SYS_PG_CONFIG" with_llvm=no \
		PG_CXXFLAGS="-std=c++17 -Wno-register -O1 -g -fsanitize=address -fno-omit-frame-pointer" \
		PG_LDFLAGS="-fsanitize=address" >"$out/build.log" 2>&1 || bail_out "$name: build failed (see $out/build.log)"
	cp -a "/usr/lib/postgresql/$PG_VERSION" "$inst/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PG_VERSION" "$inst/usr/share/postgresql/"
	make -C "$dir/src" PG_CONFIG="$SYS_PG_CONFIG" with_llvm=no DESTDIR="$inst" install >>"$out/build.log" 2>&1 ||
		bail_out "$name: install failed"
	readelf -d "$lib/azure_blob.so" | grep -q libasan || bail_out "$name: azure_blob.so is not instrumented"
	# The server's libraries, each made to need libasan (test/sanitize/asan.sh, docs/sanitizers.md).
	for l in $(ldd "$PGBIN/postgres" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		case $(basename "$l") in libc.so.* | libm.so.* | libgcc_s.so.* | ld-linux* | libasan.so.*) continue ;; esac
		cp -L "$l" "$dir/libs/" && patchelf --add-needed "$ASAN_SONAME" "$dir/libs/$(basename "$l")"
	done
	chmod -R a+rX "$dir/libs"
	chmod 777 "$dir/san"
	mkdir -p "$DATA"
	chmod 755 "$dir"
	chown postgres:postgres "$dir/sock" "$dir/iso" "$DATA"
	(cd / && runuser -u postgres -- "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale --no-sync) \
		>"$out/initdb.log" 2>&1 || bail_out "$name: initdb failed"
	port="$(azb_free_port)"
	printf '%s\n' "port = $port" "listen_addresses = ''" "unix_socket_directories = '$dir/sock'" "jit = off" \
		"fsync = off" "log_line_prefix = '%m [%p] '" >>"$DATA/postgresql.conf"
	: >"$out/server.log"
	chown postgres "$out/server.log"
	(cd / && exec runuser -u postgres -- env LD_LIBRARY_PATH="$dir/libs" LD_PRELOAD="$ASAN_LIB" \
		ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$dir/san/asan" \
		"$PGBIN/postgres" -D "$DATA" >>"$out/server.log" 2>&1) &
	SERVER_PID=$!
	for ((i = 0; i < 300; i++)); do
		"$PGBIN/pg_isready" -q -h "$dir/sock" -p "$port" && break
		sleep 0.1
	done
	"$PGBIN/pg_isready" -q -h "$dir/sock" -p "$port" || bail_out "$name: no server (see $out/server.log)"
	cp -r "$ROOT/test/security/specs" "$ROOT/test/security/expected" "$dir/iso/"
	chown -R postgres "$dir/iso"
	(cd "$dir/iso" && runuser -u postgres -- "$ISO_REGRESS" --bindir="$PGBIN" --host="$dir/sock" --port="$port" \
		--dbname=azb_uaf "$SPEC") >"$out/iso.log" 2>&1 || true
	sleep 1
	stop_server
	cp -r "$dir/iso" "$out/iso"
	find "$dir/san" -type f -name 'asan.*' -exec cp {} "$out/" \;
}

echo "# finding 4 (trigger use after free): $SPEC under ASan, 1.0 ($OLD_REV) and this working tree"

# 1.0
mkdir -p "$T/1.0/src"
git -C "$ROOT" archive "$OLD_REV" | tar -xf - -C "$T/1.0/src"
run_version 1.0
report="$(grep -l 'heap-use-after-free' "$OUT/1.0"/asan.* 2>/dev/null | head -n 1 || true)"
if [ -n "$report" ] && grep -q 'AzureFilesCheck' "$report"; then
	pass "1.0: ASan reports a heap-use-after-free in AzureFilesCheck ($report)"
	sed -n '/ERROR: AddressSanitizer/,/^$/p' "$report" | head -n 14 | sed 's/^/#   /'
else
	fail "1.0: ASan reports a heap-use-after-free in AzureFilesCheck" \
		"$(ls "$OUT/1.0"; tail -n 20 "$OUT/1.0/iso.log")"
fi

# 1.1: this working tree.
mkdir -p "$T/1.1/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) |
	(cd "$ROOT" && while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done) |
	(cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$T/1.1/src"
run_version 1.1
if ! ls "$OUT/1.1"/asan.* >/dev/null 2>&1 &&
	! grep -qE 'AddressSanitizer|terminated by signal|server process \(PID [0-9]+\)' "$OUT/1.1/server.log"; then
	pass "1.1: no ASan report, no crashed backend"
else
	fail "1.1: no ASan report, no crashed backend" "$(head -n 30 "$OUT/1.1"/asan.* 2>/dev/null; grep -E 'AddressSanitizer|terminated|server process' "$OUT/1.1/server.log" | head)"
fi
if grep -qE "^(test| ) +$SPEC +\.\.\. ok" "$OUT/1.1/iso.log"; then
	pass "1.1: $SPEC passes (its output is test/security/expected/$SPEC.out)"
else
	fail "1.1: $SPEC passes" "$(head -n 40 "$OUT/1.1/iso/regression.diffs" 2>/dev/null)"
fi
echo "# logs: $OUT"
tap_summary
