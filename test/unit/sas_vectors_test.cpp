/*-------------------------------------------------------------------------
 * sas_vectors_test.cpp
 *	  Known-answer tests: every service, account and user delegation SAS
 *	  vector of vectors.json (spec Appendix A.1-A.3) rebuilt through the core
 *	  API, checking the exact string-to-sign, signature and token.
 *
 * The JSON inputs use the JS SDK's option names; each is mapped onto the
 * core's parameter structs here, and an input name the mapping does not
 * know fails the test rather than being silently dropped.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "core/hmac.hpp"
#include "core/sas.hpp"
#include "test_support.hpp"
#include "vectors.hpp"

namespace azure_blob::test {
namespace {

using core::SasResource;

void
CheckKnownInputs(const Json &input, const std::set<std::string> &known) {
	for (const auto &item : input.items())
		if (known.count(item.key()) == 0)
			ADD_FAILURE() << "vector input \"" << item.key() << "\" is not mapped by the test";
}

std::string
IpRange(const Json &input) {
	if (!input.contains("ipRange"))
		return {};
	const Json &r = input["ipRange"];
	std::string s = Str(r, "start");
	std::string end = Str(r, "end");
	return end.empty() ? s : s + "-" + end;
}

std::string
Version(const Json &input) {
	std::string v = Str(input, "version");
	if (v.empty())
		v = LoadVectorFile().root.value("sdkDefaultServiceVersion", "");
	EXPECT_FALSE(v.empty());
	return v;
}

std::string
OptionalTime(const Json &input, const char *key) {
	std::string t = Str(input, key);
	return t.empty() ? t : SasTime(t);
}

/* JS BlobSASSignatureValues -> ServiceSasParams (spec §2.4 for sr and the snapshot field). */
core::ServiceSasParams
ServiceParams(const Json &v) {
	const Json &in = v["input"];
	core::ServiceSasParams p;
	p.version = Version(in);
	p.account_name = Str(v, "account");
	p.container = Str(in, "containerName");
	p.blob = Str(in, "blobName");
	p.permissions = Str(in, "permissions");
	p.start = OptionalTime(in, "startsOn");
	p.expiry = OptionalTime(in, "expiresOn");
	p.ip_range = IpRange(in);
	p.protocol = Str(in, "protocol");
	p.identifier = Str(in, "identifier");
	p.encryption_scope = Str(in, "encryptionScope");
	p.cache_control = Str(in, "cacheControl");
	p.content_disposition = Str(in, "contentDisposition");
	p.content_encoding = Str(in, "contentEncoding");
	p.content_language = Str(in, "contentLanguage");
	p.content_type = Str(in, "contentType");
	if (p.blob.empty()) {
		p.resource = SasResource::kContainer;
	} else if (in.contains("snapshotTime")) {
		p.resource = SasResource::kBlobSnapshot;
		p.snapshot = Str(in, "snapshotTime");
	} else if (in.contains("versionId")) {
		p.resource = SasResource::kBlobVersion;
		p.snapshot = Str(in, "versionId");
	} else {
		p.resource = SasResource::kBlob;
	}
	return p;
}

void
ExpectResult(const core::SasResult &r, const Json &v) {
	EXPECT_EQ(r.string_to_sign, Str(v, "stringToSign"));
	EXPECT_EQ(r.signature, Str(v, "signature"));
	EXPECT_EQ(r.token, Str(v, "sasToken"));
}

/* ---- Service SAS (S1-S8) ---- */

class ServiceSasVector : public ::testing::TestWithParam<Vector> {};

TEST_P(ServiceSasVector, MatchesSdk) {
	const Json &v = GetParam().data;
	CheckKnownInputs(v["input"],
	                 {"version", "containerName", "blobName", "permissions", "startsOn", "expiresOn", "ipRange",
	                  "protocol", "identifier", "encryptionScope", "cacheControl", "contentDisposition",
	                  "contentEncoding", "contentLanguage", "contentType", "snapshotTime", "versionId"});
	core::HmacSha256 key = core::HmacSha256::FromBase64(Str(v, "accountKey"));
	core::SasResult r = core::BuildServiceSas(ServiceParams(v), key);
	ExpectResult(r, v);
}

INSTANTIATE_TEST_SUITE_P(Appendix, ServiceSasVector, ::testing::ValuesIn(Section("service")),
                         [](const ::testing::TestParamInfo<Vector> &info) { return info.param.id; });

/* ---- Account SAS (A1-A3) ---- */

class AccountSasVector : public ::testing::TestWithParam<Vector> {};

