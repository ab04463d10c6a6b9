/*-------------------------------------------------------------------------
 * rest_functions.cpp
 *	  SQL entry points that call the Blob REST API, and azure_save_metadata,
 *	  which checks the uploaded blob before it writes the row.
 *
 * Same two halves as functions.cpp: arguments on the Postgres side, the
 * rest inside Guard().  HTTP happens here, never in a trigger.
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
}

#include <memory>
#include <string>
#include <vector>

#include "accounts.hpp"
#include "compat.hpp"
#include "core/encoding.hpp"
#include "core/names.hpp"
#include "core/rest.hpp"
#include "core/time_format.hpp"
#include "core/upload.hpp"
#include "deletion.hpp"
#include "extension_objects.hpp"
#include "arguments.hpp"
#include "file_metadata.hpp"
#include "identity.hpp"
#include "guc.hpp"
#include "http.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"

namespace azure_blob {

namespace {

/* Blobs per List Blobs page: the service's maximum. */
constexpr int kListPageSize = 5000;

/* An optional account or container argument: NULL means the default. */
const char *
OptText(FunctionCallInfo fcinfo, int n, const char *what) {
	return OptionalArg(fcinfo, n, what, "Pass NULL to use the default.");
}

std::string
Quoted(const std::string &s) {
	return "\"" + s + "\"";
}

/* Properties of a blob, or nullopt-like empty status when absent. */
struct Properties {
	bool exists = false;
	int64_t size = -1;
	std::string content_type, etag;
	bool has_last_modified = false;
	int64_t last_modified = 0;
};

/* A 404 for the blob itself; a missing container (or account) is an error, not an absent blob. */
bool
BlobNotFound(const HttpResponse &r) {
	return r.status == 404 && r.error_code != "ContainerNotFound" && r.error_code != "ResourceNotFound";
}

Properties
FetchProperties(const Target &t, const std::string &blob) {
	HttpResponse r = Execute(core::GetBlobPropertiesRequest(t.acct->blob_endpoint, t.container, blob), *t.acct);
	Properties p;
	if (BlobNotFound(r))
		return p;
	if (r.status != 200)
		ThrowAzureError(r, "could not read the properties of blob " + Quoted(blob) + " in container " +
		                       Quoted(t.container));
	p.exists = true;
	p.size = r.content_length;
	p.content_type = r.content_type;
	p.etag = r.etag;
	if (auto lm = core::ParseRfc1123(r.last_modified)) {
		p.has_last_modified = true;
		p.last_modified = *lm;
	}
	return p;
}

/*
 * The caller's registration of blob, if it is the one azure_save_metadata
 * would write now: the same user id, account and container, and the same
 * file URL when one is given; else NULL.  All strings in the server
 * encoding.  azure_blob.find_registration(), called by OID, runs the query
 * as the caller, so row-level security applies (a user sees only rows with
 * the own user id, an administrator every row, of which the user_id
 * condition keeps the own), and its body was bound to azure_files when the
 * extension was created: no name is resolved at run time, so a schema
 * renamed and replaced while we wait for the table's lock cannot make the
 * caller read a planted view (test/security/specs/registration_lookup_rename.spec,
 * CONTRIBUTING.md §8).  A database still on older SQL objects has no such
 * function: NULL, and the INSERT decides as in 1.1.  Postgres code only:
 * call inside PgCall().
 */
HeapTupleHeader
FindOwnRegistration(const char *blob, const char *user_id, const char *account, const char *container, Datum file_url,
                    bool file_url_null) {
	Datum args[5] = {CStringGetTextDatum(blob), CStringGetTextDatum(user_id), CStringGetTextDatum(account),
	                 CStringGetTextDatum(container), file_url};
	bool nulls[5] = {false, false, false, false, file_url_null};
	Datum row;
	bool row_null;
	if (!CallExtensionFunction("find_registration", 5, args, nulls, &row, &row_null) || row_null)
		return nullptr;
	return DatumGetHeapTupleHeader(row);
}

