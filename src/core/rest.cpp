/*-------------------------------------------------------------------------
 * rest.cpp
 *	  Blob REST API requests with Shared Key authorization, and their XML
 *	  answers.
 *
 * Requests follow azure-sas-spec.md §5.4: every request carries x-ms-date
 * and x-ms-version, PUT bodies carry Content-Length (0 is signed as empty),
 * query values are encodeURIComponent'd so "=" and "+" never reach the
 * service raw.  XML is parsed with libxml2, network access and entity
 * substitution off; nothing here trusts the shape of an answer.
 *-------------------------------------------------------------------------
 */
#include "core/rest.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

void
AddQuery(std::string &url, const char *name, std::string_view value) {
	url.push_back(url.find('?') == std::string::npos ? '?' : '&');
	url.append(name);
	url.push_back('=');
	AppendUriComponent(url, value);
}

RestRequest
Make(const char *method, std::string url) {
	RestRequest r;
	r.method = method;
	r.url = std::move(url);
	return r;
}

/* --- XML helpers --- */

struct DocFree {
	void
	operator()(xmlDoc *doc) const noexcept {
		xmlFreeDoc(doc);
	}
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Doc
ParseXml(std::string_view xml, const char *what) {
	if (xml.size() > static_cast<size_t>(INT32_MAX))
		throw Error(sqlstate::kExternalRoutineException, std::string("could not parse ") + what);
	/* NONET: never fetch anything; no NOENT: entities are not substituted. */
	Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "azure.xml", nullptr,
	                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
	if (!doc || xmlDocGetRootElement(doc.get()) == nullptr)
		throw Error(sqlstate::kExternalRoutineException, std::string("could not parse ") + what,
		            "Azure Blob Storage answered with a body that is not well-formed XML.");
	return doc;
}

bool
IsElement(const xmlNode *n, const char *name) {
	return n != nullptr && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

const xmlNode *
Child(const xmlNode *parent, const char *name) {
	if (parent == nullptr)
		return nullptr;
	for (const xmlNode *c = parent->children; c != nullptr; c = c->next)
		if (IsElement(c, name))
			return c;
	return nullptr;
}

std::string
Text(const xmlNode *n) {
	if (n == nullptr)
		return {};
	std::string out;
	for (const xmlNode *c = n->children; c != nullptr; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr)
			out.append(reinterpret_cast<const char *>(c->content));
	return out;
}

std::vector<std::string>
SplitList(const std::string &s) {
	std::vector<std::string> out;
	size_t start = 0;
	while (start <= s.size()) {
		size_t comma = s.find(',', start);
		std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
		while (!item.empty() && item.front() == ' ')
			item.erase(0, 1);
		while (!item.empty() && item.back() == ' ')
			item.pop_back();
		if (!item.empty())
			out.push_back(item);
		if (comma == std::string::npos)
			break;
		start = comma + 1;
	}
	return out;
}

void
AppendEscaped(std::string &out, std::string_view s) {
	for (char c : s) {
		switch (c) {
		case '&':
			out.append("&amp;");
			break;
		case '<':
			out.append("&lt;");
			break;
		case '>':
			out.append("&gt;");
			break;
		case '"':
			out.append("&quot;");
			break;
		default:
			out.push_back(c);
		}
	}
}

std::string
Join(const std::vector<std::string> &items) {
	std::string out;
	for (const std::string &s : items) {
		if (!out.empty())
			out.push_back(',');
		out.append(s);
	}
	return out;
}

} // namespace

std::string
ContainerUrl(std::string_view endpoint, std::string_view container) {
	std::string url(BlobUrlBound(endpoint.size(), container.size(), 0), '\0');
	url.resize(static_cast<size_t>(WriteContainerUrl(url.data(), endpoint, container) - url.data()));
	return url;
}

std::string
BlobUrl(std::string_view endpoint, std::string_view container, std::string_view blob) {
	std::string url(BlobUrlBound(endpoint.size(), container.size(), blob.size()), '\0');
	url.resize(static_cast<size_t>(WriteBlobUrl(url.data(), endpoint, container, blob) - url.data()));
	return url;
}

RestRequest
GetBlobPropertiesRequest(std::string_view endpoint, std::string_view container, std::string_view blob) {
	return Make("HEAD", BlobUrl(endpoint, container, blob));
}

RestRequest
GetBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob) {
	return Make("GET", BlobUrl(endpoint, container, blob));
}

