/*-------------------------------------------------------------------------
 * accounts.cpp
 *	  Storage accounts: cache, privileged reads and writes.
 *
 * Keys live in azure_blob.accounts, which only the extension owner can
 * read.  Signing must work for roles that cannot read it, so the cache is
 * filled by a direct heap scan (no SQL, no permission check, no user code:
 * nothing a caller can redirect with search_path or operators).  Writes go
 * through SPI under the owner's identity with search_path pinned, as a
 * SECURITY DEFINER function would, but without a key ever passing through
 * a SQL-visible value.
 *
 * The cache maps alias -> Account with the HMAC key state already set up,
 * so a signature costs no catalog access.  A statement trigger on the table
 * sends a relcache invalidation for it at commit (Citus uses the same trick
 * for its metadata); our callback then marks the cache stale in every
 * backend, and the next lookup reloads.
 *-------------------------------------------------------------------------
 */
#include "accounts.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

#include <cstring>
#include <memory>
#include <unordered_map>

#include "core/names.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

struct Cache {
	bool valid = false;
	Oid relid = InvalidOid;
	Oid owner = InvalidOid;
	Oid ext_schema = InvalidOid;
	/* Shared with callers: a reload replaces the map, never an Account a caller still holds. */
	std::unordered_map<std::string, AccountRef> accounts;
	std::shared_ptr<const core::HmacSha256> upload_key; /* MAC key of issued upload names */
};

/*
 * Allocated once and never freed: a static object's destructor would run in
 * exit(), after Postgres has shut down (STYLE.md §2.7).
 */
Cache *cache = nullptr;

/* Relcache callback: Postgres calls it, so it only flips flags and cannot throw. */
void
AccountsInvalidated(Datum, Oid relid) {
	if (cache != nullptr && cache->valid && (relid == InvalidOid || relid == cache->relid)) {
		cache->valid = false;
	}
}

/* Namespace of an extension (get_extension_schema() is static before PG16). Postgres code only. */
Oid
ExtensionNamespace(Oid ext) {
	Relation rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(ext));
	SysScanDesc scan = systable_beginscan(rel, ExtensionOidIndexId, true, nullptr, 1, &key);
	HeapTuple tup = systable_getnext(scan);
	Oid nsp = HeapTupleIsValid(tup) ? reinterpret_cast<Form_pg_extension>(GETSTRUCT(tup))->extnamespace : InvalidOid;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/* One row of azure_blob.accounts, as palloc'd C strings. */
struct RawAccount {
	char *alias;
	char *account_name;
	char *account_key;
	char *blob_endpoint;
	char *default_container; /* NULL if not set */
};

struct RawAccounts {
	Oid relid;
	Oid owner;
	Oid ext_schema;
	int count;
	RawAccount *rows;
	char *secret; /* azure_blob.upload_secret, raw bytes */
	int secret_len;
};

