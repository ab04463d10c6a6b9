/*-------------------------------------------------------------------------
 * names.cpp
 *	  Azure naming rules for accounts, containers and blobs.
 *
 * Sources: "Naming and Referencing Containers, Blobs, and Metadata" (Microsoft
 * docs) and azure-sas-spec.md §2.3, §5.5.6, §6.1.  Blob names are stricter
 * here than the service requires where the service would silently rewrite a
 * name (backslashes, dot segments), so a name always means one blob.
 *-------------------------------------------------------------------------
 */
#include "core/names.hpp"

#include <string>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

bool
IsLowerAlnum(char c) {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

} // namespace

void
ValidateAccountName(std::string_view name) {
	if (name.size() < 3 || name.size() > 24)
		ThrowInvalid("invalid storage account name", "An account name has 3 to 24 characters.");
	for (char c : name)
		if (!IsLowerAlnum(c))
			ThrowInvalid("invalid storage account name", "An account name has only lowercase letters and digits.");
}

void
ValidateContainerName(std::string_view name) {
	/* The name as shown in the message: built only when there is an error to report. */
	const auto invalid = [name](const char *rule) {
		const std::string shown(name.substr(0, 64));
		ThrowInvalid("invalid container name \"" + (IsValidUtf8(shown) ? shown : std::string("?")) + "\"", rule);
	};
	if (name.size() < 3 || name.size() > kMaxContainerNameBytes)
		invalid("A container name has 3 to 63 characters.");
	for (char c : name)
		if (!IsLowerAlnum(c) && c != '-')
			invalid("A container name has only lowercase letters, digits and hyphens.");
	if (name.front() == '-' || name.back() == '-' || name.find("--") != std::string_view::npos)
		invalid("A container name starts and ends with a letter or digit and has no two hyphens in a row.");
}

namespace {

/*
 * The common case in one pass: printable ASCII, no "\", sane segments.
 * True means the name is valid; false means "look closer" (the full checks
 * below then find the first rule broken, with its own message).
 */
bool
IsPlainValidBlobName(std::string_view name) {
	const size_t n = name.size();
	if (n == 0 || n > kMaxBlobNameChars || name[0] == '/' || name[n - 1] == '/' || name[n - 1] == '.')
		return false;
	size_t segments = 1, seg_start = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char c = static_cast<unsigned char>(name[i]);
		if (c < 0x20 || c >= 0x7F || c == '\\')
			return false;
		if (c == '/') {
			const size_t len = i - seg_start;
			if (len == 0 || (len == 1 && name[seg_start] == '.') ||
			    (len == 2 && name[seg_start] == '.' && name[seg_start + 1] == '.'))
				return false;
			segments++;
			seg_start = i + 1;
		}
	}
	const size_t len = n - seg_start;
	if (len == 2 && name[seg_start] == '.' && name[seg_start + 1] == '.')
		return false;
	return segments <= kMaxBlobSegments;
}

/*
 * Refuses the character that starts at name[i] (valid UTF-8, lead byte >= 0x80)
 * if it is one that makes a name show as something else:
 *   - C1 controls U+0080-U+009F (UTF-8 C2 80 - C2 9F), control characters
 *     like C0 (U+0085 NEXT LINE breaks lines);
 *   - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (E2 80 A8/A9):
 *     Unicode's own line breaks, which split a name over two lines in a file
 *     list or a log line just as CR/LF would;
 *   - bidirectional formatting: U+061C ARABIC LETTER MARK (D8 9C), U+200E/
 *     U+200F LRM/RLM (E2 80 8E/8F), the embeddings and overrides U+202A-
 *     U+202E (E2 80 AA-AE) and the isolates U+2066-U+2069 (E2 81 A6-A9):
 *     "invoice" U+202E "fdp.exe" displays as "invoiceexe.pdf".
 * Neighbours stay valid: U+00A0 NO-BREAK SPACE, U+200D ZERO WIDTH JOINER
 * (emoji sequences), U+202F NARROW NO-BREAK SPACE (macOS puts it before
 * "AM"/"PM" in screenshot names), U+2065 and U+206A.
 */
