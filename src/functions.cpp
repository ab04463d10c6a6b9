/*-------------------------------------------------------------------------
 * functions.cpp
 *	  Every SQL-callable entry point of azure_blob.
 *
 * Each entry point has two halves.  The Postgres half reads arguments,
 * checks NULLs and empties, and may ereport freely because no C++ object
 * exists yet.  The C++ half runs inside Guard() and reaches Postgres only
 * through PgCall() (CONTRIBUTING.md §6).
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
}

#include <string>

#include "accounts.hpp"
#include "extension_objects.hpp"
#include "core/connection_string.hpp"
#include "core/encoding.hpp"
#include "core/names.hpp"
#include "core/sas.hpp"
#include "core/time_format.hpp"
#include "core/upload.hpp"
#include "functions.hpp"
#include "guc.hpp"
#include "http.hpp"
#include "pg_boundary.hpp"
#include "rights.hpp"
#include "visibility.hpp"

namespace azure_blob {

/*
 * Postgres half: argument helpers.
 */

const char *
TextToUtf8(text *t) {
	char *s = text_to_cstring(t);
	/* Signing and URLs work on UTF-8; returns s itself when the database already is UTF-8. */
	return pg_server_to_any(s, static_cast<int>(strlen(s)), PG_UTF8);
}

/*
 * The one reader of azure_blob.user_id.  A value counts only in the
 * transaction that set it (guc.cpp, GetUserIdState), so that behind a
 * transaction pooler one client's plain SET never names the user of the
 * next client on the same server connection.  Without a value that counts,
 * administrators act as themselves; anyone else fails while
 * azure_blob.require_user_id is on, and acts as current_user when it is off.
 * A stale value is never used.
 */
const char *
CurrentUserId() {
	const UserIdState state = GetUserIdState();
	if (state == UserIdState::kSet)
		return guc_user_id;
	/* A parallel worker cannot check roles like CurrentUserIsAdmin(): it refuses everyone. */
	if (guc_require_user_id &&
	    (state == UserIdState::kParallelWorker || !Guard([] { return CurrentUserIsAdmin(); }))) {
		const char *detail = nullptr;
		switch (state) {
		case UserIdState::kStale:
			detail = "A value was set for the session in an earlier transaction, not in this one; it is ignored "
			         "while azure_blob.session_user_id is off.";
			break;
		case UserIdState::kParallelWorker:
			detail = "A parallel worker cannot tell whether the value was set in this transaction; functions "
			         "that read it must be PARALLEL RESTRICTED.";
			break;
		default:
			detail = "Roles that are not azure_blob administrators must name the application user while "
			         "azure_blob.require_user_id is on.";
			break;
		}
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("azure_blob.user_id is not set"),
		                errdetail("%s", detail),
		                errhint("Set it in the transaction with SET LOCAL azure_blob.user_id or "
		                        "set_config('azure_blob.user_id', ..., true).")));
	}
	return GetUserNameFromId(GetUserId(), false);
}

const char *
CurrentUserIdUtf8() {
	const char *uid = CurrentUserId();
	return pg_server_to_any(uid, static_cast<int>(strlen(uid)), PG_UTF8);
}

const char *
RequiredArg(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	return TextToUtf8(PG_GETARG_TEXT_PP(n));
}

const char *
OptionalArg(FunctionCallInfo fcinfo, int n, const char *what, const char *hint) {
	if (PG_ARGISNULL(n))
		return nullptr;
	const char *s = TextToUtf8(PG_GETARG_TEXT_PP(n));
	if (s[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must not be empty", what),
		                errhint("%s", hint)));
	return s;
}

/* Whole seconds since the Unix epoch of t (floor), checked against what a SAS can carry. */
static int64
ToUnixSeconds(TimestampTz t, const char *what) {
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("%s must be finite", what)));
	int64 usec = t + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
	int64 secs = usec / USECS_PER_SEC;
	if (usec % USECS_PER_SEC < 0)
		secs--;
	if (secs < core::kMinUnixSeconds || secs > core::kMaxUnixSeconds)
		ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("%s is out of range for a SAS token", what),
		                errdetail("Azure accepts years 0001 to 9999 only.")));
	return secs;
}

