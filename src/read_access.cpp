/*-------------------------------------------------------------------------
 * read_access.cpp
 *	  "May the caller read this file?": the check behind
 *	  azure_generate_read_sas, without SQL when the policies are the
 *	  extension's own.
 *
 * A read URL is signed only for a row of azure_files the caller can see.
 * Asking SQL (SPI) per URL costs several microseconds, more than the
 * signature, so this file probes the hash index on blob_name directly
 * and applies the extension's own policies: azure_files_admin (roles with
 * admin rights in this database, azure_blob.has_admin_right(), see every
 * row) and azure_files_owner (members of azure_blob_user see rows whose
 * user_id is azure_current_user_id()).  The table, the index and the
 * functions in the policies are found by OID (extension membership, the
 * table's own index list), never by name: whoever owns the schema can
 * drop the index or plant objects of the same names, and must not be able
 * to steer this code (a missing index means "ask SQL").
 * Owners, superusers and BYPASSRLS roles see every row, as
 * check_enable_rls() says.  The table's policies are inspected whenever
 * its relcache entry is rebuilt; if they are not exactly those two, or
 * anything else looks unfamiliar, the caller falls back to SQL, so a DBA's
 * extra or altered policy is always honoured.
 *-------------------------------------------------------------------------
 */
#include "read_access.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/primnodes.h"
#include "storage/proc.h"
#include "rewrite/rowsecurity.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

#include "compat.hpp"
#include "extension_objects.hpp"
#include "accounts.hpp"
#include "identity.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

/* Facts about azure_files, valid until its relcache entry is invalidated. Plain C data. */
struct FilesInfo {
	bool valid;
	FilesTable files; /* a copy: this cache is dropped on its own invalidations */
	Oid index;
	bool standard_policies;
};
FilesInfo info = {};

void
FilesInvalidated(Datum, Oid relid) {
	if (relid == InvalidOid || relid == info.files.relid || relid == info.index)
		info.valid = false;
}

/* The single role a policy applies to, or InvalidOid. */
Oid
SinglePolicyRole(const RowSecurityPolicy *p) {
	if (p->roles == nullptr || ARR_NDIM(p->roles) != 1 || ARR_DIMS(p->roles)[0] != 1)
		return InvalidOid;
	return reinterpret_cast<Oid *>(ARR_DATA_PTR(p->roles))[0];
}

/* A call of function func without arguments (the admin policy's qual). */
bool
IsCallOf(const Expr *e, Oid func) {
	return e != nullptr && IsA(e, FuncExpr) && reinterpret_cast<const FuncExpr *>(e)->funcid == func &&
	       reinterpret_cast<const FuncExpr *>(e)->args == NIL;
}

/* user_id = azure_current_user_id(), the owner policy's qual as CREATE POLICY stored it. */
bool
IsOwnerQual(const Expr *e, AttrNumber user_att, Oid func) {
	if (e == nullptr || !IsA(e, OpExpr))
		return false;
	const OpExpr *op = reinterpret_cast<const OpExpr *>(e);
	if (op->opfuncid != F_TEXTEQ || list_length(op->args) != 2)
		return false;
	const Node *l = static_cast<const Node *>(linitial(op->args));
	const Node *r = static_cast<const Node *>(lsecond(op->args));
	return IsA(l, Var) && reinterpret_cast<const Var *>(l)->varattno == user_att && IsA(r, FuncExpr) &&
	       reinterpret_cast<const FuncExpr *>(r)->funcid == func && reinterpret_cast<const FuncExpr *>(r)->args == NIL;
}

/* True if rel's policies are exactly the two the extension creates. */
bool
PoliciesAreStandard(Relation rel, AttrNumber user_att) {
	if (!rel->rd_rel->relrowsecurity || rel->rd_rsdesc == nullptr || list_length(rel->rd_rsdesc->policies) != 2)
		return false;
	Oid admin = get_role_oid("azure_blob_admin", true);
	Oid user = get_role_oid("azure_blob_user", true);
	const Oid user_id_fn = ExtensionFunction("azure_current_user_id", 0);
	const Oid admin_fn = ExtensionFunction("has_admin_right", 0);
	if (!OidIsValid(user_id_fn) || !OidIsValid(admin_fn))
		return false;
	bool saw_admin = false, saw_owner = false;
	ListCell *lc;
	foreach (lc, rel->rd_rsdesc->policies) {
		const RowSecurityPolicy *p = static_cast<const RowSecurityPolicy *>(lfirst(lc));
		if (!p->permissive || p->polcmd != '*' || p->hassublinks)
			return false;
		if (strcmp(p->policy_name, "azure_files_admin") == 0 && SinglePolicyRole(p) == admin &&
		    IsCallOf(p->qual, admin_fn))
			saw_admin = true;
		else if (strcmp(p->policy_name, "azure_files_owner") == 0 && SinglePolicyRole(p) == user &&
		         IsOwnerQual(p->qual, user_att, user_id_fn))
			saw_owner = true;
		else
			return false;
	}
	return saw_admin && saw_owner;
}

