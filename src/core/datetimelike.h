// pandas 1.5's datetime inference for a column of Python objects
// (maybe_infer_to_datetimelike, as DataFrame construction applies it to
// records and to a mapping of lists): a column holding datetimes, with
// only gaps, dates and ISO 8601 text beside them, becomes datetime64[ns]
// (or datetime64[ns, UTC+hh:mm] when the datetimes carry one UTC offset).
// Dates become midnight, text is parsed (numpy's ISO 8601 forms), and
// beside offset-aware datetimes both are read as UTC and shown at the
// column's offset; '', 'nan' and 'NaT' are gaps (NaT). Text with a UTC
// offset sets the column's offset (dtype datetime64[ns, pytz.FixedOffset(
// minutes)], or UTC for Z and +00:00); it cannot meet text without one.
// As pandas looks at three strings at most, a third string before any
// datetime leaves the column object.
//
// Thread safety: free functions on caller-owned data.
#ifndef LYNGUINE_CORE_DATETIMELIKE_H_
#define LYNGUINE_CORE_DATETIMELIKE_H_

#include <string>
#include <vector>

#include "core/value.h"

namespace lyn {

// The datetime dtype of `values` with the cells converted in place (gaps
// as NaN), or "object" for datetimes of different offsets (or offset-aware
// beside naive ones), left as they are. Empty when the column is not
// datetime-like (no datetime, or a value no datetime can be read from).
std::string infer_datetimelike(std::vector<Value>& values);

}  // namespace lyn

#endif  // LYNGUINE_CORE_DATETIMELIKE_H_
