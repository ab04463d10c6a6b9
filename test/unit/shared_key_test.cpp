/*-------------------------------------------------------------------------
 * shared_key_test.cpp
 *	  Shared Key Authorization (spec §5): the K1-K11 vectors of vectors.json,
 *	  the strings-to-sign printed in spec Appendix A.4, and the canonicalisation
 *	  rules one at a time.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/hmac.hpp"
#include "core/shared_key.hpp"
#include "test_support.hpp"
#include "vectors.hpp"

namespace azure_blob::test {
namespace {

using core::HttpHeader;

/* Spec Appendix A.4, "stringToSign = ..." of each vector (vectors.json carries only the header). */
const std::map<std::string, std::string> kSpecStringToSign = {
    {"K1", "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer\nrestype:container"},
    {"K2", "PUT\n\n\n11\n\ntext/plain; charset=utf-8\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n"
           "x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer/hello.txt"},
    {"K3", "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer/hello.txt"},
    {"K4", "HEAD\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer/hello.txt"},
    {"K5", "DELETE\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer/hello.txt"},
    {"K6", "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer\ncomp:list\nmaxresults:10\nprefix:dir/\nrestype:container"},
    {"K7", "PUT\n\n\n311\n\napplication/xml\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n"
           "x-ms-version:2025-07-05\n/devstoreaccount1/devstoreaccount1/\ncomp:properties\nrestype:service"},
    {"K8", "GET\n\n\n\n\n\n\n\n\n\n\nbytes=0-1023\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
           "/myaccount/data/dir/r%C3%A9sum%C3%A9%20final%2B1.txt"},
    {"K9", "PUT\n\n\n3\n\n\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n"
           "x-ms-client-request-id:00000000-0000-0000-0000-000000000001\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n"
           "x-ms-meta-author:jane\nx-ms-version:2025-07-05\n"
           "/devstoreaccount1/devstoreaccount1/mycontainer/reports/2024%20Q1/r%C3%A9sum%C3%A9%2Bfinal%231%3F.txt"},
    {"K10", "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2025-07-05\n"
            "/myaccount/\ncomp:list"},
    {"K11", "PUT\n\n\n1\n\n\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n"
            "x-ms-meta-foo_bar:two\nx-ms-meta-foo1:one\nx-ms-version:2025-07-05\n"
            "/devstoreaccount1/devstoreaccount1/mycontainer/meta.txt"},
};

/* headersSent minus the Authorization header the SDK added after signing. */
std::vector<HttpHeader>
SignedHeaders(const Json &v) {
	std::vector<HttpHeader> headers;
	for (const auto &item : v["headersSent"].items()) {
		std::string lower = item.key();
		std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
		if (lower != "authorization")
			headers.push_back({item.key(), item.value().get<std::string>()});
	}
	return headers;
}

class SharedKeyVector : public ::testing::TestWithParam<Vector> {};

TEST_P(SharedKeyVector, MatchesSdk) {
	const Json &v = GetParam().data;
	const std::string account = Str(v, "account");
	const std::vector<HttpHeader> headers = SignedHeaders(v);
	ASSERT_EQ(headers.size() + 1, v["headersSent"].size()) << "headersSent has no Authorization header";

	const std::string sts = core::SharedKeyStringToSign(Str(v, "method"), account, Str(v, "url"), headers);
	auto spec = kSpecStringToSign.find(GetParam().id);
	if (spec == kSpecStringToSign.end())
		ADD_FAILURE() << "no Appendix A.4 string-to-sign for " << GetParam().id;
	else
		EXPECT_EQ(sts, spec->second);

	core::HmacSha256 key = core::HmacSha256::FromBase64(Str(v, "accountKey"));
	const std::string auth = core::SharedKeyAuthorization(account, key, sts);
	EXPECT_EQ(auth, Str(v, "authorization"));
	EXPECT_EQ(auth, v["headersSent"].value("Authorization", ""));

	/* The order in which headers are handed over must not matter. */
	std::vector<HttpHeader> reversed(headers.rbegin(), headers.rend());
	EXPECT_EQ(core::SharedKeyStringToSign(Str(v, "method"), account, Str(v, "url"), reversed), sts);
}

