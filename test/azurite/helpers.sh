# shellcheck shell=bash
# SQL helpers shared by test/azurite/e2e.sh, rest.sh, faults.sh, test/soak/soak.sh and test/browser/run.sh.
# Source it after test/lib.sh, with these set by the sourcing suite:
#   WORK           a private temporary directory (removed at exit)
#   AZB_DB         the suite's database
#   ROLE_PASSWORD  the password of the suite's login roles
#
# What it gives:
#   sql_admin SQL [psql args]        run as the cluster superuser; rows on stdout,
#                                    columns separated by $FS; stderr kept for
#                                    last_sqlstate / last_error
#   sql_as ROLE UID SQL [psql args]  the same as login role ROLE (password auth),
#                                    with azure_blob.user_id = UID (if UID given) set
#                                    in the transaction of SQL's first statement
#   last_sqlstate, last_error        of the last sql_admin / sql_as
#   expect_state LABEL STATE CMD...  pass if CMD fails with SQLSTATE STATE (returns 0)
#   check_out LABEL WANT CMD...      pass if CMD succeeds and prints WANT (returns 0)
#   suite_create_db / suite_create_role ROLE [GRANT...]
#                                    the suite's database (dropped at exit) and
#                                    login roles (dropped at exit)
#   sess_open NAME [ROLE]            a long-lived psql session (one backend) fed
#                                    through a FIFO, for tests that need the same
#                                    backend across steps or two sessions at once
#   sess_send NAME SQL / sess_wait NAME [TIMEOUT_S] / sess_run NAME SQL [TIMEOUT_S]
#                                    send SQL; wait for it to finish. After
#                                    sess_wait: SESS_OUT (stdout and stderr of
#                                    that SQL), SESS_MS (milliseconds from send to
#                                    completion, measured with date +%s%N),
#                                    SESS_T1 (date +%s%N at completion)
#   sess_sqlstate                    SQLSTATE of the first error in SESS_OUT
#   sess_close NAME

# Unit separator between columns: never occurs in names, URLs or timestamps.
FS=$'\x1f'

sql_admin() {
	local sql=$1
	shift
	printf '\\set VERBOSITY verbose\n%s\n' "$sql" |
		psql -X -v ON_ERROR_STOP=1 -qAt -F "$FS" -d "$AZB_DB" "$@" 2>"$WORK/stderr"
}

sql_as() {
	local role=$1 uid=$2 sql=$3
	shift 3
	{
		printf '\\set VERBOSITY verbose\n'
		# The identity counts only in the transaction that set it: "\;" makes
		# psql send the SET and SQL's first statement as one query, so they run
		# in one transaction (a BEGIN there extends it to the block it opens).
		if [ -n "$uid" ]; then
			printf "SET azure_blob.user_id = :'azb_uid' \\;\n"
		fi
		printf '%s\n' "$sql"
	} | PGUSER="$role" PGPASSWORD="$ROLE_PASSWORD" \
		psql -X -v ON_ERROR_STOP=1 -qAt -F "$FS" -d "$AZB_DB" -v azb_uid="$uid" "$@" \
			2>"$WORK/stderr"
}

# VERBOSITY verbose prints "ERROR:  42501: message".
_sqlstate_of() {
	sed -n 's/^\(psql:[^:]*:[0-9]*: \)\{0,1\}ERROR:  \([0-9A-Z]\{5\}\): .*/\2/p' | head -n 1
}

last_sqlstate() {
	_sqlstate_of <"$WORK/stderr"
}

last_error() {
	cat "$WORK/stderr"
}

# expect_state LABEL STATE CMD...: CMD (sql_admin or sql_as) must fail with STATE.
expect_state() {
	local label=$1 want=$2 out got
	shift 2
	if out="$("$@")"; then
		fail "$label -> $want" "succeeded: $out"
		return 0
	fi
	got="$(last_sqlstate)"
	if [ "$got" = "$want" ]; then
		pass "$label -> $want"
	else
		fail "$label -> $want" "got SQLSTATE '$got': $(last_error)"
	fi
	return 0
}

# ---------------------------------------------------------------------------
SUITE_ROLES=()

_suite_drop() {
	local r
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $AZB_DB WITH (FORCE)" >/dev/null 2>&1 || true
	for r in "${SUITE_ROLES[@]}"; do
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
	done
}

suite_create_db() {
	psql -X -v ON_ERROR_STOP=1 -qAt -d postgres \
		-c "CREATE DATABASE $AZB_DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" \
		2>"$WORK/stderr" || return 1
	azb_on_exit _suite_drop
}

