/*-------------------------------------------------------------------------
 * extension_objects.cpp
 *	  Finding the extension's member objects through pg_depend.
 *-------------------------------------------------------------------------
 */
#include "extension_objects.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "catalog/pg_index.h"
#include "nodes/pg_list.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

#include <cstring>

namespace azure_blob {

namespace {

/*
 * Calls visit(classid, objid) for every member of the extension until it
 * returns true; returns the objid it stopped at, or InvalidOid.
 */
template <typename Visit>
Oid
FindMember(Oid classid, Visit visit) {
	const Oid ext = ExtensionOid();
	Relation dep = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
	            ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(ext));
	SysScanDesc scan = systable_beginscan(dep, DependReferenceIndexId, true, nullptr, 2, key);
	Oid found = InvalidOid;
	HeapTuple tup;
	while (HeapTupleIsValid(tup = systable_getnext(scan))) {
		Form_pg_depend d = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tup));
		if (d->deptype != DEPENDENCY_EXTENSION || d->classid != classid)
			continue;
		if (visit(d->objid)) {
			found = d->objid;
			break;
		}
	}
	systable_endscan(scan);
	table_close(dep, AccessShareLock);
	return found;
}

/* pg_class.relam of a relation (get_rel_relam() is PostgreSQL 17+). */
Oid
RelationAm(Oid relid) {
	HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	Oid am = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relam;
	ReleaseSysCache(tup);
	return am;
}

FilesTable files = {};
bool files_valid = false;

void
FilesInvalidated(Datum, Oid relid) {
	if (relid == InvalidOid || relid == files.relid)
		files_valid = false;
}

} // namespace

void
InitExtensionObjects() {
	CacheRegisterRelcacheCallback(FilesInvalidated, (Datum) 0);
}

FilesTable
AzureFiles() {
	if (!files_valid) {
		FilesTable t;
		t.relid = ExtensionRelation("azure_files");
		if (!OidIsValid(t.relid))
			elog(ERROR, "extension azure_blob has no table azure_files");
		t.blob_name = get_attnum(t.relid, "blob_name");
		t.user_id = get_attnum(t.relid, "user_id");
		t.account = get_attnum(t.relid, "account");
		t.container = get_attnum(t.relid, "container");
		t.content_type = get_attnum(t.relid, "content_type");
		t.size_bytes = get_attnum(t.relid, "size_bytes");
		t.upload_timestamp = get_attnum(t.relid, "upload_timestamp");
		files = t;
		files_valid = true;
	}
	return files;
}

Oid
ExtensionOid() {
	Oid ext = get_extension_oid("azure_blob", true);
	if (!OidIsValid(ext))
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("extension \"azure_blob\" is not installed in this database"),
		                errhint("Run CREATE EXTENSION azure_blob.")));
	return ext;
}

Oid
ExtensionRelation(const char *name) {
	return FindMember(RelationRelationId, [&](Oid relid) {
		char *relname = get_rel_name(relid);
		return relname != nullptr && strcmp(relname, name) == 0;
	});
}

Oid
ExtensionFunction(const char *name, int nargs) {
	return FindMember(ProcedureRelationId, [&](Oid fn) {
		HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
		if (!HeapTupleIsValid(tup))
			return false;
		Form_pg_proc p = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup));
		bool match = p->pronargs == nargs && strcmp(NameStr(p->proname), name) == 0;
		ReleaseSysCache(tup);
		return match;
	});
}

bool
CallExtensionFunction(const char *name, int nargs, const Datum *args, const bool *nulls, Datum *result, bool *isnull) {
	const Oid fn = ExtensionFunction(name, nargs);
	if (!OidIsValid(fn))
		return false;
	FmgrInfo flinfo;
	fmgr_info(fn, &flinfo);
	LOCAL_FCINFO(fcinfo, FUNC_MAX_ARGS);
	InitFunctionCallInfoData(*fcinfo, &flinfo, nargs, DEFAULT_COLLATION_OID, nullptr, nullptr);
	for (int i = 0; i < nargs; i++) {
		fcinfo->args[i].value = args[i];
		fcinfo->args[i].isnull = nulls[i];
	}
	*result = FunctionCallInvoke(fcinfo);
	*isnull = fcinfo->isnull;
	return true;
}

Oid
ColumnIndex(Relation heap, AttrNumber att, Oid amoid, bool unique) {
	List *indexes = RelationGetIndexList(heap);
	Oid found = InvalidOid;
	ListCell *lc;
	foreach (lc, indexes) {
		Oid index = lfirst_oid(lc);
		HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
		if (!HeapTupleIsValid(tup))
			continue;
		Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
		bool match = ix->indnatts == 1 && ix->indkey.values[0] == att && ix->indisvalid && ix->indisready &&
		             ix->indislive && (!unique || ix->indisunique) &&
		             heap_attisnull(tup, Anum_pg_index_indexprs, nullptr) &&
		             heap_attisnull(tup, Anum_pg_index_indpred, nullptr);
		ReleaseSysCache(tup);
		if (match && RelationAm(index) == amoid) {
			found = index;
			break;
		}
	}
	list_free(indexes);
	return found;
}

} // namespace azure_blob
