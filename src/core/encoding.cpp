/*-------------------------------------------------------------------------
 * encoding.cpp
 *	  Percent-encoding, Base64 and UTF-8 checks.
 *
 * Percent-encoding follows the JS SDK (the reference for token text,
 * azure-sas-spec.md §0): encodeURIComponent keeps A-Z a-z 0-9 - _ . ! ~ * ' ( )
 * and encodes every other byte as upper-case %XX.  Base64 uses OpenSSL's
 * EVP_EncodeBlock/EVP_DecodeBlock with the padding fix of spec §1.1.
 *-------------------------------------------------------------------------
 */
#include "core/encoding.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

/* Bytes encodeURIComponent leaves alone. Built once at compile time. */
constexpr std::array<bool, 256>
MakeUnreserved(bool keep_quote, bool keep_slash) {
	std::array<bool, 256> t {};
	for (int c = 'A'; c <= 'Z'; c++)
		t[c] = true;
	for (int c = 'a'; c <= 'z'; c++)
		t[c] = true;
	for (int c = '0'; c <= '9'; c++)
		t[c] = true;
	for (char c : {'-', '_', '.', '!', '~', '*', '(', ')'})
		t[static_cast<unsigned char>(c)] = true;
	t[static_cast<unsigned char>('\'')] = keep_quote;
	t[static_cast<unsigned char>('/')] = keep_slash;
	return t;
}

constexpr auto kComponentSafe = MakeUnreserved(true, false);
/* Blob paths (escapeURLPath): "'" is encoded too; "/" separates virtual directories and never is. */
constexpr auto kPathSafe = MakeUnreserved(false, true);

char *
EncodeByte(char *out, unsigned char c) {
	out[0] = '%';
	out[1] = kHex[c >> 4];
	out[2] = kHex[c & 0xF];
	return out + 3;
}

/*
 * Writes s percent-encoded at out, which has room for EncodedBound(s.size()):
 * a byte-table loop.  (An SSE2 version that classified 16 bytes at once was
 * removed: bench/core/core_bench.cpp measured it 14 ns faster on a 47-byte
 * issued upload name, about 2 % of a URL of rows (b) and (c), within their
 * spread, and slower on short names and on a Content-Disposition value.)
 */
template <bool kPath>
char *
WriteEncoded(char *out, std::string_view s) {
	const auto &safe = kPath ? kPathSafe : kComponentSafe;
	for (const char ch : s) {
		const unsigned char c = static_cast<unsigned char>(ch);
		if (safe[c])
			*out++ = ch;
		else
			out = EncodeByte(out, c);
	}
	return out;
}

/* Appends through a writer: grows out to the bound, writes, and trims to what was written. */
template <typename Writer>
void
AppendWritten(std::string &out, std::string_view s, Writer write) {
	const size_t old = out.size();
	out.resize(old + EncodedBound(s.size()));
	char *const begin = out.data();
	out.resize(static_cast<size_t>(write(begin + old, s) - begin));
}

int
HexValue(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

} // namespace

char *
WriteUriComponent(char *out, std::string_view s) {
	return WriteEncoded<false>(out, s);
}

void
AppendUriComponent(std::string &out, std::string_view s) {
	AppendWritten(out, s, WriteUriComponent);
}

std::string
EncodeUriComponent(std::string_view s) {
	std::string out;
	AppendUriComponent(out, s);
	return out;
}

char *
WriteBlobPath(char *out, std::string_view blob_name) {
	return WriteEncoded<true>(out, blob_name);
}

void
AppendBlobPath(std::string &out, std::string_view blob_name) {
	AppendWritten(out, blob_name, WriteBlobPath);
}

char *
WriteContainerUrl(char *out, std::string_view endpoint, std::string_view container) {
	memcpy(out, endpoint.data(), endpoint.size());
	out += endpoint.size();
	*out++ = '/';
	memcpy(out, container.data(), container.size());
	return out + container.size();
}

char *
WriteBlobUrl(char *out, std::string_view endpoint, std::string_view container, std::string_view blob) {
	out = WriteContainerUrl(out, endpoint, container);
	*out++ = '/';
	return WriteBlobPath(out, blob);
}

std::string
EncodeBlobPath(std::string_view blob_name) {
	std::string out;
	AppendBlobPath(out, blob_name);
	return out;
}

std::string
PercentDecode(std::string_view s, bool plus_is_space) {
	std::string out;
	out.reserve(s.size());
	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i];
		if (c == '%' && i + 2 < s.size()) {
			int hi = HexValue(s[i + 1]);
			int lo = HexValue(s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				out.push_back(static_cast<char>(hi * 16 + lo));
				i += 2;
				continue;
			}
		}
		out.push_back(plus_is_space && c == '+' ? ' ' : c);
	}
	return out;
}

