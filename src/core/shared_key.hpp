/*-------------------------------------------------------------------------
 * shared_key.hpp
 *	  Shared Key authorization for Blob REST calls (azure-sas-spec.md §5).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/hmac.hpp"

namespace azure_blob::core {

struct HttpHeader {
	std::string name;
	std::string value;
};

/* Sort order of x-ms-* header names as the service and Azurite use (culture-aware; spec §5.2). */
bool SharedKeyHeaderLess(std::string_view a, std::string_view b);

/*
 * The string-to-sign for a request exactly as it is sent: method, full URL
 * (path still percent-encoded) and every header sent.
 */
std::string SharedKeyStringToSign(std::string_view method, std::string_view account_name, std::string_view url,
                                  const std::vector<HttpHeader> &headers);

/* "SharedKey <account>:<signature>". */
std::string SharedKeyAuthorization(std::string_view account_name, const HmacSha256 &key,
                                   std::string_view string_to_sign);

} // namespace azure_blob::core
