/*-------------------------------------------------------------------------
 * fuzz_sas.cpp
 *	  libFuzzer target: the service SAS builder on arbitrary fields.
 *
 * Invariants: it throws azure_blob::Error, or returns a token whose pairs
 * are all known names with values that hold no raw "&", "+", "=", "#" or
 * space, whose signature matches the string-to-sign, and whose
 * string-to-sign has the line count of its layout.
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <set>
#include <string>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/hmac.hpp"
#include "core/sas.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	static const core::HmacSha256 key(std::string(64, '\x5a'));
	static const char *const kVersions[] = {"2015-04-05", "2018-11-09", "2019-12-12",
	                                        "2020-12-06", "2025-07-05", "2026-04-06"};
	if (size < 2)
		return 0;
	auto f = fuzz::Fields(data + 2, size - 2, 14);
	core::ServiceSasParams p;
	p.version = kVersions[data[0] % 6];
	p.resource = static_cast<core::SasResource>(data[1] % 4);
	p.account_name = "fuzzacct";
	p.container = f[0].empty() ? "cont" : f[0];
	p.blob = p.resource == core::SasResource::kContainer ? "" : f[1];
	p.permissions = f[2];
	p.start = f[3];
	p.expiry = f[4].empty() ? "2030-01-01T00:00:00Z" : f[4];
	p.ip_range = f[5];
	p.protocol = f[6];
	p.identifier = f[7];
	p.encryption_scope = f[8];
	p.snapshot = f[9];
	p.cache_control = f[10];
	p.content_disposition = f[11];
	p.content_type = f[12];
	p.content_language = f[13];
	core::SasResult r;
	try {
		r = core::BuildServiceSas(p, key);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "22023" || e.sqlstate == "22004");
		return 0;
	}
	FUZZ_CHECK(key.SignBase64(r.string_to_sign) == r.signature);
	size_t lines = 1;
	for (char c : r.string_to_sign)
		lines += c == '\n';
	const size_t expected = p.version >= "2020-12-06" ? 16 : p.version >= "2018-11-09" ? 15 : 13;
	/* Override values cannot hold a newline, so the line count is the layout's. */
	FUZZ_CHECK(lines == expected);
	static const std::set<std::string> kNames = {"sv", "spr",  "st",   "se",   "sip",  "si",   "ses", "sr",
	                                             "sp", "rscc", "rscd", "rsce", "rscl", "rsct", "sig"};
	size_t start = 0;
	while (start < r.token.size()) {
		size_t amp = r.token.find('&', start);
		std::string pair = r.token.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
		size_t eq = pair.find('=');
		FUZZ_CHECK(eq != std::string::npos);
		FUZZ_CHECK(kNames.count(pair.substr(0, eq)) == 1);
		for (char c : pair.substr(eq + 1))
			FUZZ_CHECK(c != '=' && c != '+' && c != '#' && c != ' ' && c != '?' && c != '/');
		if (amp == std::string::npos)
			break;
		start = amp + 1;
	}
	return 0;
}
