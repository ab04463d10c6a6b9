/*-------------------------------------------------------------------------
 * encoding.hpp
 *	  Percent-encoding, Base64 and UTF-8 checks (azure-sas-spec.md §1.3, §6).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>

namespace azure_blob::core {

/* JavaScript encodeURIComponent over the UTF-8 bytes of s; upper-case hex. */
void AppendUriComponent(std::string &out, std::string_view s);
/*
 * The same, written at out, which has room for EncodedBound(s.size()) bytes
 * (the writers may store scratch bytes past the end they return, never past
 * that bound); returns the end.  The hot path of the signers writes through these into
 * buffers sized once (no std::string growth per field).
 */
char *WriteUriComponent(char *out, std::string_view s);
constexpr size_t
EncodedBound(size_t n) {
	return 3 * n + 16; /* every byte as %XX, and 16 bytes to spare for the writers' stores past their end */
}
std::string EncodeUriComponent(std::string_view s);

/* URL path of a blob name: each "/"-separated segment encoded, "'" as %27 (JS escapeURLPath). */
void AppendBlobPath(std::string &out, std::string_view blob_name);
char *WriteBlobPath(char *out, std::string_view blob_name); /* room for EncodedBound(size) */
/*
 * endpoint + "/" + container [+ "/" + encoded blob path], written at out,
 * which has room for BlobUrlBound(...) bytes (the path encoder may store
 * scratch bytes past the returned end, within it).
 */
constexpr size_t
BlobUrlBound(size_t endpoint, size_t container, size_t blob) {
	return endpoint + 1 + container + 1 + EncodedBound(blob);
}
char *WriteContainerUrl(char *out, std::string_view endpoint, std::string_view container);
char *WriteBlobUrl(char *out, std::string_view endpoint, std::string_view container, std::string_view blob);
/*
 * encodeURIComponent(Base64(data)) in one pass, without branches on the
 * data: "+", "/" and "=" become %2B, %2F, %3D.  out has room for
 * Base64UriComponentBound(len) bytes (it may store scratch bytes past the
 * returned end, within that bound).  Signatures go into URLs this way.
 */
char *WriteBase64UriComponent(char *out, const unsigned char *data, size_t len);
constexpr size_t
Base64UriComponentBound(size_t len) {
	return 3 * 4 * ((len + 2) / 3) + 4;
}

std::string EncodeBlobPath(std::string_view blob_name);

/* %XX to bytes; with plus_is_space, "+" becomes " " (query strings). Malformed escapes stay literal. */
std::string PercentDecode(std::string_view s, bool plus_is_space);

/* Standard Base64 with padding, no line breaks. */
std::string Base64Encode(const unsigned char *data, size_t len);
std::string Base64Encode(std::string_view data);

/* Strict Base64 decode: alphabet, length multiple of 4, padding only at the end. false if malformed. */
bool Base64Decode(std::string_view text, std::string &out);

/* True if s is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
bool IsValidUtf8(std::string_view s);

/* Number of code points in valid UTF-8 s. */
size_t Utf8Length(std::string_view s);

} // namespace azure_blob::core
