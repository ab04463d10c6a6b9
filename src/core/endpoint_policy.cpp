/*-------------------------------------------------------------------------
 * endpoint_policy.cpp
 *	  Strict host parsing and the allow-list of storage endpoint hosts.
 *
 * Messages quote a host only once it has passed ParseHost (a canonical
 * name or address, at most 253 characters); a malformed URL or host is
 * never quoted.
 *-------------------------------------------------------------------------
 */
#include "core/endpoint_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

constexpr size_t kMaxNameLength = 253; /* DNS, without the trailing "." */
constexpr size_t kMaxLabelLength = 63;

[[noreturn]] void
ThrowBadHost(const std::string &detail) {
	ThrowInvalid("invalid storage endpoint host", detail,
	             "Use a host name such as \"myaccount.blob.core.windows.net\", an IPv4 address or a bracketed IPv6 "
	             "address.");
}

bool
IsDigit(char c) {
	return c >= '0' && c <= '9';
}

bool
IsHexDigit(char c) {
	return IsDigit(c) || (c >= 'a' && c <= 'f');
}

/*
 * True if a (lower-case) label is a number as URL parsers and resolvers
 * read one in an IPv4 address: decimal, octal (leading 0) or hex ("0x").
 */
bool
IsNumericLabel(std::string_view label) {
	if (label.size() >= 2 && label[0] == '0' && label[1] == 'x') {
		for (char c : label.substr(2))
			if (!IsHexDigit(c))
				return false;
		return true;
	}
	for (char c : label)
		if (!IsDigit(c))
			return false;
	return !label.empty();
}

