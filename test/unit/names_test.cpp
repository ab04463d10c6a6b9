/*-------------------------------------------------------------------------
 * names_test.cpp
 *	  Account, container, blob and file name rules (names.hpp, spec §2.3,
 *	  §5.5.6, §6.1).  Every rejection must be Error with SQLSTATE 22023.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

/* UTF-8 of code point cp (below U+10000 is enough here). */
std::string
Utf8(unsigned cp) {
	std::string out;
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xC0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	} else {
		out += static_cast<char>(0xE0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	}
	return out;
}

/* Code points that would make a name display as another one (security finding 11). */
bool
IsRefusedNonAscii(unsigned cp) {
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

TEST(BlobName, RejectsC1ControlsAndBidiFormatting) {
	std::vector<unsigned> refused;
	for (unsigned cp = 0x80; cp <= 0x9F; cp++)
		refused.push_back(cp);
	for (unsigned cp : {0x061Cu, 0x200Eu, 0x200Fu, 0x2028u, 0x2029u})
		refused.push_back(cp);
	for (unsigned cp = 0x202A; cp <= 0x202E; cp++)
		refused.push_back(cp);
	for (unsigned cp = 0x2066; cp <= 0x2069; cp++)
		refused.push_back(cp);
	ASSERT_EQ(refused.size(), 32u + 5u + 5u + 4u);
	for (unsigned cp : refused) {
		SCOPED_TRACE(::testing::Message() << "U+" << std::hex << cp);
		const std::string ch = Utf8(cp);
		/* Anywhere in the name, and in a file name too. */
		EXPECT_AZ_ERROR(ValidateBlobName("invoice" + ch + "fdp.exe"), "22023");
		EXPECT_AZ_ERROR(ValidateBlobName(ch + "a"), "22023");
		EXPECT_AZ_ERROR(ValidateBlobName("a" + ch), "22023");
		EXPECT_AZ_ERROR(ValidateBlobName("dir/" + ch + "/a"), "22023");
		EXPECT_AZ_ERROR(ValidateBlobName(ch), "22023");
		EXPECT_AZ_ERROR(ValidateFileName("invoice" + ch + "fdp.exe"), "22023");
	}
}

TEST(BlobName, KeepsNeighboursOfRefusedCharacters) {
	/* U+007E and U+00A0 around C1, U+061B/U+061D around ALM, U+200D ZWJ (emoji), U+2027, U+202F (macOS
	   screenshot names), U+2065 and U+206A around the isolates. */
	for (unsigned cp : {0x7Eu, 0xA0u, 0xA1u, 0x061Bu, 0x061Du, 0x200Bu, 0x200Cu, 0x200Du, 0x2010u, 0x2027u, 0x202Fu,
	                    0x2030u, 0x2065u, 0x206Au, 0x00E9u}) {
		SCOPED_TRACE(::testing::Message() << "U+" << std::hex << cp);
		EXPECT_NO_THROW(ValidateBlobName("a" + Utf8(cp) + "b"));
		EXPECT_NO_THROW(ValidateFileName("a" + Utf8(cp) + "b"));
	}
	/* Screenshot 2024-01-01 at 10.00.00<U+202F>PM.png; a family emoji joined by U+200D. */
	EXPECT_NO_THROW(ValidateFileName("Screenshot 2024-01-01 at 10.00.00\xE2\x80\xAFPM.png"));
	EXPECT_NO_THROW(ValidateFileName("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9.png"));
}

TEST(BlobName, EveryCodePointBelowU3000) {
	/* The whole range around the refused characters, each alone between two letters. */
	for (unsigned cp = 0x20; cp < 0x3000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		const std::string name = "a" + Utf8(cp) + "b";
		if (cp == 0x7F || cp == '\\' || IsRefusedNonAscii(cp))
			EXPECT_AZ_ERROR(ValidateBlobName(name), "22023");
		else
			EXPECT_NO_THROW(ValidateBlobName(name)) << "U+" << std::hex << cp;
	}
}

TEST(BlobName, NamesTheProblem) {
	auto bidi = CatchError([] {
		ValidateBlobName("invoice\xE2\x80\xAE"
		                 "fdp.exe");
	});
	ASSERT_TRUE(bidi);
	EXPECT_EQ(bidi->message, "blob name must not contain bidirectional formatting characters");
	/* The message does not echo the character (it would reorder the log line it is printed on). */
	EXPECT_EQ(AllText(*bidi).find("\xE2\x80\xAE"), std::string::npos);
	auto c1 = CatchError([] {
		ValidateBlobName("a\xC2\x85"
		                 "b");
	});
	ASSERT_TRUE(c1);
	EXPECT_EQ(c1->message, "blob name must not contain control characters");
	auto sep = CatchError([] {
		ValidateFileName("a\xE2\x80\xA9"
		                 "b");
	});
	ASSERT_TRUE(sep);
	EXPECT_EQ(sep->message, "blob name must not contain line or paragraph separators");
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
	/* The issued name adds "<uuid>-", 37 characters, to the 1024 a blob name may have: 987 are left. */
	EXPECT_NO_THROW(ValidateFileName(std::string(987, 'f')));
	EXPECT_NO_THROW(ValidateFileName(Repeat("\xC3\xA9", 987)));
	for (const std::string &bad : {std::string(988, 'f'), Repeat("\xC3\xA9", 988), std::string(1025, 'f')}) {
		auto err = CatchError([&] { ValidateFileName(bad); });
		ASSERT_TRUE(err);
		EXPECT_EQ(err->sqlstate, "22023");
		EXPECT_EQ(err->message, "file name is too long");
		EXPECT_EQ(err->detail, "A file name has at most 987 characters: blob names are at most 1024 characters and "
		                       "the issued name adds a 37-character prefix.");
	}
	/* Invalid UTF-8 is reported as such, however long. */
	auto invalid = CatchError([] { ValidateFileName(std::string(1000, 'f') + "\xC3"); });
	ASSERT_TRUE(invalid);
	EXPECT_EQ(invalid->message, "blob name is not valid UTF-8");
}

} // namespace
} // namespace azure_blob::test
