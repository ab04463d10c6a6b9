/*-------------------------------------------------------------------------
 * sas_validation_test.cpp
 *	  What BuildServiceSas / BuildAccountSas / BuildUserDelegationSas refuse
 *	  to sign (spec §2.5-§2.8, §3, §4), and permission normalisation.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "core/hmac.hpp"
#include "core/rest.hpp"
#include "core/sas.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::SasResource;

const core::HmacSha256 &
Key() {
	static const core::HmacSha256 key("test key");
	return key;
}

/* A valid blob SAS; each test changes one field. */
core::ServiceSasParams
BlobSas() {
	core::ServiceSasParams p;
	p.version = "2025-07-05";
	p.account_name = "myaccount";
	p.container = "data";
	p.blob = "file.txt";
	p.permissions = "r";
	p.start = "2025-01-01T00:00:00Z";
	p.expiry = "2025-01-02T00:00:00Z";
	return p;
}

core::ServiceSasParams
ContainerSas() {
	core::ServiceSasParams p = BlobSas();
	p.resource = SasResource::kContainer;
	p.blob.clear();
	return p;
}

std::string
Sp(const core::ServiceSasParams &p) {
	return core::BuildServiceSas(p, Key()).string_to_sign.substr(0, p.permissions.size() + 1);
}

TEST(ServiceSasValidation, BaselineIsAccepted) {
	EXPECT_NO_THROW(core::BuildServiceSas(BlobSas(), Key()));
	EXPECT_NO_THROW(core::BuildServiceSas(ContainerSas(), Key()));
}

/* ---- Permissions (spec §2.5) ---- */

TEST(ServicePermissions, NormalisedToJsOrder) {
	core::ServiceSasParams p = BlobSas();
	p.permissions = "dwr";
	EXPECT_EQ(Sp(p), "rwd\n");
	EXPECT_NE(core::BuildServiceSas(p, Key()).token.find("&sp=rwd&"), std::string::npos);
	p = ContainerSas();
	p.permissions = "lrw";
	EXPECT_EQ(Sp(p), "rwl\n");
	EXPECT_EQ(core::NormalizeServicePermissions(SasResource::kBlob, "yiemtxdwcar", "2025-07-05"), "racwdxtmeiy");
	EXPECT_EQ(core::NormalizeServicePermissions(SasResource::kContainer, "fyiemtlxdwcar", "2025-07-05"),
	          "racwdxltmeiyf");
	EXPECT_EQ(core::NormalizeServicePermissions(SasResource::kBlob, "", "2025-07-05"), "");
}

TEST(ServicePermissions, RejectsUnknownAndRepeatedLetters) {
	for (const char *bad : {"q", "R", "rr", "rwr", "r w", "r,w", "o", "p", "u", "\n", "r\xC3\xA9"}) {
		SCOPED_TRACE(bad);
		core::ServiceSasParams p = BlobSas();
		p.permissions = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		EXPECT_AZ_ERROR(core::NormalizeServicePermissions(SasResource::kContainer, bad, "2025-07-05"), "22023");
	}
}

TEST(ServicePermissions, BlobSasCannotListOrFilter) {
	for (const char *bad : {"l", "rl", "f", "rf"}) {
		SCOPED_TRACE(bad);
		core::ServiceSasParams p = BlobSas();
		p.permissions = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		/* The same letters are fine on a container SAS. */
		p = ContainerSas();
		p.permissions = bad;
		EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	}
	/* Snapshot and version SAS are blob SAS too. */
	core::ServiceSasParams p = BlobSas();
	p.resource = SasResource::kBlobSnapshot;
	p.snapshot = "2025-01-02T03:04:05.6789012Z";
	p.permissions = "rl";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
}

