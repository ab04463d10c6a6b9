/*-------------------------------------------------------------------------
 * error.hpp
 *	  The typed error thrown by core code and by the Postgres glue.
 *
 * Core code never includes postgres.h, so it names its SQLSTATE as the
 * five-character string; the boundary (pg_boundary.hpp) turns it into an
 * ereport with MAKE_SQLSTATE.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <exception>
#include <string>
#include <utility>

namespace azure_blob {

/* SQLSTATEs used by the extension, as text (see PostgreSQL errcodes.txt). */
namespace sqlstate {
inline constexpr const char *kInvalidParameterValue = "22023";
inline constexpr const char *kNullValueNotAllowed = "22004";
inline constexpr const char *kInsufficientPrivilege = "42501";
inline constexpr const char *kObjectNotInPrerequisiteState = "55000";
inline constexpr const char *kUndefinedObject = "42704";
inline constexpr const char *kDuplicateObject = "42710";
inline constexpr const char *kFeatureNotSupported = "0A000";
inline constexpr const char *kConnectionFailure = "08006";
inline constexpr const char *kExternalRoutineException = "38000";
inline constexpr const char *kOutOfMemory = "53200";
inline constexpr const char *kInternalError = "XX000";
inline constexpr const char *kUndefinedFile = "58P01";
inline constexpr const char *kIoError = "58030";
inline constexpr const char *kConfigFileError = "F0000";
/* A blob azure_save_metadata looked for in Azure is not there (docs/sqlstates.md says why this code). */
inline constexpr const char *kNoDataFound = "P0002";
} // namespace sqlstate

/* An error meant for the SQL caller: SQLSTATE, message, optional detail and hint. */
struct Error : std::exception {
	std::string sqlstate;
	std::string message;
	std::string detail;
	std::string hint;

	Error(std::string state, std::string msg, std::string det = {}, std::string hnt = {})
	    : sqlstate(std::move(state)), message(std::move(msg)), detail(std::move(det)), hint(std::move(hnt)) {
	}
	const char *
	what() const noexcept override {
		return message.c_str();
	}
};

/* Shorthand for the most common case: an invalid argument (22023). */
[[noreturn]] inline void
ThrowInvalid(std::string msg, std::string detail = {}, std::string hint = {}) {
	throw Error(sqlstate::kInvalidParameterValue, std::move(msg), std::move(detail), std::move(hint));
}

} // namespace azure_blob
