#!/usr/bin/env bash
# End-to-end suite: azure_blob against a real Azurite blob service.
#
# Run it where PGHOST/PGPORT/PGUSER(/PGPASSWORD) point at a throwaway PostgreSQL
# 15 cluster as a superuser, with the extension already `make install`ed:
#     pg_virtualenv -t -v 15 test/azurite/e2e.sh
# It creates its own database and login role, starts its own Azurite on
# 127.0.0.1:<free port> and stops it by PID at exit.
#
# Every check asserts a real outcome: HTTP status codes from curl, byte equality
# with cmp, row contents from psql. Output is TAP-like ("ok N - ..."), and the
# last line is exactly "N passed, M failed". Exit status is non-zero if M > 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/lib.sh
. "$HERE/../lib.sh"

# ---------------------------------------------------------------------------
# Settings.
E2E_DB="azb_e2e_$$"
APP_ROLE="app"            # the application's login role, granted azure_blob_user
OUTSIDER_ROLE="outsider"  # a login role without any azure_blob grant
CONTAINER="uploads"
USER_A="user_123"
USER_B="user_456"

# ROLE_PASSWORD, a UTF-8 client whatever the locale, WORK (test/lib.sh).
suite_init e2e

require_cmds psql curl cmp node

# ---------------------------------------------------------------------------
# SQL helpers (sql_admin, sql_as, last_sqlstate, last_error), shared with the
# other Azurite suites; they run on the database named by AZB_DB.
AZB_DB="$E2E_DB"
# shellcheck source=test/azurite/helpers.sh
. "$HERE/helpers.sh"

# ---------------------------------------------------------------------------
# HTTP helpers. -g: the URLs carry %XX escapes and no globbing patterns; never
# let curl interpret [] or {}. Status 000 means curl could not connect.

# http_put URL FILE CONTENT_TYPE -> prints the status; body in $WORK/put.body
http_put() {
	curl -gsS --max-time 120 -o "$WORK/put.body" -w '%{http_code}' -X PUT \
		-H 'x-ms-blob-type: BlockBlob' -H "Content-Type: $3" \
		--data-binary "@$2" "$1" 2>>"$WORK/curl.err" || true
}

# http_get URL OUTFILE -> prints the status; response headers in $WORK/get.headers
http_get() {
	curl -gsS --max-time 120 -o "$2" -D "$WORK/get.headers" -w '%{http_code}' \
		"$1" 2>>"$WORK/curl.err" || true
}

# Value of a response header of the last http_get (case-insensitive name).
get_header() {
	tr -d '\r' <"$WORK/get.headers" |
		awk -v n="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" '
			{ i = index($0, ":"); if (i == 0) next
			  name = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1)
			  sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
			  if (name == n) { val = v } }
			END { print val }'
}

# Value of query parameter NAME in URL (still percent-encoded).
query_param() {
	local url=$1 name=$2 q p parts
	q="${url#*\?}"
	[ "$q" = "$url" ] && return 0
	IFS='&' read -r -a parts <<<"$q"
	for p in "${parts[@]}"; do
		if [ "${p%%=*}" = "$name" ]; then
			printf '%s' "${p#*=}"
			return 0
		fi
	done
}

# Cleanup of what this run created in the cluster (roles only if they did not
# exist before), so the suite can also run against a longer-lived cluster.
CREATED_ROLES=()
e2e_drop_db_and_roles() {
	local r
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $E2E_DB" >/dev/null 2>&1 || true
	for r in "${CREATED_ROLES[@]}"; do
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
	done
}

# Abort the whole suite after a failed setup step: nothing after it can run.
# ---------------------------------------------------------------------------
# Setup.
echo "# azure_blob e2e against Azurite (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-})"

if psql -X -v ON_ERROR_STOP=1 -qAt -d postgres \
	-c "CREATE DATABASE $E2E_DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" \
	2>"$WORK/stderr"; then
	pass "setup: create database $E2E_DB"
	azb_on_exit e2e_drop_db_and_roles
