#!/usr/bin/env bash
# The application user's identity behind a transaction pooler, for real:
#
#   pg_virtualenv -t -v 15 bash test/security/pgbouncer.sh
#
# Debian's pgbouncer (scripts/install-deps.sh installs it; this script
# installs nothing) listens on a free port of 127.0.0.1 in front of the
# virtualenv's cluster with pool_mode = transaction and default_pool_size = 1,
# so that successive clients of one role share one server connection, as an
# application's requests do behind PgBouncer.  pgbouncer refuses to run as
# root: as root, it runs as the postgres user (setpriv, so that $! is its PID).
#
# What is asserted (TAP lines, last line "N passed, M failed", exit 1 if M > 0):
# - client 1 runs a plain SET azure_blob.user_id = 'alice' and, in that same
#   transaction, acts as alice; it disconnects;
# - client 2 gets the same server connection, which still holds 'alice'
#   (SHOW), sets nothing, and azure_current_user_id() and a read URL for
#   alice's file fail with 28000 "azure_blob.user_id is not set" instead of
#   answering as alice;
# - the same when client 1 only ran the SET, before the extension's library
#   was loaded into that server connection (a fresh pool);
# - the guide's BEGIN; SET LOCAL azure_blob.user_id = 'bob'; ...; COMMIT;
#   works through the pooler, and bob does not reach the next client either;
# - with the superuser's switch azure_blob.session_user_id = on (set for a
#   third role with ALTER ROLE), client 2 DOES act as alice and gets her read
#   URL: the leak that 1.0 had, which shows that the checks above would see it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"

suite_init pgbouncer
require_cmds psql pgbouncer

: "${PGPORT:?run under pg_virtualenv: PGPORT is not set}"
DB="azb_bouncer_$$"
APP=azb_app          # the application's role: one pool, one server connection
FRESH=azb_app_fresh  # the same rights, a pool of its own: a server connection without the library
LEAKY=azb_app_leaky  # the same rights, with azure_blob.session_user_id = on

# sql_admin SQL: as the virtualenv's superuser, directly (not through pgbouncer).
sql_admin() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1" 2>&1
}

# --- the database ---------------------------------------------------------------
if ! out="$(psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" 2>&1)"; then
	fail "setup: CREATE DATABASE" "$out"
	bail_out "no database"
fi
# Cleanups run last registered first: pgbouncer, then the database, then the roles.
azb_on_exit "psql -X -q -d postgres -c 'DROP ROLE IF EXISTS $APP, $FRESH, $LEAKY' >/dev/null 2>&1"
azb_on_exit "psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $DB WITH (FORCE)' >/dev/null 2>&1"

if out="$(sql_admin "CREATE EXTENSION azure_blob;
	SET azure_blob.allow_http = on;
	SELECT azure_account_add('default', 'UseDevelopmentStorage=true', 'uploads');
	CREATE ROLE $APP LOGIN PASSWORD '$ROLE_PASSWORD';
	CREATE ROLE $FRESH LOGIN PASSWORD '$ROLE_PASSWORD';
	CREATE ROLE $LEAKY LOGIN PASSWORD '$ROLE_PASSWORD';
	GRANT azure_blob_user TO $APP, $FRESH, $LEAKY;
	ALTER ROLE $LEAKY IN DATABASE $DB SET azure_blob.session_user_id = on;
	INSERT INTO azure_files (blob_name, user_id) VALUES ('bouncer/alice.txt', 'alice');")"; then
	pass "setup: extension, account, app roles (members of azure_blob_user), a file of alice's"
else
	fail "setup: extension, account, app roles, a file of alice's" "$out"
	bail_out "setup failed"
fi
# Where rights are granted per database (azure_grant), grant them too.
if [ "$(sql_admin "SELECT count(*) FROM pg_proc WHERE proname = 'azure_grant'")" != 0 ]; then
	for r in "$APP" "$FRESH" "$LEAKY"; do
		out="$(sql_admin "SELECT azure_grant('$r', 'user')")" || fail "setup: azure_grant('$r', 'user')" "$out"
	done
fi