INSTANTIATE_TEST_SUITE_P(Appendix, SharedKeyVector, ::testing::ValuesIn(Section("sharedKey")),
                         [](const ::testing::TestParamInfo<Vector> &info) { return info.param.id; });

/* ---- Canonicalized headers (spec §5.2) ---- */

TEST(SharedKeyHeaderOrder, CultureAwareNotByteOrder) {
	/* K11: "_" sorts before digits, although 0x5F > 0x31. */
	EXPECT_TRUE(core::SharedKeyHeaderLess("x-ms-meta-foo_bar", "x-ms-meta-foo1"));
	EXPECT_FALSE(core::SharedKeyHeaderLess("x-ms-meta-foo1", "x-ms-meta-foo_bar"));
	EXPECT_TRUE(core::SharedKeyHeaderLess("x-ms-meta-a_", "x-ms-meta-a0"));
	/* "-" is ignored: "a-c" sorts after "ab" (byte order would put it first). */
	EXPECT_TRUE(core::SharedKeyHeaderLess("x-ms-meta-ab", "x-ms-meta-a-c"));
	EXPECT_FALSE(core::SharedKeyHeaderLess("x-ms-meta-a-c", "x-ms-meta-ab"));
	/* Equal keys fall back to the raw names, so the order stays strict and total. */
	EXPECT_TRUE(core::SharedKeyHeaderLess("x-ms-a-b", "x-ms-ab"));
	EXPECT_FALSE(core::SharedKeyHeaderLess("x-ms-ab", "x-ms-a-b"));
	EXPECT_FALSE(core::SharedKeyHeaderLess("x-ms-date", "x-ms-date"));
}

TEST(SharedKeyHeaderOrder, CommonHeadersInByteOrder) {
	/* For ordinary x-ms-* names the culture order equals byte order (spec §5.2). */
	std::vector<std::string> names = {"x-ms-version",
	                                  "x-ms-date",
	                                  "x-ms-blob-type",
	                                  "x-ms-meta-author",
	                                  "x-ms-client-request-id",
	                                  "x-ms-blob-content-type",
	                                  "x-ms-range",
	                                  "x-ms-delete-snapshots",
	                                  "x-ms-blob-public-access"};
	std::vector<std::string> culture = names, bytes = names;
	std::sort(culture.begin(), culture.end(), core::SharedKeyHeaderLess);
	std::sort(bytes.begin(), bytes.end());
	EXPECT_EQ(culture, bytes);
}

TEST(SharedKeyStringToSign, HeaderNamesLowerCasedAndValuesTrimmed) {
	std::vector<HttpHeader> headers = {{"X-MS-Date", "  Mon, 01 Jan 2024 00:00:00 GMT\t"},
	                                   {"X-Ms-Version", "2025-07-05"},
	                                   {"X-MS-META-Name", "Value With Case"}};
	EXPECT_EQ(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net/c/b", headers),
	          "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-meta-name:Value With Case\n"
	          "x-ms-version:2025-07-05\n/acct/c/b");
}

TEST(SharedKeyStringToSign, EveryStandardHeaderInItsLine) {
	std::vector<HttpHeader> headers = {
	    {"Range", "bytes=1-2"},     {"If-Unmodified-Since", "U"},   {"If-None-Match", "N"},
	    {"If-Match", "M"},          {"If-Modified-Since", "S"},     {"Date", "ignored"},
	    {"Content-Type", "t/x"},    {"Content-MD5", "md5"},         {"Content-Length", "42"},
	    {"Content-Language", "en"}, {"Content-Encoding", "gzip"},   {"Host", "not signed"},
	    {"Accept", "*/*"},          {"x-ms-version", "2025-07-05"},
	};
	EXPECT_EQ(core::SharedKeyStringToSign("PUT", "acct", "https://acct.blob.core.windows.net/c/b", headers),
	          "PUT\ngzip\nen\n42\nmd5\nt/x\n\nS\nM\nN\nU\nbytes=1-2\nx-ms-version:2025-07-05\n/acct/c/b");
}