else
	fail "setup: create database $E2E_DB" "$(last_error)"
	bail_out "no database"
fi

if sql_admin "CREATE EXTENSION azure_blob;"; then
	pass "setup: CREATE EXTENSION azure_blob"
else
	fail "setup: CREATE EXTENSION azure_blob" "$(last_error)"
	bail_out "extension not installable"
fi

# Azurite speaks plain http, which REST calls refuse (55000) unless the
# superuser-only azure_blob.allow_http is on. azure_save_metadata makes one
# (a HEAD of the blob, azure_blob.verify_uploads), in the app's sessions too:
# set it for the whole database.
if sql_admin "ALTER DATABASE $E2E_DB SET azure_blob.allow_http = on;"; then
	pass "setup: ALTER DATABASE $E2E_DB SET azure_blob.allow_http = on"
else
	fail "setup: ALTER DATABASE $E2E_DB SET azure_blob.allow_http = on" "$(last_error)"
	bail_out "no http for Azurite"
fi

if azurite_start; then
	pass "setup: Azurite listening at $AZURITE_ENDPOINT (pid $AZURITE_PID)"
else
	fail "setup: start Azurite" "see messages above"
	bail_out "no Azurite"
fi

if out="$(node "$HERE/create-container.js" "$AZURITE_ENDPOINT" "$CONTAINER" 2>&1)" &&
	[ "${out#201 }" != "$out" ]; then
	pass "setup: create container $CONTAINER with Shared Key (201)"
else
	fail "setup: create container $CONTAINER with Shared Key (201)" "$out"
	bail_out "no container"
fi

CONN="UseDevelopmentStorage=true;BlobEndpoint=$AZURITE_ENDPOINT"
if sql_admin "SELECT azure_account_add('default', :'conn', :'cont');" \
	-v conn="$CONN" -v cont="$CONTAINER" >/dev/null; then
	pass "setup: azure_account_add('default', UseDevelopmentStorage=true;BlobEndpoint=..., '$CONTAINER')"
else
	fail "setup: azure_account_add" "$(last_error)"
	bail_out "no account"
fi

for r in "$APP_ROLE" "$OUTSIDER_ROLE"; do
	if [ "$(sql_admin "SELECT count(*) FROM pg_roles WHERE rolname = :'r';" -v r="$r")" = "0" ]; then
		CREATED_ROLES+=("$r")
	fi
done
if sql_admin "
	DO \$\$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
			CREATE ROLE $APP_ROLE LOGIN;
		END IF;
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OUTSIDER_ROLE') THEN
			CREATE ROLE $OUTSIDER_ROLE LOGIN;
		END IF;
	END \$\$;
	ALTER ROLE $APP_ROLE PASSWORD :'pw';
	ALTER ROLE $OUTSIDER_ROLE PASSWORD :'pw';
	GRANT azure_blob_user TO $APP_ROLE;
	SELECT azure_grant('$APP_ROLE', 'user');
	GRANT CONNECT ON DATABASE $E2E_DB TO $APP_ROLE, $OUTSIDER_ROLE;
	GRANT USAGE ON SCHEMA public TO $APP_ROLE, $OUTSIDER_ROLE;
" -v pw="$ROLE_PASSWORD"; then
	pass "setup: login roles $APP_ROLE (GRANT azure_blob_user) and $OUTSIDER_ROLE (no grant)"
else
	fail "setup: login roles" "$(last_error)"
	bail_out "no roles"
fi

if out="$(sql_as "$APP_ROLE" "" "SELECT current_user;")" && [ "$out" = "$APP_ROLE" ]; then
	pass "setup: $APP_ROLE logs in over TCP with a password"
else
	fail "setup: $APP_ROLE logs in" "$out $(last_error)"
	bail_out "app cannot log in"
fi

