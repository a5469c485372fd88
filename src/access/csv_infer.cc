// Over 500 lines: pandas' converters and the column builder that applies them in pandas' order.
#include "access/csv_infer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>

#include "core/case.h"
#include "core/text.h"
#include "core/value.h"

namespace lyn::access {

namespace {

// pandas 1.5's default na_values (keep_default_na=True).
bool na(std::string_view v) {
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
  // The common case first: up to 18 digits, maybe a minus sign, nothing else.
  if (!v.empty() && v.size() <= 18) {
    size_t i = v[0] == '-' ? 1 : 0;
    int64_t x = 0;
    for (; i < v.size(); ++i) {
      const unsigned d = static_cast<unsigned char>(v[i]) - '0';
      if (d > 9) break;
      x = x * 10 + d;
    }
    if (i == v.size() && i > (v[0] == '-' ? 1u : 0u)) {
      out = v[0] == '-' ? -x : x;
      return IntParse::kOk;
    }
  }
  v = trim_space(v);
  if (v.empty()) return IntParse::kNotInt;
  const char* b = v.data();
  const char* e = b + v.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-') return IntParse::kNotInt;
  }
  auto [p, ec] = std::from_chars(b, e, out);
  // pandas finds the overflow in the digits, before it looks at what
  // follows them: "99999999999999999999.5" overflows.
  if (ec == std::errc::result_out_of_range) return IntParse::kOverflow;
  if (p != e) return IntParse::kNotInt;
  if (ec != std::errc()) return IntParse::kNotInt;
  return IntParse::kOk;
}

// Clinger's fast path: a plain decimal of at most 15 digits is m / 10^k
// with m and 10^k exact doubles, so one correctly rounded division gives
// the value std::from_chars gives. False for anything else.
bool parse_short_decimal(std::string_view v, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  uint64_t m = 0;
  int digits = 0, decimals = 0;
  bool point = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      if (++digits > 15) return false;
      m = m * 10 + static_cast<uint64_t>(c - '0');
      decimals += point;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  out = static_cast<double>(m) / kPow10[decimals];
  return true;
}

bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// pandas' precise_xstrtod, the C parser's default float converter, step by
// step (its results are not always correctly rounded, and we must give
// the same doubles): at most 17 digits are summed (leading zeros count:
// "00000000000000000001.5" is 0.0), further integer digits only scale,
// then one multiplication or division by a power of ten (two below
// 1e-308, so 1e-400 is 0.0); beyond 1e308 it is no float.
bool precise_xstrtod(std::string_view v, double& out) {
  static const std::vector<double> e = [] {
    std::vector<double> t(309);
    for (int i = 0; i <= 308; ++i) t[i] = std::strtod(("1e" + std::to_string(i)).c_str(), nullptr);
    return t;
  }();
  constexpr int kMaxDigits = 17;
  size_t i = 0;
  const size_t n = v.size();
  while (i < n && ascii_space(v[i])) ++i;
  bool negative = false;
  if (i < n && (v[i] == '-' || v[i] == '+')) negative = v[i++] == '-';
  double number = 0.;
  int exponent = 0, num_digits = 0, num_decimals = 0;
  for (; i < n && ascii_digit(v[i]); ++i) {
    if (num_digits < kMaxDigits) {
      number = number * 10. + (v[i] - '0');
      ++num_digits;
    } else {
      ++exponent;
    }
  }
  if (i < n && v[i] == '.') {
    ++i;
    for (; num_digits < kMaxDigits && i < n && ascii_digit(v[i]); ++i) {
      number = number * 10. + (v[i] - '0');
      ++num_digits;
      ++num_decimals;
    }
    while (i < n && ascii_digit(v[i])) ++i;
    exponent -= num_decimals;
  }
  if (num_digits == 0) return false;
  if (negative) number = -number;
  if (i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < n && (v[i] == '-' || v[i] == '+')) eneg = v[i++] == '-';
    // An int in C: seventeen digits wrap as they do there.
    uint32_t x = 0;
    int digits = 0;
    for (; digits < kMaxDigits && i < n && ascii_digit(v[i]); ++i, ++digits)
      x = x * 10u + static_cast<uint32_t>(v[i] - '0');
    if (digits == 0) return false;  // "1e", "1e+": the text does not end a float
    const int32_t e10 = static_cast<int32_t>(x);
    exponent =
        static_cast<int>(static_cast<uint32_t>(exponent) +
                         (eneg ? 0u - static_cast<uint32_t>(e10) : static_cast<uint32_t>(e10)));
  }
  if (exponent > 308) return false;
  if (exponent > 0) {
    number *= e[exponent];
  } else if (exponent < -308) {
    if (exponent < -616) {
      number = 0.;
    } else {
      number /= e[-308 - exponent];
      number /= e[308];
    }
  } else {
    number /= e[-exponent];
  }
  if (std::isinf(number)) return false;
  while (i < n && ascii_space(v[i])) ++i;
  if (i != n) return false;
  out = number;
  return true;
}

