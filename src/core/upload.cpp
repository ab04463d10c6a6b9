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
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
	case '+': case '-': case '.': case '^': case '_': case '`': case '|': case '~':
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
	std::string name(37 + file_name.size(), '-');
	WriteUuidV4(name.data(), b);
	memcpy(name.data() + 37, file_name.data(), file_name.size());
	/* The uuid and file name are valid on their own; only the total length is left to check. */
	if (Utf8Length(name) > kMaxBlobNameChars)
		ThrowInvalid("blob name is too long", "A blob name has at most 1024 characters.");
	return name;
}

bool
IsIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name) {
	if (blob_name.size() < 38 || blob_name[36] != '-')
		return false;
	unsigned char b[16];
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
	if (k != 16)
		return false;
	unsigned char expected[16];
	IssuedUuidBytes(secret, user_id, b, blob_name.substr(37), expected);
	return CRYPTO_memcmp(b, expected, 16) == 0;
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