# ---------------------------------------------------------------------------
# The upload flow, as an app does it:
#   azure_generate_upload_sas -> PUT -> azure_save_metadata ->
#   azure_generate_read_sas -> GET, same bytes and Content-Type.
# Results of the last successful run are left in UP_* for the refusal cases.
UP_BLOB=""
UP_URL=""
UP_FILE_URL=""
UP_READ_URL=""

upload_flow() {
	local label=$1 name=$2 file=$3 ctype=$4 uid=$5
	local row sas_url blob_name file_url expires_at lifetime_ok why status
	local size
	size=$(wc -c <"$file" | tr -d ' ')
	UP_BLOB="" UP_URL="" UP_FILE_URL="" UP_READ_URL=""

	# 1. upload SAS
	if ! row="$(sql_as "$APP_ROLE" "$uid" "
		SELECT sas_url, blob_name, file_url, expires_at,
		       expires_at > now() AND expires_at <= now() + interval '5 minutes 5 seconds'
		FROM azure_generate_upload_sas(:'fname', :'ctype');" \
		-v fname="$name" -v ctype="$ctype")"; then
		fail "$label: azure_generate_upload_sas" "$(last_error)"
		return 1
	fi
	IFS="$FS" read -r sas_url blob_name file_url expires_at lifetime_ok <<<"$row"
	why=""
	[ "$(query_param "$sas_url" sp)" = "c" ] || why+="sp is '$(query_param "$sas_url" sp)', want 'c'; "
	[ "${sas_url%%\?*}" = "$file_url" ] || why+="sas_url without query != file_url; "
	case "$blob_name" in
	*"-$name") ;;
	*) why+="blob_name '$blob_name' does not end in '-$name'; " ;;
	esac
	[ "$lifetime_ok" = "t" ] || why+="expires_at $expires_at is not within the default 5 minutes; "
	if [ -z "$why" ]; then
		pass "$label: upload SAS (sp=c, blob <uuid>-name, file_url, 5 min expiry)"
	else
		fail "$label: upload SAS (sp=c, blob <uuid>-name, file_url, 5 min expiry)" "$why"$'\n'"sas_url=$sas_url"
	fi

	# 2. PUT the bytes with the SAS URL, as the browser would.
	status="$(http_put "$sas_url" "$file" "$ctype")"
	if [ "$status" = "201" ]; then
		pass "$label: PUT $size bytes with the upload URL -> 201"
	else
		fail "$label: PUT $size bytes with the upload URL -> 201" "got $status: $(head -c 500 "$WORK/put.body" 2>/dev/null)"
		return 1
	fi
	UP_BLOB="$blob_name" UP_URL="$sas_url" UP_FILE_URL="$file_url"

	# 3. save the metadata row.
	if ! row="$(sql_as "$APP_ROLE" "$uid" "
		SELECT blob_name, user_id, file_url, coalesce(content_type, '<null>'),
		       coalesce(size_bytes::text, '<null>')
		FROM azure_save_metadata(:'blob');" -v blob="$blob_name")"; then
		fail "$label: azure_save_metadata" "$(last_error)"
		return 1
	fi
	local r_blob r_user r_url r_ctype r_size
	IFS="$FS" read -r r_blob r_user r_url r_ctype r_size <<<"$row"
	why=""
	[ "$r_blob" = "$blob_name" ] || why+="blob_name '$r_blob'; "
	[ "$r_user" = "$uid" ] || why+="user_id '$r_user', want '$uid'; "
	[ "$r_url" = "$file_url" ] || why+="file_url '$r_url', want '$file_url'; "
	if [ -z "$why" ]; then
		pass "$label: azure_save_metadata row (blob_name, user_id=$uid, file_url)"
	else
		fail "$label: azure_save_metadata row (blob_name, user_id=$uid, file_url)" "$why"
	fi
	# The row is verified against the container (README, azure_save_metadata): with
	# azure_blob.verify_uploads (default on) save_metadata HEADs the blob and
	# records its content type and size. Checked once (CHECK_PROPS=1).
	if [ "${CHECK_PROPS:-0}" = 1 ]; then
		if [ "$r_ctype" = "$ctype" ] && [ "$r_size" = "$size" ]; then
			pass "$label: row records content_type and size_bytes of the blob"
		else
			fail "$label: row records content_type and size_bytes of the blob" \
				"content_type '$r_ctype' (want '$ctype'), size_bytes '$r_size' (want $size)"
		fi
	fi

	# 4. read SAS for the row.
	local read_url
	if ! read_url="$(sql_as "$APP_ROLE" "$uid" "SELECT azure_generate_read_sas(:'blob');" -v blob="$blob_name")"; then
		fail "$label: azure_generate_read_sas" "$(last_error)"
		return 1
	fi
	why=""
	[ "$(query_param "$read_url" sp)" = "r" ] || why+="sp is '$(query_param "$read_url" sp)', want 'r'; "
	[ "${read_url%%\?*}" = "$file_url" ] || why+="read URL is not file_url + query; "
	if [ -z "$why" ]; then
		pass "$label: read SAS (sp=r, on file_url)"
	else
		fail "$label: read SAS (sp=r, on file_url)" "$why"$'\n'"read_url=$read_url"
	fi
	UP_READ_URL="$read_url"

	# 5. GET returns exactly the bytes and the Content-Type.
	rm -f "$WORK/got"
	status="$(http_get "$read_url" "$WORK/got")"
	if [ "$status" = "200" ] && cmp -s "$file" "$WORK/got"; then
		pass "$label: GET with the read URL -> 200, same $size bytes (cmp)"
	else
		fail "$label: GET with the read URL -> 200, same $size bytes (cmp)" \
			"status $status, got $(wc -c <"$WORK/got" 2>/dev/null || echo 0) bytes"
	fi
	local got_ct
	got_ct="$(get_header content-type)"
	if [ "$got_ct" = "$ctype" ]; then
		pass "$label: GET returns Content-Type '$ctype'"
	else
		fail "$label: GET returns Content-Type '$ctype'" "got '$got_ct'"
	fi
	return 0
}

