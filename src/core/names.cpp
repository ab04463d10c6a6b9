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
			ThrowInvalid("invalid storage account name",
			             "An account name has only lowercase letters and digits.");
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
	for (unsigned char c : name) {
		if (c < 0x20 || c == 0x7F)
			ThrowInvalid("blob name must not contain control characters");
		if (c == '\\')
			ThrowInvalid("blob name must not contain \"\\\"",
			             "Azure treats \"\\\" as \"/\", so the name would not be the blob's own.");
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
	ValidateBlobName(name);
}

} // namespace azure_blob::core
