/*-------------------------------------------------------------------------
 * time_format.cpp
 *	  Locale-free time formatting.
 *
 * Converts a Unix time to a civil date with Howard Hinnant's days-from-civil
 * inverse (public domain algorithm), so neither strftime (LC_TIME) nor
 * gmtime (range limits, tz state) is on the signing path.
 *-------------------------------------------------------------------------
 */
#include "core/time_format.hpp"

#include "core/error.hpp"
#include "core/no_postgres.hpp"

namespace azure_blob::core {

namespace {

struct Civil {
	int64_t year;
	unsigned month, day, hour, minute, second, weekday;
};

Civil
ToCivil(int64_t t) {
	if (t < kMinUnixSeconds || t > kMaxUnixSeconds)
		ThrowInvalid("timestamp out of range for a SAS token", "Azure accepts years 0001 to 9999 only.");
	int64_t days = t / 86400;
	int64_t secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days -= 1;
	}
	Civil c {};
	c.hour = static_cast<unsigned>(secs / 3600);
	c.minute = static_cast<unsigned>(secs % 3600 / 60);
	c.second = static_cast<unsigned>(secs % 60);
	/* 1970-01-01 was a Thursday (4). */
	c.weekday = static_cast<unsigned>(((days % 7) + 11) % 7);
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	c.day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
	c.month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
	c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
	return c;
}

void
Put(std::string &out, unsigned v, int width) {
	char buf[4];
	for (int i = width - 1; i >= 0; i--) {
		buf[i] = static_cast<char>('0' + v % 10);
		v /= 10;
	}
	out.append(buf, static_cast<size_t>(width));
}

char *
Digits(char *p, unsigned v, int width) {
	for (int i = width - 1; i >= 0; i--) {
		p[i] = static_cast<char>('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

} // namespace

void
WriteIso8601(char out[20], int64_t unix_seconds) {
	Civil c = ToCivil(unix_seconds);
	char *p = Digits(out, static_cast<unsigned>(c.year), 4);
	*p++ = '-';
	p = Digits(p, c.month, 2);
	*p++ = '-';
	p = Digits(p, c.day, 2);
	*p++ = 'T';
	p = Digits(p, c.hour, 2);
	*p++ = ':';
	p = Digits(p, c.minute, 2);
	*p++ = ':';
	p = Digits(p, c.second, 2);
	*p = 'Z';
}

void
AppendIso8601(std::string &out, int64_t unix_seconds) {
	char buf[20];
	WriteIso8601(buf, unix_seconds);
	out.append(buf, sizeof(buf));
}

std::string
FormatIso8601(int64_t unix_seconds) {
	std::string out;
	out.reserve(20);
	AppendIso8601(out, unix_seconds);
	return out;
}

std::string
FormatRfc1123(int64_t unix_seconds) {
	static const char *const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	Civil c = ToCivil(unix_seconds);
	std::string out;
	out.reserve(29);
	out.append(kDays[c.weekday]);
	out.append(", ");
	Put(out, c.day, 2);
	out.push_back(' ');
	out.append(kMonths[c.month - 1]);
	out.push_back(' ');
	Put(out, static_cast<unsigned>(c.year), 4);
	out.push_back(' ');
	Put(out, c.hour, 2);
	out.push_back(':');
	Put(out, c.minute, 2);
	out.push_back(':');
	Put(out, c.second, 2);
	out.append(" GMT");
	return out;
}

} // namespace azure_blob::core
