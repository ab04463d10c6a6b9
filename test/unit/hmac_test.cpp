/*-------------------------------------------------------------------------
 * hmac_test.cpp
 *	  HmacSha256 against answers computed independently with the OpenSSL
 *	  command line:
 *
 *	    printf %s "$msg" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64
 *
 *	  and against RFC 4231 (HMAC-SHA256 test cases 1, 2 and 6).
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <random>

#include <string>

#include "core/encoding.hpp"
#include "core/hmac.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::HmacSha256;

const char kDevKeyB64[] = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const char kSeqKeyB64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

std::string
Bytes(std::initializer_list<int> values) {
	std::string s;
	for (int v : values)
		s.push_back(static_cast<char>(v));
	return s;
}

std::string
Hex(const unsigned char *p, size_t n) {
	static const char digits[] = "0123456789abcdef";
	std::string s;
	for (size_t i = 0; i < n; i++) {
		s.push_back(digits[p[i] >> 4]);
		s.push_back(digits[p[i] & 15]);
	}
	return s;
}

std::string
SequenceKey() {
	std::string k;
	for (int i = 0; i < 64; i++)
		k.push_back(static_cast<char>(i));
	return k;
}

TEST(HmacSha256, OpenSslCliAnswersWithSequenceKey) {
	HmacSha256 h(SequenceKey());
	EXPECT_EQ(h.SignBase64(""), "NJnxY/SGBMCxWsieTnxm8xT7OyA7isL1ZIKOYva+nZ0=");
	EXPECT_EQ(h.SignBase64("hello world"), "WhlA8SmVPQXDSE/fMm789pG+ymkmw0e0cEqxM1yjkOY=");
	EXPECT_EQ(h.SignBase64("r\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"),
	          "Z7Ks14Yq9InaJezMSEGptqoW4DJmnHrpP/PYJQOyj4M=");
}

TEST(HmacSha256, FromBase64MatchesRawKey) {
	HmacSha256 from_b64 = HmacSha256::FromBase64(kSeqKeyB64);
	HmacSha256 raw(SequenceKey());
	EXPECT_EQ(from_b64.SignBase64("hello world"), raw.SignBase64("hello world"));
	EXPECT_EQ(from_b64.SignBase64("hello world"), "WhlA8SmVPQXDSE/fMm789pG+ymkmw0e0cEqxM1yjkOY=");
}

/* Spec §1.1: the Azurite key decodes to 64 bytes; a 66-byte key (EVP_DecodeBlock's length) signs differently. */
TEST(HmacSha256, AzuriteKeyPaddingPitfall) {
	HmacSha256 dev = HmacSha256::FromBase64(kDevKeyB64);
	EXPECT_EQ(dev.SignBase64("hello world"), "3fRp/QNWO+aafmMcTUaxnGFB11YauiizlDXXPxhQaHw=");
	std::string raw;
	ASSERT_TRUE(core::Base64Decode(kDevKeyB64, raw));
	ASSERT_EQ(raw.size(), 64u);
	EXPECT_EQ(HmacSha256(raw).SignBase64("hello world"), "3fRp/QNWO+aafmMcTUaxnGFB11YauiizlDXXPxhQaHw=");
	/* What signing with the two junk zero bytes would give: must not be what we produce. */
	std::string padded = raw + std::string(2, '\0');
	EXPECT_EQ(HmacSha256(padded).SignBase64("hello world"), "cebwVT7arwHRPOVUORyHzUr6UCmKXSvMUEUPdrmbM0M=");
}

TEST(HmacSha256, UserDelegationKey) {
	/* The 32-byte key 0xFF..0xE0 of vectors U1-U3. */
	HmacSha256 h = HmacSha256::FromBase64("//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA=");
	EXPECT_EQ(h.SignBase64("abc"), "k5kuuDF9NMh7TmIZ9xu26gxDbmeefrRh94xceTWeUiQ=");
}

