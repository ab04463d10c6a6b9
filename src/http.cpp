/*-------------------------------------------------------------------------
 * http.cpp
 *	  libcurl in a backend (CONTRIBUTING.md §7).
 *
 * One CURL handle per backend, reset before each request so connections
 * and TLS sessions are reused.  Curl callbacks run inside our own call to
 * curl_easy_perform: they never call Postgres (no ereport, palloc or
 * CHECK_FOR_INTERRUPTS), never throw, and only read the interrupt flags;
 * Guard() raises the real cancel or timeout error after the C++ objects
 * are gone.  Nothing here logs or reports a header, a query string or a
 * body: the Authorization header carries a signature.
 *-------------------------------------------------------------------------
 */
#include "http.hpp"

extern "C" {
#include "postgres.h"

#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/endpoint_policy.hpp"
#include "compat.hpp"
#include "core/time_format.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"

namespace azure_blob {

namespace {

/* The per-backend handle; NULL after a transport error so the next request starts clean. */
CURL *handle = nullptr;
/*
 * azure_blob.allow_http when the handle was made.  Its cached connections
 * were judged under that value (OpenCheckedSocket), and a reused connection
 * is not judged again, so the handle and its connections go when it changes.
 */
bool handle_allow_http = false;

struct Transfer {
	HttpResponse *resp;
	const std::string *body; /* PUT body */
	size_t sent = 0;
	size_t cap = 0;
	bool overflow = false;
};

/*
 * The connect-time check (core/endpoint_policy.hpp, JudgeAddress): libcurl
 * asks this callback for each socket it would connect, with the address
 * its resolver returned, so a listed name that resolves to a loopback or
 * link-local address (DNS rebinding, a hostile DNS answer) is refused
 * before any byte is sent.  The first refused address is kept for the
 * error, raised after curl_easy_perform returns.
 */
struct AddressCheck {
	bool allow_http;
	bool refused = false;
	unsigned char bytes[16] = {};
	size_t len = 0;
};

curl_socket_t
OpenCheckedSocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
	AddressCheck *check = static_cast<AddressCheck *>(clientp);
	const unsigned char *bytes = nullptr;
	size_t len = 0;
	if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
		bytes =
		    reinterpret_cast<const unsigned char *>(&reinterpret_cast<const sockaddr_in *>(&address->addr)->sin_addr);
		len = 4;
	} else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
		bytes =
		    reinterpret_cast<const unsigned char *>(&reinterpret_cast<const sockaddr_in6 *>(&address->addr)->sin6_addr);
		len = 16;
	}
	/* Any other family (no Unix sockets are configured) or purpose is refused as not unicast. */
	const bool allowed = purpose == CURLSOCKTYPE_IPCXN && bytes != nullptr &&
	                     core::JudgeAddress(bytes, len, check->allow_http) == core::AddressVerdict::kAllowed;
	if (!allowed) {
		if (!check->refused) {
			check->refused = true;
			check->len = len;
			if (len > 0)
				memcpy(check->bytes, bytes, len);
		}
		return CURL_SOCKET_BAD;
	}
	/* Close-on-exec: a cached connection must not leak into a program the backend runs (COPY ... PROGRAM). */
	return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/* Progress callback: non-zero aborts the transfer when Postgres wants to cancel or die. */
int
OnProgress(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

size_t
OnWrite(char *data, size_t size, size_t nmemb, void *userdata) {
	Transfer *t = static_cast<Transfer *>(userdata);
	size_t n = size * nmemb;
	if (t->resp->body.size() + n > t->cap) {
		t->overflow = true;
		return 0; /* curl reports CURLE_WRITE_ERROR */
	}
	try {
		t->resp->body.append(data, n);
	} catch (...) {
		return 0;
	}
	return n;
}

size_t
OnRead(char *buffer, size_t size, size_t nitems, void *userdata) {
	Transfer *t = static_cast<Transfer *>(userdata);
	size_t n = std::min(size * nitems, t->body->size() - t->sent);
	memcpy(buffer, t->body->data() + t->sent, n);
	t->sent += n;
	return n;
}

bool
HeaderIs(const std::string &line, const char *name, std::string *value) {
	size_t len = strlen(name);
	if (line.size() <= len || line[len] != ':' || strncasecmp(line.c_str(), name, len) != 0)
		return false;
	size_t start = len + 1, end = line.size();
	while (start < end && (line[start] == ' ' || line[start] == '\t'))
		start++;
	while (end > start && (line[end - 1] == '\r' || line[end - 1] == '\n' || line[end - 1] == ' '))
		end--;
	*value = line.substr(start, end - start);
	return true;
}

size_t
OnHeader(char *data, size_t size, size_t nitems, void *userdata) {
	Transfer *t = static_cast<Transfer *>(userdata);
	size_t n = size * nitems;
	try {
		std::string line(data, n), length;
		HttpResponse &r = *t->resp;
		/* A new status line (after a redirect or a 100 Continue) starts a new set of headers. */
		if (line.compare(0, 5, "HTTP/") == 0) {
			r.etag.clear();
			r.content_type.clear();
			r.last_modified.clear();
			r.error_code.clear();
			r.retry_after.clear();
			r.content_length = -1;
		} else if (HeaderIs(line, "Content-Length", &length)) {
			r.content_length = strtoll(length.c_str(), nullptr, 10);
		} else if (!HeaderIs(line, "ETag", &r.etag) && !HeaderIs(line, "Content-Type", &r.content_type) &&
		           !HeaderIs(line, "Last-Modified", &r.last_modified) &&
		           !HeaderIs(line, "x-ms-error-code", &r.error_code)) {
			HeaderIs(line, "Retry-After", &r.retry_after);
		}
	} catch (...) {
		return 0;
	}
	return n;
}

struct SlistFree {
	void
	operator()(curl_slist *l) const noexcept {
		curl_slist_free_all(l);
	}
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void
Append(Slist &list, const std::string &header) {
	curl_slist *next = curl_slist_append(list.get(), header.c_str());
	if (next == nullptr)
		throw std::bad_alloc();
	list.release();
	list.reset(next);
}

/* Host and port of a URL, for messages (never the path or query). */
std::string
HostOf(const std::string &url) {
	size_t start = url.find("://");
	start = start == std::string::npos ? 0 : start + 3;
	size_t end = url.find_first_of("/?#", start);
	return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

struct UrlFree {
	void
	operator()(CURLU *u) const noexcept {
		curl_url_cleanup(u);
	}
};

/*
 * The host libcurl reads from url: parsed by curl's own URL API with the
 * flags curl_easy_perform uses for the CURLOPT_URL that PerformOnce sets
 * (path as is, no user name), so a parsing difference between our parser
 * and curl's cannot slip another host past the check.
 */
std::string
CurlHostOf(const std::string &url) {
	std::unique_ptr<CURLU, UrlFree> u(curl_url());
	if (u == nullptr)
		throw std::bad_alloc();
	CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(),
	                            CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS | CURLU_DISALLOW_USER);
	if (rc == CURLUE_OUT_OF_MEMORY)
		throw std::bad_alloc();
	if (rc != CURLUE_OK)
		ThrowInvalid("invalid storage endpoint host", "libcurl cannot parse the endpoint URL.");
	char *host = nullptr;
	rc = curl_url_get(u.get(), CURLUPART_HOST, &host, 0);
	if (rc == CURLUE_OUT_OF_MEMORY)
		throw std::bad_alloc();
	if (rc != CURLUE_OK || host == nullptr)
		ThrowInvalid("invalid storage endpoint host", "libcurl finds no host in the endpoint URL.");
	std::unique_ptr<char, decltype(&curl_free)> owned(host, &curl_free);
	return std::string(host);
}

enum class Outcome { kAnswered, kTransportError };

/*
 * One attempt. On a transport error, fills *curl_error (and whether a connection was made) and drops the handle.
 * wait_event is reported for the duration of the transfer (compat.hpp, AzureRequestWaitEvent).
 */
Outcome
PerformOnce(const core::RestRequest &req, const core::EndpointHost &host, HttpResponse &resp, CURLcode *curl_error,
            bool *connected, uint32 wait_event) {
	if (handle != nullptr && handle_allow_http != guc_allow_http) {
		curl_easy_cleanup(handle);
		handle = nullptr;
	}
	if (handle == nullptr) {
		handle = curl_easy_init();
		if (handle == nullptr)
			throw Error(sqlstate::kOutOfMemory, "could not create an HTTP handle");
		handle_allow_http = guc_allow_http;
	} else {
		curl_easy_reset(handle);
	}
	Transfer t {&resp, &req.body, 0, static_cast<size_t>(guc_max_response_size), false};
	Slist headers;
	for (const core::HttpHeader &h : req.headers) {
		/* curl sends Content-Length itself from CURLOPT_INFILESIZE_LARGE; the signed value is the same. */
		if (strcasecmp(h.name.c_str(), "Content-Length") == 0)
			continue;
		Append(headers, h.name + ": " + h.value);
	}
	Append(headers, "Expect:"); /* no 100-continue round trip */

	CURL *c = handle;
	curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* never SIGALRM: Postgres owns its timers */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, guc_allow_http ? "http,https" : "https");
	/* Never follow a redirect: its target would bypass CheckEndpointAllowed. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 0L);
	curl_easy_setopt(c, CURLOPT_DISALLOW_USERNAME_IN_URL, 1L); /* as CurlHostOf parsed it */
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);               /* send the path we signed, dot segments and all */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(guc_connect_timeout_ms));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(guc_request_timeout_ms));
	/*
	 * No proxy, whatever http_proxy, https_proxy or ALL_PROXY say in the
	 * server's environment: a proxy would connect to hosts this code never
	 * judges, and the address check below would judge the proxy instead.
	 */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	AddressCheck address_check {guc_allow_http != 0};
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &address_check);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
	if (req.method == "HEAD") {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (req.method == "PUT") {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
		curl_easy_setopt(c, CURLOPT_READDATA, &t);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
	} else if (req.method != "GET") {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
	}

	/*
	 * pg_stat_activity shows the backend waiting on Azure while curl works.
	 * Both calls only store into this backend's PGPROC (they cannot raise),
	 * and nothing between them throws or longjmps: the report always ends.
	 */
	pgstat_report_wait_start(wait_event);
	CURLcode rc = curl_easy_perform(c);
	pgstat_report_wait_end();
	/* The header list dies with this frame: detach it from the reused handle first. */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
		return Outcome::kAnswered;
	}
	/* A timeout before the connection was made is the connect timeout's doing. */
	curl_off_t connect_us = 0;
	*connected = curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us) == CURLE_OK && connect_us > 0;
	curl_easy_cleanup(handle);
	handle = nullptr;
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		throw Interrupted();
	/* Every address was refused: the policy's error, not a transport failure (never retried). */
	if (address_check.refused && rc == CURLE_COULDNT_CONNECT) {
		core::CheckAddressAllowed(host, address_check.bytes, address_check.len, address_check.allow_http);
		throw Error(sqlstate::kInvalidParameterValue,
		            "storage endpoint host \"" + host.host + "\" resolves to an address that is not allowed");
	}
	if (t.overflow)
		throw Error("54000", "Azure answer exceeds the response size limit",
		            "The limit is " + std::to_string(guc_max_response_size) + " bytes.",
		            "Raise azure_blob.max_response_size.");
	*curl_error = rc;
	return Outcome::kTransportError;
}