/* Inserts the row of azure_save_metadata as the caller and returns it; schema: ExtensionSchema().  Postgres code only. */
HeapTupleHeader
InsertFileRow(Oid schema, Datum *args, bool *arg_nulls) {
	/*
	 * azure_blob.insert_file(), called by OID, inserts as the caller
	 * (trigger and row-level security apply) without resolving the
	 * table's name at run time.
	 */
	Datum row;
	bool row_null;
	if (CallExtensionFunction("insert_file", 5, args, arg_nulls, &row, &row_null)) {
		if (row_null)
			elog(ERROR, "could not insert into azure_files");
		return DatumGetHeapTupleHeader(row);
	}
	/* The database still has 1.0's SQL objects (until ALTER EXTENSION UPDATE): 1.0's INSERT. */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	char *sql = psprintf("INSERT INTO %s.azure_files (blob_name, file_url, content_type, size_bytes, etag) "
	                     "VALUES ($1, $2, $3, $4, $5) RETURNING *",
	                     quote_identifier(get_namespace_name(schema)));
	Oid types[5] = {TEXTOID, TEXTOID, TEXTOID, INT8OID, TEXTOID};
	char nulls[5];
	for (int i = 0; i < 5; i++)
		nulls[i] = arg_nulls[i] ? 'n' : ' ';
	int rc = SPI_execute_with_args(sql, 5, types, args, nulls, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into azure_files: %s", SPI_result_code_string(rc));
	/* Copied into the caller's context, which SPI_finish leaves alone. */
	HeapTupleHeader result = SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
	SPI_finish();
	return result;
}

/*
 * InsertFileRow, with a name that is taken reported as such: 23505 naming
 * the blob, instead of the unique index and the CONTEXT of insert_file.
 * The same error whoever holds the row (the caller's own row for another
 * account, container or file URL, or a row the caller cannot see), so it
 * tells no more than that the name is taken.  Other errors pass unchanged.
 * Plain Postgres error handling (PG_TRY), so no PgError is caught outside
 * Guard().  Postgres code only.
 */
HeapTupleHeader
InsertRegistration(const char *blob, Oid schema, Datum *args, bool *arg_nulls) {
	MemoryContext cxt = CurrentMemoryContext;
	HeapTupleHeader volatile result = nullptr;
	PG_TRY();
	{ result = InsertFileRow(schema, args, arg_nulls); }
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		ErrorData *edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION || edata->constraint_name == nullptr ||
		    strcmp(edata->constraint_name, "azure_files_blob_name_key") != 0)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION), errmsg("blob \"%s\" is already registered", blob),
		                errdetail("A blob name is registered once. The registration that holds it belongs to "
		                          "another user, or to another account, container or file URL."),
		                errhint("Register a new upload: call azure_generate_upload_sas() again.")));
	}
	PG_END_TRY();
	return result;
}

/*
 * Deletes blob, which was uploaded with a content type other than the one its
 * upload URL was issued for, then throws 22023.  A failure to delete is
 * reported in the hint, never instead of the 22023; a cancel still wins.
 */
[[noreturn]] void
RejectMistypedUpload(const Target &t, const std::string &blob, const std::string &actual_type) {
	bool deleted = false;
	try {
		HttpResponse r = Execute(core::DeleteBlobRequest(t.acct->blob_endpoint, t.container, blob), *t.acct);
		deleted = r.status == 202 || r.status == 200 || r.status == 404;
	} catch (const Error &) {
		/*
		 * An HTTP failure: the transaction is about to abort with the 22023
		 * below, which matters more.  A Postgres error or a cancel is not
		 * an Error and goes on up to Guard().
		 */
	}
	bool printable = !actual_type.empty() && actual_type.size() <= 255;
	for (unsigned char c : actual_type)
		printable = printable && c >= 0x20 && c <= 0x7E;
	const std::string stored = actual_type.empty() ? std::string("without a content type")
	                           : printable         ? "with content type \"" + actual_type + "\""
	                                               : std::string("with a content type that is not printable ASCII");
	throw Error(sqlstate::kInvalidParameterValue,
	            "content type of blob " + Quoted(blob) + " does not match the type its upload URL was issued for",
	            "The blob was stored " + stored +
	                "; its upload URL was issued by azure_generate_upload_sas() for another media type.",
	            deleted ? "The blob was deleted. Upload the file again with the Content-Type that was passed to "
	                      "azure_generate_upload_sas()."
	                    : "The blob could not be deleted; delete it with azure_blob_delete(). Upload the file again "
	                      "with the Content-Type that was passed to azure_generate_upload_sas().");
}