TEST(ServicePermissions, LettersGatedByVersion) {
	struct Case {
		const char *letter;
		const char *too_old;
		const char *since;
		SasResource resource;
	};
	const Case cases[] = {
	    {"x", "2018-11-09", "2019-10-10", SasResource::kBlob},
	    {"y", "2019-07-07", "2019-10-10", SasResource::kBlob},
	    {"t", "2019-10-10", "2019-12-12", SasResource::kBlob},
	    {"m", "2019-12-12", "2020-02-10", SasResource::kBlob},
	    {"e", "2019-12-12", "2020-02-10", SasResource::kBlob},
	    {"i", "2020-06-12", "2020-08-04", SasResource::kBlob},
	    {"f", "2020-12-06", "2021-04-10", SasResource::kContainer},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.letter);
		EXPECT_AZ_ERROR(core::NormalizeServicePermissions(c.resource, c.letter, c.too_old), "22023");
		EXPECT_EQ(core::NormalizeServicePermissions(c.resource, c.letter, c.since), c.letter);
		core::ServiceSasParams p = c.resource == SasResource::kBlob ? BlobSas() : ContainerSas();
		p.permissions = std::string("r") + c.letter;
		p.version = c.too_old;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		p.version = c.since;
		EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	}
	/* Letters known from the start work at the oldest supported version. */
	EXPECT_EQ(core::NormalizeServicePermissions(SasResource::kContainer, "dwlcar", "2015-04-05"), "racwdl");
}

TEST(ServicePermissions, MissingWithoutPolicy) {
	core::ServiceSasParams p = BlobSas();
	p.permissions.clear();
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22004");
	p.identifier = "policy1";
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
}

/* ---- Times ---- */

TEST(ServiceSasValidation, StartMustPrecedeExpiry) {
	core::ServiceSasParams p = BlobSas();
	p.start = p.expiry;
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p.start = "2025-01-03T00:00:00Z";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p.start = "2025-01-01T23:59:59Z";
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	p.start.clear();
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
}

TEST(ServiceSasValidation, MissingExpiryNeedsIdentifier) {
	core::ServiceSasParams p = BlobSas();
	p.expiry.clear();
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22004");
	p.identifier = "policy1";
	core::SasResult r = core::BuildServiceSas(p, Key());
	EXPECT_EQ(r.token.find("se="), std::string::npos);
	EXPECT_NE(r.token.find("si=policy1"), std::string::npos);
}

