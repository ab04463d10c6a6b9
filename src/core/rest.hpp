/*-------------------------------------------------------------------------
 * rest.hpp
 *	  Blob REST API requests with Shared Key authorization (spec §5) and
 *	  the parsing of their XML answers (libxml2).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hmac.hpp"
#include "core/shared_key.hpp"

namespace azure_blob::core {

/* x-ms-version of every REST call: accepted by Azure and by Azurite >= 3.35 (spec §8.1). */
inline constexpr const char *kRestVersion = "2025-07-05";

struct RestRequest {
	std::string method;              /* GET PUT HEAD DELETE */
	std::string url;                 /* exactly as sent: path percent-encoded, query built by us */
	std::vector<HttpHeader> headers; /* every header that will be sent, Authorization last */
	std::string body;                /* PUT body (may be empty) */
	bool has_body = false;           /* PUT: send Content-Length (also when 0) */
};

/* endpoint + "/" + container [+ "/" + encoded blob path]. */
std::string ContainerUrl(std::string_view endpoint, std::string_view container);
std::string BlobUrl(std::string_view endpoint, std::string_view container, std::string_view blob);
/* (Both are written by WriteContainerUrl / WriteBlobUrl of encoding.hpp.) */

RestRequest GetBlobPropertiesRequest(std::string_view endpoint, std::string_view container, std::string_view blob);
RestRequest GetBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob);
RestRequest PutBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob,
                           std::string body, std::string_view content_type);
RestRequest DeleteBlobRequest(std::string_view endpoint, std::string_view container, std::string_view blob);
RestRequest ListBlobsRequest(std::string_view endpoint, std::string_view container, std::string_view prefix,
                             std::string_view marker, int max_results);
RestRequest CreateContainerRequest(std::string_view endpoint, std::string_view container);
RestRequest GetServicePropertiesRequest(std::string_view endpoint);
RestRequest SetServicePropertiesRequest(std::string_view endpoint, std::string xml_body);

/* Adds x-ms-date, x-ms-version and the SharedKey Authorization header. */
void SignRequest(RestRequest &req, std::string_view account_name, const HmacSha256 &key, int64_t now_unix);

/* The request's URL with the query removed: safe for messages and logs. */
std::string UrlForMessages(std::string_view url);

/* --- answers --- */

struct BlobItem {
	std::string name;
	int64_t size = -1; /* -1 if absent */
	std::string content_type;
	std::string etag;
	int64_t last_modified = 0; /* Unix seconds; valid if has_last_modified */
	bool has_last_modified = false;
};

struct ListPage {
	std::vector<BlobItem> blobs;
	std::string next_marker; /* empty on the last page */
};

/* Parses a List Blobs answer. Throws Error(38000) if it is not the expected XML. */
ListPage ParseListBlobs(std::string_view xml);

/* Code and message of an Azure <Error> body; empty strings if there is none. */
struct AzureError {
	std::string code;
	std::string message;
};
AzureError ParseAzureError(std::string_view xml);

struct CorsRule {
	std::vector<std::string> allowed_origins, allowed_methods, allowed_headers, exposed_headers;
	int max_age_seconds = 0;
};
/* Set Blob Service Properties body holding only <Cors> (other properties stay as they are). */
std::string BuildCorsXml(const std::vector<CorsRule> &rules);
/* Every CorsRule of a Get Blob Service Properties answer. */
std::vector<CorsRule> ParseCors(std::string_view xml);

} // namespace azure_blob::core
