#!/usr/bin/env bash
# test/keys/master_key.sh: the master key file that seals account keys at rest
# (src/master_key.cpp, docs/keys-at-rest.md), on a primary and a hot standby
# laid out as on Debian: postgresql.conf in a directory of its own, outside the
# data directory.  pg_regress cannot do this (it needs a standby, file modes,
# and PGC_SIGHUP settings changed with a reload).
#
#   test/keys/master_key.sh     (after make install; as root it re-runs itself as postgres)
#
# Output: TAP-like lines and "N passed, M failed" (test/lib.sh).
set -uo pipefail

if [ "$(id -u)" -eq 0 ]; then
	exec su postgres -s /bin/bash -c "$(printf '%q' "$(readlink -f "$0")")"
fi

# shellcheck source=../lib.sh
source "$(dirname "$(readlink -f "$0")")/../lib.sh"
suite_init keys
PGBIN="$(pg_config --bindir)"
export PATH="$PGBIN:$PATH"
require_cmds initdb pg_ctl pg_basebackup psql stat

B="$WORK"
P1="$(azb_free_port)"
P2="$(azb_free_port)"
mkdir -p "$B/conf1" "$B/conf2" "$B/keys"
initdb -D "$B/p1" -A trust >"$B/initdb.log" 2>&1 || bail_out "initdb failed"
write_conf() { # DIR DATA PORT
	cat >"$1/postgresql.conf" <<EOC
data_directory = '$2'
hba_file = '$B/p1/pg_hba.conf'
ident_file = '$B/p1/pg_ident.conf'
port = $3
listen_addresses = ''
unix_socket_directories = '$B'
wal_level = replica
hot_standby = on
EOC
}
write_conf "$B/conf1" "$B/p1" "$P1"
pg_ctl -D "$B/conf1" -l "$B/p1.log" -w start >/dev/null || bail_out "primary did not start"
azb_on_exit "pg_ctl -D '$B/conf1' -m immediate stop >/dev/null 2>&1"

q1() { psql -X -At -h "$B" -p "$P1" -d postgres "$@" 2>&1; }
q2() { psql -X -At -h "$B" -p "$P2" -d postgres "$@" 2>&1; }
# check NAME OUTPUT PATTERN: pass if OUTPUT matches the extended regex PATTERN.
check() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "expected /$3/, got: $2"; fi
}
SIGN="SELECT azure_blob_sas_url('k.txt', 'r', '2030-01-01 00:00:00+00', account => 'a')"
reload1() { q1 -c "LOAD 'azure_blob'" "$@" -c "SELECT pg_reload_conf()" >/dev/null; sleep 1; }

# --- primary -----------------------------------------------------------------
out="$(q1 -c "CREATE EXTENSION azure_blob" \
	-c "CREATE FUNCTION public.seal() RETURNS integer AS 'azure_blob', 'azure_blob_seal_secrets' LANGUAGE C" \
	-c "SET azure_blob.allow_http = on" \
	-c "SELECT azure_account_add('a', 'UseDevelopmentStorage=true', 'box')" \
	-c "SELECT 'sealed=' || public.seal()" -c "$SIGN")"
# CREATE EXTENSION (1.0's script, then the 1.1 update, which runs seal_secrets()) left nothing in clear.
check "primary: CREATE EXTENSION sealed the upload secret (seal_secrets() finds nothing left)" "$out" '^sealed=0$'
check "primary: a sealed account signs" "$out" 'sig='
SIG_PRIMARY="$(printf '%s\n' "$out" | grep 'sig=')"
KEY="$B/conf1/azure_blob_master.key"
check "primary: key file created next to postgresql.conf, mode 600, 32 bytes" \
	"$(stat -c '%a %s %U' "$KEY" 2>&1)" "^600 32 $(id -un)\$"
[ -e "$B/p1/azure_blob_master.key" ] && fail "primary: data directory holds no key file" || pass "primary: data directory holds no key file"
check "primary: the creation is logged" "$(cat "$B/p1.log")" 'azure_blob created master key file ".*/conf1/azure_blob_master.key"'

# --- hot standby -------------------------------------------------------------
pg_basebackup -h "$B" -p "$P1" -D "$B/p2" -R -X stream >"$B/basebackup.log" 2>&1 || bail_out "pg_basebackup failed"
if find "$B/p2" -name 'azure_blob_master*' | grep -q .; then
	fail "standby: the base backup carries no key file"
else
	pass "standby: the base backup carries no key file"
fi
write_conf "$B/conf2" "$B/p2" "$P2"
pg_ctl -D "$B/conf2" -l "$B/p2.log" -w start >/dev/null || bail_out "standby did not start"
azb_on_exit "pg_ctl -D '$B/conf2' -m immediate stop >/dev/null 2>&1"
for _ in $(seq 1 50); do
	[ "$(q2 -c "SELECT count(*) FROM azure_blob.accounts")" = 1 ] && break
	sleep 0.2
