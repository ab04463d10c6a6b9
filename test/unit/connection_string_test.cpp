/*-------------------------------------------------------------------------
 * connection_string_test.cpp
 *	  ParseConnectionString and NormalizeBlobEndpoint (spec §7).
 *
 * Any part of a connection string may be a secret, so every rejection here
 * is also checked for leaks: no value from the string (and in particular no
 * account key) may appear in the error's message, detail or hint.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/connection_string.hpp"
#include "core/encoding.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::ParseConnectionString;
using core::StorageAccount;

/* Base64 of bytes 0x00..0x3F: a well-formed 64-byte key. */
const std::string kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

/* A distinctive, well-formed 64-byte key: 86 Base64 characters and "==". */
std::string
SecretKey() {
	std::string k = "TopSecretKeyMaterial";
	while (k.size() < 86)
		k += "Zq9";
	k.resize(86);
	return k + "==";
}

/* Values (text after the first "=" of each segment) that are long enough to be distinctive. */
std::vector<std::string>
Values(const std::string &text) {
	std::vector<std::string> out;
	size_t start = 0;
	while (start <= text.size()) {
		size_t semi = text.find(';', start);
		std::string seg = text.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
		start = semi == std::string::npos ? text.size() + 1 : semi + 1;
		size_t eq = seg.find('=');
		if (eq == std::string::npos)
			continue;
		std::string v = seg.substr(eq + 1);
		while (!v.empty() && v.front() == ' ')
			v.erase(0, 1);
		while (!v.empty() && v.back() == ' ')
			v.pop_back();
		/* Short or generic values ("true", "https", the default suffix) may legitimately be quoted in hints. */
		if (v.size() >= 6 && v != "core.windows.net")
			out.push_back(v);
	}
	return out;
}

/* text must be rejected with state, and nothing from it may leak into the error. */
void
ExpectRejected(const std::string &text, const std::string &state = "22023") {
	SCOPED_TRACE(::testing::PrintToString(text));
	auto err = CatchError([&] { ParseConnectionString(text); });
	if (!err)
		return;
	EXPECT_EQ(err->sqlstate, state) << err->message;
	EXPECT_FALSE(err->message.empty());
	const std::string all = AllText(*err);
	for (const std::string &v : Values(text))
		EXPECT_EQ(all.find(v), std::string::npos) << "error text leaks \"" << v << "\": " << all;
	EXPECT_EQ(all.find("TopSecret"), std::string::npos) << all;
	EXPECT_EQ(all.find(kKey.substr(0, 20)), std::string::npos) << all;
}

TEST(ConnectionString, SecretKeyIsWellFormed) {
	std::string raw;
	ASSERT_TRUE(core::Base64Decode(SecretKey(), raw));
	EXPECT_EQ(raw.size(), 64u);
	EXPECT_EQ(ParseConnectionString("AccountName=myaccount;AccountKey=" + SecretKey()).account_key, SecretKey());
}

/* ---- Accepted forms ---- */

TEST(ConnectionString, AzureFormWithEndpointSuffix) {
	StorageAccount a = ParseConnectionString("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" + kKey +
	                                         ";EndpointSuffix=core.windows.net");
	EXPECT_EQ(a.account_name, "myaccount");
	EXPECT_EQ(a.account_key, kKey);
	EXPECT_EQ(a.blob_endpoint, "https://myaccount.blob.core.windows.net");
	EXPECT_TRUE(a.https);

	a = ParseConnectionString("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" + kKey +
	                          ";EndpointSuffix=core.chinacloudapi.cn");
	EXPECT_EQ(a.blob_endpoint, "https://myaccount.blob.core.chinacloudapi.cn");
}

TEST(ConnectionString, DefaultSuffixAndProtocol) {
	StorageAccount a = ParseConnectionString("AccountName=myaccount;AccountKey=" + kKey);
	EXPECT_EQ(a.blob_endpoint, "https://myaccount.blob.core.windows.net");
	EXPECT_TRUE(a.https);
}

TEST(ConnectionString, HttpProtocol) {
	StorageAccount a = ParseConnectionString("DefaultEndpointsProtocol=http;AccountName=myaccount;AccountKey=" + kKey);
	EXPECT_EQ(a.blob_endpoint, "http://myaccount.blob.core.windows.net");
	EXPECT_FALSE(a.https);
}