# --- pgbouncer ------------------------------------------------------------------
BDIR="$WORK/pgbouncer"
mkdir -p "$BDIR"
chmod 755 "$WORK"
BPORT="$(azb_free_port)"
{
	for r in "$APP" "$FRESH" "$LEAKY"; do
		printf '"%s" "%s"\n' "$r" "$ROLE_PASSWORD"
	done
} >"$BDIR/userlist.txt"
cat >"$BDIR/pgbouncer.ini" <<EOF
[databases]
$DB = host=127.0.0.1 port=$PGPORT dbname=$DB

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BPORT
unix_socket_dir =
auth_type = trust
auth_file = $BDIR/userlist.txt
pool_mode = transaction
default_pool_size = 1
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 20
server_reset_query =
logfile = $BDIR/pgbouncer.log
pidfile = $BDIR/pgbouncer.pid
EOF
chmod 600 "$BDIR/userlist.txt"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres: "$BDIR"
	RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
"${RUN_AS[@]}" pgbouncer "$BDIR/pgbouncer.ini" >"$WORK/pgbouncer.out" 2>&1 &
BOUNCER_PID=$!
azb_on_exit "kill -TERM $BOUNCER_PID 2>/dev/null; wait $BOUNCER_PID 2>/dev/null"
up=0
for ((i = 0; i < 100; i++)); do
	if psql -X -q -At "host=127.0.0.1 port=$BPORT dbname=$DB user=$APP" -c 'SELECT 1' >/dev/null 2>&1; then
		up=1
		break
	fi
	kill -0 "$BOUNCER_PID" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" = 1 ]; then
	pass "pgbouncer answers on 127.0.0.1:$BPORT (pool_mode = transaction, default_pool_size = 1)"
else
	fail "pgbouncer answers on 127.0.0.1:$BPORT" "$(cat "$WORK/pgbouncer.out" "$BDIR/pgbouncer.log" 2>/dev/null)"
	bail_out "pgbouncer did not start"
fi

# client ROLE: one client session through pgbouncer, SQL on standard input;
# prints results and errors (VERBOSITY verbose: "ERROR:  28000: ..."), never fails.
client() {
	PGPASSWORD='' psql -X -q -At -v VERBOSITY=verbose "host=127.0.0.1 port=$BPORT dbname=$DB user=$1" 2>&1 || true
}

# same_backend NAME PID1 PID2: pass if both clients ran on one server connection.
same_backend() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		pass "$1 (backend $2)"
	else
		fail "$1" "client 1 on backend '$2', client 2 on '$3'"
	fi
}

# expect NAME OUTPUT PATTERN...: pass if OUTPUT matches every extended regex PATTERN.
expect() {
	local name=$1 output=$2 p
	shift 2
	for p in "$@"; do
		if ! grep -Eq -- "$p" <<<"$output"; then
			fail "$name" "wanted /$p/ in:
$output"
			return 0
		fi
	done
	pass "$name"
}

# reject NAME OUTPUT PATTERN: pass if OUTPUT does not match PATTERN.
reject() {
	if grep -Eq -- "$3" <<<"$2"; then
		fail "$1" "unwanted /$3/ in:
$2"
	else
		pass "$1"
	fi
}

NOT_SET='ERROR:  28000: azure_blob.user_id is not set'
STALE_DETAIL='DETAIL:  A value was set for the session in an earlier transaction'

# --- 1. a plain SET, then the next client on the same server connection ------------
out1="$(client "$APP" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
BEGIN;
SET azure_blob.user_id = 'alice';
SELECT 'c1 acts as ' || azure_current_user_id();
SELECT 'c1 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
COMMIT;
SQL
)"
expect "client 1: a plain SET counts in its own transaction (acts as alice, reads her file)" "$out1" \
	'^c1 acts as alice$' '^c1 read true$'
pid1="$(sed -n 's/^pid=//p' <<<"$out1")"

out2="$(client "$APP" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
SELECT 'leftover=' || current_setting('azure_blob.user_id');
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || azure_generate_read_sas('bouncer/alice.txt');
SELECT 'c2 sees ' || count(*) FROM azure_files;
SQL
)"
pid2="$(sed -n 's/^pid=//p' <<<"$out2")"
same_backend "client 2 gets client 1's server connection" "$pid1" "$pid2"
expect "client 2: the server connection still holds client 1's value (the pooler leaks the setting)" "$out2" \
	'^leftover=alice$'
