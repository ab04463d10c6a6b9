/*-------------------------------------------------------------------------
 * rest_test.cpp
 *	  REST request builders and XML answers (rest.hpp).
 *
 * The builders, signed at the vectors' fixed x-ms-date, must give the
 * Authorization headers that @azure/storage-blob gave (vectors K1-K4, K6,
 * K7); the parsers read answers shaped like the service's.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <string>

#include "core/connection_string.hpp"
#include "core/rest.hpp"
#include "test_support.hpp"
#include "vectors.hpp"

namespace azure_blob::test {
namespace {

constexpr int64_t kVectorDate = 1704067200; /* Mon, 01 Jan 2024 00:00:00 GMT */
const char *const kAzurite = "http://127.0.0.1:10000/devstoreaccount1";

std::string
VectorAuthorization(const std::string &id) {
	for (const Vector &v : Section("sharedKey"))
		if (v.id == id)
			return Str(v.data, "authorization");
	ADD_FAILURE() << "no vector " << id;
	return {};
}

std::string
Signed(core::RestRequest req, const char *account = core::kDevAccountName, const char *key = core::kDevAccountKey) {
	core::SignRequest(req, account, core::HmacSha256::FromBase64(key), kVectorDate);
	EXPECT_EQ(req.headers.back().name, "Authorization");
	return req.headers.back().value;
}

std::string
Header(const core::RestRequest &req, const char *name) {
	for (const core::HttpHeader &h : req.headers)
		if (h.name == name)
			return h.value;
	return "<absent>";
}

TEST(RestRequests, CreateContainerMatchesK1) {
	core::RestRequest r = core::CreateContainerRequest(kAzurite, "mycontainer");
	EXPECT_EQ(r.method, "PUT");
	EXPECT_EQ(r.url, "http://127.0.0.1:10000/devstoreaccount1/mycontainer?restype=container");
	EXPECT_TRUE(r.has_body);
	EXPECT_EQ(Signed(r), VectorAuthorization("K1"));
}

TEST(RestRequests, PutBlobMatchesK2) {
	core::RestRequest r =
	    core::PutBlobRequest(kAzurite, "mycontainer", "hello.txt", "hello world", "text/plain; charset=utf-8");
	EXPECT_EQ(Header(r, "Content-Length"), "11");
	EXPECT_EQ(Header(r, "x-ms-blob-type"), "BlockBlob");
	EXPECT_EQ(Signed(r), VectorAuthorization("K2"));
}

TEST(RestRequests, GetAndHeadMatchK3K4) {
	EXPECT_EQ(Signed(core::GetBlobRequest(kAzurite, "mycontainer", "hello.txt")), VectorAuthorization("K3"));
	EXPECT_EQ(Signed(core::GetBlobPropertiesRequest(kAzurite, "mycontainer", "hello.txt")), VectorAuthorization("K4"));
}

TEST(RestRequests, ListBlobsMatchesK6) {
	core::RestRequest r = core::ListBlobsRequest(kAzurite, "mycontainer", "dir/", "", 10);
	EXPECT_EQ(r.url, "http://127.0.0.1:10000/devstoreaccount1/"
	                 "mycontainer?restype=container&comp=list&prefix=dir%2F&maxresults=10");
	EXPECT_EQ(Signed(r), VectorAuthorization("K6"));
}

TEST(RestRequests, ListBlobsEncodesMarkerAndOmitsEmptyPrefix) {
	core::RestRequest r = core::ListBlobsRequest(kAzurite, "c1c", "", "2!80!MDAwMDE=+x", 5000);
	EXPECT_EQ(r.url, "http://127.0.0.1:10000/devstoreaccount1/"
	                 "c1c?restype=container&comp=list&marker=2!80!MDAwMDE%3D%2Bx&maxresults=5000");
}

