/*-------------------------------------------------------------------------
 * fuzz_list_xml.cpp
 *	  libFuzzer target: the XML answers (List Blobs, errors, CORS) and the
 *	  RFC 1123 date parser.
 *
 * Invariants: no crash or leak (ASan); a parse failure is azure_blob::Error
 * 38000; parsed sizes are -1 or non-negative; parsed dates round-trip.
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/rest.hpp"
#include "core/time_format.hpp"
#include "core/time_format.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const std::string xml(reinterpret_cast<const char *>(data), size);
	try {
		core::ListPage page = core::ParseListBlobs(xml);
		for (const core::BlobItem &b : page.blobs)
			FUZZ_CHECK(b.size >= -1);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "38000");
	}
	(void) core::ParseAzureError(xml);
	try {
		(void) core::ParseCors(xml);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "38000");
	}
	if (auto t = core::ParseRfc1123(xml)) {
		if (*t >= 0 && *t <= core::kMaxUnixSeconds && xml.substr(0, 3) == core::FormatRfc1123(*t).substr(0, 3))
			FUZZ_CHECK(core::FormatRfc1123(*t) == xml);
	}
	return 0;
}
