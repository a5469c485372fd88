// The xlsx reader: the zip container (zip_archive), the workbook, its
// relationships, shared strings, styles and one sheet parsed with pugixml.
// Reads shared and inline strings, numbers (ints where the cell text has no
// '.' or exponent, as openpyxl), booleans, errors and dates (numbers whose
// cell style has a date format become datetimes, as pandas.read_excel gives
// them), with pandas' header and NA-string rules. Everything it allocates
// is budgeted (XlsxLimits): the XML trees by counting pugixml's own
// allocations, the shared strings, and the cells of the sheet and of the
// frame built from it.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <set>

#include "access/excel_dates.h"
#include "access/excel_format.h"
#include "core/case.h"
#include "core/text.h"

namespace lyn::access {

namespace {

// ---------------------------------------------------------- budgets ---

// pugixml's allocations are counted against the budget of the read running
// on this thread: a sheet of millions of tiny elements then fails as "out
// of memory" at the limit instead of taking gigabytes. Each block carries
// its size in a 16-byte header (which keeps malloc's alignment).
struct XmlMemory {
  uint64_t limit = 0;
  uint64_t used = 0;
  bool exceeded = false;
};
thread_local XmlMemory* t_xml_memory = nullptr;
constexpr size_t kHeader = 16;

void* counted_allocate(size_t size) {
  XmlMemory* m = t_xml_memory;
  if (m && m->used + size > m->limit) {
    m->exceeded = true;
    return nullptr;
  }
  void* p = std::malloc(size + kHeader);
  if (!p) return nullptr;
  *static_cast<size_t*>(p) = size;
  if (m) m->used += size;
  return static_cast<char*>(p) + kHeader;
}

void counted_deallocate(void* ptr) {
  if (!ptr) return;
  char* p = static_cast<char*>(ptr) - kHeader;
  size_t size = *reinterpret_cast<size_t*>(p);
  if (XmlMemory* m = t_xml_memory; m && m->used >= size) m->used -= size;
  std::free(p);
}

// pugixml's allocator is process-wide and a block must be freed by the
// allocator that made it, so it is installed at start-up, before any
// document exists (this file is pugixml's only user).
const bool kCountedAllocatorInstalled = [] {
  pugi::set_memory_management_functions(counted_allocate, counted_deallocate);
  return true;
}();

// Makes `memory` the budget of this thread's XML parsing while it lives.
class XmlMemoryScope {
 public:
  explicit XmlMemoryScope(XmlMemory* memory) : previous_(t_xml_memory) {
    (void)kCountedAllocatorInstalled;
    t_xml_memory = memory;
  }
  ~XmlMemoryScope() { t_xml_memory = previous_; }
  XmlMemoryScope(const XmlMemoryScope&) = delete;
  XmlMemoryScope& operator=(const XmlMemoryScope&) = delete;

 private:
  XmlMemory* previous_;
};

struct Reading {
  std::string_view shown;
  const XlsxLimits& limits;
  XmlMemory memory;

  Error invalid(const std::string& what) const {
    return Error::value("File " + py_string_repr(shown) + " is not a valid xlsx file: " + what);
  }
  // A budget refusal (the file may be fine, but it is more than this
  // server reads at once); `what` names the limit.
  Error over(const std::string& what) const {
    return Error{"ValueError", "File " + py_string_repr(shown) + " is too large to read: " + what,
                 413};
  }
  // Parses `text` in place (no copy), within the XML memory budget.
  Status parse(pugi::xml_document& doc, std::string& text, const std::string& entry) {
    pugi::xml_parse_result r = doc.load_buffer_inplace(
        text.data(), text.size(), pugi::parse_default | pugi::parse_embed_pcdata,
        pugi::encoding_utf8);
    if (!r && memory.exceeded)
      return over("the XML of entry \"" + entry + "\" needs more than the limit of " +
                  size_text(limits.max_xml_memory) + " of memory");
    if (!r) return invalid("entry \"" + entry + "\": " + r.description());
    return Ok{};
  }
};

// -------------------------------------------------------------- xml ---

std::string_view local_name(const char* n) {
  std::string_view s(n);
  size_t c = s.find(':');
  return c == std::string_view::npos ? s : s.substr(c + 1);
}

template <typename F>
void each_child(const pugi::xml_node& node, std::string_view name, F f) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) f(c);
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  return {};
}

