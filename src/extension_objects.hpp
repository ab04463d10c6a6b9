/*-------------------------------------------------------------------------
 * extension_objects.hpp
 *	  The extension's own objects, found by OID through their membership of
 *	  the extension (pg_depend, deptype 'e'), never by name lookup.
 *
 * Names in the extension's schema can be planted, renamed or shadowed by
 * whoever owns or can create in that schema (on PostgreSQL 15+ schema
 * public belongs to pg_database_owner).  Only a superuser can add an object
 * to the extension (ALTER EXTENSION ... ADD needs its ownership, and the
 * extension is not trusted), so "the member relation called azure_files"
 * is ours wherever its schema is renamed to.
 *
 * Postgres code only (may ereport): call inside PgCall() from C++.
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "utils/relcache.h"
#include "access/attnum.h"
}

namespace azure_blob {

/* OID of extension azure_blob in this database; ereports 55000 if it is not installed. */
Oid ExtensionOid();

/* The member relation of the extension with this name (any schema); InvalidOid if none. */
Oid ExtensionRelation(const char *name);

/* azure_files, the extension's table, and its columns (0 for a column it lacks). */
struct FilesTable {
	Oid relid;
	AttrNumber blob_name, user_id, account, container, content_type, size_bytes, upload_timestamp;
};

/*
 * azure_files found by membership, its columns by name; remembered until its
 * relcache entry is invalidated.  Ereports if the extension has no such table.
 */
FilesTable AzureFiles();

/* Registers the relcache callback behind AzureFiles(). From _PG_init. */
void InitExtensionObjects();

/* The member function of the extension with this name and number of arguments; InvalidOid if none. */
Oid ExtensionFunction(const char *name, int nargs);

/*
 * Calls the extension's member function name with nargs arguments, by OID,
 * as the current user (so row-level security applies to the SQL inside);
 * no name is resolved at run time, and SQL-standard bodies (BEGIN ATOMIC)
 * were bound to OIDs when the extension created them.  Returns false if
 * there is no such member (a database still on 1.0's SQL objects).
 */
bool CallExtensionFunction(const char *name, int nargs, const Datum *args, const bool *nulls, Datum *result,
                           bool *isnull);

/*
 * An index of heap on exactly column att with access method amoid (and
 * unique if asked): no expressions, no predicate, valid and ready.  Found
 * among the table's own indexes, so an index of the same name elsewhere is
 * never taken; InvalidOid if there is none (callers then fall back to SQL).
 */
Oid ColumnIndex(Relation heap, AttrNumber att, Oid amoid, bool unique);

} // namespace azure_blob