echo "# --- upload flow"
head -c 5242880 /dev/urandom >"$WORK/big.bin"
CHECK_PROPS=1 upload_flow "5 MB random binary" "random-5mb.bin" "$WORK/big.bin" "application/octet-stream" "$USER_A" || true

printf 'hello from azure_blob e2e\n' >"$WORK/small.txt"
printf '%s\n' "Grüße, こんにちは, ½ + ¼ = ¾" >"$WORK/utf8.txt"
upload_flow "name with spaces" "my holiday photo.txt" "$WORK/small.txt" "text/plain" "$USER_A" || true
upload_flow "unicode name" "résumé 日本.txt" "$WORK/utf8.txt" "text/plain; charset=utf-8" "$USER_A" || true
upload_flow "name with #" "a#b.txt" "$WORK/small.txt" "text/plain" "$USER_A" || true
upload_flow "name with ?" "what?.txt" "$WORK/small.txt" "text/plain" "$USER_A" || true
upload_flow "name with +" "c++ notes.txt" "$WORK/small.txt" "text/plain" "$USER_A" || true
upload_flow "name with %" "100%.txt" "$WORK/small.txt" "text/plain" "$USER_A" || true

# A fresh blob of user A for the refusal cases below; a PNG-typed body checks
# that the Content-Type travels through unchanged.
printf '\x89PNG\r\n\x1a\nnot really a png\n' >"$WORK/pic.png"
REF_OK=0
if upload_flow "refusal fixture" "pic.png" "$WORK/pic.png" "image/png" "$USER_A" &&
	[ -n "$UP_READ_URL" ]; then
	REF_OK=1
fi
REF_BLOB="$UP_BLOB"
REF_UPLOAD_URL="$UP_URL"
REF_FILE_URL="$UP_FILE_URL"
REF_READ_URL="$UP_READ_URL"

