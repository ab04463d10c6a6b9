/*-------------------------------------------------------------------------
 * seal_test.cpp
 *	  Seal/TryUnseal (src/core/seal.hpp).  The known answers were computed
 *	  independently with Python's cryptography package:
 *
 *	    AESGCM(key).encrypt(nonce, plaintext, aad); "sealed:v1:" +
 *	    sha256(key).hexdigest()[:8] + ":" + b64encode(nonce + ciphertext_and_tag)
 *
 *	  with key = bytes 0..31 and nonce = bytes 0xa0..0xab.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <string>

#include "core/encoding.hpp"
#include "core/seal.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::UnsealFailure;

const char kAccountKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

std::string
Range(int from, int count) {
	std::string s;
	for (int i = 0; i < count; i++)
		s.push_back(static_cast<char>(from + i));
	return s;
}

std::string
MasterKey() {
	return Range(0, 32);
}

std::string
OtherMasterKey() {
	return Range(100, 32);
}

std::string
Unsealed(const std::string &key, const std::string &aad, const std::string &sealed) {
	std::string out;
	EXPECT_EQ(core::TryUnseal(key, aad, sealed, out), UnsealFailure::kNone);
	return out;
}

UnsealFailure
Failure(const std::string &key, const std::string &aad, const std::string &sealed) {
	std::string out = "untouched";
	UnsealFailure f = core::TryUnseal(key, aad, sealed, out);
	EXPECT_TRUE(out.empty()) << "a failed unseal must leave nothing behind";
	return f;
}

TEST(Seal, KnownAnswerWithFixedNonce) {
	std::string sealed = core::SealWithNonce(MasterKey(), core::AccountKeyAad("prod"), kAccountKey, Range(0xa0, 12));
	EXPECT_EQ(sealed,
	          "sealed:v1:630dcd29:oKGio6Slpqeoqaqrp1k5bgS8U/kgAuSaRCuvkjTtaV/WzwM+2WZr0zn5LFmVNCye6FokWRf0PK9AKcqTD"
	          "VgTJSipfQ4KN3gt6COxxvn4wBZ937XRuoicLMCao42dT5uPlbakR55tdDU6FDe8Hr2MFPvMlE0=");
	EXPECT_EQ(Unsealed(MasterKey(), core::AccountKeyAad("prod"), sealed), kAccountKey);
	EXPECT_EQ(core::MasterKeyId(MasterKey()), "630dcd29");
	EXPECT_EQ(core::SealedKeyId(sealed), "630dcd29");
}

TEST(Seal, KnownAnswerEmptyPlaintext) {
	std::string sealed = core::SealWithNonce(MasterKey(), core::UploadSecretAad(), "", Range(0xa0, 12));
	EXPECT_EQ(sealed, "sealed:v1:630dcd29:oKGio6Slpqeoqaqrrjoq+i7c8vcLOI3R1CskWg==");
	EXPECT_EQ(Unsealed(MasterKey(), core::UploadSecretAad(), sealed), "");
	/* Random nonce, empty plaintext: still a tag to check. */
	std::string random = core::Seal(MasterKey(), core::UploadSecretAad(), "");
	EXPECT_EQ(Unsealed(MasterKey(), core::UploadSecretAad(), random), "");
	EXPECT_EQ(Failure(MasterKey(), core::AccountKeyAad(""), random), UnsealFailure::kAuthFailed);
}

TEST(Seal, RoundTripBinaryAndTextWithFreshNonces) {
	std::string binary = Range(0, 256) + std::string(3, '\0');
	std::string a = core::Seal(MasterKey(), core::UploadSecretAad(), binary);
	std::string b = core::Seal(MasterKey(), core::UploadSecretAad(), binary);
	EXPECT_NE(a, b) << "each seal draws a new nonce";
	EXPECT_EQ(Unsealed(MasterKey(), core::UploadSecretAad(), a), binary);
	EXPECT_EQ(Unsealed(MasterKey(), core::UploadSecretAad(), b), binary);
	std::string k = core::Seal(MasterKey(), core::AccountKeyAad("default"), kAccountKey);
	EXPECT_EQ(k.rfind("sealed:v1:630dcd29:", 0), 0u);
	EXPECT_EQ(k.find(kAccountKey), std::string::npos);
	EXPECT_EQ(k.find(std::string(kAccountKey).substr(0, 16)), std::string::npos);
	EXPECT_EQ(Unsealed(MasterKey(), core::AccountKeyAad("default"), k), kAccountKey);
	/* Length promised in seal.hpp: 10 + 8 + 1 + Base64(28 + 88). */
	EXPECT_EQ(k.size(), 19u + 4 * ((28 + 88 + 2) / 3));
}

TEST(Seal, WrongMasterKeyIsReportedAsOtherKey) {
	std::string sealed = core::Seal(MasterKey(), core::AccountKeyAad("prod"), kAccountKey);
	EXPECT_EQ(Failure(OtherMasterKey(), core::AccountKeyAad("prod"), sealed), UnsealFailure::kOtherKey);
	EXPECT_EQ(Failure("short", core::AccountKeyAad("prod"), sealed), UnsealFailure::kOtherKey);
	/* Same key id written under another key: the tag still refuses it. */
	std::string forged = sealed;
	forged.replace(10, 8, core::MasterKeyId(OtherMasterKey()));
	EXPECT_EQ(Failure(OtherMasterKey(), core::AccountKeyAad("prod"), forged), UnsealFailure::kAuthFailed);
}

