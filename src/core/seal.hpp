/*-------------------------------------------------------------------------
 * seal.hpp
 *	  Secrets at rest: AES-256-GCM under a master key, as printable text.
 *
 * A sealed value is
 *
 *	  sealed:v1:<key id>:<Base64 of nonce (12 bytes) | ciphertext | tag (16 bytes)>
 *
 * where <key id> is the first 8 hex digits of SHA-256(master key), so a
 * value sealed under another master key is recognised as such before any
 * decryption is tried.  The associated data (not stored) names what the
 * value is and where it belongs (for instance "azure_blob account key" and
 * the alias), so a sealed value copied into another row does not unseal.
 * The ciphertext has the plaintext's length; Base64 makes the text 4/3 of
 * (28 + plaintext length), rounded up to a multiple of 4.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <string>
#include <string_view>

namespace azure_blob::core {

inline constexpr size_t kMasterKeyBytes = 32; /* AES-256 */
inline constexpr size_t kSealNonceBytes = 12;
inline constexpr size_t kSealTagBytes = 16;
inline constexpr std::string_view kSealedPrefix = "sealed:";      /* any sealed value, any version */
inline constexpr std::string_view kSealedPrefixV1 = "sealed:v1:"; /* the format written here */

/* True if stored starts with "sealed:" (so it is not a clear legacy value). */
bool IsSealed(std::string_view stored);

/* First 8 hex digits of SHA-256(master_key). */
std::string MasterKeyId(std::string_view master_key);

/*
 * Seals plaintext under master_key (kMasterKeyBytes bytes) with a random
 * nonce from OpenSSL's RAND_bytes.  Throws Error(XX000) if OpenSSL fails,
 * Error(22023) if the master key has the wrong size.
 */
std::string Seal(std::string_view master_key, std::string_view aad, std::string_view plaintext);
/* The same with a given nonce (kSealNonceBytes bytes): for known-answer tests only. */
std::string SealWithNonce(std::string_view master_key, std::string_view aad, std::string_view plaintext,
                          std::string_view nonce);

/* Why a value did not unseal. */
enum class UnsealFailure {
	kNone,
	kMalformed,  /* not "sealed:v1:<8 hex>:<Base64>", or too short to hold nonce and tag */
	kOtherKey,   /* well formed, but its key id is not this master key's */
	kAuthFailed, /* the tag does not match: altered, or sealed with other associated data */
};

/*
 * Unseals sealed into out.  On failure returns the reason and leaves out
 * empty; never throws for bad input (Error(XX000) only if OpenSSL itself
 * fails).  The plaintext is never part of any message.
 */
UnsealFailure TryUnseal(std::string_view master_key, std::string_view aad, std::string_view sealed, std::string &out);

/* Key id written in a well-formed sealed value, or "" if there is none. */
std::string SealedKeyId(std::string_view sealed);

/* Associated data of a storage account's key, and of the per-database upload-name secret. */
std::string AccountKeyAad(std::string_view alias);
std::string UploadSecretAad();

} // namespace azure_blob::core
