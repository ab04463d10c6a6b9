/*-------------------------------------------------------------------------
 * vectors.cpp
 *	  Loads test/unit/data/vectors.json, and checks the file itself: every
 *	  section the spec lists is present with exactly its vectors, so a
 *	  section that lost its vectors fails here instead of silently producing
 *	  zero parameterised tests.
 *-------------------------------------------------------------------------
 */
#include "vectors.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace azure_blob::test {

const VectorFile &
LoadVectorFile() {
	static const VectorFile file = [] {
		VectorFile f;
		std::ifstream in(AZURE_BLOB_VECTORS);
		if (!in) {
			f.error = std::string("cannot open ") + AZURE_BLOB_VECTORS;
			return f;
		}
		try {
			f.root = Json::parse(in);
		} catch (const std::exception &e) {
			f.error = std::string("cannot parse ") + AZURE_BLOB_VECTORS + ": " + e.what();
			f.root = Json();
		}
		return f;
	}();
	return file;
}

std::vector<Vector>
Section(const std::string &name) {
	std::vector<Vector> out;
	const Json &root = LoadVectorFile().root;
	if (!root.is_object() || !root.contains(name) || !root[name].is_array())
		return out;
	for (const Json &v : root[name]) {
		std::string id = v.contains("id") && v["id"].is_string() ? v["id"].get<std::string>() : std::string();
		out.push_back({id, v});
	}
	return out;
}

std::string
SasTime(const std::string &iso) {
	/* JS toISOString always gives milliseconds; the SDK's truncatedISO8061Date drops them. */
	if (iso.size() == 24 && iso.compare(19, 5, ".000Z") == 0)
		return iso.substr(0, 19) + "Z";
	ADD_FAILURE() << "unexpected time format in vectors.json: " << iso;
	return iso;
}

std::string
Str(const Json &obj, const char *key) {
	if (!obj.contains(key))
		return {};
	if (!obj[key].is_string()) {
		ADD_FAILURE() << "field \"" << key << "\" is not a string";
		return {};
	}
	return obj[key].get<std::string>();
}

namespace {

std::vector<std::string>
Ids(const std::string &section) {
	std::vector<std::string> ids;
	for (const Vector &v : Section(section))
		ids.push_back(v.id);
	return ids;
}

TEST(VectorFile, Loads) {
	const VectorFile &f = LoadVectorFile();
	ASSERT_TRUE(f.error.empty()) << f.error;
	ASSERT_TRUE(f.root.is_object());
	EXPECT_EQ(f.root.value("sdk", ""), "@azure/storage-blob 12.32.0");
	EXPECT_EQ(f.root.value("sdkDefaultServiceVersion", ""), "2026-04-06");
}

/* Every section holds exactly the vectors of spec Appendix A: none missing, none empty. */
TEST(VectorFile, SectionsHoldEveryVector) {
	EXPECT_EQ(Ids("service"), (std::vector<std::string> {"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"}));
	EXPECT_EQ(Ids("account"), (std::vector<std::string> {"A1", "A2", "A3"}));
	EXPECT_EQ(Ids("udk"), (std::vector<std::string> {"U1", "U2", "U3"}));
	EXPECT_EQ(Ids("sharedKey"),
	          (std::vector<std::string> {"K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K10", "K11"}));
}

TEST(VectorFile, EveryVectorHasExpectedResults) {
	for (const char *section : {"service", "account", "udk"}) {
		for (const Vector &v : Section(section)) {
			SCOPED_TRACE(v.id);
			EXPECT_FALSE(Str(v.data, "stringToSign").empty());
			EXPECT_EQ(Str(v.data, "signature").size(), 44u);
			EXPECT_FALSE(Str(v.data, "sasToken").empty());
			EXPECT_TRUE(v.data.contains("input") && v.data["input"].is_object());
		}
	}
	for (const Vector &v : Section("sharedKey")) {
		SCOPED_TRACE(v.id);
		EXPECT_EQ(Str(v.data, "authorization").rfind("SharedKey ", 0), 0u);
		EXPECT_TRUE(v.data.contains("headersSent") && v.data["headersSent"].is_object());
	}
}

TEST(VectorFile, SasTimeTruncatesMilliseconds) {
	EXPECT_EQ(SasTime("2025-01-01T00:00:00.000Z"), "2025-01-01T00:00:00Z");
	EXPECT_EQ(SasTime("2025-06-01T12:30:45.000Z"), "2025-06-01T12:30:45Z");
	EXPECT_NONFATAL_FAILURE(SasTime("2025-06-01T12:30:45.123Z"), "unexpected time format");
}

} // namespace
} // namespace azure_blob::test
