/*-------------------------------------------------------------------------
 * endpoint_policy_test.cpp
 *	  Strict host parsing and the allow-list of storage endpoint hosts
 *	  (src/core/endpoint_policy.hpp).
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/endpoint_policy.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::CheckHostAllowed;
using core::EndpointHost;
using core::HostKind;
using core::HostVerdict;
using core::kDefaultAllowedEndpointHosts;
using core::ParseAllowedHosts;
using core::ParseHost;
using core::ParseUrlHost;

/* Verdict for a URL's host under a list. */
HostVerdict
Judge(const std::string &url, const std::string &list, bool allow_http) {
	return core::JudgeHost(ParseUrlHost(url), ParseAllowedHosts(list), allow_http);
}

bool
AllowedByDefault(const std::string &url, bool allow_http = false) {
	return Judge(url, kDefaultAllowedEndpointHosts, allow_http) == HostVerdict::kAllowed;
}

TEST(EndpointPolicy, DefaultListAllowsAzureBlobEndpoints) {
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.windows.net"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.windows.net/container/blob?comp=list"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.privatelink.blob.core.windows.net"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.z12.blob.storage.azure.net"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.chinacloudapi.cn"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.usgovcloudapi.net:443/"));
	EXPECT_TRUE(AllowedByDefault("http://myaccount.blob.core.windows.net")); /* the scheme is allow_http's business */
}

TEST(EndpointPolicy, SuffixMatchesOnLabelBoundaryOnly) {
	EXPECT_EQ(Judge("https://evilblob.core.windows.net", kDefaultAllowedEndpointHosts, false),
	          HostVerdict::kNameNotListed);
	EXPECT_EQ(Judge("https://x.blob.core.windows.net.attacker.com", kDefaultAllowedEndpointHosts, false),
	          HostVerdict::kNameNotListed);
	/* The suffix itself is not a host under it. */
	EXPECT_FALSE(AllowedByDefault("https://blob.core.windows.net"));
	EXPECT_FALSE(AllowedByDefault("https://core.windows.net"));
	EXPECT_FALSE(AllowedByDefault("https://windows.net"));
	EXPECT_FALSE(AllowedByDefault("https://myaccount.file.core.windows.net"));
}

TEST(EndpointPolicy, CaseAndTrailingDot) {
	EXPECT_TRUE(AllowedByDefault("https://MyAccount.BLOB.Core.Windows.NET"));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.windows.net."));
	EXPECT_TRUE(AllowedByDefault("https://myaccount.blob.core.windows.net.:443/c"));
	EXPECT_EQ(ParseHost("MyAccount.Blob.Core.Windows.Net.").host, "myaccount.blob.core.windows.net");
	EXPECT_AZ_ERROR(ParseUrlHost("https://myaccount.blob.core.windows.net.."), "22023");
	/* Entries are case-insensitive too, and may end in a dot. */
	EXPECT_EQ(Judge("https://files.example.com", ".EXAMPLE.com.", false), HostVerdict::kAllowed);
	EXPECT_EQ(Judge("https://FILES.example.com", "files.example.COM", false), HostVerdict::kAllowed);
}

TEST(EndpointPolicy, ExactEntries) {
	EXPECT_EQ(Judge("https://files.example.com", "files.example.com", false), HostVerdict::kAllowed);
	EXPECT_EQ(Judge("https://a.files.example.com", "files.example.com", false), HostVerdict::kNameNotListed);
	EXPECT_EQ(Judge("https://example.com", ".example.com", false), HostVerdict::kNameNotListed);
	EXPECT_EQ(Judge("https://internal.example.com", kDefaultAllowedEndpointHosts, false), HostVerdict::kNameNotListed);
	EXPECT_EQ(Judge("https://files.example.com", "", false), HostVerdict::kNameNotListed);
	EXPECT_EQ(Judge("https://files.example.com", " ", false), HostVerdict::kNameNotListed);
}