done
# One session: it fails, the file is copied in, the same session then signs.
out="$(q2 -c "\\set VERBOSITY verbose" -c "SELECT pg_is_in_recovery()" -c "$SIGN" \
	-c "\\! ls '$B/conf2' | sed 's/^/conf2: /'" \
	-c "\\! cp '$KEY' '$B/conf2/' && chmod 600 '$B/conf2/azure_blob_master.key'" -c "$SIGN")"
check "standby: is in recovery" "$out" '^t$'
check "standby: missing key file is 58P01 naming the path" "$out" \
	'ERROR:  58P01: master key file ".*/conf2/azure_blob_master.key" does not exist'
check "standby: the hint says to copy the primary's file" "$out" "HINT:  Copy the primary's master key file there"
check "standby: once copied, the same session signs as the primary" "$out" "^$(printf '%s' "$SIG_PRIMARY" | sed 's/[][\.*^$?+(){}|]/\\&/g')\$"
check "standby: made no key file of its own" "$(printf '%s\n' "$out" | grep '^conf2: ' | tr '\n' ' ')" '^conf2: postgresql.conf $'

check "standby: server still up" "$(pg_isready -h "$B" -p "$P2")" 'accepting connections'

# --- unsafe or broken files --------------------------------------------------
chmod 640 "$KEY"
out="$(q1 -c "\\set VERBOSITY verbose" -c "$SIGN")"
check "group-readable key file is refused (F0000)" "$out" 'ERROR:  F0000: master key file ".*" has group or world access'
chmod 600 "$KEY"
head -c 31 /dev/urandom >"$B/keys/short.key"
chmod 600 "$B/keys/short.key"
reload1 -c "ALTER SYSTEM SET azure_blob.master_key_file = '$B/keys/short.key'"
out="$(q1 -c "\\set VERBOSITY verbose" -c "$SIGN")"
check "31-byte key file is refused (F0000)" "$out" 'ERROR:  F0000: master key file ".*/short.key" has the wrong size'
check "relative path is refused" "$(q1 -c "LOAD 'azure_blob'" -c "ALTER SYSTEM SET azure_blob.master_key_file = 'rel.key'")" \
	'must be given as an absolute path'

# --- rotation ----------------------------------------------------------------
reload1 -c "ALTER SYSTEM SET azure_blob.master_key_file = '$B/keys/k2.key'" \
	-c "ALTER SYSTEM SET azure_blob.previous_master_key_file = '$KEY'"
out="$(q1 -c "SET azure_blob.default_account = 'a'" -c "$SIGN" \
	-c "SELECT 'uploads=' || count(*) FROM azure_generate_upload_sas('x.txt', 'text/plain')" \
	-c "SELECT 'resealed=' || public.seal()" -c "SELECT 'again=' || public.seal()" \
	-c "SELECT 'ids=' || string_agg(DISTINCT split_part(account_key, ':', 3), ',') FROM azure_blob.accounts" \
	-c "SELECT 'secret=' || split_part(convert_from(secret, 'UTF8'), ':', 3) FROM azure_blob.upload_secret")"
check "rotation: old values unseal with the previous key" "$out" "^$(printf '%s' "$SIG_PRIMARY" | sed 's/[][\.*^$?+(){}|]/\\&/g')\$"
check "rotation: upload names work with the previous key" "$out" '^uploads=1$'
check "rotation: seal_secrets() seals the key and the upload secret again" "$out" '^resealed=2$'
check "rotation: a second run has nothing to do" "$out" '^again=0$'
NEW_ID="$(printf '%s\n' "$out" | sed -n 's/^ids=//p')"
check "rotation: new key file created, mode 600" "$(stat -c '%a %s' "$B/keys/k2.key" 2>&1)" '^600 32$'
check "rotation: everything is under one new key id" "$out" "^secret=$NEW_ID\$"
reload1 -c "ALTER SYSTEM RESET azure_blob.previous_master_key_file"
out="$(q1 -c "SET azure_blob.default_account = 'a'" -c "$SIGN" \
	-c "SELECT 'uploads=' || count(*) FROM azure_generate_upload_sas('x.txt', 'text/plain')")"
check "rotation: without the previous key, the account still signs" "$out" "^$(printf '%s' "$SIG_PRIMARY" | sed 's/[][\.*^$?+(){}|]/\\&/g')\$"
check "rotation: without the previous key, upload names still work" "$out" '^uploads=1$'
reload1 -c "ALTER SYSTEM RESET azure_blob.master_key_file"
out="$(q1 -c "\\set VERBOSITY verbose" -c "$SIGN")"
check "back on the old key: the clear error names both key ids" "$out" \
	'DETAIL:  Its key was sealed with master key [0-9a-f]{8}, but the master key in ".*/conf1/azure_blob_master.key" is [0-9a-f]{8}\.'

# --- nothing in the logs ------------------------------------------------------
leaked=0
for k in "$KEY" "$B/keys/k2.key"; do
	h="$(od -An -tx1 "$k" | tr -d ' \n')"
	b="$(base64 -w0 "$k")"
	grep -qF -e "$h" -e "$b" "$B/p1.log" "$B/p2.log" && leaked=1
done
[ "$leaked" = 0 ] && pass "no master key in the server logs" || fail "no master key in the server logs"

tap_summary
