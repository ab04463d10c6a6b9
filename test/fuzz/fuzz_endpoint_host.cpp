/*-------------------------------------------------------------------------
 * fuzz_endpoint_host.cpp
 *	  libFuzzer target: ParseUrlHost, ParseAllowedHosts and JudgeHost
 *	  (src/core/endpoint_policy.hpp) on arbitrary bytes.
 *
 * Input: URL, "\x1f", allowed list, "\x1f", one byte for allow_http.
 * Invariants: errors are 22023; a parsed host is canonical (parsing its
 * shown form gives it back) and made of the allowed characters; under the
 * default list, an allowed host that is not loopback is a name under one
 * of the Azure suffixes.
 *-------------------------------------------------------------------------
 */
#include <cstdint>
#include <string>
#include <vector>

#include "core/endpoint_policy.hpp"
#include "core/error.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;

namespace {

bool
EndsWith(const std::string &s, const std::string &suffix) {
	return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const std::vector<std::string> f = fuzz::Fields(data, size, 3);
	const bool allow_http = !f[2].empty() && (f[2][0] & 1);
	core::EndpointHost host;
	try {
		host = core::ParseUrlHost(f[0]);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "22023" && e.message == "invalid storage endpoint host");
		return 0;
	}
	FUZZ_CHECK(!host.host.empty() && host.host.size() <= 253);
	if (host.kind == core::HostKind::kIpv6) {
		FUZZ_CHECK(core::ParseHost("[" + host.host + "]").host == host.host);
	} else {
		for (char c : host.host)
			FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
		const core::EndpointHost again = core::ParseHost(host.host);
		FUZZ_CHECK(again.host == host.host && again.kind == host.kind && again.loopback == host.loopback);
	}

	const core::HostVerdict def =
	    core::JudgeHost(host, core::ParseAllowedHosts(core::kDefaultAllowedEndpointHosts), allow_http);
	if (def == core::HostVerdict::kAllowed && !host.loopback) {
		FUZZ_CHECK(host.kind == core::HostKind::kName);
		FUZZ_CHECK(EndsWith(host.host, ".blob.core.windows.net") || EndsWith(host.host, ".blob.storage.azure.net") ||
		           EndsWith(host.host, ".blob.core.chinacloudapi.cn") ||
		           EndsWith(host.host, ".blob.core.usgovcloudapi.net"));
	}
	if (host.loopback)
		FUZZ_CHECK((def == core::HostVerdict::kAllowed) == allow_http);

	std::vector<core::HostPattern> list;
	try {
		list = core::ParseAllowedHosts(f[1]);
	} catch (const Error &e) {
		FUZZ_CHECK(e.sqlstate == "22023" && e.detail.rfind("Entry ", 0) == 0);
		return 0;
	}
	/* An address passes only as loopback or listed exactly. */
	if (core::JudgeHost(host, list, allow_http) == core::HostVerdict::kAllowed && host.kind != core::HostKind::kName &&
	    !host.loopback) {
		bool listed = false;
		for (const core::HostPattern &p : list)
			listed = listed || (!p.suffix && p.kind == host.kind && p.host == host.host);
		FUZZ_CHECK(listed);
	}
	return 0;
}
