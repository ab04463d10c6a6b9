/*-------------------------------------------------------------------------
 * upload_test.cpp
 *	  Generated upload blob names and content-type checks (upload.hpp).
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

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

TEST(MakeUploadBlobName, PrefixesUuid) {
	unsigned char zeros[16] = {};
	EXPECT_EQ(core::MakeUploadBlobName(zeros, "report.pdf"), "00000000-0000-4000-8000-000000000000-report.pdf");
	EXPECT_EQ(core::MakeUploadBlobName(zeros, "r\xC3\xA9sum\xC3\xA9 final.txt"),
	          "00000000-0000-4000-8000-000000000000-r\xC3\xA9sum\xC3\xA9 final.txt");
}

TEST(MakeUploadBlobName, RejectsBadFileNames) {
	unsigned char zeros[16] = {};
	for (const char *bad : {"", "dir/file.txt", "dir\\file.txt", "file.", "..", "a\nb", "\xC3"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(core::MakeUploadBlobName(zeros, bad), "22023");
	}
}

TEST(MakeUploadBlobName, PrefixCountsTowardsLengthLimit) {
	unsigned char zeros[16] = {};
	/* 37 characters of "<uuid>-" leave 987 for the file name. */
	EXPECT_EQ(core::MakeUploadBlobName(zeros, std::string(987, 'f')).size(), 1024u);
	EXPECT_AZ_ERROR(core::MakeUploadBlobName(zeros, std::string(988, 'f')), "22023");
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