# ---------------------------------------------------------------------------
echo "# --- refusals by the storage service"
if [ "$REF_OK" != 1 ]; then
	for t in "tampered sig" "expired URL" "read URL used for PUT" "upload URL used for GET" \
		"second PUT with the upload URL" "anonymous GET"; do
		fail "$t -> refused" "fixture upload failed, nothing to test against"
	done
else
	# Tampered signature: change one Base64 character of sig= (not part of a
	# %XX escape, and not its last data character, whose low bits may be
	# padding), so the URL stays valid and only the signature differs.
	sig="$(query_param "$REF_READ_URL" sig)"
	i=0
	while [ "$i" -lt "${#sig}" ]; do
		c="${sig:i:1}"
		if [ "$c" = "%" ]; then
			i=$((i + 3))
			continue
		fi
		break
	done
	if [ "${sig:i:1}" = "A" ]; then new="B"; else new="A"; fi
	bad_sig="${sig:0:i}${new}${sig:i+1}"
	tampered="${REF_READ_URL/"sig=$sig"/"sig=$bad_sig"}"
	status="$(http_get "$tampered" "$WORK/tampered.out")"
	if [ "$tampered" != "$REF_READ_URL" ] && [ "$status" = "403" ]; then
		pass "tampered sig (one character) -> 403"
	else
		fail "tampered sig (one character) -> 403" "got $status"
	fi

	# Expired: the admin signer with a window entirely in the past. A control
	# URL from the same signer with a future expiry must work, so the 403 is
	# due to the expiry and nothing else.
	if past="$(sql_admin "SELECT azure_blob_sas_url(:'blob', 'r', now() - interval '1 minute', now() - interval '10 minutes');" -v blob="$REF_BLOB")" &&
		future="$(sql_admin "SELECT azure_blob_sas_url(:'blob', 'r', now() + interval '5 minutes', now() - interval '10 minutes');" -v blob="$REF_BLOB")"; then
		s_future="$(http_get "$future" "$WORK/future.out")"
		s_past="$(http_get "$past" "$WORK/past.out")"
		if [ "$s_future" = "200" ] && cmp -s "$WORK/pic.png" "$WORK/future.out"; then
			pass "azure_blob_sas_url with a future expiry -> 200, same bytes (control)"
		else
			fail "azure_blob_sas_url with a future expiry -> 200, same bytes (control)" "got $s_future; url=$future"
		fi
		if [ "$s_past" = "403" ]; then
			pass "expired URL (azure_blob_sas_url, expires_at in the past) -> 403"
		else
			fail "expired URL (azure_blob_sas_url, expires_at in the past) -> 403" "got $s_past; url=$past"
		fi
	else
		fail "expired URL (azure_blob_sas_url, expires_at in the past) -> 403" "azure_blob_sas_url failed: $(last_error)"
	fi

	status="$(http_put "$REF_READ_URL" "$WORK/small.txt" "text/plain")"
	if [ "$status" = "403" ]; then
		pass "read URL (sp=r) used for PUT -> 403"
	else
		fail "read URL (sp=r) used for PUT -> 403" "got $status"
	fi

	status="$(http_get "$REF_UPLOAD_URL" "$WORK/upget.out")"
	if [ "$status" = "403" ]; then
		pass "upload URL (sp=c) used for GET -> 403"
	else
		fail "upload URL (sp=c) used for GET -> 403" "got $status"
	fi

	# Second PUT with the same create-only URL onto the now existing blob.
	# Put Blob with a SAS onto an existing blob needs 'w' (spec §8.2); Azurite
	# 3.35.0 answers 403 AuthorizationPermissionMismatch (observed), and the
	# blob keeps its first content.
	status="$(http_put "$REF_UPLOAD_URL" "$WORK/small.txt" "text/plain")"
	code="$(sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$WORK/put.body" 2>/dev/null | head -n 1)"
	if [ "$status" = "403" ]; then
		pass "second PUT with the same upload URL (sp=c) onto the existing blob -> 403 $code"
	else
		fail "second PUT with the same upload URL (sp=c) onto the existing blob -> 403" "got $status $code"
	fi
	status="$(http_get "$REF_READ_URL" "$WORK/after.out")"
	if [ "$status" = "200" ] && cmp -s "$WORK/pic.png" "$WORK/after.out"; then
		pass "blob unchanged after the refused second PUT (cmp)"
	else
		fail "blob unchanged after the refused second PUT (cmp)" "status $status"
	fi

	# No SAS at all: the container is private. Azurite 3.35.0 answers 403
	# (observed); Azure may answer 404 ResourceNotFound for a private blob.
	# Either way no bytes may come back.
	status="$(http_get "$REF_FILE_URL" "$WORK/anon.out")"
	if [ "$status" = "403" ] || [ "$status" = "404" ]; then
		pass "anonymous GET of file_url (no SAS) -> $status"
	else
		fail "anonymous GET of file_url (no SAS) -> 403 or 404" "got $status"
	fi
