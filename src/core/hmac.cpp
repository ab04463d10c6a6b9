/*-------------------------------------------------------------------------
 * hmac.cpp
 *	  HMAC-SHA256 with the key state prepared once.
 *
 * The EVP_MAC_CTX is keyed once; each signature re-initialises it with a
 * NULL key, which OpenSSL's HMAC provider treats as "same key again" and
 * which skips the key schedule (two SHA-256 blocks) of a one-shot HMAC().
 * The const methods mutate the context, so one HmacSha256 must not be used
 * by two threads at once (a backend has one thread).
 *-------------------------------------------------------------------------
 */
#include "core/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

[[noreturn]] void
ThrowCrypto(const char *what) {
	throw Error(sqlstate::kInternalError, std::string("could not compute HMAC-SHA256: ") + what);
}

} // namespace

void
HmacSha256::CtxFree::operator()(EVP_MAC_CTX *ctx) const noexcept {
	EVP_MAC_CTX_free(ctx);
}

HmacSha256::HmacSha256(std::string_view key) {
	EVP_MAC *mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
	if (mac == nullptr)
		ThrowCrypto("HMAC is not available");
	ctx_.reset(EVP_MAC_CTX_new(mac));
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (!ctx_)
		ThrowCrypto("out of memory");
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
	if (EVP_MAC_init(ctx_.get(), reinterpret_cast<const unsigned char *>(key.data()), key.size(), params) != 1)
		ThrowCrypto("could not set the key");
}

HmacSha256
HmacSha256::FromBase64(std::string_view key_b64) {
	std::string raw;
	if (!Base64Decode(key_b64, raw))
		ThrowInvalid("account key is not valid Base64");
	HmacSha256 h(raw);
	OPENSSL_cleanse(raw.data(), raw.size());
	return h;
}

void
HmacSha256::Sign(std::string_view message, unsigned char out[32]) const {
	size_t len = 0;
	if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1 ||
	    EVP_MAC_update(ctx_.get(), reinterpret_cast<const unsigned char *>(message.data()), message.size()) != 1 ||
	    EVP_MAC_final(ctx_.get(), out, &len, 32) != 1 || len != 32)
		ThrowCrypto("signing failed");
}

void
HmacSha256::AppendSignatureBase64(std::string &out, std::string_view message) const {
	unsigned char mac[32];
	Sign(message, mac);
	size_t at = out.size();
	out.resize(at + kSignatureBase64Len + 1);
	EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[at]), mac, 32);
	out.resize(at + kSignatureBase64Len); /* drop the NUL EVP_EncodeBlock wrote */
}

std::string
HmacSha256::SignBase64(std::string_view message) const {
	std::string out;
	AppendSignatureBase64(out, message);
	return out;
}

} // namespace azure_blob::core
