/*-------------------------------------------------------------------------
 * azure_blob.cpp
 *	  Module magic and initialisation.
 *
 * _PG_init only calls each subsystem's init (pgvector's shape); it creates
 * no C++ objects, so it needs no Guard().
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

/* PG15's fmgr.h does not declare it; PGDLLEXPORT keeps it visible. */
PGDLLEXPORT void _PG_init(void);
}

#include "accounts.hpp"
#include "extension_objects.hpp"
#include "guc.hpp"
#include "http.hpp"
#include "rights.hpp"
#include "read_access.hpp"

extern "C" void
_PG_init(void) {
	azure_blob::DefineGucs();
	azure_blob::InitAccountCache();
	azure_blob::InitHttp();
	azure_blob::InitReadAccess();
	azure_blob::InitRights();
	azure_blob::InitExtensionObjects();
}