fi

# A read URL from the app-facing function with a short expires_in works at
# once and is refused once it has expired: the lifetime reaches the token.
if [ -n "$REF_BLOB" ]; then
	if short="$(sql_as "$APP_ROLE" "$USER_A" "SELECT azure_generate_read_sas(:'blob', interval '3 seconds');" -v blob="$REF_BLOB")"; then
		s_now="$(http_get "$short" "$WORK/short.out")"
		sleep 4
		s_later="$(http_get "$short" "$WORK/short.out")"
		if [ "$s_now" = "200" ] && [ "$s_later" = "403" ]; then
			pass "read SAS with expires_in 3 s -> 200 at once, 403 after 4 s"
		else
			fail "read SAS with expires_in 3 s -> 200 at once, 403 after 4 s" "got $s_now then $s_later"
		fi
	else
		fail "read SAS with expires_in 3 s" "$(last_error)"
	fi
fi

# ---------------------------------------------------------------------------
echo "# --- ownership between app users"
if [ -n "$REF_BLOB" ]; then
	expect_state "$USER_B cannot get a read SAS for $USER_A's file" 42501 sql_as "$APP_ROLE" "$USER_B" "SELECT azure_generate_read_sas(:'blob');" -v blob="$REF_BLOB"

	if out="$(sql_as "$APP_ROLE" "$USER_B" "SELECT count(*) FROM azure_files WHERE blob_name = :'blob';" -v blob="$REF_BLOB")" &&
		[ "$out" = "0" ]; then
		pass "$USER_B does not see $USER_A's row in azure_files"
	else
		fail "$USER_B does not see $USER_A's row in azure_files" "got '$out' $(last_error)"
	fi

	if out="$(sql_as "$APP_ROLE" "$USER_A" "SELECT count(*) FROM azure_files WHERE blob_name = :'blob';" -v blob="$REF_BLOB")" &&
		[ "$out" = "1" ]; then
		pass "$USER_A sees own row in azure_files"
	else
		fail "$USER_A sees own row in azure_files" "got '$out' $(last_error)"
	fi
else
	fail "$USER_B cannot get a read SAS for $USER_A's file (42501)" "no fixture blob"
fi

# A blob issued to user A and uploaded, but not yet registered: user B must not
# be able to claim it (the blob name carries a MAC of the user id, README "How issuing stays free of writes":
# 42501, and no row); user A then can.
claim_ok=0
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT sas_url, blob_name FROM azure_generate_upload_sas('claim.txt', 'text/plain');")"; then
	IFS="$FS" read -r c_url c_blob <<<"$row"
	if [ "$(http_put "$c_url" "$WORK/small.txt" "text/plain")" = "201" ]; then
		claim_ok=1
	fi
