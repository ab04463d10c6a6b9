/*-------------------------------------------------------------------------
 * upload.cpp
 *	  Generated blob names and content-type checks for the upload flow.
 *
 * The caller supplies the randomness (pg_strong_random in the backend),
 * keeping this file free of Postgres and testable with fixed bytes.
 *-------------------------------------------------------------------------
 */
#include "core/upload.hpp"

#include "core/error.hpp"
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

} // namespace

std::string
FormatUuidV4(const unsigned char random_bytes[16]) {
	static const char kHex[] = "0123456789abcdef";
	unsigned char b[16];
	for (int i = 0; i < 16; i++)
		b[i] = random_bytes[i];
	b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); /* variant 10xx */
	std::string out;
	out.reserve(36);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out.push_back('-');
		out.push_back(kHex[b[i] >> 4]);
		out.push_back(kHex[b[i] & 0xF]);
	}
	return out;
}

std::string
MakeUploadBlobName(const unsigned char random_bytes[16], std::string_view file_name) {
	ValidateFileName(file_name);
	std::string name = FormatUuidV4(random_bytes);
	name.push_back('-');
	name.append(file_name);
	ValidateBlobName(name); /* the prefix counts towards the 1024-character limit */
	return name;
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
