// The CSV writer: pandas' to_csv(sep=..., quotechar=..., index=False).
#include <charconv>
#include <cmath>

#include "access/csv_format.h"

namespace lyn::access {

namespace {

void append_csv_field(std::string& out, std::string_view v, char delim, char quote) {
  bool needs = false;
  for (char c : v) {
    if (c == delim || c == quote || c == '\n' || c == '\r') {
      needs = true;
      break;
    }
  }
  if (!needs) {
    out += v;
    return;
  }
  out += quote;
  for (char c : v) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
}

void append_cell(std::string& out, const Value& v, char delim, char quote) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kString:
      append_csv_field(out, v.as_string(), delim, quote);
      return;
    case Value::Kind::kInt: {
      char buf[24];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.as_int());
      (void)ec;
      out.append(buf, p);
      return;
    }
    case Value::Kind::kFloat:
      if (std::isnan(v.as_float())) return;
      append_py_float_repr(out, v.as_float());
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "True" : "False";
      return;
    default:
      append_csv_field(out, py_str(v), delim, quote);
  }
}

// One cell read from its column's storage (no Value for typed cells).
void append_column_cell(std::string& out, const ColumnView& v, const Column& c, size_t i,
                        char delim, char quote) {
  if (v.kind == ColumnKind::kObject) {
    append_cell(out, v.objects[i], delim, quote);
    return;
  }
  if (!v.valid(i)) return;  // NaN and None are both written empty
  switch (v.kind) {
    case ColumnKind::kInt: {
      char buf[24];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, v.ints[i]).ptr);
      return;
    }
    case ColumnKind::kFloat:
      if (!std::isnan(v.floats[i])) append_py_float_repr(out, v.floats[i]);
      return;
    case ColumnKind::kBool:
      out += v.bools[i] ? "True" : "False";
      return;
    case ColumnKind::kString:
      append_csv_field(out, v.text(i), delim, quote);
      return;
    default:
      append_cell(out, c.at(i), delim, quote);
  }
}

}  // namespace

void append_csv_header(std::string& out, const Frame& frame, char delimiter, char quotechar) {
  const size_t ncols = frame.columns.size();
  for (size_t j = 0; j < ncols; ++j) {
    if (j) out += delimiter;
    append_csv_field(out, frame.columns[j].key(), delimiter, quotechar);
  }
  if (ncols == 1 && frame.columns[0].key().empty()) out += std::string(2, quotechar);
  out += '\n';
}

void append_csv_rows(std::string& out, const Frame& frame, char delimiter, char quotechar) {
  const size_t ncols = frame.columns.size(), nrows = frame.num_rows();
  std::vector<ColumnView> views;
  for (const auto& c : frame.columns) views.push_back(c.view());
  for (size_t i = 0; i < nrows; ++i) {
    size_t row_start = out.size();
    for (size_t j = 0; j < ncols; ++j) {
      if (j) out += delimiter;
      append_column_cell(out, views[j], frame.columns[j], i, delimiter, quotechar);
    }
    // Python's csv writer quotes a row that is a single empty field.
    if (ncols == 1 && out.size() == row_start) out += std::string(2, quotechar);
    out += '\n';
  }
}

std::string format_csv(const Frame& frame, char delimiter, char quotechar) {
  std::string out;
  out.reserve(64 + frame.num_rows() * frame.columns.size() * 8);
  append_csv_header(out, frame, delimiter, quotechar);
  append_csv_rows(out, frame, delimiter, quotechar);
  return out;
}

Status write_csv(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(opts, csv_options_from_details(details));
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  return ctx.paths.write_file(path, format_csv(frame, opts.delimiter, opts.quotechar),
                              shown_filename(details));
}

}  // namespace lyn::access
