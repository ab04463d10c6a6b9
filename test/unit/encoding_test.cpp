/*-------------------------------------------------------------------------
 * encoding_test.cpp
 *	  Percent-encoding (spec §1.3, §2.9, §6.1), Base64 (spec §1.1, RFC 4648)
 *	  and UTF-8 checks.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "core/encoding.hpp"
#include "encoding_reference.hpp"

namespace azure_blob::test {
namespace {

using core::Base64Decode;
using core::Base64Encode;
using core::EncodeBlobPath;
using core::EncodeUriComponent;
using core::IsValidUtf8;
using core::PercentDecode;
using core::Utf8Length;

std::string
AllBytes() {
	std::string s;
	for (int i = 0; i < 256; i++)
		s.push_back(static_cast<char>(i));
	return s;
}

/* ---- encodeURIComponent ---- */

/* Every byte value through encode: literal exactly for A-Z a-z 0-9 and the bytes of keep, else %XX in upper case. */
void
ExpectEveryByte(std::string (*encode)(std::string_view), const std::string &keep) {
	for (int b = 0; b < 256; b++) {
		SCOPED_TRACE(b);
		const char c = static_cast<char>(b);
		const bool literal = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
		                     (b != 0 && keep.find(c) != std::string::npos);
		char expected[4];
		std::snprintf(expected, sizeof expected, "%%%02X", b);
		EXPECT_EQ(encode(std::string(1, c)), literal ? std::string(1, c) : std::string(expected));
	}
}

TEST(EncodeUriComponent, EveryByte) {
	ExpectEveryByte(EncodeUriComponent, "-_.!~*'()");
}

TEST(EncodeUriComponent, SpecExamples) {
	EXPECT_EQ(EncodeUriComponent(""), "");
	EXPECT_EQ(EncodeUriComponent("2025-01-01T00:00:00Z"), "2025-01-01T00%3A00%3A00Z");
	EXPECT_EQ(EncodeUriComponent("https,http"), "https%2Chttp");
	EXPECT_EQ(EncodeUriComponent("uO/30MP83PYBANYtgd3vIQQ7wxIQPJBPpE22v7pZUAM="),
	          "uO%2F30MP83PYBANYtgd3vIQQ7wxIQPJBPpE22v7pZUAM%3D");
	EXPECT_EQ(EncodeUriComponent("a+b"), "a%2Bb");
	EXPECT_EQ(EncodeUriComponent("attachment; filename=\"r\xC3\xA9sum\xC3\xA9 final.txt\""),
	          "attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9%20final.txt%22");
	EXPECT_EQ(EncodeUriComponent("a/b"), "a%2Fb");
	EXPECT_EQ(EncodeUriComponent("it's"), "it's");
	EXPECT_EQ(EncodeUriComponent(std::string("a\0b", 3)), "a%00b");
}

TEST(EncodeUriComponent, AppendKeepsExistingText) {
	std::string out = "sig=";
	core::AppendUriComponent(out, "a/b=");
	EXPECT_EQ(out, "sig=a%2Fb%3D");
}

/*
 * Every byte value at every position of a 40-byte string, and random strings
 * of every length to 100, encode exactly as the byte-by-byte reference, also
 * when written into a buffer of exactly EncodedBound bytes.
 */
TEST(EncodeUriComponent, WritersMatchTheByteByByteReference) {
	for (int b = 0; b < 256; b++) {
		for (size_t pos = 0; pos < 40; pos++) {
			std::string s(40, 'a');
			s[pos] = static_cast<char>(b);
			ASSERT_EQ(EncodeUriComponent(s), ByteByByte(s, false)) << "byte " << b << " at " << pos;
			ASSERT_EQ(EncodeBlobPath(s), ByteByByte(s, true)) << "byte " << b << " at " << pos;
		}
	}
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (size_t len = 0; len <= 100; len++) {
		for (int round = 0; round < 50; round++) {
			std::string s;
			for (size_t i = 0; i < len; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				/* Mostly safe bytes, like real names and values, with every byte value possible. */
				const unsigned r = static_cast<unsigned>(x >> 24);
				s.push_back(static_cast<char>(r % 4 != 0 ? 'a' + r % 26 : (r >> 8) & 0xFF));
			}
			ASSERT_EQ(EncodeUriComponent(s), ByteByByte(s, false)) << "length " << len;
			ASSERT_EQ(EncodeBlobPath(s), ByteByByte(s, true)) << "length " << len;
			/* Into a heap block of exactly EncodedBound bytes: ASan (asan-unit) sees any store past it. */
			std::unique_ptr<char[]> exact(new char[core::EncodedBound(len)]);
			const char *begin = exact.get();
			const char *end = core::WriteUriComponent(exact.get(), s);
			ASSERT_EQ(std::string(begin, end), ByteByByte(s, false));
			end = core::WriteBlobPath(exact.get(), s);
			ASSERT_EQ(std::string(begin, end), ByteByByte(s, true));
		}
	}
}