TEST(ConnectionString, BlobEndpointWinsAndLosesTrailingSlash) {
	StorageAccount a =
	    ParseConnectionString("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" + kKey +
	                          ";EndpointSuffix=core.windows.net;BlobEndpoint=https://blobs.example.com/");
	EXPECT_EQ(a.blob_endpoint, "https://blobs.example.com");
	EXPECT_TRUE(a.https);
	EXPECT_EQ(a.account_name, "myaccount");

	/* The endpoint's own scheme decides, not DefaultEndpointsProtocol. */
	a = ParseConnectionString("DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=" + kKey +
	                          ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/");
	EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
	EXPECT_FALSE(a.https);

	a = ParseConnectionString("AccountName=myaccount;AccountKey=" + kKey + ";BlobEndpoint=https://h.example.com:8443");
	EXPECT_EQ(a.blob_endpoint, "https://h.example.com:8443");
}

TEST(ConnectionString, DevelopmentStorage) {
	for (const char *text :
	     {"UseDevelopmentStorage=true", "UseDevelopmentStorage=true;", " usedevelopmentstorage = TRUE ;"}) {
		SCOPED_TRACE(text);
		StorageAccount a = ParseConnectionString(text);
		EXPECT_EQ(a.account_name, "devstoreaccount1");
		EXPECT_EQ(a.account_key,
		          "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");
		EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
		EXPECT_FALSE(a.https);
	}
}

TEST(ConnectionString, DevelopmentStorageWithBlobEndpoint) {
	StorageAccount a =
	    ParseConnectionString("UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1/");
	EXPECT_EQ(a.account_name, "devstoreaccount1");
	EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10100/devstoreaccount1");
	EXPECT_FALSE(a.https);
	/* Proxy and other services' endpoints are ignored. */
	a = ParseConnectionString("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://proxy.local:8888;"
	                          "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1");
	EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(ConnectionString, KeysAreCaseInsensitive) {
	StorageAccount a = ParseConnectionString("defaultendpointsprotocol=http;ACCOUNTNAME=myaccount;accountKEY=" + kKey +
	                                         ";endpointsuffix=example.net");
	EXPECT_EQ(a.account_name, "myaccount");
	EXPECT_EQ(a.account_key, kKey);
	EXPECT_EQ(a.blob_endpoint, "http://myaccount.blob.example.net");
}

TEST(ConnectionString, WhitespaceAndEmptySegments) {
	StorageAccount a = ParseConnectionString(" ;; AccountName = myaccount ;\t AccountKey= " + kKey + " ;;\n");
	EXPECT_EQ(a.account_name, "myaccount");
	EXPECT_EQ(a.account_key, kKey);
	EXPECT_EQ(a.blob_endpoint, "https://myaccount.blob.core.windows.net");
}

TEST(ConnectionString, ValuesMayContainEquals) {
	/* Split at the first "=" only: the key keeps its "==" padding. */
	StorageAccount a = ParseConnectionString("AccountKey=" + SecretKey() + ";AccountName=myaccount");
	EXPECT_EQ(a.account_key, SecretKey());
	EXPECT_EQ(a.account_key.substr(a.account_key.size() - 2), "==");
}

TEST(ConnectionString, OtherServiceEndpointsIgnored) {
	StorageAccount a = ParseConnectionString(
	    "AccountName=myaccount;AccountKey=" + kKey +
	    ";QueueEndpoint=https://q.example.com;TableEndpoint=https://t.example.com;FileEndpoint=https://f.example.com;"
	    "DfsEndpoint=https://d.example.com");
	EXPECT_EQ(a.blob_endpoint, "https://myaccount.blob.core.windows.net");
}

/* ---- Rejections (each also checked for leaks) ---- */

TEST(ConnectionString, RejectsEmptyAndShapeless) {
	ExpectRejected("");
	ExpectRejected(" ; ;; ");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";garbage");
	ExpectRejected("AccountName=myaccount;" + SecretKey().substr(0, 86));
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";\xC3");
}

TEST(ConnectionString, RejectsDuplicates) {
	ExpectRejected("AccountName=myaccount;AccountName=myaccount;AccountKey=" + SecretKey());
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";accountkey=" + SecretKey());
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() +
	               ";BlobEndpoint=https://a.example.com;BlobEndpoint=https://b.example.com");
	ExpectRejected("UseDevelopmentStorage=true;UseDevelopmentStorage=true");
}

TEST(ConnectionString, RejectsMissingNameOrKey) {
	ExpectRejected("AccountKey=" + SecretKey());
	ExpectRejected("AccountName=myaccount");
	ExpectRejected("AccountName=;AccountKey=" + SecretKey());
	ExpectRejected("AccountName=myaccount;AccountKey=");
	ExpectRejected("DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net");
	ExpectRejected("BlobEndpoint=https://secrethost.example.com");
}

TEST(ConnectionString, RejectsBadAccountName) {
	ExpectRejected("AccountName=Secret_Account_Name;AccountKey=" + SecretKey());
	ExpectRejected("AccountName=ab;AccountKey=" + SecretKey());
}

TEST(ConnectionString, RejectsInvalidBase64Key) {
	ExpectRejected("AccountName=myaccount;AccountKey=TopSecret!KeyMaterial==");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey().substr(0, 87));
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey().substr(0, 40) + "=" + SecretKey().substr(41));
	ExpectRejected("AccountName=myaccount;AccountKey=TopSecret Key Material==");
}

