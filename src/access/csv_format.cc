#include "access/csv_format.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>

#include "core/fs.h"
#include "core/json.h"
#include "core/utf8.h"

namespace lyn::access {

namespace {

Error parser_error(std::string msg) {
  return Error{"ParserError", std::move(msg), 400};
}

// ---------------------------------------------------------------------------
// Field classification.

// pandas 1.5's default na_values (keep_default_na=True).
bool is_na(std::string_view v) {
  if (v.empty()) return true;
  // Cheap rejection by first byte: every marker starts with one of these.
  switch (v[0]) {
    case 'N':
    case 'n':
    case '#':
    case '-':
    case '<':
    case '1':
      break;
    default:
      return false;
  }
  switch (v.size()) {
    case 2:
      return v == "NA";
    case 3:
      return v == "N/A" || v == "NaN" || v == "nan" || v == "n/a" || v == "#NA";
    case 4:
      return v == "null" || v == "NULL" || v == "#N/A" || v == "-NaN" || v == "-nan" || v == "<NA>";
    case 6:
      return v == "1.#IND";
    case 7:
      return v == "-1.#IND" || v == "1.#QNAN";
    case 8:
      return v == "-1.#QNAN" || v == "#N/A N/A";
    default:
      return false;
  }
}

std::string_view trim_space(std::string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && (v[b] == ' ' || v[b] == '\t')) ++b;
  while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t')) --e;
  return v.substr(b, e - b);
}

enum class IntParse { kOk, kOverflow, kNotInt };

// pandas' str_to_int64: optional surrounding spaces, optional sign, digits.
IntParse parse_int(std::string_view v, int64_t& out) {
  v = trim_space(v);
  if (v.empty()) return IntParse::kNotInt;
  const char* b = v.data();
  const char* e = b + v.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-') return IntParse::kNotInt;
  }
  auto [p, ec] = std::from_chars(b, e, out);
  if (p != e) return IntParse::kNotInt;
  if (ec == std::errc::result_out_of_range) return IntParse::kOverflow;
  if (ec != std::errc()) return IntParse::kNotInt;
  return IntParse::kOk;
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// pandas' float conversion: decimal or exponent forms with optional sign and
// surrounding spaces; inf/infinity in any case with optional sign. NaN text
// is not a float here (the NA markers catch the usual spellings).
bool parse_float(std::string_view v, double& out) {
  v = trim_space(v);
  if (v.empty()) return false;
  bool neg = false;
  std::string_view body = v;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
    if (body.empty()) return false;
  }
  char c = body[0];
  if (c == 'i' || c == 'I') {
    if (ieq(body, "inf") || ieq(body, "infinity")) {
      out =
          neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      return true;
    }
    return false;
  }
  if (!((c >= '0' && c <= '9') || c == '.')) return false;
  auto [p, ec] =
      std::from_chars(body.data(), body.data() + body.size(), out, std::chars_format::general);
  if (p != body.data() + body.size()) return false;
  // Out-of-range text (1e400, 1e-400) is not a float to pandas: it stays a string.
  if (ec != std::errc()) return false;
  if (neg) out = -out;
  return true;
}

// pandas' default true_values / false_values for inference.
int parse_bool(std::string_view v) {
  if (v.size() < 4 || v.size() > 5) return -1;
  if (v == "True" || v == "TRUE" || v == "true") return 1;
  if (v == "False" || v == "FALSE" || v == "false") return 0;
  return -1;
}

// All digits (with an optional sign) but too large for int64.
bool fits_uint64(std::string_view v, uint64_t& out) {
  v = trim_space(v);
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size();
}

// ---------------------------------------------------------------------------
// Column building.

Value make_string(std::string_view v) {
  return Value(std::string(v));
}

