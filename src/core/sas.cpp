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

constexpr Letter kBlobLetters[] = {{'r', ""},           {'a', ""},           {'c', ""},
                                   {'w', ""},           {'d', ""},           {'x', "2019-10-10"},
                                   {'t', "2019-12-12"}, {'m', "2020-02-10"}, {'e', "2020-02-10"},
                                   {'i', "2020-08-04"}, {'y', "2019-10-10"}};
constexpr Letter kContainerLetters[] = {{'r', ""},           {'a', ""},           {'c', ""},
                                        {'w', ""},           {'d', ""},           {'x', "2019-10-10"},
                                        {'l', ""},           {'t', "2019-12-12"}, {'m', "2020-02-10"},
                                        {'e', "2020-02-10"}, {'i', "2020-08-04"}, {'y', "2019-10-10"},
                                        {'f', "2021-04-10"}};
constexpr Letter kAccountLetters[] = {{'r', ""},           {'w', ""},           {'d', ""},
                                      {'x', "2019-10-10"}, {'f', "2019-12-12"}, {'t', "2019-12-12"},
                                      {'l', ""},           {'a', ""},           {'c', ""},
                                      {'u', ""},           {'p', ""},           {'i', "2020-08-04"},
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
		ThrowInvalid(std::string(field) + " is too long",
		             "At most " + std::to_string(max_len) + " bytes are allowed.");
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

void
Line(std::string &s, std::string_view field) {
	s.append(field);
	s.push_back('\n');
}

/* Appends "&name=value" (no "&" before the token's first pair). */
void
Param(std::string &token, const char *name, std::string_view value) {
	if (value.empty())
		return;
	if (!token.empty())
		token.push_back('&');
	token.append(name);
	token.push_back('=');
	AppendUriComponent(token, value);
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

/* Byte equality (one memcmp: libc's vector compare beats a loop for these short strings). */
bool
SameBytes(std::string_view a, std::string_view b) {
	return a.size() == b.size() && (a.empty() || memcmp(a.data(), b.data(), a.size()) == 0);
}

/*
 * Checks shared by service and user delegation SAS; returns the normalised
 * permissions.  With memo, an override equal to the value remembered for its
 * field (which passed these checks when it was stored) is not checked again,
 * and FieldMemo::hit tells the token writer so.
 */
std::string
ValidateServiceFields(const ServiceSasView &p, bool allow_policy, SasScratch *memo = nullptr) {
	const auto remembered = [memo](FieldMemo SasScratch::*field, std::string_view value) {
		if (memo == nullptr)
			return false;
		FieldMemo &m = memo->*field;
		m.hit = SameBytes(m.value, value);
		return m.hit;
	};
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
	if (!remembered(&SasScratch::cache_control, p.cache_control))
		CheckFieldText(p.cache_control, "cache control override", 1024);
	if (!remembered(&SasScratch::content_disposition, p.content_disposition))
		CheckFieldText(p.content_disposition, "content disposition override", 1024);
	if (!remembered(&SasScratch::content_encoding, p.content_encoding))
		CheckFieldText(p.content_encoding, "content encoding override", 256);
	if (!remembered(&SasScratch::content_language, p.content_language))
		CheckFieldText(p.content_language, "content language override", 256);
	if (!remembered(&SasScratch::content_type, p.content_type)) {
		CheckFieldText(p.content_type, "content type override", 256);
		if (!p.content_type.empty() && p.content_type.find('/') == std::string::npos)
			ThrowInvalid("content type override must have the form type/subtype");
	}
	SasResource kind = p.resource == SasResource::kContainer ? SasResource::kContainer : SasResource::kBlob;
	if (memo == nullptr)
		return NormalizeServicePermissions(kind, p.permissions, p.version);
	PermissionMemo &m = memo->permissions;
	const bool container = kind == SasResource::kContainer;
	if (m.container != container || !SameBytes(m.letters, p.permissions) || !SameBytes(m.version, p.version)) {
		std::string normalised = NormalizeServicePermissions(kind, p.permissions, p.version);
		/* A checked version is never empty: the memo matches nothing until every part is stored (an allocation may throw). */
		m.version.clear();
		m.container = container;
		m.letters.assign(p.permissions);
		m.normalised.swap(normalised);
		m.version.assign(p.version);
	}
	return m.normalised;
}

void
AppendOverrideLines(std::string &s, const ServiceSasView &p) {
	Line(s, p.cache_control);
	Line(s, p.content_disposition);
	Line(s, p.content_encoding);
	Line(s, p.content_language);
	s.append(p.content_type); /* last line: no trailing newline */
}

void
AppendOverrideParams(std::string &token, const ServiceSasView &p) {
	Param(token, "rscc", p.cache_control);
	Param(token, "rscd", p.content_disposition);
	Param(token, "rsce", p.content_encoding);
	Param(token, "rscl", p.content_language);
	Param(token, "rsct", p.content_type);
}

void
Finish(SasResult &r, const HmacSha256 &key) {
	r.signature = key.SignBase64(r.string_to_sign);
	Param(r.token, "sig", r.signature);
}

/*
 * Writes at a position in a buffer that the caller sized with a bound
 * (ServiceSasTokenBound and the string-to-sign bound below): no capacity
 * checks or growth per field on the hot path.
 */
class Out {
public:
	explicit Out(char *p) : p_(p) {}
	char *pos() const {
		return p_;
	}
	void Put(char c) {
		*p_++ = c;
	}
	void Put(std::string_view s) {
		if (!s.empty()) {
			memcpy(p_, s.data(), s.size());
			p_ += s.size();
		}
	}
	void Line(std::string_view s) {
		Put(s);
		Put('\n');
	}
	/* A literal of known length: a fixed-size copy the compiler inlines. */
	template <size_t N>
	void Lit(const char (&s)[N]) {
		memcpy(p_, s, N - 1);
		p_ += N - 1;
	}
	void Encoded(std::string_view s) {
		p_ = WriteUriComponent(p_, s);
	}
	/* A time of the form YYYY-MM-DDThh:mm:ssZ, encoded: its two ":" become "%3A". */
	void Time(std::string_view t) {
		memcpy(p_, t.data(), 13); /* YYYY-MM-DDThh */
		memcpy(p_ + 13, "%3A", 3);
		memcpy(p_ + 16, t.data() + 14, 2);
		memcpy(p_ + 18, "%3A", 3);
		memcpy(p_ + 21, t.data() + 17, 3); /* ssZ */
		p_ += 24;
	}
	/* "&name=" and the value's token text: memo's if the checks found it there, else encoded and remembered. */
	template <size_t N>
	void Param(const char (&prefix)[N], std::string_view value, FieldMemo &memo) {
		if (value.empty())
			return;
		Lit(prefix);
		if (memo.hit) {
			Put(memo.encoded);
			return;
		}
		char *const start = p_;
		Encoded(value);
		memo.value.clear(); /* matches nothing until both parts are stored (an allocation may throw) */
		memo.encoded.assign(start, static_cast<size_t>(p_ - start));
		memo.value.assign(value);
	}
	/* "/blob/<account>/<container>[/<blob>]" and "\n" (spec §2.2): CanonicalResourceSize bytes. */
	void CanonicalResource(const ServiceSasView &p) {
		Lit("/blob/");
		Put(p.account_name);
		Put('/');
		Put(p.container);
		if (p.resource != SasResource::kContainer) {
			Put('/');
			Put(p.blob);
		}
		Put('\n');
	}
	static size_t CanonicalResourceSize(const ServiceSasView &p) {
		return 6 + p.account_name.size() + 1 + p.container.size() +
		       (p.resource != SasResource::kContainer ? 1 + p.blob.size() : 0) + 1;
	}
	/* The signature of message under key, as URL text. */
	void Signature(const HmacSha256 &key, std::string_view message) {
		unsigned char mac[32];
		key.Sign(message, mac);
		p_ = WriteBase64UriComponent(p_, mac, sizeof(mac));
	}
	/* "&name=" (as given in prefix) and the encoded value, unless the value is empty. */
	template <size_t N>
	void Param(const char (&prefix)[N], std::string_view value) {
		if (value.empty())
			return;
		Lit(prefix);
		Encoded(value);
	}

private:
	char *p_;
};

void
AppendCanonicalResourceLine(std::string &s, const ServiceSasView &p) {
	const size_t old = s.size();
	s.resize(old + Out::CanonicalResourceSize(p));
	Out(s.data() + old).CanonicalResource(p);
}

/* Bytes of the string-to-sign's fields and line ends, with room to spare (AppendServiceSasToken). */
size_t
StringToSignBound(const ServiceSasView &p, size_t sp_len) {
	return sp_len + p.start.size() + p.expiry.size() + p.account_name.size() + p.container.size() + p.blob.size() +
	       p.identifier.size() + p.ip_range.size() + p.protocol.size() + p.version.size() + p.snapshot.size() +
	       p.encryption_scope.size() + p.cache_control.size() + p.content_disposition.size() +
	       p.content_encoding.size() + p.content_language.size() + p.content_type.size() + 64;
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

size_t
ServiceSasTokenBound(const ServiceSasView &p) {
	/*
	 * Parameter names and separators (73 bytes), the letters of sp and sr (15)
	 * and the encoded signature (132): under 256.  Each field counts with at
	 * most the length its check allows: a longer one is refused before
	 * anything is written, so a huge argument never sizes a huge buffer.
	 * EncodedBound adds the room for the encoder's 16-byte stores past the end.
	 */
	const auto at_most = [](std::string_view field, size_t limit) { return std::min(field.size(), limit); };
	return 256 + EncodedBound(at_most(p.version, 10) + at_most(p.protocol, 10) + at_most(p.start, 20) +
	                          at_most(p.expiry, 20) + at_most(p.ip_range, 31) + at_most(p.identifier, 64) +
	                          at_most(p.encryption_scope, 63) + at_most(p.cache_control, 1024) +
	                          at_most(p.content_disposition, 1024) + at_most(p.content_encoding, 256) +
	                          at_most(p.content_language, 256) + at_most(p.content_type, 256));
}

namespace {

/* The token of a view that passed ValidateServiceFields (sp: its normalised permissions). */
char *
WriteCheckedToken(char *out, SasScratch &scratch, const ServiceSasView &p, const std::string &sp,
                  const HmacSha256 &key) {
	std::string &s = scratch.string_to_sign;
	/* One comparison of the (validated, so 10-byte) version decides both optional lines. */
	const bool has_ses = p.version >= std::string_view("2020-12-06");
	const bool has_sr = has_ses || p.version >= std::string_view("2018-11-09");

	/* The string-to-sign (spec §2.2): one line per field, the last without "\n". */
	s.resize(StringToSignBound(p, sp.size()));
	Out l(s.data());
	l.Line(sp);
	l.Line(p.start);
	l.Line(p.expiry);
	l.CanonicalResource(p);
	l.Line(p.identifier);
	l.Line(p.ip_range);
	l.Line(p.protocol);
	l.Line(p.version);
	if (has_sr) {
		l.Line(ResourceCode(p.resource));
		l.Line(p.snapshot);
	}
	if (has_ses)
		l.Line(p.encryption_scope);
	l.Line(p.cache_control);
	l.Line(p.content_disposition);
	l.Line(p.content_encoding);
	l.Line(p.content_language);
	l.Put(p.content_type);
	s.resize(static_cast<size_t>(l.pos() - s.data()));

	/*
	 * The token, in the JS SDK's order (spec §2.9).  Fields validated above
	 * to hold only unreserved characters (sv, sp, sr) are copied; times
	 * have one shape, so their encoding is written directly.
	 */
	Out t(out);
	t.Lit("sv=");
	t.Put(p.version); /* YYYY-MM-DD: never empty, so it opens the token */
	t.Param("&spr=", p.protocol);
	if (!p.start.empty()) {
		t.Lit("&st=");
		t.Time(p.start);
	}
	if (!p.expiry.empty()) {
		t.Lit("&se=");
		t.Time(p.expiry);
	}
	t.Param("&sip=", p.ip_range);
	t.Param("&si=", p.identifier);
	t.Param("&ses=", p.encryption_scope);
	if (has_sr) {
		t.Lit("&sr=");
		t.Put(ResourceCode(p.resource));
	}
	if (!sp.empty()) {
		t.Lit("&sp=");
		t.Put(sp); /* letters */
	}
	t.Param("&rscc=", p.cache_control, scratch.cache_control);
	t.Param("&rscd=", p.content_disposition, scratch.content_disposition);
	t.Param("&rsce=", p.content_encoding, scratch.content_encoding);
	t.Param("&rscl=", p.content_language, scratch.content_language);
	t.Param("&rsct=", p.content_type, scratch.content_type);
	t.Lit("&sig=");
	t.Signature(key, s);
	return t.pos();
}

} // namespace

char *
WriteServiceSasToken(char *out, SasScratch &scratch, const ServiceSasView &p, const HmacSha256 &key) {
	const std::string sp = ValidateServiceFields(p, true, &scratch);
	return WriteCheckedToken(out, scratch, p, sp, key);
}

size_t
ServiceSasUrlBound(std::string_view endpoint, const ServiceSasView &p) {
	/* As the token's bound: container and blob count up to their limits (longer ones are refused first). */
	return BlobUrlBound(endpoint.size(), std::min(p.container.size(), kMaxContainerNameBytes),
	                    std::min(p.blob.size(), kMaxBlobNameBytes)) +
	       1 + ServiceSasTokenBound(p);
}

char *
WriteServiceSasUrl(char *out, std::string_view endpoint, SasScratch &scratch, const ServiceSasView &p,
                   const HmacSha256 &key) {
	const std::string sp = ValidateServiceFields(p, true, &scratch);
	out = p.resource == SasResource::kContainer ? WriteContainerUrl(out, endpoint, p.container)
	                                            : WriteBlobUrl(out, endpoint, p.container, p.blob);
	*out++ = '?';
	return WriteCheckedToken(out, scratch, p, sp, key);
}

void
AppendServiceSasToken(std::string &out, std::string &s, const ServiceSasView &p, const HmacSha256 &key) {
	const size_t old = out.size();
	out.resize(old + ServiceSasTokenBound(p));
	char *const begin = out.data();
	SasScratch scratch;
	scratch.string_to_sign.swap(s);
	out.resize(static_cast<size_t>(WriteServiceSasToken(begin + old, scratch, p, key) - begin));
	s.swap(scratch.string_to_sign);
}

SasResult
BuildServiceSas(const ServiceSasParams &p, const HmacSha256 &key) {
	SasResult r;
	AppendServiceSasToken(r.token, r.string_to_sign, View(p), key);
	r.signature = key.SignBase64(r.string_to_sign); /* the token's sig, before URL encoding */
	return r;
}

SasResult
BuildAccountSas(const AccountSasParams &p, const HmacSha256 &key) {
	static constexpr Letter kServices[] = {{'b', ""}, {'t', ""}, {'q', ""}, {'f', ""}};
	static constexpr Letter kTypes[] = {{'s', ""}, {'c', ""}, {'o', ""}};
	ValidateSasVersion(p.version);
	ValidateAccountName(p.account_name);
	const std::string ss = NormalizeLetters(kServices, p.services, p.version, "account SAS service");
	const std::string srt = NormalizeLetters(kTypes, p.resource_types, p.version, "account SAS resource type");
	const std::string sp = NormalizeLetters(kAccountLetters, p.permissions, p.version, "account permission");
	if (ss.empty() || srt.empty() || sp.empty() || p.expiry.empty())
		throw Error(sqlstate::kNullValueNotAllowed, "an account SAS needs services, resource types, permissions and an expiry time");
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
	SasResult r;
	std::string &s = r.string_to_sign;
	/* Every line, the last included, ends in "\n" (spec §3.2). */
	Line(s, p.account_name);
	Line(s, sp);
	Line(s, ss);
	Line(s, srt);
	Line(s, p.start);
	Line(s, p.expiry);
	Line(s, p.ip_range);
	Line(s, p.protocol);
	Line(s, p.version);
	if (has_ses)
		Line(s, p.encryption_scope);

	std::string &t = r.token;
	Param(t, "sv", p.version);
	Param(t, "ss", ss);
	Param(t, "srt", srt);
	Param(t, "spr", p.protocol);
	Param(t, "st", p.start);
	Param(t, "se", p.expiry);
	Param(t, "sip", p.ip_range);
	Param(t, "ses", p.encryption_scope);
	Param(t, "sp", sp);
	Finish(r, key);
	return r;
}

SasResult
BuildUserDelegationSas(const UserDelegationSasParams &u, const UserDelegationKey &k) {
	const ServiceSasView p = View(u.base);
	if (p.version < std::string_view("2018-11-09"))
		ThrowInvalid("a user delegation SAS needs service version 2018-11-09 or later");
	if (!p.identifier.empty())
		ThrowInvalid("a user delegation SAS cannot use a stored access policy");
	const std::string sp = ValidateServiceFields(p, false);
	const std::string_view v = p.version;
	const bool agents = v >= std::string_view("2020-02-10");
	const bool ses = v >= std::string_view("2020-12-06");
	const bool delegated = v >= std::string_view("2025-07-05");
	const bool signed_requests = v >= std::string_view("2026-04-06");
	if (!signed_requests && (!u.request_headers.empty() || !u.request_query.empty()))
		ThrowInvalid("signed request headers and query parameters need service version 2026-04-06 or later");

	SasResult r;
	std::string &s = r.string_to_sign;
	Line(s, sp);
	Line(s, p.start);
	Line(s, p.expiry);
	AppendCanonicalResourceLine(s, p);
	Line(s, k.object_id);
	Line(s, k.tenant_id);
	Line(s, k.start);
	Line(s, k.expiry);
	Line(s, k.service);
	Line(s, k.version);
	if (agents) {
		Line(s, u.preauthorized_agent_object_id);
		Line(s, ""); /* suoid: never set (spec §4.1) */
		Line(s, u.correlation_id);
	}
	if (delegated) {
		Line(s, k.delegated_user_tenant_id);
		Line(s, u.delegated_user_object_id);
	}
	Line(s, p.ip_range);
	Line(s, p.protocol);
	Line(s, p.version);
	Line(s, ResourceCode(p.resource));
	Line(s, p.snapshot);
	if (ses)
		Line(s, p.encryption_scope);
	std::string srh_names, srq_names;
	if (signed_requests) {
		for (const auto &[name, value] : u.request_headers) {
			s.append(name).append(":").append(value).append("\n");
			srh_names.append(srh_names.empty() ? "" : ",").append(name);
		}
		s.push_back('\n');
		for (const auto &[name, value] : u.request_query) {
			s.append("\n").append(name).append(":").append(value);
			srq_names.append(srq_names.empty() ? "" : ",").append(name);
		}
		s.push_back('\n');
	}
	AppendOverrideLines(s, p);

	std::string &t = r.token;
	Param(t, "sv", p.version);
	Param(t, "spr", p.protocol);
	Param(t, "st", p.start);
	Param(t, "se", p.expiry);
	Param(t, "sip", p.ip_range);
	Param(t, "ses", p.encryption_scope);
	Param(t, "skoid", k.object_id);
	Param(t, "sktid", k.tenant_id);
	Param(t, "skt", k.start);
	Param(t, "ske", k.expiry);
	Param(t, "sks", k.service);
	Param(t, "skv", k.version);
	Param(t, "sr", ResourceCode(p.resource));
	Param(t, "sp", sp);
	AppendOverrideParams(t, p);
	Param(t, "saoid", u.preauthorized_agent_object_id);
	Param(t, "scid", u.correlation_id);
	Param(t, "sduoid", u.delegated_user_object_id);
	Param(t, "skdutid", k.delegated_user_tenant_id);
	Param(t, "srh", srh_names);
	Param(t, "srq", srq_names);
	HmacSha256 key = HmacSha256::FromBase64(k.value);
	Finish(r, key);
	return r;
}

} // namespace azure_blob::core
