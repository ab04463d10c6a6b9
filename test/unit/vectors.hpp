/*-------------------------------------------------------------------------
 * vectors.hpp
 *	  Access to test/unit/data/vectors.json (azure-sas-spec.md Appendix A),
 *	  the known answers produced by @azure/storage-blob 12.32.0.
 *
 * The file's path comes from the AZURE_BLOB_VECTORS compile definition.
 * Loading never throws: a missing or malformed file yields empty sections,
 * and the VectorFile tests then fail with the reason.
 *-------------------------------------------------------------------------
 */
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

#ifndef AZURE_BLOB_VECTORS
#error "AZURE_BLOB_VECTORS must name test/unit/data/vectors.json"
#endif

namespace azure_blob::test {

using Json = nlohmann::ordered_json;

/* One vector of one section; the id ("S1", "K11", ...) names the test instance. */
struct Vector {
	std::string id;
	Json data;
};

/* gtest prints parameters with this instead of dumping raw bytes. */
inline void
PrintTo(const Vector &v, std::ostream *os) {
	*os << v.id;
}

struct VectorFile {
	Json root;
	std::string error; /* empty when the file loaded */
};

/* The parsed file, loaded once. */
const VectorFile &LoadVectorFile();

/* The vectors of one section ("service", "account", "udk", "sharedKey"); empty if absent. */
std::vector<Vector> Section(const std::string &name);

/* "2025-01-01T00:00:00.000Z" (JS Date.toISOString) -> "2025-01-01T00:00:00Z", as the SDK truncates. */
std::string SasTime(const std::string &iso);

/* The string value of key in obj, or "" if absent. Records a failure if present but not a string. */
std::string Str(const Json &obj, const char *key);

} // namespace azure_blob::test