// pandas' float conversion: decimal or exponent forms with optional sign and
// surrounding spaces; inf/infinity in any case with optional sign but no
// surrounding spaces (pandas' xstrtod skips the spaces of numbers, its
// inf/infinity fallback compares the untrimmed cell: ' inf' stays a string).
// NaN text is not a float here (the NA markers catch the usual spellings).
bool parse_float(std::string_view v, double& out) {
  const size_t raw_size = v.size();
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
    if (v.size() != raw_size) return false;
    if (ascii_iequals(body, "inf") || ascii_iequals(body, "infinity")) {
      out =
          neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      return true;
    }
    return false;
  }
  if (!((c >= '0' && c <= '9') || c == '.')) return false;
  if (parse_short_decimal(body, out)) {
    if (neg) out = -out;
    return true;
  }
  return precise_xstrtod(v, out);
}

// pandas' default true_values / false_values for inference.
int parse_bool(std::string_view v) {
  if (v.size() < 4 || v.size() > 5) return -1;
  if (v == "True" || v == "TRUE" || v == "true") return 1;
  if (v == "False" || v == "FALSE" || v == "false") return 0;
  return -1;
}

// pandas' str_to_uint64 as _try_uint64 applies it: surrounding spaces, an
// optional '+', digits. A leading '-' is no error there: it only records
// that a signed value was seen (whatever follows it).
enum class UintParse { kOk, kSigned, kOverflow, kInvalid };
UintParse parse_uint(std::string_view v, uint64_t& out) {
  v = trim_space(v);
  if (!v.empty() && v[0] == '-') return UintParse::kSigned;
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  if (v.empty() || v[0] < '0' || v[0] > '9') return UintParse::kInvalid;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec == std::errc::result_out_of_range) return UintParse::kOverflow;  // whatever follows
  if (ec != std::errc() || p != v.data() + v.size()) return UintParse::kInvalid;
  return UintParse::kOk;
}

// Object text cells, missing markers as NaN (or, without `na_filter`,
// every field as it is, as pandas keeps a column it gave up converting).
Column infer_text(Value name, const std::vector<std::string_view>& vals, bool na_filter = true) {
  StringCells text;
  Validity valid;
  text.offsets.reserve(vals.size() + 1);
  size_t bytes = 0;
  for (auto v : vals) bytes += v.size();
  text.bytes.reserve(bytes);
  for (size_t i = 0; i < vals.size(); ++i) {
    bool missing = na_filter && na(vals[i]);
    if (!missing) text.bytes.append(vals[i]);
    text.offsets.push_back(static_cast<uint32_t>(text.bytes.size()));
    valid.push_back(i, !missing);
  }
  return Column::of_strings(std::move(name), "object", std::move(text), vals.size(),
                            std::move(valid), Missing::kNaN);
}

}  // namespace

bool is_csv_na(std::string_view field) {
  return na(field);
}

// ---------------------------------------------------------------------------
// CsvColumnBuilder.

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Dictionary encoding stops beyond this many distinct strings, or beyond a
// quarter of kDictProbe once that many rows were seen.
constexpr size_t kDictMax = 256;
constexpr size_t kDictProbe = 256;
constexpr size_t kDictSlots = 1024;

