/*-------------------------------------------------------------------------
 * shared_key.cpp
 *	  Shared Key authorization for Blob REST calls.
 *
 * The canonical resource uses the URL path exactly as sent (still encoded)
 * and the query decoded, names lower-cased and sorted (spec §5.3).  x-ms-*
 * headers sort in the service's culture-aware order, reproduced by a key
 * that drops "-" and maps "_" below "0" (spec §5.2, vector K11).
 *-------------------------------------------------------------------------
 */
#include "core/shared_key.hpp"

#include <algorithm>
#include <utility>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

std::string
Lower(std::string_view s) {
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

std::string
SortKey(std::string_view name) {
	std::string key;
	key.reserve(name.size());
	for (char c : name) {
		if (c == '-')
			continue;
		key.push_back(c == '_' ? '/' : c);
	}
	return key;
}

std::string_view
Trim(std::string_view s) {
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
		s.remove_suffix(1);
	return s;
}

} // namespace

bool
SharedKeyHeaderLess(std::string_view a, std::string_view b) {
	std::string ka = SortKey(a), kb = SortKey(b);
	if (ka != kb)
		return ka < kb;
	return a < b;
}

std::string
SharedKeyStringToSign(std::string_view method, std::string_view account_name, std::string_view url,
                      const std::vector<HttpHeader> &headers) {
	/* Standard headers, in string-to-sign order. */
	static const char *const kStandard[] =
	    {"content-encoding",  "content-language", "content-length", "content-md5",         "content-type", "date",
	     "if-modified-since", "if-match",         "if-none-match",  "if-unmodified-since", "range"};
	std::string standard[std::size(kStandard)];
	bool seen[std::size(kStandard)] = {};
	std::vector<std::pair<std::string, std::string>> ms;
	for (const HttpHeader &h : headers) {
		std::string name = Lower(h.name);
		std::string_view value = Trim(h.value);
		if (name.compare(0, 5, "x-ms-") == 0) {
			for (const auto &seen : ms)
				if (seen.first == name)
					throw Error(sqlstate::kInternalError, "header \"" + name + "\" given twice");
			ms.emplace_back(std::move(name), std::string(value));
			continue;
		}
		for (size_t i = 0; i < std::size(kStandard); i++) {
			if (name != kStandard[i])
				continue;
			/* Which of two values would be signed is a guess the service may not share: refuse. */
			if (seen[i])
				throw Error(sqlstate::kInternalError, "header \"" + name + "\" given twice");
			seen[i] = true;
			standard[i].assign(value);
		}
	}
	/* Content-Length 0 signs as empty (x-ms-version >= 2015-02-21); Date is always empty: x-ms-date rules. */
	if (standard[2] == "0")
		standard[2].clear();
	standard[5].clear();
	std::sort(ms.begin(), ms.end(), [](const auto &a, const auto &b) { return SharedKeyHeaderLess(a.first, b.first); });

	std::string s;
	s.reserve(512);
	s.append(method);
	s.push_back('\n');
	for (const std::string &v : standard) {
		s.append(v);
		s.push_back('\n');
	}
	for (const auto &[name, value] : ms) {
		s.append(name);
		s.push_back(':');
		s.append(value);
		s.push_back('\n');
	}

	/* Split the URL into path and query; the authority ends at the first "/" after "://". */
	size_t scheme = url.find("://");
	size_t path_start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
	size_t query_start = url.find('?');
	std::string_view path, query;
	if (path_start != std::string_view::npos && (query_start == std::string_view::npos || path_start < query_start))
		path = url.substr(path_start, query_start == std::string_view::npos ? query_start : query_start - path_start);
	if (query_start != std::string_view::npos)
		query = url.substr(query_start + 1);
	s.push_back('/');
	s.append(account_name);
	s.append(path.empty() ? std::string_view("/") : path);

	std::vector<std::pair<std::string, std::string>> params;
	size_t start = 0;
	while (start < query.size()) {
		size_t amp = query.find('&', start);
		std::string_view pair = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
		start = amp == std::string_view::npos ? query.size() : amp + 1;
		if (pair.empty())
			continue;
		size_t eq = pair.find('=');
		std::string name = Lower(PercentDecode(pair.substr(0, eq), true));
		std::string value = eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
		auto it = std::find_if(params.begin(), params.end(), [&](const auto &p) { return p.first == name; });
		if (it == params.end())
			params.emplace_back(std::move(name), std::move(value));
		else
			it->second.append(",").append(value); /* docs: several values joined by "," (never sent by us) */
	}
	std::sort(params.begin(), params.end());
	for (const auto &[name, value] : params) {
		s.push_back('\n');
		s.append(name);
		s.push_back(':');
		s.append(value);
	}
	return s;
}

std::string
SharedKeyAuthorization(std::string_view account_name, const HmacSha256 &key, std::string_view string_to_sign) {
	std::string out = "SharedKey ";
	out.append(account_name);
	out.push_back(':');
	key.AppendSignatureBase64(out, string_to_sign);
	return out;
}

} // namespace azure_blob::core