TEST(ServiceSasValidation, TimeShape) {
	for (const char *bad :
	     {"2025-01-02", "2025-01-02T00:00:00.000Z", "2025-01-02T00:00Z", "2025-01-02 00:00:00Z", "2025-01-02T00:00:00",
	      "2025-01-02T00:00:00+00:00", "2025-1-02T00:00:00Z", "x025-01-02T00:00:00Z", "2025-01-02T00:00:00Z\n"}) {
		SCOPED_TRACE(bad);
		core::ServiceSasParams p = BlobSas();
		p.expiry = bad;
		p.start.clear();
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		p = BlobSas();
		p.start = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
}

/* ---- Protocol and IP range ---- */

TEST(ServiceSasValidation, Protocol) {
	for (const char *ok : {"", "https", "https,http"}) {
		core::ServiceSasParams p = BlobSas();
		p.protocol = ok;
		EXPECT_NO_THROW(core::BuildServiceSas(p, Key())) << ok;
	}
	for (const char *bad : {"http", "HTTPS", "http,https", "https, http", "https,http,", "ftp", "https\n"}) {
		SCOPED_TRACE(bad);
		core::ServiceSasParams p = BlobSas();
		p.protocol = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
}

TEST(IpRange, Accepts) {
	for (const char *ok : {"0.0.0.0", "255.255.255.255", "10.0.0.1", "0.0.0.0-255.255.255.255", "1.2.3.4-1.2.3.4",
	                       "1.2.3.4-1.2.3.5", "9.255.255.255-10.0.0.0", "100.99.0.10"}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(core::ValidateIpRange(ok));
		core::ServiceSasParams p = BlobSas();
		p.ip_range = ok;
		EXPECT_NE(core::BuildServiceSas(p, Key()).string_to_sign.find(std::string("\n") + ok + "\n"),
		          std::string::npos);
	}
}

TEST(IpRange, Rejects) {
	for (const char *bad : {"",
	                        "1.2.3",
	                        "1.2.3.4.5",
	                        "256.0.0.1",
	                        "1.2.3.256",
	                        "01.2.3.4",
	                        "1.2.3.04",
	                        "1.2.3.4-1.2.3.3",
	                        "10.0.0.0-9.255.255.255",
	                        "::1",
	                        "fe80::1",
	                        "1.2.3.4-",
	                        "-1.2.3.4",
	                        "1.2.3.4-5.6.7.8-9.9.9.9",
	                        "1.2.3.4/24",
	                        " 1.2.3.4",
	                        "1.2.3.4 ",
	                        "1..3.4",
	                        "1.2.3.",
	                        ".1.2.3",
	                        "a.b.c.d",
	                        "1234.1.1.1",
	                        "1.2.3.4\n",
	                        "+1.2.3.4",
	                        "1.2.3.4--1.2.3.5"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(core::ValidateIpRange(bad), "22023");
		if (*bad != '\0') {
			core::ServiceSasParams p = BlobSas();
			p.ip_range = bad;
			EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		}
	}
}

/* ---- Encryption scope (spec §2.7) ---- */

TEST(ServiceSasValidation, EncryptionScopeNeedsVersion20201206) {
	core::ServiceSasParams p = BlobSas();
	p.encryption_scope = "scope1";
	p.version = "2020-10-02";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p.version = "2018-11-09";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p.version = "2020-12-06";
	EXPECT_NE(core::BuildServiceSas(p, Key()).token.find("&ses=scope1&"), std::string::npos);
	for (const char *bad : {"scope 1", "scope%1", "sc\nope", "sc\xC3\xA9"}) {
		SCOPED_TRACE(bad);
		p.encryption_scope = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
	p.encryption_scope = std::string(64, 's');
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
}

/* ---- Stored access policy identifier ---- */

TEST(ServiceSasValidation, Identifier) {
	core::ServiceSasParams p = ContainerSas();
	p.identifier = std::string(64, 'p');
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	for (const std::string &bad : {std::string(65, 'p'), std::string("pol icy"), std::string("pol%41"),
	                               std::string("pol\ticy"), std::string("p\xC3\xA9")}) {
		SCOPED_TRACE(bad);
		p.identifier = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
}

/* ---- Response header overrides (spec §2.8) ---- */

TEST(ServiceSasValidation, OverridesRejectControlCharacters) {
	std::string core::ServiceSasParams::*fields[] = {&core::ServiceSasParams::cache_control,
	                                                 &core::ServiceSasParams::content_disposition,
	                                                 &core::ServiceSasParams::content_encoding,
	                                                 &core::ServiceSasParams::content_language,
	                                                 &core::ServiceSasParams::content_type};
	for (auto field : fields) {
		for (const char *bad : {"text/plain\r\nX-Injected: 1", "text/plain\n", "a/b\x01", "a/b\x7F", "a/\t"}) {
			SCOPED_TRACE(bad);
			core::ServiceSasParams p = BlobSas();
			p.*field = bad;
			EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		}
		core::ServiceSasParams p = BlobSas();
		p.*field = "a/\xC3";
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
		p.*field = "text/plain; charset=utf-8";
		EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	}
}

/* The printable-ASCII fast path reads eight bytes at a time: every byte value at every position of a block and the tail. */
TEST(ServiceSasValidation, OverrideBytesAtEveryPosition) {
	for (int b = 0; b < 256; b++) {
		for (size_t pos = 0; pos < 21; pos++) {
			core::ServiceSasParams p = BlobSas();
			p.cache_control = std::string(21, 'x');
			p.cache_control[pos] = static_cast<char>(b);
			SCOPED_TRACE("byte " + std::to_string(b) + " at " + std::to_string(pos));
			/* One byte >= 0x80 alone is never valid UTF-8. */
			if (b < 0x20 || b >= 0x7F) {
				EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
			} else {
				EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
			}
		}
	}
}

/* The token of v through the one writer, as the SQL glue writes it (checks first, then a buffer of the bound). */
std::string
TokenOf(const core::ServiceSasView &v, std::string &string_to_sign) {
	core::SasFields f;
	core::ServiceSasFields(v, f);
	std::string out(f.TokenBound(), '\0');
	out.resize(static_cast<size_t>(core::WriteSasToken(out.data(), string_to_sign, f, Key()) - out.data()));
	return out;
}

/* Fields a caller marks as validated at their source skip exactly those checks; every other field is still checked. */
TEST(ServiceSasValidation, PrecheckedFieldsSkipOnlyTheirOwnChecks) {
	core::ServiceSasParams params = BlobSas();
	params.account_name = "Not_A_Valid_Name";
	params.container = "Bad_Container";
	core::ServiceSasView v = core::View(params);
	std::string scratch;
	EXPECT_AZ_ERROR(TokenOf(v, scratch), "22023");
	v.prechecked = core::kCheckedAccount;
	EXPECT_AZ_ERROR(TokenOf(v, scratch), "22023"); /* container still checked */
	v.prechecked = core::kCheckedAccount | core::kCheckedContainer | core::kCheckedVersion | core::kCheckedTimes;
	EXPECT_NO_THROW(TokenOf(v, scratch));
	v.blob = "bad/../name/";
	EXPECT_AZ_ERROR(TokenOf(v, scratch), "22023");  /* blob: never prechecked */
	const core::ServiceSasParams valid = BlobSas(); /* the views point into it */
	v = core::View(valid);
	v.prechecked = core::kCheckedAccount | core::kCheckedContainer | core::kCheckedVersion | core::kCheckedTimes;
	v.cache_control = "a\nb";
	EXPECT_AZ_ERROR(TokenOf(v, scratch), "22023");
	v.cache_control = {};
	v.start = v.expiry; /* start must still precede expiry */
	EXPECT_AZ_ERROR(TokenOf(v, scratch), "22023");
}

/* The whole URL: a 63-byte container and a 1,024-character blob name of 4-byte characters fit a buffer of exactly the bound. */
TEST(ServiceSasValidation, UrlBoundHoldsAtTheLimits) {
	core::ServiceSasParams p = BlobSas();
	p.container = std::string(63, 'c');
	p.blob.clear();
	for (int i = 0; i < 1024; i++)
		p.blob += "\xF0\x9F\x98\x80"; /* U+1F600 */
	const core::ServiceSasView v = core::View(p);
	const std::string endpoint = "https://myaccount.blob.core.windows.net";
	core::SasFields f;
	core::ServiceSasFields(v, f);
	const size_t bound = core::ServiceSasUrlBound(endpoint, v, f);
	std::unique_ptr<char[]> exact(new char[bound]);
	std::string scratch;
	const char *end = core::WriteServiceSasUrl(exact.get(), endpoint, v, f, scratch, Key());
	EXPECT_EQ(std::string(static_cast<const char *>(exact.get()), end),
	          core::BlobUrl(endpoint, p.container, p.blob) + "?" + core::BuildServiceSas(p, Key()).token);
	p.blob += "x"; /* 1,025 characters: refused by the checks, before any buffer is sized */
	const core::ServiceSasView w = core::View(p);
	core::SasFields g;
	EXPECT_AZ_ERROR(core::ServiceSasFields(w, g), "22023");
}

/* Options prepared once and passed in the view (the glue's cache) give the same tokens as options checked each time. */
TEST(ServiceSasValidation, PreparedOptionsGiveTheSameTokens) {
	const char *const values[] = {"attachment; filename=\"a b.png\"", "inline", "attachment; filename=\"a b.png\"",
	                              "private, max-age=300", "inline"};
	std::string scratch;
	for (const char *value : values) {
		SCOPED_TRACE(value);
		core::ServiceSasParams p = BlobSas();
		p.content_disposition = value;
		p.cache_control = value;
		p.content_type = "image/png";
		const core::SasResult fresh = core::BuildServiceSas(p, Key());
		core::ServiceSasView v = core::View(p);
		const core::ServiceSasOptions options = core::PrepareServiceSasOptions(v);
		v.options = &options;
		EXPECT_EQ(TokenOf(v, scratch), fresh.token);
		EXPECT_EQ(scratch, fresh.string_to_sign);
	}
	/* Permissions are normalised for the version and resource kind they are prepared for. */
	struct Case {
		const char *version, *letters;
		SasResource resource;
		bool ok;
	};
	const Case cases[] = {{"2025-07-05", "r", SasResource::kBlob, true},
	                      {"2025-07-05", "wr", SasResource::kBlob, true},
	                      {"2025-07-05", "r", SasResource::kBlob, true},
	                      {"2025-07-05", "rl", SasResource::kContainer, true},
	                      {"2025-07-05", "rl", SasResource::kBlob, false},
	                      {"2025-07-05", "ry", SasResource::kBlob, true},
	                      {"2018-11-09", "ry", SasResource::kBlob, false},
	                      {"2018-11-09", "r", SasResource::kBlob, true},
	                      {"2025-07-05", "ry", SasResource::kBlob, true}};
	for (const Case &c : cases) {
		SCOPED_TRACE(std::string(c.version) + " " + c.letters);
		core::ServiceSasParams p = BlobSas();
		p.version = c.version;
		p.permissions = c.letters;
		p.resource = c.resource;
		if (c.resource == SasResource::kContainer)
			p.blob.clear();
		core::ServiceSasView v = core::View(p);
		if (!c.ok) {
			EXPECT_AZ_ERROR(core::PrepareServiceSasOptions(v), "22023");
			continue;
		}
		const core::ServiceSasOptions options = core::PrepareServiceSasOptions(v);
		v.options = &options;
		EXPECT_EQ(TokenOf(v, scratch), core::BuildServiceSas(p, Key()).token);
	}

	/* A value that fails its checks is refused when options are prepared, even right after a good one. */
	core::ServiceSasParams p = BlobSas();
	p.content_type = "image/png";
	const core::ServiceSasOptions good = core::PrepareServiceSasOptions(core::View(p));
	for (const char *bad : {"image/png\r\nX: 1", "imagepng"}) {
		core::ServiceSasParams q = BlobSas();
		q.content_type = bad;
		EXPECT_AZ_ERROR(core::PrepareServiceSasOptions(core::View(q)), "22023");
		EXPECT_EQ(good.content_type, "image%2Fpng");
	}
}

/*
 * The bound of checked fields holds: fields at their limits fit a buffer of
 * exactly the bound (ASan, in asan-unit, sees any store past it), and a field
 * over its limit is refused by the checks, before any buffer is sized.
 */
TEST(ServiceSasValidation, BoundHoldsAtTheLimits) {
	core::ServiceSasParams p = BlobSas();
	p.cache_control = std::string(1024, ' ');
	p.content_disposition = std::string(1024, ';');
	p.content_encoding = std::string(256, '%');
	p.content_language = std::string(256, ',');
	p.content_type = "a/" + std::string(254, '=');
	p.identifier = std::string(64, '+');
	p.ip_range = "255.255.255.255-255.255.255.255";
	p.protocol = "https,http";
	p.permissions = "racwdxytmei";
	p.encryption_scope = std::string(63, 'e');
	const core::ServiceSasView v = core::View(p);
	core::SasFields f;
	core::ServiceSasFields(v, f);
	const size_t bound = f.TokenBound();
	std::string scratch;
	std::unique_ptr<char[]> exact(new char[bound]);
	const char *end = core::WriteSasToken(exact.get(), scratch, f, Key());
	EXPECT_LE(static_cast<size_t>(end - exact.get()), bound);
	EXPECT_EQ(std::string(static_cast<const char *>(exact.get()), end), core::BuildServiceSas(p, Key()).token);

	for (std::string core::ServiceSasParams::*field :
	     {&core::ServiceSasParams::cache_control, &core::ServiceSasParams::content_type,
	      &core::ServiceSasParams::identifier, &core::ServiceSasParams::encryption_scope}) {
		core::ServiceSasParams q = BlobSas();
		q.*field = "a/" + std::string(100000, 'x');
		const core::ServiceSasView w = core::View(q);
		core::SasFields g;
		EXPECT_AZ_ERROR(core::ServiceSasFields(w, g), "22023");
		EXPECT_AZ_ERROR(core::BuildServiceSas(q, Key()), "22023");
	}
}

TEST(ServiceSasValidation, ContentTypeNeedsSlash) {
	core::ServiceSasParams p = BlobSas();
	p.content_type = "textplain";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p.content_type = "text/plain";
	core::SasResult r = core::BuildServiceSas(p, Key());
	EXPECT_NE(r.token.find("&rsct=text%2Fplain&"), std::string::npos);
	EXPECT_EQ(r.string_to_sign.substr(r.string_to_sign.size() - 11), "\ntext/plain");
}

TEST(ServiceSasValidation, OverridesSignedRawEmittedEncoded) {
	core::ServiceSasParams p = BlobSas();
	p.content_disposition = "attachment; filename=\"r\xC3\xA9sum\xC3\xA9 final.txt\"";
	p.content_language = "en-US";
	p.content_encoding = "gzip";
	core::SasResult r = core::BuildServiceSas(p, Key());
	EXPECT_NE(r.string_to_sign.find("\nattachment; filename=\"r\xC3\xA9sum\xC3\xA9 final.txt\"\ngzip\nen-US\n"),
	          std::string::npos);
	EXPECT_NE(r.token.find("&rscd=attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9%20final.txt%22&rsce=gzip&rscl=en-US&"),
	          std::string::npos);
}

/* ---- Names, version, resource ---- */

TEST(ServiceSasValidation, NamesAreValidated) {
	core::ServiceSasParams p = BlobSas();
	p.account_name = "My_Account";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	p = BlobSas();
	p.container = "Data";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	for (const char *bad : {"", "a//b", "a/../b", "back\\slash", "trail/", "a\nb"}) {
		SCOPED_TRACE(bad);
		p = BlobSas();
		p.blob = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
	p = ContainerSas();
	p.blob = "file.txt";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
}

TEST(ServiceSasValidation, Version) {
	for (const char *bad : {"", "2025-7-05", "2025/07/05", "20250705", "2025-07-05 ", "v2025-07-0", "2015-02-21",
	                        "2014-12-31", "abcd-ef-gh"}) {
		SCOPED_TRACE(bad);
		EXPECT_AZ_ERROR(core::ValidateSasVersion(bad), "22023");
		core::ServiceSasParams p = BlobSas();
		p.version = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
	for (const char *ok : {"2015-04-05", "2018-11-09", "2025-07-05", "2026-10-06", core::kDefaultSasVersion}) {
		SCOPED_TRACE(ok);
		EXPECT_NO_THROW(core::ValidateSasVersion(ok));
	}
}

TEST(ServiceSasValidation, SnapshotAndVersionResources) {
	core::ServiceSasParams p = BlobSas();
	p.resource = SasResource::kBlobSnapshot;
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023"); /* no snapshot time */
	p.snapshot = "2025-01-02T03:04:05.6789012Z";
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	p.version = "2018-03-28";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");

	p = BlobSas();
	p.resource = SasResource::kBlobVersion;
	p.snapshot = "2025-01-02T03:04:05.6789012Z";
	EXPECT_NO_THROW(core::BuildServiceSas(p, Key()));
	p.version = "2019-07-07";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");

	/* A plain blob or container SAS carries no snapshot time. */
	p = BlobSas();
	p.snapshot = "2025-01-02T03:04:05.6789012Z";
	EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	/* Snapshot values with spaces, "%" or control characters are refused. */
	for (const char *bad : {"2025-01-02 03:04:05Z", "2025%20", "2025\n"}) {
		SCOPED_TRACE(bad);
		p = BlobSas();
		p.resource = SasResource::kBlobSnapshot;
		p.snapshot = bad;
		EXPECT_AZ_ERROR(core::BuildServiceSas(p, Key()), "22023");
	}
}

/* ---- Account SAS ---- */

core::AccountSasParams
AccountSas() {
	core::AccountSasParams p;
	p.version = "2025-07-05";
	p.account_name = "myaccount";
	p.services = "b";
	p.resource_types = "sco";
	p.permissions = "rl";
	p.expiry = "2030-01-01T00:00:00Z";
	return p;
}

TEST(AccountSasValidation, NormalisesLetterOrder) {
	core::AccountSasParams p = AccountSas();
	p.services = "fqtb";
	p.resource_types = "ocs";
	p.permissions = "yiupcalxwtfdr";
	core::SasResult r = core::BuildAccountSas(p, Key());
	EXPECT_EQ(r.string_to_sign.substr(0, 10 + 14 + 5 + 4), "myaccount\nrwdxftlacupiy\nbtqf\nsco\n");
}

TEST(AccountSasValidation, Rejects) {
	auto expect = [](const char *what, auto change, const char *state) {
		SCOPED_TRACE(what);
		core::AccountSasParams p = AccountSas();
		change(p);
		EXPECT_AZ_ERROR(core::BuildAccountSas(p, Key()), state);
	};
	expect(
	    "unknown service", [](auto &p) { p.services = "bx"; }, "22023");
	expect(
	    "repeated service", [](auto &p) { p.services = "bb"; }, "22023");
	expect(
	    "unknown resource type", [](auto &p) { p.resource_types = "scx"; }, "22023");
	expect(
	    "unknown permission", [](auto &p) { p.permissions = "rq"; }, "22023");
	expect(
	    "repeated permission", [](auto &p) { p.permissions = "rr"; }, "22023");
	expect(
	    "new permission, old version",
	    [](auto &p) {
		    p.permissions = "rx";
		    p.version = "2019-07-07";
	    },
	    "22023");
	expect(
	    "no services", [](auto &p) { p.services.clear(); }, "22004");
	expect(
	    "no resource types", [](auto &p) { p.resource_types.clear(); }, "22004");
	expect(
	    "no permissions", [](auto &p) { p.permissions.clear(); }, "22004");
	expect(
	    "no expiry", [](auto &p) { p.expiry.clear(); }, "22004");
	expect(
	    "bad expiry", [](auto &p) { p.expiry = "2030-01-01"; }, "22023");
	expect(
	    "bad start", [](auto &p) { p.start = "2030-01-01T00:00Z"; }, "22023");
	expect(
	    "bad ip", [](auto &p) { p.ip_range = "1.2.3"; }, "22023");
	expect(
	    "bad protocol", [](auto &p) { p.protocol = "http"; }, "22023");
	expect(
	    "scope, old version",
	    [](auto &p) {
		    p.encryption_scope = "s1";
		    p.version = "2020-10-02";
	    },
	    "22023");
	expect(
	    "bad account", [](auto &p) { p.account_name = "x"; }, "22023");
	expect(
	    "bad version", [](auto &p) { p.version = "2025-07"; }, "22023");
}

/* ---- User delegation SAS ---- */

core::UserDelegationSasParams
UdkSas() {
	core::UserDelegationSasParams u;
	u.base = BlobSas();
	return u;
}

core::UserDelegationKey
Udk() {
	core::UserDelegationKey k;
	k.object_id = "11111111-2222-3333-4444-555555555555";
	k.tenant_id = "66666666-7777-8888-9999-000000000000";
	k.start = "2025-01-01T00:00:00Z";
	k.expiry = "2025-01-08T00:00:00Z";
	k.service = "b";
	k.version = "2025-07-05";
	k.value = "//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA=";
	return k;
}

TEST(UserDelegationSasValidation, Rejects) {
	EXPECT_NO_THROW(core::BuildUserDelegationSas(UdkSas(), Udk()));
	core::UserDelegationSasParams u = UdkSas();
	u.base.identifier = "policy1";
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(u, Udk()), "22023");
	u = UdkSas();
	u.base.version = "2018-03-28";
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(u, Udk()), "22023");
	u = UdkSas();
	u.base.expiry.clear();
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(u, Udk()), "22004");
	u = UdkSas();
	u.base.permissions.clear();
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(u, Udk()), "22004");
	u = UdkSas();
	u.request_headers = {{"x-ms-blob-type", "BlockBlob"}};
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(u, Udk()), "22023"); /* srh needs 2026-04-06 */
	u.base.version = "2026-04-06";
	EXPECT_NO_THROW(core::BuildUserDelegationSas(u, Udk()));
	core::UserDelegationKey k = Udk();
	k.value = "not base64";
	EXPECT_AZ_ERROR(core::BuildUserDelegationSas(UdkSas(), k), "22023");
}

/* Older layouts (spec §4.2): 20 lines before 2020-02-10, 23 before 2020-12-06, 24 before 2025-07-05. */
TEST(UserDelegationSasLayout, LineCountsByVersion) {
	const std::pair<const char *, int> cases[] = {
	    {"2018-11-09", 20}, {"2020-02-10", 23}, {"2020-12-06", 24}, {"2025-07-05", 26}, {"2026-04-06", 28},
	};
	for (const auto &[version, lines] : cases) {
		SCOPED_TRACE(version);
		core::UserDelegationSasParams u = UdkSas();
		u.base.version = version;
		core::SasResult r = core::BuildUserDelegationSas(u, Udk());
		EXPECT_EQ(std::count(r.string_to_sign.begin(), r.string_to_sign.end(), '\n') + 1, lines);
	}
}

} // namespace
} // namespace azure_blob::test
