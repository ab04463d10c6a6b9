/*-------------------------------------------------------------------------
 * fuzz_blob_name.cpp
 *	  libFuzzer target: blob-name rules and URL encoding.
 *
 * Invariants: a name that ValidateBlobName accepts encodes to a URL path
 * with only unreserved characters, "/" and %XX escapes, which decodes back
 * to the name; encodeURIComponent output always decodes back to its input.
 * The SSE2 encoders give the same bytes as the byte-table loop, and the
 * one-pass URL text of Base64 equals encoding the Base64 text.  An accepted
 * name holds no C0/C1 control, DEL, U+2028/U+2029 or bidirectional
 * formatting character (decoded here independently of names.cpp).
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <string>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "../unit/encoding_reference.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;
using azure_blob::test::ByteByByte;

namespace {

/* True if the valid UTF-8 text s has a code point that ValidateBlobName must refuse. */
bool
HasRefusedCodePoint(const std::string &s) {
	for (size_t i = 0; i < s.size();) {
		const unsigned char c = static_cast<unsigned char>(s[i]);
		const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
		for (size_t k = 1; k < n && i + k < s.size(); k++)
			cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
		i += n;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
		    (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			return true;
	}
	return false;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const std::string s(reinterpret_cast<const char *>(data), size);
	const std::string component = core::EncodeUriComponent(s);
	FUZZ_CHECK(core::PercentDecode(component, false) == s);
	FUZZ_CHECK(component == ByteByByte(s, false));
	FUZZ_CHECK(core::EncodeBlobPath(s) == ByteByByte(s, true));
	{
		std::string b64url(core::Base64UriComponentBound(size), '\0');
		const char *end = core::WriteBase64UriComponent(b64url.data(), data, size);
		b64url.resize(static_cast<size_t>(end - b64url.data()));
		FUZZ_CHECK(b64url == core::EncodeUriComponent(core::Base64Encode(data, size)));
	}
	for (char c : component)
		FUZZ_CHECK(c != '#' && c != '?' && c != '&' && c != '=' && c != '+' && c != '/' && c != ' ');
	bool valid = true;
	try {
		core::ValidateBlobName(s);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "22023");
		valid = false;
	}
	if (valid) {
		FUZZ_CHECK(core::IsValidUtf8(s));
		FUZZ_CHECK(!HasRefusedCodePoint(s));
		FUZZ_CHECK(!s.empty() && s.front() != '/' && s.back() != '/' && s.back() != '.');
		FUZZ_CHECK(s.find("//") == std::string::npos && s.find('\\') == std::string::npos);
		const std::string path = core::EncodeBlobPath(s);
		for (char c : path)
			FUZZ_CHECK(c != '#' && c != '?' && c != ' ' && c != '\'' && c != '\\' &&
			           static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F);
		FUZZ_CHECK(core::PercentDecode(path, false) == s);
	}
	return 0;
}
