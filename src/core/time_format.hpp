/*-------------------------------------------------------------------------
 * time_format.hpp
 *	  Locale-free time formatting for SAS fields and x-ms-date (spec §1.2),
 *	  and parsing of the RFC 1123 times Azure answers with.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace azure_blob::core {

/* Seconds since 1970-01-01 00:00:00 UTC of the first and last second we can format (years 0001-9999). */
inline constexpr int64_t kMinUnixSeconds = -62135596800LL;
inline constexpr int64_t kMaxUnixSeconds = 253402300799LL;

/* "YYYY-MM-DDThh:mm:ssZ"; throws Error(22023) outside years 0001-9999. */
std::string FormatIso8601(int64_t unix_seconds);
/* Appends the same 20 characters to out. */
void AppendIso8601(std::string &out, int64_t unix_seconds);
/* Writes the same 20 characters to out (no NUL). */
void WriteIso8601(char out[20], int64_t unix_seconds);

/* RFC 1123 with English names: "Mon, 01 Jan 2024 00:00:00 GMT". */
std::string FormatRfc1123(int64_t unix_seconds);
/* The reverse, for Last-Modified headers and listings: Unix seconds; nullopt if malformed. */
std::optional<int64_t> ParseRfc1123(std::string_view text);

} // namespace azure_blob::core
