/*-------------------------------------------------------------------------
 * sas.cpp
 *	  Shared access signatures.
 *
 * String-to-sign layouts follow azure-sas-spec.md §2.2 (service), §3.2
 * (account) and §4.2 (user delegation); token text follows the JS SDK's
 * order and encoding (§2.9), so tokens are byte-identical to
 * @azure/storage-blob for the same inputs.
 *-------------------------------------------------------------------------
 */
#include "core/sas.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

/* A permission letter and the first service version that knows it (JS SDK checks, spec §2.5). */
struct Letter {
	char letter;
	const char *since;
};

constexpr Letter kBlobLetters[] = {{'r', ""},           {'a', ""},           {'c', ""},           {'w', ""},
                                   {'d', ""},           {'x', "2019-10-10"}, {'t', "2019-12-12"}, {'m', "2020-02-10"},
                                   {'e', "2020-02-10"}, {'i', "2020-08-04"}, {'y', "2019-10-10"}};
constexpr Letter kContainerLetters[] = {{'r', ""},           {'a', ""},           {'c', ""},
                                        {'w', ""},           {'d', ""},           {'x', "2019-10-10"},
                                        {'l', ""},           {'t', "2019-12-12"}, {'m', "2020-02-10"},
                                        {'e', "2020-02-10"}, {'i', "2020-08-04"}, {'y', "2019-10-10"},
                                        {'f', "2021-04-10"}};
constexpr Letter kAccountLetters[] = {{'r', ""},           {'w', ""},           {'d', ""}, {'x', "2019-10-10"},
                                      {'f', "2019-12-12"}, {'t', "2019-12-12"}, {'l', ""}, {'a', ""},
                                      {'c', ""},           {'u', ""},           {'p', ""}, {'i', "2020-08-04"},
                                      {'y', "2019-10-10"}};

bool
VersionAtLeast(std::string_view version, std::string_view since) {
	/* "YYYY-MM-DD" strings compare correctly as bytes (spec conventions); "" is every version. */
	return since.empty() || version >= since;
}

std::string
Printable(char c) {
	if (c > 0x20 && c < 0x7F)
		return std::string(1, c);
	return "\\x" + std::string(1, "0123456789abcdef"[(c >> 4) & 0xF]) + std::string(1, "0123456789abcdef"[c & 0xF]);
}

template <size_t N>
std::string
NormalizeLetters(const Letter (&table)[N], std::string_view letters, std::string_view version, const char *what) {
	std::array<bool, N> seen {};
	for (char c : letters) {
		size_t i = 0;
		while (i < N && table[i].letter != c)
			i++;
		if (i == N) {
			std::string allowed;
			for (const Letter &l : table)
				allowed.push_back(l.letter);
			ThrowInvalid(std::string("unrecognized ") + what + " letter \"" + Printable(c) + "\"",
			             "Allowed letters are \"" + allowed + "\".");
		}
		if (seen[i])
			ThrowInvalid(std::string(what) + " letter \"" + std::string(1, c) + "\" appears more than once");
		if (!VersionAtLeast(version, table[i].since))
			ThrowInvalid(std::string(what) + " letter \"" + std::string(1, c) + "\" needs service version " +
			                 table[i].since + " or later",
			             "The SAS version is " + std::string(version) + ".", "Set azure_blob.sas_version.");
		seen[i] = true;
	}
	std::string out;
	for (size_t i = 0; i < N; i++)
		if (seen[i])
			out.push_back(table[i].letter);
	return out;
}

/* Whether every byte of s is printable ASCII (0x20-0x7E): eight bytes at a time. */
bool
PrintableAscii(std::string_view s) {
	constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
	const char *p = s.data();
	size_t n = s.size();
	uint64_t bad = 0;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		/* High bit: >= 0x80; w - 0x20 borrows: < 0x20; (w ^ 0x7F) - 1 borrows: == 0x7F (exact once no byte is >= 0x80). */
		bad |= w | ((w - 0x20 * kOnes) & ~w) | (((w ^ 0x7F * kOnes) - kOnes) & ~(w ^ 0x7F * kOnes));
	}
	for (; n > 0; p++, n--)
		bad |= static_cast<unsigned char>(static_cast<unsigned char>(*p) - 0x20) >= 0x5F ? kHigh : 0;
	return (bad & kHigh) == 0;
}

