/*-------------------------------------------------------------------------
 * upload.cpp
 *	  Generated blob names and content-type checks for the upload flow.
 *
 * The caller supplies the randomness (pg_strong_random in the backend),
 * keeping this file free of Postgres and testable with fixed bytes.
 *-------------------------------------------------------------------------
 */
#include "core/upload.hpp"

#include <openssl/crypto.h>

#include <cstring>

#include "core/error.hpp"
#include "core/encoding.hpp"
#include "core/names.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

/* RFC 9110 token characters. */
bool
IsTokenChar(char c) {
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '!':
	case '#':
	case '$':
	case '%':
	case '&':
	case '\'':
	case '*':
	case '+':
	case '-':
	case '.':
	case '^':
	case '_':
	case '`':
	case '|':
	case '~':
		return true;
	default:
		return false;
	}
}

bool
IsToken(std::string_view s) {
	if (s.empty())
		return false;
	for (char c : s)
		if (!IsTokenChar(c))
			return false;
	return true;
}

/* The 16 UUID bytes for random part r (8 bytes, version bits applied here) issued to user for file. */
void
IssuedUuidBytes(const HmacSha256 &secret, std::string_view user, const unsigned char r[8], std::string_view file,
                unsigned char out[16]) {
	memcpy(out, r, 8);
	out[6] = static_cast<unsigned char>((out[6] & 0x0F) | 0x40);
	/* Length-prefixed user id, so no (user, file) pair can collide with another. */
	static constexpr char kLabel[] = "azure_blob upload name v1"; /* and its NUL */
	const uint32_t len = static_cast<uint32_t>(user.size());
	const char prefix[4] = {static_cast<char>((len >> 24) & 0xFF), static_cast<char>((len >> 16) & 0xFF),
	                        static_cast<char>((len >> 8) & 0xFF), static_cast<char>(len & 0xFF)};
	unsigned char mac[32];
	secret.Sign({std::string_view(kLabel, sizeof(kLabel)), std::string_view(prefix, 4), user,
	             std::string_view(reinterpret_cast<const char *>(out), 8), file},
	            mac);
	memcpy(out + 8, mac, 8);
	out[8] = static_cast<unsigned char>((out[8] & 0x3F) | 0x80);
}

int
HexNibble(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
BigEndian32(uint32_t v, char out[4]) {
	out[0] = static_cast<char>((v >> 24) & 0xFF);
	out[1] = static_cast<char>((v >> 16) & 0xFF);
	out[2] = static_cast<char>((v >> 8) & 0xFF);
	out[3] = static_cast<char>(v & 0xFF);
}

constexpr uint64_t kMask41 = (uint64_t {1} << 41) - 1;

/* The first 41 bits of a MAC, as an integer. */
uint64_t
First41Bits(const unsigned char mac[32]) {
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = (v << 8) | mac[i];
	return v >> 7;
}

/* U of layout v2 (upload.hpp) for random part r and type MAC t. */
uint64_t
UserMacV2(const HmacSha256 &secret, std::string_view user, const unsigned char r[kUploadRandomBytes], uint64_t t,
          std::string_view file) {
	static constexpr char kLabel[] = "azU2"; /* short: a typical message fits one SHA-256 block */
	char user_len[4];
	BigEndian32(static_cast<uint32_t>(user.size()), user_len);
	char t_bytes[6];
	for (int i = 5; i >= 0; i--, t >>= 8)
		t_bytes[i] = static_cast<char>(t & 0xFF);
	unsigned char mac[32];
	secret.Sign({std::string_view(kLabel, 4), std::string_view(user_len, 4), user,
	             std::string_view(reinterpret_cast<const char *>(r), kUploadRandomBytes), std::string_view(t_bytes, 6),
	             file},
	            mac);
	return First41Bits(mac);
}

/* T of layout v2 for random part r and a media type already normalised. */
uint64_t
TypeMacV2(const HmacSha256 &secret, std::string_view user, const unsigned char r[kUploadRandomBytes],
          std::string_view file, std::string_view media_type) {
	static constexpr char kLabel[] = "azT2";
	char user_len[4], file_len[4];
	BigEndian32(static_cast<uint32_t>(user.size()), user_len);
	BigEndian32(static_cast<uint32_t>(file.size()), file_len);
	unsigned char mac[32];
	secret.Sign({std::string_view(kLabel, 4), std::string_view(user_len, 4), user,
	             std::string_view(reinterpret_cast<const char *>(r), kUploadRandomBytes), std::string_view(file_len, 4),
	             file, media_type},
	            mac);
	return First41Bits(mac);
}

/* The 16 uuid bytes of layout v2 (bit positions in upload.hpp). */
void
PackV2(const unsigned char r[kUploadRandomBytes], uint64_t u, uint64_t t, unsigned char out[16]) {
	uint64_t hi = 0;
	for (size_t i = 0; i < kUploadRandomBytes; i++)
		hi = (hi << 8) | r[i];
	hi = (hi << 24) | ((u >> 33) << 16) | (uint64_t {0x8} << 12) | ((u >> 21) & 0xFFF);
	const uint64_t lo = (uint64_t {0x2} << 62) | ((u & 0x1FFFFF) << 41) | (t & kMask41);
	for (int i = 7; i >= 0; i--, hi >>= 8)
		out[i] = static_cast<unsigned char>(hi & 0xFF);
	uint64_t l = lo;
	for (int i = 15; i >= 8; i--, l >>= 8)
		out[i] = static_cast<unsigned char>(l & 0xFF);
}

/* T as stored in v2 uuid bytes b. */
uint64_t
StoredTypeMac(const unsigned char b[16]) {
	uint64_t lo = 0;
	for (int i = 8; i < 16; i++)
		lo = (lo << 8) | b[i];
	return lo & kMask41;
}

/* The uuid of "<uuid>-<file>" as bytes (lower-case hex only); false if blob_name does not have that shape. */
bool
ParseUploadUuid(std::string_view blob_name, unsigned char b[16]) {
	if (blob_name.size() < 38 || blob_name[36] != '-')
		return false;
	size_t k = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (blob_name[i] != '-')
				return false;
			continue;
		}
		int hi = HexNibble(blob_name[i]);
		int lo = i + 1 < 36 ? HexNibble(blob_name[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return false;
		b[k++] = static_cast<unsigned char>(hi * 16 + lo);
		i++;
	}
	return k == 16;
}

/* Version of parsed uuid bytes b if it has the RFC variant bits, else 0. */
int
UuidVersion(const unsigned char b[16]) {
	if ((b[8] & 0xC0) != 0x80)
		return 0;
	return b[6] >> 4;
}

/* Writes "<uuid>-<file_name>" for uuid bytes b (version and variant already set). */
std::string
UploadName(const unsigned char b[16], std::string_view file_name) {
	static const char kHex[] = "0123456789abcdef";
	std::string name(37 + file_name.size(), '-');
	char *out = name.data();
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out++; /* already "-" */
		*out++ = kHex[b[i] >> 4];
		*out++ = kHex[b[i] & 0xF];
	}
	memcpy(name.data() + 37, file_name.data(), file_name.size());
	/* ValidateFileName kept the file name within kMaxFileNameChars; checked again here all the same. */
	if (Utf8Length(name) > kMaxBlobNameChars)
		ThrowInvalid("blob name is too long", "A blob name has at most 1024 characters.");
	return name;
}

} // namespace

