#include "assess/liquid/date_format.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "core/case.h"

namespace lyn::liquid {

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
      if (pd.is_utc)
        fmt += "UTC";
      else if (d.has_tz)
        fmt += pd.tz_name;
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