// Attribute by local name (r:id and friends).
pugi::xml_attribute attr(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute())
    if (local_name(a.name()) == name) return a;
  return {};
}

// Text of all <t> below `node`, skipping phonetic runs.
void collect_text(const pugi::xml_node& node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c.name());
    if (n == "rPh" || n == "phoneticPr") continue;
    if (n == "t")
      out += c.text().get();
    else
      collect_text(c, out);
  }
}

std::string resolve_target(std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string t(target);
  std::string base = "xl/";
  while (t.rfind("../", 0) == 0) t = t.substr(3), base = "";
  return base + t;
}

int column_index(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i]))) {
    col = col * 26 + (ascii_upper(ref[i]) - 'A' + 1);
    if (col > 16384) return -1;
    ++i;
  }
  return col - 1;
}

Value parse_number(std::string_view t) {
  if (t.find_first_of(".eE") == std::string_view::npos) {
    errno = 0;
    char* end = nullptr;
    std::string s(t);
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0' && !s.empty()) return Value(static_cast<int64_t>(v));
  }
  std::string s(t);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!end || *end != '\0' || s.empty()) return Value(s);
  return Value(d);
}

bool is_na_string(const std::string& s) {
  static const std::set<std::string> na = {
      "",     "#N/A N/A", "#N/A", "N/A", "n/a",  "NA",     "<NA>",    "#NA",     "NULL",
      "null", "NaN",      "-NaN", "nan", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  return na.count(s) > 0;
}

Value parse_iso_datetime(const std::string& s) {
  DateTime dt;
  int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &dt.year, &dt.month, &dt.day, &dt.hour,
                      &dt.minute, &dt.second);
  if (n >= 3) return Value(dt);
  return Value(s);
}

}  // namespace