/* Signatures go into URLs as encodeURIComponent(Base64(mac)) in one pass: the same text as the two steps, every length. */
TEST(EncodeUriComponent, Base64InOnePassMatchesTwoSteps) {
	uint64_t x = 0x2545F4914F6CDD1DULL;
	for (size_t len = 0; len <= 64; len++) {
		for (int round = 0; round < 100; round++) {
			std::string data;
			for (size_t i = 0; i < len; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				data.push_back(static_cast<char>(x >> 32));
			}
			const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
			std::unique_ptr<char[]> exact(new char[core::Base64UriComponentBound(len)]);
			const char *begin = exact.get();
			const char *end = core::WriteBase64UriComponent(exact.get(), bytes, len);
			ASSERT_EQ(std::string(begin, end), EncodeUriComponent(Base64Encode(bytes, len))) << "length " << len;
		}
	}
	const unsigned char all_ones[3] = {0xFF, 0xFF, 0xFE}; /* "///+" */
	char out[core::Base64UriComponentBound(3)];
	EXPECT_EQ(std::string(out, core::WriteBase64UriComponent(out, all_ones, 3)), "%2F%2F%2F%2B");
}

/* ---- Blob URL paths: every row of the table in spec §6.1 ---- */

/* Every byte value in a path: as encodeURIComponent, except "/" stays and "'" is encoded (escapeURLPath). */
TEST(EncodeBlobPath, EveryByte) {
	ExpectEveryByte(EncodeBlobPath, "-_.!~*()/");
}

TEST(EncodeBlobPath, SpecTable) {
	const std::pair<const char *, const char *> rows[] = {
	    {"hello.txt", "hello.txt"},
	    {"reports/2024 Q1/r\xC3\xA9sum\xC3\xA9+final#1?.txt", "reports/2024%20Q1/r%C3%A9sum%C3%A9%2Bfinal%231%3F.txt"},
	    {"a'b(c)!~*.txt", "a%27b(c)!~*.txt"},
	    {"x,y;z=w&v@u$t.txt", "x%2Cy%3Bz%3Dw%26v%40u%24t.txt"},
	    {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E/\xE3\x83\x95\xE3\x82\xA1\xE3\x82\xA4\xE3\x83\xAB.txt",
	     "%E6%97%A5%E6%9C%AC%E8%AA%9E/%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.txt"},
	    {"percent%41.txt", "percent%2541.txt"},
	    {"back\\slash.txt", "back%5Cslash.txt"},
	};
	for (const auto &[name, path] : rows) {
		SCOPED_TRACE(name);
		EXPECT_EQ(EncodeBlobPath(name), path);
	}
}

TEST(EncodeBlobPath, SlashesKeptAndEmptySegments) {
	EXPECT_EQ(EncodeBlobPath(""), "");
	EXPECT_EQ(EncodeBlobPath("/"), "/");
	EXPECT_EQ(EncodeBlobPath("a//b"), "a//b");
	EXPECT_EQ(EncodeBlobPath("/lead"), "/lead");
	EXPECT_EQ(EncodeBlobPath("trail/"), "trail/");
	EXPECT_EQ(EncodeBlobPath("dir/sub dir/file.parquet"), "dir/sub%20dir/file.parquet");
	/* Only "'" differs from encodeURIComponent inside a segment. */
	for (int b = 0; b < 256; b++) {
		if (b == '/')
			continue;
		const std::string s(1, static_cast<char>(b));
		SCOPED_TRACE(b);
		EXPECT_EQ(EncodeBlobPath(s), b == '\'' ? std::string("%27") : EncodeUriComponent(s));
	}
	std::string out = "/c/";
	core::AppendBlobPath(out, "a b/c");
	EXPECT_EQ(out, "/c/a%20b/c");
}

/* ---- PercentDecode ---- */