TimestampTz
FromUnixSeconds(int64 secs) {
	return (secs - (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY) * USECS_PER_SEC;
}

Datum
Utf8Datum(std::string_view s) {
	const int len = static_cast<int>(s.size());
	/* Checks the bytes; returns s itself (not NUL-terminated) when nothing needs converting. */
	const char *server = pg_any_to_server(s.data(), len, PG_UTF8);
	return PointerGetDatum(server == s.data() ? cstring_to_text_with_len(server, len) : cstring_to_text(server));
}

/*
 * Expiry of a URL handed out by the generate_* functions: now + expires_in,
 * truncated to whole seconds, and a lifetime in (0, max_sas_lifetime].
 */
static int64
ExpiryFromInterval(FunctionCallInfo fcinfo, int n) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("URL lifetime must not be null")));
	Interval *lifetime = PG_GETARG_INTERVAL_P(n);
	/*
	 * Lifetimes of thousands of years are refused here, by sign, before the
	 * timestamp arithmetic below overflows into 22008 "timestamp out of
	 * range" (max_sas_lifetime is at most 68 years; months count as 30 days).
	 */
	const double approx_days = lifetime->month * 30.0 + lifetime->day + static_cast<double>(lifetime->time) / USECS_PER_DAY;
	if (approx_days < -1000.0 * 366)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("URL lifetime must be positive")));
	if (approx_days > 1000.0 * 366)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("URL lifetime exceeds the maximum of %d seconds", guc_max_sas_lifetime),
		                errhint("Ask an administrator to raise azure_blob.max_sas_lifetime.")));
	TimestampTz now = GetCurrentTimestamp();
	TimestampTz expiry = DatumGetTimestampTz(
	    DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(now), IntervalPGetDatum(lifetime)));
	/* Compared in microseconds: the token carries whole seconds, so under one second is no lifetime. */
	int64 lifetime_us = expiry - now;
	if (lifetime_us <= 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("URL lifetime must be positive")));
	if (lifetime_us < USECS_PER_SEC)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("URL lifetime must be at least 1 second")));
	if (lifetime_us / USECS_PER_SEC > guc_max_sas_lifetime ||
	    (lifetime_us / USECS_PER_SEC == guc_max_sas_lifetime && lifetime_us % USECS_PER_SEC != 0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("URL lifetime exceeds the maximum of %d seconds", guc_max_sas_lifetime),
		                errhint("Ask an administrator to raise azure_blob.max_sas_lifetime.")));
	return ToUnixSeconds(expiry, "URL expiry time");
}

/*
 * C++ half: signing.
 */

/*
 * Arguments of the signers, read on the Postgres side.  Views point into the
 * argument datums (or their UTF-8 conversions), which outlive the call; an
 * empty view means "not given" (empty strings were refused already).
 */
struct SasArgs {
	core::SasResource resource = core::SasResource::kBlob;
	std::string_view blob, permissions;
	bool has_expiry = false;
	int64 expiry = 0;
	bool has_start = false;
	int64 start = 0;
	std::string_view container, account, protocol, ip_range, content_type, content_disposition, cache_control,
	    content_encoding, content_language, identifier, encryption_scope;
};

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