Result<Column> forced_column(Value name, const std::vector<std::string_view>& vals,
                             const std::string& type) {
  Column c;
  c.name = std::move(name);
  c.values.reserve(vals.size());
  if (type == "str_type") {
    c.dtype = "object";
    for (auto v : vals) c.values.push_back(is_na(v) ? Value::nan() : make_string(v));
    return c;
  }
  if (type == "int_type") {
    c.dtype = "Int32";
    for (auto v : vals) {
      if (is_na(v)) {
        c.values.emplace_back();
        continue;
      }
      int64_t i = 0;
      double d = 0;
      if (parse_int(v, i) == IntParse::kOk) {
      } else if (parse_float(v, d) && std::isfinite(d) && d == std::floor(d) &&
                 std::fabs(d) < 1e18) {
        i = static_cast<int64_t>(d);
      } else if (parse_float(v, d)) {
        return Error{"TypeError", "cannot safely cast non-equivalent float64 to int32", 400};
      } else {
        return Error::value("Unable to parse string \"" + std::string(v) + "\"");
      }
      if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max())
        return Error::value("Values are too large to be losslessly cast to int32.");
      c.values.emplace_back(i);
    }
    return c;
  }
  if (type == "float_type") {
    c.dtype = "Float64";
    for (auto v : vals) {
      double d = 0;
      if (is_na(v)) {
        c.values.emplace_back();
      } else if (parse_float(v, d)) {
        c.values.emplace_back(d);
      } else {
        return Error::value("Unable to parse string \"" + std::string(v) + "\"");
      }
    }
    return c;
  }
  if (type == "bool_type") {
    c.dtype = "boolean";
    for (auto v : vals) {
      if (is_na(v)) {
        c.values.emplace_back();
      } else if (v == "True" || v == "TRUE" || v == "true" || v == "1" || v == "1.0") {
        c.values.emplace_back(true);
      } else if (v == "False" || v == "FALSE" || v == "false" || v == "0" || v == "0.0") {
        c.values.emplace_back(false);
      } else {
        return Error::value(std::string(v) + " cannot be cast to bool");
      }
    }
    return c;
  }
  return Error::key(py_string_repr(type), 400);
}

// pandas' read_csv inference for one column of raw fields.
Column infer_column(Value name, const std::vector<std::string_view>& vals) {
  enum class Kind { kNone, kInt, kFloat, kBool, kObject, kBig };
  Kind kind = Kind::kNone;
  bool any_na = false;
  std::vector<int64_t> ints;
  std::vector<double> dbls;
  std::vector<uint8_t> bools;
  const size_t n = vals.size();
  // Per-row NA flags are implied by the numeric storage: NaN for floats;
  // for ints and bools we record them separately.
  std::vector<uint8_t> na(n, 0);
  for (size_t i = 0; i < n && kind != Kind::kObject && kind != Kind::kBig; ++i) {
    std::string_view v = vals[i];
    if (is_na(v)) {
      na[i] = 1;
      any_na = true;
      continue;
    }
    if (kind == Kind::kNone) {
      int64_t iv;
      double dv;
      IntParse ip = parse_int(v, iv);
      if (ip == IntParse::kOk) {
        kind = Kind::kInt;
        ints.assign(n, 0);
      } else if (ip == IntParse::kOverflow) {
        kind = Kind::kBig;
        break;
      } else if (parse_float(v, dv)) {
        kind = Kind::kFloat;
        dbls.assign(n, std::numeric_limits<double>::quiet_NaN());
      } else if (parse_bool(v) >= 0) {
        kind = Kind::kBool;
        bools.assign(n, 0);
      } else {
        kind = Kind::kObject;
        break;
      }
    }
    if (kind == Kind::kInt) {
      IntParse ip = parse_int(v, ints[i]);
      if (ip == IntParse::kOk) continue;
      if (ip == IntParse::kOverflow) {
        kind = Kind::kBig;
        break;
      }
      double dv;
      if (!parse_float(v, dv)) {
        kind = Kind::kObject;
        break;
      }
      dbls.assign(n, std::numeric_limits<double>::quiet_NaN());
      for (size_t k = 0; k < i; ++k)
        if (!na[k]) dbls[k] = static_cast<double>(ints[k]);
      ints.clear();
      kind = Kind::kFloat;
    }
    if (kind == Kind::kFloat) {
      if (!parse_float(v, dbls[i])) kind = Kind::kObject;
      continue;
    }
    if (kind == Kind::kBool) {
      int b = parse_bool(v);
      if (b < 0)
        kind = Kind::kObject;
      else
        bools[i] = static_cast<uint8_t>(b);
    }
  }

  Column c;
  c.name = std::move(name);
  c.values.reserve(n);
  if (kind == Kind::kBig) {
    // Integers beyond int64: pandas tries uint64, else keeps the strings.
    bool all_uint = true;
    std::vector<uint64_t> us(n, 0);
    for (size_t i = 0; i < n && all_uint; ++i)
      if (is_na(vals[i]) || !fits_uint64(vals[i], us[i])) all_uint = false;
    if (all_uint) {
      c.dtype = "uint64";
      for (uint64_t u : us) {
        if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          c.values.emplace_back(static_cast<int64_t>(u));
        else
          c.values.emplace_back(BigInt{std::to_string(u)});
      }
      return c;
    }
    kind = Kind::kObject;
  }
  switch (kind) {
    case Kind::kNone:
      // No data rows: object; only missing values: float64 NaN.
      c.dtype = n == 0 ? "object" : "float64";
      c.values.assign(n, Value::nan());
      break;
    case Kind::kInt:
      if (any_na) {
        c.dtype = "float64";
        for (size_t i = 0; i < n; ++i)
          c.values.emplace_back(na[i] ? std::numeric_limits<double>::quiet_NaN()
                                      : static_cast<double>(ints[i]));
      } else {
        c.dtype = "int64";
        for (size_t i = 0; i < n; ++i) c.values.emplace_back(ints[i]);
      }
      break;
    case Kind::kFloat:
      c.dtype = "float64";
      for (size_t i = 0; i < n; ++i) c.values.emplace_back(dbls[i]);
      break;
    case Kind::kBool:
      c.dtype = any_na ? "object" : "bool";
      for (size_t i = 0; i < n; ++i) {
        if (na[i])
          c.values.push_back(Value::nan());
        else
          c.values.emplace_back(bools[i] != 0);
      }
      break;
    default:
      c.dtype = "object";
      for (size_t i = 0; i < n; ++i) {
        if (is_na(vals[i]))
          c.values.push_back(Value::nan());
        else
          c.values.emplace_back(vals[i]);
      }
  }
  return c;
}

