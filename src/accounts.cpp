/*-------------------------------------------------------------------------
 * accounts.cpp
 *	  Storage accounts: cache, privileged reads and writes, and the SQL
 *	  entry points that add, remove and seal them (azure_account_add,
 *	  azure_account_add_from_env, azure_account_remove,
 *	  azure_blob.seal_secrets, the accounts_changed trigger).
 *
 * Keys live in azure_blob.accounts, which only the extension owner can
 * read.  Signing must work for roles that cannot read it, so the cache is
 * filled by a direct heap scan (no SQL, no permission check, no user code:
 * nothing a caller can redirect with search_path or operators).  Writes go
 * through SPI under the owner's identity with search_path pinned, as a
 * SECURITY DEFINER function would, but without a key ever passing through
 * a SQL-visible value.
 *
 * Keys are sealed at rest (AES-256-GCM under the master key of
 * src/master_key.cpp, format in src/core/seal.hpp): a copy of the table, a
 * dump or a base backup alone gives no key.  Rows without the "sealed:"
 * prefix (written by 1.0, or by a superuser's INSERT) are read as the clear
 * Base64 key until azure_blob.seal_secrets() seals them.  A row that cannot
 * be unsealed breaks only its own alias: the others keep signing.
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
#include "catalog/pg_type.h"
#include "commands/trigger.h"
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
#include <optional>
#include <unordered_map>
#include <utility>

#include "arguments.hpp"
#include "compat.hpp"
#include "core/connection_string.hpp"
#include "core/names.hpp"
#include "core/seal.hpp"
#include "guc.hpp"
#include "http.hpp"
#include "master_key.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

/* Why an alias (or the upload secret) is unusable, and whether the master key file was the cause. */
struct Broken {
	std::shared_ptr<const Error> error;
	bool master_key_missing = false; /* retried on use: the file may have been put in place since */
};

struct Cache {
	bool valid = false;
	unsigned master_key_generation = 0; /* of the azure_blob.master_key_file setting the cache was built with */
	Oid relid = InvalidOid;
	Oid secret_relid = InvalidOid; /* azure_blob.upload_secret: watched too, for a trigger that 1.1 may add */
	Oid owner = InvalidOid;
	Oid ext_schema = InvalidOid;
	/* Shared with callers: a reload replaces the map, never an Account a caller still holds. */
	std::unordered_map<std::string, AccountRef> accounts;
	std::unordered_map<std::string, Broken> broken;     /* rows whose key cannot be used */
	std::shared_ptr<const core::HmacSha256> upload_key; /* MAC key of issued upload names; null if broken */
	Broken upload_broken;
};

/*
 * Allocated once and never freed: a static object's destructor would run in
 * exit(), after Postgres has shut down (CONTRIBUTING.md §5).
 */
Cache *cache = nullptr;