Result<Frame> read_xlsx(std::string_view bytes, const ExcelReadOptions& options,
                        std::string_view shown, const XlsxLimits& limits) {
  Reading x{shown, limits, {}};
  x.memory.limit = limits.max_xml_memory;
  XmlMemoryScope memory_scope(&x.memory);
  auto meta = read_zip(
      bytes, shown, "xlsx file", limits.zip,
      {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"});
  if (!meta.ok()) return meta.error();
  auto& files = *meta;
  if (!files.count("xl/workbook.xml")) return x.invalid("no xl/workbook.xml");

  pugi::xml_document wb;
  if (auto r = x.parse(wb, files["xl/workbook.xml"], "xl/workbook.xml"); !r.ok()) return r.error();
  pugi::xml_node wbroot = wb.document_element();
  bool date1904 = false;
  if (auto pr = child(wbroot, "workbookPr")) {
    std::string v = attr(pr, "date1904").value();
    date1904 = v == "1" || v == "true";
  }
  std::vector<std::pair<std::string, std::string>> sheets;  // name, r:id
  each_child(child(wbroot, "sheets"), "sheet", [&](const pugi::xml_node& s) {
    sheets.emplace_back(attr(s, "name").value(), attr(s, "id").value());
  });
  if (sheets.empty()) return x.invalid("the workbook has no sheets");

  size_t which = 0;
  if (options.sheet.is_int()) {
    int64_t i = options.sheet.as_int();
    if (i < 0 || static_cast<size_t>(i) >= sheets.size())
      return Error::value("Worksheet index " + std::to_string(i) + " is invalid, " +
                          std::to_string(sheets.size()) + " worksheets found in " +
                          py_string_repr(shown));
    which = static_cast<size_t>(i);
  } else {
    std::string want = options.sheet.is_null() ? "Sheet1" : py_str(options.sheet);
    auto it =
        std::find_if(sheets.begin(), sheets.end(), [&](const auto& s) { return s.first == want; });
    if (it == sheets.end()) {
      if (!options.sheet.is_null())
        return Error::value("Worksheet named " + py_string_repr(want) + " not found in " +
                            py_string_repr(shown));
      which = 0;
    } else {
      which = static_cast<size_t>(it - sheets.begin());
    }
  }

  std::string sheet_path = "xl/worksheets/sheet" + std::to_string(which + 1) + ".xml";
  if (files.count("xl/_rels/workbook.xml.rels")) {
    pugi::xml_document rels;
    if (auto r = x.parse(rels, files["xl/_rels/workbook.xml.rels"], "workbook rels"); !r.ok())
      return r.error();
    each_child(rels.document_element(), "Relationship", [&](const pugi::xml_node& rel) {
      if (sheets[which].second == rel.attribute("Id").value())
        sheet_path = resolve_target(rel.attribute("Target").value());
    });
  }

  std::vector<std::string> shared;
  if (files.count("xl/sharedStrings.xml")) {
    pugi::xml_document ss;
    if (auto r = x.parse(ss, files["xl/sharedStrings.xml"], "xl/sharedStrings.xml"); !r.ok())
      return r.error();
    uint64_t bytes_held = 0;
    for (pugi::xml_node si = ss.document_element().first_child(); si; si = si.next_sibling()) {
      if (si.type() != pugi::node_element || local_name(si.name()) != "si") continue;
      if (shared.size() >= limits.max_shared_strings)
        return x.over("more shared strings than the limit of " +
                      std::to_string(limits.max_shared_strings));
      std::string t;
      collect_text(si, t);
      bytes_held += t.size();
      if (bytes_held > limits.max_shared_string_bytes)
        return x.over("shared strings larger than the limit of " +
                      size_text(limits.max_shared_string_bytes));
      shared.push_back(std::move(t));
    }
  }

  std::vector<bool> xf_is_date;
  if (files.count("xl/styles.xml")) {
    pugi::xml_document st;
    if (auto r = x.parse(st, files["xl/styles.xml"], "xl/styles.xml"); !r.ok()) return r.error();
    std::map<int, bool> custom;
    each_child(child(st.document_element(), "numFmts"), "numFmt", [&](const pugi::xml_node& f) {
      custom[attr(f, "numFmtId").as_int()] = is_excel_date_format(attr(f, "formatCode").value());
    });
    each_child(child(st.document_element(), "cellXfs"), "xf", [&](const pugi::xml_node& xf) {
      int id = attr(xf, "numFmtId").as_int();
      auto it = custom.find(id);
      xf_is_date.push_back(it != custom.end() ? it->second : is_builtin_excel_date_format(id));
    });
  }

  // The sheet itself, with what the metadata entries already used.
  ZipLimits rest = limits.zip;
  uint64_t used = 0;
  for (const auto& [_, c] : files) used += c.size();
  rest.max_total_uncompressed =
      used >= rest.max_total_uncompressed ? 0 : rest.max_total_uncompressed - used;
  auto sheet_files = read_zip(bytes, shown, "xlsx file", rest, {sheet_path});
  if (!sheet_files.ok()) return sheet_files.error();
  if (!sheet_files->count(sheet_path))
    return x.invalid("missing sheet entry \"" + sheet_path + "\"");
  pugi::xml_document sh;
  if (auto r = x.parse(sh, (*sheet_files)[sheet_path], sheet_path); !r.ok()) return r.error();

  // Rows as read: index (0-based) -> cells. Every cell slot (a row grows to
  // its rightmost cell) and every byte of text counts against the budget.
  std::map<long, std::vector<Value>> grid;
  uint64_t slots = 0, text_bytes = 0;
  auto too_many_cells = [&] {
    return x.over("more cells than the limit of " + std::to_string(limits.max_cells));
  };
  long next_row = 0;
  pugi::xml_node sheet_data = child(sh.document_element(), "sheetData");
  for (pugi::xml_node row = sheet_data.first_child(); row; row = row.next_sibling()) {
    if (row.type() != pugi::node_element || local_name(row.name()) != "row") continue;
    long rn = attr(row, "r") ? attr(row, "r").as_int() - 1 : next_row;
    if (rn < 0 || rn > 1048575) rn = next_row;
    next_row = rn + 1;
    auto& cells = grid[rn];
    int next_col = 0;
    for (pugi::xml_node c = row.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local_name(c.name()) != "c") continue;
      int col = next_col;
      if (auto r = attr(c, "r")) {
        int ci = column_index(r.value());
        if (ci >= 0) col = ci;
      }
      next_col = col + 1;
      std::string t = attr(c, "t").value();
      pugi::xml_node v = child(c, "v");
      Value val;  // null: empty
      if (t == "s") {
        if (v) {
          long idx = std::strtol(v.text().get(), nullptr, 10);
          if (idx >= 0 && static_cast<size_t>(idx) < shared.size()) val = Value(shared[idx]);
        }
      } else if (t == "inlineStr") {
        std::string text;
        collect_text(child(c, "is"), text);
        val = Value(std::move(text));
      } else if (t == "str") {
        val = Value(std::string(v.text().get()));
      } else if (t == "b") {
        if (v) val = Value(std::string(v.text().get()) == "1");
      } else if (t == "e") {
        val = Value(std::string(v.text().get()));
      } else if (t == "d") {
        if (v) val = parse_iso_datetime(v.text().get());
      } else if (v) {
        val = parse_number(v.text().get());
        int s = attr(c, "s").as_int();
        if (val.is_number() && s >= 0 && static_cast<size_t>(s) < xf_is_date.size() &&
            xf_is_date[s])
          val = Value(excel_serial_to_datetime(val.to_double(), date1904));
      }
      if (col < 0 || col >= 16384) continue;
      if (cells.size() <= static_cast<size_t>(col)) {
        slots += col + 1 - cells.size();
        if (slots > limits.max_cells) return too_many_cells();
        cells.resize(col + 1);
      }
      if (val.is_string()) {
        // A shared string is copied into every cell that names it.
        text_bytes += val.as_string().size();
        if (text_bytes > limits.max_text_bytes)
          return x.over("more text in cells than the limit of " + size_text(limits.max_text_bytes));
      }
      cells[col] = std::move(val);
    }
  }
  // The trees and the inflated XML are done with: free them before the
  // frame is built, so that the peak is the larger of the two, not the sum.
  sh.reset();
  wb.reset();
  sheet_files->clear();
  files.clear();

  // NA strings are missing values.
  for (auto& [_, cells] : grid)
    for (auto& v : cells)
      if (v.is_string() && is_na_string(v.as_string())) v = Value();

  auto empty_row = [](const std::vector<Value>& r) {
    return std::all_of(r.begin(), r.end(), [](const Value& v) { return v.is_null(); });
  };
  std::vector<Value> header_cells;
  std::vector<std::vector<Value>*> data_rows;
  long header_row = options.header ? *options.header : -1;
  for (auto& [rn, cells] : grid) {
    if (rn < header_row) continue;
    if (rn == header_row) {
      header_cells = cells;
      continue;
    }
    if (!empty_row(cells)) data_rows.push_back(&cells);
  }
  size_t width = header_cells.size();
  for (auto* r : data_rows) width = std::max(width, r->size());
  while (options.header && width > 0 && width > header_cells.size()) header_cells.emplace_back();
  // The frame is rectangular: a wide row stretches every other row.
  if (static_cast<uint64_t>(width) * data_rows.size() > limits.max_cells) return too_many_cells();

  Frame f;
  std::vector<std::string> seen;
  for (size_t j = 0; j < width; ++j) {
    Column col;
    if (!options.header) {
      col.name = Value(static_cast<int64_t>(j));
    } else {
      const Value& h = header_cells[j];
      if (h.is_null())
        col.name = Value("Unnamed: " + std::to_string(j));
      else if (h.is_float() && std::floor(h.as_float()) == h.as_float())
        col.name = h;
      else
        col.name = h;
      std::string base = col.key(), key = base;
      for (int k = 1; std::find(seen.begin(), seen.end(), key) != seen.end(); ++k)
        key = base + "." + std::to_string(k);
      if (key != base) col.name = Value(key);
      seen.push_back(key);
    }
    std::vector<Value> cells;
    cells.reserve(data_rows.size());
    bool all_dates = !data_rows.empty(), any_date = false;
    for (auto* r : data_rows) {
      Value v = j < r->size() ? std::move((*r)[j]) : Value();  // each cell is read once
      if (v.is_datetime())
        any_date = true;
      else if (!v.is_null())
        all_dates = false;
      cells.push_back(v.is_null() ? Value::nan() : std::move(v));
    }
    std::string dtype = all_dates && any_date ? "datetime64[ns]" : infer_dtype(cells);
    f.columns.push_back(Column(std::move(col.name), std::move(dtype), std::move(cells)));
  }
  return f;
}

}  // namespace lyn::access
