/*-------------------------------------------------------------------------
 * arguments.cpp
 *	  Argument readers and result datums shared by the entry points
 *	  (see arguments.hpp).
 *-------------------------------------------------------------------------
 */
#include "arguments.hpp"

#include "compat.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
}

namespace azure_blob {

const char *
TextToUtf8(text *t) {
	char *s = text_to_cstring(t);
	/* Signing and URLs work on UTF-8; returns s itself when the database already is UTF-8. */
	return pg_server_to_any(s, static_cast<int>(strlen(s)), PG_UTF8);
}

const char *
RequiredArg(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	return TextToUtf8(PG_GETARG_TEXT_PP(n));
}

const char *
OptionalArg(FunctionCallInfo fcinfo, int n, const char *what, const char *hint) {
	if (PG_ARGISNULL(n))
		return nullptr;
	const char *s = TextToUtf8(PG_GETARG_TEXT_PP(n));
	if (s[0] == '\0')
		ereport(ERROR,
		        (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must not be empty", what), errhint("%s", hint)));
	return s;
}

TimestampTz
FromUnixSeconds(int64 secs) {
	return (secs - (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY) * USECS_PER_SEC;
}

Datum
Utf8Datum(std::string_view s) {
	const int len = static_cast<int>(s.size());
	/* Checks the bytes; returns s itself (not NUL-terminated) when nothing needs converting. */
	const char *server = pg_any_to_server(s.data(), len, PG_UTF8);
	return PointerGetDatum(server == s.data() ? cstring_to_text_with_len(server, len) : cstring_to_text(server));
}

/*
 * Text argument n, detoasted only if it is compressed or out of line
 * (PG_GETARG_TEXT_PP, with the common case tested inline: the signers read
 * up to 15 arguments per call).
 */
static inline text *
ArgTextPP(FunctionCallInfo fcinfo, int n) {
	struct varlena *v = reinterpret_cast<struct varlena *>(PG_GETARG_POINTER(n));
	if (VARATT_IS_COMPRESSED(v) || VARATT_IS_EXTERNAL(v))
		v = pg_detoast_datum_packed(v);
	return reinterpret_cast<text *>(v);
}

/* A text value as a UTF-8 view: no copy when the database is UTF-8. Postgres side. */
std::string_view
Utf8View(text *t) {
	if (GetDatabaseEncoding() == PG_UTF8)
		return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	return TextToUtf8(t);
}

/* An optional text argument as a UTF-8 view: empty if NULL; an empty string is 22023. */
std::string_view
OptionalView(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		return {};
	text *t = ArgTextPP(fcinfo, n);
	if (VARSIZE_ANY_EXHDR(t) == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must not be empty", what),
		                errhint("Pass NULL to leave it out.")));
	return Utf8View(t);
}

std::string_view
RequiredView(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	return Utf8View(ArgTextPP(fcinfo, n));
}

std::string
ShownText(std::string_view s, size_t max_bytes) {
	if (s.size() <= max_bytes)
		return std::string(s);
	size_t cut = max_bytes;
	while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
		cut--; /* not inside a UTF-8 sequence */
	return std::string(s.substr(0, cut)) + "...";
}

} // namespace azure_blob