/* A text[] argument as palloc'd UTF-8 strings: a plain struct, so an ERROR may follow it (no C++ object). */
struct TextArray {
	const char **items;
	int count;
};

/* Deconstructs a text[] argument into UTF-8 strings; NULL elements are 22004. Postgres side. */
TextArray
TextArrayArg(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	ArrayType *arr = PG_GETARG_ARRAYTYPE_P(n);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must be a one-dimensional array", what)));
	Datum *elems;
	bool *nulls;
	int count;
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
	TextArray out {static_cast<const char **>(palloc(sizeof(const char *) * (count > 0 ? count : 1))), count};
	for (int i = 0; i < count; i++) {
		if (nulls[i])
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not contain nulls", what)));
		out.items[i] = TextToUtf8(DatumGetTextPP(elems[i]));
	}
	return out;
}

/*
 * A listing prefix is the start of a blob name: at most 1,024 characters of
 * UTF-8 without control characters.  Anything else cannot match a blob, and
 * is refused here rather than sent to Azure.  Runs inside Guard().
 */
void
ValidateListPrefix(std::string_view prefix) {
	if (!core::IsValidUtf8(prefix))
		throw Error(sqlstate::kInvalidParameterValue, "blob name prefix is not valid UTF-8");
	if (core::Utf8Length(prefix) > core::kMaxBlobNameChars)
		throw Error(sqlstate::kInvalidParameterValue, "blob name prefix is too long",
		            "A blob name has at most 1024 characters.");
	for (unsigned char c : prefix)
		if (c < 0x20 || c == 0x7F)
			throw Error(sqlstate::kInvalidParameterValue, "blob name prefix must not contain control characters");
}

/* The strings of a text[] argument. C++ side (inside Guard). */
std::vector<std::string>
ToStrings(const TextArray &a) {
	return std::vector<std::string>(a.items, a.items + a.count);
}

/* A text[] datum from strings. Inside PgCall only. */
Datum
TextArrayDatum(const std::vector<std::string> &items) {
	Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * (items.empty() ? 1 : items.size())));
	for (size_t i = 0; i < items.size(); i++)
		elems[i] = Utf8Datum(items[i]);
	return PointerGetDatum(construct_array(elems, static_cast<int>(items.size()), TEXTOID, -1, false, TYPALIGN_INT));
}

/* State of azure_blob_list between calls; palloc'd in the SRF's multi-call context. */
struct ListState {
	char *account;
	char *container;
	char *prefix;
	char *marker; /* next page's marker; NULL once the last page was fetched */
	MemoryContext page_cxt;
	int count, next;
	char **names, **content_types, **etags;
	int64 *sizes;
	int64 *last_modified;
	bool *has_last_modified;
};

} // namespace

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_blob_properties);
/* azure_blob_properties(blob_name, container, account): size, type, ETag, last change; a NULL row if absent. */
Datum
azure_blob_properties(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *blob = RequiredArg(fcinfo, 0, "blob name");
	const char *container = OptText(fcinfo, 1, "container");
	const char *account = OptText(fcinfo, 2, "account");
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "azure_blob_properties must return a composite type");
	desc = BlessTupleDesc(desc);
	HeapTuple tuple = Guard([&]() -> HeapTuple {
		core::ValidateBlobName(blob);
		Target t = ResolveTarget(account, container);
		Properties p = FetchProperties(t, blob);
		if (!p.exists)
			return nullptr;
		return PgCall([&] {
			Datum values[4];
			bool nulls[4] = {p.size < 0, p.content_type.empty(), p.etag.empty(), !p.has_last_modified};
			values[0] = Int64GetDatum(p.size);
			values[1] = p.content_type.empty() ? (Datum) 0 : Utf8Datum(p.content_type);
			values[2] = p.etag.empty() ? (Datum) 0 : Utf8Datum(p.etag);
			values[3] = TimestampTzGetDatum(FromUnixSeconds(p.last_modified));
			return heap_form_tuple(desc, values, nulls);
		});
	});
	if (tuple == nullptr)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

