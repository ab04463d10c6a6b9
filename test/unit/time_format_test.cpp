/*-------------------------------------------------------------------------
 * time_format_test.cpp
 *	  FormatIso8601 / FormatRfc1123 (spec §1.2).  Fixed answers were taken
 *	  from Python's datetime; the whole range 0001-9999 is also walked day by
 *	  day against a naive calendar, and sampled against glibc's gmtime_r.
 *-------------------------------------------------------------------------
 */
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <string>

#include "core/time_format.hpp"
#include "test_support.hpp"

namespace azure_blob::test {
namespace {

using core::FormatIso8601;
using core::FormatRfc1123;

struct Known {
	int64_t t;
	const char *iso;
	const char *rfc;
};

const Known kKnown[] = {
    {0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"},
    {-1, "1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 GMT"},
    {1704067200, "2024-01-01T00:00:00Z", "Mon, 01 Jan 2024 00:00:00 GMT"},
    {1735689600, "2025-01-01T00:00:00Z", "Wed, 01 Jan 2025 00:00:00 GMT"},
    {1893456000, "2030-01-01T00:00:00Z", "Tue, 01 Jan 2030 00:00:00 GMT"},
    {1709210096, "2024-02-29T12:34:56Z", "Thu, 29 Feb 2024 12:34:56 GMT"},
    {1709251200, "2024-03-01T00:00:00Z", "Fri, 01 Mar 2024 00:00:00 GMT"},
    {951868799, "2000-02-29T23:59:59Z", "Tue, 29 Feb 2000 23:59:59 GMT"},
    {-2203891201, "1900-02-28T23:59:59Z", "Wed, 28 Feb 1900 23:59:59 GMT"},
    {-2203891200, "1900-03-01T00:00:00Z", "Thu, 01 Mar 1900 00:00:00 GMT"},
    {-11670976372, "1600-02-29T06:07:08Z", "Tue, 29 Feb 1600 06:07:08 GMT"},
    {2147483648, "2038-01-19T03:14:08Z", "Tue, 19 Jan 2038 03:14:08 GMT"},
    {-62135596800, "0001-01-01T00:00:00Z", "Mon, 01 Jan 0001 00:00:00 GMT"},
    {253402300799, "9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 GMT"},
};

TEST(TimeFormat, KnownAnswers) {
	for (const Known &k : kKnown) {
		SCOPED_TRACE(k.t);
		EXPECT_EQ(FormatIso8601(k.t), k.iso);
		EXPECT_EQ(FormatRfc1123(k.t), k.rfc);
	}
}

TEST(TimeFormat, BoundsMatchConstants) {
	EXPECT_EQ(FormatIso8601(core::kMinUnixSeconds), "0001-01-01T00:00:00Z");
	EXPECT_EQ(FormatIso8601(core::kMaxUnixSeconds), "9999-12-31T23:59:59Z");
}

TEST(TimeFormat, OutOfRangeThrows) {
	for (int64_t t : {core::kMinUnixSeconds - 1, core::kMaxUnixSeconds + 1, std::numeric_limits<int64_t>::min(),
	                  std::numeric_limits<int64_t>::max(), int64_t {-62167219200} /* 0000-01-01 */,
	                  int64_t {253402300800} /* 10000-01-01 */}) {
		SCOPED_TRACE(t);
		EXPECT_AZ_ERROR(FormatIso8601(t), "22023");
		EXPECT_AZ_ERROR(FormatRfc1123(t), "22023");
		std::string out = "keep";
		EXPECT_AZ_ERROR(core::AppendIso8601(out, t), "22023");
	}
}

TEST(TimeFormat, WeekdayNames) {
	const char *names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	for (int i = 0; i < 7; i++) {
		SCOPED_TRACE(i);
		/* 2024-01-01 was a Monday. */
		EXPECT_EQ(FormatRfc1123(1704067200 + i * 86400).substr(0, 5), std::string(names[i]) + ", ");
		/* Same weekday a multiple of 7 days earlier, across the epoch. */
		EXPECT_EQ(FormatRfc1123(1704067200 + i * 86400 - 7 * 86400 * 3000).substr(0, 3), names[i]);
	}
}

TEST(TimeFormat, MonthNames) {
	const char *names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	const int64_t firsts[] = {1704067200, 1706745600, 1709251200, 1711929600, 1714521600, 1717200000,
	                          1719792000, 1722470400, 1725148800, 1727740800, 1730419200, 1733011200};
	for (int m = 0; m < 12; m++) {
		SCOPED_TRACE(m);
		EXPECT_EQ(FormatRfc1123(firsts[m]).substr(5, 11), std::string("01 ") + names[m] + " 2024");
		char iso[64];
		std::snprintf(iso, sizeof iso, "2024-%02d-01T00:00:00Z", m + 1);
		EXPECT_EQ(FormatIso8601(firsts[m]), iso);
	}
}

TEST(TimeFormat, AppendIso8601Appends) {
	std::string out = "se=";
	core::AppendIso8601(out, 0);
	EXPECT_EQ(out, "se=1970-01-01T00:00:00Z");
}

/* Every day from 0001-01-01 to 9999-12-31 against a naive calendar walk. */
TEST(TimeFormat, EveryDayAgainstNaiveCalendar) {
	static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	static const char *const kWeek[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	int year = 1, month = 1, day = 1, weekday = 0; /* 0001-01-01 was a Monday (proleptic Gregorian) */
	int failures = 0;
	for (int64_t t = core::kMinUnixSeconds; t <= core::kMaxUnixSeconds && failures < 5; t += 86400) {
		char iso[64];
		std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00Z", year, month, day);
		std::string got = FormatIso8601(t);
		std::string rfc = FormatRfc1123(t + 86399);
		if (got != iso || rfc.compare(0, 3, kWeek[weekday]) != 0 || rfc.compare(17, 8, "23:59:59") != 0) {
			ADD_FAILURE() << "t=" << t << " expected " << iso << " (" << kWeek[weekday] << "), got " << got << " / "
			              << rfc;
			failures++;
		}
		bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
		int len = month == 2 && leap ? 29 : kDays[month - 1];
		weekday = (weekday + 1) % 7;
		if (++day > len) {
			day = 1;
			if (++month > 12) {
				month = 1;
				year++;
			}
		}
	}
	EXPECT_EQ(failures, 0);
	EXPECT_EQ(year, 10000); /* the walk ended exactly after 9999-12-31 */
}

/* Random seconds against glibc's gmtime_r (64-bit time_t handles years 1-9999). */
TEST(TimeFormat, RandomSecondsAgainstGmtime) {
	static_assert(sizeof(time_t) >= 8, "needs 64-bit time_t");
	std::mt19937_64 rng(20250101);
	std::uniform_int_distribution<int64_t> dist(core::kMinUnixSeconds, core::kMaxUnixSeconds);
	for (int i = 0; i < 20000; i++) {
		const int64_t t = dist(rng);
		const time_t tt = static_cast<time_t>(t);
		struct tm tm {};
		ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
		char iso[64];
		std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		              tm.tm_hour, tm.tm_min, tm.tm_sec);
		ASSERT_EQ(FormatIso8601(t), iso) << "t=" << t;
		static const char *const kWeek[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
		ASSERT_EQ(FormatRfc1123(t).substr(0, 3), kWeek[tm.tm_wday]) << "t=" << t;
		ASSERT_EQ(FormatRfc1123(t).size(), 29u);
	}
}

TEST(ParseRfc1123, KnownDatesAndMalformed) {
	EXPECT_EQ(core::ParseRfc1123("Mon, 01 Jan 2024 00:00:00 GMT"), 1704067200);
	EXPECT_EQ(core::ParseRfc1123("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	EXPECT_EQ(core::ParseRfc1123("Thu, 29 Feb 2024 23:59:59 GMT"), 1709251199);
	for (const char *bad : {"", "Mon, 01 Jan 2024 00:00:00 UTC", "Mon, 1 Jan 2024 00:00:00 GMT",
	                        "Mon, 01 Foo 2024 00:00:00 GMT", "Mon, 01 Jan 2024 24:00:00 GMT", "2024-01-01T00:00:00Z"})
		EXPECT_FALSE(core::ParseRfc1123(bad).has_value()) << bad;
}

} // namespace
} // namespace azure_blob::test
