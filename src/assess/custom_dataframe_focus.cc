// CustomDataFrame, the focus cursor lynguine's sessions move: the focused
// index, column, selector and subindex, and the cell they name.
#include <algorithm>

#include "assess/custom_dataframe.h"
#include "assess/frame_labels.h"

namespace lyn::assess {

namespace {

void assign_cell(Column& c, size_t row, Value v) {
  const std::string& dt = c.dtype;
  if (dt == "object") {
  } else if (dt == "int64") {
    if (v.is_float()) {
      std::vector<Value> cells = c.values();
      for (auto& x : cells)
        if (x.is_int()) x = Value(static_cast<double>(x.as_int()));
      c = Column(std::move(c.name), "float64", std::move(cells));
    } else if (!v.is_int()) {
      c.dtype = "object";
    }
  } else if (dt == "float64") {
    if (v.is_int())
      v = Value(static_cast<double>(v.as_int()));
    else if (!v.is_float())
      c.dtype = "object";
  } else if (dt == "bool") {
    if (!v.is_bool()) c.dtype = "object";
  } else {
    c.dtype = "object";
  }
  c.set(row, std::move(v));
}

// The labels of a `columns` entry: a list, or one label.
}  // namespace

void CustomDataFrame::init_focus() {
  auto idx = indices();
  index_ = idx.empty() ? Value() : idx.front();
  auto cols = columns();
  column_ = cols.empty() ? Value() : cols.front();
  selector_ = Value();
  subindex_ = Value();
  auto series = series_columns();
  if (series.empty()) return;
  // lynguine picks a default selector only when the frame was first built
  // from a series, and with it the first subindex of the first index.
  if (is_series_type(groups_.front().type)) {
    selector_ = series.front();
    auto subs = get_subindices();
    if (!subs.empty()) subindex_ = subs.front();
  }
  // The interface's `selector` then goes through set_selector.
  for (const auto& g : groups_) {
    if (!is_series_type(g.type)) continue;
    if (const Value* sel = g.details.get("selector"))
      for (const auto& c : series)
        if (label_equal(c, *sel)) {
          (void)set_selector(c);
          break;
        }
    break;
  }
}

Status CustomDataFrame::set_index(const Value& index) {
  // The subindex is left as it is (lynguine never revalidates it here).
  if (index.is_null()) {
    index_ = Value();
    return Ok{};
  }
  for (const auto& v : indices())
    if (label_equal(v, index)) {
      index_ = index;
      return Ok{};
    }
  return key_error("Index \"" + py_str(index) + "\" not found in data");
}

const Value& CustomDataFrame::get_subindex() const {
  // lynguine's get_subindex: an unset subindex becomes the last of the
  // focused index's subindices (when that is not None). lynguine raises
  // IndexError when there are none; ours stays null (README: no-series).
  if (subindex_.is_null()) {
    auto subs = get_subindices();
    if (!subs.empty()) subindex_ = subs.back();
  }
  return subindex_;
}

Status CustomDataFrame::set_column(const Value& column) {
  if (column.is_string() && column.as_string() == "_") {
    column_ = column;
    return Ok{};
  }
  auto cols = columns();
  if (column.is_null()) {
    if (cols.empty()) {
      column_ = Value();
      return Ok{};
    }
    return key_error("Was asked to set column to None.");
  }
  bool known = label_equal(column, index_name()) && !index_name().is_null();
  for (const auto& c : cols) known = known || label_equal(c, column);
  if (!known)
    return key_error("Attempting to add column \"" + py_str(column) +
                     "\" as a set request has been given to non existent column.");
  column_ = column;
  return Ok{};
}

Status CustomDataFrame::set_selector(const Value& column) {
  if (column.is_null()) {
    selector_ = Value();
    return Ok{};
  }
  for (const auto& c : series_columns())
    if (label_equal(c, column)) {
      selector_ = c;
      // lynguine keeps the subindex (filled lazily for the new selector)
      // only when `subindex in self[column]` holds, and `in` on a pandas
      // Series tests its index labels, not its values.
      const Value& sub = get_subindex();
      bool kept = false;
      for (const auto& v : indices()) kept = kept || label_equal(v, sub);
      if (!kept) subindex_ = Value();
      return Ok{};
    }
  return key_error("Column \"" + py_str(column) + "\" is not a series column.");
}

Status CustomDataFrame::set_subindex(const Value& value) {
  if (value.is_null()) {
    subindex_ = Value();
    return Ok{};
  }
  for (const auto& s : get_subindices())
    if (label_equal(s, value)) {
      subindex_ = value;
      return Ok{};
    }
  return key_error("Invalid subindex set.");
}

Frame CustomDataFrame::get_subseries() const {
  // Outer join of the series groups' rows for the focused index.
  Frame out;
  bool first = true;
  for (const auto& g : groups_) {
    if (!is_series_type(g.type)) continue;
    std::vector<size_t> rows =
        index_.is_null() ? std::vector<size_t>{} : rows_with(g.frame, index_);
    Frame part = take_rows(g.frame, rows, false);
    if (first) {
      out = std::move(part);
      first = false;
      continue;
    }
    size_t a = out.num_rows(), b = part.num_rows();
    if (a == 0 || b == 0) {
      // One side is missing: keep the other's rows, NaN for the absent side.
      size_t n = std::max(a, b);
      for (auto& c : out.columns)
        if (c.size() < n) c.resize(n, Value::nan());
      for (auto& c : part.columns) {
        if (c.size() < n) c.resize(n, Value::nan());
        out.columns.push_back(std::move(c));
      }
      continue;
    }
    // The cross product of the two sides' rows.
    std::vector<size_t> left_rows, right_rows;
    for (size_t i = 0; i < a; ++i)
      for (size_t j = 0; j < b; ++j) {
        left_rows.push_back(i);
        right_rows.push_back(j);
      }
    Frame joined;
    for (const auto& c : out.columns) joined.columns.push_back(c.take(left_rows));
    for (const auto& c : part.columns) joined.columns.push_back(c.take(right_rows));
    out = std::move(joined);
  }
  return out;
}

std::vector<Value> CustomDataFrame::get_subindices() const {
  if (selector_.is_null()) return {};
  Frame sub = get_subseries();
  if (const Column* c = column_of(sub, selector_)) return c->values();
  return {};
}

Result<Value> CustomDataFrame::series_value(const DataGroup& g, const Value& column) const {
  // As lynguine's get_value reads self.at[index, column]: no row for the
  // index is None, one row is its value, several are chosen by the selector
  // (the last one while no subindex is set).
  const Column* col = column_of(g.frame, column);
  auto rows = rows_with(g.frame, index_);
  if (!col || rows.empty()) return Value();
  if (rows.size() == 1) return col->at(rows.front());
  if (selector_.is_null()) return key_error("Selector not set.");
  if (get_subindex().is_null()) return col->at(rows.back());
  // lynguine selects with pandas' `at[index, selector] == subindex`, where
  // NaN equals nothing: a NaN subindex (the default when the last selector
  // cell is empty) selects no row, and the last of no rows (iloc[-1]) is
  // lynguine's IndexError (its 500; ours a 404: no such cell).
  const Column* sel = column_of(g.frame, selector_);
  if (sel && !subindex_.is_nan())
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
      if (cell_equals(*sel, *it, subindex_)) return col->at(*it);
  return Error{"IndexError", "single positional indexer is out-of-bounds", 404};
}

Result<Value> CustomDataFrame::get_value() const {
  Value name = index_name();
  if (label_equal(column_, name)) return index_;
  const DataGroup* src = source_of(column_);
  if (src && is_series_type(src->type)) return series_value(*src, column_);
  for (const auto& g : groups_) {
    if (is_series_type(g.type)) continue;
    const Column* c = column_of(g.frame, column_);
    if (!c) continue;
    if (is_parameter_type(g.type)) return c->empty() ? Value::nan() : c->at(0);
    auto rows = rows_with(g.frame, index_);
    // lynguine's at[]: a row its group lacks reads as None.
    return rows.empty() ? Value() : c->at(rows.front());
  }
  return key_not_found(index_, column_);
}

Status CustomDataFrame::set_value(Value value) {
  for (const auto& g : groups_)
    if (is_input_type(g.type) && column_of(g.frame, column_))
      return key_error("Column \"" + py_str(column_) + "\" is immutable and cannot be modified.");
  const DataGroup* src = source_of(column_);
  if (src && is_series_type(src->type)) {
    if (selector_.is_null()) return key_error("Selector not set.");
    DataGroup& g = groups_[static_cast<size_t>(src - groups_.data())];
    const Column* sel = column_of(g.frame, selector_);
    Column* col = column_of(g.frame, column_);
    // lynguine reads its subindex unfilled here: with none set, every row of
    // the index matches; of several matching rows the last is written.
    if (sel && col) {
      auto rows = rows_with(g.frame, index_);
      for (auto it = rows.rbegin(); it != rows.rend(); ++it)
        if (subindex_.is_null() || cell_equals(*sel, *it, subindex_)) {
          assign_cell(*col, *it, std::move(value));
          return Ok{};
        }
    }
    return key_not_found(index_, column_);
  }
  for (auto& g : groups_) {
    if (is_series_type(g.type)) continue;
    Column* c = column_of(g.frame, column_);
    if (!c) continue;
    if (is_parameter_type(g.type))
      return key_error("Cannot modify individual elements in 'parameters' type data.");
    auto rows = rows_with(g.frame, index_);
    if (!rows.empty()) {
      assign_cell(*c, rows.front(), std::move(value));
      return Ok{};
    }
  }
  return key_not_found(index_, column_);
}

Result<Value> CustomDataFrame::get_value_at(const Value& index, const Value& column) {
  // lynguine's server moves the focus, reads, and moves index and column
  // back (a subindex the read filled in stays); a step that fails leaves the
  // focus where the steps before it put it.
  Value old_index = index_, old_column = column_;
  if (auto st = set_index(index); !st.ok()) return st.error();
  if (auto sc = set_column(column); !sc.ok()) return sc.error();
  auto out = get_value();
  if (!out.ok()) return out.error();
  index_ = std::move(old_index);
  column_ = std::move(old_column);
  return out;
}

}  // namespace lyn::assess