TEST(HmacSha256, Rfc4231) {
	unsigned char mac[32];
	/* Test case 1: 20 bytes of 0x0b, "Hi There". */
	HmacSha256(std::string(20, '\x0b')).Sign("Hi There", mac);
	EXPECT_EQ(Hex(mac, 32), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2: key "Jefe". */
	HmacSha256("Jefe").Sign("what do ya want for nothing?", mac);
	EXPECT_EQ(Hex(mac, 32), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test case 6: 131-byte key, longer than the SHA-256 block, is hashed first. */
	HmacSha256 long_key(std::string(131, '\xaa'));
	long_key.Sign("Test Using Larger Than Block-Size Key - Hash Key First", mac);
	EXPECT_EQ(Hex(mac, 32), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	EXPECT_EQ(long_key.SignBase64("Test Using Larger Than Block-Size Key - Hash Key First"),
	          "YOQxWR7gtn8Niiaqy/W3f44LxiE3KMUUBUYEDw7jf1Q=");
}

/* The context is keyed once and reused: interleaved messages must not leak state into each other. */
TEST(HmacSha256, ReusedContextGivesIndependentResults) {
	HmacSha256 h(SequenceKey());
	for (int round = 0; round < 3; round++) {
		SCOPED_TRACE(round);
		EXPECT_EQ(h.SignBase64("hello world"), "WhlA8SmVPQXDSE/fMm789pG+ymkmw0e0cEqxM1yjkOY=");
		EXPECT_EQ(h.SignBase64(""), "NJnxY/SGBMCxWsieTnxm8xT7OyA7isL1ZIKOYva+nZ0=");
	}
	/* A moved-to object keeps the key. */
	HmacSha256 moved(std::move(h));
	EXPECT_EQ(moved.SignBase64("hello world"), "WhlA8SmVPQXDSE/fMm789pG+ymkmw0e0cEqxM1yjkOY=");
}

TEST(HmacSha256, AppendSignatureBase64Appends) {
	HmacSha256 h(SequenceKey());
	std::string out = "prefix:";
	h.AppendSignatureBase64(out, "hello world");
	EXPECT_EQ(out, "prefix:WhlA8SmVPQXDSE/fMm789pG+ymkmw0e0cEqxM1yjkOY=");
	EXPECT_EQ(h.SignBase64("x").size(), core::kSignatureBase64Len);
	EXPECT_EQ(h.SignBase64("x").back(), '=');
}

TEST(HmacSha256, RawAndBase64Agree) {
	unsigned char mac[32];
	HmacSha256 h(Bytes({1, 2, 3}));
	h.Sign("message", mac);
	EXPECT_EQ(core::Base64Encode(mac, 32), h.SignBase64("message"));
}

TEST(HmacSha256, FromBase64RejectsMalformedKeys) {
	for (const char *bad :
	     {"", "not base64!", "AAECAwQ", "AAEC=AwQ", "AAECAwQFBgcICQoL DA0ODxAREhMUFRYXGBkaGxwdHh8=",
	      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=\n"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(HmacSha256::FromBase64(bad), "22023");
	}
}

/* A key error must not echo the key. */
TEST(HmacSha256, FromBase64ErrorHidesKey) {
	const std::string secret = "SECRETKEYTEXT!!";
	auto err = CatchError([&] { HmacSha256::FromBase64(secret); });
	ASSERT_TRUE(err);
	EXPECT_EQ(AllText(*err).find(secret), std::string::npos);
	EXPECT_EQ(AllText(*err).find("SECRETKEY"), std::string::npos);
}

} // namespace
} // namespace azure_blob::test

namespace azure_blob::test {
namespace {

/* The prepared-state HMAC must equal OpenSSL's own HMAC() for every key and message length. */
TEST(HmacSha256, MatchesOpenSslHmacOnRandomInputs) {
	std::mt19937 rng(20261125);
	for (int round = 0; round < 400; round++) {
		std::string key(rng() % 200, '\0'), msg(rng() % 1100, '\0');
		for (char &c : key)
			c = static_cast<char>(rng());
		for (char &c : msg)
			c = static_cast<char>(rng());
		unsigned char expected[32], got[32];
		unsigned int len = 0;
		ASSERT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
		               reinterpret_cast<const unsigned char *>(msg.data()), msg.size(), expected, &len),
		          nullptr);
		ASSERT_EQ(len, 32u);
		core::HmacSha256(key).Sign(msg, got);
		ASSERT_EQ(memcmp(expected, got, 32), 0) << "key length " << key.size() << ", message length " << msg.size();
	}
}

TEST(HmacSha256, MovedFromObjectIsSafeToDestroy) {
	core::HmacSha256 a(std::string(64, 'k'));
	core::HmacSha256 b(std::move(a));
	EXPECT_EQ(b.SignBase64("x").size(), 44u);
}

} // namespace
} // namespace azure_blob::test
