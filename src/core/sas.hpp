/*-------------------------------------------------------------------------
 * sas.hpp
 *	  Shared access signatures: service SAS (blob, container, snapshot,
 *	  version), account SAS and user delegation SAS (azure-sas-spec.md §2-4).
 *
 * Times are already-formatted "YYYY-MM-DDThh:mm:ssZ" strings (empty means
 * absent): the signature covers exactly the text in the token (spec §1.2).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hmac.hpp"

namespace azure_blob::core {

/* Oldest service version whose layout we build, and the default of azure_blob.sas_version. */
inline constexpr const char *kMinSasVersion = "2015-04-05";
inline constexpr const char *kDefaultSasVersion = "2025-07-05";

enum class SasResource { kBlob, kContainer, kBlobSnapshot, kBlobVersion };

struct ServiceSasParams {
	std::string version; /* sv */
	SasResource resource = SasResource::kBlob;
	std::string account_name;
	std::string container;
	std::string blob;        /* raw, decoded name; empty for a container */
	std::string permissions; /* as the caller wrote them; normalised by BuildServiceSas */
	std::string start;       /* st */
	std::string expiry;      /* se */
	std::string ip_range;    /* sip */
	std::string protocol;    /* spr */
	std::string identifier;  /* si */
	std::string encryption_scope; /* ses */
	std::string snapshot;    /* snapshot time (bs) or version id (bv): signed, not in the token */
	std::string cache_control, content_disposition, content_encoding, content_language, content_type;
};

/*
 * Fields of a ServiceSasView the caller has validated already, where they
 * came from (a GUC check hook, the account cache, its own time formatter);
 * the signer skips their checks.  Every other field is checked on every call.
 */
enum SasPrechecked : unsigned {
	kCheckedVersion = 1u,   /* version passes ValidateSasVersion */
	kCheckedAccount = 2u,   /* account_name passes ValidateAccountName */
	kCheckedContainer = 4u, /* container passes ValidateContainerName */
	kCheckedTimes = 8u,     /* start and expiry (where given) have the form YYYY-MM-DDThh:mm:ssZ */
};

/*
 * The same fields as views, for the hot path: the caller owns the bytes.
 * Built from ServiceSasParams by View(), or directly by the SQL glue.
 */
struct ServiceSasView {
	std::string_view version;
	SasResource resource = SasResource::kBlob;
	std::string_view account_name, container, blob, permissions, start, expiry, ip_range, protocol, identifier,
	    encryption_scope, snapshot;
	std::string_view cache_control, content_disposition, content_encoding, content_language, content_type;
	unsigned prechecked = 0; /* SasPrechecked bits */
};
ServiceSasView View(const ServiceSasParams &p);

struct SasResult {
	std::string string_to_sign;
	std::string signature; /* Base64 */
	std::string token;     /* query string without "?" */
};

/* Checks a service version string: "YYYY-MM-DD", not older than kMinSasVersion. Throws Error(22023). */
void ValidateSasVersion(std::string_view version);

/*
 * Permission letters as a set, emitted in the JS SDK's order for the resource
 * (spec §2.5).  Unknown, repeated or version-gated letters throw Error(22023).
 */
std::string NormalizeServicePermissions(SasResource resource, std::string_view letters, std::string_view version);

/* Validates every field (spec §2), then signs. Throws Error(22023 / 22004). */
SasResult BuildServiceSas(const ServiceSasParams &p, const HmacSha256 &key);

/*
 * BuildServiceSas's token, appended to out (no leading "?"), with the
 * string-to-sign left in scratch; WriteServiceSasToken below is the same
 * without the std::string growth.
 */
void AppendServiceSasToken(std::string &out, std::string &scratch, const ServiceSasView &v, const HmacSha256 &key);

/*
 * The last value of a response-header override that passed every check, and
 * its token text: a run of signatures with the same options (the common case:
 * one application, one set of headers) checks and encodes each value once,
 * and compares it (one memcmp) afterwards.
 */
struct FieldMemo {
	std::string value;
	std::string encoded;
	bool hit = false; /* the last checks found value here (set by the checks, read by the token writer) */
};

/* The last permission letters, the version they were checked for, and their normalised form. */
struct PermissionMemo {
	bool container = false;
	std::string letters, version, normalised;
};

/* What WriteServiceSasToken keeps between calls; owned by the caller. */
struct SasScratch {
	std::string string_to_sign; /* the last one signed */
	FieldMemo cache_control, content_disposition, content_encoding, content_language, content_type;
	PermissionMemo permissions;
};

/*
 * The same token, written at out, which has room for ServiceSasTokenBound(v)
 * bytes (scratch bytes may be stored past the returned end, within the bound);
 * returns its end.  Every check runs before the first byte is written, and
 * the bound holds for views that pass them (a field over its length limit
 * counts only up to the limit).
 */
size_t ServiceSasTokenBound(const ServiceSasView &v);
char *WriteServiceSasToken(char *out, SasScratch &scratch, const ServiceSasView &v, const HmacSha256 &key);

/*
 * The signed URL: endpoint "/" container ["/" encoded blob path] "?" token,
 * at out with room for ServiceSasUrlBound bytes; the same contract (every
 * check first, the bound holds for views that pass them).
 */
size_t ServiceSasUrlBound(std::string_view endpoint, const ServiceSasView &v);
char *WriteServiceSasUrl(char *out, std::string_view endpoint, SasScratch &scratch, const ServiceSasView &v,
                         const HmacSha256 &key);

/* Checks "a.b.c.d" or "a.b.c.d-e.f.g.h" (start <= end). Throws Error(22023). */
void ValidateIpRange(std::string_view range);

struct AccountSasParams {
	std::string version;
	std::string account_name;
	std::string services;       /* ss: b t q f */
	std::string resource_types; /* srt: s c o */
	std::string permissions;
	std::string start, expiry, ip_range, protocol, encryption_scope;
};
SasResult BuildAccountSas(const AccountSasParams &p, const HmacSha256 &key);

struct UserDelegationKey {
	std::string object_id, tenant_id, start, expiry, service, version;
	std::string delegated_user_tenant_id; /* skdutid, may be empty */
	std::string value;                    /* Base64 key */
};
struct UserDelegationSasParams {
	ServiceSasParams base; /* account_name, container, blob, permissions, times, ip, protocol, overrides */
	std::string preauthorized_agent_object_id; /* saoid */
	std::string correlation_id;                /* scid */
	std::string delegated_user_object_id;      /* sduoid */
	std::vector<std::pair<std::string, std::string>> request_headers; /* srh, sorted by name */
	std::vector<std::pair<std::string, std::string>> request_query;   /* srq, sorted by name */
};
SasResult BuildUserDelegationSas(const UserDelegationSasParams &p, const UserDelegationKey &udk);

} // namespace azure_blob::core
