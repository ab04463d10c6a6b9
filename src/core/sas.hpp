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
	std::string blob;             /* raw, decoded name; empty for a container */
	std::string permissions;      /* as the caller wrote them; normalised by BuildServiceSas */
	std::string start;            /* st */
	std::string expiry;           /* se */
	std::string ip_range;         /* sip */
	std::string protocol;         /* spr */
	std::string identifier;       /* si */
	std::string encryption_scope; /* ses */
	std::string snapshot;         /* snapshot time (bs) or version id (bv): signed, not in the token */
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

struct ServiceSasOptions;

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
	/*
	 * If set: PrepareServiceSasOptions' result for exactly this view's
	 * permissions, resource kind, version and five overrides (the caller
	 * keeps it between calls); their checks and encoding are skipped.
	 */
	const ServiceSasOptions *options = nullptr;
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
 * The fields of a SAS in the order they are signed and sent: what the one
 * token writer below needs, whatever the kind.  Each kind (service, account,
 * user delegation) is a function that checks its inputs and fills a
 * SasFields; a new kind is another such function, not another writer.
 * Views point into the caller's inputs and into own_ (so a SasFields is
 * filled in place, never copied).
 */
enum class TokenText : unsigned char {
	kEncode, /* encodeURIComponent(value) */
	kAsIs,   /* value is token text already: unreserved letters, or encoded before */
	kTime,   /* a checked YYYY-MM-DDThh:mm:ssZ: its two ":" become "%3A" */
};
class SasFields {
public:
	SasFields() = default;
	SasFields(const SasFields &) = delete;
	SasFields &operator=(const SasFields &) = delete;

	/* A part of the string-to-sign; SignLine adds "\n" after it, EndLine a "\n" alone. */
	void
	Sign(std::string_view text) {
		Add(text, false);
	}
	void
	SignLine(std::string_view text) {
		Add(text, true);
	}
	void
	EndLine() {
		Add(std::string_view(), true);
	}
	/* "name=value" in the token, unless value is empty. */
	void
	Param(std::string_view name, std::string_view value, TokenText how = TokenText::kEncode) {
		if (value.empty())
			return;
		if (n_pairs_ == kMaxPairs) {
			overflow_ = true;
			return;
		}
		pairs_[n_pairs_++] = Pair {name.data(), name.size(), value.data(), value.size(), how};
	}
	/* Keeps text alive as long as these fields (for derived values such as normalised letters). */
	std::string_view Own(std::string text);

	/* Bytes WriteSasToken may use at out (scratch stores of the encoders included). */
	size_t TokenBound() const;

private:
	friend char *WriteSasToken(char *, std::string &, const SasFields &, const HmacSha256 &);
	/*
	 * Plain arrays, not initialised: filled in order, read up to n_.  Each
	 * kind adds a number of parts fixed by its code (the user delegation
	 * SAS most: 38 parts, 25 pairs), so the limits are never reached; if a
	 * future kind did, WriteSasToken refuses to sign.
	 */
	struct Part {
		const char *text;
		size_t size;
		bool line_end; /* "\n" after text */
	};
	struct Pair {
		const char *name;
		size_t name_size;
		const char *value;
		size_t value_size;
		TokenText how;
	};
	void
	Add(std::string_view text, bool line_end) {
		if (n_parts_ == kMaxParts) {
			overflow_ = true;
			return;
		}
		parts_[n_parts_++] = Part {text.data(), text.size(), line_end};
	}
	static constexpr size_t kMaxParts = 64, kMaxPairs = 32, kMaxOwn = 6;
	Part parts_[kMaxParts];
	Pair pairs_[kMaxPairs];
	size_t n_parts_ = 0, n_pairs_ = 0;
	bool overflow_ = false;
	std::string own_[kMaxOwn];
	size_t n_own_ = 0;
};

/*
 * The one token writer: the string-to-sign (left in string_to_sign, reused
 * between calls) and the token "name=value&...&sig=..." at out, which has
 * room for fields.TokenBound() bytes; returns the token's end.
 */
char *WriteSasToken(char *out, std::string &string_to_sign, const SasFields &fields, const HmacSha256 &key);

/*
 * The option fields of a service SAS checked and in token text: normalised
 * permission letters and the five encoded response-header overrides.  A
 * caller that signs many URLs with the same options may keep the last one
 * and pass it in ServiceSasView::options (src/signing_functions.cpp does).
 */
struct ServiceSasOptions {
	std::string permissions;
	std::string cache_control, content_disposition, content_encoding, content_language, content_type;
};
ServiceSasOptions PrepareServiceSasOptions(const ServiceSasView &v);

/* Checks a service SAS (spec §2) and fills out with its fields. Throws Error(22023 / 22004). */
void ServiceSasFields(const ServiceSasView &v, SasFields &out);

/*
 * The signed URL of a checked service SAS: endpoint "/" container ["/"
 * encoded blob path] "?" token, at out with room for ServiceSasUrlBound bytes.
 */
size_t ServiceSasUrlBound(std::string_view endpoint, const ServiceSasView &v, const SasFields &fields);
char *WriteServiceSasUrl(char *out, std::string_view endpoint, const ServiceSasView &v, const SasFields &fields,
                         std::string &string_to_sign, const HmacSha256 &key);

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
	std::string preauthorized_agent_object_id;                        /* saoid */
	std::string correlation_id;                                       /* scid */
	std::string delegated_user_object_id;                             /* sduoid */
	std::vector<std::pair<std::string, std::string>> request_headers; /* srh, sorted by name */
	std::vector<std::pair<std::string, std::string>> request_query;   /* srq, sorted by name */
};
SasResult BuildUserDelegationSas(const UserDelegationSasParams &p, const UserDelegationKey &udk);

} // namespace azure_blob::core
