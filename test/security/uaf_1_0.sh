#!/usr/bin/env bash
# Finding 4 of the 1.1 security review, for the record (not part of CI or
# test/run-all.sh): the isolation spec test/security/specs/
# trigger_account_reload.spec makes 1.0's azure_files trigger read a freed
# account (src/trigger.cpp, AzureFilesCheck, held `const Account &` across
# CurrentUserIsAdmin()), and the current code does not.
#
#     test/security/uaf_1_0.sh          (as root; a few minutes)
#     UAF_OLD_REV=<commit> test/security/uaf_1_0.sh
#
# Two runs of that spec (and its expected output, both from this working
# tree), each against a server whose azure_blob.so is built with
# -fsanitize=address, in a private copy of PostgreSQL 15 that runs under ASan
# (test/sanitize/common.sh, docs/sanitizers.md):
#   1.0  (UAF_OLD_REV, default b3101bc): ASan must report a heap-use-after-free
#        in AzureFilesCheck (the backend aborts);
#   now  (this working tree): no ASan report, no crashed backend, the spec passes.
# Logs and reports stay in build/uaf_1_0/ (UAF_OUT). Without ASan, 1.0 passes
# the spec except for the file_url of a_show: the freed map node is reused for
# the new account, so 1.0 registers the row with the new endpoint although it
# looked up the old account.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"
# shellcheck source=test/sanitize/common.sh
. "$HERE/../sanitize/common.sh"

OLD_REV="${UAF_OLD_REV:-b3101bc}"
OUT="${UAF_OUT:-$AZB_ROOT/build/uaf_1_0}"
SPEC=trigger_account_reload
ISO_REGRESS="/usr/lib/postgresql/$SAN_PG/lib/pgxs/src/test/isolation/pg_isolation_regress"
san_prereqs
[ -x "$ISO_REGRESS" ] || bail_out "no $ISO_REGRESS"
git -C "$AZB_ROOT" rev-parse -q --verify "$OLD_REV^{commit}" >/dev/null || bail_out "no commit $OLD_REV"
rm -rf "$OUT"
T="$(mktemp -d "${TMPDIR:-/tmp}/azb-uaf.XXXXXX")"
chmod 755 "$T"
azb_on_exit "rm -rf '$T'"

# run_version NAME [REV]: the spec against a sanitized build of REV (default:
# the working tree); leaves $OUT/NAME/{build.log,server.log,iso/,asan.*}.
run_version() {
	local d="$T/$1" out="$OUT/$1"
	mkdir -p "$out" "$d/san" "$d/iso"
	chmod 777 "$d/san"
	san_copy_tree "$d/src" "${2:-}"
	san_install "$d/src" "$d/inst" "-fsanitize=address -fno-omit-frame-pointer" "$out/build.log" ||
		bail_out "$1: build failed (see $out/build.log)"
	azb_on_exit "san_stop '$d/inst' '$d'"
	ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$d/san/asan" san_start "$d/inst" "$d" 5432 ||
		bail_out "$1: no server (see $d/server.log)"
	cp -r "$AZB_ROOT/test/security/specs" "$AZB_ROOT/test/security/expected" "$d/iso/"
	chown -R postgres "$d/iso"
	(cd "$d/iso" && runuser -u postgres -- "$ISO_REGRESS" --bindir="$(san_bin "$d/inst")" --host="$d/sock" \
		--port=5432 --dbname=azb_uaf "$SPEC") >"$out/iso.log" 2>&1 || true
	sleep 1
	san_stop "$d/inst" "$d"
	cp -r "$d/iso" "$d/server.log" "$out/"
	find "$d/san" -type f -name 'asan.*' -exec cp {} "$out/" \;
}

echo "# finding 4 (trigger use after free): $SPEC under ASan, 1.0 ($OLD_REV) and this working tree"
run_version 1.0 "$OLD_REV"
report="$(grep -l 'heap-use-after-free' "$OUT/1.0"/asan.* 2>/dev/null | head -n 1 || true)"
if [ -n "$report" ] && grep -q 'AzureFilesCheck' "$report"; then
	pass "1.0: ASan reports a heap-use-after-free in AzureFilesCheck ($report)"
	sed -n '/ERROR: AddressSanitizer/,/^$/p' "$report" | head -n 14 | sed 's/^/#   /'
else
	fail "1.0: ASan reports a heap-use-after-free in AzureFilesCheck" "$(ls "$OUT/1.0"; tail -n 20 "$OUT/1.0/iso.log")"
fi
run_version now
if ! ls "$OUT/now"/asan.* >/dev/null 2>&1 &&
	! grep -qE 'AddressSanitizer|terminated by signal|server process \(PID [0-9]+\)' "$OUT/now/server.log"; then
	pass "now: no ASan report, no crashed backend"
else
	fail "now: no ASan report, no crashed backend" "$(head -n 30 "$OUT/now"/asan.* 2>/dev/null; grep -E 'AddressSanitizer|terminated|server process' "$OUT/now/server.log" | head)"
fi
if grep -qE "^(test| ) +$SPEC +\.\.\. ok" "$OUT/now/iso.log"; then
	pass "now: $SPEC passes (its output is test/security/expected/$SPEC.out)"
else
	fail "now: $SPEC passes" "$(head -n 40 "$OUT/now/iso/regression.diffs" 2>/dev/null)"
fi
echo "# logs: $OUT"
tap_summary
