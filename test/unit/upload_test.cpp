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
#include <string_view>

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
	ASSERT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
	               reinterpret_cast<const unsigned char *>(msg.data()), msg.size(), mac, &mac_len),
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
	for (const char *bad : {"", "a.txt", "00000000-0000-4000-8000-000000000000",
	                        "00000000-0000-4000-8000-000000000000-", "00000000-0000-4000-8000-000000000000x.txt",
	                        "0000000-00000-4000-8000-000000000000-a.txt", "g0000000-0000-4000-8000-000000000000-a.txt"})
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

/* ---- Layout v2: uuid version 8 binding user, file name and content type (upload.hpp) ---- */

const unsigned char kRandomV2[5] = {0xA1, 0xB2, 0xC3, 0xD4, 0xE5};

std::string
V2(std::string_view user, std::string_view file, std::string_view type, const unsigned char *r = kRandomV2) {
	return core::MakeIssuedUploadName(Secret(), user, r, file, type);
}

/* HMAC-SHA256 under the test secret, computed by OpenSSL's one-shot HMAC(). */
std::string
RefHmac(const std::string &msg) {
	const std::string key(32, '\x42');
	unsigned char mac[32];
	unsigned int mac_len = 0;
	EXPECT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
	               reinterpret_cast<const unsigned char *>(msg.data()), msg.size(), mac, &mac_len),
	          nullptr);
	return std::string(reinterpret_cast<const char *>(mac), 32);
}

/* The bits of a byte string, most significant first, as '0'/'1'. */
std::string
Bits(const std::string &bytes, size_t count) {
	std::string out;
	for (size_t i = 0; i < count; i++)
		out += (static_cast<unsigned char>(bytes[i / 8]) >> (7 - i % 8)) & 1 ? '1' : '0';
	return out;
}

/* The uuid text of 128 bits given as '0'/'1'. */
std::string
UuidOfBits(const std::string &bits) {
	static const char kHex[] = "0123456789abcdef";
	std::string out;
	for (size_t nibble = 0; nibble < 32; nibble++) {
		if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20)
			out += '-';
		int v = 0;
		for (size_t k = 0; k < 4; k++)
			v = v * 2 + (bits[nibble * 4 + k] - '0');
		out += kHex[v];
	}
	return out;
}

/*
 * The stored format, rebuilt from its description in upload.hpp with an
 * independent implementation: bit strings, OpenSSL's HMAC(), the documented
 * messages and positions.  Names issued by 1.1 must verify after any upgrade.
 */
TEST(MakeIssuedUploadNameV2, LayoutIsFixed) {
	const std::string user = "user_123", file = "report.pdf";
	const std::string r(reinterpret_cast<const char *>(kRandomV2), 5);
	std::string tmsg = "azT2";
	tmsg += std::string("\0\0\0\x08", 4) + user + r + std::string("\0\0\0\x0a", 4) + file + "image/png";
	const std::string t = Bits(RefHmac(tmsg), 41);
	/* T as 6 bytes: 7 zero bits, then its 41 bits. */
	const std::string t_field = "0000000" + t;
	std::string t_bytes;
	for (size_t i = 0; i < 48; i += 8) {
		int v = 0;
		for (size_t k = 0; k < 8; k++)
			v = v * 2 + (t_field[i + k] - '0');
		t_bytes.push_back(static_cast<char>(v));
	}
	std::string umsg = "azU2";
	umsg += std::string("\0\0\0\x08", 4) + user + r + t_bytes + file;
	const std::string u = Bits(RefHmac(umsg), 41);
	const std::string bits = Bits(r, 40) + u.substr(0, 8) + "1000" + u.substr(8, 12) + "10" + u.substr(20, 21) + t;
	ASSERT_EQ(bits.size(), 128u);
	const std::string expected = UuidOfBits(bits) + "-report.pdf";
	EXPECT_EQ(V2(user, file, "image/png"), expected);
	/* Parameters and case of the declared type are not part of the MAC. */
	EXPECT_EQ(V2(user, file, "Image/PNG; name=x"), expected);
	/* Shape: the random bytes first, version 8, RFC variant. */
	EXPECT_EQ(expected.substr(0, 10), "a1b2c3d4-e");
	EXPECT_EQ(expected[14], '8');
	EXPECT_TRUE(expected[19] == '8' || expected[19] == '9' || expected[19] == 'a' || expected[19] == 'b') << expected;
}

