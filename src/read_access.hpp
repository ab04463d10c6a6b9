/*-------------------------------------------------------------------------
 * read_access.hpp
 *	  "May the caller read the file of this blob?": the azure_files row
 *	  the caller can see through row-level security, found fast.
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace azure_blob {

/* Where a readable file is; account == nullptr means "none the caller may read". */
struct ReadableFile {
	char *account;      /* palloc'd */
	char *container;    /* palloc'd */
	char *content_type; /* palloc'd, or NULL if the row has none */
};

/* Registers the relcache callback that forgets cached table facts. From _PG_init. */
void InitReadAccess();

/*
 * The row of azure_files named blob, if the caller may read it: probed in
 * C through the hash index under the extension's own policies, else asked
 * of SQL (azure_blob.file_lookup by OID, so RLS decides), else, in a
 * database that still has 1.0's SQL objects, 1.0's query.  A row the caller
 * cannot see is the same as no row.  C++ side (throws; call inside Guard).
 */
ReadableFile FindReadableFile(text *blob);

} // namespace azure_blob