TEST(EndpointPolicy, AddressesOnlyWhenListedExactly) {
	EXPECT_EQ(Judge("http://169.254.169.254/", kDefaultAllowedEndpointHosts, true), HostVerdict::kAddressNotListed);
	EXPECT_EQ(Judge("http://10.0.0.5:80/", kDefaultAllowedEndpointHosts, true), HostVerdict::kAddressNotListed);
	EXPECT_EQ(Judge("https://10.0.0.5/acct", "10.0.0.5", false), HostVerdict::kAllowed);
	EXPECT_EQ(Judge("https://10.0.0.50/acct", "10.0.0.5", false), HostVerdict::kAddressNotListed);
	EXPECT_EQ(Judge("https://[fd00::5]/acct", "[FD00:0:0::5]", false), HostVerdict::kAllowed);
	EXPECT_EQ(Judge("https://[fd00::6]/acct", "[fd00::5]", false), HostVerdict::kAddressNotListed);
	/* A suffix entry never matches an address. */
	EXPECT_EQ(Judge("https://10.0.0.5/", ".example.com, 10.0.0.50", false), HostVerdict::kAddressNotListed);
}

TEST(EndpointPolicy, OtherSpellingsOfAddressesAreRefused) {
	/* libcurl and resolvers read each of these as an IPv4 address. */
	for (const char *url : {"http://0x7f.1/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/",
	                        "http://127.0.0.1./", "http://0xa9fea9fe/", "http://169.254.169.0x fe/",
	                        "http://1.2.3.4.5/", "http://256.0.0.1/", "http://a.0x10/", "http://10.0.0.05/"}) {
		SCOPED_TRACE(url);
		EXPECT_AZ_ERROR(ParseUrlHost(url), "22023");
	}
	/* A numeric label that is not the last one leaves a name. */
	EXPECT_EQ(ParseHost("10.0.0.5.nip.io").kind, HostKind::kName);
	EXPECT_EQ(ParseHost("169.254.169.254").kind, HostKind::kIpv4);
}

TEST(EndpointPolicy, Ipv6Literals) {
	EndpointHost h = ParseUrlHost("https://[FD00:0000::0001]:10000/devstoreaccount1");
	EXPECT_EQ(h.kind, HostKind::kIpv6);
	EXPECT_EQ(h.host, "fd00::1");
	EXPECT_FALSE(h.loopback);
	EXPECT_AZ_ERROR(ParseUrlHost("https://::1/"), "22023");               /* no brackets */
	EXPECT_AZ_ERROR(ParseUrlHost("https://[fe80::1%25eth0]/"), "22023");  /* zone */
	EXPECT_AZ_ERROR(ParseUrlHost("https://[::1/"), "22023");              /* unclosed */
	EXPECT_AZ_ERROR(ParseUrlHost("https://[::1]x/"), "22023");            /* junk after */
	EXPECT_AZ_ERROR(ParseUrlHost("https://[fd00::1::2]/"), "22023");      /* two "::" */
	EXPECT_AZ_ERROR(ParseUrlHost("https://[169.254.169.254]/"), "22023"); /* IPv4 in brackets */
	EXPECT_EQ(Judge("https://[fd00::1]/", kDefaultAllowedEndpointHosts, true), HostVerdict::kAddressNotListed);
	EXPECT_EQ(Judge("https://[::ffff:169.254.169.254]/", kDefaultAllowedEndpointHosts, true),
	          HostVerdict::kAddressNotListed);
}

TEST(EndpointPolicy, LoopbackOnlyWithAllowHttp) {
	for (const char *url :
	     {"http://127.0.0.1:10000/devstoreaccount1", "http://127.1.2.3/", "https://127.255.255.254/",
	      "http://[::1]:10000/devstoreaccount1", "http://[0:0:0:0:0:0:0:1]/", "http://localhost:10000/x",
	      "http://LOCALHOST./x", "http://azurite.localhost/x", "http://[::ffff:127.0.0.1]/"}) {
		SCOPED_TRACE(url);
		EXPECT_TRUE(ParseUrlHost(url).loopback);
		EXPECT_EQ(Judge(url, kDefaultAllowedEndpointHosts, false), HostVerdict::kLoopbackNeedsHttp);
		EXPECT_EQ(Judge(url, kDefaultAllowedEndpointHosts, true), HostVerdict::kAllowed);
		/* The list does not matter either way. */
		EXPECT_EQ(Judge(url, "", true), HostVerdict::kAllowed);
		EXPECT_EQ(Judge(url, "127.0.0.1, [::1], localhost, .localhost", false), HostVerdict::kLoopbackNeedsHttp);
	}
	for (const char *url : {"http://128.0.0.1/", "http://126.255.255.255/", "http://[::2]/", "http://notlocalhost/",
	                        "http://localhost.example.com/", "http://0.0.0.0/"}) {
		SCOPED_TRACE(url);
		EXPECT_FALSE(ParseUrlHost(url).loopback);
		EXPECT_NE(Judge(url, kDefaultAllowedEndpointHosts, true), HostVerdict::kAllowed);
	}
}