TEST(PercentDecode, Basics) {
	EXPECT_EQ(PercentDecode("", true), "");
	EXPECT_EQ(PercentDecode("%41", false), "A");
	EXPECT_EQ(PercentDecode("x%41y", false), "xAy");
	EXPECT_EQ(PercentDecode("dir%2F", true), "dir/");
	EXPECT_EQ(PercentDecode("dir%2f", true), "dir/");
	EXPECT_EQ(PercentDecode("r%C3%A9sum%C3%A9", false), "r\xC3\xA9sum\xC3\xA9");
	EXPECT_EQ(PercentDecode("%00", false), std::string(1, '\0'));
	EXPECT_EQ(PercentDecode("%FF%ff", false), "\xFF\xFF");
}

TEST(PercentDecode, PlusIsSpaceOnlyInQueries) {
	EXPECT_EQ(PercentDecode("a+b", true), "a b");
	EXPECT_EQ(PercentDecode("a+b", false), "a+b");
	EXPECT_EQ(PercentDecode("a%2Bb", true), "a+b");
	EXPECT_EQ(PercentDecode("a%20b", false), "a b");
}

TEST(PercentDecode, MalformedEscapesStayLiteral) {
	EXPECT_EQ(PercentDecode("%", false), "%");
	EXPECT_EQ(PercentDecode("%4", false), "%4");
	EXPECT_EQ(PercentDecode("ab%4", false), "ab%4");
	EXPECT_EQ(PercentDecode("%G1", false), "%G1");
	EXPECT_EQ(PercentDecode("%1G", false), "%1G");
	EXPECT_EQ(PercentDecode("100%", true), "100%");
	EXPECT_EQ(PercentDecode("%%41", false), "%A");
	/* No double decoding. */
	EXPECT_EQ(PercentDecode("%2541", false), "%41");
}

TEST(PercentDecode, InvertsEncodeUriComponent) {
	const std::string all = AllBytes();
	EXPECT_EQ(PercentDecode(EncodeUriComponent(all), true), all);
	EXPECT_EQ(PercentDecode(EncodeUriComponent(all), false), all);
}

/* ---- Base64 ---- */

