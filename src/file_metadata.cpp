/*-------------------------------------------------------------------------
 * file_metadata.cpp
 *	  The rules of azure_files rows: the BEFORE INSERT OR UPDATE row
 *	  trigger (SQL entry point azure_files_check) and the handoff through
 *	  which azure_save_metadata (rest_functions.cpp) passes the properties
 *	  it read from Azure.
 *
 * It keeps rows honest without any network I/O (CONTRIBUTING.md §3): a blob name
 * must follow Azure's rules, a row points into a configured account and
 * container (only admins may name others than the defaults), file_url is
 * computed or must equal the blob's canonical URL, and user_id defaults to
 * azure_current_user_id().  Once written, a row's blob_name, file_url,
 * account and container never change.  Row-level security, checked after
 * this trigger, decides whose rows a user may write.
 *
 * Metadata is honest: without admin rights in this database nobody sets
 * size_bytes, content_type or etag, except azure_save_metadata() with the
 * values Azure reported for this very blob (handed over in
 * verified_properties below), nor upload_timestamp other than now(), nor
 * changes any column of a row.  (Users have no UPDATE privilege and no
 * INSERT privilege on id and upload_timestamp since 1.1; this covers roles
 * that have them through azure_blob_admin without admin rights here.)
 *
 * An INSERT takes the blob's registration lock (deletion.hpp) until its
 * transaction ends, so a queued deletion of the same name waits for it.
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
}

#include <cstring>
#include <string>

#include "accounts.hpp"
#include "core/encoding.hpp"
#include "core/names.hpp"
#include "core/rest.hpp"
#include "core/upload.hpp"
#include "deletion.hpp"
#include "arguments.hpp"
#include "file_metadata.hpp"
#include "identity.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

enum Column {
	kBlobName,
	kFileUrl,
	kUserId,
	kUploadTimestamp,
	kAccount,
	kContainer,
	kContentType,
	kSizeBytes,
	kEtag,
	kColumns
};
const char *const kColumnNames[kColumns] = {"blob_name",        "file_url",   "user_id",
                                            "upload_timestamp", "account",    "container",
                                            "content_type",     "size_bytes", "etag"};

/* A text column as a C string in the database encoding, NULL if SQL NULL. */
char *
TextColumn(HeapTuple tup, TupleDesc desc, int attnum) {
	bool isnull;
	Datum d = heap_getattr(tup, attnum, desc, &isnull);
	return isnull ? nullptr : TextDatumGetCString(d);
}

bool
SameText(const char *a, const char *b) {
	if (a == nullptr || b == nullptr)
		return a == b;
	return strcmp(a, b) == 0;
}

/* What the C++ half decided for an INSERT: palloc'd strings (database encoding for the user id). */
struct Completed {
	char *account;
	char *container;
	char *file_url;
	bool admin;
};

/* Properties azure_save_metadata read from Azure for one blob, while its INSERT runs. */
struct VerifiedProperties {
	bool active = false;
	std::string blob; /* server encoding, as the row holds it */
	bool has_size = false;
	int64 size = 0;
	bool has_content_type = false;
	std::string content_type;
	bool has_etag = false;
	std::string etag;
};
VerifiedProperties *verified = nullptr; /* allocated once, never freed (no exit-time destructor) */

/* Refuses a column value a non-admin may not choose. Postgres side. */
void
RefuseColumn(const char *column) {
	ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	                errmsg("permission denied to set column \"%s\" of a registered file", column),
	                errdetail("Only azure_save_metadata(), with the values Azure reports, and administrators of this "
	                          "database set it.")));
}

/* A non-admin INSERT: the properties must be NULL or exactly what azure_save_metadata verified for this blob. */
void
CheckPropertiesHonest(HeapTuple tup, TupleDesc desc, const int *att, const char *blob_server) {
	const bool handed = verified != nullptr && verified->active && verified->blob == blob_server;
	bool isnull;
	Datum size = heap_getattr(tup, att[kSizeBytes], desc, &isnull);
	if (!isnull && !(handed && verified->has_size && verified->size == DatumGetInt64(size)))
		RefuseColumn("size_bytes");
	char *content_type = TextColumn(tup, desc, att[kContentType]);
	if (content_type != nullptr && !(handed && verified->has_content_type && verified->content_type == content_type))
		RefuseColumn("content_type");
	char *etag = TextColumn(tup, desc, att[kEtag]);
	if (etag != nullptr && !(handed && verified->has_etag && verified->etag == etag))
		RefuseColumn("etag");
	Datum ts = heap_getattr(tup, att[kUploadTimestamp], desc, &isnull);
	if (!isnull && DatumGetTimestampTz(ts) != GetCurrentTransactionStartTimestamp())
		RefuseColumn("upload_timestamp");
}