PG_FUNCTION_INFO_V1(azure_blob_get);
/* azure_blob_get(blob_name, container, account): the blob's bytes, NULL if it does not exist. */
Datum
azure_blob_get(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *blob = RequiredArg(fcinfo, 0, "blob name");
	const char *container = OptText(fcinfo, 1, "container");
	const char *account = OptText(fcinfo, 2, "account");
	bytea *result = Guard([&]() -> bytea * {
		core::ValidateBlobName(blob);
		Target t = ResolveTarget(account, container);
		HttpResponse r = Execute(core::GetBlobRequest(t.acct->blob_endpoint, t.container, blob), *t.acct);
		if (BlobNotFound(r))
			return nullptr;
		if (r.status != 200)
			ThrowAzureError(r, "could not read blob " + Quoted(blob) + " from container " + Quoted(t.container));
		return PgCall([&] {
			bytea *b = static_cast<bytea *>(palloc(VARHDRSZ + r.body.size()));
			SET_VARSIZE(b, VARHDRSZ + r.body.size());
			memcpy(VARDATA(b), r.body.data(), r.body.size());
			return b;
		});
	});
	if (result == nullptr)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(result);
}

PG_FUNCTION_INFO_V1(azure_blob_put);
/* azure_blob_put(blob_name, data, content_type, container, account): uploads (or replaces) a blob; returns its ETag. */
Datum
azure_blob_put(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *blob = RequiredArg(fcinfo, 0, "blob name");
	if (PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("blob data must not be null")));
	bytea *data = PG_GETARG_BYTEA_PP(1);
	const char *content_type = RequiredArg(fcinfo, 2, "content type");
	const char *container = OptText(fcinfo, 3, "container");
	const char *account = OptText(fcinfo, 4, "account");
	text *etag = Guard([&] {
		core::ValidateBlobName(blob);
		core::ValidateContentType(content_type);
		Target t = ResolveTarget(account, container);
		std::string body(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
		HttpResponse r =
		    Execute(core::PutBlobRequest(t.acct->blob_endpoint, t.container, blob, std::move(body), content_type),
		            *t.acct);
		if (r.status != 201)
			ThrowAzureError(r, "could not upload blob " + Quoted(blob) + " to container " + Quoted(t.container));
		return PgCall([&] { return cstring_to_text(r.etag.c_str()); });
	});
	PG_RETURN_TEXT_P(etag);
}

PG_FUNCTION_INFO_V1(azure_blob_delete);
/* azure_blob_delete(blob_name, container, account): true if deleted, false if there was no such blob (or container). */
Datum
azure_blob_delete(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *blob = RequiredArg(fcinfo, 0, "blob name");
	const char *container = OptText(fcinfo, 1, "container");
	const char *account = OptText(fcinfo, 2, "account");
	bool deleted = Guard([&] {
		core::ValidateBlobName(blob);
		Target t = ResolveTarget(account, container);
		HttpResponse r = Execute(core::DeleteBlobRequest(t.acct->blob_endpoint, t.container, blob), *t.acct);
		/* Deleting is idempotent: with its container gone, the blob is gone too. */
		if (r.status == 404)
			return false;
		if (r.status != 202 && r.status != 200)
			ThrowAzureError(r, "could not delete blob " + Quoted(blob) + " from container " + Quoted(t.container));
		return true;
	});
	PG_RETURN_BOOL(deleted);
}

PG_FUNCTION_INFO_V1(azure_container_create);
/* azure_container_create(container, account): true if created, false if it already existed. */
Datum
azure_container_create(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *container = RequiredArg(fcinfo, 0, "container");
	/* Not "the default container": ResolveTarget() would read "" as absent. */
	if (container[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("container must not be empty")));
	const char *account = OptText(fcinfo, 1, "account");
	bool created = Guard([&] {
		Target t = ResolveTarget(account, container);
		HttpResponse r = Execute(core::CreateContainerRequest(t.acct->blob_endpoint, t.container), *t.acct);
		if (r.status == 409)
			return false;
		if (r.status != 201)
			ThrowAzureError(r, "could not create container " + Quoted(t.container));
		return true;
	});
	PG_RETURN_BOOL(created);
}

