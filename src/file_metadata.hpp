/*-------------------------------------------------------------------------
 * file_metadata.hpp
 *	  What azure_save_metadata hands to the azure_files trigger
 *	  (file_metadata.cpp).
 *-------------------------------------------------------------------------
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace azure_blob {

/*
 * azure_save_metadata hands the properties it read from Azure for blob (in
 * the server encoding) to the trigger for the one INSERT it makes; NULL
 * pointers / has_size false mean "not known".  Clear it right after the
 * INSERT, also when it fails.
 */
void SetVerifiedProperties(const char *blob_server, bool has_size, int64 size, const char *content_type,
                           const char *etag);
void ClearVerifiedProperties() noexcept;

} // namespace azure_blob
