// Frame: our small pandas DataFrame. Named, typed columns (core/column.h),
// each with a pandas dtype name ("int64", "float64", "bool", "object",
// "boolean", "Int64", ...), and an optional index column kept apart from
// the data columns as pandas keeps it.
//
// Column values follow pandas: a missing value is NaN (Value::nan()), an
// explicit None stays null in object columns, int64 columns hold ints,
// float64 columns hold floats (ints with gaps become float64).
//
// Thread safety: a plain value type; concurrent const access is safe.
#ifndef LYNGUINE_CORE_FRAME_H_
#define LYNGUINE_CORE_FRAME_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn {

class Frame {
 public:
  std::vector<Column> columns;
  std::optional<Column> index;  // set_index() moves a column here

  size_t num_rows() const;
  size_t num_columns() const { return columns.size(); }
  Column* find(std::string_view key);
  const Column* find(std::string_view key) const;
  // Adds a column at the end, or replaces an existing one in place.
  Column& set_column(Column c);
  bool drop(std::string_view key);

  // Builds a frame from records as pd.DataFrame(list_of_dicts) does: columns
  // in order of first appearance, absent keys as NaN, dtypes inferred.
  static Frame from_records(const List& records);
  static Frame from_records(const List& records, const std::vector<std::string>& columns);

  // The row labels: the index values, or positions 0..n-1 when there is none.
  std::vector<Value> row_labels() const;

  // Row i as to_dict('records') gives it: a map of column key to cell,
  // index excluded. One row at a time: a frame is never turned into a list
  // of maps (answers are written from the columns, see frame_json.h).
  Value record(size_t i) const;

  // Heap and inline bytes held (the parsed-file cache charges this).
  size_t approx_bytes() const;

  // Moves a column to the index (pandas set_index). False if absent.
  bool set_index(std::string_view key);
  // Moves the index back as the first column (pandas reset_index).
  void reset_index();
};

// pd.DataFrame(data) for data as YAML or JSON gives it: a list of records,
// or a mapping of column name to list of values. A mapping of scalars is
// pandas' "If using all scalar values, you must pass an index" ValueError.
Result<Frame> frame_from_data(const Value& data);

// dtype inference as pandas applies it to an object array built from Python
// values: all ints -> int64; ints/floats with NaN gaps -> float64; all bools
// -> bool; otherwise object. Converts the values in place (ints to floats
// for float64, None to NaN in numeric columns).
std::string infer_dtype(std::vector<Value>& values);

}  // namespace lyn

#endif  // LYNGUINE_CORE_FRAME_H_