// pandas' mangle_dupe_cols as its C parser applies it to a header: a
// repeat becomes name.N, skipping any N already present in the header.
void dedupe_names(std::vector<std::string>& names) {
  std::unordered_map<std::string, int> counts;
  // How often each name occurs in the header as it is being rewritten.
  std::unordered_map<std::string, int> present;
  for (const auto& n : names) ++present[n];
  auto in_header = [&](const std::string& s) {
    auto it = present.find(s);
    return it != present.end() && it->second > 0;
  };
  for (auto& name : names) {
    std::string col = name;
    int cur = counts.count(col) ? counts[col] : 0;
    if (cur > 0) {
      const std::string old = col;
      while (cur > 0) {
        counts[old] = cur + 1;
        col = old + "." + std::to_string(cur);
        if (in_header(col))
          ++cur;
        else
          cur = counts.count(col) ? counts[col] : 0;
      }
      --present[name];
      ++present[col];
      name = col;
    }
    counts[col] = cur + 1;
  }
}

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kNewlineMask = kOnes * '\n';
constexpr uint64_t kReturnMask = kOnes * '\r';

// Nonzero when some byte of `w` equals the byte repeated in `mask`.
inline uint64_t has_byte(uint64_t w, uint64_t mask) {
  uint64_t x = w ^ mask;
  return (x - kOnes) & ~x & 0x8080808080808080ULL;
}

size_t line_of(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i)
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')))
      ++line;
  return line;
}

}  // namespace

// ---------------------------------------------------------------------------

std::string shown_filename(const Map& details) {
  const Value* fn = details.find("filename");
  std::string name = fn && fn->is_string() ? fn->as_string() : std::string();
  if (const Value* dir = details.find("directory"); dir && dir->is_string())
    name = path_join(dir->as_string(), name);
  return name;
}

