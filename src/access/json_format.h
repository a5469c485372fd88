// JSON data files as lynguine reads and writes them: read_json is
// pd.DataFrame(json.load(f)) (a list of records, a mapping of columns, a
// mapping of records keyed by index, or a list of scalars or rows; text that
// is not JSON gives an empty frame, as lynguine logs and carries on), and
// write_json is json.dump(df.to_dict("records")) with json.dumps' layout
// and bare NaN/Infinity for non-finite floats.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ACCESS_JSON_FORMAT_H_
#define LYNGUINE_ACCESS_JSON_FORMAT_H_

#include <string>

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// pd.DataFrame(data) for the shapes JSON and YAML give: everything
// frame_from_data accepts, plus a mapping of mappings (outer keys are the
// columns, inner keys the index) and a list of scalars or of lists (integer
// column names).
Result<Frame> frame_from_python_data(const Value& data);

// The "json" reader.
Result<Frame> read_json(const Map& details, const IoContext& ctx);

// The records text lynguine's write_json produces for `frame`.
std::string format_json_records(const Frame& frame);

// The "json" writer (atomic write).
Status write_json(const Frame& frame, const Map& details, const IoContext& ctx);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_JSON_FORMAT_H_