fi
if [ "$claim_ok" = 1 ]; then
	# The blob exists in the container, but has no row yet: no read SAS.
	if out="$(sql_as "$APP_ROLE" "$USER_A" "SELECT azure_generate_read_sas(:'blob');" -v blob="$c_blob")"; then
		fail "no read SAS for an uploaded blob without an azure_files row" "succeeded: $out"
	else
		pass "no read SAS for an uploaded blob without an azure_files row (SQLSTATE $(last_sqlstate))"
	fi
	expect_state "$USER_B cannot save metadata for a blob issued to $USER_A" 42501 sql_as "$APP_ROLE" "$USER_B" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$c_blob"
	expect_state "$USER_B cannot INSERT a row for a blob issued to $USER_A" 42501 sql_as "$APP_ROLE" "$USER_B" "INSERT INTO azure_files (blob_name) VALUES (:'blob');" -v blob="$c_blob"
	if out="$(sql_admin "SELECT count(*) FROM azure_files WHERE blob_name = :'blob';" -v blob="$c_blob")" && [ "$out" = "0" ]; then
		pass "no row for $USER_A's blob after $USER_B's attempts"
	else
		fail "no row for $USER_A's blob after $USER_B's attempts" "count '$out' $(last_error)"
	fi
	if out="$(sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$c_blob")" &&
		[ "$out" = "$c_blob" ]; then
		pass "$USER_A can save metadata for the blob issued to $USER_A"
	else
		fail "$USER_A can save metadata for the blob issued to $USER_A" "$out $(last_error)"
	fi
else
	fail "$USER_B cannot save metadata for a blob issued to $USER_A" "could not issue and upload the blob: $(last_error)"
fi

# An issued name whose upload never happened: azure_save_metadata checks the
# blob (azure_blob.verify_uploads) and refuses with 42704; no row.
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_generate_upload_sas('never-uploaded.txt', 'text/plain');")"; then
	expect_state "azure_save_metadata of an issued but never uploaded blob" 42704 sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$row"
	if out="$(sql_admin "SELECT count(*) FROM azure_files WHERE blob_name = :'blob';" -v blob="$row")" && [ "$out" = "0" ]; then
		pass "no row for the never uploaded blob"
	else
		fail "no row for the never uploaded blob" "count '$out' $(last_error)"
	fi
else
	fail "azure_save_metadata of an issued but never uploaded blob (42704)" "no upload SAS: $(last_error)"
fi

# ---------------------------------------------------------------------------
echo "# --- declared content type (upload names v2, src/core/upload.hpp)"
# An upload URL issued for image/png carries a PUT of text/html just fine (the
# service stores the Content-Type the client sent); azure_save_metadata then
# refuses the blob with 22023, writes no row, and deletes it at once.
printf '<script>alert(document.domain)</script>\n' >"$WORK/evil.html"
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT sas_url, blob_name FROM azure_generate_upload_sas('evil.png', 'image/png');")"; then
	IFS="$FS" read -r t_url t_blob <<<"$row"
	status="$(http_put "$t_url" "$WORK/evil.html" "text/html")"
	if [ "$status" = "201" ]; then
		pass "PUT of a text/html body with an image/png upload URL -> 201 (the service does not check)"
	else
		fail "PUT of a text/html body with an image/png upload URL -> 201" "got $status"
	fi
	expect_state "azure_save_metadata of a blob stored as text/html under an image/png URL" 22023 sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$t_blob"
	if grep -q 'does not match the type its upload URL was issued for' "$WORK/stderr" && grep -q 'text/html' "$WORK/stderr"; then
		pass "the 22023 names the mismatch and the stored type"
	else
		fail "the 22023 names the mismatch and the stored type" "$(cat "$WORK/stderr")"
	fi
	if out="$(sql_admin "SELECT count(*) FROM azure_files WHERE blob_name = :'blob';" -v blob="$t_blob")" && [ "$out" = "0" ]; then
		pass "no row for the mistyped blob"
	else
		fail "no row for the mistyped blob" "count '$out' $(last_error)"
	fi
	if gone_url="$(sql_admin "SELECT azure_blob_sas_url(:'blob', 'r', now() + interval '5 minutes');" -v blob="$t_blob")"; then
		status="$(http_get "$gone_url" "$WORK/gone.out")"
		if [ "$status" = "404" ]; then
			pass "the mistyped blob was deleted (GET -> 404)"
		else
			fail "the mistyped blob was deleted (GET -> 404)" "got $status"
		fi
	else
		fail "the mistyped blob was deleted" "azure_blob_sas_url failed: $(last_error)"
	fi
