/*-------------------------------------------------------------------------
 * upload.hpp
 *	  Pieces of the guide's upload flow: generated blob names and content
 *	  types.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/hmac.hpp"

namespace azure_blob::core {

/* Lower-case 8-4-4-4-12 text of bytes with the version 4 and RFC 4122 variant bits set. */
std::string FormatUuidV4(const unsigned char random_bytes[16]);
void WriteUuidV4(char out[36], const unsigned char random_bytes[16]); /* the same 36 characters, no NUL */

/*
 * Upload names that prove who they were issued to, without storing anything:
 * "<uuid>-<file_name>" where the uuid's first 8 bytes are random and its last
 * 8 bytes are an HMAC (under a per-database secret) of the user id, those
 * random bytes and the file name.  The version and variant bits of a v4 UUID
 * cost 4 + 2 bits, leaving 60 random bits and a 62-bit MAC.
 */
std::string MakeIssuedUploadName(const HmacSha256 &secret, std::string_view user_id,
                                 const unsigned char random_bytes[8], std::string_view file_name);
/* True if blob_name is a name MakeIssuedUploadName gave to user_id. Constant-time MAC comparison. */
bool IsIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name);

/*
 * The random part of upload names.  It must make names unique, not secret
 * (names travel in URLs; the MAC is what proves issuance), so a 64-bit seed
 * from the operating system's CSPRNG (pg_strong_random) per backend feeds
 * SplitMix64: distinct for every call of a backend (a bijection of a
 * counter), independent across backends, and a few nanoseconds per name
 * instead of a DRBG call.
 */
class NonceSource {
public:
	explicit NonceSource(uint64_t seed) : state_(seed) {
	}
	void Next(unsigned char out[8]);

private:
	uint64_t state_;
};

/* A media type "type/subtype[; params]" in printable ASCII, at most 255 bytes. Throws Error(22023). */
void ValidateContentType(std::string_view content_type);

} // namespace azure_blob::core