/* Reads azure_blob.accounts directly from the heap. Postgres code only: runs inside PgCall(). */
RawAccounts
ScanAccounts() {
	RawAccounts out {};
	Oid nsp = get_namespace_oid("azure_blob", true);
	Oid relid = OidIsValid(nsp) ? get_relname_relid("accounts", nsp) : InvalidOid;
	Oid ext = get_extension_oid("azure_blob", true);
	if (!OidIsValid(relid) || !OidIsValid(ext))
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("extension \"azure_blob\" is not installed in this database"),
		                errhint("Run CREATE EXTENSION azure_blob.")));
	Relation rel = table_open(relid, AccessShareLock);
	TupleDesc desc = RelationGetDescr(rel);
	/* Find columns by name, so a dropped column in a later version cannot shift them. */
	int col[5] = {-1, -1, -1, -1, -1};
	static const char *const kNames[5] = {"alias", "account_name", "account_key", "blob_endpoint", "default_container"};
	for (int i = 0; i < desc->natts; i++) {
		Form_pg_attribute att = TupleDescAttr(desc, i);
		if (att->attisdropped)
			continue;
		for (int k = 0; k < 5; k++)
			if (strcmp(NameStr(att->attname), kNames[k]) == 0)
				col[k] = i;
	}
	for (int k = 0; k < 5; k++)
		if (col[k] < 0)
			elog(ERROR, "azure_blob.accounts has no column \"%s\"", kNames[k]);

	out.relid = relid;
	out.owner = rel->rd_rel->relowner;
	out.ext_schema = ExtensionNamespace(ext);
	int capacity = 8;
	out.rows = static_cast<RawAccount *>(palloc0(sizeof(RawAccount) * capacity));
	Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * desc->natts));
	bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
	/* The latest snapshot sees commits that sent us here through the invalidation. */
	Snapshot snap = RegisterSnapshot(GetLatestSnapshot());
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, snap, 0, nullptr);
	HeapTuple tup;
	while (HeapTupleIsValid(tup = systable_getnext(scan))) {
		heap_deform_tuple(tup, desc, values, nulls);
		if (nulls[col[0]] || nulls[col[1]] || nulls[col[2]] || nulls[col[3]])
			continue; /* the table's NOT NULL constraints make this impossible */
		if (out.count == capacity) {
			capacity *= 2;
			out.rows = static_cast<RawAccount *>(repalloc(out.rows, sizeof(RawAccount) * capacity));
		}
		RawAccount &r = out.rows[out.count++];
		r.alias = TextDatumGetCString(values[col[0]]);
		r.account_name = TextDatumGetCString(values[col[1]]);
		r.account_key = TextDatumGetCString(values[col[2]]);
		r.blob_endpoint = TextDatumGetCString(values[col[3]]);
		r.default_container = nulls[col[4]] ? nullptr : TextDatumGetCString(values[col[4]]);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	/* The secret behind issued upload names: one row, made by CREATE EXTENSION. */
	Oid secret_relid = get_relname_relid("upload_secret", nsp);
	if (!OidIsValid(secret_relid))
		elog(ERROR, "azure_blob.upload_secret is missing");
	Relation srel = table_open(secret_relid, AccessShareLock);
	SysScanDesc sscan = systable_beginscan(srel, InvalidOid, false, snap, 0, nullptr);
	if (HeapTupleIsValid(tup = systable_getnext(sscan))) {
		bool isnull;
		Datum d = heap_getattr(tup, 1, RelationGetDescr(srel), &isnull);
		if (!isnull) {
			bytea *b = DatumGetByteaPP(d);
			out.secret_len = VARSIZE_ANY_EXHDR(b);
			out.secret = static_cast<char *>(palloc(out.secret_len));
			memcpy(out.secret, VARDATA_ANY(b), out.secret_len);
		}
	}
	systable_endscan(sscan);
	table_close(srel, AccessShareLock);
	UnregisterSnapshot(snap);
	if (out.secret == nullptr || out.secret_len < 16)
		elog(ERROR, "azure_blob.upload_secret holds no usable secret");
	return out;
}

/* Whether the account's name and default container pass the naming rules (the signers then skip those checks). */
bool
NamesValid(const Account &acct) {
	try {
		core::ValidateAccountName(acct.account_name);
		if (!acct.default_container.empty())
			core::ValidateContainerName(acct.default_container);
		return true;
	} catch (const Error &) {
		return false;
	}
}

/* Fills the cache from the table. The palloc'd key copies are wiped before returning or throwing. */
void
Reload() {
	RawAccounts raw = PgCall([] { return ScanAccounts(); });
	struct Wipe {
		RawAccounts &r;
		~Wipe() {
			for (int i = 0; i < r.count; i++)
				explicit_bzero(r.rows[i].account_key, strlen(r.rows[i].account_key));
			explicit_bzero(r.secret, r.secret_len);
		}
	} wipe {raw};
	std::unordered_map<std::string, AccountRef> loaded;
	for (int i = 0; i < raw.count; i++) {
		const RawAccount &r = raw.rows[i];
		bool https = strncmp(r.blob_endpoint, "https://", 8) == 0;
		auto acct = std::make_shared<Account>(Account {r.alias, r.account_name, r.blob_endpoint,
		                                               r.default_container ? r.default_container : "", https,
		                                               core::HmacSha256::FromBase64(r.account_key)});
		acct->names_valid = NamesValid(*acct);
		loaded.emplace(acct->alias, std::move(acct));
	}
	/* Swapped in whole: accounts that callers still hold stay alive through their AccountRef. */
	cache->accounts.swap(loaded);
	cache->upload_key = std::make_shared<const core::HmacSha256>(std::string_view(raw.secret, raw.secret_len));
	cache->relid = raw.relid;
	cache->owner = raw.owner;
	cache->ext_schema = raw.ext_schema;
	cache->valid = true;
}

void
EnsureLoaded() {
	if (cache == nullptr)
		cache = new Cache();
	if (!cache->valid)
		Reload();
}

} // namespace

