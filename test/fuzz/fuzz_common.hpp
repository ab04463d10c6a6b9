/*-------------------------------------------------------------------------
 * fuzz_common.hpp
 *	  Shared bits of the libFuzzer targets: splitting an input into fields,
 *	  and a check that aborts (so libFuzzer records the input) when an
 *	  invariant does not hold.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace azure_blob::fuzz {

/* Splits data at every '\x1f' (unit separator) into up to max fields; missing fields are empty. */
inline std::vector<std::string>
Fields(const uint8_t *data, size_t size, size_t max) {
	std::vector<std::string> out(max);
	size_t field = 0;
	for (size_t i = 0; i < size && field < max; i++) {
		if (data[i] == 0x1f)
			field++;
		else
			out[field].push_back(static_cast<char>(data[i]));
	}
	return out;
}

[[noreturn]] inline void
Violated(const char *what) {
	fprintf(stderr, "invariant violated: %s\n", what);
	abort();
}

#define FUZZ_CHECK(cond)                                                                                               \
	do {                                                                                                               \
		if (!(cond))                                                                                                   \
			::azure_blob::fuzz::Violated(#cond);                                                                       \
	} while (0)

} // namespace azure_blob::fuzz