TEST_P(AccountSasVector, MatchesSdk) {
	const Json &v = GetParam().data;
	const Json &in = v["input"];
	CheckKnownInputs(in, {"version", "services", "resourceTypes", "permissions", "startsOn", "expiresOn", "ipRange",
	                      "protocol", "encryptionScope"});
	core::AccountSasParams p;
	p.version = Version(in);
	p.account_name = Str(v, "account");
	p.services = Str(in, "services");
	p.resource_types = Str(in, "resourceTypes");
	p.permissions = Str(in, "permissions");
	p.start = OptionalTime(in, "startsOn");
	p.expiry = OptionalTime(in, "expiresOn");
	p.ip_range = IpRange(in);
	p.protocol = Str(in, "protocol");
	p.encryption_scope = Str(in, "encryptionScope");
	core::HmacSha256 key = core::HmacSha256::FromBase64(Str(v, "accountKey"));
	ExpectResult(core::BuildAccountSas(p, key), v);
}

INSTANTIATE_TEST_SUITE_P(Appendix, AccountSasVector, ::testing::ValuesIn(Section("account")),
                         [](const ::testing::TestParamInfo<Vector> &info) { return info.param.id; });

/* ---- User delegation SAS (U1-U3) ---- */

class UserDelegationSasVector : public ::testing::TestWithParam<Vector> {};

std::vector<std::pair<std::string, std::string>>
Pairs(const Json &in, const char *key) {
	std::vector<std::pair<std::string, std::string>> out;
	if (in.contains(key))
		for (const auto &item : in[key].items())
			out.emplace_back(item.key(), item.value().get<std::string>());
	return out;
}

TEST_P(UserDelegationSasVector, MatchesSdk) {
	const Json &v = GetParam().data;
	const Json &in = v["input"];
	CheckKnownInputs(in, {"version",
	                      "containerName",
	                      "blobName",
	                      "permissions",
	                      "startsOn",
	                      "expiresOn",
	                      "ipRange",
	                      "protocol",
	                      "encryptionScope",
	                      "cacheControl",
	                      "contentDisposition",
	                      "contentEncoding",
	                      "contentLanguage",
	                      "contentType",
	                      "snapshotTime",
	                      "versionId",
	                      "correlationId",
	                      "preauthorizedAgentObjectId",
	                      "delegatedUserObjectId",
	                      "requestHeaders",
	                      "requestQueryParameters"});
	const Json &k = v["userDelegationKey"];
	CheckKnownInputs(k, {"signedObjectId", "signedTenantId", "signedStartsOn", "signedExpiresOn", "signedService",
	                     "signedVersion", "value", "signedDelegatedUserTenantId"});
	core::UserDelegationKey udk;
	udk.object_id = Str(k, "signedObjectId");
	udk.tenant_id = Str(k, "signedTenantId");
	udk.start = SasTime(Str(k, "signedStartsOn"));
	udk.expiry = SasTime(Str(k, "signedExpiresOn"));
	udk.service = Str(k, "signedService");
	udk.version = Str(k, "signedVersion");
	udk.delegated_user_tenant_id = Str(k, "signedDelegatedUserTenantId");
	udk.value = Str(k, "value");

	core::UserDelegationSasParams p;
	p.base = ServiceParams(v);
	p.preauthorized_agent_object_id = Str(in, "preauthorizedAgentObjectId");
	p.correlation_id = Str(in, "correlationId");
	p.delegated_user_object_id = Str(in, "delegatedUserObjectId");
	p.request_headers = Pairs(in, "requestHeaders");
	p.request_query = Pairs(in, "requestQueryParameters");
	ExpectResult(core::BuildUserDelegationSas(p, udk), v);
}

INSTANTIATE_TEST_SUITE_P(Appendix, UserDelegationSasVector, ::testing::ValuesIn(Section("udk")),
                         [](const ::testing::TestParamInfo<Vector> &info) { return info.param.id; });

/* ---- Properties of the vectors that hold for any input ---- */