TEST(Seal, WrongAssociatedDataFails) {
	std::string sealed = core::Seal(MasterKey(), core::AccountKeyAad("prod"), kAccountKey);
	EXPECT_EQ(Failure(MasterKey(), core::AccountKeyAad("prod2"), sealed), UnsealFailure::kAuthFailed);
	EXPECT_EQ(Failure(MasterKey(), core::AccountKeyAad("Prod"), sealed), UnsealFailure::kAuthFailed);
	EXPECT_EQ(Failure(MasterKey(), core::UploadSecretAad(), sealed), UnsealFailure::kAuthFailed);
	EXPECT_EQ(Failure(MasterKey(), "", sealed), UnsealFailure::kAuthFailed);
	/* The separator keeps ("ab" + "c") and ("a" + "bc") apart. */
	EXPECT_NE(core::AccountKeyAad("x"), core::UploadSecretAad());
}

TEST(Seal, EveryTamperedByteIsDetected) {
	std::string sealed = core::SealWithNonce(MasterKey(), core::AccountKeyAad("prod"), "secret", Range(0xa0, 12));
	std::string blob;
	ASSERT_TRUE(core::Base64Decode(sealed.substr(19), blob));
	for (size_t i = 0; i < blob.size(); i++) {
		for (int bit : {0x01, 0x80}) {
			std::string bad = blob;
			bad[i] = static_cast<char>(bad[i] ^ bit);
			std::string text = sealed.substr(0, 19) + core::Base64Encode(bad);
			EXPECT_EQ(Failure(MasterKey(), core::AccountKeyAad("prod"), text), UnsealFailure::kAuthFailed)
			    << "byte " << i << " bit " << bit;
		}
	}
}

TEST(Seal, TruncatedValuesAreMalformedOrRefused) {
	std::string sealed = core::Seal(MasterKey(), core::AccountKeyAad("prod"), kAccountKey);
	std::string blob;
	ASSERT_TRUE(core::Base64Decode(sealed.substr(19), blob));
	/* Cut the binary part (re-encoded, so the Base64 itself is valid). */
	for (size_t n = 0; n < blob.size(); n++) {
		std::string text = sealed.substr(0, 19) + core::Base64Encode(blob.substr(0, n));
		UnsealFailure f = Failure(MasterKey(), core::AccountKeyAad("prod"), text);
		EXPECT_EQ(f, n < 28 ? UnsealFailure::kMalformed : UnsealFailure::kAuthFailed) << "length " << n;
	}
	/* Cut the text anywhere. */
	for (size_t n = 0; n < sealed.size(); n++)
		EXPECT_NE(Failure(MasterKey(), core::AccountKeyAad("prod"), sealed.substr(0, n)), UnsealFailure::kNone)
		    << "length " << n;
}

TEST(Seal, BadPrefixAndShapesAreMalformed) {
	std::string sealed = core::Seal(MasterKey(), core::AccountKeyAad("prod"), kAccountKey);
	std::string tail = sealed.substr(10);
	for (const std::string &bad :
	     std::initializer_list<std::string> {"sealed:v2:" + tail, "Sealed:v1:" + tail, "sealed:v1" + tail,
	                                         "sealed:" + tail, "sealed:v1:630DCD29" + sealed.substr(18),
	                                         "sealed:v1:630dcd2:" + sealed.substr(19),
	                                         "sealed:v1:630dcd29" + sealed.substr(19),
	                                         std::string("sealed:v1:630dcd29:not base64!"),
	                                         "sealed:v1:630dcd29:" + sealed.substr(19) + "A", std::string(kAccountKey),
	                                         std::string(), std::string("sealed:v1:")})
		EXPECT_EQ(Failure(MasterKey(), core::AccountKeyAad("prod"), bad), UnsealFailure::kMalformed) << bad;
	EXPECT_EQ(core::SealedKeyId(kAccountKey), "");
}

TEST(Seal, IsSealedLooksAtThePrefixOnly) {
	EXPECT_TRUE(core::IsSealed("sealed:v1:630dcd29:AAAA"));
	EXPECT_TRUE(core::IsSealed("sealed:v9:whatever"));
	EXPECT_FALSE(core::IsSealed(kAccountKey));
	EXPECT_FALSE(core::IsSealed("sealed"));
	EXPECT_FALSE(core::IsSealed(""));
}

TEST(Seal, BadMasterKeyOrNonceSizeThrows) {
	EXPECT_AZ_ERROR(core::Seal(Range(0, 31), "", "x"), "22023");
	EXPECT_AZ_ERROR(core::Seal(Range(0, 33), "", "x"), "22023");
	EXPECT_AZ_ERROR(core::SealWithNonce(MasterKey(), "", "x", Range(0, 11)), "22023");
}

} // namespace
} // namespace azure_blob::test
