/*-------------------------------------------------------------------------
 * arguments.hpp
 *	  Reading SQL arguments and making result datums: the checks every
 *	  entry point shares (NULL is 22004, an empty optional string is 22023),
 *	  and text in UTF-8, the encoding signing and URLs work in.
 *
 * Everything here is Postgres side (it may ereport) unless it says
 * otherwise: call it before Guard(), or inside PgCall().
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
}

#include <string>
#include <string_view>

namespace azure_blob {

/* A text value as a NUL-terminated UTF-8 C string (palloc'd, or t's own copy). */
const char *TextToUtf8(text *t);

/* A required text argument in UTF-8: NULL is 22004. */
const char *RequiredArg(FunctionCallInfo fcinfo, int n, const char *what);
/* An optional text argument in UTF-8: NULL means "not given" (nullptr), an empty string is 22023 with hint. */
const char *OptionalArg(FunctionCallInfo fcinfo, int n, const char *what,
                        const char *hint = "Pass NULL to leave it out.");

/* A text value as a UTF-8 view: no copy when the database is UTF-8. */
std::string_view Utf8View(text *t);
/* The same for argument n: required (NULL is 22004), or optional (empty view if NULL; "" is 22023). */
std::string_view RequiredView(FunctionCallInfo fcinfo, int n, const char *what);
std::string_view OptionalView(FunctionCallInfo fcinfo, int n, const char *what);

/* The timestamptz of whole seconds since the Unix epoch. */
TimestampTz FromUnixSeconds(int64 secs);

/* A text datum from UTF-8, in the database encoding. Inside PgCall only. */
Datum Utf8Datum(std::string_view s);

/*
 * s cut to at most max_bytes (on a UTF-8 character boundary) with "..."
 * appended when cut: for names quoted in error messages.  C++ side.
 */
std::string ShownText(std::string_view s, size_t max_bytes);

} // namespace azure_blob
