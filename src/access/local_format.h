// The "local" reader: data written inline in the description under `data`
// (a list of records, a mapping of columns, or a mapping of scalars, which
// lynguine reads as one row), as lynguine's read_local does.
//
// Thread safety: a pure function of its arguments; safe from any thread.
#ifndef LYNGUINE_ACCESS_LOCAL_FORMAT_H_
#define LYNGUINE_ACCESS_LOCAL_FORMAT_H_

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// lynguine's read_local and read_yaml on parsed data: a mapping whose values
// are all scalars is one row (its index label details["index"], default
// "value"); anything else is pd.DataFrame(data) (frame_from_python_data).
Result<Frame> frame_from_data_or_scalars(const Value& data, const Map& details);

// pd.DataFrame([{}] * rows): rows without columns (the rows live in an
// unnamed range index, as pandas keeps them).
Frame frame_of_empty_rows(size_t rows);

// Missing `data` is lynguine's ValueError "Could not create data frame from
// details specified in "local" entry. Missing key 'data'."
Result<Frame> read_local(const Map& details, const IoContext& ctx);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_LOCAL_FORMAT_H_