void
Load() {
	info.valid = false;
	info.files = AzureFiles();
	const FilesTable &f = info.files;
	Relation rel = table_open(f.relid, AccessShareLock);
	/* The hash index on blob_name among the table's own indexes; none (dropped) means SQL decides. */
	info.index = f.blob_name > 0 ? ColumnIndex(rel, f.blob_name, HASH_AM_OID, false) : InvalidOid;
	info.standard_policies = f.blob_name > 0 && f.user_id > 0 && f.account > 0 && f.container > 0 &&
	                         f.content_type > 0 && OidIsValid(info.index) && PoliciesAreStandard(rel, f.user_id);
	table_close(rel, AccessShareLock);
	info.valid = true;
}

/*
 * What the caller may see, decided once per command: privileges and role
 * memberships cannot change without a new command (GRANT, ALTER ROLE and
 * SET ROLE all advance the command counter or change the user id), so a
 * query that signs a million URLs checks them once.
 */
enum class Scope { kAll, kOwnRows, kNone, kUseSql };
struct ScopeCache {
	LocalTransactionId lxid;
	CommandId cid;
	Oid user;
	Oid relid;
	Scope scope;
};
ScopeCache scope_cache = {InvalidLocalTransactionId, 0, InvalidOid, InvalidOid, Scope::kNone};

Scope
DecideScope(Oid user) {
	/* The table privilege comes first, as for any SELECT. */
	if (pg_class_aclcheck(info.files.relid, user, ACL_SELECT) != ACLCHECK_OK)
		return Scope::kNone;
	switch (check_enable_rls(info.files.relid, InvalidOid, false)) {
	case RLS_NONE:
	case RLS_NONE_ENV:
		return Scope::kAll; /* owner, superuser, BYPASSRLS, or row_security off for a role that may bypass it */
	case RLS_ENABLED:
		/* The policies' roles and has_admin_right() together are exactly the rights of rights.cpp. */
		switch (CurrentRight()) {
		case Right::kAdmin:
			return Scope::kAll;
		case Right::kUser:
			return Scope::kOwnRows;
		case Right::kNone:
			return Scope::kNone; /* no policy admits the caller: default deny */
		}
		return Scope::kNone;
	default:
		return Scope::kUseSql;
	}
}

Scope
CurrentScope() {
	const Oid user = GetUserId();
	const LocalTransactionId lxid = CurrentLocalTransactionId();
	const CommandId cid = GetCurrentCommandId(false);
	ScopeCache &c = scope_cache;
	if (c.lxid != lxid || c.cid != cid || c.user != user || c.relid != info.files.relid) {
		c.scope = DecideScope(user);
		c.lxid = lxid;
		c.cid = cid;
		c.user = user;
		c.relid = info.files.relid;
	}
	return c.scope;
}

} // namespace

void
InitReadAccess() {
	CacheRegisterRelcacheCallback(FilesInvalidated, (Datum) 0);
}

/* How FastLookup ended. */
enum class Probe {
	kReadable,    /* found and readable: the ReadableFile is filled in */
	kNotReadable, /* no such row, or the caller may not read it */
	kUseSql,      /* policies are not the extension's own: ask SQL instead */
};

/*
 * Looks the row up through the hash index on blob_name and applies the
 * extension's row-level security policies in C; kUseSql when the table's
 * policies are not exactly those, so SQL (and RLS) must decide.
 */
