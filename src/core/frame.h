// Frame: our small pandas DataFrame. Named columns of Values, each with a
// pandas dtype name ("int64", "float64", "bool", "object", "boolean",
// "Int64", ...), and an optional index column kept apart from the data
// columns as pandas keeps it.
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

#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct Column {
  Value name;         // a string, or an int for CSV files read with header: null
  std::string dtype;  // pandas dtype name
  std::vector<Value> values;

  // The name as a record key: str(name).
  std::string key() const;
};

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

  // to_dict('records'): one map per row, index excluded.
  List to_records() const;

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

// The {records, columns, shape, dtypes} object lynguine's read_data answers.
Value frame_to_data_json(const Frame& f);
// The same object written straight to JSON text (no per-row maps: large
// frames are answered several times faster this way).
void append_frame_data_json(std::string& out, const Frame& f);

}  // namespace lyn

#endif  // LYNGUINE_CORE_FRAME_H_