void
NonceSource::Next(unsigned char out[8]) {
	/* SplitMix64 (Steele, Lea, Flood 2014): Weyl sequence, then a bijective mix. */
	uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	for (int i = 7; i >= 0; i--, z >>= 8)
		out[i] = static_cast<unsigned char>(z & 0xFF);
}

std::string
MakeIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, const unsigned char random_bytes[8],
                     std::string_view file_name) {
	ValidateFileName(file_name);
	unsigned char b[16];
	IssuedUuidBytes(secret, user_id, random_bytes, file_name, b);
	return UploadName(b, file_name);
}

std::string
MakeIssuedUploadName(const HmacSha256 &secret, std::string_view user_id,
                     const unsigned char random_bytes[kUploadRandomBytes], std::string_view file_name,
                     std::string_view content_type) {
	ValidateFileName(file_name);
	ValidateContentType(content_type);
	char media[255];
	const size_t media_len = NormalizeMediaType(content_type, media);
	const uint64_t t = TypeMacV2(secret, user_id, random_bytes, file_name, std::string_view(media, media_len));
	unsigned char b[16];
	PackV2(random_bytes, UserMacV2(secret, user_id, random_bytes, t, file_name), t, b);
	return UploadName(b, file_name);
}

IssuedUpload
CheckIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name) {
	unsigned char b[16];
	if (!ParseUploadUuid(blob_name, b))
		return IssuedUpload::kNotIssued;
	const std::string_view file = blob_name.substr(37);
	unsigned char expected[16];
	switch (UuidVersion(b)) {
	case 4:
		IssuedUuidBytes(secret, user_id, b, file, expected);
		return CRYPTO_memcmp(b, expected, 16) == 0 ? IssuedUpload::kIssuedV1 : IssuedUpload::kNotIssued;
	case 8: {
		/* R and T as stored, U recomputed over them: every bit of the uuid is checked. */
		const uint64_t t = StoredTypeMac(b);
		PackV2(b, UserMacV2(secret, user_id, b, t, file), t, expected);
		return CRYPTO_memcmp(b, expected, 16) == 0 ? IssuedUpload::kIssuedV2 : IssuedUpload::kNotIssued;
	}
	default:
		return IssuedUpload::kNotIssued;
	}
}

bool
IsIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name) {
	return CheckIssuedUploadName(secret, user_id, blob_name) != IssuedUpload::kNotIssued;
}