// Enough to spread at most kDictMax strings over kDictSlots: the length
// and the first and last eight bytes, mixed.
uint32_t text_hash(std::string_view v) {
  uint64_t a = 0, b = 0;
  const size_t n = v.size();
  if (n >= 8) {
    std::memcpy(&a, v.data(), 8);
    std::memcpy(&b, v.data() + n - 8, 8);
  } else {
    std::memcpy(&a, v.data(), n);
  }
  uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ n;
  return static_cast<uint32_t>(h >> 32) ^ static_cast<uint32_t>(h);
}

}  // namespace

void CsvColumnBuilder::add(std::string_view v) {
  switch (state_) {
    case State::kDeferred:
      return;
    case State::kNone:
      if (na(v)) {
        ++rows_;
        any_na_ = true;
        return;
      }
      start(v);
      return;
    case State::kInt: {
      if (na(v)) {
        ints_.push_back(0);
        valid_.push_back(rows_++, false);
        any_na_ = true;
        return;
      }
      int64_t x;
      IntParse ip = parse_int(v, x);
      if (ip == IntParse::kOk) {
        ints_.push_back(x);
        valid_.push_back(rows_++, true);
        return;
      }
      double d;
      if (ip == IntParse::kOverflow || !parse_float(v, d)) {
        defer();
        return;
      }
      to_floats();
      floats_.push_back(d);
      ++rows_;
      return;
    }
    case State::kFloat: {
      double d = kNaN;
      if (na(v)) {
        any_na_ = true;
      } else if (!parse_float(v, d)) {
        defer();
        return;
      }
      floats_.push_back(d);
      ++rows_;
      return;
    }
    case State::kBool: {
      if (na(v)) {
        bools_.push_back(0);
        valid_.push_back(rows_++, false);
        any_na_ = true;
        return;
      }
      int b = parse_bool(v);
      if (b < 0) {
        defer();
        return;
      }
      bools_.push_back(static_cast<uint8_t>(b));
      valid_.push_back(rows_++, true);
      return;
    }
    case State::kText:
      add_text(v, na(v));
      return;
  }
}

// The first field that is not missing decides the kind: int, float, bool,
// then text (pandas tries its converters in that order).
void CsvColumnBuilder::start(std::string_view v) {
  const size_t cap = std::max(expected_, rows_ + 1);
  int64_t x;
  double d;
  IntParse ip = parse_int(v, x);
  if (ip == IntParse::kOverflow) {
    defer();
    return;
  }
  if (ip == IntParse::kOk) {
    state_ = State::kInt;
    ints_.reserve(cap);
    ints_.assign(rows_, 0);
    for (size_t k = 0; k < rows_; ++k) valid_.push_back(k, false);
    ints_.push_back(x);
    valid_.push_back(rows_++, true);
    return;
  }
  if (parse_float(v, d)) {
    state_ = State::kFloat;
    floats_.reserve(cap);
    floats_.assign(rows_, kNaN);
    floats_.push_back(d);
    ++rows_;
    return;
  }
  if (int b = parse_bool(v); b >= 0) {
    state_ = State::kBool;
    bools_.reserve(cap);
    bools_.assign(rows_, 0);
    for (size_t k = 0; k < rows_; ++k) valid_.push_back(k, false);
    bools_.push_back(static_cast<uint8_t>(b));
    valid_.push_back(rows_++, true);
    return;
  }
  state_ = State::kText;
  text_.dictionary = true;
  slots_.assign(kDictSlots, 0);
  const size_t missing = rows_;
  rows_ = 0;
  for (size_t k = 0; k < missing; ++k) add_text({}, true);
  add_text(v, false);
}

void CsvColumnBuilder::to_floats() {
  floats_.reserve(std::max(expected_, rows_ + 1));
  for (size_t k = 0; k < rows_; ++k)
    floats_.push_back(valid_[k] ? static_cast<double>(ints_[k]) : kNaN);
  std::vector<int64_t>().swap(ints_);
  valid_ = Validity();
  state_ = State::kFloat;
}

