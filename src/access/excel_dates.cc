#include "access/excel_dates.h"

#include <cmath>

#include "core/case.h"
#include "core/value.h"

namespace lyn::access {

namespace {

void civil_from_days(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

const int64_t kEpoch1900 = days_from_civil(1899, 12, 30);
const int64_t kEpoch1904 = days_from_civil(1904, 1, 1);

}  // namespace

DateTime excel_serial_to_datetime(double serial, bool date1904) {
  if (!date1904 && serial > 0 && serial < 60) serial += 1;
  double day = std::floor(serial);
  int64_t ms = std::llround((serial - day) * 86400000.0);
  int64_t days = static_cast<int64_t>(day) + ms / 86400000;
  ms %= 86400000;
  DateTime dt;
  civil_from_days((date1904 ? kEpoch1904 : kEpoch1900) + days, dt.year, dt.month, dt.day);
  dt.hour = static_cast<int>(ms / 3600000);
  ms %= 3600000;
  dt.minute = static_cast<int>(ms / 60000);
  ms %= 60000;
  dt.second = static_cast<int>(ms / 1000);
  dt.microsecond = static_cast<int>(ms % 1000) * 1000;
  return dt;
}

double excel_serial(int y, int mo, int d, int h, int mi, int s, int us) {
  int64_t days =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) - kEpoch1900;
  if (days > 0 && days < 61) days -= 1;
  return static_cast<double>(days) + (h * 3600.0 + mi * 60.0 + s + us / 1e6) / 86400.0;
}

bool is_excel_date_format(std::string_view code) {
  // Date/time if it has d, m, y, h or s outside quotes, brackets and escapes.
  bool in_quote = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (in_quote) {
      if (c == '"') in_quote = false;
      continue;
    }
    if (c == '"')
      in_quote = true;
    else if (c == '\\' || c == '_' || c == '*')
      ++i;
    else if (c == '[') {
      size_t e = code.find(']', i);
      std::string_view inner = code.substr(i + 1, e == std::string_view::npos ? 0 : e - i - 1);
      if (!inner.empty() && (inner[0] == 'h' || inner[0] == 'm' || inner[0] == 's' ||
                             inner[0] == 'H' || inner[0] == 'M' || inner[0] == 'S'))
        return true;  // elapsed time
      if (e == std::string_view::npos) break;
      i = e;
    } else {
      char l = ascii_lower(c);
      if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') return true;
      if (l == 'g' && code.substr(i).size() >= 7) {
        if (ascii_iequals(code.substr(i, 7), "general")) i += 6;
      }
    }
  }
  return false;
}

bool is_builtin_excel_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
}

}  // namespace lyn::access
