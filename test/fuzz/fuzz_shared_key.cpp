/*-------------------------------------------------------------------------
 * fuzz_shared_key.cpp
 *	  libFuzzer target: the Shared Key canonicalizer on arbitrary requests.
 *
 * Invariants: no crash; the string-to-sign starts with the method and a
 * newline and ends with the canonical resource ("/" + account + path);
 * sorting the same headers in another order gives the same string; an
 * exception is always azure_blob::Error (duplicate x-ms- headers).
 *-------------------------------------------------------------------------
 */
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/shared_key.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	auto f = fuzz::Fields(data, size, 10);
	std::vector<core::HttpHeader> headers;
	for (size_t i = 2; i + 1 < f.size(); i += 2)
		headers.push_back({f[i], f[i + 1]});
	const std::string account = "fuzzacct";
	try {
		std::string s = core::SharedKeyStringToSign(f[0], account, f[1], headers);
		FUZZ_CHECK(s.rfind(f[0] + "\n", 0) == 0);
		FUZZ_CHECK(s.find("\n/" + account) != std::string::npos);
		std::reverse(headers.begin(), headers.end());
		FUZZ_CHECK(core::SharedKeyStringToSign(f[0], account, f[1], headers) == s);
		/* The comparator is a strict weak order: irreflexive on every name. */
		for (const auto &h : headers)
			FUZZ_CHECK(!core::SharedKeyHeaderLess(h.name, h.name));
	} catch (const Error &) {
	}
	return 0;
}