TEST(Base64, Rfc4648Vectors) {
	const std::pair<const char *, const char *> rows[] = {
	    {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
	    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	EXPECT_EQ(Base64Encode(""), "");
	for (const auto &[plain, b64] : rows) {
		SCOPED_TRACE(plain);
		EXPECT_EQ(Base64Encode(plain), b64);
		std::string out = "junk";
		ASSERT_TRUE(Base64Decode(b64, out));
		/* Exact length: no bytes for the "=" padding (spec §1.1). */
		EXPECT_EQ(out, plain);
	}
}

TEST(Base64, PaddingPitfallKeys) {
	std::string out;
	ASSERT_TRUE(
	    Base64Decode("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", out));
	EXPECT_EQ(out.size(), 64u); /* EVP_DecodeBlock alone reports 66 */
	EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x11);
	EXPECT_EQ(static_cast<unsigned char>(out[63]), 0x1b);

	ASSERT_TRUE(
	    Base64Decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==", out));
	ASSERT_EQ(out.size(), 64u);
	for (int i = 0; i < 64; i++)
		EXPECT_EQ(static_cast<unsigned char>(out[i]), i);

	ASSERT_TRUE(Base64Decode("//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA=", out));
	ASSERT_EQ(out.size(), 32u);
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(static_cast<unsigned char>(out[i]), 0xFF - i);
}

TEST(Base64, RoundTripAllLengths) {
	const std::string all = AllBytes();
	for (size_t n = 0; n <= all.size(); n++) {
		SCOPED_TRACE(n);
		const std::string data = all.substr(0, n);
		const std::string b64 = Base64Encode(data);
		EXPECT_EQ(b64.size(), 4 * ((n + 2) / 3));
		EXPECT_EQ(b64.find('\n'), std::string::npos);
		if (n == 0)
			continue;
		std::string back;
		ASSERT_TRUE(Base64Decode(b64, back));
		EXPECT_EQ(back, data);
	}
	const unsigned char raw[] = {0xfb, 0xff, 0xbf};
	EXPECT_EQ(Base64Encode(raw, sizeof raw), "+/+/");
}

TEST(Base64, RejectsMalformed) {
	const std::string cases[] = {
	    "",    /* empty */
	    "Zm9", /* length not a multiple of 4 */
	    "Zm9vY",
	    "Zm9vYmE",
	    "Zm9v!A==", /* outside the alphabet */
	    "Zm9-",     /* URL-safe alphabet */
	    "Zm9_",
	    "Zm9v\n",
	    " Zm9v",
	    "Zm 9",
	    "Zg==Zm8=", /* "=" in the middle */
	    "Z=g=",
	    "Zm=v",
	    "=Zm9",
	    "Z===", /* too much padding */
	    "====",
	    std::string("Zm\0v", 4),
	    "Zm9v\xC3\xA9==",
	};
	for (const std::string &c : cases) {
		SCOPED_TRACE(c);
		std::string out;
		EXPECT_FALSE(Base64Decode(c, out));
	}
}

/* ---- UTF-8 ---- */

TEST(Utf8, ValidSequences) {
	const std::string valid[] = {
	    "",
	    "plain ascii",
	    std::string("nul\0inside", 10),
	    "\x7F",
	    "\xC2\x80",         /* U+0080, smallest 2-byte */
	    "\xC3\xA9",         /* é */
	    "\xDF\xBF",         /* U+07FF */
	    "\xE0\xA0\x80",     /* U+0800, smallest 3-byte */
	    "\xE2\x82\xAC",     /* € */
	    "\xED\x9F\xBF",     /* U+D7FF, just below the surrogates */
	    "\xEE\x80\x80",     /* U+E000, just above them */
	    "\xEF\xBF\xBF",     /* U+FFFF */
	    "\xF0\x90\x80\x80", /* U+10000, smallest 4-byte */
	    "\xF0\x9F\x98\x80", /* U+1F600 */
	    "\xF4\x8F\xBF\xBF", /* U+10FFFF, the last code point */
	    "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80z",
	};
	for (const std::string &s : valid) {
		SCOPED_TRACE(s);
		EXPECT_TRUE(IsValidUtf8(s));
	}
}

TEST(Utf8, InvalidSequences) {
	const std::string invalid[] = {
	    "\x80", /* lone continuation */
	    "a\xBF",
	    "\xC0\x80",                 /* overlong NUL */
	    "\xC1\xBF",                 /* overlong U+007F */
	    "\xE0\x80\x80",             /* overlong */
	    "\xE0\x9F\xBF",             /* overlong U+07FF */
	    "\xF0\x80\x80\x80",         /* overlong */
	    "\xF0\x8F\xBF\xBF",         /* overlong U+FFFF */
	    "\xED\xA0\x80",             /* U+D800 surrogate */
	    "\xED\xBF\xBF",             /* U+DFFF surrogate */
	    "\xED\xA0\xBD\xED\xB8\x80", /* CESU-8 surrogate pair */
	    "\xF4\x90\x80\x80",         /* U+110000 */
	    "\xF5\x80\x80\x80",
	    "\xF7\xBF\xBF\xBF",
	    "\xF8\x88\x80\x80\x80",
	    "\xFC\x84\x80\x80\x80\x80",
	    "\xFE",
	    "\xFF",
	    "\xC3",         /* truncated 2-byte */
	    "\xE2\x82",     /* truncated 3-byte */
	    "\xF0\x9F\x98", /* truncated 4-byte */
	    "abc\xF0\x9F",
	    "\xC3(", /* bad continuation */
	    "\xE2\x28\xA1",
	    "\xE2\x82\x28",
	    "\xF0\x9F\x98\x28",
	};
	for (const std::string &s : invalid) {
		SCOPED_TRACE(::testing::PrintToString(s));
		EXPECT_FALSE(IsValidUtf8(s));
	}
}

TEST(Utf8, Length) {
	EXPECT_EQ(Utf8Length(""), 0u);
	EXPECT_EQ(Utf8Length("abc"), 3u);
	EXPECT_EQ(Utf8Length("\xC3\xA9"), 1u);
	EXPECT_EQ(Utf8Length("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), 3u);
	EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1u);
	EXPECT_EQ(Utf8Length("r\xC3\xA9sum\xC3\xA9 \xF0\x9F\x98\x80.txt"), 12u);
	std::string many;
	for (int i = 0; i < 1024; i++)
		many += "\xC3\xA9";
	EXPECT_EQ(many.size(), 2048u);
	EXPECT_EQ(Utf8Length(many), 1024u);
}

} // namespace
} // namespace azure_blob::test