RestRequest
PutBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob, std::string body,
               std::string_view content_type) {
	RestRequest r = Make("PUT", BlobUrl(endpoint, container, blob));
	r.headers.push_back({"x-ms-blob-type", "BlockBlob"});
	r.headers.push_back({"Content-Type", std::string(content_type)});
	r.headers.push_back({"Content-Length", std::to_string(body.size())});
	r.body = std::move(body);
	r.has_body = true;
	return r;
}

RestRequest
DeleteBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob) {
	RestRequest r = Make("DELETE", BlobUrl(endpoint, container, blob));
	/* A blob with snapshots cannot be deleted alone (409 SnapshotsPresent): its snapshots go too. */
	r.headers.push_back({"x-ms-delete-snapshots", "include"});
	return r;
}

RestRequest
ListBlobsRequest(std::string_view endpoint, std::string_view container, std::string_view prefix,
                 std::string_view marker, int max_results) {
	std::string url = ContainerUrl(endpoint, container);
	AddQuery(url, "restype", "container");
	AddQuery(url, "comp", "list");
	/* Empty parameters are ambiguous in the canonical resource (spec §5.3): leave them out. */
	if (!prefix.empty())
		AddQuery(url, "prefix", prefix);
	if (!marker.empty())
		AddQuery(url, "marker", marker);
	AddQuery(url, "maxresults", std::to_string(max_results));
	return Make("GET", std::move(url));
}

RestRequest
CreateContainerRequest(std::string_view endpoint, std::string_view container) {
	std::string url = ContainerUrl(endpoint, container);
	AddQuery(url, "restype", "container");
	RestRequest r = Make("PUT", std::move(url));
	r.headers.push_back({"Content-Length", "0"});
	r.has_body = true;
	return r;
}

RestRequest
GetServicePropertiesRequest(std::string_view endpoint) {
	std::string url(endpoint);
	url.append("/?restype=service&comp=properties");
	return Make("GET", std::move(url));
}

RestRequest
SetServicePropertiesRequest(std::string_view endpoint, std::string xml_body) {
	std::string url(endpoint);
	url.append("/?restype=service&comp=properties");
	RestRequest r = Make("PUT", std::move(url));
	r.headers.push_back({"Content-Type", "application/xml"});
	r.headers.push_back({"Content-Length", std::to_string(xml_body.size())});
	r.body = std::move(xml_body);
	r.has_body = true;
	return r;
}

void
SignRequest(RestRequest &req, std::string_view account_name, const HmacSha256 &key, int64_t now_unix) {
	req.headers.push_back({"x-ms-date", FormatRfc1123(now_unix)});
	req.headers.push_back({"x-ms-version", kRestVersion});
	std::string to_sign = SharedKeyStringToSign(req.method, account_name, req.url, req.headers);
	req.headers.push_back({"Authorization", SharedKeyAuthorization(account_name, key, to_sign)});
}

std::string
UrlForMessages(std::string_view url) {
	return std::string(url.substr(0, url.find('?')));
}

ListPage
ParseListBlobs(std::string_view xml) {
	Doc doc = ParseXml(xml, "the blob listing");
	const xmlNode *root = xmlDocGetRootElement(doc.get());
	if (!IsElement(root, "EnumerationResults"))
		throw Error(sqlstate::kExternalRoutineException, "could not parse the blob listing",
		            "The answer has no EnumerationResults element.");
	ListPage page;
	for (const xmlNode *b = Child(Child(root, "Blobs"), "Blob"); b != nullptr; b = b->next) {
		if (!IsElement(b, "Blob"))
			continue;
		BlobItem item;
		const xmlNode *name = Child(b, "Name");
		item.name = Text(name);
		/* Names with characters XML cannot carry come percent-encoded, marked Encoded="true". */
		xmlChar *encoded = name ? xmlGetProp(name, BAD_CAST "Encoded") : nullptr;
		if (encoded != nullptr) {
			if (xmlStrcmp(encoded, BAD_CAST "true") == 0)
				item.name = PercentDecode(item.name, false);
			xmlFree(encoded);
		}
		const xmlNode *props = Child(b, "Properties");
		std::string len = Text(Child(props, "Content-Length"));
		if (!len.empty()) {
			char *end = nullptr;
			long long v = strtoll(len.c_str(), &end, 10);
			if (end != nullptr && *end == '\0' && v >= 0)
				item.size = v;
		}
		item.content_type = Text(Child(props, "Content-Type"));
		/* Listings give the ETag bare; the ETag header (and azure_blob_put) quote it. Use one form. */
		item.etag = Text(Child(props, "Etag"));
		if (!item.etag.empty() && item.etag.front() != '"')
			item.etag = "\"" + item.etag + "\"";
		if (auto t = ParseRfc1123(Text(Child(props, "Last-Modified")))) {
			item.last_modified = *t;
			item.has_last_modified = true;
		}
		page.blobs.push_back(std::move(item));
	}
	page.next_marker = Text(Child(root, "NextMarker"));
	return page;
}

