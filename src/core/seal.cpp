/*-------------------------------------------------------------------------
 * seal.cpp
 *	  AES-256-GCM seal and unseal of secrets at rest (format in seal.hpp).
 *
 * GCM with a random 96-bit nonce: a master key may seal about 2^32 values
 * before a nonce collision becomes a real risk (NIST SP 800-38D, 8.3); this
 * extension seals one value per account added, far below that.  The tag is
 * the full 128 bits and is checked before any plaintext is handed out.
 *-------------------------------------------------------------------------
 */
#include "core/seal.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

constexpr size_t kKeyIdHex = 8;

struct CipherCtxFree {
	void
	operator()(EVP_CIPHER_CTX *c) const {
		EVP_CIPHER_CTX_free(c);
	}
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

[[noreturn]] void
ThrowOpenSsl() {
	throw Error(sqlstate::kInternalError, "could not seal or unseal a secret with AES-256-GCM");
}

CipherCtx
NewCtx() {
	CipherCtx ctx(EVP_CIPHER_CTX_new());
	if (!ctx)
		ThrowOpenSsl();
	return ctx;
}

const unsigned char *
Bytes(std::string_view s) {
	return reinterpret_cast<const unsigned char *>(s.data());
}

bool
IsLowerHex(std::string_view s) {
	for (char c : s)
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	return true;
}

} // namespace

bool
IsSealed(std::string_view stored) {
	return stored.substr(0, kSealedPrefix.size()) == kSealedPrefix;
}

std::string
MasterKeyId(std::string_view master_key) {
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if (EVP_Digest(master_key.data(), master_key.size(), digest, nullptr, EVP_sha256(), nullptr) != 1)
		ThrowOpenSsl();
	static const char kHex[] = "0123456789abcdef";
	std::string id;
	for (size_t i = 0; i < kKeyIdHex / 2; i++) {
		id.push_back(kHex[digest[i] >> 4]);
		id.push_back(kHex[digest[i] & 15]);
	}
	return id;
}

std::string
SealWithNonce(std::string_view master_key, std::string_view aad, std::string_view plaintext, std::string_view nonce) {
	if (master_key.size() != kMasterKeyBytes)
		ThrowInvalid("master key must be 32 bytes");
	if (nonce.size() != kSealNonceBytes)
		ThrowInvalid("nonce must be 12 bytes");
	if (plaintext.size() > (1u << 30))
		ThrowInvalid("secret is too long to seal");
	/* nonce | ciphertext | tag, then Base64 of all of it. */
	std::string blob(kSealNonceBytes + plaintext.size() + kSealTagBytes, '\0');
	auto *p = reinterpret_cast<unsigned char *>(blob.data());
	memcpy(p, nonce.data(), kSealNonceBytes);
	CipherCtx ctx = NewCtx();
	int len = 0;
	if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSealNonceBytes), nullptr) != 1 ||
	    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(master_key), p) != 1 ||
	    EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
	    EVP_EncryptUpdate(ctx.get(), p + kSealNonceBytes, &len, Bytes(plaintext), static_cast<int>(plaintext.size())) !=
	        1 ||
	    EVP_EncryptFinal_ex(ctx.get(), p + kSealNonceBytes + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kSealTagBytes),
	                        p + kSealNonceBytes + plaintext.size()) != 1)
		ThrowOpenSsl();
	std::string out(kSealedPrefixV1);
	out += MasterKeyId(master_key);
	out += ':';
	out += Base64Encode(blob);
	return out;
}

std::string
Seal(std::string_view master_key, std::string_view aad, std::string_view plaintext) {
	unsigned char nonce[kSealNonceBytes];
	if (RAND_bytes(nonce, sizeof(nonce)) != 1)
		throw Error(sqlstate::kInternalError, "could not generate a random nonce");
	return SealWithNonce(master_key, aad, plaintext,
	                     std::string_view(reinterpret_cast<const char *>(nonce), sizeof(nonce)));
}

std::string
SealedKeyId(std::string_view sealed) {
	if (sealed.substr(0, kSealedPrefixV1.size()) != kSealedPrefixV1)
		return {};
	std::string_view rest = sealed.substr(kSealedPrefixV1.size());
	if (rest.size() < kKeyIdHex + 1 || rest[kKeyIdHex] != ':' || !IsLowerHex(rest.substr(0, kKeyIdHex)))
		return {};
	return std::string(rest.substr(0, kKeyIdHex));
}

UnsealFailure
TryUnseal(std::string_view master_key, std::string_view aad, std::string_view sealed, std::string &out) {
	out.clear();
	std::string key_id = SealedKeyId(sealed);
	if (key_id.empty())
		return UnsealFailure::kMalformed;
	std::string blob;
	if (!Base64Decode(sealed.substr(kSealedPrefixV1.size() + kKeyIdHex + 1), blob) ||
	    blob.size() < kSealNonceBytes + kSealTagBytes)
		return UnsealFailure::kMalformed;
	if (master_key.size() != kMasterKeyBytes || key_id != MasterKeyId(master_key))
		return UnsealFailure::kOtherKey;
	const auto *p = reinterpret_cast<const unsigned char *>(blob.data());
	const size_t ct_len = blob.size() - kSealNonceBytes - kSealTagBytes;
	std::string plain(ct_len, '\0');
	auto *q = reinterpret_cast<unsigned char *>(plain.data());
	CipherCtx ctx = NewCtx();
	int len = 0;
	/* The tag must be writable for EVP_CTRL_GCM_SET_TAG. */
	unsigned char tag[kSealTagBytes];
	memcpy(tag, p + kSealNonceBytes + ct_len, kSealTagBytes);
	if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSealNonceBytes), nullptr) != 1 ||
	    EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(master_key), p) != 1 ||
	    EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
	    EVP_DecryptUpdate(ctx.get(), q, &len, p + kSealNonceBytes, static_cast<int>(ct_len)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kSealTagBytes), tag) != 1)
		ThrowOpenSsl();
	/* Final checks the tag; a mismatch is the one failure bad input can cause here. */
	if (EVP_DecryptFinal_ex(ctx.get(), q + len, &len) != 1) {
		OPENSSL_cleanse(plain.data(), plain.size());
		return UnsealFailure::kAuthFailed;
	}
	out.swap(plain);
	return UnsealFailure::kNone;
}

std::string
AccountKeyAad(std::string_view alias) {
	/* The NUL keeps "purpose" and "alias" apart: an alias (text) cannot contain one. */
	std::string aad("azure_blob account key");
	aad.push_back('\0');
	aad.append(alias);
	return aad;
}

std::string
UploadSecretAad() {
	return "azure_blob upload secret";
}

} // namespace azure_blob::core