uint64
ExecuteAsOwner(Oid owner, const char *sql, int nargs, Oid *types, Datum *values, const char *nulls) {
	Oid save_userid;
	int save_sec_context;
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	/* Abort restores both of these if the statement fails (xact.c). */
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	int nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
	                         0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/*
	 * Not SPI_execute_with_args: it marks the values PARAM_FLAG_CONST, so the
	 * planner folds them into the plan as constants, and the key would show
	 * in auto_explain (log_nested_statements, log_verbose) and debug_print_plan
	 * output.  Plain parameters stay "$3" in every plan.
	 */
	SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
	if (plan == nullptr)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	ParamListInfo params = makeParamList(nargs);
	for (int i = 0; i < nargs; i++) {
		ParamExternData *p = &params->params[i];
		p->value = values[i];
		p->isnull = nulls != nullptr && nulls[i] == 'n';
		p->pflags = 0;
		p->ptype = types[i];
	}
	int rc = SPI_execute_plan_with_paramlist(plan, params, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan_with_paramlist failed: %s", SPI_result_code_string(rc));
	uint64 processed = SPI_processed;
	SPI_finish();
	AtEOXact_GUC(false, nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return processed;
}

void
InitAccountCache() {
	CacheRegisterRelcacheCallback(AccountsInvalidated, (Datum) 0);
}

std::string_view
ResolveAccountAlias(std::string_view alias) {
	if (!alias.empty())
		return alias;
	if (guc_default_account == nullptr || guc_default_account[0] == '\0')
		throw Error(sqlstate::kObjectNotInPrerequisiteState, "no storage account given and no default account set",
		            {}, "Pass an account alias or set azure_blob.default_account.");
	return guc_default_account;
}

std::string_view
ResolveAccountAlias(const char *alias) {
	return ResolveAccountAlias(alias ? std::string_view(alias) : std::string_view());
}

std::string
ShownText(std::string_view s, size_t max_bytes) {
	if (s.size() <= max_bytes)
		return std::string(s);
	size_t cut = max_bytes;
	while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
		cut--; /* not inside a UTF-8 sequence */
	return std::string(s.substr(0, cut)) + "...";
}

AccountRef
GetAccount(std::string_view alias) {
	EnsureLoaded();
	auto it = cache->accounts.find(std::string(alias));
	if (it == cache->accounts.end())
		throw Error(sqlstate::kUndefinedObject, "storage account \"" + ShownText(alias, 63) + "\" does not exist", {},
		            "Add it with azure_account_add(), or check azure_blob.default_account.");
	return it->second;
}

std::shared_ptr<const core::HmacSha256>
UploadNameKey() {
	EnsureLoaded();
	return cache->upload_key;
}

Oid
ExtensionSchema() {
	EnsureLoaded();
	return cache->ext_schema;
}

void
AddAccount(const std::string &alias, const core::StorageAccount &acct, const std::string &default_container) {
	EnsureLoaded();
	const Oid owner = cache->owner;
	const char *a = alias.c_str(), *n = acct.account_name.c_str(), *k = acct.account_key.c_str(),
	           *e = acct.blob_endpoint.c_str(), *c = default_container.c_str();
	const bool has_container = !default_container.empty();
	uint64 inserted = PgCall([&] {
		Oid types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
		Datum values[5] = {CStringGetTextDatum(a), CStringGetTextDatum(n), CStringGetTextDatum(k),
		                   CStringGetTextDatum(e), has_container ? CStringGetTextDatum(c) : (Datum) 0};
		char nulls[5] = {' ', ' ', ' ', ' ', has_container ? ' ' : 'n'};
		uint64 count = ExecuteAsOwner(owner,
		                              "INSERT INTO azure_blob.accounts (alias, account_name, account_key, blob_endpoint, "
		                              "default_container) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (alias) DO NOTHING",
		                              5, types, values, nulls);
		/* The key's text datum is ours; wipe it rather than leave it to the context reset. */
		explicit_bzero(VARDATA(DatumGetPointer(values[2])), VARSIZE(DatumGetPointer(values[2])) - VARHDRSZ);
		return count;
	});
	if (inserted == 0)
		throw Error(sqlstate::kDuplicateObject, "storage account \"" + alias + "\" already exists", {},
		            "Remove it first with azure_account_remove(), in the same transaction to rotate a key.");
}

void
RemoveAccount(const std::string &alias) {
	EnsureLoaded();
	const Oid owner = cache->owner;
	const char *a = alias.c_str();
	uint64 deleted = PgCall([&] {
		Oid types[1] = {TEXTOID};
		Datum values[1] = {CStringGetTextDatum(a)};
		return ExecuteAsOwner(owner, "DELETE FROM azure_blob.accounts WHERE alias OPERATOR(pg_catalog.=) $1", 1, types,
		                      values, nullptr);
	});
	if (deleted == 0)
		throw Error(sqlstate::kUndefinedObject, "storage account \"" + alias + "\" does not exist");
}

bool
CurrentUserIsAdmin() {
	return PgCall([] { return CurrentRight() == Right::kAdmin; });
}

} // namespace azure_blob