static Probe
FastLookup(text *blob, ReadableFile *file) {
	if (!info.valid)
		Load();
	if (!info.standard_policies)
		return Probe::kUseSql;
	bool match_user = false;
	switch (CurrentScope()) {
	case Scope::kAll:
		break;
	case Scope::kOwnRows:
		match_user = true;
		break;
	case Scope::kNone:
		return Probe::kNotReadable;
	case Scope::kUseSql:
		return Probe::kUseSql;
	}

	/* Whom the caller acts for, asked before the scan: it may fail (azure_blob.require_user_id). */
	const char *me = match_user ? CurrentUserId() : nullptr;
	const size_t me_len = me != nullptr ? strlen(me) : 0;

	Relation heap = table_open(info.files.relid, AccessShareLock);
	Relation index = index_open(info.index, AccessShareLock);
	Snapshot snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
	ScanKeyData key;
	ScanKeyEntryInitialize(&key, 0, 1, HTEqualStrategyNumber, InvalidOid, index->rd_indcollation[0], F_TEXTEQ,
	                       PointerGetDatum(blob));
	IndexScanDesc scan = BeginIndexScan(heap, index, snapshot, 1, 0);
	index_rescan(scan, &key, 1, nullptr, 0);
	TupleTableSlot *slot = table_slot_create(heap, nullptr);
	Probe result = Probe::kNotReadable;
	const size_t blob_len = VARSIZE_ANY_EXHDR(blob);
	while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
		/*
		 * A hash index finds rows by the 32-bit hash of the name, not the
		 * name (xs_recheck is always set): skip rows whose name differs, or a
		 * name with the same hash as a visible row would be signed.  blob_name
		 * is COLLATE "C", so equality is byte equality.
		 */
		bool name_null;
		Datum name = slot_getattr(slot, info.files.blob_name, &name_null);
		if (name_null)
			continue;
		text *row_name = DatumGetTextPP(name);
		if (VARSIZE_ANY_EXHDR(row_name) != blob_len || memcmp(VARDATA_ANY(row_name), VARDATA_ANY(blob), blob_len) != 0)
			continue;
		bool user_null, account_null, container_null;
		Datum user_id = slot_getattr(slot, info.files.user_id, &user_null);
		Datum acct = slot_getattr(slot, info.files.account, &account_null);
		Datum cont = slot_getattr(slot, info.files.container, &container_null);
		bool visible = !user_null && !account_null && !container_null;
		if (visible && match_user) {
			text *uid = DatumGetTextPP(user_id);
			visible = VARSIZE_ANY_EXHDR(uid) == me_len && memcmp(VARDATA_ANY(uid), me, me_len) == 0;
		}
		if (visible) {
			file->account = TextDatumGetCString(acct);
			file->container = TextDatumGetCString(cont);
			bool type_null;
			Datum type = slot_getattr(slot, info.files.content_type, &type_null);
			file->content_type = type_null ? nullptr : TextDatumGetCString(type);
			result = Probe::kReadable;
		}
		break; /* blob_name is unique: at most one live row has this name */
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(index, AccessShareLock);
	table_close(heap, AccessShareLock);
	return result;
}

/* SPI plan of 1.0's lookup (a database not yet updated), kept per backend. */
static SPIPlanPtr legacy_plan = nullptr;
static Oid legacy_plan_schema = InvalidOid; /* the plan names the extension's schema */

/* 1.0's lookup: SQL that names azure_files in the extension's schema. */
static void
LegacyLookup(text *blob, Oid schema, ReadableFile *file) {
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (legacy_plan == nullptr || legacy_plan_schema != schema) {
		if (legacy_plan != nullptr)
			SPI_freeplan(legacy_plan);
		legacy_plan = nullptr;
		char *sql = psprintf("SELECT account, container, content_type FROM %s.azure_files WHERE blob_name "
		                     "OPERATOR(pg_catalog.=) $1",
		                     quote_identifier(get_namespace_name(schema)));
		Oid types[1] = {TEXTOID};
		SPIPlanPtr plan = SPI_prepare(sql, 1, types);
		if (plan == nullptr)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		legacy_plan = plan;
		legacy_plan_schema = schema;
	}
	Datum values[1] = {PointerGetDatum(blob)};
	int rc = SPI_execute_plan(legacy_plan, values, nullptr, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 1) {
		/* SPI_palloc allocates outside SPI's own context, which SPI_finish frees. */
		for (int col = 1; col <= 3; col++) {
			char *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);
			char *copy = v == nullptr ? nullptr : strcpy(static_cast<char *>(SPI_palloc(strlen(v) + 1)), v);
			(col == 1 ? file->account : col == 2 ? file->container : file->content_type) = copy;
		}
	}
	SPI_finish();
}

/* The Postgres half of FindReadableFile (may ereport). */
static ReadableFile
Lookup(text *blob, Oid schema) {
	ReadableFile file {nullptr, nullptr, nullptr};
	if (FastLookup(blob, &file) != Probe::kUseSql)
		return file;
	/*
	 * Policies other than the extension's own: let SQL and RLS decide,
	 * through azure_blob.file_lookup(), called by OID (a plan that names the
	 * table would be re-resolved by name after the schema's owner renamed
	 * things).
	 */
	Datum args[1] = {PointerGetDatum(blob)};
	bool arg_nulls[1] = {false};
	Datum row;
	bool row_null;
	if (CallExtensionFunction("file_lookup", 1, args, arg_nulls, &row, &row_null)) {
		if (row_null)
			return file;
		Datum *elems;
		bool *elem_nulls;
		int n;
		deconstruct_array(DatumGetArrayTypeP(row), TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
		if (n == 3) {
			file.account = elem_nulls[0] ? nullptr : TextDatumGetCString(elems[0]);
			file.container = elem_nulls[1] ? nullptr : TextDatumGetCString(elems[1]);
			file.content_type = elem_nulls[2] ? nullptr : TextDatumGetCString(elems[2]);
		}
		return file;
	}
	/* The database still has 1.0's SQL objects (until ALTER EXTENSION UPDATE). */
	LegacyLookup(blob, schema, &file);
	return file;
}

ReadableFile
FindReadableFile(text *blob) {
	const Oid schema = ExtensionSchema();
	return PgCall([&] { return Lookup(blob, schema); });
}

} // namespace azure_blob
