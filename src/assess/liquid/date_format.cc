#include "assess/liquid/date_format.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "core/case.h"

namespace lyn::liquid {

namespace {

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool valid(const DateTime& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month) && d.hour >= 0 && d.hour < 24 && d.minute >= 0 &&
         d.minute < 60 && d.second >= 0 && d.second < 60;
}

int month_from_name(const std::string& w) {
  static const char* kMonths[] = {"january",   "february", "march",    "april",
                                  "may",       "june",     "july",     "august",
                                  "september", "october",  "november", "december"};
  for (int i = 0; i < 12; ++i) {
    std::string full = kMonths[i];
    if (w == full ||
        (w.size() >= 3 && full.compare(0, w.size(), w) == 0 && w.size() <= full.size()))
      return i + 1;
    if (w == "sept" && i == 8) return 9;
  }
  return 0;
}

bool is_weekday(const std::string& w) {
  static const char* kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                "friday", "saturday", "sunday"};
  for (const char* d : kDays) {
    std::string full = d;
    if (w == full || (w.size() >= 3 && full.compare(0, w.size(), w) == 0)) return true;
  }
  return w == "tues" || w == "thur" || w == "thurs";
}

struct Tok {
  enum Kind { kNum, kWord, kSep } kind;
  std::string text;
};

std::vector<Tok> tokenize(std::string_view s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t j = i + 1;
    if (std::isdigit(c)) {
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back({Tok::kNum, std::string(s.substr(i, j - i))});
    } else if (std::isalpha(c)) {
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back({Tok::kWord, std::string(s.substr(i, j - i))});
    } else if (std::isspace(c)) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back({Tok::kSep, " "});
    } else {
      out.push_back({Tok::kSep, std::string(1, static_cast<char>(c))});
    }
    i = j;
  }
  return out;
}

}  // namespace

