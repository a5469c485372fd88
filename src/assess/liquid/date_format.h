// The `date` filter's machinery: python-dateutil's parser for date strings
// (date_parse.cc) and Python's datetime.strftime on top of glibc strftime
// (`%-d` works; `%z`, `%Z` and `%f` are expanded as Python does).
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
  std::string tz_name;  // `%Z` of a fixed offset (dateutil's tzoffset)
};

// dateutil.parser.parse(s) on today at midnight (UTC); nullopt where it
// raises ParserError. Throws FatalError for its OverflowError.
std::optional<ParsedDate> parse_date(std::string_view s);
std::string py_strftime(const ParsedDate& d, std::string_view format);
// datetime.fromtimestamp in UTC.
ParsedDate from_timestamp(double ts);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_DATE_FORMAT_H_
