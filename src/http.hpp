/*-------------------------------------------------------------------------
 * http.hpp
 *	  The libcurl client behind the REST functions: one reused handle per
 *	  backend, timeouts, cancellation, bounded retries, a response size cap.
 *
 * Call only inside Guard(): it throws Error, Interrupted and PgError.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <cstdint>
#include <string>

#include "accounts.hpp"
#include "core/endpoint_policy.hpp"
#include "core/rest.hpp"

namespace azure_blob {

struct HttpResponse {
	long status = 0;
	std::string body;
	/* Response headers the functions use (empty if absent). */
	std::string etag, content_type, last_modified, error_code, retry_after;
	int64_t content_length = -1;
};

/* Curl's global state: once per process, from _PG_init. */
void InitHttp();

/*
 * Throws Error(22023) unless url (a blob endpoint or a request URL) is
 * http(s) to a host that azure_blob.allowed_endpoint_hosts and
 * azure_blob.allow_http allow (core/endpoint_policy.hpp), as both our
 * strict parser and libcurl read the host.  No network I/O.  Returns the
 * host as checked.  (Execute also checks, at connect time, every address
 * the host resolves to: core::JudgeAddress.)
 */
core::EndpointHost CheckEndpointAllowed(const std::string &url);

/*
 * Signs req for acct (fresh x-ms-date on every attempt) and sends it,
 * retrying transport failures and HTTP 500/503 up to azure_blob.max_retries
 * times with backoff (Retry-After honoured).  Returns any HTTP answer;
 * throws Error(22023) before any I/O if the endpoint's host is not allowed
 * (CheckEndpointAllowed) or before connecting if it resolves only to
 * addresses that are not (core::JudgeAddress: loopback without allow_http,
 * link-local, not unicast), Error(08006) when no answer came, Interrupted
 * on cancel.  Never through a proxy.
 */
HttpResponse Execute(core::RestRequest req, const Account &acct);

/* Throws Error(38000) for a non-2xx answer: what failed, with Azure's status and code in the detail. */
[[noreturn]] void ThrowAzureError(const HttpResponse &resp, const std::string &what);

} // namespace azure_blob
