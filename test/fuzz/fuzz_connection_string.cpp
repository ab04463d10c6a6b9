/*-------------------------------------------------------------------------
 * fuzz_connection_string.cpp
 *	  libFuzzer target: ParseConnectionString on arbitrary bytes.
 *
 * Invariants: it either throws azure_blob::Error whose text holds no
 * AccountKey value, or returns an account whose name, key and endpoint
 * pass the same checks a configured account must pass.
 *-------------------------------------------------------------------------
 */
#include <cctype>
#include <cstdint>
#include <string>

#include "core/connection_string.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "fuzz_common.hpp"

using namespace azure_blob;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const std::string text(reinterpret_cast<const char *>(data), size);
	try {
		core::StorageAccount acct = core::ParseConnectionString(text);
		core::ValidateAccountName(acct.account_name); /* must not throw */
		std::string raw;
		FUZZ_CHECK(core::Base64Decode(acct.account_key, raw));
		FUZZ_CHECK(raw.size() == core::kAccountKeyBytes);
		FUZZ_CHECK(acct.blob_endpoint.rfind(acct.https ? "https://" : "http://", 0) == 0);
		FUZZ_CHECK(acct.blob_endpoint.back() != '/');
		FUZZ_CHECK(acct.blob_endpoint.find_first_of("?# ") == std::string::npos);
	} catch (const Error &e) {
		FUZZ_CHECK(!e.sqlstate.empty() && !e.message.empty());
		/* Hints are fixed texts: nothing of the input can reach them. */
		FUZZ_CHECK(e.hint.empty() || e.hint.find("Use the connection string from") == 0 ||
		           e.hint == "Use a connection string with AccountName and AccountKey.");
		/* No message or detail may quote what follows "AccountKey=" (the secret), when it is long enough to tell. */
		size_t at = text.find("AccountKey=");
		if (at != std::string::npos) {
			std::string key =
			    text.substr(at + 11,
			                text.find(';', at) == std::string::npos ? std::string::npos : text.find(';', at) - at - 11);
			/*
			 * Only a key that looks like one: 16+ Base64 characters with a digit, "+" or "/".
			 * (The fuzzer soon learns the error texts and offers their words as keys.)
			 */
			bool looks_like_key = key.size() >= 16, has_mark = false;
			for (char c : key) {
				looks_like_key =
				    looks_like_key && (isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=');
				has_mark = has_mark || isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '/';
			}
			if (looks_like_key && has_mark) {
				const std::string all = e.message + "\n" + e.detail;
				FUZZ_CHECK(all.find(key) == std::string::npos);
			}
		}
	}
	return 0;
}