static std::string_view
ContainerOf(const Account &acct, std::string_view container,
            const char *hint = "Pass a container, or add the account again with a default container.") {
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

/*
 * A time as the SAS writes it, remembering the last one: a loop of
 * signatures usually passes the same start and expiry every time.
 */
class TimeText {
public:
	std::string_view Of(int64 secs) {
		if (!valid_ || secs != secs_) {
			core::WriteIso8601(text_, secs);
			secs_ = secs;
			valid_ = true;
		}
		return std::string_view(text_, sizeof(text_));
	}

private:
	bool valid_ = false;
	int64 secs_ = 0;
	char text_[20];
};

/*
 * The signed URL of a as a text datum, written straight into it: the only
 * allocation.  This is the hot path of every signer: no locale, no printf;
 * fields validated where they came from (the sas_version check hook, the
 * account cache, the time formatter) are not checked again.  C++ side (call
 * inside Guard).
 */
static text *
SignedUrlText(const SasArgs &a) {
	/* Allocated once, never freed (no exit-time destructors). */
	static core::SasScratch *const scratch = new core::SasScratch();
	static TimeText start_text, expiry_text;
	const AccountRef acct_ref = GetAccount(ResolveAccountAlias(a.account));
	const Account &acct = *acct_ref;
	core::ServiceSasView v;
	/* The GUC's check hook admits only YYYY-MM-DD: 10 bytes, no strlen per call. */
	v.version = std::string_view(guc_sas_version, 10);
	v.resource = a.resource;
	v.account_name = acct.account_name;
	v.container = ContainerOf(acct, a.container);
	v.blob = a.blob;
	v.permissions = a.permissions;
	if (a.has_start)
		v.start = start_text.Of(a.start);
	if (a.has_expiry)
		v.expiry = expiry_text.Of(a.expiry);
	v.ip_range = a.ip_range;
	/* Service default is "https,http"; we say it outright, and never allow plain http to a https endpoint. */
	v.protocol = !a.protocol.empty() ? a.protocol : (acct.https ? "https" : "https,http");
	v.identifier = a.identifier;
	v.encryption_scope = a.encryption_scope;
	v.cache_control = a.cache_control;
	v.content_disposition = a.content_disposition;
	v.content_encoding = a.content_encoding;
	v.content_language = a.content_language;
	v.content_type = a.content_type;
	v.prechecked = core::kCheckedVersion | core::kCheckedTimes;
	if (acct.names_valid)
		v.prechecked |= core::kCheckedAccount | (a.container.empty() ? core::kCheckedContainer : 0u);

	/*
	 * No CheckEndpointAllowed here: signing makes no network request, and
	 * the server never fetches the URL it returns; the client that follows
	 * it does, from wherever it runs.  Requests the server itself sends go
	 * through Execute, which checks the host every time.
	 */
	const size_t bound = core::ServiceSasUrlBound(acct.blob_endpoint, v);
	text *t = PgCall([&] { return static_cast<text *>(palloc(VARHDRSZ + bound)); });
	const char *const end = core::WriteServiceSasUrl(VARDATA(t), acct.blob_endpoint, *scratch, v, acct.signer);
	SET_VARSIZE(t, VARHDRSZ + (end - VARDATA(t)));
	return t;
}

/*
 * Text argument n, detoasted only if it is compressed or out of line
 * (PG_GETARG_TEXT_PP, with the common case tested inline: the signers read
 * up to 15 arguments per call).
 */
static inline text *
ArgTextPP(FunctionCallInfo fcinfo, int n) {
	struct varlena *v = reinterpret_cast<struct varlena *>(PG_GETARG_POINTER(n));
	if (VARATT_IS_COMPRESSED(v) || VARATT_IS_EXTERNAL(v))
		v = pg_detoast_datum_packed(v);
	return reinterpret_cast<text *>(v);
}

/* A text value as a UTF-8 view: no copy when the database is UTF-8. Postgres side. */
static std::string_view
Utf8View(text *t) {
	if (GetDatabaseEncoding() == PG_UTF8)
		return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	return TextToUtf8(t);
}

/* An optional text argument as a UTF-8 view: empty if NULL; an empty string is 22023. */
static std::string_view
OptionalView(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		return {};
	text *t = ArgTextPP(fcinfo, n);
	if (VARSIZE_ANY_EXHDR(t) == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must not be empty", what),
		                errhint("Pass NULL to leave it out.")));
	return Utf8View(t);
}

