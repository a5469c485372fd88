#include "assess/frame_labels.h"

#include <cmath>

namespace lyn::assess {

namespace {

bool numeric_label(const Value& v) {
  return v.is_int() || v.is_float() || v.is_bool() || v.kind() == Value::Kind::kBigInt;
}

double label_number(const Value& v) {
  return v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.to_double();
}

std::string key_repr(const Value& index, const Value& column) {
  return "(" + py_repr(index) + ", " + py_repr(column) + ")";
}

}  // namespace

bool label_equal(const Value& a, const Value& b) {
  if (numeric_label(a) && numeric_label(b)) {
    double x = label_number(a), y = label_number(b);
    if (std::isnan(x) && std::isnan(y)) return true;
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return x == y;
  }
  return a == b;
}

// A hash key that equal labels share (3, 3.0 and True == 1 as in Python).
std::string label_key(const Value& v) {
  if (v.is_bool()) return v.as_bool() ? "n1" : "n0";
  if (v.is_int()) return "n" + std::to_string(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) return "nan";
    if (d == std::floor(d) && std::fabs(d) < 9e15)
      return "n" + std::to_string(static_cast<int64_t>(d));
    return "f" + py_float_repr(d);
  }
  if (v.kind() == Value::Kind::kBigInt) return "n" + v.as_bigint().digits;
  if (v.is_string()) return "s" + v.as_string();
  return "o" + py_repr(v);
}

// label_equal(c.at(i), label), without making a Value of text and int cells.
namespace {

bool view_cell_equals(const ColumnView& v, const Column& c, size_t i, const Value& label) {
  if (v.kind == ColumnKind::kString && v.valid(i))
    return label.is_string() && v.text(i) == label.as_string();
  if (v.kind == ColumnKind::kInt && v.valid(i) && label.is_int())
    return v.ints[i] == label.as_int();
  return label_equal(c.at(i), label);
}

}  // namespace

bool cell_equals(const Column& c, size_t i, const Value& label) {
  return view_cell_equals(c.view(), c, i, label);
}

std::vector<size_t> rows_with(const Frame& f, const Value& label) {
  std::vector<size_t> out;
  if (f.index) {
    const ColumnView v = f.index->view();
    for (size_t i = 0; i < v.size; ++i)
      if (view_cell_equals(v, *f.index, i, label)) out.push_back(i);
    return out;
  }
  if (label.is_int() && label.as_int() >= 0 && static_cast<size_t>(label.as_int()) < f.num_rows())
    out.push_back(static_cast<size_t>(label.as_int()));
  return out;
}

Column* column_of(Frame& f, const Value& name) {
  for (auto& c : f.columns)
    if (label_equal(c.name, name)) return &c;
  return nullptr;
}

const Column* column_of(const Frame& f, const Value& name) {
  for (const auto& c : f.columns)
    if (label_equal(c.name, name)) return &c;
  return nullptr;
}

Frame take_rows(const Frame& f, const std::vector<size_t>& rows, bool keep_index) {
  Frame out;
  out.columns.reserve(f.columns.size());
  for (const auto& c : f.columns) out.columns.push_back(c.take(rows));
  if (keep_index && f.index) out.index = f.index->take(rows);
  return out;
}

// Drops rows whose index repeats an earlier one (pandas
// d[~d.index.duplicated(keep="first")]).

Error key_error(const std::string& msg) {
  return Error::key(py_string_repr(msg));
}

Error key_not_found(const Value& index, const Value& column) {
  return key_error("Key " + key_repr(index, column) + " not found in the CustomDataFrame");
}

}  // namespace lyn::assess