void CsvColumnBuilder::add_text(std::string_view v, bool missing) {
  if (missing) any_na_ = true;
  if (dict_on_) {
    uint32_t code = StringCells::kNoEntry;
    if (!missing) {
      const size_t mask = kDictSlots - 1;
      size_t slot = text_hash(v) & mask;
      while (slots_[slot] != 0 && text_.entry(slots_[slot] - 1) != v) slot = (slot + 1) & mask;
      if (slots_[slot] != 0) {
        code = slots_[slot] - 1;
      } else if (text_.entries() < kDictMax) {
        code = static_cast<uint32_t>(text_.entries());
        text_.bytes.append(v);
        text_.offsets.push_back(static_cast<uint32_t>(text_.bytes.size()));
        slots_[slot] = code + 1;
      }
    }
    if (missing || code != StringCells::kNoEntry) {
      text_.codes.push_back(code);
      valid_.push_back(rows_++, !missing);
      if (rows_ == kDictProbe && text_.entries() > kDictProbe / 4) undictionary();
      return;
    }
    undictionary();  // too many distinct strings
  }
  if (!missing) text_.bytes.append(v);
  text_.offsets.push_back(static_cast<uint32_t>(text_.bytes.size()));
  valid_.push_back(rows_++, !missing);
}

void CsvColumnBuilder::undictionary() {
  StringCells plain;
  plain.offsets.reserve(std::max(expected_, rows_) + 1);
  size_t bytes = 0;
  for (uint32_t code : text_.codes)
    if (code != StringCells::kNoEntry) bytes += text_.entry(code).size();
  // Room for the rows to come at the average length so far (untouched
  // capacity costs no memory; regrowing copies the column).
  if (rows_ > 0)
    plain.bytes.reserve(bytes +
                        bytes / rows_ * (expected_ > rows_ ? expected_ - rows_ : 0) / 8 * 9);
  for (size_t i = 0; i < text_.codes.size(); ++i) {
    plain.bytes.append(text_.cell(i));
    plain.offsets.push_back(static_cast<uint32_t>(plain.bytes.size()));
  }
  text_ = std::move(plain);
  dict_on_ = false;
  std::vector<uint32_t>().swap(slots_);
}

Column CsvColumnBuilder::finish(Value name) {
  switch (state_) {
    case State::kNone:
      // No data rows: object; only missing values: float64 NaN.
      if (rows_ == 0) return Column(std::move(name), "object");
      return Column::of_floats(std::move(name), "float64", std::vector<double>(rows_, kNaN), {},
                               Missing::kNaN);
    case State::kInt:
      if (!any_na_) return Column::of_ints(std::move(name), "int64", std::move(ints_));
      to_floats();
      [[fallthrough]];
    case State::kFloat:
      return Column::of_floats(std::move(name), "float64", std::move(floats_), {}, Missing::kNaN);
    case State::kBool:
      return Column::of_bools(std::move(name), any_na_ ? "object" : "bool", std::move(bools_),
                              std::move(valid_), Missing::kNaN);
    case State::kText:
      return Column::of_strings(std::move(name), "object", std::move(text_), rows_,
                                std::move(valid_), Missing::kNaN);
    case State::kDeferred:
      break;
  }
  return Column(std::move(name), "object");
}

