/*
 * bench/core/core_bench.cpp: the clever pieces of the signing core, each
 * timed with and without itself in the same run (Google Benchmark,
 * interleaved repetitions; compare the medians of a pair, never absolute
 * times across runs).  Built by CMake when libbenchmark-dev is installed:
 *
 *   cmake -S . -B build && cmake --build build --target core_bench
 *   taskset -c 1 build/core_bench --benchmark_repetitions=7 \
 *       --benchmark_enable_random_interleaving --benchmark_report_aggregates_only
 *
 * Rows: a read URL with row (a)'s options (bench/config.json) with the
 * glue's last-value cache of the option fields (src/signing_functions.cpp)
 * and without it; the two times formatted per URL and remembered; the bare
 * HMAC of a 173-byte message for scale.  (Its first version also timed an
 * SSE2 percent-encoder against the byte-table loop; the numbers are in
 * src/core/encoding.cpp, where the SSE2 version was removed.)
 */
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/encoding.hpp"
#include "core/hmac.hpp"
#include "core/sas.hpp"
#include "core/time_format.hpp"

using namespace azure_blob::core;

namespace {

const HmacSha256 &
Key() {
	static const HmacSha256 key(std::string(64, 'k'));
	return key;
}

ServiceSasView
RowAView(std::string_view blob, std::string_view start, std::string_view expiry) {
	ServiceSasView v;
	v.version = "2025-07-05";
	v.account_name = "benchacct";
	v.container = "uploads";
	v.blob = blob;
	v.permissions = "r";
	v.start = start;
	v.expiry = expiry;
	v.protocol = "https";
	v.content_type = "image/png";
	v.content_disposition = "attachment; filename=\"photo.png\"";
	v.cache_control = "private, max-age=300";
	v.prechecked = kCheckedVersion | kCheckedAccount | kCheckedContainer | kCheckedTimes;
	return v;
}

constexpr std::string_view kEndpoint = "https://benchacct.blob.core.windows.net";

} // namespace

/* Row (a)'s URL, option fields checked and encoded by PrepareServiceSasOptions once (the glue's cache) or per URL. */
void
UrlWithOptions(benchmark::State &state, bool cached) {
	const std::string start = "2026-01-01T00:00:00Z", expiry = "2030-01-01T00:00:00Z";
	std::string name = "photo-500000.png", sts;
	std::unique_ptr<char[]> buf(new char[4096]);
	ServiceSasView first = RowAView(name, start, expiry);
	const ServiceSasOptions kept = PrepareServiceSasOptions(first);
	unsigned n = 0;
	for (auto _ : state) {
		name[6] = static_cast<char>('0' + (n++ % 10)); /* a different name per URL, as in row (a) */
		ServiceSasView v = RowAView(name, start, expiry);
		if (cached) {
			v.options = &kept;
			SasFields f;
			ServiceSasFields(v, f);
			benchmark::DoNotOptimize(WriteServiceSasUrl(buf.get(), kEndpoint, v, f, sts, Key()));
		} else {
			const ServiceSasOptions fresh = PrepareServiceSasOptions(v);
			v.options = &fresh;
			SasFields f;
			ServiceSasFields(v, f);
			benchmark::DoNotOptimize(WriteServiceSasUrl(buf.get(), kEndpoint, v, f, sts, Key()));
		}
	}
}
BENCHMARK_CAPTURE(UrlWithOptions, options_cached, true);
BENCHMARK_CAPTURE(UrlWithOptions, options_each_url, false);

/* The start and expiry text of one URL: formatted per URL, or compared with the last seconds (the glue's TimeText). */
void
TwoTimes(benchmark::State &state, bool cached) {
	char text[2][20];
	int64_t last[2] = {-1, -1};
	const int64_t secs[2] = {1767225600, 1893456000};
	for (auto _ : state) {
		for (int i = 0; i < 2; i++) {
			int64_t t = secs[i];
			benchmark::DoNotOptimize(t);
			if (!cached || t != last[i]) {
				WriteIso8601(text[i], t);
				last[i] = t;
			}
		}
		benchmark::DoNotOptimize(text);
	}
}
BENCHMARK_CAPTURE(TwoTimes, formatted_each_url, false);
BENCHMARK_CAPTURE(TwoTimes, remembered, true);

/* For scale: the HMAC of a 173-byte message (row (e)'s length). */
void
Hmac173(benchmark::State &state) {
	const std::string message(173, 'm');
	unsigned char mac[32];
	for (auto _ : state) {
		Key().Sign(message, mac);
		benchmark::DoNotOptimize(mac);
	}
}
BENCHMARK(Hmac173);

BENCHMARK_MAIN();