TEST(ConnectionString, RejectsKeyOfWrongLength) {
	/* 32 bytes (a user delegation key's size) and 63/65 bytes. */
	ExpectRejected("AccountName=myaccount;AccountKey=TopSecretKeyMaterialTopSecretKeyMaterialAAA=");
	ExpectRejected("AccountName=myaccount;AccountKey=" + core::Base64Encode(std::string(63, 'S')));
	ExpectRejected("AccountName=myaccount;AccountKey=" + core::Base64Encode(std::string(65, 'S')));
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey().substr(0, 86) + SecretKey().substr(0, 84) + "==");
}

TEST(ConnectionString, RejectsUnrecognizedKeys) {
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";Bogus=SecretBogusValue");
	ExpectRejected("AccountName=myaccount;AcountKey=" + SecretKey());
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";Account Key=SecretValue2");
	/* A key pasted without its "AccountKey=" prefix is split at its padding; nothing of it may be echoed. */
	ExpectRejected("AccountName=myaccount;" + SecretKey());
	/* Unrecognized key names are not quoted either: a pasted secret can stand where a name should. */
	for (const char *text : {"AccountName=myaccount;SecretKeyName=x", "AccountName=myaccount;SecretKeyName"}) {
		SCOPED_TRACE(text);
		auto err = CatchError([&] { ParseConnectionString(text); });
		ASSERT_TRUE(err);
		EXPECT_EQ(AllText(*err).find("SecretKeyName"), std::string::npos) << AllText(*err);
	}
}

TEST(ConnectionString, SharedAccessSignatureNotSupported) {
	ExpectRejected("BlobEndpoint=https://"
	               "myaccount.blob.core.windows.net;SharedAccessSignature=sv=2025-07-05&sig=TopSecretSig%3D",
	               "0A000");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() +
	                   ";SharedAccessSignature=?sv=2025-07-05&sig=TopSecretSig",
	               "0A000");
}

TEST(ConnectionString, RejectsBadDevelopmentStorage) {
	ExpectRejected("UseDevelopmentStorage=false");
	ExpectRejected("UseDevelopmentStorage=yes");
	ExpectRejected("UseDevelopmentStorage=true;AccountName=myaccount");
	ExpectRejected("UseDevelopmentStorage=true;AccountKey=" + SecretKey());
	ExpectRejected("UseDevelopmentStorage=true;BlobEndpoint=ftp://secrethost.example.com");
}

TEST(ConnectionString, RejectsBadProtocolOrSuffix) {
	ExpectRejected("DefaultEndpointsProtocol=ftp;AccountName=myaccount;AccountKey=" + SecretKey());
	ExpectRejected("DefaultEndpointsProtocol=HTTPS://;AccountName=myaccount;AccountKey=" + SecretKey());
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";EndpointSuffix=");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";EndpointSuffix=secret.example/path");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";EndpointSuffix=user@secret.example");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";EndpointSuffix=secret.example:443");
	ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";EndpointSuffix=secret example.net");
}

TEST(ConnectionString, RejectsMalformedEndpoints) {
	for (const std::string endpoint :
	     {"ftp://secrethost.example.com", "secrethost.example.com", "https://", "https:///secretpath",
	      "https://user:TopSecretPw@secrethost.example.com", "https://secrethost.example.com?sv=TopSecretQuery",
	      "https://secrethost.example.com/#fragment", "https://secret host.example.com",
	      "https://secrethost.example.com//", "https://secrethost.example.com/p\xC3\xA9th",
	      "https://secrethost.example.com/\x01path"}) {
		ExpectRejected("AccountName=myaccount;AccountKey=" + SecretKey() + ";BlobEndpoint=" + endpoint);
	}
}

/* ---- NormalizeBlobEndpoint ---- */

TEST(NormalizeBlobEndpoint, AcceptsAndStripsOneSlash) {
	bool https = false;
	EXPECT_EQ(core::NormalizeBlobEndpoint("https://acct.blob.core.windows.net/", &https),
	          "https://acct.blob.core.windows.net");
	EXPECT_TRUE(https);
	EXPECT_EQ(core::NormalizeBlobEndpoint("http://127.0.0.1:10000/devstoreaccount1", &https),
	          "http://127.0.0.1:10000/devstoreaccount1");
	EXPECT_FALSE(https);
	EXPECT_EQ(core::NormalizeBlobEndpoint("http://[::1]:10000/devstoreaccount1/", &https),
	          "http://[::1]:10000/devstoreaccount1");
	EXPECT_EQ(core::NormalizeBlobEndpoint("http://azurite", &https), "http://azurite");
}

TEST(NormalizeBlobEndpoint, Rejects) {
	for (const char *bad : {"", "https:/x", "http//x", "file:///etc/passwd", "https://", "http:///p", "https://u@h",
	                        "https://h?q", "https://h#f", "https://h//", "https://h /", "https://h\t"}) {
		SCOPED_TRACE(bad);
		bool https = false;
		EXPECT_AZ_ERROR(core::NormalizeBlobEndpoint(bad, &https), "22023");
	}
}

} // namespace
} // namespace azure_blob::test