Result<CsvOptions> csv_options_from_details(const Map& details) {
  CsvOptions o;
  if (const Value* h = details.find("header")) {
    if (h->is_null())
      o.header.reset();
    else if (h->is_int() && h->as_int() >= 0)
      o.header = h->as_int();
    else
      return Error::value("Passing a " + py_repr(*h) +
                          " as header is not supported; use an integer row number or null");
  }
  auto one_char = [](const Value* v, const char* what, char& out) -> Status {
    if (!v) return Ok{};
    if (!v->is_string() || v->as_string().size() != 1 || v->as_string()[0] == '\n' ||
        v->as_string()[0] == '\r')
      return Error::value(std::string("\"") + what + "\" must be a single character, got " +
                          py_repr(*v));
    out = v->as_string()[0];
    return Ok{};
  };
  if (auto s = one_char(details.find("delimiter"), "delimiter", o.delimiter); !s.ok())
    return s.error();
  if (auto s = one_char(details.find("quotechar"), "quotechar", o.quotechar); !s.ok())
    return s.error();
  if (o.delimiter == o.quotechar) return Error::value("delimiter and quotechar must differ");
  if (const Value* d = details.find("dtypes"); d && !d->is_null()) {
    if (!d->is_list()) return Error::value("\"dtypes\" must be a list of {field, type} entries");
    for (const auto& e : d->as_list()) {
      const Value* f = e.get("field");
      const Value* t = e.get("type");
      if (!f || !t || !t->is_string())
        return Error::value("Each \"dtypes\" entry needs \"field\" and \"type\"");
      o.dtypes.emplace_back(py_str(*f), t->as_string());
    }
  }
  return o;
}