TEST(RestRequests, SetCorsMatchesK7) {
	core::CorsRule rule {{"*"}, {"GET", "PUT", "HEAD"}, {"*"}, {"*"}, 3600};
	std::string xml = core::BuildCorsXml({rule});
	EXPECT_EQ(xml.size(), 311u);
	core::RestRequest r = core::SetServicePropertiesRequest(kAzurite, xml);
	EXPECT_EQ(r.url, "http://127.0.0.1:10000/devstoreaccount1/?restype=service&comp=properties");
	EXPECT_EQ(Signed(r), VectorAuthorization("K7"));
}

TEST(RestRequests, DeleteIncludesSnapshotsAndEncodesPath) {
	core::RestRequest r = core::DeleteBlobRequest(kAzurite, "c1c", "a b/c#?.txt");
	EXPECT_EQ(r.method, "DELETE");
	EXPECT_EQ(r.url, "http://127.0.0.1:10000/devstoreaccount1/c1c/a%20b/c%23%3F.txt");
	EXPECT_EQ(Header(r, "x-ms-delete-snapshots"), "include");
	EXPECT_FALSE(r.has_body);
}

TEST(RestRequests, SignAddsDateAndVersion) {
	core::RestRequest r = core::GetBlobRequest(kAzurite, "c1c", "x");
	core::SignRequest(r, core::kDevAccountName, core::HmacSha256::FromBase64(core::kDevAccountKey), kVectorDate);
	EXPECT_EQ(Header(r, "x-ms-date"), "Mon, 01 Jan 2024 00:00:00 GMT");
	EXPECT_EQ(Header(r, "x-ms-version"), core::kRestVersion);
	EXPECT_EQ(Header(r, "Authorization").rfind("SharedKey devstoreaccount1:", 0), 0u);
}

TEST(RestRequests, UrlForMessagesDropsQuery) {
	EXPECT_EQ(core::UrlForMessages("https://a.blob.core.windows.net/c/b?sv=1&sig=SECRET"),
	          "https://a.blob.core.windows.net/c/b");
	EXPECT_EQ(core::UrlForMessages("http://h/c"), "http://h/c");
}

TEST(ParseListBlobs, ReadsBlobsAndMarker) {
	const char *xml =
	    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<EnumerationResults ServiceEndpoint=\"http://x/\" ContainerName=\"c\"><Blobs>"
	    "<Blob><Name>a &amp; b.txt</Name><Properties><Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified>"
	    "<Etag>0x8DC</Etag><Content-Length>12</Content-Length><Content-Type>text/plain</Content-Type></Properties></"
	    "Blob>"
	    "<Blob><Name Encoded=\"true\">bad%EF%BF%BEchar</Name><Properties/></Blob>"
	    "</Blobs><NextMarker>2!80!abc</NextMarker></EnumerationResults>";
	core::ListPage page = core::ParseListBlobs(xml);
	ASSERT_EQ(page.blobs.size(), 2u);
	EXPECT_EQ(page.blobs[0].name, "a & b.txt");
	EXPECT_EQ(page.blobs[0].size, 12);
	EXPECT_EQ(page.blobs[0].content_type, "text/plain");
	EXPECT_EQ(page.blobs[0].etag, "\"0x8DC\"");
	EXPECT_TRUE(page.blobs[0].has_last_modified);
	EXPECT_EQ(page.blobs[0].last_modified, kVectorDate);
	EXPECT_EQ(page.blobs[1].name, "bad\xEF\xBF\xBE"
	                              "char");
	EXPECT_EQ(page.blobs[1].size, -1);
	EXPECT_FALSE(page.blobs[1].has_last_modified);
	EXPECT_EQ(page.next_marker, "2!80!abc");
}

TEST(ParseListBlobs, LastPageAndEmptyListing) {
	core::ListPage page = core::ParseListBlobs("<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>");
	EXPECT_TRUE(page.blobs.empty());
	EXPECT_TRUE(page.next_marker.empty());
}