void
CheckFieldText(std::string_view value, const char *field, size_t max_len) {
	/* Fast path: printable ASCII within the limit is fine. */
	if (value.size() <= max_len && PrintableAscii(value))
		return;
	if (!IsValidUtf8(value))
		ThrowInvalid(std::string(field) + " is not valid UTF-8");
	for (unsigned char c : value)
		if (c < 0x20 || c == 0x7F)
			ThrowInvalid(std::string(field) + " must not contain control characters such as CR or LF");
	if (value.size() > max_len)
		ThrowInvalid(std::string(field) + " is too long", "At most " + std::to_string(max_len) + " bytes are allowed.");
}

void
CheckTime(std::string_view t, const char *field) {
	/* Exactly YYYY-MM-DDThh:mm:ssZ: produced by our own formatter, checked again for direct core callers. */
	static const char kShape[] = "dddd-dd-ddTdd:dd:ddZ";
	bool ok = t.size() == 20;
	for (size_t i = 0; ok && i < 20; i++)
		ok = kShape[i] == 'd' ? (t[i] >= '0' && t[i] <= '9') : t[i] == kShape[i];
	if (!ok)
		ThrowInvalid(std::string(field) + " must have the form YYYY-MM-DDThh:mm:ssZ");
}

void
CheckProtocol(std::string_view protocol) {
	if (!protocol.empty() && protocol != "https" && protocol != "https,http")
		ThrowInvalid("invalid SAS protocol \"" + std::string(protocol.substr(0, 32)) + "\"",
		             "Allowed values are \"https\" and \"https,http\".");
}

void
CheckIdentifierLike(std::string_view value, const char *field, size_t max_len) {
	if (value.size() > max_len)
		ThrowInvalid(std::string(field) + " is too long",
		             "At most " + std::to_string(max_len) + " characters are allowed.");
	for (unsigned char c : value)
		if (c <= 0x20 || c >= 0x7F || c == '%')
			ThrowInvalid(std::string(field) + " may contain only printable ASCII characters other than \"%\"");
}

