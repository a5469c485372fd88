// The "csv" format: options from a description, the reader (tokenizer and
// pandas' inference in csv_tokenizer.* and csv_infer.*) and the file read.
// The writer is in csv_writer.cc.
#include "access/csv_format.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "access/csv_infer.h"
#include "access/csv_tokenizer.h"
#include "core/budget.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/malloc_policy.h"
#include "core/utf8.h"

namespace lyn::access {

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
      o.dtypes.emplace_back(*f, t->as_string());
    }
  }
  return o;
}

namespace {

// Python's == between two dict keys as JSON and CSV give them: strings
// equal strings; ints, floats and bools compare as numbers (0 == 0.0 ==
// False); None equals None.
bool py_key_equal(const Value& a, const Value& b) {
  if (a.is_string() || b.is_string())
    return a.is_string() && b.is_string() && a.as_string() == b.as_string();
  auto number = [](const Value& v, double& out) {
    if (v.is_int())
      out = static_cast<double>(v.as_int());
    else if (v.is_float())
      out = v.as_float();
    else if (v.is_bool())
      out = v.as_bool() ? 1 : 0;
    else
      return false;
    return true;
  };
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  double x, y;
  if (number(a, x) && number(b, y)) return x == y;
  return a.is_null() && b.is_null();
}

// How many rows the text can hold at most: its line count.
size_t max_rows_in(std::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

Error unicode_error(std::string_view text, size_t bad, std::string_view shown) {
  char b[3];
  std::snprintf(b, sizeof b, "%02x", static_cast<unsigned char>(text[bad]));
  return Error{"UnicodeDecodeError",
               std::string("'utf-8' codec can't decode byte 0x") + b + " in position " +
                   std::to_string(bad) + " of file " + py_string_repr(shown) +
                   ": invalid utf-8 data",
               400};
}

// The rows of the header and the shape of the data, as the first pass
// finds them.
struct CsvLayout {
  std::vector<std::string> header_names;
  bool have_names = false;
  std::vector<bool> unnamed;  // header fields that were empty ("Unnamed: N")
  // Leading fields of the data rows beyond the header's: pandas reads them
  // as the index (a MultiIndex when several), decided by the first data row.
  size_t leading = 0;
  size_t ncols = 0;
};

// Feeds one data row to the builders (index builder first when there is
// one); short rows are padded with missing fields.
void feed_row(const std::vector<std::string_view>& row, const CsvLayout& layout,
              std::vector<CsvColumnBuilder>& builders) {
  size_t k = 0, b = 0;
  for (; b < layout.leading; ++b, ++k)
    builders[b].add(k < row.size() ? row[k] : std::string_view());
  for (; k < row.size(); ++k) builders[b++].add(row[k]);
  for (; b < builders.size(); ++b) builders[b].add({});
}

// Second pass for the columns that need all their fields at once (forced
// dtypes, text after numbers, integers beyond int64). Returns their fields
// in builder order; the views point into `text` or into `tok`.
Status collect_deferred(CsvTokenizer& tok, const CsvOptions& opts, const std::vector<size_t>& which,
                        std::vector<std::vector<std::string_view>>& fields) {
  std::vector<std::string_view> row;
  int64_t record_no = 0;
  while (true) {
    LYN_TRY_ASSIGN(more, tok.next(row));
    if (!more) break;
    if (opts.header && record_no++ <= *opts.header) continue;
    // Builder b reads field b (the index builder, when there is one, is 0).
    for (size_t w = 0; w < which.size(); ++w)
      fields[w].push_back(which[w] < row.size() ? row[which[w]] : std::string_view());
  }
  return Ok{};
}

}  // namespace

Result<Frame> parse_csv(std::string_view text, const CsvOptions& opts, std::string_view shown) {
  if (size_t bad = utf8::first_invalid(text); bad != std::string_view::npos)
    return unicode_error(text, bad, shown);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  CsvTokenizer tok(text, opts.delimiter, opts.quotechar);
  std::vector<std::string_view> row;
  CsvLayout layout;
  std::vector<CsvColumnBuilder> builders;
  int64_t record_no = 0;
  size_t data_rows = 0;
  const size_t est_rows = max_rows_in(text);
  // Parsing stops with the request's max_rows refusal once the rows would
  // pass what its Budget has left (core/budget.h).
  const Budget& budget = Budget::current();
  const uint64_t rows_left = budget.rows_left();
  while (true) {
    LYN_TRY_ASSIGN(more, tok.next(row));
    if (!more) break;
    if (opts.header && record_no < *opts.header) {
      ++record_no;
      continue;
    }
    if (opts.header && record_no == *opts.header) {
      ++record_no;
      layout.header_names.reserve(row.size());
      for (size_t k = 0; k < row.size(); ++k) {
        layout.unnamed.push_back(row[k].empty());
        layout.header_names.push_back(row[k].empty() ? "Unnamed: " + std::to_string(k)
                                                     : std::string(row[k]));
      }
      layout.ncols = row.size();
      layout.have_names = true;
      continue;
    }
    ++record_no;
    if (!layout.have_names) {
      layout.ncols = row.size();
      layout.have_names = true;
    }
    if (builders.empty()) {
      layout.leading = opts.header && row.size() > layout.ncols ? row.size() - layout.ncols : 0;
      builders.assign(layout.ncols + layout.leading, CsvColumnBuilder(est_rows));
    }
    size_t expected = layout.ncols + layout.leading;
    if (row.size() > expected)
      return csv_parser_error("Error tokenizing data. C error: Expected " +
                              std::to_string(expected) + " fields in line " +
                              std::to_string(tok.line_of_row()) + ", saw " +
                              std::to_string(row.size()) + "\n");
    if (++data_rows > rows_left) return budget.rows_error();
    feed_row(row, layout, builders);
  }

  if (!layout.have_names) {
    if (tok.rows() == 0) return Error{"EmptyDataError", "No columns to parse from file", 400};
    return csv_parser_error("Passed header=" + std::to_string(*opts.header) + ", len of " +
                            std::to_string(*opts.header + 1) + ", but only " +
                            std::to_string(tok.rows()) + " lines in file");
  }
  if (builders.empty()) builders.assign(layout.ncols, CsvColumnBuilder(0));

  const size_t offset = layout.leading;
  std::vector<Value> names;
  // A mangled duplicate takes its original name's dtype when it has none
  // of its own (pandas 1.5 copies the dtype entry as it mangles).
  std::vector<Value> originals;
  names.reserve(layout.ncols);
  if (opts.header) {
    for (const auto& h : layout.header_names) originals.emplace_back(h);
    dedupe_csv_names(layout.header_names, layout.unnamed);
    for (auto& h : layout.header_names) names.emplace_back(std::move(h));
  } else {
    for (size_t k = 0; k < layout.ncols; ++k) names.emplace_back(static_cast<int64_t>(k));
  }
  // lynguine's `dtypes`: the forced type of each column, if any (the last
  // entry for a key wins, as in the dict lynguine builds).
  auto dtype_of = [&](const Value& key) -> const std::string* {
    const std::string* found = nullptr;
    for (const auto& [field, type] : opts.dtypes)
      if (py_key_equal(field, key)) found = &type;
    return found;
  };
  std::vector<const std::string*> forced(layout.ncols, nullptr);
  for (size_t k = 0; k < layout.ncols; ++k) {
    forced[k] = dtype_of(names[k]);
    // (Only when there are rows: pandas builds a frame of no rows from the
    // dtypes as given.)
    if (!forced[k] && data_rows > 0 && !originals.empty() && !py_key_equal(originals[k], names[k]))
      forced[k] = dtype_of(originals[k]);
    if (!forced[k]) forced[k] = dtype_of(Value(static_cast<int64_t>(offset + k)));
    if (forced[k]) builders[offset + k].defer();
  }

  std::vector<size_t> deferred;
  for (size_t b = 0; b < builders.size(); ++b)
    if (builders[b].deferred()) deferred.push_back(b);
  std::vector<std::vector<std::string_view>> fields(deferred.size());
  // The second pass's tokenizer owns the unescaped text its views point to.
  CsvTokenizer again(text, opts.delimiter, opts.quotechar);
  if (!deferred.empty()) {
    for (auto& f : fields) f.reserve(data_rows);
    if (auto st = collect_deferred(again, opts, deferred, fields); !st.ok()) return st.error();
  }
  auto build = [&](size_t b, Value name) -> Result<Column> {
    auto it = std::find(deferred.begin(), deferred.end(), b);
    if (it == deferred.end()) return builders[b].finish(std::move(name));
    auto& f = fields[static_cast<size_t>(it - deferred.begin())];
    Result<Column> c = b >= offset && forced[b - offset]
                           ? forced_csv_column(std::move(name), f, *forced[b - offset])
                           : Result<Column>(infer_csv_column(std::move(name), f));
    std::vector<std::string_view>().swap(f);
    return c;
  };

  Frame frame;
  frame.columns.reserve(layout.ncols);
  for (size_t k = 0; k < layout.ncols; ++k) {
    LYN_TRY_ASSIGN(col, build(offset + k, std::move(names[k])));
    frame.columns.push_back(std::move(col));
  }
  if (layout.leading == 1) {
    LYN_TRY_ASSIGN(idx, build(0, Value()));
    frame.index = std::move(idx);
  } else if (layout.leading > 1) {
    // A MultiIndex: its labels are tuples of the levels' values.
    std::vector<std::vector<Value>> levels;
    for (size_t b = 0; b < layout.leading; ++b) {
      LYN_TRY_ASSIGN(level, build(b, Value()));
      levels.push_back(level.values());
    }
    std::vector<Value> labels(data_rows);
    for (size_t r = 0; r < data_rows; ++r) {
      Tuple t;
      for (const auto& level : levels) t.items.push_back(level[r]);
      labels[r] = Value(std::move(t));
    }
    frame.index = Column(Value(), "object", std::move(labels));
  }
  return frame;
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
    b.data = std::unique_ptr<char[]>(new char[b.size + 1]);
    std::memcpy(b.data.get(), text.data(), b.size);
    return b;
  };
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) > kMaxFileBytes)
    return via_read_fd();
  FileBytes b;
  size_t cap = static_cast<size_t>(st.st_size) + 1;
  b.data = std::unique_ptr<char[]>(new char[cap]);
  advise_huge_pages(b.data.get(), cap);
  while (true) {
    if (b.size == cap) {
      // The file grew past its stat size while we read it.
      if (cap > kMaxFileBytes) return via_read_fd();
      // new char[] (uninitialised): make_unique_for_overwrite is missing from libc++ 14.
      auto bigger = std::unique_ptr<char[]>(new char[cap * 2]);
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
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
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
      dt.emplace_back(Map{{"field", field}, {"type", Value(type)}});
    tag.set("dtypes", Value(std::move(dt)));
    auto cached = ctx.cache->get<Frame>(path, "csv:" + to_json(Value(std::move(tag))),
                                        std::function<Result<Frame>()>(load));
    if (!cached.ok()) return cached.error();
    return Frame(**cached);
  }
  return load();
}

}  // namespace lyn::access
