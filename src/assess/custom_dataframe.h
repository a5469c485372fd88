// CustomDataFrame: lynguine's CustomDataFrame as CustomDataFrame.from_flow
// builds it from an interface. The data lives in named groups, one per data
// key of the interface (`input`, `output`, `series`, `constants`,
// `parameters`, `cache`, ...), each a Frame indexed by the interface's
// `index` column; parameter groups hold a single row that applies to every
// index. The groups' columns, concatenated, are the frame's columns; the
// first non-parameter group's index is its index.
//
// On top sits the focus API lynguine's sessions expose: a focused index and
// column (and, for series columns, a selector column and a subindex value
// within it), with get_value/set_value on the focused cell. Input columns
// are immutable; output columns can be set and written back with
// save_flows().
//
// Index and column labels compare as Python compares them: numbers by
// value (3 == 3.0), everything else exactly, so "3" and 3 are different.
//
// Thread safety: a plain value type with no internal locking. Concurrent
// const access is safe; anything that moves the focus or sets a value needs
// external synchronisation (the session store holds one mutex per session).
#ifndef LYNGUINE_ASSESS_CUSTOM_DATAFRAME_H_
#define LYNGUINE_ASSESS_CUSTOM_DATAFRAME_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/registry.h"
#include "assess/frame_labels.h"
#include "config/interface.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::assess {

// lynguine's CustomDataFrame.types: which data keys belong to which family.
// A key may be in several (`constants` is input and parameters).
bool is_input_type(std::string_view type);
bool is_output_type(std::string_view type);
bool is_parameter_type(std::string_view type);
bool is_cache_type(std::string_view type);
bool is_series_type(std::string_view type);
// Every data key from_flow recognises.
const std::vector<std::string>& valid_data_types();

// One group of columns loaded from one interface data key.
struct DataGroup {
  std::string type;  // the interface key: "input", "output", "series", ...
  Frame frame;       // indexed; parameter groups: one row, no index
  Value details;     // the interface's description of the group
};

class CustomDataFrame {
 public:
  CustomDataFrame() = default;

  // lynguine's CustomDataFrame.from_flow: input groups first (in interface
  // order), then the other data keys in interface order. Groups that are not
  // inputs are created empty (on the input's index, with their `columns`)
  // when their file does not exist. Duplicate index values are dropped
  // (first kept) except in series groups. ValueError when the interface
  // names no data at all.
  static Result<CustomDataFrame> from_flow(const Interface& iface, const access::IoContext& io);
  // A frame from groups already built (tests, tools). Focus starts as after
  // from_flow.
  static CustomDataFrame from_groups(std::vector<DataGroup> groups);

  const std::vector<DataGroup>& groups() const { return groups_; }

  // to_pandas().shape: rows after the outer join of all non-parameter
  // groups on the index (series rows multiply), and the column count.
  std::pair<size_t, size_t> shape() const;
  std::vector<Value> columns() const;
  // The row labels: the first non-parameter group's index ([0] when there
  // are only parameters).
  std::vector<Value> indices() const;
  // Name of the index column, null when there is none.
  Value index_name() const;
  std::vector<Value> input_columns() const;
  // Mutable columns: output groups first, then series, then caches.
  std::vector<Value> output_columns() const;
  std::vector<Value> series_columns() const;
  // "input", "output", "parameters", "cache" or "series" for the group that
  // holds the column first; nullopt for an unknown column.
  std::optional<std::string> column_type(const Value& column) const;

  // The focus. Errors are KeyErrors with lynguine's messages.
  const Value& get_index() const { return index_; }
  // Leaves the subindex as it is (lynguine's set_index does).
  Status set_index(const Value& index);
  const Value& get_column() const { return column_; }
  Status set_column(const Value& column);
  const Value& get_selector() const { return selector_; }
  // The selector must be a series column; the subindex stays only if it is
  // one of the frame's index labels (lynguine's `in` on a Series), else it
  // is unset.
  Status set_selector(const Value& column);
  // lynguine's lazy subindex: an unset one becomes the last of the focused
  // index's subindices when read (also by get_value on several series rows).
  const Value& get_subindex() const;
  // The value must be one of the selector's values for the focused index.
  Status set_subindex(const Value& value);

  // The focused cell. For the index column, the focused index; for a
  // series column, the row whose selector equals the subindex.
  Result<Value> get_value() const;
  // Sets the focused cell of a mutable column (KeyError for input columns,
  // the index column and parameter groups).
  Status set_value(Value value);
  // The value at (index, column); the focus is left as it was, unless a step
  // fails: then it stays where the steps before put it (as lynguine's does).
  Result<Value> get_value_at(const Value& index, const Value& column);
  // The series rows of the focused index: records without the index, as a
  // frame (empty, with no columns, when there are no series groups).
  Frame get_subseries() const;
  // The selector's values among the focused index's series rows.
  std::vector<Value> get_subindices() const;

  // Writes every output group (index column first) to its description via
  // access::write_data.
  Status save_flows(const access::IoContext& io) const;

  // Approximate heap and inline bytes held by the frame's values.
  size_t approx_bytes() const;

 private:
  void init_focus();
  const DataGroup* primary() const;
  const DataGroup* source_of(const Value& column) const;
  Result<Value> series_value(const DataGroup& g, const Value& column) const;

  std::vector<DataGroup> groups_;
  Value index_, column_, selector_;
  // Filled lazily by const reads, as lynguine's get_subindex does; a
  // session's operations run under its mutex, so this is never raced.
  mutable Value subindex_;
};

}  // namespace lyn::assess

#endif  // LYNGUINE_ASSESS_CUSTOM_DATAFRAME_H_
