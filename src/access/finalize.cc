#include "access/finalize.h"

#include <algorithm>

#include "access/local_format.h"
#include "access/registry.h"

namespace lyn::access {

namespace {

std::vector<Value> labels_of(const Value& v) {
  if (v.is_list()) return v.as_list();
  if (v.is_null()) return {};
  return {v};
}

std::vector<Value> column_names(const Frame& f) {
  std::vector<Value> out;
  out.reserve(f.columns.size());
  for (const auto& c : f.columns) out.push_back(c.name);
  return out;
}

// pandas' "in df.columns" for a label from a description: a string names
// only a string column, a number only a number column (header: null gives
// int column names, which "0" does not name).
bool same_label(const Value& name, const Value& label) {
  if (name.is_string() || label.is_string())
    return name.is_string() && label.is_string() && name.as_string() == label.as_string();
  if (name.is_number() && label.is_number()) return name.to_double() == label.to_double();
  return name == label;
}

bool has_column(const Frame& f, const Value& label) {
  return std::any_of(f.columns.begin(), f.columns.end(),
                     [&](const Column& c) { return same_label(c.name, label); });
}

Column none_column(std::string name, size_t rows) {
  return Column(Value(std::move(name)), "object", std::vector<Value>(rows, Value()));
}

Error missing_column_error(const char* option, const Value& label, const Frame& f) {
  return Error::value(std::string(option) + " contains key \"" + py_str(label) +
                      "\" which is not a column in the loaded DataFrame. Columns are \"" +
                      pandas_index_repr(column_names(f)) + "\"");
}

}  // namespace

std::string pandas_index_repr(const std::vector<Value>& labels) {
  bool all_int = !labels.empty() && std::all_of(labels.begin(), labels.end(),
                                                [](const Value& v) { return v.is_int(); });
  std::string out = all_int ? "Int64Index([" : "Index([";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ", ";
    out += py_repr(labels[i]);
  }
  out += all_int ? "], dtype='int64')" : "], dtype='object')";
  return out;
}

Result<Frame> select_frame_columns(const Frame& frame, const std::vector<Value>& labels) {
  List missing;
  for (const auto& l : labels)
    if (!has_column(frame, l)) missing.push_back(l);
  if (!missing.empty()) {
    std::string msg = missing.size() == labels.size()
                          ? "None of [" + pandas_index_repr(labels) + "] are in the [columns]"
                          : py_repr(Value(missing)) + " not in index";
    return Error::key(py_string_repr(msg), 400);
  }
  Frame out;
  out.index = frame.index;
  out.columns.reserve(labels.size());
  for (const auto& l : labels) out.columns.push_back(*frame.find(py_str(l)));
  return out;
}

Result<Frame> frame_for_write(const List& records, const Value* columns) {
  for (const auto& r : records)
    if (!r.is_map()) return Error::value("Each record must be a mapping");
  Frame f = Frame::from_records(records);
  if (!columns || columns->is_null()) return f;
  return select_frame_columns(f, labels_of(*columns));
}

Result<Frame> finalize_frame(Frame frame, const Map& details) {
  // `index` only names pandas' index in lynguine's finalize_data: the column
  // stays a column, so there is nothing to do for it here.
  const size_t rows = frame.num_rows();
  if (const Value* add = details.find("add_columns")) {
    for (const auto& col : labels_of(*add))
      if (!has_column(frame, col)) frame.columns.push_back(none_column(py_str(col), rows));
  }
  if (const Value* ren = details.find("rename_columns"); ren && ren->is_map()) {
    for (const auto& [from, _] : ren->as_map())
      if (!has_column(frame, Value(from)))
        return missing_column_error("rename_columns", Value(from), frame);
    for (auto& c : frame.columns) {
      // The mapping's keys are strings: they name string columns only.
      if (!c.name.is_string()) continue;
      if (const Value* to = ren->as_map().find(c.key())) c.name = *to;
    }
  }
  if (const Value* ign = details.find("ignore_columns")) {
    auto labels = labels_of(*ign);
    for (const auto& col : labels)
      if (!has_column(frame, col)) return missing_column_error("ignore_columns", col, frame);
    for (const auto& col : labels) frame.drop(py_str(col));
  }
  if (const Value* sel = details.find("select_columns")) {
    auto selected = select_frame_columns(frame, labels_of(*sel));
    if (!selected.ok()) return selected.error();
    frame = std::move(selected).value();
  }
  if (const Value* cols = details.find("columns")) {
    for (const auto& col : labels_of(*cols))
      if (!has_column(frame, col)) frame.columns.push_back(none_column(py_str(col), rows));
  }
  // pandas keeps the rows when every column is dropped.
  if (frame.columns.empty() && !frame.index && rows > 0)
    frame.index = frame_of_empty_rows(rows).index;
  return frame;
}

}  // namespace lyn::access