TEST(EndpointPolicy, UserInfoAndMalformedUrlsAreRefused) {
	for (const char *url : {"https://user:pass@myaccount.blob.core.windows.net/",
	                        "https://myaccount.blob.core.windows.net@169.254.169.254/",
	                        "https://@myaccount.blob.core.windows.net/",
	                        "https://169.254.169.254\\@myaccount.blob.core.windows.net/",
	                        "https://169.254.169.254\\.blob.core.windows.net/",
	                        "https://myaccount.blob.core.windows.net%2f@x/",
	                        "https://my%61ccount.blob.core.windows.net/",
	                        "https://myaccount .blob.core.windows.net/",
	                        "https://myaccount.blob.core.windows.net:/",
	                        "https://myaccount.blob.core.windows.net:0/",
	                        "https://myaccount.blob.core.windows.net:65536/",
	                        "https://myaccount.blob.core.windows.net:44x/",
	                        "https://myaccount.blob.core.windows.net:1:2/",
	                        "https://myaccount..blob.core.windows.net/",
	                        "https://.blob.core.windows.net/",
	                        "https:///x",
	                        "https://",
	                        "ftp://myaccount.blob.core.windows.net/",
	                        "HTTPS://myaccount.blob.core.windows.net/",
	                        "//myaccount.blob.core.windows.net/",
	                        "https://myaccount.blob.core.windows.n\xc3\xa9t/"}) {
		SCOPED_TRACE(url);
		auto e = CatchError([&] { ParseUrlHost(url); });
		ASSERT_TRUE(e);
		EXPECT_EQ(e->sqlstate, "22023");
		EXPECT_EQ(e->message, "invalid storage endpoint host");
	}
	EXPECT_AZ_ERROR(ParseHost(std::string(64, 'a') + ".example.com"), "22023");
	EXPECT_EQ(ParseHost(std::string(63, 'a') + ".example.com").host, std::string(63, 'a') + ".example.com");
	std::string long_name;
	while (long_name.size() < 250)
		long_name += "abcdefghi.";
	EXPECT_EQ(ParseHost(long_name + "com").host.size(), 253u);
	EXPECT_AZ_ERROR(ParseHost(long_name + "comm"), "22023");
}