char *
PallocCopy(const std::string &s) {
	return PgCall([&] { return pnstrdup(s.data(), s.size()); });
}

/* Checks optional descriptive columns shared by INSERT and UPDATE. Postgres side. */
void
CheckDescriptiveColumns(HeapTuple tup, TupleDesc desc, const int *att) {
	char *content_type = TextColumn(tup, desc, att[kContentType]);
	char *etag = TextColumn(tup, desc, att[kEtag]);
	bool isnull;
	Datum size = heap_getattr(tup, att[kSizeBytes], desc, &isnull);
	if (!isnull && DatumGetInt64(size) < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("file size must not be negative")));
	if (etag != nullptr)
		for (const char *p = etag; *p; p++)
			if (static_cast<unsigned char>(*p) < 0x20 || *p == 0x7F)
				ereport(ERROR,
				        (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("ETag must not contain control characters")));
	if (content_type != nullptr)
		Guard([&] { core::ValidateContentType(content_type); });
}

} // namespace

void
SetVerifiedProperties(const char *blob_server, bool has_size, int64 size, const char *content_type, const char *etag) {
	if (verified == nullptr)
		verified = new VerifiedProperties();
	verified->blob = blob_server;
	verified->has_size = has_size;
	verified->size = size;
	verified->has_content_type = content_type != nullptr;
	verified->content_type = content_type ? content_type : "";
	verified->has_etag = etag != nullptr;
	verified->etag = etag ? etag : "";
	verified->active = true;
}

void
ClearVerifiedProperties() noexcept {
	if (verified != nullptr)
		verified->active = false;
}