PG_FUNCTION_INFO_V1(azure_set_cors);
/* azure_set_cors(origins, methods, headers, exposed, max_age, account): replaces the Blob service's CORS rules by one rule. */
Datum
azure_set_cors(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const TextArray origins = TextArrayArg(fcinfo, 0, "allowed origins");
	const TextArray methods = TextArrayArg(fcinfo, 1, "allowed methods");
	const TextArray headers = TextArrayArg(fcinfo, 2, "allowed headers");
	const TextArray exposed = TextArrayArg(fcinfo, 3, "exposed headers");
	if (PG_ARGISNULL(4))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("CORS max age must not be null")));
	int32 max_age = PG_GETARG_INT32(4);
	const char *account = OptText(fcinfo, 5, "account");
	Guard([&] {
		core::CorsRule rule {ToStrings(origins), ToStrings(methods), ToStrings(headers), ToStrings(exposed), max_age};
		std::string xml = core::BuildCorsXml({rule});
		const AccountRef acct_ref = GetAccount(ResolveAccountAlias(account));
		const Account &acct = *acct_ref;
		HttpResponse r = Execute(core::SetServicePropertiesRequest(acct.blob_endpoint, std::move(xml)), acct);
		if (r.status != 202 && r.status != 200)
			ThrowAzureError(r, "could not set the CORS rules of storage account " + Quoted(acct.alias));
	});
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(azure_get_cors);
/* azure_get_cors(account): the Blob service's CORS rules, one row each. */
Datum
azure_get_cors(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	const char *account = OptText(fcinfo, 0, "account");
	InitMaterializedSRF(fcinfo, 0);
	ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	Guard([&] {
		const AccountRef acct_ref = GetAccount(ResolveAccountAlias(account));
		const Account &acct = *acct_ref;
		HttpResponse r = Execute(core::GetServicePropertiesRequest(acct.blob_endpoint), acct);
		if (r.status != 200)
			ThrowAzureError(r, "could not read the CORS rules of storage account " + Quoted(acct.alias));
		std::vector<core::CorsRule> rules = core::ParseCors(r.body);
		for (const core::CorsRule &rule : rules)
			PgCall([&] {
				Datum values[5] = {TextArrayDatum(rule.allowed_origins), TextArrayDatum(rule.allowed_methods),
				                   TextArrayDatum(rule.allowed_headers), TextArrayDatum(rule.exposed_headers),
				                   Int32GetDatum(rule.max_age_seconds)};
				bool nulls[5] = {false, false, false, false, false};
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			});
	});
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(azure_blob_list);
/*
 * azure_blob_list(prefix, container, account): every blob under prefix.
 * Value-per-call: one page (at most 5,000 blobs) is held at a time and the
 * next is fetched only when the query asks for more, so memory stays bounded
 * and LIMIT stops the listing early.
 */
Datum
azure_blob_list(PG_FUNCTION_ARGS) {
	FuncCallContext *funcctx;
	if (SRF_IS_FIRSTCALL()) {
		RequireRight(Right::kAdmin);
		funcctx = SRF_FIRSTCALL_INIT();
		MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		ListState *st = static_cast<ListState *>(palloc0(sizeof(ListState)));
		const char *prefix = PG_ARGISNULL(0) ? "" : TextToUtf8(PG_GETARG_TEXT_PP(0));
		const char *container = OptText(fcinfo, 1, "container");
		const char *account = OptText(fcinfo, 2, "account");
		st->prefix = pstrdup(prefix);
		st->container = container ? pstrdup(container) : nullptr;
		st->account = account ? pstrdup(account) : nullptr;
		st->marker = pstrdup("");
		st->page_cxt =
		    AllocSetContextCreate(funcctx->multi_call_memory_ctx, "azure_blob_list page", ALLOCSET_DEFAULT_SIZES);
		TupleDesc desc;
		if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "azure_blob_list must return a composite type");
		funcctx->tuple_desc = BlessTupleDesc(desc);
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	ListState *st = static_cast<ListState *>(funcctx->user_fctx);

	while (st->next >= st->count && st->marker != nullptr) {
		/* Fetch the next page; the previous one is no longer needed. */
		MemoryContextReset(st->page_cxt);
		st->count = st->next = 0;
		Guard([&] {
			ValidateListPrefix(st->prefix);
			Target t = ResolveTarget(st->account, st->container);
			HttpResponse r = Execute(core::ListBlobsRequest(t.acct->blob_endpoint, t.container, st->prefix, st->marker,
			                                                kListPageSize),
			                         *t.acct);
			if (r.status != 200)
				ThrowAzureError(r, "could not list container " + Quoted(t.container));
			core::ListPage page = core::ParseListBlobs(r.body);
			PgCall([&] {
				MemoryContext old = MemoryContextSwitchTo(st->page_cxt);
				int n = static_cast<int>(page.blobs.size());
				st->names = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
				st->content_types = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
				st->etags = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
				st->sizes = static_cast<int64 *>(palloc(sizeof(int64) * (n + 1)));
				st->last_modified = static_cast<int64 *>(palloc(sizeof(int64) * (n + 1)));
				st->has_last_modified = static_cast<bool *>(palloc(sizeof(bool) * (n + 1)));
				for (int i = 0; i < n; i++) {
					const core::BlobItem &b = page.blobs[i];
					st->names[i] = pg_any_to_server(b.name.data(), static_cast<int>(b.name.size()), PG_UTF8);
					if (st->names[i] == b.name.data())
						st->names[i] = pnstrdup(b.name.data(), b.name.size());
					st->content_types[i] = pstrdup(b.content_type.c_str());
					st->etags[i] = pstrdup(b.etag.c_str());
					st->sizes[i] = b.size;
					st->last_modified[i] = b.last_modified;
					st->has_last_modified[i] = b.has_last_modified;
				}
				st->count = n;
				MemoryContextSwitchTo(old);
				/* The marker lives across pages, in the multi-call context. */
				st->marker = page.next_marker.empty()
				                 ? nullptr
				                 : MemoryContextStrdup(funcctx->multi_call_memory_ctx, page.next_marker.c_str());
			});
		});
	}
	if (st->next >= st->count)
		SRF_RETURN_DONE(funcctx);

	int i = st->next++;
	Datum values[5];
	bool nulls[5] = {false, st->sizes[i] < 0, st->content_types[i][0] == '\0', st->etags[i][0] == '\0',
	                 !st->has_last_modified[i]};
	values[0] = CStringGetTextDatum(st->names[i]);
	values[1] = Int64GetDatum(st->sizes[i]);
	values[2] = nulls[2] ? (Datum) 0 : CStringGetTextDatum(st->content_types[i]);
	values[3] = nulls[3] ? (Datum) 0 : CStringGetTextDatum(st->etags[i]);
	values[4] = TimestampTzGetDatum(FromUnixSeconds(st->last_modified[i]));
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(azure_save_metadata);
/*
 * azure_save_metadata(blob_name, file_url): registers an uploaded blob for the
 * caller.  The name must have been issued to the caller (admins excepted);
 * with azure_blob.verify_uploads the blob must exist, and its size, type and
 * ETag are recorded.  The row goes in as the caller: trigger and RLS apply.
 * Registering the same blob again, as the same user, returns the row it has
 * (docs/sqlstates.md lists the errors).
 */
Datum
azure_save_metadata(PG_FUNCTION_ARGS) {
	RequireRight(Right::kUser);
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("blob name must not be null")));
	text *blob_arg = PG_GETARG_TEXT_PP(0);
	const char *blob = TextToUtf8(blob_arg);
	Datum file_url_arg = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
	const bool file_url_null = PG_ARGISNULL(1);
	const char *user_id = CurrentUserIdUtf8();
	const char *user_id_server = CurrentUserId();

	const char *blob_server = text_to_cstring(blob_arg);

	HeapTupleHeader row = Guard([&] {
		core::ValidateBlobName(blob);
		/* Held across CurrentUserIsAdmin(), which may reload the cache. */
		const std::shared_ptr<const core::HmacSha256> key = UploadNameKey();
		/* Checked here too, so a name that was never issued costs no HTTP call. */
		const core::IssuedUpload issued = core::CheckIssuedUploadName(*key, user_id, blob);
		if (issued == core::IssuedUpload::kNotIssued && !CurrentUserIsAdmin())
			throw Error(sqlstate::kInsufficientPrivilege,
			            "permission denied to register blob \"" + std::string(blob) + "\"",
			            "The name was not issued to this user by azure_generate_upload_sas().",
			            "Register the blob_name that azure_generate_upload_sas() returned, as the same user.");
		Target t = ResolveTarget(nullptr, nullptr);
		/*
		 * The registration lock before the HEAD request: a queued deletion of
		 * this name that runs now waits for our commit (and then sees the
		 * row), or we wait for its commit (and then see no blob).
		 */
		PgCall([&] { LockBlobForRegistration(t.acct->alias.c_str(), t.container.c_str(), blob_server); });
		/*
		 * Registered already, by this user, for this account and container:
		 * the same call again (a retry after a lost reply, a double click)
		 * returns that row, as registered, without asking Azure again.  After
		 * the lock, so a concurrent registration of the name has committed.
		 */
		HeapTupleHeader existing = PgCall([&] {
			return FindOwnRegistration(blob_server, user_id_server, t.acct->alias.c_str(), t.container.c_str(),
			                           file_url_arg, file_url_null);
		});
		if (existing != nullptr)
			return existing;
		Properties p;
		if (guc_verify_uploads) {
			p = FetchProperties(t, blob);
			if (!p.exists)
				throw Error(sqlstate::kNoDataFound,
				            "blob " + Quoted(blob) + " does not exist in container " + Quoted(t.container), {},
				            "Upload it with the URL from azure_generate_upload_sas() first.");
			/*
			 * A v2 name binds the content type its upload URL was issued for
			 * (src/core/upload.hpp), but Azure stores whatever Content-Type the
			 * uploader sent: a URL for image/png can store text/html.  Such a
			 * blob is not registered, and is deleted now: the ERROR below rolls
			 * back anything queued in this transaction.  v1 names (issued by
			 * 1.0) bind no type and register as before.  A stored list of
			 * types ("image/png;,text/html": browsers use the last) matches
			 * on its first media type, and is refused the same way.
			 */
			if (issued == core::IssuedUpload::kIssuedV2 &&
			    (!core::UploadTypeMatches(*key, user_id, blob, p.content_type) ||
			     p.content_type.find(',') != std::string::npos))
				RejectMistypedUpload(t, blob, p.content_type);
			/* A type the table would refuse (the uploader chose it) is not recorded. */
			try {
				core::ValidateContentType(p.content_type);
			} catch (const Error &) {
				p.content_type.clear();
			}
		}
		Oid schema = ExtensionSchema();
		struct Values {
			Datum content_type, etag;
			char *content_type_server, *etag_server;
		};
		Values v = PgCall([&] {
			Values r {(Datum) 0, (Datum) 0, nullptr, nullptr};
			if (!p.content_type.empty()) {
				r.content_type = Utf8Datum(p.content_type);
				r.content_type_server = TextDatumGetCString(r.content_type);
			}
			if (!p.etag.empty()) {
				r.etag = Utf8Datum(p.etag);
				r.etag_server = TextDatumGetCString(r.etag);
			}
			return r;
		});
		/* The trigger accepts these values from us, for this blob and this INSERT only. */
		const bool has_size = p.exists && p.size >= 0;
		SetVerifiedProperties(blob_server, has_size, p.size, v.content_type_server, v.etag_server);
		struct ClearOnExit {
			~ClearOnExit() {
				ClearVerifiedProperties();
			}
		} clear_on_exit;
		return PgCall([&] {
			Datum args[5] = {PointerGetDatum(blob_arg), file_url_arg, v.content_type, Int64GetDatum(p.size), v.etag};
			bool arg_nulls[5] = {false, file_url_null, v.content_type_server == nullptr, !has_size,
			                     v.etag_server == nullptr};
			return InsertRegistration(blob_server, schema, args, arg_nulls);
		});
	});
	PG_RETURN_HEAPTUPLEHEADER(row);
}

} /* extern "C" */
