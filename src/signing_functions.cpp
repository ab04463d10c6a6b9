/*-------------------------------------------------------------------------
 * signing_functions.cpp
 *	  The SQL entry points that sign SAS URLs: azure_blob_sas_url,
 *	  azure_container_sas_url (raw signers, admins), and
 *	  azure_generate_upload_sas, azure_generate_read_sas (the app's two
 *	  calls).  No network: a signature is a local HMAC.
 *
 * Each entry point has two halves.  The Postgres half reads arguments,
 * checks NULLs and empties, and may ereport freely because no C++ object
 * exists yet.  The C++ half runs inside Guard() and reaches Postgres only
 * through PgCall() (CONTRIBUTING.md §6).
 *-------------------------------------------------------------------------
 */
extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
}

#include <cstring>
#include <string>

#include "accounts.hpp"
#include "arguments.hpp"
#include "compat.hpp"
#include "core/names.hpp"
#include "core/sas.hpp"
#include "core/time_format.hpp"
#include "core/upload.hpp"
#include "guc.hpp"
#include "identity.hpp"
#include "pg_boundary.hpp"
#include "read_access.hpp"
#include "rights.hpp"

namespace azure_blob {

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
		ereport(ERROR,
		        (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("%s is out of range for a SAS token", what),
		         errdetail("Azure accepts years 0001 to 9999 only.")));
	return secs;
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
	const double approx_days =
	    lifetime->month * 30.0 + lifetime->day + static_cast<double>(lifetime->time) / USECS_PER_DAY;
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

/*
 * What the signers remember between calls: the one cache of the signing
 * path (the core, src/core/sas.hpp, keeps nothing).  Each piece stays
 * because a row of bench/core/core_bench.cpp shows it pays on a bench row;
 * numbers from one run of it, one core (HMAC of 173 bytes = 268 ns):
 *
 * - the last option fields (permissions, the five header overrides) with
 *   their checked, encoded token text: a read URL with row (a)'s options
 *   costs 462 ns through it, 548 ns checking and encoding them each time
 *   (-16 %).  Rows (a), (b) and (c) repeat their options on every URL;
 *   (c) alternates two sets only if content types alternate.
 * - the last start and expiry text: 2 x 40 ns per URL when times repeat,
 *   which they do in every row ((b) and (c): now + lifetime, whole seconds).
 * - the string-to-sign buffer: one allocation per backend, not per URL.
 *
 * Allocated once, never freed (no exit-time destructors).
 */
class TimeText {
public:
	std::string_view
	Of(int64 secs) {
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

class OptionsCache {
public:
	/* v's option fields, checked and encoded: the last ones if v repeats them. */
	const core::ServiceSasOptions &
	Of(const core::ServiceSasView &v) {
		const bool container = v.resource == core::SasResource::kContainer;
		if (!valid_ || container != container_ || !Same(version_, v.version) || !Same(permissions_, v.permissions) ||
		    !Same(fields_[0], v.cache_control) || !Same(fields_[1], v.content_disposition) ||
		    !Same(fields_[2], v.content_encoding) || !Same(fields_[3], v.content_language) ||
		    !Same(fields_[4], v.content_type)) {
			valid_ = false; /* until every part is stored: the checks and allocations may throw */
			options_ = core::PrepareServiceSasOptions(v);
			container_ = container;
			version_.assign(v.version);
			permissions_.assign(v.permissions);
			fields_[0].assign(v.cache_control);
			fields_[1].assign(v.content_disposition);
			fields_[2].assign(v.content_encoding);
			fields_[3].assign(v.content_language);
			fields_[4].assign(v.content_type);
			valid_ = true;
		}
		return options_;
	}

private:
	static bool
	Same(const std::string &a, std::string_view b) {
		return a.size() == b.size() && (b.empty() || memcmp(a.data(), b.data(), b.size()) == 0);
	}
	bool valid_ = false;
	bool container_ = false;
	std::string version_, permissions_, fields_[5];
	core::ServiceSasOptions options_;
};

struct SignerCache {
	OptionsCache options;
	TimeText start, expiry;
	std::string string_to_sign;
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
	static SignerCache *const cache = new SignerCache();
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
		v.start = cache->start.Of(a.start);
	if (a.has_expiry)
		v.expiry = cache->expiry.Of(a.expiry);
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
	v.options = &cache->options.Of(v);
	core::SasFields fields;
	core::ServiceSasFields(v, fields);

	/*
	 * No CheckEndpointAllowed here: signing makes no network request, and
	 * the server never fetches the URL it returns; the client that follows
	 * it does, from wherever it runs.  Requests the server itself sends go
	 * through Execute, which checks the host every time.
	 */
	const size_t bound = core::ServiceSasUrlBound(acct.blob_endpoint, v, fields);
	text *t = PgCall([&] { return static_cast<text *>(palloc(VARHDRSZ + bound)); });
	const char *const end =
	    core::WriteServiceSasUrl(VARDATA(t), acct.blob_endpoint, v, fields, cache->string_to_sign, acct.signer);
	SET_VARSIZE(t, VARHDRSZ + (end - VARDATA(t)));
	return t;
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
		/*
		 * The row as the caller sees it through row-level security: a row the
		 * caller cannot see is the same as no row, so the error below tells
		 * nothing about other users' files.
		 */
		const ReadableFile found = FindReadableFile(blob_arg);
		if (found.account == nullptr || found.container == nullptr)
			throw Error(sqlstate::kInsufficientPrivilege,
			            "permission denied for file \"" + ShownText(blob, 4096) + "\"",
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

} /* extern "C" */