/* Spec §2.2 sanity check, written out by hand rather than read from the file. */
TEST(ServiceSasLayout, MinimalBlobSasAt20201206) {
	core::ServiceSasParams p;
	p.version = "2020-12-06";
	p.account_name = "acct";
	p.container = "c00";
	p.blob = "b";
	p.permissions = "r";
	p.expiry = "2030-01-01T00:00:00Z";
	core::HmacSha256 key = core::HmacSha256::FromBase64(
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==");
	core::SasResult r = core::BuildServiceSas(p, key);
	EXPECT_EQ(r.string_to_sign, "r\n\n2030-01-01T00:00:00Z\n/blob/acct/c00/b\n\n\n\n2020-12-06\nb\n\n\n\n\n\n\n");
	EXPECT_EQ(std::count(r.string_to_sign.begin(), r.string_to_sign.end(), '\n'), 15);
	/* printf '%s' "<string above>" | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...3f -binary | base64 */
	EXPECT_EQ(r.signature, "Ef7Ygqyc1v0ECMAoHfpqHxwrDyQObTNqwQ6YiEp4RMY=");
	EXPECT_EQ(r.token,
	          "sv=2020-12-06&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=Ef7Ygqyc1v0ECMAoHfpqHxwrDyQObTNqwQ6YiEp4RMY%3D");
}

/* The three service layouts differ only in the sr/snapshot and ses lines (spec §2.2). */
TEST(ServiceSasLayout, LineCountsByVersion) {
	core::ServiceSasParams p;
	p.account_name = "acct";
	p.container = "c00";
	p.blob = "b";
	p.permissions = "r";
	p.expiry = "2030-01-01T00:00:00Z";
	core::HmacSha256 key("k");
	const std::pair<const char *, int> cases[] = {
	    {"2015-04-05", 13}, {"2018-03-28", 13}, {"2018-11-09", 15}, {"2020-10-02", 15},
	    {"2020-12-06", 16}, {"2025-07-05", 16}, {"2026-04-06", 16}, {"2026-10-06", 16},
	};
	for (const auto &[version, lines] : cases) {
		SCOPED_TRACE(version);
		p.version = version;
		core::SasResult r = core::BuildServiceSas(p, key);
		EXPECT_EQ(std::count(r.string_to_sign.begin(), r.string_to_sign.end(), '\n') + 1, lines);
		const std::string head = "r\n\n2030-01-01T00:00:00Z\n/blob/acct/c00/b\n\n\n\n" + std::string(version) + "\n";
		const std::string tail = lines == 13 ? "" : lines == 15 ? "b\n\n" : "b\n\n\n";
		EXPECT_EQ(r.string_to_sign, head + tail + "\n\n\n\n"); /* rscc..rsct empty, no trailing newline */
		EXPECT_EQ(r.token.find("&sr=b") != std::string::npos, lines >= 15);
	}
}

/* Account SAS: 9 or 10 lines, every one (the last included) ends in "\n" (spec §3.2). */
TEST(AccountSasLayout, TrailingNewlineAndEncryptionScopeLine) {
	core::AccountSasParams p;
	p.account_name = "acct";
	p.services = "b";
	p.resource_types = "o";
	p.permissions = "r";
	p.expiry = "2030-01-01T00:00:00Z";
	core::HmacSha256 key("k");
	p.version = "2020-10-02";
	EXPECT_EQ(core::BuildAccountSas(p, key).string_to_sign, "acct\nr\nb\no\n\n2030-01-01T00:00:00Z\n\n\n2020-10-02\n");
	p.version = "2020-12-06";
	EXPECT_EQ(core::BuildAccountSas(p, key).string_to_sign,
	          "acct\nr\nb\no\n\n2030-01-01T00:00:00Z\n\n\n2020-12-06\n\n");
}

/* A snapshot SAS signs the snapshot but keeps it out of the token (spec §2.9). */
TEST(ServiceSasToken, SnapshotIsSignedButNotEmitted) {
	core::ServiceSasParams p;
	p.version = "2025-07-05";
	p.account_name = "acct";
	p.container = "c00";
	p.blob = "b";
	p.permissions = "r";
	p.expiry = "2030-01-01T00:00:00Z";
	p.resource = SasResource::kBlobSnapshot;
	p.snapshot = "2025-01-02T03:04:05.6789012Z";
	core::HmacSha256 key("k");
	core::SasResult r = core::BuildServiceSas(p, key);
	EXPECT_NE(r.string_to_sign.find("\nbs\n2025-01-02T03:04:05.6789012Z\n"), std::string::npos);
	EXPECT_EQ(r.token.find("snapshot"), std::string::npos);
	EXPECT_EQ(r.token.find("2025-01-02"), std::string::npos);
	EXPECT_NE(r.token.find("&sr=bs&"), std::string::npos);
}

/* Every value goes through encodeURIComponent: no raw "+", "/", "=" or ":" after "=" in any pair. */
TEST(ServiceSasToken, ValuesArePercentEncoded) {
	for (const Vector &vec : Section("service")) {
		SCOPED_TRACE(vec.id);
		const std::string token = Str(vec.data, "sasToken");
		size_t start = 0;
		while (start < token.size()) {
			size_t amp = token.find('&', start);
			std::string pair = token.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
			size_t eq = pair.find('=');
			ASSERT_NE(eq, std::string::npos) << pair;
			EXPECT_EQ(pair.find_first_of("+/=:, ", eq + 1), std::string::npos) << pair;
			start = amp == std::string::npos ? token.size() : amp + 1;
		}
	}
}

} // namespace
} // namespace azure_blob::test
