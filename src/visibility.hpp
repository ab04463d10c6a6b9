/*-------------------------------------------------------------------------
 * visibility.hpp
 *	  "Can the caller see the azure_files row of this blob?", fast.
 *
 * Postgres code only (it may ereport): call it inside PgCall().
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace azure_blob {

enum class Visibility {
	kVisible,     /* found and visible: *account, *container (palloc'd) and *content_type (palloc'd, or NULL) set */
	kNotVisible,  /* no such row, or the caller may not see it */
	kUseSql,      /* policies are not the extension's own: ask SQL instead */
};

/* Registers the relcache callback that forgets cached table facts. From _PG_init. */
void InitVisibility();

/*
 * Looks the row up through the hash index on blob_name and applies the
 * extension's row-level security policies in C; returns kUseSql when the
 * table's policies are not exactly those, so SQL (and RLS) must decide.
 */
Visibility FindVisibleFile(text *blob, char **account, char **container, char **content_type);

} // namespace azure_blob
