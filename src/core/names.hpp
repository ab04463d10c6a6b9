/*-------------------------------------------------------------------------
 * names.hpp
 *	  Azure naming rules for accounts, containers and blobs.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string_view>

namespace azure_blob::core {

inline constexpr size_t kMaxBlobNameChars = 1024;
inline constexpr size_t kMaxBlobNameBytes = 4 * kMaxBlobNameChars; /* UTF-8: at most 4 bytes a character */
inline constexpr size_t kMaxBlobSegments = 254;
inline constexpr size_t kMaxContainerNameBytes = 63;
/* azure_generate_upload_sas names a blob "<uuid>-<file name>" (src/core/upload.cpp): 36 + 1 characters first. */
inline constexpr size_t kUploadPrefixChars = 37;
inline constexpr size_t kMaxFileNameChars = kMaxBlobNameChars - kUploadPrefixChars; /* 987 */

/* Each throws Error(22023) naming the rule that failed; the message quotes the name only where safe. */
void ValidateAccountName(std::string_view name);
void ValidateContainerName(std::string_view name);
/*
 * Valid UTF-8, 1 to 1024 characters, no "\", no empty, "." or ".." segment, no
 * leading "/", no trailing "/" or ".", and no character that hides what the
 * name is: C0 and C1 controls, DEL, U+2028/U+2029, and the bidirectional
 * formatting characters U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069.
 */
void ValidateBlobName(std::string_view name);
/* A file name for azure_generate_upload_sas: a blob name with no "/" or "\", of at most 987 characters. */
void ValidateFileName(std::string_view name);

} // namespace azure_blob::core