static std::string_view
RequiredView(FunctionCallInfo fcinfo, int n, const char *what) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", what)));
	return Utf8View(ArgTextPP(fcinfo, n));
}

/* Reads the options shared by both raw signers, starting at argument first_option (protocol). */
static void
ReadSasOptions(FunctionCallInfo fcinfo, int first_option, SasArgs &a) {
	int i = first_option;
	a.protocol = OptionalView(fcinfo, i++, "protocol");
	a.ip_range = OptionalView(fcinfo, i++, "IP range");
	a.content_type = OptionalView(fcinfo, i++, "content type");
	a.content_disposition = OptionalView(fcinfo, i++, "content disposition");
	a.cache_control = OptionalView(fcinfo, i++, "cache control");
	a.content_encoding = OptionalView(fcinfo, i++, "content encoding");
	a.content_language = OptionalView(fcinfo, i++, "content language");
	a.identifier = OptionalView(fcinfo, i++, "stored access policy identifier");
	a.encryption_scope = OptionalView(fcinfo, i++, "encryption scope");
}

static void
ReadSasTimes(FunctionCallInfo fcinfo, int expiry_arg, SasArgs &a) {
	if (!PG_ARGISNULL(expiry_arg)) {
		a.has_expiry = true;
		a.expiry = ToUnixSeconds(PG_GETARG_TIMESTAMPTZ(expiry_arg), "SAS expiry time");
	}
	if (!PG_ARGISNULL(expiry_arg + 1)) {
		a.has_start = true;
		a.start = ToUnixSeconds(PG_GETARG_TIMESTAMPTZ(expiry_arg + 1), "SAS start time");
	}
}

/* Signs and returns the URL as text. */
static Datum
ReturnUrl(const SasArgs &a) {
	text *result = Guard([&] { return SignedUrlText(a); });
	PG_RETURN_TEXT_P(result);
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

/* SPI plan of the visibility lookup behind azure_generate_read_sas, kept per backend. */
static SPIPlanPtr read_lookup_plan = nullptr;
static Oid read_lookup_schema = InvalidOid; /* the plan names the extension's schema */

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_blob_sas_url);
/* azure_blob_sas_url(blob_name, permissions, expires_at, starts_at, container, account, options...): signed blob URL. */
Datum
azure_blob_sas_url(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	SasArgs a;
	a.resource = core::SasResource::kBlob;
	a.blob = RequiredView(fcinfo, 0, "blob name");
	a.permissions = OptionalView(fcinfo, 1, "permissions");
	ReadSasTimes(fcinfo, 2, a);
	a.container = OptionalView(fcinfo, 4, "container");
	a.account = OptionalView(fcinfo, 5, "account");
	ReadSasOptions(fcinfo, 6, a);
	return ReturnUrl(a);
}

PG_FUNCTION_INFO_V1(azure_container_sas_url);
/* azure_container_sas_url(permissions, expires_at, starts_at, container, account, options...): signed container URL. */
Datum
azure_container_sas_url(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	SasArgs a;
	a.resource = core::SasResource::kContainer;
	a.permissions = OptionalView(fcinfo, 0, "permissions");
	ReadSasTimes(fcinfo, 1, a);
	a.container = OptionalView(fcinfo, 3, "container");
	a.account = OptionalView(fcinfo, 4, "account");
	ReadSasOptions(fcinfo, 5, a);
	return ReturnUrl(a);
}

