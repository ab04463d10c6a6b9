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
 * Upload names that prove who they were issued to, and for which content
 * type, without storing anything: "<uuid>-<file_name>", the uuid made of
 * random bits and truncated HMACs under a per-database secret.
 *
 * Layout v1 (1.0): a version 4 uuid whose first 8 bytes are random and whose
 * last 8 bytes are an HMAC of the user id, those random bytes and the file
 * name ("azure_blob upload name v1" label); the version and variant bits
 * leave 60 random bits and a 62-bit MAC.  Still verified, no longer issued.
 *
 * Layout v2 (1.1): a version 8 uuid (RFC 9562 UUIDv8, "vendor-specific").
 * Its 122 free bits, in order, are F = R(40) || U(41) || T(41), placed
 * around the fixed bits; bit 0 is the most significant bit of uuid byte 0:
 *   uuid bits   0..39  R       bytes 0-4
 *   uuid bits  40..47  U[0..7]      byte 5
 *   uuid bits  48..51  version 8    high nibble of byte 6
 *   uuid bits  52..63  U[8..19]     low nibble of byte 6, byte 7
 *   uuid bits  64..65  variant 10   top bits of byte 8
 *   uuid bits  66..86  U[20..40]    rest of byte 8, byte 9, top 7 bits of byte 10
 *   uuid bits  87..127 T[0..40]     last bit of byte 10, bytes 11-15
 * R: random bits (uniqueness, not secrecy);
 * T: the first 41 bits of HMAC("azT2", be32(len user), user, R (5 bytes),
 *    be32(len file), file name, media type): the content type the name was
 *    issued for;
 * U: the first 41 bits of HMAC("azU2", be32(len user), user, R, T (6 bytes,
 *    big-endian, top 7 bits zero), file name): the whole name was issued to
 *    this user, checked without knowing the type.
 * The 4-byte labels (no NUL) keep the two messages apart from each other and
 * from v1's; short, so that typical names cost one SHA-256 block each.
 * HMAC is HMAC-SHA256 under the secret; "first bits" are the most
 * significant bits of the MAC's first bytes; be32 is a 4-byte big-endian length.
 * The media type is NormalizeMediaType() of the declared type: what a browser
 * sends may differ from what was declared in case and parameters only.
 */
enum class IssuedUpload { kNotIssued, kIssuedV1, kIssuedV2 };

inline constexpr size_t kUploadRandomBytes = 5; /* R of layout v2 */

/*
 * Issues a v2 name for file_name (ValidateFileName) and content_type
 * (ValidateContentType) to user_id; uses random_bytes[0..4].  Throws Error(22023).
 */
std::string MakeIssuedUploadName(const HmacSha256 &secret, std::string_view user_id,
                                 const unsigned char random_bytes[kUploadRandomBytes], std::string_view file_name,
                                 std::string_view content_type);
/* A v1 name, as 1.0 issued them (tests and compatibility checks only). */
std::string MakeIssuedUploadName(const HmacSha256 &secret, std::string_view user_id,
                                 const unsigned char random_bytes[8], std::string_view file_name);

/* Which layout issued blob_name to user_id, if any. Constant-time MAC comparison. */
IssuedUpload CheckIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name);
/* True if blob_name was issued to user_id, in either layout. */
bool IsIssuedUploadName(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name);
/*
 * True if blob_name is a v2 name issued to user_id for a content type with
 * the same media type as content_type (case and parameters ignored).  False
 * for v1 names, which bind no type, and for anything not issued to user_id.
 */
bool UploadTypeMatches(const HmacSha256 &secret, std::string_view user_id, std::string_view blob_name,
                       std::string_view content_type);

/*
 * The media type of a Content-Type value: the text before any ";", without
 * surrounding spaces and tabs, in ASCII lower case ("Text/HTML; charset=UTF-8"
 * is "text/html").  Written to out; returns its length, or 0 if the result is
 * empty, longer than 255 bytes, or not printable ASCII.
 */
size_t NormalizeMediaType(std::string_view content_type, char out[255]);
std::string NormalizeMediaType(std::string_view content_type);

/*
 * True if a browser may run script or render a document from a response of
 * this type (HTML, XML and its +xml family such as SVG, XSLT, JavaScript,
 * every multipart type, and types that make browsers sniff the body), or if the type is
 * empty or unparsable: such a file is served as an attachment.  Case and
 * parameters are ignored.
 */
bool IsActiveContentType(std::string_view content_type);

/*
 * The random part of upload names.  It must make names unique, not secret
 * (names travel in URLs; the MAC is what proves issuance), so a 64-bit seed
 * from the operating system's CSPRNG (pg_strong_random) per backend feeds
 * SplitMix64: distinct for every call of a backend (a bijection of a
 * counter), independent across backends, and a few nanoseconds per name
 * instead of a DRBG call.  Layout v2 keeps the first 5 of the 8 bytes: a
 * repeat then needs the same user, file name and 40 random bits (names of
 * different users or files differ in their MACs), and a repeated name is
 * refused by the service anyway (upload URLs are create-only).
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
