/*-------------------------------------------------------------------------
 * upload_test.cpp
 *	  Generated upload blob names and content-type checks (upload.hpp).
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <string>

#include "core/upload.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

TEST(FormatUuidV4, SetsVersionAndVariantBits) {
	unsigned char zeros[16] = {};
	EXPECT_EQ(core::FormatUuidV4(zeros), "00000000-0000-4000-8000-000000000000");
	unsigned char ones[16];
	for (unsigned char &b : ones)
		b = 0xFF;
	EXPECT_EQ(core::FormatUuidV4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
	unsigned char seq[16];
	for (int i = 0; i < 16; i++)
		seq[i] = static_cast<unsigned char>(i);
	EXPECT_EQ(core::FormatUuidV4(seq), "00010203-0405-4607-8809-0a0b0c0d0e0f");
	/* The caller's buffer is left alone. */
	EXPECT_EQ(seq[6], 6);
	EXPECT_EQ(seq[8], 8);
}

/* A fixed secret and random part, so names are known answers of this implementation. */
const core::HmacSha256 &
Secret() {
	static const core::HmacSha256 key(std::string(32, '\x42'));
	return key;
}
const unsigned char kRandom[8] = {1, 2, 3, 4, 5, 6, 7, 8};

TEST(MakeIssuedUploadName, PrefixesUuidV4) {
	std::string name = core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "report.pdf");
	ASSERT_EQ(name.size(), 37u + 10u);
	/* Random part first (version nibble forced to 4), then the MAC with the variant bits. */
	EXPECT_EQ(name.substr(0, 19), "01020304-0506-4708-");
	EXPECT_TRUE(name[19] == '8' || name[19] == '9' || name[19] == 'a' || name[19] == 'b') << name;
	EXPECT_EQ(name.substr(36), "-report.pdf");
	/* Deterministic for the same inputs. */
	EXPECT_EQ(core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "report.pdf"), name);
}

/*
 * The MAC's message layout is a stored format: names issued before an
 * upgrade must still verify after it.  Recomputed here with OpenSSL's HMAC():
 * "azure_blob upload name v1" NUL, the user id's length (4 bytes, big-endian),
 * the user id, the 8 random bytes (version nibble set), the file name.
 */
TEST(MakeIssuedUploadName, MacMessageLayoutIsFixed) {
	const std::string key(32, '\x42');
	std::string msg("azure_blob upload name v1", 25);
	msg.push_back('\0');
	msg.append(std::string("\0\0\0\x08", 4));
	msg.append("user_123");
	const unsigned char random_v4[8] = {1, 2, 3, 4, 5, 6, 0x47, 8};
	msg.append(reinterpret_cast<const char *>(random_v4), 8);
	msg.append("report.pdf");
	unsigned char mac[32];
	unsigned int mac_len = 0;
	ASSERT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(msg.data()),
	               msg.size(), mac, &mac_len),
	          nullptr);
	unsigned char uuid[16];
	memcpy(uuid, random_v4, 8);
	memcpy(uuid + 8, mac, 8);
	EXPECT_EQ(core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "report.pdf"),
	          core::FormatUuidV4(uuid) + "-report.pdf");
}

TEST(MakeIssuedUploadName, MacBindsUserRandomAndFile) {
	std::string base = core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "a.txt");
	unsigned char other_random[8] = {1, 2, 3, 4, 5, 6, 7, 9};
	EXPECT_NE(core::MakeIssuedUploadName(Secret(), "user_124", kRandom, "a.txt").substr(19, 17), base.substr(19, 17));
	EXPECT_NE(core::MakeIssuedUploadName(Secret(), "user_123", other_random, "a.txt").substr(19, 17),
	          base.substr(19, 17));
	EXPECT_NE(core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "b.txt").substr(19, 17), base.substr(19, 17));
	core::HmacSha256 other_secret(std::string(32, '\x43'));
	EXPECT_NE(core::MakeIssuedUploadName(other_secret, "user_123", kRandom, "a.txt"), base);
}

TEST(IsIssuedUploadName, AcceptsOnlyWhatWasIssued) {
	std::string name = core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "r\xC3\xA9sum\xC3\xA9 #1.txt");
	EXPECT_TRUE(core::IsIssuedUploadName(Secret(), "user_123", name));
	EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_12", name));
	EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_1234", name));
	EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "", name));
	EXPECT_FALSE(core::IsIssuedUploadName(core::HmacSha256(std::string(32, '\x43')), "user_123", name));
	/* Every single-character change to the uuid part is caught. */
	for (size_t i = 0; i < 36; i++) {
		if (name[i] == '-')
			continue;
		std::string altered = name;
		altered[i] = name[i] == '0' ? '1' : '0';
		EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_123", altered)) << "position " << i;
	}
	/* So is another file name behind the same uuid, and upper-case hex. */
	EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_123", name.substr(0, 37) + "other.txt"));
	std::string upper = name;
	for (size_t i = 0; i < 36; i++)
		upper[i] = static_cast<char>(toupper(static_cast<unsigned char>(upper[i])));
	EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_123", upper));
}

TEST(IsIssuedUploadName, RejectsMalformedNames) {
	for (const char *bad : {"", "a.txt", "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000-",
	                        "00000000-0000-4000-8000-000000000000x.txt", "0000000-00000-4000-8000-000000000000-a.txt",
	                        "g0000000-0000-4000-8000-000000000000-a.txt"})
		EXPECT_FALSE(core::IsIssuedUploadName(Secret(), "user_123", bad)) << bad;
}

TEST(MakeIssuedUploadName, RejectsBadFileNames) {
	for (const char *bad : {"", "dir/file.txt", "dir\\file.txt", "file.", "..", "a\nb", "\xC3"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(core::MakeIssuedUploadName(Secret(), "u", kRandom, bad), "22023");
	}
}

TEST(MakeIssuedUploadName, PrefixCountsTowardsLengthLimit) {
	/* 37 characters of "<uuid>-" leave 987 for the file name. */
	EXPECT_EQ(core::MakeIssuedUploadName(Secret(), "u", kRandom, std::string(987, 'f')).size(), 1024u);
	EXPECT_AZ_ERROR(core::MakeIssuedUploadName(Secret(), "u", kRandom, std::string(988, 'f')), "22023");
}

TEST(ValidateContentType, Accepts) {
	for (const std::string &ok :
	     {std::string("image/png"), std::string("text/plain; charset=utf-8"), std::string("application/vnd.ms-excel"),
	      std::string("a/b"), std::string("image/png ; q=1"), std::string("application/x+y.z_1!#$&^`|~"),
	      "a/" + std::string(253, 'b')}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(core::ValidateContentType(ok));
	}
}

TEST(ValidateContentType, Rejects) {
	for (const std::string &bad :
	     {std::string(""), std::string("textplain"), std::string("/png"), std::string("image/"),
	      std::string("image//png"), std::string("image/png\r\n"), std::string("image/pn g"), std::string("ima ge/png"),
	      std::string("image/png\t"), std::string("image/p\xC3\xA9"), std::string("image/(png)"),
	      std::string("; charset=utf-8"), "a/" + std::string(254, 'b')}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(core::ValidateContentType(bad), "22023");
	}
}

} // namespace
} // namespace azure_blob::test