static Datum
AzureFilesCheck(FunctionCallInfo fcinfo) {
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
		                errmsg("azure_files_check() was not called by trigger manager")));
	TriggerData *td = reinterpret_cast<TriggerData *>(fcinfo->context);
	if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
	    !(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
		                errmsg("azure_files_check() must be a BEFORE INSERT OR UPDATE row trigger")));
	TupleDesc desc = RelationGetDescr(td->tg_relation);
	int att[kColumns];
	for (int i = 0; i < kColumns; i++) {
		att[i] = SPI_fnumber(desc, kColumnNames[i]);
		if (att[i] <= 0)
			elog(ERROR, "table \"%s\" has no column \"%s\"", RelationGetRelationName(td->tg_relation), kColumnNames[i]);
	}

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event)) {
		HeapTuple oldtup = td->tg_trigtuple, newtup = td->tg_newtuple;
		for (Column c : {kBlobName, kFileUrl, kAccount, kContainer})
			if (!SameText(TextColumn(oldtup, desc, att[c]), TextColumn(newtup, desc, att[c])))
				ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				                errmsg("cannot change column \"%s\" of a registered file", kColumnNames[c]),
				                errdetail("A row of azure_files names one blob for its whole life."),
				                errhint("Delete the row and register the blob again.")));
		if (CurrentRight() != Right::kAdmin) {
			/* Non-admins change nothing: every column must stay as it is. */
			for (int i = 0; i < desc->natts; i++) {
				Form_pg_attribute a = TupleDescAttr(desc, i);
				if (a->attisdropped)
					continue;
				bool on, nn;
				Datum o = heap_getattr(oldtup, i + 1, desc, &on);
				Datum n = heap_getattr(newtup, i + 1, desc, &nn);
				if (on != nn || (!on && !datumIsEqual(o, n, a->attbyval, a->attlen)))
					ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					                errmsg("permission denied to change column \"%s\" of a registered file",
					                       NameStr(a->attname)),
					                errdetail("Only administrators of this database change registered files.")));
			}
		}
		char *user_id = TextColumn(newtup, desc, att[kUserId]);
		if (user_id == nullptr)
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("user id of a file must not be null")));
		if (user_id[0] == '\0')
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("user id of a file must not be empty")));
		CheckDescriptiveColumns(newtup, desc, att);
		return PointerGetDatum(newtup);
	}

	HeapTuple tup = td->tg_trigtuple;
	char *blob_server = TextColumn(tup, desc, att[kBlobName]);
	if (blob_server == nullptr)
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("blob name must not be null")));
	const char *blob = pg_server_to_any(blob_server, static_cast<int>(strlen(blob_server)), PG_UTF8);
	char *file_url_server = TextColumn(tup, desc, att[kFileUrl]);
	const char *file_url = file_url_server
	                           ? pg_server_to_any(file_url_server, static_cast<int>(strlen(file_url_server)), PG_UTF8)
	                           : nullptr;
	char *account = TextColumn(tup, desc, att[kAccount]);
	char *container = TextColumn(tup, desc, att[kContainer]);
	char *user_id = TextColumn(tup, desc, att[kUserId]);
	if (account != nullptr && account[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("account of a file must not be empty"),
		                errhint("Leave it NULL to use azure_blob.default_account.")));
	if (container != nullptr && container[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("container of a file must not be empty"),
		                errhint("Leave it NULL to use the account's default container.")));
	if (user_id != nullptr && user_id[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("user id of a file must not be empty"),
		                errhint("Leave it NULL to use azure_current_user_id().")));
	CheckDescriptiveColumns(tup, desc, att);
	/* The user the row will belong to, as the MAC in issued names saw it (UTF-8). */
	const char *server_user = user_id ? user_id : CurrentUserId();
	const char *row_user = pg_server_to_any(server_user, static_cast<int>(strlen(server_user)), PG_UTF8);

	Completed done = Guard([&] {
		core::ValidateBlobName(blob);
		const std::string default_alias(ResolveAccountAlias(nullptr));
		const std::string alias = account ? std::string(account) : default_alias;
		/* Held by AccountRef: CurrentUserIsAdmin() below may process invalidations and reload the cache. */
		const AccountRef acct_ref = GetAccount(alias);
		const Account &acct = *acct_ref;
		if (container != nullptr)
			core::ValidateContainerName(container);
		const std::string cont =
		    ResolveContainer(acct, container,
		                     "Give the row a container, or add the account again with a default container.");
		/*
		 * Users register only names azure_generate_upload_sas issued to them,
		 * where upload URLs point; admins may register anything configured.
		 */
		const bool admin = CurrentUserIsAdmin();
		if ((alias != default_alias || cont != acct.default_container) && !admin)
			throw Error(sqlstate::kInsufficientPrivilege,
			            "permission denied to register a file outside the default account and container",
			            "Only members of azure_blob_admin may choose the account or container of a file.");
		if (!admin && !core::IsIssuedUploadName(*UploadNameKey(), row_user, blob))
			throw Error(sqlstate::kInsufficientPrivilege,
			            "permission denied to register blob \"" + std::string(blob) + "\"",
			            "The name was not issued to this user by azure_generate_upload_sas().",
			            "Register the blob_name that azure_generate_upload_sas() returned, as the same user.");
		std::string canonical = core::BlobUrl(acct.blob_endpoint, cont, blob);
		if (file_url != nullptr && canonical != file_url)
			throw Error(sqlstate::kInvalidParameterValue, "file URL does not match the blob's URL",
			            "The URL of blob \"" + std::string(blob) + "\" in container \"" + cont + "\" of account \"" +
			                alias + "\" is \"" + canonical + "\".",
			            "Leave file_url NULL and it will be filled in.");
		return Completed {PallocCopy(alias), PallocCopy(cont), PallocCopy(canonical), admin};
	});
	if (!done.admin)
		CheckPropertiesHonest(tup, desc, att, blob_server);
	/* Held until the transaction ends: a queued deletion of this blob now waits for us (deletion.hpp). */
	LockBlobForRegistration(done.account, done.container, blob_server);

	int natts = desc->natts;
	Datum *rv = static_cast<Datum *>(palloc0(sizeof(Datum) * natts));
	bool *rn = static_cast<bool *>(palloc0(sizeof(bool) * natts));
	bool *rr = static_cast<bool *>(palloc0(sizeof(bool) * natts));
	rv[att[kAccount] - 1] = CStringGetTextDatum(done.account);
	rr[att[kAccount] - 1] = true;
	rv[att[kContainer] - 1] = CStringGetTextDatum(done.container);
	rr[att[kContainer] - 1] = true;
	if (file_url == nullptr) {
		rv[att[kFileUrl] - 1] = CStringGetTextDatum(done.file_url);
		rr[att[kFileUrl] - 1] = true;
	}
	if (user_id == nullptr) {
		rv[att[kUserId] - 1] = CStringGetTextDatum(server_user);
		rr[att[kUserId] - 1] = true;
	}
	bool ts_null;
	(void) heap_getattr(tup, att[kUploadTimestamp], desc, &ts_null);
	if (ts_null) {
		rv[att[kUploadTimestamp] - 1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		rr[att[kUploadTimestamp] - 1] = true;
	}
	return PointerGetDatum(heap_modify_tuple(tup, desc, rv, rn, rr));
}

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_files_check);
/* Row trigger on azure_files: validates and completes rows (trigger.cpp). */
Datum
azure_files_check(PG_FUNCTION_ARGS) {
	return AzureFilesCheck(fcinfo);
}

} /* extern "C" */