/* A fixed answer, so that a change to both the code and the test above still shows up here. */
TEST(MakeIssuedUploadNameV2, KnownAnswer) {
	EXPECT_EQ(V2("user_123", "report.pdf", "image/png"), V2("user_123", "report.pdf", "image/png"));
	const std::string name = V2("user_123", "report.pdf", "image/png");
	EXPECT_EQ(name, "a1b2c3d4-e505-8cab-8e45-567ddb249450-report.pdf");
}

TEST(CheckIssuedUploadName, TellsLayouts) {
	const std::string v1 = core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "a.txt");
	const std::string v2 = V2("user_123", "a.txt", "text/plain");
	EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", v1), core::IssuedUpload::kIssuedV1);
	EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", v2), core::IssuedUpload::kIssuedV2);
	EXPECT_TRUE(core::IsIssuedUploadName(Secret(), "user_123", v1));
	EXPECT_TRUE(core::IsIssuedUploadName(Secret(), "user_123", v2));
	for (const std::string &name : {v1, v2}) {
		EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_124", name), core::IssuedUpload::kNotIssued);
		EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "", name), core::IssuedUpload::kNotIssued);
		EXPECT_EQ(core::CheckIssuedUploadName(core::HmacSha256(std::string(32, '\x43')), "user_123", name),
		          core::IssuedUpload::kNotIssued);
		EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", name.substr(0, 37) + "b.txt"),
		          core::IssuedUpload::kNotIssued);
	}
	/* A v1 name relabelled as v2 (and back) does not verify. */
	std::string v1_as_v2 = v1, v2_as_v1 = v2;
	v1_as_v2[14] = '8';
	v2_as_v1[14] = '4';
	EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", v1_as_v2), core::IssuedUpload::kNotIssued);
	EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", v2_as_v1), core::IssuedUpload::kNotIssued);
	/* Other versions and variants are not issued names. */
	for (char version : {'0', '1', '3', '5', '7', '9', 'f'}) {
		std::string other = v2;
		other[14] = version;
		EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", other), core::IssuedUpload::kNotIssued);
	}
	for (char variant : {'0', '7', 'c', 'f'}) {
		std::string other = v2;
		other[19] = variant;
		EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", other), core::IssuedUpload::kNotIssued);
	}
}

TEST(CheckIssuedUploadName, EveryBitOfV2Counts) {
	const std::string name = V2("user_123", "photo.png", "image/png");
	/* Any change to the uuid breaks issuance (the user MAC covers the type MAC too) and the type check. */
	for (size_t i = 0; i < 36; i++) {
		if (name[i] == '-')
			continue;
		for (int flip = 1; flip < 16; flip <<= 1) {
			std::string altered = name;
			const char kHex[] = "0123456789abcdef";
			const int v = name[i] >= 'a' ? name[i] - 'a' + 10 : name[i] - '0';
			altered[i] = kHex[v ^ flip];
			/* uuid bit of this nibble bit: nibble index (without dashes) * 4 + offset. */
			const size_t nibble = i - (i > 8) - (i > 13) - (i > 18) - (i > 23);
			const size_t bit = nibble * 4 + (flip == 8 ? 0 : flip == 4 ? 1 : flip == 2 ? 2 : 3);
			SCOPED_TRACE(::testing::Message() << "uuid bit " << bit);
			EXPECT_EQ(core::CheckIssuedUploadName(Secret(), "user_123", altered), core::IssuedUpload::kNotIssued);
			EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", altered, "image/png"));
		}
	}
}

