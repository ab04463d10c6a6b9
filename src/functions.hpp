/*-------------------------------------------------------------------------
 * functions.hpp
 *	  Helpers shared by the SQL entry points and the azure_files trigger.
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}

#include <string>

#include "accounts.hpp"

namespace azure_blob {

/* A text value as a NUL-terminated UTF-8 C string (palloc'd, or t's own copy). Postgres side only. */
const char *TextToUtf8(text *t);

/* The application user (azure_blob.user_id, else current_user), in the server encoding. Postgres side only. */
const char *CurrentUserId();
/* The same in UTF-8. Postgres side only. */
const char *CurrentUserIdUtf8();

/* Container to use: the given one, else the account's default; throws 55000 if it has none. */
std::string ResolveContainer(const Account &acct, const char *container);

/* The BEFORE INSERT OR UPDATE row trigger of azure_files (trigger.cpp). */
Datum AzureFilesCheck(FunctionCallInfo fcinfo);

} // namespace azure_blob
