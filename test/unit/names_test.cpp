/*-------------------------------------------------------------------------
 * names_test.cpp
 *	  Account, container, blob and file name rules (names.hpp, spec §2.3,
 *	  §5.5.6, §6.1).  Every rejection must be Error with SQLSTATE 22023.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <string>

#include "core/names.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::ValidateAccountName;
using core::ValidateBlobName;
using core::ValidateContainerName;
using core::ValidateFileName;

std::string
Repeat(const std::string &s, size_t n) {
	std::string out;
	for (size_t i = 0; i < n; i++)
		out += s;
	return out;
}

/* "a/a/.../a" with n segments. */
std::string
Segments(size_t n) {
	std::string out = "a";
	for (size_t i = 1; i < n; i++)
		out += "/a";
	return out;
}

/* ---- Accounts: 3-24 lowercase letters and digits ---- */

TEST(AccountName, Accepts) {
	for (const char *ok : {"abc", "devstoreaccount1", "myaccount", "a1b2c3", "000", "abcdefghijklmnopqrstuvwx"}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(ValidateAccountName(ok));
	}
}

TEST(AccountName, Rejects) {
	for (const std::string bad : {"", "ab", "abcdefghijklmnopqrstuvwxy", "MyAccount", "my-account", "my_account",
	                              "my.account", "my account", "acct\n", "\xC3\xA9\xC3\xA9\xC3\xA9"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(ValidateAccountName(bad), "22023");
	}
	EXPECT_AZ_ERROR(ValidateAccountName(std::string("ab\0c", 4)), "22023");
}

/* ---- Containers: 3-63 of [a-z0-9-], alnum at both ends, no "--" ---- */

TEST(ContainerName, Accepts) {
	for (const std::string &ok : {std::string("abc"), std::string("mycontainer"), std::string("data"),
	                              std::string("a-b-c"), std::string("0-9"), std::string(63, 'z')}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(ValidateContainerName(ok));
	}
}

TEST(ContainerName, Rejects) {
	for (const std::string &bad :
	     {std::string(""), std::string("ab"), std::string(64, 'z'), std::string("-abc"), std::string("abc-"),
	      std::string("a--b"), std::string("Abc"), std::string("a_b"), std::string("a.b"), std::string("a b"),
	      std::string("$root"), std::string("ab/c"), std::string("abc\xC3\xA9"), std::string("\xFF\xFE\xFD")}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(ValidateContainerName(bad), "22023");
	}
}

TEST(ContainerName, MessageStaysValidUtf8) {
	auto err = CatchError([] { ValidateContainerName("ab\xFF"); });
	ASSERT_TRUE(err);
	EXPECT_EQ(err->message.find('\xFF'), std::string::npos);
}

/* ---- Blobs ---- */

TEST(BlobName, Accepts) {
	const std::string ok[] = {
	    "hello.txt",
	    "a",
	    "reports/2024 Q1/r\xC3\xA9sum\xC3\xA9+final#1?.txt",
	    "a'b(c)!~*.txt",
	    "x,y;z=w&v@u$t.txt",
	    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E/\xE3\x83\x95\xE3\x82\xA1\xE3\x82\xA4\xE3\x83\xAB.txt",
	    "percent%41.txt",
	    "dir/sub dir/file.parquet",
	    ".hidden",
	    "a/.b",
	    "a/..b/c",
	    "...x",
	    "a.b/c",
	    " leading space",
	    "emoji \xF0\x9F\x98\x80",
	};
	for (const std::string &name : ok) {
		SCOPED_TRACE(name);
		EXPECT_NO_THROW(ValidateBlobName(name));
	}
}

TEST(BlobName, LengthCountedInCodePoints) {
	EXPECT_NO_THROW(ValidateBlobName(std::string(1024, 'a')));
	EXPECT_AZ_ERROR(ValidateBlobName(std::string(1025, 'a')), "22023");
	/* 1024 "é" are 2048 bytes but 1024 characters. */
	EXPECT_NO_THROW(ValidateBlobName(Repeat("\xC3\xA9", 1024)));
	EXPECT_AZ_ERROR(ValidateBlobName(Repeat("\xC3\xA9", 1025)), "22023");
	EXPECT_NO_THROW(ValidateBlobName(Repeat("\xF0\x9F\x98\x80", 1024)));
	EXPECT_AZ_ERROR(ValidateBlobName(Repeat("\xF0\x9F\x98\x80", 1025)), "22023");
}

TEST(BlobName, SegmentLimit) {
	EXPECT_NO_THROW(ValidateBlobName(Segments(1)));
	EXPECT_NO_THROW(ValidateBlobName(Segments(254)));
	EXPECT_AZ_ERROR(ValidateBlobName(Segments(255)), "22023");
}

TEST(BlobName, RejectsControlCharacters) {
	for (int c = 0; c < 0x20; c++) {
		SCOPED_TRACE(c);
		EXPECT_AZ_ERROR(ValidateBlobName("a" + std::string(1, static_cast<char>(c)) + "b"), "22023");
	}
	EXPECT_AZ_ERROR(ValidateBlobName("a\x7F"), "22023");
	EXPECT_AZ_ERROR(ValidateBlobName("line\r\nbreak"), "22023");
}

TEST(BlobName, RejectsPathProblems) {
	const std::string bad[] = {
	    "",                /* empty */
	    "back\\slash.txt", /* Azure reads "\" as "/" */
	    "\\",
	    "/leading",
	    "/",
	    "trailing/",
	    "trailing.",
	    "dir/file.",
	    "a//b",
	    "./a",
	    "a/./b",
	    "a/.",
	    "../a",
	    "a/../b",
	    "a/..",
	    ".",
	    "..",
	};
	for (const std::string &name : bad) {
		SCOPED_TRACE(name);
		EXPECT_AZ_ERROR(ValidateBlobName(name), "22023");
	}
}

TEST(BlobName, RejectsInvalidUtf8) {
	for (const std::string bad : {"\xC3", "a\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "abc\xFF"}) {
		SCOPED_TRACE(::testing::PrintToString(bad));
		EXPECT_AZ_ERROR(ValidateBlobName(bad), "22023");
	}
}

/* ---- File names: a blob name without "/" or "\" ---- */

TEST(FileName, AcceptsAndRejects) {
	for (const std::string ok : {"report.pdf", "r\xC3\xA9sum\xC3\xA9 final.txt", ".env", "a+b#c?.txt"}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(ValidateFileName(ok));
	}
	for (const std::string bad : {"", "dir/file.txt", "dir\\file.txt", "/", "file.", ".", "..", "tab\there", "\xC3"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(ValidateFileName(bad), "22023");
	}
	EXPECT_NO_THROW(ValidateFileName(std::string(1024, 'f')));
	EXPECT_AZ_ERROR(ValidateFileName(std::string(1025, 'f')), "22023");
}

} // namespace
} // namespace azure_blob::test
