/*-------------------------------------------------------------------------
 * deletion.cpp
 *	  Per-blob registration locks and the OID-based reads of azure_files
 *	  that the owner-run maintenance functions use instead of naming the
 *	  table (azure_blob.deletion_check, azure_blob.file_rows).
 *-------------------------------------------------------------------------
 */
#include "deletion.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_am.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"
}

#include <cstring>

#include "compat.hpp"
#include "extension_objects.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

/* field4 of our lock tags: advisory locks taken from SQL use 1 and 2 only. */
constexpr uint16 kBlobLockClass = 0x415A;
/* field4 of the one lock per database that stands for "a registration of many blobs is in flight". */
constexpr uint16 kBulkLockClass = 0x415B;
/*
 * Registrations in one transaction that each take their blob's lock; the
 * next ones take the bulk lock instead, so an import of a million rows
 * holds this many locks plus one, not a million (the lock table has room
 * for max_locks_per_transaction x max_connections, 6,400 by default).
 */
constexpr uint32 kBlobLocksPerTransaction = 256;

/* azure_files with the columns the maintenance functions read. */
FilesTable
OpenFilesTable() {
	FilesTable t = AzureFiles();
	if (t.blob_name <= 0 || t.account <= 0 || t.container <= 0 || t.size_bytes <= 0 || t.upload_timestamp <= 0)
		elog(ERROR, "table azure_files lacks a column azure_blob needs");
	return t;
}

bool
TextEquals(Datum d, const char *s) {
	text *t = DatumGetTextPP(d);
	size_t len = strlen(s);
	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/* True if a committed row (latest snapshot) registers blob in account and container. */
bool
IsRegistered(const char *account, const char *container, text *blob) {
	FilesTable f = OpenFilesTable();
	Relation heap = table_open(f.relid, AccessShareLock);
	Snapshot snap = RegisterSnapshot(GetLatestSnapshot());
	TupleTableSlot *slot = table_slot_create(heap, nullptr);
	Oid index_oid = ColumnIndex(heap, f.blob_name, BTREE_AM_OID, true);
	bool found = false;
	const char *blob_s = text_to_cstring(blob);
	auto matches = [&](TupleTableSlot *s) {
		bool n1, n2, n3;
		Datum name = slot_getattr(s, f.blob_name, &n1);
		Datum acct = slot_getattr(s, f.account, &n2);
		Datum cont = slot_getattr(s, f.container, &n3);
		return !n1 && !n2 && !n3 && TextEquals(name, blob_s) && TextEquals(acct, account) &&
		       TextEquals(cont, container);
	};
	/* Without waiting (the caller holds registration locks, see deletion_check): if the index is locked, scan the table. */
	if (OidIsValid(index_oid) && ConditionalLockRelationOid(index_oid, AccessShareLock)) {
		Relation index = index_open(index_oid, NoLock);
		ScanKeyData key;
		ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid, index->rd_indcollation[0], F_TEXTEQ,
		                       PointerGetDatum(blob));
		IndexScanDesc scan = BeginIndexScan(heap, index, snap, 1, 0);
		index_rescan(scan, &key, 1, nullptr, 0);
		while (!found && index_getnext_slot(scan, ForwardScanDirection, slot))
			found = matches(slot);
		index_endscan(scan);
		index_close(index, AccessShareLock);
	} else {
		/* The unique index is gone (dropped by the schema's owner) or locked: slower, same answer. */
		TableScanDesc scan = table_beginscan(heap, snap, 0, nullptr);
		while (!found && table_scan_getnextslot(scan, ForwardScanDirection, slot))
			found = matches(slot);
		table_endscan(scan);
	}
	ExecDropSingleTupleTableSlot(slot);
	UnregisterSnapshot(snap);
	table_close(heap, AccessShareLock);
	return found;
}

const char *
RequiredText(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

} // namespace

/*
 * The bulk lock: registrations past kBlobLocksPerTransaction take it in
 * RowExclusiveLock (two imports do not wait for each other), a deletion in
 * ShareLock without waiting (they conflict), so while an import is in flight
 * every deletion in the database is "busy" and waits for a later run.
 */
static LOCKTAG
BulkTag() {
	LOCKTAG tag;
	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, 0, 0, kBulkLockClass);
	return tag;
}

/* The lock tag of (account, container, blob) in this database. */
static LOCKTAG
BlobTag(const char *account, const char *container, const char *blob) {
	/* One 64-bit hash of the three names, NUL-separated (names contain no NUL); a collision only makes two blobs wait for each other. */
	StringInfoData key;
	initStringInfo(&key);
	appendBinaryStringInfo(&key, account, strlen(account) + 1);
	appendBinaryStringInfo(&key, container, strlen(container) + 1);
	appendBinaryStringInfo(&key, blob, strlen(blob));
	uint64 h =
	    DatumGetUInt64(hash_bytes_extended(reinterpret_cast<const unsigned char *>(key.data), key.len, 0x617a62));
	pfree(key.data);
	LOCKTAG tag;
	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(h >> 32), static_cast<uint32>(h), kBlobLockClass);
	return tag;
}

