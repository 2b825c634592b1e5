#include "cairn/catalog/iso_time.h"

#include <cstdio>

namespace cairn::catalog {
namespace {

// Reads exactly n digits at text[pos]; advances pos.
bool read_digits(std::string_view text, size_t& pos, int n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

}  // namespace

Expected<TimePoint> parse_iso_time(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorCode::invalid_input,
                      "not an ISO-8601 time: '" + std::string(text) + "' (expected e.g. 2024-05-01T12:00:00Z)");
  };
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d))
    return bad();
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo), std::chrono::day(d)};
  if (!ymd.ok()) return bad();
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return bad();
    ++pos;
    if (!read_digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':' ||
        !read_digits(text, pos, 2, mi))
      return bad();
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, s)) return bad();
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) ms = ms * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return bad();
        for (int i = digits; i < 3; ++i) ms *= 10;
      }
    }
    if (h > 23 || mi > 59 || s > 60) return bad();
    if (pos < text.size()) {
      char z = text[pos];
      if (z == 'Z' || z == 'z') {
        ++pos;
      } else if (z == '+' || z == '-') {
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(text, pos, 2, oh)) return bad();
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (!read_digits(text, pos, 2, om) || oh > 23 || om > 59) return bad();
        offset_minutes = (z == '+' ? 1 : -1) * (oh * 60 + om);
      } else {
        return bad();
      }
    }
  }
  if (pos != text.size()) return bad();
  using namespace std::chrono;
  TimePoint t = time_point_cast<milliseconds>(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) +
                milliseconds(ms) - minutes(offset_minutes);
  return t;
}

std::string format_iso_time(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd(day);
  auto rest = t - day;
  long long total_ms = rest.count();
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), total_ms / 3600000, total_ms / 60000 % 60,
                total_ms / 1000 % 60, total_ms % 1000);
  return buf;
}

TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace cairn::catalog
