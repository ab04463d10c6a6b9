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

#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

/* Bytes encodeURIComponent leaves alone. Built once at compile time. */
constexpr std::array<bool, 256>
MakeUnreserved(bool keep_quote) {
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
	return t;
}

constexpr auto kComponentSafe = MakeUnreserved(true);
/* escapeURLPath additionally encodes "'" in paths. */
constexpr auto kPathSafe = MakeUnreserved(false);

void
AppendEncoded(std::string &out, std::string_view s, const std::array<bool, 256> &safe) {
	/* Copy runs of safe bytes in one append each; most values are mostly safe. */
	const char *p = s.data();
	const char *const end = p + s.size();
	while (p < end) {
		const char *run = p;
		while (p < end && safe[static_cast<unsigned char>(*p)])
			p++;
		out.append(run, static_cast<size_t>(p - run));
		if (p == end)
			break;
		const unsigned char c = static_cast<unsigned char>(*p++);
		const char escaped[3] = {'%', kHex[c >> 4], kHex[c & 0xF]};
		out.append(escaped, 3);
	}
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

void
AppendUriComponent(std::string &out, std::string_view s) {
	AppendEncoded(out, s, kComponentSafe);
}

std::string
EncodeUriComponent(std::string_view s) {
	std::string out;
	out.reserve(s.size() * 3);
	AppendUriComponent(out, s);
	return out;
}

void
AppendBlobPath(std::string &out, std::string_view blob_name) {
	/* "/" separates virtual directories and is never encoded. */
	size_t start = 0;
	for (;;) {
		size_t slash = blob_name.find('/', start);
		AppendEncoded(out, blob_name.substr(start, slash - start), kPathSafe);
		if (slash == std::string_view::npos)
			break;
		out.push_back('/');
		start = slash + 1;
	}
}

std::string
EncodeBlobPath(std::string_view blob_name) {
	std::string out;
	out.reserve(blob_name.size() * 3);
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
		bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
		             c == '/';
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
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
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
