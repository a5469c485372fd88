// The `date` filter's machinery: a dateutil-like parser for the date
// strings found in data (ISO dates and datetimes with `Z` or an offset,
// `March 5, 2024`, `5 Mar 2024 10:00`, `2024/03/05`, `03/05/2024`) and
// Python's datetime.strftime on top of glibc strftime (`%-d` works; `%z`,
// `%Z` and `%f` are expanded as Python does).
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_DATE_FORMAT_H_
#define LYNGUINE_ASSESS_LIQUID_DATE_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"

namespace lyn::liquid {

struct ParsedDate {
  DateTime dt;
  bool is_utc = false;  // dateutil's tzutc(): `%Z` gives "UTC"
};

std::optional<ParsedDate> parse_date(std::string_view s);
std::string py_strftime(const ParsedDate& d, std::string_view format);
// datetime.fromtimestamp in UTC.
ParsedDate from_timestamp(double ts);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_DATE_FORMAT_H_
