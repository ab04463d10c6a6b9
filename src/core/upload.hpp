/*-------------------------------------------------------------------------
 * upload.hpp
 *	  Pieces of the guide's upload flow: generated blob names and content
 *	  types.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>

namespace azure_blob::core {

/* Lower-case 8-4-4-4-12 text of bytes with the version 4 and RFC 4122 variant bits set. */
std::string FormatUuidV4(const unsigned char random_bytes[16]);

/* "<uuid>-<file_name>", the guide's naming; validates file_name and the result. Throws Error(22023). */
std::string MakeUploadBlobName(const unsigned char random_bytes[16], std::string_view file_name);

/* A media type "type/subtype[; params]" in printable ASCII, at most 255 bytes. Throws Error(22023). */
void ValidateContentType(std::string_view content_type);

} // namespace azure_blob::core