void
CheckNonAsciiCharacter(std::string_view name, size_t i) {
	const unsigned char c = static_cast<unsigned char>(name[i]);
	const unsigned char c1 = i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0;
	const unsigned char c2 = i + 2 < name.size() ? static_cast<unsigned char>(name[i + 2]) : 0;
	if (c == 0xC2 && c1 >= 0x80 && c1 <= 0x9F)
		ThrowInvalid("blob name must not contain control characters",
		             "C1 control characters (U+0080 to U+009F) are not allowed.");
	const bool bidi = (c == 0xD8 && c1 == 0x9C) || (c == 0xE2 && c1 == 0x80 && (c2 == 0x8E || c2 == 0x8F)) ||
	                  (c == 0xE2 && c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) ||
	                  (c == 0xE2 && c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9);
	if (bidi)
		ThrowInvalid("blob name must not contain bidirectional formatting characters",
		             "Marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A to U+202E, "
		             "U+2066 to U+2069) can make a name display as a different one.");
	if (c == 0xE2 && c1 == 0x80 && (c2 == 0xA8 || c2 == 0xA9))
		ThrowInvalid("blob name must not contain line or paragraph separators",
		             "U+2028 and U+2029 break a name over two lines.");
}

} // namespace

void
ValidateBlobName(std::string_view name) {
	if (IsPlainValidBlobName(name))
		return;
	if (name.empty())
		ThrowInvalid("blob name must not be empty");
	if (!IsValidUtf8(name))
		ThrowInvalid("blob name is not valid UTF-8");
	if (Utf8Length(name) > kMaxBlobNameChars)
		ThrowInvalid("blob name is too long", "A blob name has at most 1024 characters.");
	for (size_t i = 0; i < name.size(); i++) {
		const unsigned char c = static_cast<unsigned char>(name[i]);
		if (c < 0x20 || c == 0x7F)
			ThrowInvalid("blob name must not contain control characters");
		if (c == '\\')
			ThrowInvalid("blob name must not contain \"\\\"",
			             "Azure treats \"\\\" as \"/\", so the name would not be the blob's own.");
		if (c >= 0x80)
			CheckNonAsciiCharacter(name, i);
	}
	if (name.front() == '/')
		ThrowInvalid("blob name must not start with \"/\"");
	if (name.back() == '/' || name.back() == '.')
		ThrowInvalid("blob name must not end with \"/\" or \".\"");
	size_t segments = 0;
	size_t start = 0;
	for (;;) {
		size_t slash = name.find('/', start);
		std::string_view seg = name.substr(start, slash == std::string_view::npos ? slash : slash - start);
		segments++;
		if (seg.empty())
			ThrowInvalid("blob name must not contain an empty path segment (\"//\")");
		if (seg == "." || seg == "..")
			ThrowInvalid("blob name must not contain \".\" or \"..\" path segments");
		if (slash == std::string_view::npos)
			break;
		start = slash + 1;
	}
	if (segments > kMaxBlobSegments)
		ThrowInvalid("blob name has too many path segments", "A blob name has at most 254 segments.");
}

void
ValidateFileName(std::string_view name) {
	if (name.empty())
		ThrowInvalid("file name must not be empty");
	if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
		ThrowInvalid("file name must not contain \"/\" or \"\\\"",
		             "Uploaded files are stored flat, under a generated prefix.");
	/* Bytes bound characters from above: only a long name is counted (invalid UTF-8 is ValidateBlobName's). */
	if (name.size() > kMaxFileNameChars && IsValidUtf8(name) && Utf8Length(name) > kMaxFileNameChars)
		ThrowInvalid("file name is too long",
		             "A file name has at most 987 characters: blob names are at most 1024 characters and the issued "
		             "name adds a 37-character prefix.");
	ValidateBlobName(name);
}

} // namespace azure_blob::core