Column infer_csv_column(Value name, const std::vector<std::string_view>& fields) {
  CsvColumnBuilder b(fields.size());
  for (auto f : fields) b.add(f);
  if (!b.deferred()) return b.finish(std::move(name));
  // pandas 1.5's TextReader._convert_tokens, converter by converter. int64
  // reads the fields in order and stops at the first that is no int: an
  // integer beyond int64 before that sends the column to uint64.
  bool overflow = false;
  for (auto f : fields) {
    int64_t x;
    if (na(f)) continue;
    IntParse ip = parse_int(f, x);
    if (ip == IntParse::kOk) continue;
    overflow = ip == IntParse::kOverflow;
    break;
  }
  if (overflow) {
    // _try_uint64: stops at the first field that is no unsigned int (then
    // the converters go on) or beyond uint64 (OverflowError: text). Values
    // beyond int64 beside a sign or a missing value cannot be stored
    // (ValueError): the column is text with no missing values at all.
    bool seen_sint = false, seen_uint = false, seen_null = false, invalid = false;
    std::vector<Value> cells;
    cells.reserve(fields.size());
    for (auto f : fields) {
      if (na(f)) {
        seen_null = true;
        cells.emplace_back(int64_t{0});
        continue;
      }
      uint64_t u = 0;
      UintParse up = parse_uint(f, u);
      if (up == UintParse::kInvalid) {
        invalid = true;
        break;
      }
      if (up == UintParse::kOverflow) return infer_text(std::move(name), fields);
      if (up == UintParse::kSigned) {
        seen_sint = true;
        cells.emplace_back(int64_t{0});
        continue;
      }
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        seen_uint = true;
        cells.emplace_back(BigInt{std::to_string(u)});
      } else {
        cells.emplace_back(static_cast<int64_t>(u));
      }
    }
    if (!invalid) {
      if (seen_uint && (seen_sint || seen_null)) return infer_text(std::move(name), fields, false);
      if (seen_sint) return infer_text(std::move(name), fields);
      return Column(std::move(name), "uint64", std::move(cells));
    }
  }
  // Then bool (with gaps: object), then float64, then text.
  bool bools = true, floats = true;
  for (auto f : fields) {
    if (na(f)) continue;
    double d;
    bools = bools && parse_bool(f) >= 0;
    floats = floats && parse_float(f, d);
    if (!bools && !floats) break;
  }
  if (bools) {
    std::vector<Value> cells;
    bool gaps = false;
    for (auto f : fields) {
      gaps = gaps || na(f);
      cells.push_back(na(f) ? Value::nan() : Value(parse_bool(f) == 1));
    }
    return Column(std::move(name), gaps ? "object" : "bool", std::move(cells));
  }
  if (floats) {
    std::vector<double> cells;
    cells.reserve(fields.size());
    for (auto f : fields) {
      double d = kNaN;
      if (!na(f)) parse_float(f, d);
      cells.push_back(d);
    }
    return Column::of_floats(std::move(name), "float64", std::move(cells), {}, Missing::kNaN);
  }
  return infer_text(std::move(name), fields);
}