/* A decimal octet: 0 to 255 without leading zeros. */
bool
IsOctet(std::string_view label, int *value) {
	if (label.empty() || label.size() > 3 || (label.size() > 1 && label[0] == '0'))
		return false;
	int v = 0;
	for (char c : label) {
		if (!IsDigit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*value = v;
	return v <= 255;
}

EndpointHost
ParseIpv6(std::string_view bracketed) {
	if (bracketed.size() < 3 || bracketed.back() != ']')
		ThrowBadHost("An IPv6 address must be enclosed in \"[\" and \"]\".");
	std::string_view inner = bracketed.substr(1, bracketed.size() - 2);
	if (inner.size() > INET6_ADDRSTRLEN - 1)
		ThrowBadHost("The IPv6 address is too long.");
	for (char c : inner)
		if (!(IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
			ThrowBadHost("An IPv6 address has only hexadecimal digits, \":\" and \".\" (no zone identifier).");
	std::string text(inner);
	in6_addr addr;
	if (inet_pton(AF_INET6, text.c_str(), &addr) != 1)
		ThrowBadHost("The IPv6 address is not valid.");
	char out[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, &addr, out, sizeof(out)) == nullptr)
		ThrowBadHost("The IPv6 address is not valid.");
	EndpointHost h;
	h.host = out;
	h.kind = HostKind::kIpv6;
	/* ::1, or an IPv4-mapped loopback address (::ffff:127.x.y.z) */
	const uint8_t *b = addr.s6_addr;
	bool zero10 = true;
	for (int i = 0; i < 10; i++)
		zero10 = zero10 && b[i] == 0;
	bool v6_loopback = zero10 && b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 1;
	bool mapped_loopback = zero10 && b[10] == 0xff && b[11] == 0xff && b[12] == 127;
	h.loopback = v6_loopback || mapped_loopback;
	return h;
}

bool
EndsWithLabel(const std::string &name, const std::string &suffix) {
	return name.size() > suffix.size() && name[name.size() - suffix.size() - 1] == '.' &&
	       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string
ShownEntry(std::string_view entry) {
	if (entry.size() > 100)
		return "";
	for (unsigned char c : entry)
		if (c < 0x20 || c >= 0x7F || c == '"')
			return "";
	return " (\"" + std::string(entry) + "\")";
}

std::string_view
TrimSpaces(std::string_view s) {
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

std::string
Shown(const EndpointHost &h) {
	return h.kind == HostKind::kIpv6 ? "[" + h.host + "]" : h.host;
}

} // namespace

EndpointHost
ParseHost(std::string_view host) {
	if (host.empty())
		ThrowBadHost("The host is empty.");
	if (host.front() == '[')
		return ParseIpv6(host);
	if (host.find(':') != std::string_view::npos)
		ThrowBadHost(
		    "A host contains \":\" only as an IPv6 address in \"[\" and \"]\"; a scheme or port is not part of it.");
	const bool trailing_dot = host.back() == '.';
	if (trailing_dot)
		host.remove_suffix(1); /* "name." is the same DNS name as "name" */
	if (host.empty() || host.size() > kMaxNameLength)
		ThrowBadHost("A host name has 1 to 253 characters.");
	std::string name(host);
	for (char &c : name) {
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
		else if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.'))
			ThrowBadHost("A host name has only ASCII letters, digits, \"-\", \"_\" and \".\".");
	}
	/* Labels: 1 to 63 characters each. */
	size_t start = 0;
	std::string_view last;
	for (;;) {
		size_t dot = name.find('.', start);
		std::string_view label = std::string_view(name).substr(start, dot == std::string::npos ? dot : dot - start);
		if (label.empty() || label.size() > kMaxLabelLength)
			ThrowBadHost("Each dot-separated part of a host name has 1 to 63 characters.");
		last = label;
		if (dot == std::string::npos)
			break;
		start = dot + 1;
	}
	EndpointHost h;
	/*
	 * A numeric last label makes the host an IPv4 address for URL parsers
	 * (libcurl normalizes "0x7f.1" to 127.0.0.1) and resolvers alike: only
	 * the canonical dotted quad is accepted, so no other spelling of an
	 * address can pass for a name or hide which address it is.
	 */
	if (IsNumericLabel(last)) {
		if (trailing_dot)
			ThrowBadHost("An IPv4 address must not end with \".\".");
		int octets[4] = {0, 0, 0, 0};
		int n = 0;
		size_t pos = 0;
		for (;;) {
			size_t dot = name.find('.', pos);
			std::string_view part = std::string_view(name).substr(pos, dot == std::string::npos ? dot : dot - pos);
			if (n == 4 || !IsOctet(part, &octets[n]))
				ThrowBadHost("An IPv4 address is written as four decimal numbers from 0 to 255 without leading zeros.");
			n++;
			if (dot == std::string::npos)
				break;
			pos = dot + 1;
		}
		if (n != 4)
			ThrowBadHost("An IPv4 address is written as four decimal numbers from 0 to 255 without leading zeros.");
		h.kind = HostKind::kIpv4;
		h.loopback = octets[0] == 127;
	} else {
		h.kind = HostKind::kName;
		/* Resolvers (libcurl among them) answer loopback for these without asking DNS (RFC 6761 §6.3). */
		h.loopback = name == "localhost" || EndsWithLabel(name, "localhost");
	}
	h.host = std::move(name);
	return h;
}

EndpointHost
ParseUrlHost(std::string_view url) {
	std::string_view rest;
	if (url.substr(0, 8) == "https://")
		rest = url.substr(8);
	else if (url.substr(0, 7) == "http://")
		rest = url.substr(7);
	else
		ThrowBadHost("The endpoint must start with \"https://\" or \"http://\".");
	std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
	if (authority.find('@') != std::string_view::npos)
		ThrowBadHost("The endpoint must not contain user information.");
	std::string_view host = authority, port;
	bool has_port = false;
	if (!authority.empty() && authority.front() == '[') {
		size_t close = authority.find(']');
		if (close == std::string_view::npos)
			ThrowBadHost("An IPv6 address must be enclosed in \"[\" and \"]\".");
		host = authority.substr(0, close + 1);
		std::string_view after = authority.substr(close + 1);
		if (!after.empty()) {
			if (after.front() != ':')
				ThrowBadHost("Only a \":\" and a port may follow the host.");
			has_port = true;
			port = after.substr(1);
		}
	} else {
		size_t colon = authority.find(':');
		if (colon != std::string_view::npos) {
			host = authority.substr(0, colon);
			port = authority.substr(colon + 1);
			has_port = true;
		}
	}
	if (has_port) {
		long value = 0;
		bool ok = !port.empty() && port.size() <= 5;
		for (char c : port) {
			ok = ok && IsDigit(c);
			if (ok)
				value = value * 10 + (c - '0');
		}
		if (!ok || value < 1 || value > 65535)
			ThrowBadHost("A port is a number from 1 to 65535.");
	}
	return ParseHost(host);
}

std::vector<HostPattern>
ParseAllowedHosts(std::string_view list) {
	std::vector<HostPattern> out;
	if (TrimSpaces(list).empty())
		return out;
	size_t start = 0;
	int index = 0;
	while (start <= list.size()) {
		size_t comma = list.find(',', start);
		std::string_view entry =
		    TrimSpaces(list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
		start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
		index++;
		const std::string where = "Entry " + std::to_string(index) + ShownEntry(entry);
		if (entry.empty())
			ThrowInvalid("invalid value for azure_blob.allowed_endpoint_hosts",
			             "Entry " + std::to_string(index) + " is empty.");
		HostPattern p;
		p.suffix = entry.front() == '.';
		EndpointHost h;
		try {
			h = ParseHost(p.suffix ? entry.substr(1) : entry);
		} catch (const Error &e) {
			ThrowInvalid("invalid value for azure_blob.allowed_endpoint_hosts",
			             where +
			                 " is not a host name, an IPv4 address, a bracketed IPv6 address or \".\" followed by a "
			                 "domain name. " +
			                 e.detail);
		}
		/* "." + name ends in a dot only if the entry was ".": ParseHost saw "" and threw. */
		if (p.suffix && h.kind != HostKind::kName)
			ThrowInvalid("invalid value for azure_blob.allowed_endpoint_hosts",
			             where + " is a suffix of an IP address; list addresses exactly, without a leading \".\".");
		p.host = std::move(h.host);
		p.kind = h.kind;
		out.push_back(std::move(p));
	}
	return out;
}

HostVerdict
JudgeHost(const EndpointHost &host, const std::vector<HostPattern> &allowed, bool allow_http) {
	if (host.loopback)
		return allow_http ? HostVerdict::kAllowed : HostVerdict::kLoopbackNeedsHttp;
	for (const HostPattern &p : allowed) {
		if (p.kind != host.kind)
			continue;
		if (p.suffix ? EndsWithLabel(host.host, p.host) : p.host == host.host)
			return HostVerdict::kAllowed;
	}
	return host.kind == HostKind::kName ? HostVerdict::kNameNotListed : HostVerdict::kAddressNotListed;
}

void
CheckHostAllowed(const EndpointHost &host, std::string_view allowed_list, bool allow_http) {
	const HostVerdict v = JudgeHost(host, ParseAllowedHosts(allowed_list), allow_http);
	if (v == HostVerdict::kAllowed)
		return;
	const std::string message = "storage endpoint host \"" + Shown(host) + "\" is not allowed";
	switch (v) {
	case HostVerdict::kLoopbackNeedsHttp:
		ThrowInvalid(message,
		             "Loopback hosts are meant for Azurite and are allowed only while azure_blob.allow_http is on.",
		             "A superuser can SET azure_blob.allow_http = on.");
	case HostVerdict::kAddressNotListed:
		ThrowInvalid(message, "An IP address is allowed only if azure_blob.allowed_endpoint_hosts lists it exactly.",
		             "A superuser can add the address to azure_blob.allowed_endpoint_hosts.");
	default:
		ThrowInvalid(message, "No entry of azure_blob.allowed_endpoint_hosts matches the host.",
		             "A superuser can add the host, or its domain with a leading \".\", to "
		             "azure_blob.allowed_endpoint_hosts.");
	}
}

namespace {

AddressVerdict
JudgeIpv4(const unsigned char *a, bool allow_http) {
	if (a[0] == 127)
		return allow_http ? AddressVerdict::kAllowed : AddressVerdict::kLoopbackNeedsHttp;
	if (a[0] == 169 && a[1] == 254)
		return AddressVerdict::kLinkLocal;
	if ((a[0] == 168 && a[1] == 63 && a[2] == 129 && a[3] == 16) ||
	    (a[0] == 100 && a[1] == 100 && a[2] == 100 && a[3] == 200))
		return AddressVerdict::kPlatformService;
	if (a[0] == 0 || a[0] >= 224) /* "this network", multicast, reserved, broadcast */
		return AddressVerdict::kNotUnicast;
	return AddressVerdict::kAllowed;
}

} // namespace

AddressVerdict
JudgeAddress(const unsigned char *b, size_t len, bool allow_http) {
	if (len == 4)
		return JudgeIpv4(b, allow_http);
	if (len != 16)
		return AddressVerdict::kNotUnicast;
	bool zero10 = true, zero12 = true;
	for (int i = 0; i < 12; i++) {
		if (b[i] != 0) {
			zero12 = false;
			if (i < 10)
				zero10 = false;
		}
	}
	if (zero12) {
		/* ::, ::1, or a deprecated IPv4-compatible ::a.b.c.d */
		if (b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)
			return b[15] == 1 ? (allow_http ? AddressVerdict::kAllowed : AddressVerdict::kLoopbackNeedsHttp)
			                  : AddressVerdict::kNotUnicast;
		return JudgeIpv4(b + 12, allow_http);
	}
	if (zero10 && b[10] == 0xff && b[11] == 0xff) /* ::ffff:a.b.c.d */
		return JudgeIpv4(b + 12, allow_http);
	static const unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	if (memcmp(b, kNat64, sizeof(kNat64)) == 0) /* 64:ff9b::a.b.c.d (RFC 6052) */
		return JudgeIpv4(b + 12, allow_http);
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return AddressVerdict::kLinkLocal;
	if (b[0] == 0xff)
		return AddressVerdict::kNotUnicast;
	static const unsigned char kAwsMetadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
	if (memcmp(b, kAwsMetadata, sizeof(kAwsMetadata)) == 0) /* fd00:ec2::254 */
		return AddressVerdict::kPlatformService;
	return AddressVerdict::kAllowed;
}

void
CheckAddressAllowed(const EndpointHost &host, const unsigned char *bytes, size_t len, bool allow_http) {
	const std::string start = "storage endpoint host \"" + Shown(host) + "\" resolves to ";
	switch (JudgeAddress(bytes, len, allow_http)) {
	case AddressVerdict::kAllowed:
		return;
	case AddressVerdict::kLoopbackNeedsHttp:
		ThrowInvalid(start + "a loopback address, which is not allowed",
		             "Loopback addresses are meant for Azurite and are allowed only while azure_blob.allow_http is "
		             "on.",
		             "A superuser can SET azure_blob.allow_http = on.");
	case AddressVerdict::kLinkLocal:
		ThrowInvalid(start + "a link-local address, which is never allowed",
		             "Link-local addresses (169.254.0.0/16, fe80::/10) serve instance metadata and credentials, "
		             "not storage.");
	case AddressVerdict::kPlatformService:
		ThrowInvalid(start + "a cloud platform's service address, which is never allowed",
		             "Instance metadata services and Azure's host agent serve credentials and machine "
		             "configuration, not storage.");
	case AddressVerdict::kNotUnicast:
		ThrowInvalid(start + "an address that is not a unicast address, which is never allowed");
	}
}

} // namespace azure_blob::core
