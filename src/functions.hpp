/*-------------------------------------------------------------------------
 * functions.hpp
 *	  Helpers shared by the SQL entry points and the azure_files trigger.
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

#include "accounts.hpp"

namespace azure_blob {

/* A text value as a NUL-terminated UTF-8 C string (palloc'd, or t's own copy). Postgres side only. */
const char *TextToUtf8(text *t);

/* A required text argument in UTF-8: NULL is 22004. Postgres side only. */
const char *RequiredArg(FunctionCallInfo fcinfo, int n, const char *what);
/* An optional text argument in UTF-8: NULL means "not given" (nullptr), an empty string is 22023 with hint. */
const char *OptionalArg(FunctionCallInfo fcinfo, int n, const char *what, const char *hint = "Pass NULL to leave it out.");

/* The timestamptz of whole seconds since the Unix epoch. */
TimestampTz FromUnixSeconds(int64 secs);

/* A text datum from UTF-8, in the database encoding. Inside PgCall only. */
Datum Utf8Datum(std::string_view s);

/*
 * The application user, in the server encoding: azure_blob.user_id if it was
 * set in this transaction, else current_user for administrators (and for
 * everyone when azure_blob.require_user_id is off); else ERROR 28000.
 * Everything that acts for the application user reads it here. Postgres side only.
 */
const char *CurrentUserId();
/* The same in UTF-8. Postgres side only. */
const char *CurrentUserIdUtf8();

/* Container to use: the given one, else the account's default; throws 55000 (with hint) if it has none. */
std::string ResolveContainer(const Account &acct, const char *container,
                             const char *hint = "Pass a container, or add the account again with a default container.");

/*
 * azure_save_metadata hands the properties it read from Azure for blob (in
 * the server encoding) to the trigger for the one INSERT it makes; NULL
 * pointers / has_size false mean "not known".  Clear it right after the
 * INSERT, also when it fails (trigger.cpp).
 */
void SetVerifiedProperties(const char *blob_server, bool has_size, int64 size, const char *content_type,
                           const char *etag);
void ClearVerifiedProperties() noexcept;

/* The BEFORE INSERT OR UPDATE row trigger of azure_files (trigger.cpp). */
Datum AzureFilesCheck(FunctionCallInfo fcinfo);

} // namespace azure_blob
