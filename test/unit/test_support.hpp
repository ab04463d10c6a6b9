/*-------------------------------------------------------------------------
 * test_support.hpp
 *	  Helpers shared by the unit tests of src/core.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace azure_blob::test {

/*
 * Runs fn, which must throw azure_blob::Error with the given SQLSTATE.
 * Returns the error so callers can check its message, detail and hint;
 * returns std::nullopt (after recording a failure) otherwise.
 */
inline std::optional<Error>
CatchError(const std::function<void()> &fn) {
	try {
		fn();
	} catch (const Error &e) {
		return e;
	} catch (const std::exception &e) {
		ADD_FAILURE() << "threw a std::exception that is not azure_blob::Error: " << e.what();
		return std::nullopt;
	} catch (...) {
		ADD_FAILURE() << "threw something that is not azure_blob::Error";
		return std::nullopt;
	}
	ADD_FAILURE() << "did not throw";
	return std::nullopt;
}

/* message + detail + hint, for "never shows the secret" checks. */
inline std::string
AllText(const Error &e) {
	return e.message + "\n" + e.detail + "\n" + e.hint;
}

} // namespace azure_blob::test

/*
 * EXPECT_AZ_ERROR(statement, "22023"): statement throws azure_blob::Error
 * with that SQLSTATE.  The error's primary message must be non-empty.
 */
#define EXPECT_AZ_ERROR(statement, state)                                                                              \
	do {                                                                                                               \
		SCOPED_TRACE(#statement);                                                                                      \
		auto az_err_ = ::azure_blob::test::CatchError([&] { (void) (statement); });                                    \
		if (az_err_) {                                                                                                 \
			EXPECT_EQ(az_err_->sqlstate, std::string(state)) << "message: " << az_err_->message;                       \
			EXPECT_FALSE(az_err_->message.empty());                                                                    \
		}                                                                                                              \
	} while (0)