TEST(EndpointPolicy, ListSyntax) {
	EXPECT_EQ(ParseAllowedHosts("").size(), 0u);
	EXPECT_EQ(ParseAllowedHosts(" \t").size(), 0u);
	std::vector<core::HostPattern> p = ParseAllowedHosts(kDefaultAllowedEndpointHosts);
	ASSERT_EQ(p.size(), 4u);
	EXPECT_TRUE(p[0].suffix);
	EXPECT_EQ(p[0].host, "blob.core.windows.net");
	p = ParseAllowedHosts(" .Example.COM ,files.example.org,10.0.0.5 , [FD00::1]");
	ASSERT_EQ(p.size(), 4u);
	EXPECT_EQ(p[0].host, "example.com");
	EXPECT_TRUE(p[0].suffix);
	EXPECT_EQ(p[1].host, "files.example.org");
	EXPECT_FALSE(p[1].suffix);
	EXPECT_EQ(p[2].kind, HostKind::kIpv4);
	EXPECT_EQ(p[3].kind, HostKind::kIpv6);
	EXPECT_EQ(p[3].host, "fd00::1");
	for (const char *bad :
	     {",", ".example.com,", ",.example.com", ".example.com,,x.org", ".", "..example.com", "*.example.com", "*",
	      "example.com:443", "https://example.com", "fd00::1", ".10.0.0.5", ".[::1]", "10.0.0.05", "0x0a.0.0.5",
	      "exa mple.com", "ex/ample.com", "user@example.com", "[::1"}) {
		SCOPED_TRACE(bad);
		auto e = CatchError([&] { ParseAllowedHosts(bad); });
		ASSERT_TRUE(e);
		EXPECT_EQ(e->sqlstate, "22023");
		EXPECT_EQ(e->message, "invalid value for azure_blob.allowed_endpoint_hosts");
		EXPECT_EQ(e->detail.rfind("Entry ", 0), 0u) << e->detail;
	}
	auto e = CatchError([] { ParseAllowedHosts(".example.com, *.example.org"); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->detail.rfind("Entry 2 (\"*.example.org\") is not a host name", 0), 0u) << e->detail;
}

TEST(EndpointPolicy, CheckHostAllowedErrors) {
	auto e = CatchError(
	    [] { CheckHostAllowed(ParseUrlHost("http://169.254.169.254/"), kDefaultAllowedEndpointHosts, true); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->sqlstate, "22023");
	EXPECT_EQ(e->message, "storage endpoint host \"169.254.169.254\" is not allowed");
	EXPECT_NE(e->hint.find("azure_blob.allowed_endpoint_hosts"), std::string::npos);

	e = CatchError(
	    [] { CheckHostAllowed(ParseUrlHost("https://Internal.Example.com/x"), kDefaultAllowedEndpointHosts, true); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->message, "storage endpoint host \"internal.example.com\" is not allowed");
	EXPECT_NE(e->hint.find("azure_blob.allowed_endpoint_hosts"), std::string::npos);

	e = CatchError([] { CheckHostAllowed(ParseUrlHost("http://[::1]:10000/x"), kDefaultAllowedEndpointHosts, false); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->message, "storage endpoint host \"[::1]\" is not allowed");
	EXPECT_NE(e->hint.find("azure_blob.allow_http"), std::string::npos);

	EXPECT_NO_THROW(
	    CheckHostAllowed(ParseUrlHost("https://a.blob.core.windows.net"), kDefaultAllowedEndpointHosts, false));
	EXPECT_NO_THROW(CheckHostAllowed(ParseUrlHost("http://127.0.0.1:10000/devstoreaccount1"), "", true));
}

/* The address an allowed name resolved to, as text (inet_pton), judged at connect time. */
core::AddressVerdict
JudgeText(const std::string &text, bool allow_http) {
	unsigned char bytes[16];
	if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
		return core::JudgeAddress(bytes, 4, allow_http);
	EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), bytes), 1) << text;
	return core::JudgeAddress(bytes, 16, allow_http);
}

TEST(EndpointPolicy, ResolvedAddresses) {
	using V = core::AddressVerdict;
	struct Case {
		const char *address;
		V without_http, with_http;
	};
	const Case cases[] = {
	    /* public and private unicast: allowed (an Azure private endpoint resolves to 10.x) */
	    {"20.60.1.4", V::kAllowed, V::kAllowed},
	    {"10.1.2.3", V::kAllowed, V::kAllowed},
	    {"172.16.0.1", V::kAllowed, V::kAllowed},
	    {"192.168.1.1", V::kAllowed, V::kAllowed},
	    {"2603:1030::1", V::kAllowed, V::kAllowed},
	    {"fd00::1", V::kAllowed, V::kAllowed},
	    {"169.253.255.255", V::kAllowed, V::kAllowed},
	    {"169.255.0.0", V::kAllowed, V::kAllowed},
	    {"223.255.255.255", V::kAllowed, V::kAllowed},
	    {"1.0.0.0", V::kAllowed, V::kAllowed},
	    /* loopback: only with allow_http, in every spelling */
	    {"127.0.0.1", V::kLoopbackNeedsHttp, V::kAllowed},
	    {"127.255.255.254", V::kLoopbackNeedsHttp, V::kAllowed},
	    {"::1", V::kLoopbackNeedsHttp, V::kAllowed},
	    {"::ffff:127.0.0.1", V::kLoopbackNeedsHttp, V::kAllowed},
	    {"::127.0.0.1", V::kLoopbackNeedsHttp, V::kAllowed},
	    {"64:ff9b::7f00:1", V::kLoopbackNeedsHttp, V::kAllowed},
	    /* link-local, the cloud metadata service among them: never */
	    {"169.254.169.254", V::kLinkLocal, V::kLinkLocal},
	    {"169.254.0.0", V::kLinkLocal, V::kLinkLocal},
	    {"::ffff:169.254.169.254", V::kLinkLocal, V::kLinkLocal},
	    {"64:ff9b::a9fe:a9fe", V::kLinkLocal, V::kLinkLocal},
	    {"fe80::1", V::kLinkLocal, V::kLinkLocal},
	    {"febf:ffff::1", V::kLinkLocal, V::kLinkLocal},
	    /* cloud platform services outside link-local: never, in every spelling */
	    {"168.63.129.16", V::kPlatformService, V::kPlatformService},
	    {"::ffff:168.63.129.16", V::kPlatformService, V::kPlatformService},
	    {"64:ff9b::a83f:8110", V::kPlatformService, V::kPlatformService},
	    {"100.100.100.200", V::kPlatformService, V::kPlatformService},
	    {"fd00:ec2::254", V::kPlatformService, V::kPlatformService},
	    {"fd00:ec2::255", V::kAllowed, V::kAllowed},
	    {"168.63.129.17", V::kAllowed, V::kAllowed},
	    {"100.100.100.201", V::kAllowed, V::kAllowed},
	    /* not unicast: never */
	    {"0.0.0.0", V::kNotUnicast, V::kNotUnicast},
	    {"0.1.2.3", V::kNotUnicast, V::kNotUnicast},
	    {"224.0.0.1", V::kNotUnicast, V::kNotUnicast},
	    {"240.0.0.1", V::kNotUnicast, V::kNotUnicast},
	    {"255.255.255.255", V::kNotUnicast, V::kNotUnicast},
	    {"::", V::kNotUnicast, V::kNotUnicast},
	    {"::ffff:0.0.0.0", V::kNotUnicast, V::kNotUnicast},
	    {"ff02::1", V::kNotUnicast, V::kNotUnicast},
	    /* near misses of the prefixes above: ordinary unicast */
	    {"fec0::1", V::kAllowed, V::kAllowed},
	    {"::fffe:127.0.0.1", V::kAllowed, V::kAllowed},
	    {"64:ff9a::7f00:1", V::kAllowed, V::kAllowed},
	    {"1::127.0.0.1", V::kAllowed, V::kAllowed},
	};
	for (const Case &c : cases) {
		EXPECT_EQ(JudgeText(c.address, false), c.without_http) << c.address;
		EXPECT_EQ(JudgeText(c.address, true), c.with_http) << c.address << " with allow_http";
	}
	const unsigned char odd[8] = {};
	EXPECT_EQ(core::JudgeAddress(odd, 8, true), V::kNotUnicast);
}

TEST(EndpointPolicy, CheckAddressAllowedErrors) {
	const EndpointHost host = ParseUrlHost("https://myaccount.blob.core.windows.net/");
	unsigned char v4[4] = {169, 254, 169, 254};
	auto e = CatchError([&] { core::CheckAddressAllowed(host, v4, 4, true); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->sqlstate, "22023");
	EXPECT_EQ(e->message,
	          "storage endpoint host \"myaccount.blob.core.windows.net\" resolves to a link-local address, which is "
	          "never allowed");
	EXPECT_EQ(e->message.find("169.254"), std::string::npos) << "the address is not shown";

	v4[0] = 127, v4[1] = 0, v4[2] = 0, v4[3] = 1;
	e = CatchError([&] { core::CheckAddressAllowed(host, v4, 4, false); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->message, "storage endpoint host \"myaccount.blob.core.windows.net\" resolves to a loopback address, "
	                      "which is not allowed");
	EXPECT_NE(e->hint.find("azure_blob.allow_http"), std::string::npos);
	EXPECT_NO_THROW(core::CheckAddressAllowed(host, v4, 4, true));

	const unsigned char multicast[4] = {224, 0, 0, 251};
	e = CatchError([&] { core::CheckAddressAllowed(host, multicast, 4, true); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->sqlstate, "22023");
	const unsigned char wireserver[4] = {168, 63, 129, 16};
	e = CatchError([&] { core::CheckAddressAllowed(host, wireserver, 4, true); });
	ASSERT_TRUE(e);
	EXPECT_EQ(e->sqlstate, "22023");
	EXPECT_EQ(e->message, "storage endpoint host \"myaccount.blob.core.windows.net\" resolves to a cloud platform's "
	                      "service address, which is never allowed");
	const unsigned char azure[4] = {20, 60, 1, 4};
	EXPECT_NO_THROW(core::CheckAddressAllowed(host, azure, 4, false));
}

} // namespace
} // namespace azure_blob::test
