/*-------------------------------------------------------------------------
 * encoding_reference.hpp
 *	  The SAS percent-encodings byte by byte (docs/azure-sas-spec.md §1.3):
 *	  the slow, obvious reference that the unit tests (encoding_test.cpp)
 *	  and the fuzzer (test/fuzz/fuzz_blob_name.cpp) compare the writers of
 *	  src/core/encoding.cpp with.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>

namespace azure_blob::test {

/* path: a blob path ("/" kept, "'" encoded); otherwise a URI component ("'" kept, "/" encoded). */
inline std::string
ByteByByte(std::string_view s, bool path) {
	const std::string_view keep = path ? "-_.!~*()/" : "-_.!~*'()";
	static const char kHex[] = "0123456789ABCDEF";
	std::string out;
	for (const char c : s) {
		const unsigned char b = static_cast<unsigned char>(c);
		if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
		    (b != 0 && keep.find(c) != std::string_view::npos)) {
			out.push_back(c);
		} else {
			out.push_back('%');
			out.push_back(kHex[b >> 4]);
			out.push_back(kHex[b & 15]);
		}
	}
	return out;
}

} // namespace azure_blob::test
