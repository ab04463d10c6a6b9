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

/* The canonical URL of a blob (no query): endpoint/container/encoded-path. */
std::string BlobUrl(const Account &acct, const std::string &container, const std::string &blob);

/* The BEFORE INSERT OR UPDATE row trigger of azure_files (trigger.cpp). */
Datum AzureFilesCheck(FunctionCallInfo fcinfo);

} // namespace azure_blob