/* Relcache callback: Postgres calls it, so it only flips flags and cannot throw. */
void
AccountsInvalidated(Datum, Oid relid) {
	if (cache != nullptr && cache->valid &&
	    (relid == InvalidOid || relid == cache->relid || relid == cache->secret_relid)) {
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
	Oid secret_relid;
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
	out.secret_relid = secret_relid;
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
	return out; /* a missing or short secret breaks upload names only (Reload) */
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

/* Wipes the palloc'd key and secret copies of a scan on scope exit. */
struct WipeRaw {
	RawAccounts &r;
	~WipeRaw() {
		for (int i = 0; i < r.count; i++)
			explicit_bzero(r.rows[i].account_key, strlen(r.rows[i].account_key));
		if (r.secret != nullptr)
			explicit_bzero(r.secret, r.secret_len);
	}
};

/* Wipes a std::string on scope exit. */
struct WipeString {
	std::string &s;
	~WipeString() {
		explicit_bzero(s.data(), s.size());
	}
};

/* The master keys for unsealing during one reload: each read at most once, its failure kept. */
class MasterKeyOnce {
public:
	/* The current key, or nullptr if it cannot be had (then error() says why). */
	const std::string *
	Get() {
		if (!tried_) {
			tried_ = true;
			try {
				key_ = &MasterKey();
			} catch (const Error &e) {
				error_ = std::make_shared<const Error>(e);
			}
		}
		return key_;
	}
	const std::shared_ptr<const Error> &
	error() const {
		return error_;
	}
	/* The key of azure_blob.previous_master_key_file; nullptr if unset or unusable (previous_error() says). */
	const std::string *
	Previous() {
		if (!tried_previous_) {
			tried_previous_ = true;
			try {
				previous_ = PreviousMasterKey();
			} catch (const Error &e) {
				previous_error_ = std::make_shared<const Error>(e);
			}
		}
		return previous_;
	}
	const std::shared_ptr<const Error> &
	previous_error() const {
		return previous_error_;
	}

private:
	bool tried_ = false, tried_previous_ = false;
	const std::string *key_ = nullptr, *previous_ = nullptr;
	std::shared_ptr<const Error> error_, previous_error_;
};

/* What a value is called in errors, and how to store it anew. */
struct SecretKind {
	const char *what; /* "Its key": subject of the detail sentence */
	const char *redo; /* "remove the account and add it again": end of the hint */
};
constexpr SecretKind kAccountKeyKind {"Its key", "remove the account and add it again"};
constexpr SecretKind kUploadSecretKind {"It", "replace it with 32 new random bytes and run azure_blob.seal_secrets() "
                                              "(upload names issued but not yet "
                                              "registered are then refused)"};

/*
 * Why a sealed value did not unseal, as the detail and hint of an error.
 * Names the key file and key ids, never the value.
 */
std::pair<std::string, std::string>
UnsealProblem(core::UnsealFailure why, std::string_view sealed, const std::string &master_key, const SecretKind &kind) {
	std::string path = MasterKeyPath();
	if (why == core::UnsealFailure::kOtherKey)
		return {std::string(kind.what) + " was sealed with master key " + core::SealedKeyId(sealed) +
		            ", but the master key in \"" + path + "\" is " + core::MasterKeyId(master_key) + ".",
		        std::string("Set azure_blob.master_key_file to the file that sealed it, or ") + kind.redo + "."};
	return {std::string(kind.what) + " cannot be unsealed with the master key in \"" + path + "\".",
	        std::string(why == core::UnsealFailure::kMalformed
	                        ? "The stored value is damaged"
	                        : "The stored value was altered, or copied from another row") +
	            "; " + kind.redo + "."};
}

/*
 * The clear value of a stored secret: stored itself if it has no "sealed:"
 * prefix (written before 1.1), else its unsealing into clear.  Returns
 * an empty view and sets broken if it cannot be had.
 */
std::string_view
ClearValue(std::string_view stored, const std::string &aad, MasterKeyOnce &master, std::string &clear,
           const std::string &message, const SecretKind &kind, Broken &broken) {
	if (!core::IsSealed(stored))
		return stored;
	const std::string *key = master.Get();
	if (key == nullptr) {
		broken = Broken {master.error(), true};
		return {};
	}
	core::UnsealFailure why = core::TryUnseal(*key, aad, stored, clear);
	if (why == core::UnsealFailure::kOtherKey) {
		/* Sealed before a rotation, and not yet sealed again by azure_blob.seal_secrets()? */
		const std::string *previous = master.Previous();
		if (master.previous_error()) {
			broken = Broken {master.previous_error(), true};
			return {};
		}
		if (previous != nullptr && core::SealedKeyId(stored) == core::MasterKeyId(*previous))
			why = core::TryUnseal(*previous, aad, stored, clear);
	}
	if (why != core::UnsealFailure::kNone) {
		auto [detail, hint] = UnsealProblem(why, stored, *key, kind);
		broken = Broken {std::make_shared<const Error>(sqlstate::kObjectNotInPrerequisiteState, message, detail, hint),
		                 false};
		return {};
	}
	return clear;
}

/* Fills the cache from the table. Every clear copy of a key is wiped before returning or throwing. */
void
Reload() {
	RawAccounts raw = PgCall([] { return ScanAccounts(); });
	WipeRaw wipe {raw};
	MasterKeyOnce master;
	std::unordered_map<std::string, AccountRef> loaded;
	std::unordered_map<std::string, Broken> broken;
	for (int i = 0; i < raw.count; i++) {
		const RawAccount &r = raw.rows[i];
		const std::string message = "storage account \"" + ShownText(r.alias, 63) + "\" cannot be used";
		std::string clear;
		WipeString wipe_clear {clear};
		Broken why;
		std::string_view key_b64 =
		    ClearValue(r.account_key, core::AccountKeyAad(r.alias), master, clear, message, kAccountKeyKind, why);
		if (why.error) {
			broken.emplace(r.alias, std::move(why));
			continue;
		}
		std::optional<core::HmacSha256> signer;
		try {
			signer.emplace(core::HmacSha256::FromBase64(key_b64));
		} catch (const Error &) {
			/* A clear row written behind azure_account_add's back, or a sealed one that held garbage. */
			broken.emplace(r.alias, Broken {std::make_shared<const Error>(sqlstate::kObjectNotInPrerequisiteState,
			                                                              message, "Its key is not valid Base64.",
			                                                              "Remove the account and add it again."),
			                                false});
			continue;
		}
		bool https = strncmp(r.blob_endpoint, "https://", 8) == 0;
		auto acct = std::make_shared<Account>(Account {r.alias, r.account_name, r.blob_endpoint,
		                                               r.default_container ? r.default_container : "", https,
		                                               std::move(*signer)});
		acct->names_valid = NamesValid(*acct);
		loaded.emplace(acct->alias, std::move(acct));
	}

	/* The upload-name secret: sealed text (as bytes of the bytea) or, before 1.1, the raw random bytes. */
	std::shared_ptr<const core::HmacSha256> upload_key;
	Broken upload_broken;
	const std::string upload_message = "the secret behind upload names cannot be used";
	if (raw.secret == nullptr) {
		upload_broken.error = std::make_shared<const Error>(sqlstate::kObjectNotInPrerequisiteState, upload_message,
		                                                    "azure_blob.upload_secret has no row.");
	} else {
		std::string clear;
		WipeString wipe_clear {clear};
		std::string_view secret = ClearValue(std::string_view(raw.secret, raw.secret_len), core::UploadSecretAad(),
		                                     master, clear, upload_message, kUploadSecretKind, upload_broken);
		if (!upload_broken.error && secret.size() < 16)
			upload_broken.error = std::make_shared<const Error>(sqlstate::kObjectNotInPrerequisiteState, upload_message,
			                                                    "It is shorter than 16 bytes.");
		if (!upload_broken.error)
			upload_key = std::make_shared<const core::HmacSha256>(secret);
	}

	/* Swapped in whole: accounts that callers still hold stay alive through their AccountRef. */
	cache->accounts.swap(loaded);
	cache->broken.swap(broken);
	cache->upload_key = std::move(upload_key);
	cache->upload_broken = std::move(upload_broken);
	cache->master_key_generation = master_key_generation;
	cache->relid = raw.relid;
	cache->secret_relid = raw.secret_relid;
	cache->owner = raw.owner;
	cache->ext_schema = raw.ext_schema;
	cache->valid = true;
}

void
EnsureLoaded() {
	if (cache == nullptr)
		cache = new Cache();
	if (!cache->valid || cache->master_key_generation != master_key_generation)
		Reload();
}

/*
 * Throws the error that made an alias or the upload secret unusable.  If it
 * was the master key file, tries it again first: once an admin has put the
 * file in place, the next use reloads (marks the cache stale and returns)
 * instead of failing until the accounts change.
 */
void
RetryOrThrow(const Broken &b) {
	if (b.master_key_missing) {
		bool now_readable = false;
		try {
			(void) MasterKey();
			now_readable = true;
		} catch (const Error &) {
		}
		if (now_readable) {
			cache->valid = false;
			return;
		}
	}
	throw Error(*b.error);
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
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
	                         false);
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
		throw Error(sqlstate::kObjectNotInPrerequisiteState, "no storage account given and no default account set", {},
		            "Pass an account alias or set azure_blob.default_account.");
	return guc_default_account;
}

std::string_view
ResolveAccountAlias(const char *alias) {
	return ResolveAccountAlias(alias ? std::string_view(alias) : std::string_view());
}

AccountRef
GetAccount(std::string_view alias) {
	for (int round = 0;; round++) {
		EnsureLoaded();
		const std::string key(alias);
		auto it = cache->accounts.find(key);
		if (it != cache->accounts.end())
			return it->second;
		auto b = cache->broken.find(key);
		if (b == cache->broken.end())
			throw Error(sqlstate::kUndefinedObject, "storage account \"" + ShownText(alias, 63) + "\" does not exist",
			            {}, "Add it with azure_account_add(), or check azure_blob.default_account.");
		if (round > 0)
			throw Error(*b->second.error);
		RetryOrThrow(b->second);
	}
}

std::shared_ptr<const core::HmacSha256>
UploadNameKey() {
	for (int round = 0;; round++) {
		EnsureLoaded();
		if (cache->upload_key)
			return cache->upload_key;
		if (round > 0)
			throw Error(*cache->upload_broken.error);
		RetryOrThrow(cache->upload_broken);
	}
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
	/* Only the sealed text reaches SQL; it is bound to the alias (src/core/seal.hpp). */
	const std::string sealed = core::Seal(MasterKey(), core::AccountKeyAad(alias), acct.account_key);
	const char *a = alias.c_str(), *n = acct.account_name.c_str(), *k = sealed.c_str(), *e = acct.blob_endpoint.c_str(),
	           *c = default_container.c_str();
	const bool has_container = !default_container.empty();
	uint64 inserted = PgCall([&] {
		Oid types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
		Datum values[5] = {CStringGetTextDatum(a), CStringGetTextDatum(n), CStringGetTextDatum(k),
		                   CStringGetTextDatum(e), has_container ? CStringGetTextDatum(c) : (Datum) 0};
		char nulls[5] = {' ', ' ', ' ', ' ', has_container ? ' ' : 'n'};
		return ExecuteAsOwner(owner,
		                      "INSERT INTO azure_blob.accounts (alias, account_name, account_key, blob_endpoint, "
		                      "default_container) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (alias) DO NOTHING",
		                      5, types, values, nulls);
	});
	if (inserted == 0)
		throw Error(sqlstate::kDuplicateObject, "storage account \"" + alias + "\" already exists", {},
		            "Remove it first with azure_account_remove(), in the same transaction to rotate a key.");
}

int
SealSecrets() {
	EnsureLoaded();
	const Oid owner = cache->owner;
	const bool allowed = PgCall([&] { return GetUserId() == owner || superuser(); });
	if (!allowed)
		throw Error(sqlstate::kInsufficientPrivilege,
		            "permission denied to seal the secrets of extension \"azure_blob\"", {},
		            "Only the extension's owner or a superuser may run azure_blob.seal_secrets().");
	const std::string &master_key = MasterKey();
	const std::string current_id = core::MasterKeyId(master_key);
	const std::string *previous = PreviousMasterKey(); /* throws if set but unusable: say so, do not skip */
	int left_alone = 0;
	/*
	 * Sets out to what should be stored instead of stored: clear values
	 * sealed, values sealed under the previous master key sealed again under
	 * the current one.  False if stored stays (already under the current key,
	 * or sealed under a key we do not have: counted in left_alone).
	 */
	auto sealed_anew = [&](std::string_view stored, const std::string &aad, std::string &out) {
		if (!core::IsSealed(stored)) {
			out = core::Seal(master_key, aad, stored);
			return true;
		}
		if (core::SealedKeyId(stored) == current_id)
			return false;
		std::string clear;
		WipeString wipe_clear {clear};
		if (previous != nullptr && core::TryUnseal(*previous, aad, stored, clear) == core::UnsealFailure::kNone) {
			out = core::Seal(master_key, aad, clear);
			return true;
		}
		left_alone++;
		return false;
	};
	/* No writer may slip a clear row in between our scan and our updates. */
	PgCall([&] {
		ExecuteAsOwner(owner, "LOCK TABLE azure_blob.accounts, azure_blob.upload_secret IN SHARE ROW EXCLUSIVE MODE", 0,
		               nullptr, nullptr, nullptr);
	});
	RawAccounts raw = PgCall([] { return ScanAccounts(); });
	WipeRaw wipe {raw};
	int sealed_count = 0;
	for (int i = 0; i < raw.count; i++) {
		const RawAccount &r = raw.rows[i];
		std::string sealed;
		if (!sealed_anew(r.account_key, core::AccountKeyAad(r.alias), sealed))
			continue;
		const char *a = r.alias, *k = sealed.c_str();
		PgCall([&] {
			Oid types[2] = {TEXTOID, TEXTOID};
			Datum values[2] = {CStringGetTextDatum(a), CStringGetTextDatum(k)};
			ExecuteAsOwner(owner,
			               "UPDATE azure_blob.accounts SET account_key = $2 WHERE alias OPERATOR(pg_catalog.=) $1", 2,
			               types, values, nullptr);
		});
		sealed_count++;
	}
	std::string sealed_secret;
	if (raw.secret != nullptr &&
	    sealed_anew(std::string_view(raw.secret, raw.secret_len), core::UploadSecretAad(), sealed_secret)) {
		/*
		 * Every row gets the sealing of the first one, the row Reload reads,
		 * so the secret in use (and the upload names it issued) is kept.
		 */
		const std::string &sealed = sealed_secret;
		const char *k = sealed.data();
		const size_t len = sealed.size();
		PgCall([&] {
			bytea *b = static_cast<bytea *>(palloc(VARHDRSZ + len));
			SET_VARSIZE(b, VARHDRSZ + len);
			memcpy(VARDATA(b), k, len);
			Oid types[1] = {BYTEAOID};
			Datum values[1] = {PointerGetDatum(b)};
			ExecuteAsOwner(owner, "UPDATE azure_blob.upload_secret SET secret = $1", 1, types, values, nullptr);
		});
		sealed_count++;
	}
	if (left_alone > 0) {
		const std::string path = MasterKeyPath();
		const char *p = path.c_str();
		PgCall([&] {
			ereport(WARNING, (errmsg_plural("%d sealed secret was left as it is",
			                                "%d sealed secrets were left as they are", left_alone, left_alone),
			                  errdetail_plural(
			                      "It was sealed with neither the master key in \"%s\" nor the previous master key.",
			                      "They were sealed with neither the master key in \"%s\" nor the previous master key.",
			                      left_alone, p),
			                  errhint("Set azure_blob.previous_master_key_file to the older key file, and run "
			                          "azure_blob.seal_secrets() again.")));
		});
	}
	return sealed_count;
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

/* Account aliases: 1 to 63 letters, digits, "_", "-" or ".". */
static void
ValidateAlias(const char *alias) {
	size_t len = strlen(alias);
	bool ok = len >= 1 && len <= 63;
	for (size_t i = 0; ok && i < len; i++) {
		char c = alias[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		     c == '.';
	}
	if (!ok)
		throw Error(sqlstate::kInvalidParameterValue, "invalid account alias",
		            "An alias has 1 to 63 letters, digits, \"_\", \"-\" or \".\".");
}

static std::string
Str(const char *s) {
	return s ? std::string(s) : std::string();
}

std::string_view
ContainerOf(const Account &acct, std::string_view container, const char *hint) {
	if (!container.empty())
		return container;
	if (acct.default_container.empty())
		throw Error(sqlstate::kObjectNotInPrerequisiteState,
		            "storage account \"" + acct.alias + "\" has no default container", {}, hint);
	return acct.default_container;
}

/* Container to use: the given one, else the account's default (55000 if it has none). */
std::string
ResolveContainer(const Account &acct, const char *container, const char *hint) {
	return std::string(ContainerOf(acct, container ? std::string_view(container) : std::string_view(), hint));
}

/* Validates alias, container and connection string, then stores the account; the parsed key is wiped. */
static void
AddAccountFromConnectionString(const char *alias, const char *connection_string, const char *container) {
	ValidateAlias(alias);
	if (container != nullptr)
		core::ValidateContainerName(container);
	core::StorageAccount acct = core::ParseConnectionString(connection_string);
	struct WipeKey {
		std::string &key;
		~WipeKey() {
			explicit_bzero(key.data(), key.size());
		}
	} wipe {acct.account_key};
	/* Execute checks again on every request; this check only refuses early what could never be used. */
	CheckEndpointAllowed(acct.blob_endpoint);
	AddAccount(alias, acct, Str(container));
}

Target
ResolveTarget(const char *account, const char *container) {
	AccountRef acct = GetAccount(ResolveAccountAlias(account));
	std::string cont = ResolveContainer(*acct, container);
	core::ValidateContainerName(cont);
	return Target {std::move(acct), cont};
}

} // namespace azure_blob

/*
 * SQL entry points: adding, removing and sealing accounts.
 */

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_account_add);
/* azure_account_add(alias, connection_string, default_container): stores an account; the key stays owner-only. */
Datum
azure_account_add(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *alias = RequiredArg(fcinfo, 0, "account alias");
	if (PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("connection string must not be null")));
	const char *conn = TextToUtf8(PG_GETARG_TEXT_PP(1));
	const char *container = OptionalArg(fcinfo, 2, "default container");
	Guard([&] { AddAccountFromConnectionString(alias, conn, container); });
	/* The argument itself holds the key: wipe our copy of it. */
	explicit_bzero(const_cast<char *>(conn), strlen(conn));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(azure_account_add_from_env);
/*
 * azure_account_add_from_env(alias, variable, default_container): the same,
 * with the connection string read from the server's environment, so it never
 * appears in SQL text, statement logs or pg_stat_activity.
 */
Datum
azure_account_add_from_env(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *alias = RequiredArg(fcinfo, 0, "account alias");
	const char *variable = RequiredArg(fcinfo, 1, "environment variable name");
	const char *container = OptionalArg(fcinfo, 2, "default container");
	/* A name of 1 to 255 letters, digits and "_" (an empty or huge one is not "unset", it is wrong). */
	bool name_ok = variable[0] != '\0' && strlen(variable) <= 255;
	for (const char *p = variable; name_ok && *p; p++)
		name_ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (!name_ok)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("invalid environment variable name \"%s\"", strlen(variable) <= 255 ? variable : "..."),
		                errdetail("A name has 1 to 255 letters, digits or \"_\".")));
	const char *value = getenv(variable);
	if (value == nullptr || value[0] == '\0')
		ereport(ERROR,
		        (errcode(ERRCODE_UNDEFINED_OBJECT),
		         errmsg("environment variable \"%s\" is not set in the server", variable),
		         errhint("Set it in the environment of the PostgreSQL server, for example in its service unit.")));
	Guard([&] { AddAccountFromConnectionString(alias, value, container); });
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(azure_blob_seal_secrets);
/* azure_blob.seal_secrets(): seals the keys and the upload-name secret still in clear; returns how many. */
Datum
azure_blob_seal_secrets(PG_FUNCTION_ARGS) {
	int sealed = Guard([] { return SealSecrets(); });
	PG_RETURN_INT32(sealed);
}

PG_FUNCTION_INFO_V1(azure_account_remove);
/* azure_account_remove(alias): deletes an account. */
Datum
azure_account_remove(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *alias = RequiredArg(fcinfo, 0, "account alias");
	Guard([&] {
		ValidateAlias(alias); /* "" or a 1 MB string is a wrong alias (22023), not an absent one */
		RemoveAccount(alias);
	});
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(azure_blob_accounts_changed);
/* Statement trigger on azure_blob.accounts: tells every backend to drop its account cache at commit. */
Datum
azure_blob_accounts_changed(PG_FUNCTION_ARGS) {
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
		                errmsg("azure_blob_accounts_changed() was not called by trigger manager")));
	TriggerData *trigdata = reinterpret_cast<TriggerData *>(fcinfo->context);
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(nullptr);
}

} /* extern "C" */
