/*-------------------------------------------------------------------------
 * connection_string.cpp
 *	  Azure Storage connection strings.
 *
 * Split on ";", trim, skip empty segments, split each at the first "="
 * (keys contain "="), as the SDKs do (spec §7).  Error messages name keys,
 * never values.
 *-------------------------------------------------------------------------
 */
#include "core/connection_string.hpp"

#include <string>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

std::string_view
Trim(std::string_view s) {
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
		s.remove_suffix(1);
	return s;
}

bool
IEquals(std::string_view a, std::string_view b) {
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = static_cast<char>(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = static_cast<char>(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

[[noreturn]] void
ThrowMalformed(const std::string &detail) {
	ThrowInvalid("invalid connection string", detail,
	             "Use the connection string from the storage account's \"Access keys\" page, or "
	             "\"UseDevelopmentStorage=true\" for Azurite.");
}

struct Field {
	std::string value;
	bool seen = false;
};

void
SetOnce(Field &f, std::string_view key, std::string_view value) {
	if (f.seen)
		ThrowMalformed("The key \"" + std::string(key) + "\" appears more than once.");
	f.seen = true;
	f.value.assign(value);
}

} // namespace

std::string
NormalizeBlobEndpoint(std::string_view url, bool *https) {
	std::string_view rest;
	if (url.substr(0, 8) == "https://") {
		*https = true;
		rest = url.substr(8);
	} else if (url.substr(0, 7) == "http://") {
		*https = false;
		rest = url.substr(7);
	} else {
		ThrowMalformed("The blob endpoint must start with \"https://\" or \"http://\".");
	}
	for (unsigned char c : url)
		if (c <= 0x20 || c >= 0x7F)
			ThrowMalformed("The blob endpoint must not contain spaces, control or non-ASCII characters.");
	if (url.find_first_of("?#") != std::string_view::npos)
		ThrowMalformed("The blob endpoint must not have a query or fragment.");
	size_t slash = rest.find('/');
	std::string_view authority = rest.substr(0, slash);
	if (authority.empty())
		ThrowMalformed("The blob endpoint has no host.");
	if (authority.find('@') != std::string_view::npos)
		ThrowMalformed("The blob endpoint must not contain user information.");
	std::string out(url);
	if (out.size() > 1 && out.back() == '/')
		out.pop_back();
	if (!out.empty() && out.back() == '/')
		ThrowMalformed("The blob endpoint must not end with \"//\".");
	return out;
}

StorageAccount
ParseConnectionString(std::string_view text) {
	if (!IsValidUtf8(text))
		ThrowMalformed("The connection string is not valid UTF-8.");
	Field protocol, name, key, suffix, endpoint, dev, sas;
	size_t start = 0;
	int index = 0;
	while (start <= text.size()) {
		size_t semi = text.find(';', start);
		std::string_view seg = Trim(text.substr(start, semi == std::string_view::npos ? semi : semi - start));
		start = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
		if (seg.empty())
			continue;
		index++;
		size_t eq = seg.find('=');
		if (eq == std::string_view::npos)
			ThrowMalformed("Segment " + std::to_string(index) + " has no \"=\".");
		std::string_view k = Trim(seg.substr(0, eq));
		std::string_view v = Trim(seg.substr(eq + 1));
		if (IEquals(k, "DefaultEndpointsProtocol"))
			SetOnce(protocol, "DefaultEndpointsProtocol", v);
		else if (IEquals(k, "AccountName"))
			SetOnce(name, "AccountName", v);
		else if (IEquals(k, "AccountKey"))
			SetOnce(key, "AccountKey", v);
		else if (IEquals(k, "EndpointSuffix"))
			SetOnce(suffix, "EndpointSuffix", v);
		else if (IEquals(k, "BlobEndpoint"))
			SetOnce(endpoint, "BlobEndpoint", v);
		else if (IEquals(k, "UseDevelopmentStorage"))
			SetOnce(dev, "UseDevelopmentStorage", v);
		else if (IEquals(k, "SharedAccessSignature"))
			SetOnce(sas, "SharedAccessSignature", v);
		else if (IEquals(k, "QueueEndpoint") || IEquals(k, "TableEndpoint") || IEquals(k, "FileEndpoint") ||
		         IEquals(k, "DfsEndpoint") || IEquals(k, "DevelopmentStorageProxyUri"))
			continue; /* other services, or a proxy: not ours */
		else {
			/* Never quote it: a pasted key or SAS can land where a key name should be. */
			ThrowMalformed("Segment " + std::to_string(index) + " has an unrecognized key.");
		}
	}
	if (index == 0)
		ThrowMalformed("The connection string is empty.");

	StorageAccount acct;
	if (dev.seen) {
		if (!IEquals(dev.value, "true"))
			ThrowMalformed("UseDevelopmentStorage must be \"true\" when present.");
		if (protocol.seen || name.seen || key.seen || suffix.seen || sas.seen)
			ThrowMalformed("UseDevelopmentStorage=true cannot be combined with other account settings.");
		acct.account_name = kDevAccountName;
		acct.account_key = kDevAccountKey;
		/* BlobEndpoint may point Azurite elsewhere, e.g. another port. */
		acct.blob_endpoint = NormalizeBlobEndpoint(endpoint.seen ? endpoint.value : kDevBlobEndpoint, &acct.https);
		return acct;
	}
	if (sas.seen)
		throw Error(sqlstate::kFeatureNotSupported, "connection strings with a SharedAccessSignature are not supported",
		            "Signing URLs needs the account key.", "Use a connection string with AccountName and AccountKey.");
	if (!name.seen || name.value.empty())
		ThrowMalformed("AccountName is missing.");
	if (!key.seen || key.value.empty())
		ThrowMalformed("AccountKey is missing.");
	ValidateAccountName(name.value);
	std::string decoded;
	if (!Base64Decode(key.value, decoded))
		ThrowMalformed("AccountKey is not valid Base64.");
	if (decoded.size() != kAccountKeyBytes)
		ThrowMalformed("AccountKey must decode to 64 bytes, as every Azure Storage key does; it decodes to " +
		               std::to_string(decoded.size()) + ".");
	acct.account_name = name.value;
	acct.account_key = key.value;

	if (endpoint.seen) {
		acct.blob_endpoint = NormalizeBlobEndpoint(endpoint.value, &acct.https);
	} else {
		std::string proto = protocol.seen ? protocol.value : "https";
		if (proto != "https" && proto != "http")
			ThrowMalformed("DefaultEndpointsProtocol must be \"https\" or \"http\".");
		std::string sfx = suffix.seen ? suffix.value : "core.windows.net";
		if (sfx.empty() || sfx.find_first_of("/?#@: ") != std::string::npos)
			ThrowMalformed("EndpointSuffix must be a host name suffix such as \"core.windows.net\".");
		acct.blob_endpoint = NormalizeBlobEndpoint(proto + "://" + acct.account_name + ".blob." + sfx, &acct.https);
	}
	return acct;
}

} // namespace azure_blob::core
