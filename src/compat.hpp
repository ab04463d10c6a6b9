/*-------------------------------------------------------------------------
 * compat.hpp
 *	  The few places where the supported PostgreSQL versions (15 and later)
 *	  differ in what azure_blob uses.  Postgres side only.
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "access/genam.h"
#include "storage/proc.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"

/*
 * The varlena macros (VARDATA_ANY, VARSIZE_ANY_EXHDR, VARATT_IS_*) moved
 * from postgres.h into varatt.h in PostgreSQL 16.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif
}

#include <cstring>

namespace azure_blob {

/*
 * The backend's local transaction id (the lxid of its virtual transaction
 * id).  PostgreSQL 17 moved it from MyProc->lxid into MyProc->vxid.lxid.
 */
inline LocalTransactionId
CurrentLocalTransactionId() {
#if PG_VERSION_NUM >= 170000
	return MyProc->vxid.lxid;
#else
	return MyProc->lxid;
#endif
}

/*
 * The GUC record of a defined setting, or nullptr.  find_option() is
 * exported from PostgreSQL 16 on; PostgreSQL 15 only hands out the array.
 */
inline struct config_generic *
FindGucRecord(const char *name) {
#if PG_VERSION_NUM >= 160000
	return find_option(name, false, true, ERROR);
#else
	struct config_generic **vars = get_guc_variables();
	const int n = GetNumConfigOptions();
	for (int i = 0; i < n; i++)
		if (vars[i] != nullptr && pg_strcasecmp(vars[i]->name, name) == 0)
			return vars[i];
	return nullptr;
#endif
}

/*
 * index_beginscan() for a plain, uninstrumented index scan.  PostgreSQL 18
 * added the IndexScanInstrumentation argument (EXPLAIN's index search
 * counts); nullptr means none.
 */
inline IndexScanDesc
BeginIndexScan(Relation heap, Relation index, Snapshot snapshot, int nkeys, int norderbys) {
#if PG_VERSION_NUM >= 180000
	return index_beginscan(heap, index, snapshot, nullptr, nkeys, norderbys);
#else
	return index_beginscan(heap, index, snapshot, nkeys, norderbys);
#endif
}

} // namespace azure_blob

/*
 * Wait events (src/http.cpp reports one around each HTTP request, so that
 * pg_stat_activity shows a backend waiting on Azure).
 *
 * PostgreSQL 17 added custom wait events of type "Extension":
 * WaitEventExtensionNew() registers a name in shared memory, or returns the
 * id already registered for it (by any backend), and pg_stat_activity shows
 * wait_event_type "Extension", wait_event "AzureBlobRequest".  PostgreSQL 15
 * and 16 have the single event PG_WAIT_EXTENSION: wait_event_type and
 * wait_event are both "Extension".
 *
 * On 17 and later the first call may raise an ERROR (shared memory for the
 * names exhausted): call it through PgCall().
 */
extern "C" {
#include "utils/wait_event.h"
}

namespace azure_blob {

inline uint32
AzureRequestWaitEvent() {
#if PG_VERSION_NUM >= 170000
	static uint32 event = 0; /* registered once per backend */
	if (event == 0)
		event = WaitEventExtensionNew("AzureBlobRequest");
	return event;
#else
	return PG_WAIT_EXTENSION;
#endif
}

} // namespace azure_blob