TEST(ParseListBlobs, RejectsWhatIsNotAListing) {
	EXPECT_AZ_ERROR(core::ParseListBlobs(""), "38000");
	EXPECT_AZ_ERROR(core::ParseListBlobs("<EnumerationResults>"), "38000");
	EXPECT_AZ_ERROR(core::ParseListBlobs("<Error><Code>X</Code></Error>"), "38000");
	EXPECT_AZ_ERROR(core::ParseListBlobs("not xml at all"), "38000");
}

TEST(ParseListBlobs, DoesNotExpandEntitiesOrFetch) {
	/* An external entity must not be read, and nothing may crash on a DTD. */
	const char *xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	                  "<EnumerationResults><Blobs><Blob><Name>&x;</Name></Blob></Blobs></EnumerationResults>";
	core::ListPage page = core::ParseListBlobs(xml);
	ASSERT_EQ(page.blobs.size(), 1u);
	EXPECT_EQ(page.blobs[0].name.find("root:"), std::string::npos);
}

TEST(ParseAzureError, ReadsCodeAndMessage) {
	core::AzureError e = core::ParseAzureError(
	    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code>"
	    "<Message>The specified container does not exist.</Message></Error>");
	EXPECT_EQ(e.code, "ContainerNotFound");
	EXPECT_EQ(e.message, "The specified container does not exist.");
	EXPECT_TRUE(core::ParseAzureError("").code.empty());
	EXPECT_TRUE(core::ParseAzureError("<html>502</html>").code.empty());
	EXPECT_TRUE(core::ParseAzureError("garbage").code.empty());
}

TEST(Cors, RoundTripsThroughXml) {
	core::CorsRule a {{"https://app.example.com", "http://127.0.0.1:8080"},
	                  {"PUT", "GET"},
	                  {"x-ms-*", "content-type"},
	                  {"*"},
	                  600};
	core::CorsRule b {{"*"}, {"HEAD"}, {}, {}, 0};
	std::string xml = core::BuildCorsXml({a, b});
	/* Shaped like a Get Blob Service Properties answer, with other properties around. */
	std::string answer = "<?xml version=\"1.0\"?><StorageServiceProperties><Logging><Version>1.0</Version></Logging>" +
	                     xml.substr(xml.find("<Cors>"), xml.find("</Cors>") + 7 - xml.find("<Cors>")) +
	                     "</StorageServiceProperties>";
	std::vector<core::CorsRule> rules = core::ParseCors(answer);
	ASSERT_EQ(rules.size(), 2u);
	EXPECT_EQ(rules[0].allowed_origins, a.allowed_origins);
	EXPECT_EQ(rules[0].allowed_methods, a.allowed_methods);
	EXPECT_EQ(rules[0].allowed_headers, a.allowed_headers);
	EXPECT_EQ(rules[0].exposed_headers, a.exposed_headers);
	EXPECT_EQ(rules[0].max_age_seconds, 600);
	EXPECT_EQ(rules[1].allowed_methods, std::vector<std::string> {"HEAD"});
	EXPECT_TRUE(rules[1].allowed_headers.empty());
	EXPECT_TRUE(core::ParseCors("<StorageServiceProperties/>").empty());
}

TEST(Cors, EscapesXml) {
	core::CorsRule r {{"https://a.example.com"}, {"GET"}, {"x-<&>\""}, {}, 1};
	std::string xml = core::BuildCorsXml({r});
	EXPECT_NE(xml.find("x-&lt;&amp;&gt;&quot;"), std::string::npos) << xml;
}

TEST(Cors, ValidatesRules) {
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{}, {"GET"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"*"}, {}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"*"}, {"FETCH"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"*"}, {"get"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"a,b"}, {"GET"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"a b"}, {"GET"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{""}, {"GET"}, {}, {}, 1}}), "22023");
	EXPECT_AZ_ERROR(core::BuildCorsXml({core::CorsRule {{"*"}, {"GET"}, {}, {}, -1}}), "22023");
	std::vector<core::CorsRule> six(6, core::CorsRule {{"*"}, {"GET"}, {}, {}, 1});
	EXPECT_AZ_ERROR(core::BuildCorsXml(six), "22023");
}

} // namespace
} // namespace azure_blob::test