TEST(UploadTypeMatches, BindsTheMediaType) {
	const std::string name = V2("user_123", "photo.png", "image/png");
	EXPECT_TRUE(core::UploadTypeMatches(Secret(), "user_123", name, "image/png"));
	/* What a browser or Azure may send instead: case, parameters, spaces. */
	for (const char *same :
	     {"IMAGE/PNG", "Image/Png", "image/png; charset=binary", "image/png ;x=1", " image/png ", "\timage/png\t;q"}) {
		SCOPED_TRACE(same);
		EXPECT_TRUE(core::UploadTypeMatches(Secret(), "user_123", name, same));
	}
	for (const char *other : {"text/html", "text/html; charset=utf-8", "image/svg+xml", "image/pngx", "image/pn",
	                          "image/png/x", "imagepng", "application/octet-stream", "", ";image/png", "image/ png"}) {
		SCOPED_TRACE(other);
		EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", name, other));
	}
	/* Issued with parameters: matched on the media type alone. */
	const std::string text = V2("user_123", "notes.txt", "text/plain; charset=utf-8");
	EXPECT_TRUE(core::UploadTypeMatches(Secret(), "user_123", text, "text/plain"));
	EXPECT_TRUE(core::UploadTypeMatches(Secret(), "user_123", text, "text/plain;charset=ISO-8859-1"));
	EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", text, "text/html; charset=utf-8"));
}

TEST(UploadTypeMatches, WrongUserFileSecretOrLayout) {
	const std::string name = V2("user_123", "photo.png", "image/png");
	EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_124", name, "image/png"));
	EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_12", name, "image/png"));
	EXPECT_FALSE(core::UploadTypeMatches(core::HmacSha256(std::string(32, '\x43')), "user_123", name, "image/png"));
	EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", name.substr(0, 37) + "photo.svg", "image/png"));
	/* A v1 name binds no type: never a match (callers check the layout first). */
	const std::string v1 = core::MakeIssuedUploadName(Secret(), "user_123", kRandom, "photo.png");
	EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", v1, "image/png"));
	for (const char *bad : {"", "photo.png", "a1b2c3d4-e5xx-8xxx-8xxx-xxxxxxxxxxxx-photo.png"})
		EXPECT_FALSE(core::UploadTypeMatches(Secret(), "user_123", bad, "image/png"));
}

TEST(MakeIssuedUploadNameV2, DiffersByEveryInput) {
	const std::string base = V2("user_123", "a.txt", "text/plain");
	const unsigned char other_random[5] = {0xA1, 0xB2, 0xC3, 0xD4, 0xE6};
	/* Uuid bits 40-83 (text characters 11-22 and 24) hold only user MAC bits, and 88-127 (26-35) only type MAC bits. */
	const auto user_mac = [](const std::string &n) { return n.substr(11, 12) + n[24]; };
	EXPECT_NE(user_mac(V2("user_124", "a.txt", "text/plain")), user_mac(base));
	EXPECT_NE(user_mac(V2("user_123", "a.txt", "text/plain", other_random)), user_mac(base));
	EXPECT_NE(user_mac(V2("user_123", "b.txt", "text/plain")), user_mac(base));
	/* It covers the type MAC too, so it changes with the type. */
	EXPECT_NE(user_mac(V2("user_123", "a.txt", "text/html")), user_mac(base));
	/* The type MAC (last 41 bits) changes with the media type. */
	EXPECT_NE(V2("user_123", "a.txt", "text/html").substr(26, 10), base.substr(26, 10));
	EXPECT_EQ(V2("user_123", "a.txt", "TEXT/plain; charset=utf-8"), base);
	/* Length prefixes: moving bytes between user and file, or file and type, changes the name. */
	EXPECT_NE(V2("user_1", "23a.txt", "text/plain").substr(0, 36), V2("user_12", "3a.txt", "text/plain").substr(0, 36));
}

