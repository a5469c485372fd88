#include "cli/records_text.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "access/csv_format.h"
#include "access/finalize.h"
#include "cli/record_scanner.h"
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

namespace {

// Answers below this are formatted whole (format_read_answer), above it in
// pieces; csv and table print this many records at a time.
constexpr size_t kWholeBelow = size_t{1} << 20;
constexpr size_t kSlice = 4096;

void put(std::FILE* out, std::string_view s) {
  std::fwrite(s.data(), 1, s.size(), out);
}

// A small answer, formatted whole (as format_read_answer always did).
Status print_whole(std::string_view whole, RecordsFormat format, std::FILE* out) {
  LYN_TRY_ASSIGN(text, format_read_answer(whole, format));
  put(out, text);
  return Ok{};
}

// The dtype infer_dtype (core/frame.h) gives a column of values parsed from
// JSON (never datetimes), folded over the records one cell at a time.
struct DtypeFold {
  bool any_int = false, any_float = false, any_bool = false, any_other = false;
  bool any_missing = false, any_nan = false;
  size_t seen = 0;  // records with this key (the others hold NaN)

  void add(const Value& v) {
    ++seen;
    if (v.is_int())
      any_int = true;
    else if (v.is_nan())
      any_missing = any_nan = true;
    else if (v.is_float())
      any_float = true;
    else if (v.is_null())
      any_missing = true;
    else if (v.is_bool())
      any_bool = true;
    else
      any_other = true;
  }
  std::string dtype(size_t rows) const {
    bool missing = any_missing || seen < rows, nan = any_nan || seen < rows;
    if (rows == 0 || any_other || (any_bool && (any_int || any_float))) return "object";
    if (any_bool) return missing ? "object" : "bool";
    if (any_int && !any_float && !missing) return "int64";
    if (any_int || any_float || nan) return "float64";
    return "object";
  }
};

// A cell as infer_dtype leaves it for its column's dtype.
Value conformed(const Value* v, const std::string& dtype) {
  if (!v) return Value::nan();
  if (dtype == "float64") {
    if (v->is_int()) return Value(static_cast<double>(v->as_int()));
    if (v->is_null()) return Value::nan();
  }
  return *v;
}

// One pass over the answer: each record parsed, then the rest of the answer.
// With `whole` and `small`: an answer under kWholeBelow is only collected
// in *whole (and *small set), for format_read_answer().
Result<Value> each_record(const AnswerReplay& replay,
                          const std::function<Status(const Value&)>& on_record,
                          std::string* whole = nullptr, bool* small = nullptr) {
  Status failed = Ok{};
  RecordScanner scanner([&](std::string_view text) {
    if (!failed.ok()) return;
    auto record = parse_json(text);
    failed = record.ok() ? on_record(*record) : Status(record.error());
  });
  size_t total = 0;
  Status got = replay([&](std::string_view piece) {
    total += piece.size();
    if (small && total <= kWholeBelow) {
      whole->append(piece);
      return;
    }
    if (small && !whole->empty()) {  // past the limit: what was held back first
      scanner.feed(*whole);
      std::string().swap(*whole);
    }
    scanner.feed(piece);
  });
  if (!got.ok()) return got.error();
  if (small && (*small = total <= kWholeBelow)) return Value();
  if (!failed.ok()) return failed.error();
  return scanner.finish();
}

Status print_csv(const AnswerReplay& replay, std::FILE* out) {
  std::vector<std::string> order;  // keys in first-seen order, as Frame::from_records
  std::unordered_map<std::string, DtypeFold> folds;
  size_t rows = 0;
  std::string whole;
  bool small = false;
  auto tail = each_record(
      replay,
      [&](const Value& r) -> Status {
        if (!r.is_map()) return Error::value("Each record must be a mapping");
        ++rows;
        for (const auto& [k, v] : r.as_map()) {
          auto [it, added] = folds.try_emplace(k);
          if (added) order.push_back(k);
          it->second.add(v);
        }
        return Ok{};
      },
      &whole, &small);
  if (!tail.ok()) return tail.error();
  if (small) return print_whole(whole, RecordsFormat::csv, out);
  // The columns as frame_for_write selects them (or its error).
  Map keys;
  for (const auto& k : order) keys.set(k, Value());
  const Value* columns = tail->get("data")->get("columns");
  LYN_TRY_ASSIGN(header, access::frame_for_write(List{Value(std::move(keys))}, columns));
  std::vector<std::string> dtypes;
  for (const auto& c : header.columns) dtypes.push_back(folds[c.key()].dtype(rows));
  std::string text;
  access::append_csv_header(text, header);
  put(out, text);
  std::vector<std::vector<Value>> slice(header.columns.size());
  auto flush = [&] {
    Frame f;
    for (size_t j = 0; j < slice.size(); ++j)
      f.columns.emplace_back(header.columns[j].name, dtypes[j], std::move(slice[j]));
    text.clear();
    access::append_csv_rows(text, f);
    put(out, text);
    for (auto& s : slice) s.clear();
  };
  auto second = each_record(replay, [&](const Value& r) -> Status {
    for (size_t j = 0; j < slice.size(); ++j)
      slice[j].push_back(conformed(r.get(header.columns[j].key()), dtypes[j]));
    if (!slice.empty() && slice[0].size() == kSlice) flush();
    return Ok{};
  });
  if (!second.ok()) return second.error();
  flush();
  return Ok{};
}

Status print_table(const AnswerReplay& replay, std::FILE* out) {
  std::unordered_map<std::string, size_t> widest;  // by key, over every record
  std::string whole;
  bool small = false;
  auto shown = [](const Value* v) {
    std::string text = cell(v);
    for (size_t k; (k = text.find('\n')) != std::string::npos;) text.replace(k, 1, "\\n");
    return text;
  };
  auto tail = each_record(
      replay,
      [&](const Value& r) -> Status {
        if (r.is_map())
          for (const auto& [k, v] : r.as_map()) {
            size_t& w = widest[k];
            w = std::max(w, width(shown(&v)));
          }
        return Ok{};
      },
      &whole, &small);
  if (!tail.ok()) return tail.error();
  if (small) return print_whole(whole, RecordsFormat::table, out);
  std::vector<std::string> names;
  const Value* columns = tail->get("data")->get("columns");
  if (columns && columns->is_list())
    for (const auto& c : columns->as_list()) names.push_back(py_str(c));
  std::vector<size_t> widths;
  for (const auto& n : names) widths.push_back(std::max(width(n), widest[n]));
  std::string line;
  auto print = [&](const std::vector<std::string>& cells) {
    line.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) line += "  ";
      line += cells[i];
      if (i + 1 < cells.size()) line.append(widths[i] - width(cells[i]), ' ');
    }
    line += '\n';
    put(out, line);
  };
  print(names);
  std::vector<std::string> cells;
  for (size_t w : widths) cells.emplace_back(w, '-');
  print(cells);
  auto second = each_record(replay, [&](const Value& r) -> Status {
    for (size_t i = 0; i < names.size(); ++i)
      cells[i] = shown(r.is_map() ? r.get(names[i]) : nullptr);
    print(cells);
    return Ok{};
  });
  return second.ok() ? Status(Ok{}) : Status(second.error());
}

}  // namespace

Status print_read_answer(const AnswerReplay& replay, RecordsFormat format, std::FILE* out) {
  switch (format) {
    case RecordsFormat::json: {
      char last = 0;
      Status got = replay([&](std::string_view piece) {
        if (!piece.empty()) last = piece.back();
        put(out, piece);
      });
      if (!got.ok()) return got;
      if (last != '\n') put(out, "\n");
      return Ok{};
    }
    case RecordsFormat::ndjson: {
      // Each record as it completes. Our answers write every record's keys
      // in the columns' order, which format_read_answer() puts them in.
      JsonWriteOptions o;
      o.compact = true;
      std::string whole, line;
      bool small = false;
      auto tail = each_record(
          replay,
          [&](const Value& r) -> Status {
            line = to_json(r, o);
            line += '\n';
            put(out, line);
            return Ok{};
          },
          &whole, &small);
      if (!tail.ok()) return tail.error();
      return small ? print_whole(whole, format, out) : Status(Ok{});
    }
    case RecordsFormat::csv:
      return print_csv(replay, out);
    case RecordsFormat::table:
      return print_table(replay, out);
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
