#include "core/frame.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "core/datetimelike.h"

namespace lyn {

size_t Frame::num_rows() const {
  if (!columns.empty()) return columns.front().size();
  if (index) return index->size();
  return 0;
}

Column* Frame::find(std::string_view key) {
  for (auto& c : columns)
    if (c.key() == key) return &c;
  return nullptr;
}

const Column* Frame::find(std::string_view key) const {
  for (const auto& c : columns)
    if (c.key() == key) return &c;
  return nullptr;
}

Column& Frame::set_column(Column c) {
  if (Column* existing = find(c.key())) {
    *existing = std::move(c);
    return *existing;
  }
  columns.push_back(std::move(c));
  return columns.back();
}

bool Frame::drop(std::string_view key) {
  auto it =
      std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.key() == key; });
  if (it == columns.end()) return false;
  columns.erase(it);
  return true;
}

namespace {

// Whether a Python int held as a BigInt lies in 0..2^64-1 (pandas' uint64).
bool fits_uint64(const BigInt& b) {
  uint64_t u;
  const std::string& d = b.digits;
  auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), u);
  return ec == std::errc() && p == d.data() + d.size();
}

}  // namespace

std::string infer_dtype(std::vector<Value>& values) {
  if (std::string dt = infer_datetimelike(values); !dt.empty()) return dt;
  bool any_int = false, any_float = false, any_bool = false, any_other = false;
  bool any_missing = false, any_big = false;
  // pandas' maybe_convert_objects checks each int's range (and ints beyond
  // int64 beside negative ones) only until it meets the first None: such
  // ints before any None leave the column object, after one they are floats.
  bool seen_none = false, seen_uint = false, seen_sint = false, out_of_range = false;
  for (const auto& v : values) {
    switch (v.kind()) {
      case Value::Kind::kInt:
        any_int = true;
        if (!seen_none && v.as_int() < 0) {
          seen_sint = true;
          out_of_range = out_of_range || seen_uint;
        }
        break;
      case Value::Kind::kBigInt:
        any_int = any_big = true;
        if (!seen_none) {
          if (!fits_uint64(v.as_bigint()))
            out_of_range = true;
          else
            seen_uint = true;
          out_of_range = out_of_range || seen_sint;
        }
        break;
      case Value::Kind::kFloat:
        if (v.is_nan())
          any_missing = true;
        else
          any_float = true;
        break;
      case Value::Kind::kNull:
        any_missing = seen_none = true;
        break;
      case Value::Kind::kBool:
        any_bool = true;
        break;
      default:
        any_other = true;
    }
  }
  if (values.empty()) return "object";
  if (any_other || (any_bool && (any_int || any_float))) return "object";
  if (any_bool) {
    return any_missing ? "object" : "bool";
  }
  if (out_of_range) return "object";
  if (any_int && !any_float && !any_missing) return any_big ? "uint64" : "int64";
  if (any_int || any_float) {
    for (auto& v : values) {
      if (v.is_int())
        v = Value(static_cast<double>(v.as_int()));
      else if (v.kind() == Value::Kind::kBigInt)
        v = Value(std::strtod(v.as_bigint().digits.c_str(), nullptr));
      else if (v.is_null())
        v = Value::nan();
    }
    return "float64";
  }
  // Only missing values: all None stays object; any NaN makes it float64.
  bool any_nan =
      std::any_of(values.begin(), values.end(), [](const Value& v) { return v.is_nan(); });
  if (!any_nan) return "object";
  for (auto& v : values) v = Value::nan();
  return "float64";
}

namespace {

// One column per key, in order: each record's value, NaN where it has none.
template <typename Key, typename Label, typename Find>
Frame frame_of_keys(const List& records, const std::vector<Key>& keys, Label label, Find find) {
  Frame f;
  f.columns.reserve(keys.size());
  for (const auto& key : keys) {
    std::vector<Value> cells;
    cells.reserve(records.size());
    for (const auto& r : records) {
      const Value* v = find(r, key);
      cells.push_back(v ? *v : Value::nan());
    }
    f.columns.push_back(Column::inferred(label(key), std::move(cells)));
  }
  return f;
}

}  // namespace

