# shellcheck shell=bash
# A private PostgreSQL 15 whose azure_blob.so is built with sanitizers, for
# test/sanitize/asan.sh and test/security/uaf_1_0.sh (docs/sanitizers.md).
# Source it after test/lib.sh, as root.
#
#   san_prereqs                  bails out unless root, a postgres OS user,
#                                pg_config 15, gcc's libasan and patchelf exist
#   san_copy_tree DEST [REV]     the working tree (tracked files and untracked
#                                ones not ignored), or commit REV, into DEST
#   san_install SRC INST FLAGS LOG [PRELOAD_SO]
#                                builds SRC with PGXS and the compiler/linker
#                                FLAGS, copies /usr/{lib,share}/postgresql/15
#                                into INST and installs the build there; then
#                                INST's postgres binary needs libasan (and
#                                PRELOAD_SO) and finds copies of its libraries,
#                                each needing libasan too, by RPATH: every
#                                postgres started from INST/.../bin, by pg_ctl
#                                or the TAP framework, runs under ASan
#   san_bin INST                 INST's bin directory
#   san_start INST DIR PORT      a cluster of INST in DIR/data, started by
#                                pg_ctl as postgres on the socket DIR/sock,
#                                trust authentication, log DIR/server.log
#   san_stop INST DIR            stops it (immediate), if it runs
SAN_PG=15
SAN_PG_CONFIG="/usr/lib/postgresql/$SAN_PG/bin/pg_config"

san_prereqs() {
	[ "$(id -u)" -eq 0 ] || bail_out "run as root (the servers run as the postgres OS user)"
	id postgres >/dev/null 2>&1 || bail_out "no postgres OS user"
	[ -x "$SAN_PG_CONFIG" ] || bail_out "no $SAN_PG_CONFIG (postgresql-server-dev-$SAN_PG)"
	SAN_ASAN_LIB="$(gcc -print-file-name=libasan.so)"
	[ -f "$SAN_ASAN_LIB" ] || bail_out "no libasan.so from gcc"
	SAN_ASAN_SONAME="$(readelf -d "$SAN_ASAN_LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
	command -v patchelf >/dev/null 2>&1 || apt-get install -y patchelf >&2 ||
		{ apt-get update >&2 && apt-get install -y patchelf >&2; } || bail_out "patchelf is needed"
}

san_copy_tree() {
	mkdir -p "$1"
	if [ -n "${2:-}" ]; then
		git -C "$AZB_ROOT" archive "$2" | tar -xf - -C "$1"
		return
	fi
	(cd "$AZB_ROOT" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$AZB_ROOT" && while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done) |
		(cd "$AZB_ROOT" && tar --null -T - -cf -) | tar -xf - -C "$1"
}

san_bin() { echo "$1/usr/lib/postgresql/$SAN_PG/bin"; }

san_install() {
	local src=$1 inst=$2 flags=$3 log=$4 preload=${5:-} bin lib l
	bin="$(san_bin "$inst")"
	make -C "$src" -j2 PG_CONFIG="$SAN_PG_CONFIG" with_llvm=no \
		PG_CXXFLAGS="-std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register -O1 -g $flags" \
		PG_LDFLAGS="$flags" >"$log" 2>&1 || return 1
	mkdir -p "$inst/usr/lib/postgresql" "$inst/usr/share/postgresql" "$inst/asan-libs"
	cp -a "/usr/lib/postgresql/$SAN_PG" "$inst/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$SAN_PG" "$inst/usr/share/postgresql/"
	make -C "$src" PG_CONFIG="$SAN_PG_CONFIG" with_llvm=no DESTDIR="$inst" install >>"$log" 2>&1 || return 1
	# libasan must initialize before the constructor of any other library
	# (docs/sanitizers.md): each library of the server gets a copy needing it.
	for lib in $(ldd "$bin/postgres" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		l="$(basename "$lib")"
		case $l in libc.so.* | libm.so.* | libgcc_s.so.* | ld-linux* | libasan.so.*) continue ;; esac
		cp -L "$lib" "$inst/asan-libs/$l"
		patchelf --add-needed "$SAN_ASAN_SONAME" "$inst/asan-libs/$l"
	done
	if [ -n "$preload" ]; then patchelf --add-needed "$preload" "$bin/postgres"; fi
	# Added last, so first: ASan insists on coming first in the library list.
	patchelf --add-needed "$SAN_ASAN_SONAME" "$bin/postgres"
	patchelf --force-rpath --set-rpath "$inst/asan-libs" "$bin/postgres"
	chmod -R a+rX "$inst"
}

san_start() {
	local bin d=$2
	bin="$(san_bin "$1")"
	mkdir -p "$d/data" "$d/sock" && chown postgres "$d/data" "$d/sock" && : >"$d/server.log" && chown postgres "$d/server.log"
	(cd / && runuser -u postgres -- "$bin/initdb" -D "$d/data" -U postgres --auth=trust --no-sync >"$d/initdb.log" 2>&1 &&
		runuser -u postgres -- "$bin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -o \
			"-p $3 -k $d/sock -c listen_addresses= -c jit=off -c fsync=off" start >/dev/null)
}

san_stop() {
	[ ! -f "$2/data/postmaster.pid" ] ||
		runuser -u postgres -- "$(san_bin "$1")/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null 2>&1 || true
}