bool
UploadTypeMatches(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name,
                  std::string_view content_type) {
	unsigned char b[16];
	if (!ParseUploadUuid(blob_name, b) || UuidVersion(b) != 8)
		return false;
	char media[255];
	const size_t media_len = NormalizeMediaType(content_type, media);
	if (media_len == 0)
		return false;
	const std::string_view file = blob_name.substr(37);
	const uint64_t t = TypeMacV2(secret, user_id, b, file, std::string_view(media, media_len));
	unsigned char expected[16];
	PackV2(b, UserMacV2(secret, user_id, b, t, file), t, expected);
	return CRYPTO_memcmp(b, expected, 16) == 0;
}

size_t
NormalizeMediaType(std::string_view ct, char out[255]) {
	std::string_view main = ct.substr(0, ct.find(';'));
	while (!main.empty() && (main.front() == ' ' || main.front() == '\t'))
		main.remove_prefix(1);
	while (!main.empty() && (main.back() == ' ' || main.back() == '\t'))
		main.remove_suffix(1);
	if (main.empty() || main.size() > 255)
		return 0;
	for (size_t i = 0; i < main.size(); i++) {
		const char c = main[i];
		if (c < 0x21 || c > 0x7E)
			return 0;
		out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
	}
	return main.size();
}

std::string
NormalizeMediaType(std::string_view ct) {
	char buf[255];
	return std::string(buf, NormalizeMediaType(ct, buf));
}

bool
IsActiveContentType(std::string_view content_type) {
	/* A list of types: a browser uses the last one (WHATWG Fetch, "extract a MIME type"), whatever the first says. */
	if (content_type.find(',') != std::string_view::npos)
		return true;
	char buf[255];
	const size_t len = NormalizeMediaType(content_type, buf);
	const std::string_view media(buf, len);
	const size_t slash = media.find('/');
	if (len == 0 || slash == std::string_view::npos || slash == 0 || slash + 1 == len)
		return true; /* no type, or one a browser would sniff */
	const std::string_view type = media.substr(0, slash), sub = media.substr(slash + 1);
	const auto ends_with = [sub](std::string_view tail) {
		return sub.size() >= tail.size() && sub.substr(sub.size() - tail.size()) == tail;
	};
	/* XML of every kind renders as a document (XSLT, XHTML, SVG, MathML, RSS, XUL): "xml", "+xml", "xml-...". */
	if (sub == "xml" || ends_with("+xml") || sub.substr(0, 4) == "xml-" || sub == "xsl" || sub == "xslt")
		return true;
	/* multipart/x-mixed-replace renders each part; no multipart needs to render inline. */
	if (type == "multipart" || type == "message")
		return true;
	/* Types that make a browser sniff the body (WHATWG MIME Sniffing, "unknown" types). */
	if (media == "unknown/unknown" || media == "application/unknown" || type == "*" || sub == "*")
		return true;
	if (type == "text")
		return sub == "html" || sub == "xhtml" || sub == "javascript" || sub == "ecmascript" || sub == "jscript" ||
		       sub == "livescript" || sub == "x-javascript" || sub == "x-ecmascript" || sub == "x-component" ||
		       sub.substr(0, 10) == "javascript"; /* text/javascript1.0 to 1.5 */
	if (type == "application")
		return sub == "javascript" || sub == "ecmascript" || sub == "x-javascript" || sub == "x-ecmascript" ||
		       sub == "xhtml" || sub == "x-shockwave-flash" || sub == "futuresplash";
	return false;
}

void
WriteUuidV4(char out[36], const unsigned char random_bytes[16]) {
	static const char kHex[] = "0123456789abcdef";
	unsigned char b[16];
	for (int i = 0; i < 16; i++)
		b[i] = random_bytes[i];
	b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); /* variant 10xx */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		*out++ = kHex[b[i] >> 4];
		*out++ = kHex[b[i] & 0xF];
	}
}

std::string
FormatUuidV4(const unsigned char random_bytes[16]) {
	std::string out(36, '\0');
	WriteUuidV4(out.data(), random_bytes);
	return out;
}

void
ValidateContentType(std::string_view ct) {
	if (ct.empty())
		ThrowInvalid("content type must not be empty");
	if (ct.size() > 255)
		ThrowInvalid("content type is too long", "At most 255 bytes are allowed.");
	for (unsigned char c : ct)
		if (c < 0x20 || c > 0x7E)
			ThrowInvalid("content type must contain only printable ASCII characters",
			             "Control characters such as CR and LF are not allowed.");
	std::string_view main = ct.substr(0, ct.find(';'));
	while (!main.empty() && main.back() == ' ')
		main.remove_suffix(1);
	size_t slash = main.find('/');
	if (slash == std::string_view::npos || !IsToken(main.substr(0, slash)) || !IsToken(main.substr(slash + 1)))
		ThrowInvalid("invalid content type \"" + std::string(ct) + "\"",
		             "A content type has the form type/subtype, such as \"image/png\".");
}

} // namespace azure_blob::core