Result<Frame> parse_csv(std::string_view text, const CsvOptions& opts, std::string_view shown) {
  if (size_t bad = utf8::first_invalid(text); bad != std::string_view::npos) {
    return Error{"UnicodeDecodeError",
                 "'utf-8' codec can't decode byte 0x" +
                     [&] {
                       char b[3];
                       std::snprintf(b, sizeof b, "%02x", static_cast<unsigned char>(text[bad]));
                       return std::string(b);
                     }() +
                     " in position " + std::to_string(bad) + " of file " + py_string_repr(shown) +
                     ": invalid utf-8 data",
                 400};
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  const char delim = opts.delimiter, quote = opts.quotechar;
  const char* s = text.data();
  const size_t n = text.size();
  // Unescaped copies of quoted fields that contained doubled quotes. Reserved
  // to the input size up front so its contents never move: each byte
  // appended comes from a distinct input byte.
  std::string side;
  bool special[256] = {};
  special[static_cast<unsigned char>(delim)] = true;
  special[static_cast<unsigned char>('\n')] = true;
  special[static_cast<unsigned char>('\r')] = true;
  const bool ws_delim = delim == ' ' || delim == '\t';
  const uint64_t delim_mask = kOnes * static_cast<unsigned char>(delim);

  std::vector<std::string_view> row;
  std::vector<std::string> header_names;
  std::vector<std::vector<std::string_view>> cols;
  std::vector<std::string_view> index_vals;
  bool have_names = false, implicit_index = false, first_data = true;
  size_t ncols = 0;
  int64_t record_no = 0;
  // Rows are at most the line count: reserve once instead of regrowing.
  const size_t est_rows = static_cast<size_t>(std::count(s, s + n, '\n')) + 1;

  auto on_row = [&](size_t row_pos) -> Status {
    if (opts.header && record_no < *opts.header) {
      ++record_no;
      return Ok{};
    }
    if (opts.header && record_no == *opts.header) {
      ++record_no;
      header_names.reserve(row.size());
      for (size_t k = 0; k < row.size(); ++k)
        header_names.push_back(row[k].empty() ? "Unnamed: " + std::to_string(k)
                                              : std::string(row[k]));
      ncols = row.size();
      have_names = true;
      cols.resize(ncols);
      for (auto& c : cols) c.reserve(est_rows);
      return Ok{};
    }
    ++record_no;
    if (!have_names) {
      ncols = row.size();
      have_names = true;
      cols.resize(ncols);
      for (auto& c : cols) c.reserve(est_rows);
    }
    if (first_data) {
      first_data = false;
      if (opts.header && row.size() == ncols + 1) implicit_index = true;
    }
    size_t expected = ncols + (implicit_index ? 1 : 0);
    if (row.size() > expected)
      return parser_error("Error tokenizing data. C error: Expected " + std::to_string(expected) +
                          " fields in line " + std::to_string(line_of(text, row_pos)) + ", saw " +
                          std::to_string(row.size()) + "\n");
    size_t k = 0;
    if (implicit_index) {
      index_vals.push_back(row.empty() ? std::string_view() : row[0]);
      k = 1;
    }
    size_t j = 0;
    for (; k < row.size(); ++k, ++j) cols[j].push_back(row[k]);
    for (; j < ncols; ++j) cols[j].emplace_back();
    return Ok{};
  };

  size_t i = 0;
  size_t records = 0;
  while (i < n) {
    // Blank lines (and lines of only spaces/tabs) are skipped.
    char c0 = s[i];
    if (c0 == '\n') {
      ++i;
      continue;
    }
    if (c0 == '\r') {
      ++i;
      if (i < n && s[i] == '\n') ++i;
      continue;
    }
    if ((c0 == ' ' || c0 == '\t') && !ws_delim) {
      size_t j = i;
      while (j < n && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j == n || s[j] == '\n' || s[j] == '\r') {
        i = j;
        continue;
      }
    }
    const size_t row_pos = i;
    row.clear();
    while (true) {
      std::string_view field;
      if (i < n && s[i] == quote) {
        const size_t start = ++i;
        size_t side_start = 0;
        bool copied = false;
        size_t end = 0;
        while (true) {
          const void* q = i < n ? std::memchr(s + i, quote, n - i) : nullptr;
          if (!q)
            return parser_error(
                "Error tokenizing data. C error: EOF inside string starting at row " +
                std::to_string(records));
          size_t qpos = static_cast<size_t>(static_cast<const char*>(q) - s);
          if (qpos + 1 < n && s[qpos + 1] == quote) {
            if (!copied) {
              if (side.capacity() < n) side.reserve(n);
              side_start = side.size();
              side.append(s + start, qpos + 1 - start);
              copied = true;
            } else {
              side.append(s + i, qpos + 1 - i);
            }
            i = qpos + 2;
            continue;
          }
          if (copied) side.append(s + i, qpos - i);
          end = qpos;
          i = qpos + 1;
          break;
        }
        // Text after the closing quote joins the field, as pandas does.
        if (i < n && !special[static_cast<unsigned char>(s[i])]) {
          if (!copied) {
            if (side.capacity() < n) side.reserve(n);
            side_start = side.size();
            side.append(s + start, end - start);
            copied = true;
          }
          size_t j = i;
          while (j < n && !special[static_cast<unsigned char>(s[j])]) ++j;
          side.append(s + i, j - i);
          i = j;
        }
        field = copied ? std::string_view(side.data() + side_start, side.size() - side_start)
                       : std::string_view(s + start, end - start);
      } else {
        const size_t start = i;
        // Eight bytes at a time while none of them ends the field.
        while (i + 8 <= n) {
          uint64_t w;
          std::memcpy(&w, s + i, 8);
          if (has_byte(w, delim_mask) | has_byte(w, kNewlineMask) | has_byte(w, kReturnMask)) break;
          i += 8;
        }
        while (i < n && !special[static_cast<unsigned char>(s[i])]) ++i;
        field = std::string_view(s + start, i - start);
      }
      row.push_back(field);
      if (i >= n) break;
      char c = s[i];
      if (c == delim) {
        ++i;
        continue;
      }
      // End of line.
      ++i;
      if (c == '\r' && i < n && s[i] == '\n') ++i;
      break;
    }
    ++records;
    if (auto st = on_row(row_pos); !st.ok()) return st.error();
  }

  if (!have_names) {
    if (records == 0) return Error{"EmptyDataError", "No columns to parse from file", 400};
    return parser_error("Passed header=" + std::to_string(*opts.header) + ", len of " +
                        std::to_string(*opts.header + 1) + ", but only " + std::to_string(records) +
                        " lines in file");
  }

  std::vector<Value> names;
  names.reserve(ncols);
  if (opts.header) {
    dedupe_names(header_names);
    for (auto& h : header_names) names.emplace_back(std::move(h));
  } else {
    for (size_t k = 0; k < ncols; ++k) names.emplace_back(static_cast<int64_t>(k));
  }

  Frame f;
  f.columns.reserve(ncols);
  for (size_t k = 0; k < ncols; ++k) {
    std::string key = py_str(names[k]);
    const std::string* forced = nullptr;
    for (const auto& [field, type] : opts.dtypes)
      if (field == key) forced = &type;
    if (forced) {
      auto col = forced_column(std::move(names[k]), cols[k], *forced);
      if (!col.ok()) return col.error();
      f.columns.push_back(std::move(col).value());
    } else {
      f.columns.push_back(infer_column(std::move(names[k]), cols[k]));
    }
    std::vector<std::string_view>().swap(cols[k]);
  }
  if (implicit_index) f.index = infer_column(Value(), index_vals);
  return f;
}

namespace {

// The file's bytes in an uninitialised buffer (a std::string zero-fills
// and may regrow; at 100k rows that is measurable). `fd` was opened
// through the PathPolicy, so the file is the one beneath the root; what is
// not a plain regular file of sane size is read by core read_fd, which
// words errors and limits as lynguine does.
struct FileBytes {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};

Result<FileBytes> read_file_bytes(int fd, const std::string& shown) {
  auto via_read_fd = [&]() -> Result<FileBytes> {
    if (::lseek(fd, 0, SEEK_SET) != 0) return os_error(errno, shown);
    LYN_TRY_ASSIGN(text, read_fd(fd, shown));
    FileBytes b;
    b.size = text.size();
    b.data = std::make_unique_for_overwrite<char[]>(b.size + 1);
    std::memcpy(b.data.get(), text.data(), b.size);
    return b;
  };
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) > kMaxFileBytes)
    return via_read_fd();
  FileBytes b;
  size_t cap = static_cast<size_t>(st.st_size) + 1;
  b.data = std::make_unique_for_overwrite<char[]>(cap);
  while (true) {
    if (b.size == cap) {
      // The file grew past its stat size while we read it.
      if (cap > kMaxFileBytes) return via_read_fd();
      auto bigger = std::make_unique_for_overwrite<char[]>(cap * 2);
      std::memcpy(bigger.get(), b.data.get(), b.size);
      b.data = std::move(bigger);
      cap *= 2;
    }
    ssize_t n = ::read(fd, b.data.get() + b.size, cap - b.size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error(errno, shown);
    }
    if (n == 0) break;
    b.size += static_cast<size_t>(n);
  }
  return b;
}

}  // namespace

