#include "access/json_format.h"

#include <algorithm>
#include <cmath>

#include "access/csv_format.h"
#include "core/json.h"
#include "core/utf8.h"

namespace lyn::access {

Result<Frame> frame_from_python_data(const Value& data) {
  if (data.is_map()) {
    const Map& m = data.as_map();
    bool any_map =
        std::any_of(m.begin(), m.end(), [](const auto& kv) { return kv.second.is_map(); });
    bool any_list =
        std::any_of(m.begin(), m.end(), [](const auto& kv) { return kv.second.is_list(); });
    if (any_map && any_list)
      return Error::value("Mixing dicts with non-Series may lead to ambiguous ordering.");
    if (any_map) {
      // {column: {index: value}}: the index is the union of the inner keys.
      // Keys typed by YAML (`2024:`) label by their value, as Python's dict.
      std::vector<MapKey> index;
      for (const auto& [col, inner] : m)
        if (inner.is_map()) add_new_keys(inner.as_map(), index);
      Frame f;
      for (const auto& [col, inner] : m) {
        std::vector<Value> cells;
        cells.reserve(index.size());
        for (const auto& k : index) {
          if (inner.is_map()) {
            const Value* v = inner.as_map().find_key(k);
            cells.push_back(v ? *v : Value::nan());
          } else {
            cells.push_back(inner);
          }
        }
        Column c = Column::inferred(col.as_value(), std::move(cells));
        // On an empty index pandas types a mapping's column float64 and a
        // scalar's by the scalar.
        if (c.empty()) {
          std::vector<Value> one{inner};
          c.dtype = inner.is_map() ? "float64" : infer_dtype(one);
        }
        f.columns.push_back(std::move(c));
      }
      std::vector<Value> labels;
      for (const auto& k : index) labels.push_back(k.as_value());
      f.index = Column(Value(), "object", std::move(labels));
      return f;
    }
    return frame_from_data(data);
  }
  if (data.is_list()) {
    const List& l = data.as_list();
    bool all_maps = std::all_of(l.begin(), l.end(), [](const Value& v) { return v.is_map(); });
    if (all_maps) return Frame::from_records(l);
    bool any_map = std::any_of(l.begin(), l.end(), [](const Value& v) { return v.is_map(); });
    if (any_map)
      return Error::value("Mixing dicts with non-Series may lead to ambiguous ordering.");
    // Rows of lists (or scalars, one column): integer column names.
    size_t width = 0;
    bool any_list = false;
    for (const auto& v : l) {
      if (v.is_list()) {
        any_list = true;
        width = std::max(width, v.as_list().size());
      }
    }
    if (!any_list) width = 1;
    Frame f;
    for (size_t j = 0; j < width; ++j) {
      std::vector<Value> cells;
      cells.reserve(l.size());
      for (const auto& v : l) {
        if (!any_list) {
          cells.push_back(v);
        } else if (v.is_list()) {
          cells.push_back(j < v.as_list().size() ? v.as_list()[j] : Value());
        } else {
          return Error::value("DataFrame constructor not properly called!");
        }
      }
      f.columns.push_back(Column::inferred(Value(static_cast<int64_t>(j)), std::move(cells)));
    }
    return f;
  }
  return frame_from_data(data);
}

Result<Frame> read_json(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
  std::string shown = shown_filename(details);
  auto load = [&]() -> Result<Value> {
    auto text = ctx.paths.read_file(path, shown);
    if (!text.ok()) return text.error();
    if (!utf8::is_valid(*text))
      return Error{
          "UnicodeDecodeError",
          "'utf-8' codec can't decode file " + py_string_repr(shown) + ": invalid utf-8 data", 400};
    auto v = parse_json(*text);
    // lynguine logs a JSONDecodeError and reads the file as {}.
    if (!v.ok()) return Value(Map{});
    return v;
  };
  if (ctx.cache) {
    auto data = ctx.cache->get<Value>(path, "tabular-json", std::function<Result<Value>()>(load));
    if (!data.ok()) return data.error();
    return frame_from_python_data(**data);
  }
  LYN_TRY_ASSIGN(data, load());
  return frame_from_python_data(data);
}

namespace {

void append_cell(std::string& out, const Value& v) {
  if (v.is_float() && !std::isfinite(v.as_float())) {
    double d = v.as_float();
    out += std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  append_json(out, v);
}

}  // namespace

std::string format_json_records(const Frame& frame) {
  std::string out = "[";
  const size_t nrows = frame.num_rows();
  std::vector<std::string> keys;
  for (const auto& c : frame.columns) keys.push_back(c.key());
  for (size_t i = 0; i < nrows; ++i) {
    if (i) out += ", ";
    out += '{';
    for (size_t j = 0; j < frame.columns.size(); ++j) {
      if (j) out += ", ";
      append_json_string(out, keys[j]);
      out += ": ";
      append_cell(out, frame.columns[j].at(i));
    }
    out += '}';
  }
  out += ']';
  return out;
}

Status write_json(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  return ctx.paths.write_file(path, format_json_records(frame), shown_filename(details));
}

}  // namespace lyn::access
