#include "common/time.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace brokkr {
namespace {

std::tm to_utc_tm(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's civil algorithm).
long long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

std::string format_rfc3339(sys_time t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  const std::tm tm = to_utc_tm(secs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string format_rfc3339_millis(sys_time t) {
  const auto secs_tp = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t - secs_tp).count();
  const std::tm tm = to_utc_tm(std::chrono::system_clock::to_time_t(secs_tp));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::optional<sys_time> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!read_int(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !read_int(s, 5, 2, mo) ||
      s[7] != '-' || !read_int(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) || s[16] != ':' ||
      !read_int(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t pos = 19;
  std::chrono::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long long scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += std::chrono::nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  long long offset_secs = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    // "+02:00", and PostgreSQL's own "+00" / "+0530" forms.
    int oh = 0, om = 0;
    if (!read_int(s, pos + 1, 2, oh)) return std::nullopt;
    size_t next = pos + 3;
    if (next < s.size() && s[next] == ':') ++next;
    if (next < s.size()) {
      if (!read_int(s, next, 2, om)) return std::nullopt;
      next += 2;
    }
    offset_secs = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos = next;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const long long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const long long secs = days * 86400 + h * 3600 + mi * 60 + se - offset_secs;
  return sys_time(std::chrono::duration_cast<sys_time::duration>(std::chrono::seconds(secs) + frac));
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (s.size() > 12) return std::nullopt;
    return std::chrono::milliseconds(std::stoll(std::string(s)) * 1000);
  }
  double total_ms = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.'))
      ++pos;
    if (pos == start || pos - start > 15) return std::nullopt;
    // Digits with at most one '.', and at least one digit: "." or "1.2.3" would make stod throw
    // or stop early, and durations come from peers (a Build's timeout).
    const std::string_view number = s.substr(start, pos - start);
    const auto dots = static_cast<size_t>(std::count(number.begin(), number.end(), '.'));
    if (dots > 1 || dots == number.size()) return std::nullopt;
    const double value = std::stod(std::string(number));
    size_t ustart = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    const std::string_view unit = s.substr(ustart, pos - ustart);
    double factor;
    if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "m") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else return std::nullopt;
    total_ms += value * factor;
  }
  if (total_ms > 1e15) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(total_ms + 0.5));
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms % 1000 != 0 && ms < 1000) return out + std::to_string(ms) + "ms";
  long long secs = ms / 1000;
  const long long h = secs / 3600, m = (secs % 3600) / 60, s = secs % 60;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || (!h && !m)) out += std::to_string(s) + "s";
  return out;
}

}  // namespace brokkr
