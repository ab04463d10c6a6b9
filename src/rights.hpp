/*-------------------------------------------------------------------------
 * rights.hpp
 *	  Who may use azure_blob in this database.
 *
 * Roles are cluster-wide, so membership in azure_blob_admin or
 * azure_blob_user alone would reach every database that has the
 * extension.  A role's rights in one database come from two things
 * together: membership in the cluster role (which gives EXECUTE on the
 * functions) and a grant in this database's azure_blob.grants, made with
 * azure_grant() (README, "Security model").  Superusers and the extension
 * owner have every right.
 *
 * Postgres code only (may ereport).
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace azure_blob {

enum class Right { kNone = 0, kUser = 1, kAdmin = 2 };

/* Registers the relcache callback that forgets the grants table's OID. From _PG_init. */
void InitRights();

/* The current user's right in this database; computed once per command and role. */
Right CurrentRight();

/* Ereports 42501 unless the current user has at least `need` in this database. */
void RequireRight(Right need);

} // namespace azure_blob
