/*-------------------------------------------------------------------------
 * endpoint_policy.hpp
 *	  Which storage endpoint hosts the server may send REST requests to.
 *
 * A connection string's BlobEndpoint can name any URL, and the REST
 * functions hand the answer back to the caller; without a limit, whoever
 * adds an account can make the server fetch internal addresses (cloud
 * metadata at 169.254.169.254, services on 10.x).  The limit is the list in
 * azure_blob.allowed_endpoint_hosts plus one fixed rule: loopback hosts
 * (Azurite) only while azure_blob.allow_http is on.
 *
 * The host is parsed strictly, so that the host judged here is the host
 * libcurl connects to: names of letters, digits, "-" and "_"; IPv4 only as
 * a canonical dotted quad (no "0x7f.1", "2130706433" or "0177.0.0.1", which
 * resolvers read as addresses); IPv6 only in brackets, without a zone.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace azure_blob::core {

/* Default of azure_blob.allowed_endpoint_hosts: the blob endpoints of the public and sovereign Azure clouds. */
inline constexpr const char *kDefaultAllowedEndpointHosts =
    ".blob.core.windows.net, .blob.storage.azure.net, .blob.core.chinacloudapi.cn, .blob.core.usgovcloudapi.net";

enum class HostKind { kName, kIpv4, kIpv6 };

/* A host in canonical form. */
struct EndpointHost {
	std::string host; /* lower case, no trailing "."; IPv6 as inet_ntop writes it, without brackets */
	HostKind kind = HostKind::kName;
	bool loopback = false; /* localhost, *.localhost, 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104 */
};

/* One entry of the list. */
struct HostPattern {
	std::string host; /* canonical, as in EndpointHost; for a suffix, without its leading "." */
	HostKind kind = HostKind::kName;
	bool suffix = false; /* ".example.com": any name that ends in ".example.com" */
};

/*
 * Canonical form of a host as it appears in a URL ("Name.Example.com.",
 * "10.0.0.5", "[::1]").  Throws Error(22023) if it is not a valid host; the
 * message does not quote it.
 */
EndpointHost ParseHost(std::string_view host);

/*
 * Host of an http:// or https:// URL (a blob endpoint or a request URL):
 * the text between "://" and the first "/", "?" or "#", with an optional
 * ":port" (1 to 65535).  User information ("@") is refused.  Throws
 * Error(22023) without quoting the URL.
 */
EndpointHost ParseUrlHost(std::string_view url);

/*
 * Parses azure_blob.allowed_endpoint_hosts: entries separated by ",", spaces
 * around them ignored; an empty value allows nothing.  An entry is a host
 * name, a dotted-quad IPv4 address or a bracketed IPv6 address (exact
 * match), or "." and a domain name (suffix match).  Throws Error(22023)
 * whose detail names the bad entry.
 */
std::vector<HostPattern> ParseAllowedHosts(std::string_view list);

enum class HostVerdict {
	kAllowed,
	kLoopbackNeedsHttp, /* loopback while allow_http is off */
	kAddressNotListed,  /* an IP address that is not listed exactly */
	kNameNotListed,     /* a name that no entry matches */
};

/*
 * Loopback hosts: allowed exactly when allow_http is on, whatever the list
 * says.  Any other host: allowed when an entry matches it; a suffix entry
 * matches names only, never an address.
 */
HostVerdict JudgeHost(const EndpointHost &host, const std::vector<HostPattern> &allowed, bool allow_http);

/*
 * JudgeHost on the parsed list; throws Error(22023) "storage endpoint host
 * \"...\" is not allowed" with a detail saying why and a hint naming the
 * setting.
 */
void CheckHostAllowed(const EndpointHost &host, std::string_view allowed_list, bool allow_http);

/*
 * The connect-time half of the policy: an address that an allowed host
 * resolved to, judged before libcurl connects to it (src/http.cpp).  A name
 * on the list may resolve to anything, whatever its owner's DNS says at the
 * moment of the request (DNS rebinding), so:
 *   - loopback (127.0.0.0/8, ::1): only while allow_http is on, as for
 *     loopback names;
 *   - link-local (169.254.0.0/16, where clouds serve instance metadata and
 *     credentials; fe80::/10): never;
 *   - the fixed addresses of cloud platform services outside link-local:
 *     168.63.129.16 (Azure's host agent, WireServer), 100.100.100.200
 *     (Alibaba Cloud instance metadata) and fd00:ec2::254 (AWS instance
 *     metadata over IPv6): never;
 *   - not a unicast address (0.0.0.0/8, ::, multicast, 240.0.0.0/4 and the
 *     broadcast address): never.
 * Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed: an
 * Azure private endpoint resolves *.blob.core.windows.net to one of them.
 * IPv4 inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d, the NAT64 prefix
 * 64:ff9b::/96) is judged as the IPv4 address it carries.
 */
enum class AddressVerdict {
	kAllowed,
	kLoopbackNeedsHttp,
	kLinkLocal,
	kPlatformService,
	kNotUnicast,
};
/* bytes: 4 (IPv4) or 16 (IPv6) bytes in network order; any other length is kNotUnicast. */
AddressVerdict JudgeAddress(const unsigned char *bytes, size_t len, bool allow_http);

/*
 * JudgeAddress, throwing Error(22023) "storage endpoint host \"...\"
 * resolves to a ... address, which is not allowed" for a refused one.  The
 * message names the host (checked already), never the address it resolved to.
 */
void CheckAddressAllowed(const EndpointHost &host, const unsigned char *bytes, size_t len, bool allow_http);

} // namespace azure_blob::core