TEST(SharedKeyStringToSign, ContentLengthZeroSignsEmpty) {
	const std::string url = "http://127.0.0.1:10000/devstoreaccount1/c";
	std::string zero = core::SharedKeyStringToSign("PUT", "devstoreaccount1", url, {{"Content-Length", "0"}});
	std::string none = core::SharedKeyStringToSign("PUT", "devstoreaccount1", url, {});
	std::string one = core::SharedKeyStringToSign("PUT", "devstoreaccount1", url, {{"Content-Length", "1"}});
	EXPECT_EQ(zero, none);
	EXPECT_EQ(zero, "PUT\n\n\n\n\n\n\n\n\n\n\n\n/devstoreaccount1/devstoreaccount1/c");
	EXPECT_EQ(one, "PUT\n\n\n1\n\n\n\n\n\n\n\n\n/devstoreaccount1/devstoreaccount1/c");
	/* Only the exact value "0" is blanked. */
	EXPECT_NE(core::SharedKeyStringToSign("PUT", "devstoreaccount1", url, {{"Content-Length", "10"}}), none);
}

TEST(SharedKeyStringToSign, DuplicateMsHeaderRejected) {
	std::vector<HttpHeader> headers = {{"x-ms-date", "a"}, {"X-MS-DATE", "b"}};
	EXPECT_AZ_ERROR(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net/c", headers),
	                "XX000");
}

/* ---- Canonicalized resource (spec §5.3) ---- */

TEST(SharedKeyStringToSign, EmptyPathIsSlash) {
	const std::string prefix = "GET\n\n\n\n\n\n\n\n\n\n\n\n";
	EXPECT_EQ(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net", {}), prefix + "/acct/");
	EXPECT_EQ(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net?comp=list", {}),
	          prefix + "/acct/\ncomp:list");
	EXPECT_EQ(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net/", {}), prefix + "/acct/");
	/* A "/" inside the query does not start the path. */
	EXPECT_EQ(core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net?prefix=a/b", {}),
	          prefix + "/acct/\nprefix:a/b");
}

TEST(SharedKeyStringToSign, PathStaysEncodedQueryIsDecoded) {
	const std::string sts =
	    core::SharedKeyStringToSign("GET", "acct",
	                                "https://acct.blob.core.windows.net/c/"
	                                "a%20b%2Bc.txt?Prefix=A%2FB+C%2bd&marker=x%3Dy&COMP=list&restype=container",
	                                {});
	EXPECT_EQ(sts, "GET\n\n\n\n\n\n\n\n\n\n\n\n/acct/c/a%20b%2Bc.txt\ncomp:list\nmarker:x=y\nprefix:A/B C+d\n"
	               "restype:container");
}

TEST(SharedKeyStringToSign, QueryNamesSortedAfterLowerCasing) {
	const std::string sts =
	    core::SharedKeyStringToSign("GET", "acct", "https://acct.blob.core.windows.net/c?b=2&A=1&c=3&%61a=0", {});
	EXPECT_EQ(sts, "GET\n\n\n\n\n\n\n\n\n\n\n\n/acct/c\na:1\naa:0\nb:2\nc:3");
}

TEST(SharedKeyAuthorization, FormatAndSignature) {
	/* printf 'hello world' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<Azurite key bytes> -binary | base64 */
	core::HmacSha256 key = core::HmacSha256::FromBase64(
	    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");
	EXPECT_EQ(core::SharedKeyAuthorization("devstoreaccount1", key, "hello world"),
	          "SharedKey devstoreaccount1:3fRp/QNWO+aafmMcTUaxnGFB11YauiizlDXXPxhQaHw=");
}

} // namespace
} // namespace azure_blob::test

namespace azure_blob::test {
namespace {

/* Found by fuzz_shared_key: with a standard header given twice, which value was signed depended on order. */
TEST(SharedKeyStringToSign, RejectsDuplicateStandardHeaders) {
	EXPECT_AZ_ERROR(core::SharedKeyStringToSign("GET", "acct", "http://h/c/b",
	                                            {{"Content-Encoding", "gzip"}, {"content-encoding", "br"}}),
	                "XX000");
	EXPECT_AZ_ERROR(core::SharedKeyStringToSign("GET", "acct", "http://h/c/b",
	                                            {{"x-ms-date", "a"}, {"X-MS-DATE", "b"}}),
	                "XX000");
}

} // namespace
} // namespace azure_blob::test