Frame Frame::from_records(const List& records) {
  // Keys as Python's dict compares them: a YAML key typed as a number, bool
  // or null (`2024:`, `yes:`) is a column labelled by that value, apart
  // from a string key of the same spelling.
  std::vector<MapKey> order;
  for (const auto& r : records)
    if (r.is_map()) add_new_keys(r.as_map(), order);
  return frame_of_keys(
      records, order, [](const MapKey& key) { return key.as_value(); },
      [](const Value& r, const MapKey& key) -> const Value* {
        return r.is_map() ? r.as_map().find_key(key) : nullptr;
      });
}

Frame Frame::from_records(const List& records, const std::vector<std::string>& names) {
  return frame_of_keys(
      records, names, [](const std::string& name) { return Value(name); },
      [](const Value& r, const std::string& name) { return r.get(name); });
}

std::vector<Value> Frame::row_labels() const {
  if (index) return index->values();
  std::vector<Value> out;
  size_t n = num_rows();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.emplace_back(static_cast<int64_t>(i));
  return out;
}

Value Frame::record(size_t i) const {
  Map m;
  m.reserve(columns.size());
  for (const auto& c : columns) m.set(c.key(), c.at(i));
  return Value(std::move(m));
}

size_t Frame::approx_bytes() const {
  size_t n = sizeof(Frame);
  for (const auto& c : columns) n += c.approx_bytes() + approx_value_bytes(c.name);
  if (index) n += index->approx_bytes() + approx_value_bytes(index->name);
  return n;
}

bool Frame::set_index(std::string_view key) {
  auto it =
      std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.key() == key; });
  if (it == columns.end()) return false;
  index = std::move(*it);
  columns.erase(it);
  return true;
}

void Frame::reset_index() {
  if (!index) return;
  columns.insert(columns.begin(), std::move(*index));
  index.reset();
}

Result<Frame> frame_from_data(const Value& data) {
  if (data.is_null()) return Frame{};
  if (data.is_list()) {
    for (const auto& r : data.as_list())
      if (!r.is_map())
        return Error::value("pandas can only build a frame from a list of mappings here");
    return Frame::from_records(data.as_list());
  }
  if (data.is_map()) {
    const Map& m = data.as_map();
    size_t n = 0;
    bool any_list = false;
    for (const auto& [k, v] : m) {
      if (v.is_list()) {
        if (any_list && v.as_list().size() != n)
          return Error::value("All arrays must be of the same length");
        n = v.as_list().size();
        any_list = true;
      }
    }
    if (!any_list && !m.empty())
      return Error::value("If using all scalar values, you must pass an index");
    Frame f;
    for (const auto& [k, v] : m) {
      std::vector<Value> cells = v.is_list() ? v.as_list() : std::vector<Value>(n, v);
      std::string dtype = infer_dtype(cells);
      // pd.DataFrame({k: [...]}) builds each column as a numpy array: an
      // empty one is float64, and ints too large for int64 become floats
      // when a None came before the first of them (pandas'
      // maybe_convert_objects), else the column stays object.
      if (cells.empty()) {
        std::vector<Value> one{v};
        dtype = v.is_list() ? "float64" : infer_dtype(one);  // a scalar keeps its type
      }
      bool big = false, none_first = false, other = false;
      for (const auto& x : cells) {
        if (x.kind() == Value::Kind::kBigInt)
          big = true;
        else if (x.is_null())
          none_first = none_first || !big;
        else if (!x.is_float() && !x.is_int())
          other = true;
      }
      if (big && none_first && !other) {
        for (auto& x : cells) x = x.is_null() ? Value::nan() : Value(x.to_double());
        dtype = "float64";
      }
      f.columns.emplace_back(k.typed() ? *k.typed() : Value(k), std::move(dtype), std::move(cells));
    }
    return f;
  }
  return Error::value("DataFrame constructor not properly called!");
}

}  // namespace lyn