Result<Frame> read_csv(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(opts, csv_options_from_details(details));
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  std::string shown = shown_filename(details);
  auto load = [&]() -> Result<Frame> {
    LYN_TRY_ASSIGN(fd, ctx.paths.open(path, O_RDONLY, shown));
    auto bytes = read_file_bytes(fd.get(), shown);
    if (!bytes.ok()) return bytes.error();
    return parse_csv(bytes->view(), opts, shown);
  };
  if (ctx.cache) {
    Map tag;
    tag.set("header", opts.header ? Value(*opts.header) : Value());
    tag.set("delimiter", Value(std::string(1, opts.delimiter)));
    tag.set("quotechar", Value(std::string(1, opts.quotechar)));
    List dt;
    for (const auto& [field, type] : opts.dtypes)
      dt.emplace_back(Map{{"field", Value(field)}, {"type", Value(type)}});
    tag.set("dtypes", Value(std::move(dt)));
    auto cached = ctx.cache->get<Frame>(path, "csv:" + to_json(Value(std::move(tag))),
                                        std::function<Result<Frame>()>(load));
    if (!cached.ok()) return cached.error();
    return Frame(**cached);
  }
  return load();
}

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
      out += py_float_repr(v.as_float());
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "True" : "False";
      return;
    default:
      append_csv_field(out, py_str(v), delim, quote);
  }
}

}  // namespace

std::string format_csv(const Frame& frame, char delimiter, char quotechar) {
  std::string out;
  const size_t ncols = frame.columns.size(), nrows = frame.num_rows();
  out.reserve(64 + nrows * ncols * 8);
  for (size_t j = 0; j < ncols; ++j) {
    if (j) out += delimiter;
    append_csv_field(out, frame.columns[j].key(), delimiter, quotechar);
  }
  if (ncols == 1 && frame.columns[0].key().empty()) out += std::string(2, quotechar);
  out += '\n';
  for (size_t i = 0; i < nrows; ++i) {
    size_t row_start = out.size();
    for (size_t j = 0; j < ncols; ++j) {
      if (j) out += delimiter;
      append_cell(out, frame.columns[j].values[i], delimiter, quotechar);
    }
    // Python's csv writer quotes a row that is a single empty field.
    if (ncols == 1 && out.size() == row_start) out += std::string(2, quotechar);
    out += '\n';
  }
  return out;
}

Status write_csv(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(opts, csv_options_from_details(details));
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  return ctx.paths.write_file(path, format_csv(frame, opts.delimiter, opts.quotechar),
                              shown_filename(details));
}

}  // namespace lyn::access