# suite_create_role ROLE [GRANTED_ROLE...]: a new login role (it must not exist); for
# azure_blob_admin / azure_blob_user also the grant in the suite's database (azure_grant).
suite_create_role() {
	local role=$1 g
	shift
	# Through stdin: psql does not interpolate :'pw' in -c.
	printf "CREATE ROLE %s LOGIN PASSWORD :'pw';\n" "$role" |
		psql -X -v ON_ERROR_STOP=1 -qAt -d postgres -v pw="$ROLE_PASSWORD" 2>"$WORK/stderr" || return 1
	SUITE_ROLES+=("$role")
	sql_admin "GRANT CONNECT ON DATABASE $AZB_DB TO $role; GRANT USAGE ON SCHEMA public TO $role;" || return 1
	for g in "$@"; do
		sql_admin "GRANT $g TO $role;" || return 1
		# Since 1.1 the cluster role counts only where a grant names the role (README, "Security model").
		case $g in
		azure_blob_admin) sql_admin "SELECT azure_grant('$role', 'admin');" || return 1 ;;
		azure_blob_user) sql_admin "SELECT azure_grant('$role', 'user');" || return 1 ;;
		esac
	done
}

# ---------------------------------------------------------------------------
# Long-lived sessions. psql reads SQL from a FIFO that this shell keeps open;
# after each piece of SQL it echoes a marker, and completion is the marker
# appearing in the output file. stdbuf makes psql's stdout line-buffered, so
# results are in the file before the marker; errors (stderr) are unbuffered.
declare -A SESS_FD=() SESS_PID=() SESS_T0=() SESS_MARK=() SESS_START=()
SESS_SEQ=0
SESS_OUT=""
SESS_MS=0
SESS_T1=0

sess_open() {
	local name=$1 role=${2:-} dir fd
	dir="$WORK/sess-$name"
	mkdir -p "$dir"
	rm -f "$dir/in"
	mkfifo "$dir/in"
	: >"$dir/out"
	if [ -n "$role" ]; then
		PGUSER="$role" PGPASSWORD="$ROLE_PASSWORD" stdbuf -oL -eL \
			psql -X -qAt -F "$FS" -v VERBOSITY=verbose -d "$AZB_DB" <"$dir/in" >"$dir/out" 2>&1 &
	else
		stdbuf -oL -eL psql -X -qAt -F "$FS" -v VERBOSITY=verbose -d "$AZB_DB" <"$dir/in" >"$dir/out" 2>&1 &
	fi
	SESS_PID[$name]=$!
	exec {fd}>"$dir/in"
	SESS_FD[$name]=$fd
	azb_on_exit "sess_close '$name'"
}

sess_send() {
	local name=$1 sql=$2 dir="$WORK/sess-$1"
	SESS_SEQ=$((SESS_SEQ + 1))
	SESS_MARK[$name]="__azb_done_${SESS_SEQ}__"
	SESS_START[$name]=$(($(wc -l <"$dir/out") + 1))
	SESS_T0[$name]=$(date +%s%N)
	printf '%s\n\\echo %s\n' "$sql" "${SESS_MARK[$name]}" >&"${SESS_FD[$name]}"
}

# sess_wait NAME [TIMEOUT_S]: returns 1 if the marker did not come in time
# (default 60 s) or psql died.
sess_wait() {
	local name=$1 timeout=${2:-60} dir="$WORK/sess-$1" t1 deadline
	deadline=$((SESS_T0[$name] + timeout * 1000000000))
	while ! grep -qxF "${SESS_MARK[$name]}" "$dir/out"; do
		t1=$(date +%s%N)
		if [ "$t1" -gt "$deadline" ] || ! kill -0 "${SESS_PID[$name]}" 2>/dev/null; then
			SESS_MS=$(((t1 - SESS_T0[$name]) / 1000000))
			SESS_OUT="$(tail -n +"${SESS_START[$name]}" "$dir/out")"
			return 1
		fi
		sleep 0.01
	done
	t1=$(date +%s%N)
	SESS_T1=$t1
	SESS_MS=$(((t1 - SESS_T0[$name]) / 1000000))
	SESS_OUT="$(tail -n +"${SESS_START[$name]}" "$dir/out" | grep -vxF "${SESS_MARK[$name]}" || true)"
	return 0
}

sess_run() {
	sess_send "$1" "$2"
	sess_wait "$1" "${3:-60}"
}

sess_sqlstate() {
	printf '%s\n' "$SESS_OUT" | _sqlstate_of
}

sess_close() {
	local name=$1 fd pid
	fd="${SESS_FD[$name]:-}"
	pid="${SESS_PID[$name]:-}"
	[ -z "$fd" ] && return 0
	exec {fd}>&-
	unset "SESS_FD[$name]"
	if [ -n "$pid" ]; then
		local i
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	unset "SESS_PID[$name]"
}

# check_out LABEL WANT CMD...: CMD must succeed and print exactly WANT.
check_out() {
	local label=$1 want=$2 out
	shift 2
	if ! out="$("$@")"; then
		fail "$label" "failed: $(last_error)"
	elif [ "$out" = "$want" ]; then
		pass "$label"
	else
		fail "$label" "got:  $(printf '%q' "$out")"$'\n'"want: $(printf '%q' "$want")"
	fi
	return 0
}