else
	fail "mistyped upload" "no upload SAS: $(last_error)"
fi
# A Content-Type list whose first type is the issued one: browsers use the
# last type of such a list, so it is refused like any other mismatch.
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT sas_url, blob_name FROM azure_generate_upload_sas('list.png', 'image/png');")"; then
	IFS="$FS" read -r t_url t_blob <<<"$row"
	status="$(http_put "$t_url" "$WORK/evil.html" "image/png;,text/html")"
	if [ "$status" = "201" ]; then
		pass "PUT with Content-Type 'image/png;,text/html' under an image/png URL -> 201 (stored as sent)"
	else
		fail "PUT with Content-Type 'image/png;,text/html' under an image/png URL -> 201" "got $status"
	fi
	expect_state "azure_save_metadata of a blob stored as 'image/png;,text/html' under an image/png URL" 22023 sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$t_blob"
else
	fail "type-list upload" "no upload SAS: $(last_error)"
fi

# The same media type in another case, with a parameter, is the declared type.
printf '\x89PNG\r\n\x1a\nanother\n' >"$WORK/pic2.png"
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT sas_url, blob_name FROM azure_generate_upload_sas('case.png', 'image/png');")"; then
	IFS="$FS" read -r t_url t_blob <<<"$row"
	if [ "$(http_put "$t_url" "$WORK/pic2.png" "Image/PNG; foo=bar")" = "201" ] &&
		out="$(sql_as "$APP_ROLE" "$USER_A" "SELECT content_type FROM azure_save_metadata(:'blob');" -v blob="$t_blob")" &&
		[ "$out" = "Image/PNG; foo=bar" ]; then
		pass "upload as 'Image/PNG; foo=bar' under an image/png URL registers, with the blob's own type"
	else
		fail "upload as 'Image/PNG; foo=bar' under an image/png URL registers" "got '${out:-}' $(last_error)"
	fi
else
	fail "upload with the declared type in another case" "no upload SAS: $(last_error)"
fi

# A file of an active type, declared and uploaded as such, registers; its read
# URL makes the service answer Content-Disposition: attachment.
if row="$(sql_as "$APP_ROLE" "$USER_A" "SELECT sas_url, blob_name FROM azure_generate_upload_sas('page.html', 'text/html');")"; then
	IFS="$FS" read -r t_url t_blob <<<"$row"
	if [ "$(http_put "$t_url" "$WORK/evil.html" "text/html")" = "201" ] &&
		sql_as "$APP_ROLE" "$USER_A" "SELECT blob_name FROM azure_save_metadata(:'blob');" -v blob="$t_blob" >/dev/null &&
		read_url="$(sql_as "$APP_ROLE" "$USER_A" "SELECT azure_generate_read_sas(:'blob');" -v blob="$t_blob")"; then
		status="$(http_get "$read_url" "$WORK/page.out")"
		cd_header="$(get_header content-disposition)"
		if [ "$status" = "200" ] && [ "$cd_header" = "attachment" ]; then
			pass "read URL of a text/html file -> 200 with Content-Disposition: attachment"
		else
			fail "read URL of a text/html file -> 200 with Content-Disposition: attachment" "got $status, '$cd_header'; url=$read_url"
		fi
	else
		fail "text/html file declared as text/html" "$(last_error)"
	fi
else
	fail "text/html file declared as text/html" "no upload SAS: $(last_error)"
fi

# A login role without azure_blob_user gets nothing.
expect_state "role without azure_blob_user cannot get an upload SAS" 42501 sql_as "$OUTSIDER_ROLE" "$USER_A" "SELECT sas_url FROM azure_generate_upload_sas('x.txt', 'text/plain');"

# ---------------------------------------------------------------------------
echo "1..$TAP_N"
tap_summary