namespace {

/*
 * Each Base64 digit as its URL text, packed for one 4-byte store: up to three
 * characters in the low bytes, their count in the top byte.
 */
constexpr uint32_t
PackUrlText(const char *text, uint32_t n) {
	uint32_t v = n << 24;
	for (uint32_t i = 0; i < n; i++)
		v |= static_cast<uint32_t>(static_cast<unsigned char>(text[i])) << (8 * i);
	return v;
}

constexpr std::array<uint32_t, 65>
MakeBase64UrlDigits() {
	constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	std::array<uint32_t, 65> t {};
	for (int i = 0; i < 62; i++)
		t[i] = PackUrlText(&kDigits[i], 1);
	t[62] = PackUrlText("%2B", 3); /* + */
	t[63] = PackUrlText("%2F", 3); /* / */
	t[64] = PackUrlText("%3D", 3); /* = (padding) */
	return t;
}

constexpr auto kBase64UrlDigits = MakeBase64UrlDigits();

/* Stores digit d's URL text (little-endian byte order of the packed word) and returns the new end. */
char *
PutDigit(char *out, uint32_t d) {
	const uint32_t v = kBase64UrlDigits[d];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out, &v, 4); /* the characters are the low bytes, first at the lowest address */
#else
	const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), 0};
	memcpy(out, bytes, 4);
#endif
	return out + (v >> 24);
}

} // namespace

char *
WriteBase64UriComponent(char *out, const unsigned char *data, size_t len) {
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		const uint32_t g = (uint32_t {data[i]} << 16) | (uint32_t {data[i + 1]} << 8) | data[i + 2];
		out = PutDigit(out, g >> 18);
		out = PutDigit(out, (g >> 12) & 63);
		out = PutDigit(out, (g >> 6) & 63);
		out = PutDigit(out, g & 63);
	}
	if (len - i == 1) {
		const uint32_t g = uint32_t {data[i]} << 16;
		out = PutDigit(out, g >> 18);
		out = PutDigit(out, (g >> 12) & 63);
		out = PutDigit(out, 64);
		out = PutDigit(out, 64);
	} else if (len - i == 2) {
		const uint32_t g = (uint32_t {data[i]} << 16) | (uint32_t {data[i + 1]} << 8);
		out = PutDigit(out, g >> 18);
		out = PutDigit(out, (g >> 12) & 63);
		out = PutDigit(out, (g >> 6) & 63);
		out = PutDigit(out, 64);
	}
	return out;
}

std::string
Base64Encode(const unsigned char *data, size_t len) {
	const size_t encoded = 4 * ((len + 2) / 3);
	/* One spare byte for the NUL that EVP_EncodeBlock writes, dropped by the resize. */
	std::string out(encoded + 1, '\0');
	if (len > 0)
		EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(len));
	out.resize(encoded);
	return out;
}

std::string
Base64Encode(std::string_view data) {
	return Base64Encode(reinterpret_cast<const unsigned char *>(data.data()), data.size());
}

bool
Base64Decode(std::string_view text, std::string &out) {
	if (text.empty() || text.size() % 4 != 0)
		return false;
	size_t pad = 0;
	for (size_t i = 0; i < text.size(); i++) {
		unsigned char c = static_cast<unsigned char>(text[i]);
		bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (c == '=') {
			/* Padding: at most two, only at the very end. */
			if (i < text.size() - 2)
				return false;
			pad++;
		} else if (!alpha || pad > 0) {
			return false;
		}
	}
	out.assign(text.size() / 4 * 3, '\0');
	int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
	                        reinterpret_cast<const unsigned char *>(text.data()), static_cast<int>(text.size()));
	if (n < 0)
		return false;
	/* EVP_DecodeBlock counts the bytes that stand for "=" padding (spec §1.1). */
	out.resize(static_cast<size_t>(n) - pad);
	return true;
}

bool
IsValidUtf8(std::string_view s) {
	size_t i = 0;
	const size_t n = s.size();
	while (i < n) {
		unsigned char c = static_cast<unsigned char>(s[i]);
		if (c < 0x80) {
			i++;
			continue;
		}
		int len;
		unsigned int cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (int k = 1; k < len; k++) {
			unsigned char cc = static_cast<unsigned char>(s[i + k]);
			if ((cc & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

size_t
Utf8Length(std::string_view s) {
	size_t count = 0;
	for (unsigned char c : s)
		if ((c & 0xC0) != 0x80)
			count++;
	return count;
}

} // namespace azure_blob::core
