/*-------------------------------------------------------------------------
 * connection_string.hpp
 *	  Azure Storage connection strings (azure-sas-spec.md §7).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>

namespace azure_blob::core {

/* The well-known Azurite development account (spec §7). */
inline constexpr const char *kDevAccountName = "devstoreaccount1";
inline constexpr const char *kDevAccountKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
inline constexpr const char *kDevBlobEndpoint = "http://127.0.0.1:10000/devstoreaccount1";

/* Decoded length of every Azure Storage account key (512 bits). */
inline constexpr size_t kAccountKeyBytes = 64;

struct StorageAccount {
	std::string account_name;
	std::string account_key;   /* Base64 text, validated to decode to kAccountKeyBytes */
	std::string blob_endpoint; /* scheme://host[:port][/path], no trailing "/" */
	bool https = true;         /* blob_endpoint's scheme */
};

/*
 * Parses a connection string.  Accepts DefaultEndpointsProtocol, AccountName,
 * AccountKey, EndpointSuffix, BlobEndpoint (keys case-insensitive), ignores the
 * other services' endpoints, and expands UseDevelopmentStorage=true.  Throws
 * Error(22023) on anything else; no message ever contains a value from the
 * string, since any part of it may be a secret.
 */
StorageAccount ParseConnectionString(std::string_view text);

/* Checks an endpoint URL: http or https, a host, no query, fragment or user info. Returns it without a trailing "/". */
std::string NormalizeBlobEndpoint(std::string_view url, bool *https);

} // namespace azure_blob::core