Result<Column> forced_csv_column(Value name, const std::vector<std::string_view>& vals,
                                 const std::string& type) {
  if (type == "str_type") return infer_text(std::move(name), vals);
  // The nullable dtypes' missing cells are None (pd.NA).
  struct Cells {
    Value name;
    std::string dtype;
    std::vector<Value> values;
  } c{std::move(name), {}, {}};
  c.values.reserve(vals.size());
  auto done = [&c]() -> Result<Column> {
    return Column(std::move(c.name), std::move(c.dtype), std::move(c.values));
  };
  // pandas converts the text with to_numeric first: an integer outside
  // int64..uint64 is its ValueError, one beyond int64 makes a uint64 array.
  size_t position = 0;
  bool seen_uint = false;
  auto out_of_range = [&](std::string_view v) -> std::optional<Error> {
    int64_t i;
    // Only text that is all integer (to_numeric's maybe_int) is checked.
    std::string_view t = trim_space(v);
    if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
    if (t.empty() ||
        !std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return std::nullopt;
    if (parse_int(v, i) != IntParse::kOverflow) return std::nullopt;
    uint64_t u;
    if (parse_uint(v, u) == UintParse::kOk) {
      seen_uint = true;
      return std::nullopt;
    }
    return Error::value("Integer out of range. at position " + std::to_string(position));
  };
  if (type == "int_type") {
    c.dtype = "Int32";
    // to_numeric over every field first (its errors name the position),
    // then one safe cast of the whole array to int32: the TypeError names
    // the array's dtype (float64 once any field is no int, uint64 beside
    // integers beyond int64).
    bool any_float = false, any_negative = false, inexact = false, too_big = false;
    size_t nonmissing = 0;
    for (auto v : vals) {
      if (na(v)) {
        c.values.emplace_back();
        ++position;
        continue;
      }
      if (auto e = out_of_range(v)) return *e;
      ++nonmissing;
      int64_t i = 0;
      double d = 0;
      if (parse_int(v, i) == IntParse::kOk) {
        any_negative = any_negative || i < 0;
        too_big = too_big || i < std::numeric_limits<int32_t>::min() ||
                  i > std::numeric_limits<int32_t>::max();
        c.values.emplace_back(i);
      } else if (parse_int(v, i) == IntParse::kOverflow) {
        too_big = true;  // beyond int64, within uint64 (seen_uint)
        c.values.emplace_back();
      } else if (parse_float(v, d)) {
        any_float = true;
        if (!(std::isfinite(d) && d == std::floor(d)))
          inexact = true;
        else if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max())
          too_big = true;
        c.values.emplace_back(inexact || too_big ? int64_t{0} : static_cast<int64_t>(d));
      } else {
        return Error::value("Unable to parse string \"" + std::string(v) + "\" at position " +
                            std::to_string(position));
      }
      ++position;
    }
    const bool any_missing = nonmissing < vals.size();
    if (seen_uint && (any_missing || any_negative)) {
      // to_numeric hands back the text, which int() reads field by field.
      for (auto v : vals) {
        if (na(v)) continue;
        int64_t i;
        IntParse ip = parse_int(v, i);
        if (ip == IntParse::kNotInt)
          return Error::value("invalid literal for int() with base 10: " +
                              py_string_repr(std::string(v)));
        if (ip == IntParse::kOverflow)
          return Error{"OverflowError", "Python int too large to convert to C long", 400};
      }
    }
    if (inexact || too_big) {
      const char* array = any_float || (seen_uint && any_negative) ? "float64"
                          : seen_uint                              ? "uint64"
                                                                   : "int64";
      return Error{"TypeError",
                   std::string("cannot safely cast non-equivalent ") + array + " to int32", 400};
    }
    return done();
  }
  if (type == "float_type") {
    c.dtype = "Float64";
    bool any_float = false, any_missing = false, any_negative = false;
    for (auto v : vals) {
      double d = 0;
      if (auto e = out_of_range(v)) return *e;
      ++position;
      if (na(v)) {
        any_missing = true;
        c.values.emplace_back();
        continue;
      }
      if (!parse_float(v, d))
        return Error::value("Unable to parse string \"" + std::string(v) + "\" at position " +
                            std::to_string(position - 1));
      int64_t i;
      IntParse ip = parse_int(v, i);
      if (ip == IntParse::kNotInt) any_float = true;
      any_negative = any_negative || (ip == IntParse::kOk && i < 0);
      c.values.emplace_back(d);
    }
    // Integers become floats by exact conversion, not by pandas' float
    // parser: all of them when no field is a float, and every field when
    // integers beyond int64 meet a gap or a sign (to_numeric then hands
    // back the text, which Python's float() reads).
    if (!any_float || (seen_uint && (any_missing || any_negative))) {
      for (size_t k = 0; k < vals.size(); ++k)
        if (!c.values[k].is_null())
          c.values[k] = Value(std::strtod(std::string(trim_space(vals[k])).c_str(), nullptr));
    }
    return done();
  }
  if (type == "bool_type") {
    c.dtype = "boolean";
    for (auto v : vals) {
      if (na(v)) {
        c.values.emplace_back();
      } else if (v == "True" || v == "TRUE" || v == "true" || v == "1" || v == "1.0") {
        c.values.emplace_back(true);
      } else if (v == "False" || v == "FALSE" || v == "false" || v == "0" || v == "0.0") {
        c.values.emplace_back(false);
      } else {
        return Error::value(std::string(v) + " cannot be cast to bool");
      }
    }
    return done();
  }
  return Error::key(py_string_repr(type), 400);
}

void dedupe_csv_names(std::vector<std::string>& names, const std::vector<bool>& unnamed) {
  std::unordered_map<std::string, int> counts;
  // How often each name occurs in the header as it is being rewritten.
  std::unordered_map<std::string, int> present;
  for (const auto& n : names) ++present[n];
  auto in_header = [&](const std::string& s) {
    auto it = present.find(s);
    return it != present.end() && it->second > 0;
  };
  // Named columns keep their names: the "Unnamed: N" ones are mangled last.
  std::vector<size_t> order;
  order.reserve(names.size());
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < names.size(); ++i)
      if ((i < unnamed.size() && unnamed[i]) == (pass == 1)) order.push_back(i);
  for (size_t i : order) {
    std::string& name = names[i];
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

}  // namespace lyn::access