AzureError
ParseAzureError(std::string_view xml) {
	AzureError e;
	if (xml.empty())
		return e;
	try {
		Doc doc = ParseXml(xml, "the error answer");
		const xmlNode *root = xmlDocGetRootElement(doc.get());
		if (IsElement(root, "Error")) {
			e.code = Text(Child(root, "Code"));
			e.message = Text(Child(root, "Message"));
		}
	} catch (const Error &) {
		/* An unparsable error body still leaves the HTTP status to report. */
	}
	return e;
}

namespace {

/* Checks a rule against the service's limits; throws Error(22023). */
void
ValidateCorsRule(const CorsRule &rule) {
	auto check = [](const std::vector<std::string> &items, const char *what, bool need) {
		if (need && items.empty())
			ThrowInvalid(std::string("CORS ") + what + " must not be empty");
		size_t total = 0;
		for (const std::string &s : items) {
			if (s.empty())
				ThrowInvalid(std::string("CORS ") + what + " must not contain empty values");
			for (unsigned char c : s)
				if (c <= 0x20 || c >= 0x7F || c == ',')
					ThrowInvalid(std::string("CORS ") + what +
					             " must not contain spaces, commas or control characters");
			total += s.size();
		}
		if (total > 256 * 64)
			ThrowInvalid(std::string("CORS ") + what + " are too long");
	};
	check(rule.allowed_origins, "allowed origins", true);
	check(rule.allowed_methods, "allowed methods", true);
	check(rule.allowed_headers, "allowed headers", false);
	check(rule.exposed_headers, "exposed headers", false);
	static const char *const kMethods[] = {"DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH"};
	for (const std::string &m : rule.allowed_methods) {
		bool known = false;
		for (const char *k : kMethods)
			known = known || m == k;
		if (!known)
			ThrowInvalid("unrecognized CORS method \"" + m + "\"",
			             "Allowed methods are DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT and PATCH.");
	}
	if (rule.max_age_seconds < 0)
		ThrowInvalid("CORS max age must not be negative");
}

} // namespace

std::string
BuildCorsXml(const std::vector<CorsRule> &rules) {
	if (rules.size() > 5)
		ThrowInvalid("at most 5 CORS rules are allowed");
	std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties><Cors>";
	for (const CorsRule &r : rules) {
		ValidateCorsRule(r);
		xml.append("<CorsRule><AllowedOrigins>");
		AppendEscaped(xml, Join(r.allowed_origins));
		xml.append("</AllowedOrigins><AllowedMethods>");
		AppendEscaped(xml, Join(r.allowed_methods));
		xml.append("</AllowedMethods><MaxAgeInSeconds>");
		xml.append(std::to_string(r.max_age_seconds));
		xml.append("</MaxAgeInSeconds><ExposedHeaders>");
		AppendEscaped(xml, Join(r.exposed_headers));
		xml.append("</ExposedHeaders><AllowedHeaders>");
		AppendEscaped(xml, Join(r.allowed_headers));
		xml.append("</AllowedHeaders></CorsRule>");
	}
	xml.append("</Cors></StorageServiceProperties>");
	return xml;
}

std::vector<CorsRule>
ParseCors(std::string_view xml) {
	Doc doc = ParseXml(xml, "the service properties");
	const xmlNode *root = xmlDocGetRootElement(doc.get());
	if (!IsElement(root, "StorageServiceProperties"))
		throw Error(sqlstate::kExternalRoutineException, "could not parse the service properties",
		            "The answer has no StorageServiceProperties element.");
	std::vector<CorsRule> rules;
	for (const xmlNode *c = Child(Child(root, "Cors"), "CorsRule"); c != nullptr; c = c->next) {
		if (!IsElement(c, "CorsRule"))
			continue;
		CorsRule r;
		r.allowed_origins = SplitList(Text(Child(c, "AllowedOrigins")));
		r.allowed_methods = SplitList(Text(Child(c, "AllowedMethods")));
		r.allowed_headers = SplitList(Text(Child(c, "AllowedHeaders")));
		r.exposed_headers = SplitList(Text(Child(c, "ExposedHeaders")));
		r.max_age_seconds = atoi(Text(Child(c, "MaxAgeInSeconds")).c_str());
		rules.push_back(std::move(r));
	}
	return rules;
}

} // namespace azure_blob::core