TEST(MakeIssuedUploadNameV2, ChecksItsInputs) {
	for (const char *bad : {"", "dir/file.txt", "file.", "a\nb", "\xC3",
	                        "a\xE2\x80\xAE"
	                        "b"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(V2("u", bad, "text/plain"), "22023");
	}
	for (const char *bad : {"", "text", "text/", "text/plain\r\n", "t\xC3\xA9xt/plain"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(V2("u", "a.txt", bad), "22023");
	}
	EXPECT_EQ(V2("u", std::string(987, 'f'), "text/plain").size(), 1024u);
	EXPECT_AZ_ERROR(V2("u", std::string(988, 'f'), "text/plain"), "22023");
}

TEST(NormalizeMediaType, DropsParametersAndCase) {
	EXPECT_EQ(core::NormalizeMediaType("Text/HTML; charset=UTF-8"), "text/html");
	EXPECT_EQ(core::NormalizeMediaType("  image/svg+xml  "), "image/svg+xml");
	EXPECT_EQ(core::NormalizeMediaType("a/b;"), "a/b");
	EXPECT_EQ(core::NormalizeMediaType(""), "");
	EXPECT_EQ(core::NormalizeMediaType("; charset=utf-8"), "");
	EXPECT_EQ(core::NormalizeMediaType("text/\x01"), "");
	EXPECT_EQ(core::NormalizeMediaType("text/h\xC3\xA9"), "");
	EXPECT_EQ(core::NormalizeMediaType("a/" + std::string(253, 'b')).size(), 255u);
	EXPECT_EQ(core::NormalizeMediaType("a/" + std::string(254, 'b')), "");
}

TEST(IsActiveContentType, ScriptAndDocumentTypes) {
	for (const char *active :
	     {"text/html", "TEXT/HTML; charset=utf-8", "application/xhtml+xml", "image/svg+xml", "text/xml",
	      "application/xml", "application/rss+xml", "application/mathml+xml", "application/xslt+xml", "text/xsl",
	      "application/xml-dtd", "text/xml-external-parsed-entity", "text/javascript", "text/javascript1.5",
	      "application/javascript", "application/x-javascript", "application/ecmascript", "text/ecmascript",
	      "text/jscript", "text/livescript", "text/x-ecmascript", "multipart/x-mixed-replace; boundary=x",
	      "multipart/related", "message/rfc822", "unknown/unknown", "application/unknown", "*/*", "text/*",
	      "application/x-shockwave-flash", "text/x-component",
	      /* Nothing to go by: a browser would sniff. */
	      "", " ", ";", "html", "text/", "/html", "text/h\xC3\xA9"}) {
		SCOPED_TRACE(active);
		EXPECT_TRUE(core::IsActiveContentType(active));
	}
}

TEST(IsActiveContentType, PassiveTypes) {
	for (const char *passive : {"image/png",
	                            "image/jpeg",
	                            "IMAGE/GIF",
	                            "image/webp",
	                            "application/pdf",
	                            "application/octet-stream",
	                            "text/plain",
	                            "text/plain; charset=utf-8",
	                            "text/csv",
	                            "text/css",
	                            "application/json",
	                            "application/zip",
	                            "video/mp4",
	                            "audio/mpeg",
	                            "font/woff2",
	                            "application/vnd.ms-excel",
	                            "application/xmlx",
	                            "text/htmlx",
	                            "application/json+xmlish",
	                            "image/svg"}) {
		SCOPED_TRACE(passive);
		EXPECT_FALSE(core::IsActiveContentType(passive));
	}
}

/*
 * A browser reads Content-Type as a comma-separated list and uses its last
 * type (WHATWG Fetch, "extract a MIME type"): "image/png;,text/html" is HTML,
 * though its media type before the first ";" is image/png.  Served inline
 * (rsct) by a read URL, it would be a page on the storage account's origin.
 */
TEST(IsActiveContentType, HeaderListsAreActive) {
	for (const char *list : {"image/png;,text/html", "image/png; a=b, text/html", "image/png; x=\",\",text/html",
	                         "text/plain;charset=utf-8,image/svg+xml"}) {
		SCOPED_TRACE(list);
		EXPECT_TRUE(core::IsActiveContentType(list));
	}
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