PG_FUNCTION_INFO_V1(azure_generate_upload_sas);
/* azure_generate_upload_sas(file_name, content_type, expires_in): create-only URL for a new blob "<uuid>-<file_name>". */
Datum
azure_generate_upload_sas(PG_FUNCTION_ARGS) {
	RequireRight(Right::kUser);
	const char *file_name = RequiredArg(fcinfo, 0, "file name");
	std::string_view content_type = RequiredView(fcinfo, 1, "content type");
	int64 expiry = ExpiryFromInterval(fcinfo, 2);
	const char *user_id = CurrentUserIdUtf8();
	/* The result row's descriptor: the executor's expected one when it has it, sparing a catalog lookup. */
	ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	InitMaterializedSRF(fcinfo, rsinfo != nullptr && rsinfo->expectedDesc != nullptr ? MAT_SRF_USE_EXPECTED_DESC : 0);

	Guard([&] {
		static core::NonceSource *nonces = nullptr;
		if (nonces == nullptr) {
			uint64_t seed = 0;
			const bool ok = PgCall([&] { return pg_strong_random(&seed, sizeof(seed)); });
			if (!ok)
				throw Error(sqlstate::kInternalError, "could not generate random bytes for blob names");
			nonces = new core::NonceSource(seed);
		}
		unsigned char random_bytes[8];
		nonces->Next(random_bytes);
		/*
		 * The name itself proves whom it was issued to, and for which content
		 * type (layout v2, src/core/upload.hpp): nothing is written.  It checks
		 * file name and content type.
		 */
		const std::string blob =
		    core::MakeIssuedUploadName(*UploadNameKey(), user_id, random_bytes, file_name, content_type);
		SasArgs a;
		a.resource = core::SasResource::kBlob;
		a.blob = blob;
		/* "c" alone: the URL can create the blob but not overwrite one that exists (spec §8.2). */
		a.permissions = "c";
		a.has_expiry = true;
		a.expiry = expiry;
		a.content_type = content_type;
		text *sas_url = SignedUrlText(a);
		/* The file URL is the signed URL without its query. */
		const std::string_view url(VARDATA(sas_url), VARSIZE(sas_url) - VARHDRSZ);
		const size_t file_url_len = url.find('?');
		PgCall([&] {
			Datum values[4];
			bool nulls[4] = {false, false, false, false};
			values[0] = PointerGetDatum(sas_url);
			values[1] = Utf8Datum(blob);
			values[2] = PointerGetDatum(cstring_to_text_with_len(url.data(), static_cast<int>(file_url_len)));
			values[3] = TimestampTzGetDatum(FromUnixSeconds(expiry));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		});
	});
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(azure_generate_read_sas);
/* azure_generate_read_sas(blob_name, expires_in): read-only URL for a row of azure_files the caller can see. */
Datum
azure_generate_read_sas(PG_FUNCTION_ARGS) {
	RequireRight(Right::kUser);
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("blob name must not be null")));
	text *blob_arg = PG_GETARG_TEXT_PP(0);
	const std::string_view blob = Utf8View(blob_arg);
	int64 expiry = ExpiryFromInterval(fcinfo, 1);

	text *url = Guard([&] {
		Oid schema = ExtensionSchema();
		/*
		 * Look the row up as the caller, through row-level security: a row
		 * the caller cannot see is the same as no row, so the error below
		 * tells nothing about other users' files.
		 */
		struct Found {
			char *account;
			char *container;
			char *content_type; /* NULL if the row has none */
		};
		Found found = PgCall([&] {
			Found f {nullptr, nullptr, nullptr};
			if (FindVisibleFile(blob_arg, &f.account, &f.container, &f.content_type) != Visibility::kUseSql)
				return f;
			/*
			 * Policies other than the extension's own: let SQL and RLS decide,
			 * through azure_blob.file_lookup(), called by OID (a plan that
			 * names the table would be re-resolved by name after the schema's
			 * owner renamed things).
			 */
			Datum args[1] = {PointerGetDatum(blob_arg)};
			bool arg_nulls[1] = {false};
			Datum row;
			bool row_null;
			if (CallExtensionFunction("file_lookup", 1, args, arg_nulls, &row, &row_null)) {
				if (row_null)
					return f;
				Datum *elems;
				bool *elem_nulls;
				int n;
				deconstruct_array(DatumGetArrayTypeP(row), TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
				if (n == 3) {
					f.account = elem_nulls[0] ? nullptr : TextDatumGetCString(elems[0]);
					f.container = elem_nulls[1] ? nullptr : TextDatumGetCString(elems[1]);
					f.content_type = elem_nulls[2] ? nullptr : TextDatumGetCString(elems[2]);
				}
				return f;
			}
			/* The database still has 1.0's SQL objects (until ALTER EXTENSION UPDATE): 1.0's lookup. */
			if (SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "SPI_connect failed");
			if (read_lookup_plan == nullptr || read_lookup_schema != schema) {
				if (read_lookup_plan != nullptr)
					SPI_freeplan(read_lookup_plan);
				read_lookup_plan = nullptr;
				char *sql = psprintf("SELECT account, container, content_type FROM %s.azure_files WHERE blob_name "
				                     "OPERATOR(pg_catalog.=) $1",
				                     quote_identifier(get_namespace_name(schema)));
				Oid types[1] = {TEXTOID};
				SPIPlanPtr plan = SPI_prepare(sql, 1, types);
				if (plan == nullptr)
					elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
				SPI_keepplan(plan);
				read_lookup_plan = plan;
				read_lookup_schema = schema;
			}
			Datum values[1] = {PointerGetDatum(blob_arg)};
			int rc = SPI_execute_plan(read_lookup_plan, values, nullptr, true, 1);
			if (rc != SPI_OK_SELECT)
				elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
			if (SPI_processed == 1) {
				/* SPI_palloc allocates outside SPI's own context, which SPI_finish frees. */
				char *acct = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
				char *cont = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
				if (acct != nullptr)
					f.account = strcpy(static_cast<char *>(SPI_palloc(strlen(acct) + 1)), acct);
				if (cont != nullptr)
					f.container = strcpy(static_cast<char *>(SPI_palloc(strlen(cont) + 1)), cont);
				char *type = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
				if (type != nullptr)
					f.content_type = strcpy(static_cast<char *>(SPI_palloc(strlen(type) + 1)), type);
			}
			SPI_finish();
			return f;
		});
		if (found.account == nullptr || found.container == nullptr)
			throw Error(sqlstate::kInsufficientPrivilege, "permission denied for file \"" + ShownText(blob, 4096) + "\"",
			            "No row of azure_files with this blob name is visible to the current user.");
		SasArgs a;
		a.resource = core::SasResource::kBlob;
		a.blob = blob;
		a.permissions = "r";
		a.has_expiry = true;
		a.expiry = expiry;
		a.account = found.account;
		a.container = found.container;
		/*
		 * The blob is served from the storage account's origin: a type a
		 * browser would render as a document or run (HTML, SVG, XML, script),
		 * or no type at all (the browser would sniff), is served as a
		 * download instead.  Any other type is served as the row says
		 * (rsct), whatever Content-Type the blob was uploaded with: a row may
		 * have been written by INSERT, or updated, without looking at the
		 * blob.  Admins who want an active type inline sign with
		 * azure_blob_sas_url() and their own content_disposition.
		 */
		if (found.content_type == nullptr || core::IsActiveContentType(found.content_type))
			a.content_disposition = "attachment";
		else
			a.content_type = found.content_type;
		return SignedUrlText(a);
	});
	PG_RETURN_TEXT_P(url);
}

PG_FUNCTION_INFO_V1(azure_current_user_id);
/* azure_current_user_id(): the application user of this transaction (CurrentUserId). */
Datum
azure_current_user_id(PG_FUNCTION_ARGS) {
	RequireRight(Right::kUser);
	PG_RETURN_TEXT_P(cstring_to_text(CurrentUserId()));
}

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
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
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

PG_FUNCTION_INFO_V1(azure_files_check);
/* Row trigger on azure_files: validates and completes rows (trigger.cpp). */
Datum
azure_files_check(PG_FUNCTION_ARGS) {
	return AzureFilesCheck(fcinfo);
}

} /* extern "C" */