void
LockBlobForRegistration(const char *account, const char *container, const char *blob) {
	static LocalTransactionId counted_lxid = InvalidLocalTransactionId;
	static uint32 counted = 0;
	const LocalTransactionId lxid = CurrentLocalTransactionId();
	if (lxid != counted_lxid) {
		counted_lxid = lxid;
		counted = 0;
	}
	/*
	 * Past the limit, the bulk lock (again each time: cheap when held).
	 * Administrators only: it makes every deletion in the database wait,
	 * which an application user, who registers a few files per transaction,
	 * must not be able to do by holding a transaction open after a
	 * rolled-back batch (attacker review).
	 */
	LOCKTAG tag;
	if (counted >= kBlobLocksPerTransaction && CurrentRight() == Right::kAdmin) {
		tag = BulkTag();
		(void) LockAcquire(&tag, RowExclusiveLock, false, false);
		return;
	}
	counted++;
	tag = BlobTag(account, container, blob);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

/*
 * A deletion's locks, taken without waiting: the bulk lock, then the blob's.
 * False (holding neither) when an import is in flight or the blob is being
 * registered.
 */
static bool
TryLockBlobForDeletion(const char *account, const char *container, const char *blob) {
	LOCKTAG bulk = BulkTag();
	if (LockAcquire(&bulk, ShareLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		return false;
	LOCKTAG tag = BlobTag(account, container, blob);
	if (LockAcquire(&tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&bulk, ShareLock, false);
	return false;
}

/*
 * Gives back one TryLockBlobForDeletion that returned true, in the same
 * (sub)transaction: a check that will delete nothing keeps no lock.  Each
 * lock stays held if this transaction took it more often.
 */
static void
UnlockBlobForDeletion(const char *account, const char *container, const char *blob) {
	LOCKTAG tag = BlobTag(account, container, blob);
	LockRelease(&tag, ExclusiveLock, false);
	LOCKTAG bulk = BulkTag();
	LockRelease(&bulk, ShareLock, false);
}

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_blob_deletion_check);
/*
 * azure_blob.deletion_check(account, container, blob_name): 'busy' if a
 * registration of the blob is in flight, 'registered' if a committed row
 * names it, else 'delete' (and the blob stays locked until commit, so no
 * registration can start before the deletion is done).
 */
Datum
azure_blob_deletion_check(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *account = RequiredText(fcinfo, 0, "account");
	const char *container = RequiredText(fcinfo, 1, "container");
	if (PG_ARGISNULL(2))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("blob name must not be null")));
	text *blob = PG_GETARG_TEXT_PP(2);
	/*
	 * Once it holds a registration lock (the bulk lock stays held for the
	 * rest of the batch) a deletion must wait for nothing a registration can
	 * hold: a reload that holds azure_files in ACCESS EXCLUSIVE mode (TRUNCATE,
	 * ALTER TABLE) and then needs the bulk lock would deadlock with it.  So
	 * the table is locked first, without waiting, and kept until the row is
	 * looked up; locked by someone else, the blob is busy.
	 */
	const Oid files = OpenFilesTable().relid;
	if (!ConditionalLockRelationOid(files, AccessShareLock))
		PG_RETURN_TEXT_P(cstring_to_text("busy"));
	const char *verdict = "busy";
	const char *blob_s = text_to_cstring(blob);
	if (TryLockBlobForDeletion(account, container, blob_s)) {
		verdict = "delete";
		if (IsRegistered(account, container, blob)) {
			/* Nothing will be deleted: the locks are not kept (a run over many such items would fill the lock table). */
			UnlockBlobForDeletion(account, container, blob_s);
			verdict = "registered";
		}
	}
	UnlockRelationOid(files, AccessShareLock);
	PG_RETURN_TEXT_P(cstring_to_text(verdict));
}

PG_FUNCTION_INFO_V1(azure_blob_file_rows);
/*
 * azure_blob.file_rows(): (blob_name, account, container, size_bytes,
 * upload_timestamp) of every row of azure_files under the statement's
 * snapshot, read by OID (no row-level security: owner-run code only).
 */
Datum
azure_blob_file_rows(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	InitMaterializedSRF(fcinfo, 0);
	ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	FilesTable f = OpenFilesTable();
	Relation heap = table_open(f.relid, AccessShareLock);
	TupleTableSlot *slot = table_slot_create(heap, nullptr);
	TableScanDesc scan = table_beginscan(heap, GetActiveSnapshot(), 0, nullptr);
	const AttrNumber cols[5] = {f.blob_name, f.account, f.container, f.size_bytes, f.upload_timestamp};
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
		Datum values[5];
		bool nulls[5];
		for (int i = 0; i < 5; i++)
			values[i] = slot_getattr(slot, cols[i], &nulls[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(heap, AccessShareLock);
	return (Datum) 0;
}

} /* extern "C" */