bool
Retryable(long status) {
	return status == 500 || status == 503;
}

/*
 * Sleeps ms milliseconds, waking for interrupts. The latch is also set for
 * reasons that are not ours (a timer of the server that fired during the
 * request, a signal): WaitLatch then returns at once, so wait again for what
 * is left until the time is up.
 */
void
Backoff(long ms) {
	PgCall([&] {
		const TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);
		for (;;) {
			const long left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);
			if (left <= 0)
				break;
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, left, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
	});
}

} // namespace

void
InitHttp() {
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not initialize libcurl")));
}

core::EndpointHost
CheckEndpointAllowed(const std::string &url) {
	const core::EndpointHost ours = core::ParseUrlHost(url);
	const core::EndpointHost curls = core::ParseHost(CurlHostOf(url));
	if (curls.kind != ours.kind || curls.host != ours.host)
		ThrowInvalid("invalid storage endpoint host",
		             "libcurl reads another host from the endpoint URL than the one checked.");
	core::CheckHostAllowed(ours, guc_allowed_endpoint_hosts != nullptr ? guc_allowed_endpoint_hosts : "",
	                       guc_allow_http);
	return ours;
}

HttpResponse
Execute(core::RestRequest req, const Account &acct) {
	if (!acct.https && !guc_allow_http)
		throw Error(sqlstate::kObjectNotInPrerequisiteState,
		            "storage account \"" + acct.alias + "\" uses http, which is not allowed",
		            "Plain http is meant for Azurite only.", "A superuser can SET azure_blob.allow_http = on.");
	/* Again on every request: the list or allow_http may have changed since the account was added. */
	const core::EndpointHost host = CheckEndpointAllowed(req.url);
	const std::string &method = req.method;
	const std::string where = core::UrlForMessages(req.url);
	/* Each attempt is signed afresh (x-ms-date): the signing headers of the last one are dropped, the body is not copied. */
	const size_t unsigned_headers = req.headers.size();
	CURLcode curl_error = CURLE_OK;
	bool connected = false;
	const uint32 wait_event = PgCall([] { return AzureRequestWaitEvent(); });
	for (int attempt = 0;; attempt++) {
		req.headers.resize(unsigned_headers);
		core::SignRequest(req, acct.account_name, acct.signer,
		                  static_cast<int64_t>(timestamptz_to_time_t(GetCurrentTimestamp())));
		HttpResponse resp;
		Outcome outcome = PerformOnce(req, host, resp, &curl_error, &connected, wait_event);
		PgCall([&] {
			elog(DEBUG1, "azure_blob: %s %s -> %ld (attempt %d)", method.c_str(), where.c_str(),
			     outcome == Outcome::kAnswered ? resp.status : -1L, attempt + 1);
		});
		if (outcome == Outcome::kAnswered && !Retryable(resp.status))
			return resp;
		if (attempt >= guc_max_retries) {
			if (outcome == Outcome::kAnswered)
				return resp;
			if (curl_error == CURLE_OPERATION_TIMEDOUT && connected)
				throw Error(sqlstate::kConnectionFailure,
				            "Azure Blob Storage at \"" + HostOf(where) + "\" did not answer in time",
				            "No answer within azure_blob.request_timeout_ms (" +
				                std::to_string(guc_request_timeout_ms) + " ms) after " + std::to_string(attempt + 1) +
				                " attempts.");
			if (curl_error == CURLE_OPERATION_TIMEDOUT)
				throw Error(sqlstate::kConnectionFailure,
				            "could not connect to Azure Blob Storage at \"" + HostOf(where) + "\"",
				            "No connection within azure_blob.connect_timeout_ms (" +
				                std::to_string(guc_connect_timeout_ms) + " ms) after " + std::to_string(attempt + 1) +
				                " attempts.");
			throw Error(sqlstate::kConnectionFailure,
			            "could not connect to Azure Blob Storage at \"" + HostOf(where) + "\"",
			            std::string(curl_easy_strerror(curl_error)) + " after " + std::to_string(attempt + 1) +
			                " attempts.");
		}
		/* 100 ms, 200 ms, 400 ms ...; a Retry-After of the service wins, within 10 s. */
		long wait_ms = 100L << std::min(attempt, 6);
		if (outcome == Outcome::kAnswered && !resp.retry_after.empty()) {
			long seconds = strtol(resp.retry_after.c_str(), nullptr, 10);
			if (seconds > 0)
				wait_ms = std::min(seconds, 10L) * 1000L;
		}
		Backoff(wait_ms);
	}
}

void
ThrowAzureError(const HttpResponse &resp, const std::string &what) {
	/* The x-ms-error-code header names the error; the XML body only when it is missing. */
	const std::string code = !resp.error_code.empty() ? resp.error_code : core::ParseAzureError(resp.body).code;
	std::string detail = "Azure Blob Storage returned HTTP status " + std::to_string(resp.status);
	detail += code.empty() ? "." : " (" + code + ").";
	std::string hint;
	if (resp.status == 403)
		hint = "Check the account key and that the server's clock is right.";
	else if (code == "ContainerNotFound")
		hint = "Create the container with azure_container_create().";
	throw Error(sqlstate::kExternalRoutineException, what, detail, hint);
}

} // namespace azure_blob