std::optional<ParsedDate> parse_date(std::string_view s) {
  std::vector<Tok> toks = tokenize(s);
  ParsedDate pd;
  DateTime& d = pd.dt;
  std::time_t now = std::time(nullptr);
  std::tm today{};
  gmtime_r(&now, &today);
  int year = -1, month = -1, day = -1;
  bool have_time = false, pm = false, am = false;
  std::vector<int> nums;  // date numbers without a role yet
  std::vector<size_t> num_len;
  bool any = false;
  for (size_t i = 0; i < toks.size(); ++i) {
    const Tok& t = toks[i];
    if (t.kind == Tok::kSep) {
      if (t.text == " " || t.text == "," || t.text == "-" || t.text == "/" || t.text == "." ||
          t.text == "T")
        continue;
      if ((t.text == "+" || t.text == "-") && have_time) continue;
      return std::nullopt;
    }
    if (t.kind == Tok::kWord) {
      std::string w = ascii_lower(t.text);
      if (w == "t" && i + 1 < toks.size() && toks[i + 1].kind == Tok::kNum) continue;
      if (w == "z" || w == "utc" || w == "gmt") {
        pd.dt.has_tz = true;
        pd.dt.tz_offset_seconds = 0;
        pd.is_utc = true;
        continue;
      }
      if (w == "am" || w == "a") {
        am = true;
        continue;
      }
      if (w == "pm" || w == "p") {
        pm = true;
        continue;
      }
      if (w == "at" || w == "of" || w == "on" || w == "the" || w == "st" || w == "nd" ||
          w == "rd" || w == "th")
        continue;
      if (is_weekday(w)) continue;
      int m = month_from_name(w);
      if (m == 0 || month != -1) return std::nullopt;
      month = m;
      any = true;
      continue;
    }
    // A number: time, offset, or date part.
    bool colon_next =
        i + 2 < toks.size() && toks[i + 1].text == ":" && toks[i + 2].kind == Tok::kNum;
    bool offset = i > 0 && (toks[i - 1].text == "+" || toks[i - 1].text == "-") && have_time;
    if (offset) {
      int sign = toks[i - 1].text == "-" ? -1 : 1;
      int hh = 0, mm = 0;
      if (t.text.size() == 4) {
        hh = std::atoi(t.text.substr(0, 2).c_str());
        mm = std::atoi(t.text.substr(2).c_str());
      } else {
        hh = std::atoi(t.text.c_str());
        if (colon_next) {
          mm = std::atoi(toks[i + 2].text.c_str());
          i += 2;
        }
      }
      pd.dt.has_tz = true;
      pd.dt.tz_offset_seconds = sign * (hh * 3600 + mm * 60);
      pd.is_utc = pd.dt.tz_offset_seconds == 0;
      continue;
    }
    if (colon_next && !have_time) {
      have_time = true;
      d.hour = std::atoi(t.text.c_str());
      d.minute = std::atoi(toks[i + 2].text.c_str());
      i += 2;
      if (i + 2 < toks.size() && toks[i + 1].text == ":" && toks[i + 2].kind == Tok::kNum) {
        d.second = std::atoi(toks[i + 2].text.c_str());
        i += 2;
        if (i + 2 < toks.size() && (toks[i + 1].text == "." || toks[i + 1].text == ",") &&
            toks[i + 2].kind == Tok::kNum) {
          std::string f = toks[i + 2].text.substr(0, 6);
          while (f.size() < 6) f += '0';
          d.microsecond = std::atoi(f.c_str());
          i += 2;
        }
      }
      continue;
    }
    if (t.text.size() == 8 && nums.empty() && year == -1) {  // YYYYMMDD
      year = std::atoi(t.text.substr(0, 4).c_str());
      month = std::atoi(t.text.substr(4, 2).c_str());
      day = std::atoi(t.text.substr(6, 2).c_str());
      any = true;
      continue;
    }
    if (t.text.size() > 4) return std::nullopt;
    nums.push_back(std::atoi(t.text.c_str()));
    num_len.push_back(t.text.size());
    any = true;
  }
  if (!any) return std::nullopt;
  // Assign roles to the bare numbers, as dateutil does (month first).
  std::vector<int> rest;
  for (size_t k = 0; k < nums.size(); ++k) {
    if ((num_len[k] == 4 || nums[k] > 31) && year == -1)
      year = nums[k];
    else
      rest.push_back(nums[k]);
  }
  if (month != -1 && day == -1) {
    if (rest.size() >= 1) day = rest[0];
    if (rest.size() >= 2 && year == -1) year = rest[1] < 100 ? 2000 + rest[1] : rest[1];
    if (rest.size() > 2) return std::nullopt;
  } else if (month == -1) {
    if (rest.size() == 2 && year != -1) {
      // ISO order when the year came first, else month/day.
      if (!nums.empty() && (num_len[0] == 4 || nums[0] > 31)) {
        month = rest[0];
        day = rest[1];
      } else if (rest[0] > 12) {
        day = rest[0];
        month = rest[1];
      } else {
        month = rest[0];
        day = rest[1];
      }
    } else if (rest.size() == 3 && year == -1) {
      if (rest[0] > 12) {
        day = rest[0];
        month = rest[1];
      } else {
        month = rest[0];
        day = rest[1];
      }
      year = rest[2] < 100 ? 2000 + rest[2] : rest[2];
    } else if (rest.size() == 1 && year != -1) {
      month = rest[0];
    } else if (!(rest.empty() && (year != -1 || have_time))) {
      return std::nullopt;
    }
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  d.year = year != -1 ? year : today.tm_year + 1900;
  d.month = month != -1 ? month : today.tm_mon + 1;
  d.day = day != -1 ? day : today.tm_mday;
  if (pm && d.hour < 12) d.hour += 12;
  if (am && d.hour == 12) d.hour = 0;
  if (!valid(d)) return std::nullopt;
  return pd;
}

ParsedDate from_timestamp(double ts) {
  std::time_t t = static_cast<std::time_t>(std::floor(ts));
  std::tm tm{};
  gmtime_r(&t, &tm);
  ParsedDate pd;
  pd.dt.year = tm.tm_year + 1900;
  pd.dt.month = tm.tm_mon + 1;
  pd.dt.day = tm.tm_mday;
  pd.dt.hour = tm.tm_hour;
  pd.dt.minute = tm.tm_min;
  pd.dt.second = tm.tm_sec;
  pd.dt.microsecond = static_cast<int>(std::round((ts - std::floor(ts)) * 1e6));
  if (pd.dt.microsecond >= 1000000) pd.dt.microsecond = 999999;
  return pd;
}

std::string py_strftime(const ParsedDate& pd, std::string_view format) {
  const DateTime& d = pd.dt;
  std::string fmt;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 >= format.size()) {
      fmt += format[i];
      continue;
    }
    char c = format[i + 1];
    if (c == 'z') {
      if (d.has_tz) {
        int off = d.tz_offset_seconds;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%c%02d%02d", off < 0 ? '-' : '+', std::abs(off) / 3600,
                      (std::abs(off) % 3600) / 60);
        fmt += buf;
      }
      ++i;
    } else if (c == 'Z') {
      if (pd.is_utc) fmt += "UTC";
      ++i;
    } else if (c == 'f') {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%06d", d.microsecond);
      fmt += buf;
      ++i;
    } else {
      fmt += '%';
      fmt += c;
      ++i;
    }
  }
  std::tm tm{};
  tm.tm_year = d.year - 1900;
  tm.tm_mon = d.month - 1;
  tm.tm_mday = d.day;
  tm.tm_hour = d.hour;
  tm.tm_min = d.minute;
  tm.tm_sec = d.second;
  std::tm norm = tm;
  std::time_t t = timegm(&norm);
  std::tm full{};
  gmtime_r(&t, &full);
  tm.tm_wday = full.tm_wday;
  tm.tm_yday = full.tm_yday;
  tm.tm_isdst = 0;
  if (fmt.empty()) return "";
  std::string out(fmt.size() * 4 + 64, '\0');
  // A leading marker distinguishes an empty result from a too-small buffer.
  std::string marked = "\x01" + fmt;
  size_t n = std::strftime(out.data(), out.size(), marked.c_str(), &tm);
  if (n == 0) return "";
  out.resize(n);
  return out.substr(1);
}

}  // namespace lyn::liquid
