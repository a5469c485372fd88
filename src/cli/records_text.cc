#include "cli/records_text.h"

#include <algorithm>
#include <vector>

#include "access/csv_format.h"
#include "access/finalize.h"
#include "core/json.h"

namespace lyn::cli {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// What a table cell shows: Python's str() of the value, missing ones blank.
std::string cell(const Value* v) {
  if (!v || v->is_null()) return "";
  if (v->is_float() && v->as_float() != v->as_float()) return "";  // NaN: missing
  return py_str(*v);
}

// Display width of UTF-8 text (code points; wide characters count as one).
size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string table(const List& records, const std::vector<std::string>& columns) {
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> widths;
  for (const auto& c : columns) widths.push_back(width(c));
  for (const auto& r : records) {
    std::vector<std::string> row;
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string text = cell(r.is_map() ? r.get(columns[i]) : nullptr);
      // One line per record: a line break inside a value is shown escaped.
      for (size_t k; (k = text.find('\n')) != std::string::npos;) text.replace(k, 1, "\\n");
      widths[i] = std::max(widths[i], width(text));
      row.push_back(std::move(text));
    }
    rows.push_back(std::move(row));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) l += "  ";
      l += cells[i];
      if (i + 1 < cells.size()) l.append(widths[i] - width(cells[i]), ' ');
    }
    out += l;
    out += '\n';
  };
  line(columns);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& r : rows) line(r);
  return out;
}

}  // namespace

std::optional<RecordsFormat> parse_records_format(std::string_view name) {
  if (name == "json") return RecordsFormat::json;
  if (name == "ndjson") return RecordsFormat::ndjson;
  if (name == "csv") return RecordsFormat::csv;
  if (name == "table") return RecordsFormat::table;
  return std::nullopt;
}

Result<std::string> format_read_answer(std::string_view body, RecordsFormat format) {
  if (format == RecordsFormat::json) {
    std::string out(body);
    if (out.empty() || out.back() != '\n') out += '\n';
    return out;
  }
  auto parsed = parse_json(body);
  if (!parsed.ok()) return parsed.error();
  const Value* data = parsed->get("data");
  const Value* records = data ? data->get("records") : nullptr;
  if (!records || !records->is_list())
    return Error::value("the answer holds no data.records to print");
  const Value* columns = data->get("columns");
  std::vector<std::string> names;
  if (columns && columns->is_list())
    for (const auto& c : columns->as_list()) names.push_back(py_str(c));
  switch (format) {
    case RecordsFormat::ndjson: {
      JsonWriteOptions o;
      o.compact = true;
      std::string out;
      for (const auto& r : records->as_list()) {
        if (!r.is_map() || names.empty()) {
          out += to_json(r, o);
        } else {  // in column order, whatever order the record's keys came in
          Map ordered;
          for (const auto& n : names)
            if (const Value* v = r.get(n)) ordered.set(n, *v);
          for (const auto& [k, v] : r.as_map())
            if (!ordered.find(k)) ordered.set(k, v);
          out += to_json(Value(std::move(ordered)), o);
        }
        out += '\n';
      }
      return out;
    }
    case RecordsFormat::csv: {
      auto frame = access::frame_for_write(records->as_list(), columns);
      if (!frame.ok()) return frame.error();
      return access::format_csv(*frame);
    }
    case RecordsFormat::table:
      return table(records->as_list(), names);
    case RecordsFormat::json:
      break;
  }
  return Error::value("unknown format");
}

Result<Value> write_data_from_text(std::string_view text) {
  text = trimmed(text);
  auto parsed = parse_json(text);
  if (parsed.ok()) {
    Value v = std::move(parsed).value();
    if (v.is_list()) return Value(Map{{"records", std::move(v)}});
    if (!v.is_map()) return Error::value("the data must be records: a JSON list or object");
    const Value* data = v.get("data");
    if (v.get("status") && data && data->is_map()) {  // a whole read_data answer
      Map m;
      if (const Value* r = data->get("records")) m.set("records", *r);
      if (const Value* c = data->get("columns")) m.set("columns", *c);
      return Value(std::move(m));
    }
    if (v.get("records")) return v;
    return Value(Map{{"records", Value(List{std::move(v)})}});  // one record
  }
  // NDJSON: one record object per line (blank lines skipped).
  List records;
  size_t start = 0, line_no = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trimmed(text.substr(start, end - start));
    ++line_no;
    if (!line.empty()) {
      auto rec = parse_json(line);
      if (!rec.ok() || !rec->is_map()) {
        if (line_no == 1) return parsed.error();  // not NDJSON either: JSON's own error
        return Error::value("line " + std::to_string(line_no) +
                            " is not a JSON object (NDJSON takes one record per line)");
      }
      records.push_back(std::move(rec).value());
    }
    start = end + 1;
  }
  return Value(Map{{"records", Value(std::move(records))}});
}

}  // namespace lyn::cli