bool
ParseIpv4(std::string_view s, uint32_t *out) {
	uint32_t value = 0;
	int parts = 0;
	size_t i = 0;
	while (parts < 4) {
		size_t start = i;
		uint32_t octet = 0;
		while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			octet = octet * 10 + static_cast<uint32_t>(s[i++] - '0');
		size_t len = i - start;
		if (len == 0 || octet > 255 || (len > 1 && s[start] == '0'))
			return false;
		value = (value << 8) | octet;
		parts++;
		if (parts < 4) {
			if (i >= s.size() || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != s.size())
		return false;
	*out = value;
	return true;
}

const char *
ResourceCode(SasResource r) {
	switch (r) {
	case SasResource::kBlob:
		return "b";
	case SasResource::kContainer:
		return "c";
	case SasResource::kBlobSnapshot:
		return "bs";
	case SasResource::kBlobVersion:
		return "bv";
	}
	return "b";
}

/* Checks shared by service and user delegation SAS, but for the option fields (PrepareServiceSasOptions). */
void
ValidateServiceFields(const ServiceSasView &p, bool allow_policy) {
	if (!(p.prechecked & kCheckedVersion))
		ValidateSasVersion(p.version);
	if (!(p.prechecked & kCheckedAccount))
		ValidateAccountName(p.account_name);
	if (!(p.prechecked & kCheckedContainer))
		ValidateContainerName(p.container);
	if (p.resource == SasResource::kContainer) {
		if (!p.blob.empty())
			ThrowInvalid("a container SAS has no blob name");
	} else {
		ValidateBlobName(p.blob);
	}
	if (p.resource == SasResource::kBlobSnapshot && p.version < std::string_view("2018-11-09"))
		ThrowInvalid("a blob snapshot SAS needs service version 2018-11-09 or later");
	if (p.resource == SasResource::kBlobVersion && p.version < std::string_view("2019-10-10"))
		ThrowInvalid("a blob version SAS needs service version 2019-10-10 or later");
	if (p.resource == SasResource::kBlobSnapshot || p.resource == SasResource::kBlobVersion) {
		if (p.snapshot.empty())
			ThrowInvalid("a snapshot or version SAS needs the snapshot time or version id");
		CheckIdentifierLike(p.snapshot, "snapshot time", 64);
	} else if (!p.snapshot.empty()) {
		ThrowInvalid("only a snapshot or version SAS carries a snapshot time");
	}
	bool policy = allow_policy && !p.identifier.empty();
	if (p.permissions.empty() && !policy)
		throw Error(sqlstate::kNullValueNotAllowed, "SAS permissions must be given",
		            "Only a SAS bound to a stored access policy may leave them out.");
	if (p.expiry.empty() && !policy)
		throw Error(sqlstate::kNullValueNotAllowed, "SAS expiry time must be given",
		            "Only a SAS bound to a stored access policy may leave it out.");
	if (!(p.prechecked & kCheckedTimes)) {
		if (!p.start.empty())
			CheckTime(p.start, "SAS start time");
		if (!p.expiry.empty())
			CheckTime(p.expiry, "SAS expiry time");
	}
	if (!p.start.empty() && !p.expiry.empty() && p.start >= p.expiry)
		ThrowInvalid("SAS expiry time must be later than its start time");
	if (!p.ip_range.empty())
		ValidateIpRange(p.ip_range);
	CheckProtocol(p.protocol);
	CheckIdentifierLike(p.identifier, "stored access policy identifier", 64);
	if (!p.encryption_scope.empty()) {
		if (p.version < std::string_view("2020-12-06"))
			ThrowInvalid("an encryption scope needs service version 2020-12-06 or later",
			             "The SAS version is " + std::string(p.version) + ".", "Set azure_blob.sas_version.");
		CheckIdentifierLike(p.encryption_scope, "encryption scope", 63);
	}
}

/*
 * The lines that start the string-to-sign of a service and of a user
 * delegation SAS (spec §2.2, §4.2): permissions, start, expiry, and the
 * canonical resource "/blob/<account>/<container>[/<blob>]".
 */
void
SignLeadingLines(SasFields &f, std::string_view permissions, const ServiceSasView &p) {
	f.SignLine(permissions);
	f.SignLine(p.start);
	f.SignLine(p.expiry);
	f.Sign("/blob/");
	f.Sign(p.account_name);
	f.Sign("/");
	f.Sign(p.container);
	if (p.resource != SasResource::kContainer) {
		f.Sign("/");
		f.Sign(p.blob);
	}
	f.EndLine();
}

/* The lines that end both: the five response header overrides, the last without "\n" (spec §2.2, §4.2). */
void
SignOverrideLines(SasFields &f, const ServiceSasView &p) {
	f.SignLine(p.cache_control);
	f.SignLine(p.content_disposition);
	f.SignLine(p.content_encoding);
	f.SignLine(p.content_language);
	f.Sign(p.content_type);
}

/* A SAS of fields as a SasResult (the tests' and rare callers' form; the hot path writes into its own buffer). */
SasResult
Build(const SasFields &f, const HmacSha256 &key) {
	SasResult r;
	r.token.resize(f.TokenBound());
	r.token.resize(static_cast<size_t>(WriteSasToken(r.token.data(), r.string_to_sign, f, key) - r.token.data()));
	r.signature = key.SignBase64(r.string_to_sign); /* the token's sig, before URL encoding */
	return r;
}

} // namespace

void
ValidateSasVersion(std::string_view v) {
	bool ok = v.size() == 10 && v[4] == '-' && v[7] == '-';
	for (size_t i = 0; ok && i < v.size(); i++)
		ok = (i == 4 || i == 7) || (v[i] >= '0' && v[i] <= '9');
	if (!ok)
		ThrowInvalid("invalid SAS version \"" + std::string(v.substr(0, 32)) + "\"",
		             "A service version has the form YYYY-MM-DD, such as \"2025-07-05\".");
	if (v < std::string_view(kMinSasVersion))
		ThrowInvalid("SAS version \"" + std::string(v) + "\" is not supported",
		             "Service versions from 2015-04-05 on are supported.");
}

void
ValidateIpRange(std::string_view range) {
	size_t dash = range.find('-');
	uint32_t start = 0, end = 0;
	bool ok = dash == std::string_view::npos
	              ? ParseIpv4(range, &start)
	              : ParseIpv4(range.substr(0, dash), &start) && ParseIpv4(range.substr(dash + 1), &end);
	if (!ok)
		ThrowInvalid("invalid SAS IP range",
		             "An IP range is one IPv4 address or two joined by \"-\", such as \"10.0.0.1-10.0.0.9\".");
	if (dash != std::string_view::npos && start > end)
		ThrowInvalid("invalid SAS IP range", "The first address must not be greater than the second.");
}

std::string
NormalizeServicePermissions(SasResource resource, std::string_view letters, std::string_view version) {
	if (resource == SasResource::kContainer)
		return NormalizeLetters(kContainerLetters, letters, version, "container permission");
	return NormalizeLetters(kBlobLetters, letters, version, "blob permission");
}

ServiceSasView
View(const ServiceSasParams &p) {
	ServiceSasView v;
	v.version = p.version;
	v.resource = p.resource;
	v.account_name = p.account_name;
	v.container = p.container;
	v.blob = p.blob;
	v.permissions = p.permissions;
	v.start = p.start;
	v.expiry = p.expiry;
	v.ip_range = p.ip_range;
	v.protocol = p.protocol;
	v.identifier = p.identifier;
	v.encryption_scope = p.encryption_scope;
	v.snapshot = p.snapshot;
	v.cache_control = p.cache_control;
	v.content_disposition = p.content_disposition;
	v.content_encoding = p.content_encoding;
	v.content_language = p.content_language;
	v.content_type = p.content_type;
	return v;
}

/*
 * SasFields and the one token writer.
 */

std::string_view
SasFields::Own(std::string text) {
	if (n_own_ == kMaxOwn)
		throw Error(sqlstate::kInternalError, "too many derived SAS fields");
	own_[n_own_] = std::move(text);
	return own_[n_own_++];
}

size_t
SasFields::TokenBound() const {
	size_t n = 5 + Base64UriComponentBound(32); /* "&sig=" and the encoded signature */
	for (size_t i = 0; i < n_pairs_; i++) {
		const Pair &p = pairs_[i];
		n += 2 + p.name_size + (p.how == TokenText::kEncode ? EncodedBound(p.value_size) : p.value_size + 4);
	}
	return n;
}

char *
WriteSasToken(char *out, std::string &s, const SasFields &f, const HmacSha256 &key) {
	if (f.overflow_)
		throw Error(sqlstate::kInternalError, "too many SAS fields");
	/* The string-to-sign: its parts, "\n" where a line ends. */
	size_t len = 0;
	for (size_t i = 0; i < f.n_parts_; i++)
		len += f.parts_[i].size + f.parts_[i].line_end;
	s.resize(len);
	char *p = s.data();
	for (size_t i = 0; i < f.n_parts_; i++) {
		const SasFields::Part &part = f.parts_[i];
		if (part.size != 0) {
			memcpy(p, part.text, part.size);
			p += part.size;
		}
		if (part.line_end)
			*p++ = '\n';
	}

	/* The token: "name=value" pairs joined by "&", then the signature. */
	for (size_t i = 0; i < f.n_pairs_; i++) {
		const SasFields::Pair &pair = f.pairs_[i];
		if (i > 0)
			*out++ = '&';
		memcpy(out, pair.name, pair.name_size);
		out += pair.name_size;
		*out++ = '=';
		switch (pair.how) {
		case TokenText::kEncode:
			out = WriteUriComponent(out, std::string_view(pair.value, pair.value_size));
			break;
		case TokenText::kAsIs:
			memcpy(out, pair.value, pair.value_size);
			out += pair.value_size;
			break;
		case TokenText::kTime: /* YYYY-MM-DDThh:mm:ssZ: 20 bytes, checked */
			memcpy(out, pair.value, 13);
			memcpy(out + 13, "%3A", 3);
			memcpy(out + 16, pair.value + 14, 2);
			memcpy(out + 18, "%3A", 3);
			memcpy(out + 21, pair.value + 17, 3);
			out += 24;
			break;
		}
	}
	if (f.n_pairs_ > 0)
		*out++ = '&';
	memcpy(out, "sig=", 4);
	out += 4;
	unsigned char mac[32];
	key.Sign(s, mac);
	return WriteBase64UriComponent(out, mac, sizeof(mac));
}

/*
 * Service SAS (spec §2).
 */

ServiceSasOptions
PrepareServiceSasOptions(const ServiceSasView &p) {
	CheckFieldText(p.cache_control, "cache control override", 1024);
	CheckFieldText(p.content_disposition, "content disposition override", 1024);
	CheckFieldText(p.content_encoding, "content encoding override", 256);
	CheckFieldText(p.content_language, "content language override", 256);
	CheckFieldText(p.content_type, "content type override", 256);
	if (!p.content_type.empty() && p.content_type.find('/') == std::string::npos)
		ThrowInvalid("content type override must have the form type/subtype");
	if (!(p.prechecked & kCheckedVersion))
		ValidateSasVersion(p.version); /* the letters depend on it */
	ServiceSasOptions o;
	o.permissions = NormalizeServicePermissions(p.resource == SasResource::kContainer ? SasResource::kContainer
	                                                                                  : SasResource::kBlob,
	                                            p.permissions, p.version);
	o.cache_control = EncodeUriComponent(p.cache_control);
	o.content_disposition = EncodeUriComponent(p.content_disposition);
	o.content_encoding = EncodeUriComponent(p.content_encoding);
	o.content_language = EncodeUriComponent(p.content_language);
	o.content_type = EncodeUriComponent(p.content_type);
	return o;
}

void
ServiceSasFields(const ServiceSasView &p, SasFields &f) {
	ValidateServiceFields(p, true);
	ServiceSasOptions prepared;
	if (p.options == nullptr)
		prepared = PrepareServiceSasOptions(p);
	const ServiceSasOptions &o = p.options != nullptr ? *p.options : prepared;
	/* Views into p.options outlive f; those into prepared are kept as f's own copies. */
	const bool keep = p.options != nullptr;
	const auto text = [&](const std::string &t) { return keep || t.empty() ? std::string_view(t) : f.Own(t); };
	const std::string_view sp = text(o.permissions);
	/* One comparison of the (validated, so 10-byte) version decides both optional lines. */
	const bool has_ses = p.version >= std::string_view("2020-12-06");
	const bool has_sr = has_ses || p.version >= std::string_view("2018-11-09");

	/* The string-to-sign (spec §2.2): one line per field, the last without "\n". */
	SignLeadingLines(f, sp, p);
	f.SignLine(p.identifier);
	f.SignLine(p.ip_range);
	f.SignLine(p.protocol);
	f.SignLine(p.version);
	if (has_sr) {
		f.SignLine(ResourceCode(p.resource));
		f.SignLine(p.snapshot);
	}
	if (has_ses)
		f.SignLine(p.encryption_scope);
	SignOverrideLines(f, p);

	/*
	 * The token, in the JS SDK's order (spec §2.9).  Fields validated to
	 * hold only unreserved characters (sv, sr, sp) and the overrides' encoded
	 * text are copied; times have one shape, so their encoding is direct.
	 */
	f.Param("sv", p.version, TokenText::kAsIs);
	f.Param("spr", p.protocol);
	f.Param("st", p.start, TokenText::kTime);
	f.Param("se", p.expiry, TokenText::kTime);
	f.Param("sip", p.ip_range);
	f.Param("si", p.identifier);
	f.Param("ses", p.encryption_scope);
	if (has_sr)
		f.Param("sr", ResourceCode(p.resource), TokenText::kAsIs);
	f.Param("sp", sp, TokenText::kAsIs);
	if (!p.cache_control.empty())
		f.Param("rscc", text(o.cache_control), TokenText::kAsIs);
	if (!p.content_disposition.empty())
		f.Param("rscd", text(o.content_disposition), TokenText::kAsIs);
	if (!p.content_encoding.empty())
		f.Param("rsce", text(o.content_encoding), TokenText::kAsIs);
	if (!p.content_language.empty())
		f.Param("rscl", text(o.content_language), TokenText::kAsIs);
	if (!p.content_type.empty())
		f.Param("rsct", text(o.content_type), TokenText::kAsIs);
}

size_t
ServiceSasUrlBound(std::string_view endpoint, const ServiceSasView &p, const SasFields &fields) {
	return BlobUrlBound(endpoint.size(), p.container.size(), p.blob.size()) + 1 + fields.TokenBound();
}

char *
WriteServiceSasUrl(char *out, std::string_view endpoint, const ServiceSasView &p, const SasFields &fields,
                   std::string &string_to_sign, const HmacSha256 &key) {
	out = p.resource == SasResource::kContainer ? WriteContainerUrl(out, endpoint, p.container)
	                                            : WriteBlobUrl(out, endpoint, p.container, p.blob);
	*out++ = '?';
	return WriteSasToken(out, string_to_sign, fields, key);
}

SasResult
BuildServiceSas(const ServiceSasParams &p, const HmacSha256 &key) {
	SasFields f;
	ServiceSasFields(View(p), f);
	return Build(f, key);
}

/*
 * Account SAS (spec §3).
 */

SasResult
BuildAccountSas(const AccountSasParams &p, const HmacSha256 &key) {
	static constexpr Letter kServices[] = {{'b', ""}, {'t', ""}, {'q', ""}, {'f', ""}};
	static constexpr Letter kTypes[] = {{'s', ""}, {'c', ""}, {'o', ""}};
	ValidateSasVersion(p.version);
	ValidateAccountName(p.account_name);
	SasFields f;
	const std::string_view ss = f.Own(NormalizeLetters(kServices, p.services, p.version, "account SAS service"));
	const std::string_view srt =
	    f.Own(NormalizeLetters(kTypes, p.resource_types, p.version, "account SAS resource type"));
	const std::string_view sp =
	    f.Own(NormalizeLetters(kAccountLetters, p.permissions, p.version, "account permission"));
	if (ss.empty() || srt.empty() || sp.empty() || p.expiry.empty())
		throw Error(sqlstate::kNullValueNotAllowed,
		            "an account SAS needs services, resource types, permissions and an expiry time");
	if (!p.start.empty())
		CheckTime(p.start, "SAS start time");
	CheckTime(p.expiry, "SAS expiry time");
	if (!p.ip_range.empty())
		ValidateIpRange(p.ip_range);
	CheckProtocol(p.protocol);
	const bool has_ses = p.version >= std::string_view("2020-12-06");
	if (!p.encryption_scope.empty()) {
		if (!has_ses)
			ThrowInvalid("an encryption scope needs service version 2020-12-06 or later");
		CheckIdentifierLike(p.encryption_scope, "encryption scope", 63);
	}
	/* Every line, the last included, ends in "\n" (spec §3.2). */
	f.SignLine(p.account_name);
	f.SignLine(sp);
	f.SignLine(ss);
	f.SignLine(srt);
	f.SignLine(p.start);
	f.SignLine(p.expiry);
	f.SignLine(p.ip_range);
	f.SignLine(p.protocol);
	f.SignLine(p.version);
	if (has_ses)
		f.SignLine(p.encryption_scope);

	f.Param("sv", p.version);
	f.Param("ss", ss);
	f.Param("srt", srt);
	f.Param("spr", p.protocol);
	f.Param("st", p.start, TokenText::kTime);
	f.Param("se", p.expiry, TokenText::kTime);
	f.Param("sip", p.ip_range);
	f.Param("ses", p.encryption_scope);
	f.Param("sp", sp);
	return Build(f, key);
}

/*
 * User delegation SAS (spec §4): the service SAS's fields and the key's.
 */

SasResult
BuildUserDelegationSas(const UserDelegationSasParams &u, const UserDelegationKey &k) {
	const ServiceSasView p = View(u.base);
	if (p.version < std::string_view("2018-11-09"))
		ThrowInvalid("a user delegation SAS needs service version 2018-11-09 or later");
	if (!p.identifier.empty())
		ThrowInvalid("a user delegation SAS cannot use a stored access policy");
	ValidateServiceFields(p, false);
	const ServiceSasOptions o = PrepareServiceSasOptions(p);
	const std::string_view v = p.version;
	const bool agents = v >= std::string_view("2020-02-10");
	const bool ses = v >= std::string_view("2020-12-06");
	const bool delegated = v >= std::string_view("2025-07-05");
	const bool signed_requests = v >= std::string_view("2026-04-06");
	if (!signed_requests && (!u.request_headers.empty() || !u.request_query.empty()))
		ThrowInvalid("signed request headers and query parameters need service version 2026-04-06 or later");

	SasFields f;
	SignLeadingLines(f, o.permissions, p);
	f.SignLine(k.object_id);
	f.SignLine(k.tenant_id);
	f.SignLine(k.start);
	f.SignLine(k.expiry);
	f.SignLine(k.service);
	f.SignLine(k.version);
	if (agents) {
		f.SignLine(u.preauthorized_agent_object_id);
		f.SignLine(""); /* suoid: never set (spec §4.1) */
		f.SignLine(u.correlation_id);
	}
	if (delegated) {
		f.SignLine(k.delegated_user_tenant_id);
		f.SignLine(u.delegated_user_object_id);
	}
	f.SignLine(p.ip_range);
	f.SignLine(p.protocol);
	f.SignLine(p.version);
	f.SignLine(ResourceCode(p.resource));
	f.SignLine(p.snapshot);
	if (ses)
		f.SignLine(p.encryption_scope);
	std::string_view srh_names, srq_names;
	if (signed_requests) {
		/* Headers: "name:value\n" each, then an empty line; query: "\nname:value" each, then "\n". */
		std::string headers, names;
		for (const auto &[name, value] : u.request_headers) {
			headers.append(name).append(":").append(value).append("\n");
			names.append(names.empty() ? "" : ",").append(name);
		}
		f.SignLine(f.Own(std::move(headers)));
		srh_names = f.Own(std::move(names));
		std::string query;
		names.clear();
		for (const auto &[name, value] : u.request_query) {
			query.append("\n").append(name).append(":").append(value);
			names.append(names.empty() ? "" : ",").append(name);
		}
		f.SignLine(f.Own(std::move(query)));
		srq_names = f.Own(std::move(names));
	}
	SignOverrideLines(f, p);

	f.Param("sv", p.version);
	f.Param("spr", p.protocol);
	f.Param("st", p.start);
	f.Param("se", p.expiry);
	f.Param("sip", p.ip_range);
	f.Param("ses", p.encryption_scope);
	f.Param("skoid", k.object_id);
	f.Param("sktid", k.tenant_id);
	f.Param("skt", k.start);
	f.Param("ske", k.expiry);
	f.Param("sks", k.service);
	f.Param("skv", k.version);
	f.Param("sr", ResourceCode(p.resource));
	f.Param("sp", o.permissions);
	f.Param("rscc", o.cache_control, TokenText::kAsIs);
	f.Param("rscd", o.content_disposition, TokenText::kAsIs);
	f.Param("rsce", o.content_encoding, TokenText::kAsIs);
	f.Param("rscl", o.content_language, TokenText::kAsIs);
	f.Param("rsct", o.content_type, TokenText::kAsIs);
	f.Param("saoid", u.preauthorized_agent_object_id);
	f.Param("scid", u.correlation_id);
	f.Param("sduoid", u.delegated_user_object_id);
	f.Param("skdutid", k.delegated_user_tenant_id);
	f.Param("srh", srh_names);
	f.Param("srq", srq_names);
	return Build(f, HmacSha256::FromBase64(k.value));
}

} // namespace azure_blob::core
