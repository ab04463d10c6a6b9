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

/* Days since 1970-01-01 of a proleptic Gregorian date (the inverse of the conversion above). */
int64_t
DaysFromCivil(int64_t y, unsigned m, unsigned d) {
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
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

std::optional<int64_t>
ParseRfc1123(std::string_view t) {
	/* "Www, DD Mon YYYY hh:mm:ss GMT": fixed width, English names. */
	static const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (t.size() != 29 || t.substr(3, 2) != ", " || t.substr(25) != " GMT" || t[7] != ' ' || t[11] != ' ' ||
	    t[16] != ' ' || t[19] != ':' || t[22] != ':')
		return std::nullopt;
	auto num = [&](size_t pos, size_t len, int64_t *out) {
		int64_t v = 0;
		for (size_t i = pos; i < pos + len; i++) {
			if (t[i] < '0' || t[i] > '9')
				return false;
			v = v * 10 + (t[i] - '0');
		}
		*out = v;
		return true;
	};
	int64_t day, year, hour, minute, second;
	if (!num(5, 2, &day) || !num(12, 4, &year) || !num(17, 2, &hour) || !num(20, 2, &minute) || !num(23, 2, &second))
		return std::nullopt;
	static const char *const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	bool weekday = false;
	for (const char *d : kDays)
		weekday = weekday || t.substr(0, 3) == d;
	unsigned month = 0;
	for (unsigned i = 0; i < 12; i++)
		if (t.substr(8, 3) == kMonths[i])
			month = i + 1;
	static const int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (!weekday || month == 0 || day < 1 || day > kMonthDays[month - 1] || (month == 2 && day == 29 && !leap) ||
	    hour > 23 || minute > 59 || second > 59)
		return std::nullopt;
	return DaysFromCivil(year, month, static_cast<unsigned>(day)) * 86400 + hour * 3600 + minute * 60 + second;
}

} // namespace azure_blob::core
