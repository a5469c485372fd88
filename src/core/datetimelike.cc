#include "core/datetimelike.h"

#include <cstdio>
#include <optional>
#include <string_view>

#include "core/column.h"  // days_from_civil, civil_from_days

namespace lyn {

namespace {

// The strings pandas' datetime inference reads as NaT.
bool nat_string(const Value& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.as_string();
  return s.empty() || s == "NaT" || s == "nat" || s == "NAT" || s == "nan" || s == "NaN" ||
         s == "NAN";
}

// Up to `max` digits (at least `min`) at s[i], as a number.
std::optional<int> digits(std::string_view s, size_t& i, size_t min, size_t max) {
  size_t start = i;
  int n = 0;
  while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s[i++] - '0');
  if (i - start < min) return std::nullopt;
  return n;
}

// An ISO 8601 datetime as numpy's parser (pandas' string_to_dts) reads it:
// YYYY, YYYY-M[M], YYYY-M[M]-D[D] or YYYYMMDD, then optionally 'T' or ' '
// and H[H][:MM[:SS[.fraction]]], then optionally 'Z' or a UTC offset
// (+HH, +HH:MM, +HHMM).
std::optional<DateTime> parse_iso(std::string_view s) {
  DateTime d;
  size_t i = 0;
  auto y = digits(s, i, 4, 4);
  if (!y) return std::nullopt;
  d.year = *y;
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') {  // YYYYMMDD
    auto m = digits(s, i, 2, 2);
    auto dd = digits(s, i, 2, 2);
    if (!m || !dd) return std::nullopt;
    d.month = *m;
    d.day = *dd;
  } else if (i < s.size() && s[i] == '-') {
    ++i;
    auto m = digits(s, i, 1, 2);
    if (!m) return std::nullopt;
    d.month = *m;
    if (i < s.size() && s[i] == '-') {
      ++i;
      auto dd = digits(s, i, 1, 2);
      if (!dd) return std::nullopt;
      d.day = *dd;
    }
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 ||
      civil_from_days(days_from_civil(d.year, d.month, d.day)).day != d.day)
    return std::nullopt;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ') && i + 1 < s.size()) {
    ++i;
    auto h = digits(s, i, 1, 2);
    if (!h || *h > 23) return std::nullopt;
    d.hour = *h;
    if (i < s.size() && s[i] == ':') {
      ++i;
      auto mi = digits(s, i, 2, 2);
      if (!mi || *mi > 59) return std::nullopt;
      d.minute = *mi;
      if (i < s.size() && s[i] == ':') {
        ++i;
        auto se = digits(s, i, 2, 2);
        if (!se || *se > 59) return std::nullopt;
        d.second = *se;
        if (i < s.size() && s[i] == '.') {
          ++i;
          size_t start = i;
          int us = 0;
          while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (i - start < 6) us = us * 10 + (s[i] - '0');
            ++i;
          }
          if (i == start) return std::nullopt;
          for (size_t k = i - start; k < 6; ++k) us *= 10;
          d.microsecond = us;
        }
      }
    }
    if (i < s.size() && s[i] == 'Z') {
      ++i;
      d.has_tz = true;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      const int sign = s[i++] == '-' ? -1 : 1;
      auto oh = digits(s, i, 2, 2);
      if (!oh || *oh > 23) return std::nullopt;
      int om = 0;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        auto m = digits(s, i, 2, 2);
        if (!m || *m > 59) return std::nullopt;
        om = *m;
      }
      d.has_tz = true;
      d.tz_offset_seconds = sign * (*oh * 3600 + om * 60);
    }
  }
  if (i != s.size()) return std::nullopt;
  return d;
}

// The same instant shown `offset` seconds east of UTC (a naive time is
// read as UTC).
DateTime at_offset(DateTime d, int offset) {
  int64_t secs = days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.minute * 60 +
                 d.second + offset - (d.has_tz ? d.tz_offset_seconds : 0);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  Date c = civil_from_days(days);
  d.year = c.year;
  d.month = c.month;
  d.day = c.day;
  d.hour = static_cast<int>(rem / 3600);
  d.minute = static_cast<int>(rem % 3600 / 60);
  d.second = static_cast<int>(rem % 60);
  d.has_tz = true;
  d.tz_offset_seconds = offset;
  return d;
}

std::string dtype_name(bool has_tz, int off) {
  if (!has_tz) return "datetime64[ns]";
  if (off == 0) return "datetime64[ns, UTC]";
  int a = off < 0 ? -off : off;
  char buf[40];
  std::snprintf(buf, sizeof buf, "datetime64[ns, UTC%c%02d:%02d]", off < 0 ? '-' : '+', a / 3600,
                a % 3600 / 60);
  return buf;
}

}  // namespace

std::string infer_datetimelike(std::vector<Value>& values) {
  const DateTime* first = nullptr;
  bool others = false;  // dates or text to convert
  // Text with a UTC offset sets the column's offset (pandas names it
  // pytz.FixedOffset(minutes)); it cannot meet text without one.
  bool text_naive = false, text_offset = false, offsets_differ = false;
  int text_off = 0;
  // pandas looks at three strings at most: when the third comes before any
  // datetime, the column is not datetime-like.
  int strings = 0;
  for (const auto& v : values) {
    if (v.is_string() && ++strings == 3 && !first) return "";
    if (v.is_null() || v.is_nan() || nat_string(v)) continue;
    if (v.is_date()) {
      others = true;
      continue;
    }
    if (v.is_string()) {
      auto d = parse_iso(v.as_string());
      if (!d) return "";
      others = true;
      if (!d->has_tz) {
        text_naive = true;
      } else {
        if (text_offset && d->tz_offset_seconds != text_off) return "";
        text_offset = true;
        text_off = d->tz_offset_seconds;
      }
      continue;
    }
    if (!v.is_datetime()) return "";
    const DateTime& d = v.as_datetime();
    if (!first) first = &d;
    if (d.has_tz != first->has_tz) return others ? "" : "object";
    if (d.has_tz && d.tz_offset_seconds != first->tz_offset_seconds) offsets_differ = true;
  }
  if (!first) return "";
  if (text_offset && text_naive) return "";
  if (offsets_differ) return others ? "" : "object";
  const bool has_tz = text_offset || first->has_tz;
  const int off = text_offset ? text_off : first->tz_offset_seconds;
  for (auto& v : values) {
    if (v.is_null() || v.is_nan() || nat_string(v)) {
      v = Value::nan();  // NaT
      continue;
    }
    DateTime d;
    if (v.is_datetime()) {
      d = v.as_datetime();
    } else if (v.is_date()) {
      d.year = v.as_date().year;
      d.month = v.as_date().month;
      d.day = v.as_date().day;
    } else {
      d = *parse_iso(v.as_string());
    }
    v = Value(has_tz ? at_offset(d, off) : d);
  }
  if (text_offset && off != 0)
    return "datetime64[ns, pytz.FixedOffset(" + std::to_string(off / 60) + ")]";
  return dtype_name(has_tz, off);
}

}  // namespace lyn