expect "client 2: azure_current_user_id() fails with 28000 (stale value) instead of answering alice" "$out2" \
	"$NOT_SET" "$STALE_DETAIL"
reject "client 2: never acts as alice" "$out2" '^c2 acts as'
reject "client 2: gets no read URL for alice's file" "$out2" '^c2 read '
reject "client 2: does not see alice's rows through RLS" "$out2" '^c2 sees '
if [ "$(grep -c "$NOT_SET" <<<"$out2")" = 3 ]; then
	pass "client 2: all three calls fail with 28000"
else
	fail "client 2: all three calls fail with 28000" "$out2"
fi

# --- 2. the same, set before the library was loaded into the server connection -------
out1="$(client "$FRESH" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
SELECT 'loaded=' || (current_setting('azure_blob.require_user_id', true) IS NOT NULL);
SET azure_blob.user_id = 'alice';
SQL
)"
pid1="$(sed -n 's/^pid=//p' <<<"$out1")"
expect "fresh pool, client 1: only a plain SET, the library not yet loaded" "$out1" '^loaded=false$'
out2="$(client "$FRESH" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || azure_generate_read_sas('bouncer/alice.txt');
SQL
)"
pid2="$(sed -n 's/^pid=//p' <<<"$out2")"
same_backend "fresh pool: client 2 gets client 1's server connection" "$pid1" "$pid2"
expect "fresh pool, client 2: the first call loads the library and still fails with 28000" "$out2" \
	"$NOT_SET" "$STALE_DETAIL"
reject "fresh pool, client 2: never acts as alice or reads her file" "$out2" '^c2 (acts as|read )'

# --- 3. the guide's pattern: SET LOCAL in the request's transaction ------------------
out3="$(client "$APP" <<'SQL'
BEGIN;
SET LOCAL azure_blob.user_id = 'bob';
SELECT 'c3 acts as ' || azure_current_user_id();
SELECT 'c3 upload ' || (sas_url LIKE '%&sp=c&%') FROM azure_generate_upload_sas('b.txt', 'text/plain');
COMMIT;
BEGIN;
SELECT set_config('azure_blob.user_id', 'alice', true) IS NOT NULL;
SELECT 'c3 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
COMMIT;
SQL
)"
expect "SET LOCAL / set_config(..., true) through the pooler: acts as bob, then reads alice's file as alice" "$out3" \
	'^c3 acts as bob$' '^c3 upload true$' '^c3 read true$'
out4="$(client "$APP" <<'SQL'
SELECT 'leftover=' || current_setting('azure_blob.user_id');
SELECT 'c4 acts as ' || azure_current_user_id();
SQL
)"
expect "the next client: SET LOCAL left nothing behind (only client 1's stale value), and it is refused" "$out4" \
	'^leftover=alice$' "$NOT_SET"
reject "the next client: never acts as bob or alice" "$out4" '^c4 acts as'

# --- 4. the superuser's switch: session scope, the leak the checks above detect --------
out1="$(client "$LEAKY" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
SET azure_blob.user_id = 'alice';
SELECT 'c1 acts as ' || azure_current_user_id();
SQL
)"
pid1="$(sed -n 's/^pid=//p' <<<"$out1")"
out2="$(client "$LEAKY" <<'SQL'
SELECT 'pid=' || pg_backend_pid();
SELECT 'session_user_id=' || current_setting('azure_blob.session_user_id');
SELECT 'c2 acts as ' || azure_current_user_id();
SELECT 'c2 read ' || (azure_generate_read_sas('bouncer/alice.txt') LIKE '%&sp=r&rscd=attachment&sig=%');
SQL
)"
pid2="$(sed -n 's/^pid=//p' <<<"$out2")"
same_backend "session_user_id pool: client 2 gets client 1's server connection" "$pid1" "$pid2"
expect "session_user_id = on: client 2 DOES act as alice and gets her read URL (the leak is detectable)" "$out2" \
	'^session_user_id=on$' '^c2 acts as alice$' '^c2 read true$'

tap_summary
