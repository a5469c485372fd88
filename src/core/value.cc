#include "core/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "core/py_printable.h"
#include "core/utf8.h"

namespace lyn {

// ---- Value ----

Value Value::nan() {
  return Value(std::numeric_limits<double>::quiet_NaN());
}

bool Value::is_nan() const {
  return is_float() && std::isnan(as_float());
}

double Value::to_double() const {
  switch (kind()) {
    case Kind::kInt:
      return static_cast<double>(as_int());
    case Kind::kFloat:
      return as_float();
    case Kind::kBigInt:
      return std::strtod(as_bigint().digits.c_str(), nullptr);
    case Kind::kBool:
      return as_bool() ? 1.0 : 0.0;
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

const Value* Value::get(std::string_view key) const {
  return is_map() ? as_map().find(key) : nullptr;
}

bool Value::operator==(const Value& other) const {
  if (is_nan() && other.is_nan()) return true;
  return v_ == other.v_;
}

// ---- Python printing ----

namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

char* put(char* p, const char* s, size_t n) {
  std::memcpy(p, s, n);
  return p + n;
}

// Digits with the decimal point after `point` of them (point <= 0: before
// them, after -point zeros), as repr lays out -4 <= exponent < 16.
char* put_fixed(char* p, const char* digits, int nd, int point) {
  if (point <= 0) {
    p = put(p, "0.", 2);
    std::memset(p, '0', static_cast<size_t>(-point));
    p += -point;
    return put(p, digits, static_cast<size_t>(nd));
  }
  if (point >= nd) {
    p = put(p, digits, static_cast<size_t>(nd));
    std::memset(p, '0', static_cast<size_t>(point - nd));
    p += point - nd;
    return put(p, ".0", 2);
  }
  p = put(p, digits, static_cast<size_t>(point));
  *p++ = '.';
  return put(p, digits + point, static_cast<size_t>(nd - point));
}

// A double that is a short decimal (up to 15 significant digits,
// 1e-4 <= |d| < 1e15): the fewest decimals k for which
// round(|d| * 10^k) / 10^k gives |d| back. Below 16 digits that integer is
// the only candidate with k decimals, so the smallest such k gives the
// shortest round-trip form, which is what repr prints. Null otherwise.
char* put_short_decimal(char* p, double d) {
  const double a = std::fabs(d);
  if (!(a >= 1e-4 && a < 1e15)) return nullptr;
  for (int k = 0; k < 16; ++k) {
    const double scaled = a * kPow10[k];
    if (scaled >= 1e15) return nullptr;
    // Rounded half up (scaled < 2^53); a tie is never a round trip anyway.
    const double m = static_cast<double>(static_cast<int64_t>(scaled + 0.5));
    if (m / kPow10[k] != a) continue;
    char digits[24];
    const int len = static_cast<int>(
        std::to_chars(digits, digits + sizeof digits, static_cast<int64_t>(m)).ptr - digits);
    if (d < 0) *p++ = '-';
    return put_fixed(p, digits, len, len - k);
  }
  return nullptr;
}

}  // namespace

char* write_py_float_repr(char* p, double d) {
  if (std::isnan(d)) return put(p, "nan", 3);
  if (std::isinf(d)) return d > 0 ? put(p, "inf", 3) : put(p, "-inf", 4);
  if (char* e = put_short_decimal(p, d)) return e;
  // Shortest round-trip digits in scientific form, then laid out by
  // Python's rule: fixed notation when -4 <= exponent < 16.
  char buf[64];
  const char* end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific).ptr;
  const char* q = buf;
  if (*q == '-') {
    *p++ = '-';
    ++q;
  }
  char digits[32];
  int nd = 0;
  for (; q < end && *q != 'e'; ++q)
    if (*q != '.') digits[nd++] = *q;
  int exp = 0;
  std::from_chars(q + 1 + (q[1] == '+'), end, exp);
  if (exp >= -4 && exp < 16) return put_fixed(p, digits, nd, exp + 1);
  *p++ = digits[0];
  if (nd > 1) {
    *p++ = '.';
    p = put(p, digits + 1, static_cast<size_t>(nd - 1));
  }
  *p++ = 'e';
  *p++ = exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  if (exp < 10) *p++ = '0';
  return std::to_chars(p, p + 4, exp).ptr;
}

void append_py_float_repr(std::string& out, double d) {
  char buf[kMaxFloatRepr];
  out.append(buf, static_cast<size_t>(write_py_float_repr(buf, d) - buf));
}

std::string py_float_repr(double d) {
  std::string out;
  append_py_float_repr(out, d);
  return out;
}

namespace {

void append_date_repr_args(std::string& out, int y, int m, int d) {
  out += std::to_string(y) + ", " + std::to_string(m) + ", " + std::to_string(d);
}

std::string tz_repr(int offset) {
  if (offset == 0) return "datetime.timezone.utc";
  std::string s = "datetime.timezone(datetime.timedelta(";
  if (offset < 0) {
    // timedelta normalises negatives as days=-1, seconds=86400+offset
    s += "days=-1, seconds=" + std::to_string(86400 + offset);
  } else {
    s += "seconds=" + std::to_string(offset);
  }
  return s + "))";
}

std::string datetime_repr(const DateTime& t) {
  std::string s = "datetime.datetime(";
  append_date_repr_args(s, t.year, t.month, t.day);
  s += ", " + std::to_string(t.hour) + ", " + std::to_string(t.minute);
  if (t.second || t.microsecond) s += ", " + std::to_string(t.second);
  if (t.microsecond) s += ", " + std::to_string(t.microsecond);
  if (t.has_tz) s += ", tzinfo=" + tz_repr(t.tz_offset_seconds);
  return s + ")";
}

void append_items_repr(std::string& out, const List& items) {
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += py_repr(item);
  }
}

std::string container_str(const Value& v) {
  std::string out;
  switch (v.kind()) {
    case Value::Kind::kList:
      out += '[';
      append_items_repr(out, v.as_list());
      out += ']';
      break;
    case Value::Kind::kTuple:
      out += '(';
      append_items_repr(out, v.as_tuple().items);
      if (v.as_tuple().items.size() == 1) out += ',';
      out += ')';
      break;
    case Value::Kind::kSet:
      if (v.as_set().items.empty()) return "set()";
      out += '{';
      append_items_repr(out, v.as_set().items);
      out += '}';
      break;
    default: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += k.typed() ? py_repr(*k.typed()) : py_string_repr(k);
        out += ": ";
        out += py_repr(item);
      }
      out += '}';
    }
  }
  return out;
}

}  // namespace

std::string py_string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = utf8::decode(s, i, &cp);
    char c = s[i];
    if (n == 0) {
      n = 1;
      // Not valid UTF-8: Python would have a surrogate escape; show the byte.
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", static_cast<unsigned char>(c));
      out += b;
    } else if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (!py_printable(cp)) {
      char b[16];
      if (cp < 0x100)
        std::snprintf(b, sizeof b, "\\x%02x", cp);
      else if (cp < 0x10000)
        std::snprintf(b, sizeof b, "\\u%04x", cp);
      else
        std::snprintf(b, sizeof b, "\\U%08x", cp);
      out += b;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += quote;
  return out;
}

size_t approx_value_bytes(const Value& v) {
  size_t n = sizeof(Value);
  switch (v.kind()) {
    case Value::Kind::kString:
      if (v.as_string().capacity() > 15) n += v.as_string().capacity() + 1;
      break;
    case Value::Kind::kBigInt:
      n += v.as_bigint().digits.capacity();
      break;
    case Value::Kind::kList:
      for (const auto& x : v.as_list()) n += approx_value_bytes(x);
      n += (v.as_list().capacity() - v.as_list().size()) * sizeof(Value);
      break;
    case Value::Kind::kMap:
      for (const auto& [k, x] : v.as_map())
        n += approx_value_bytes(x) + sizeof(std::string) +
             (k.capacity() > 15 ? k.capacity() + 1 : 0);
      break;
    default:
      break;
  }
  return n;
}

std::string py_bytes_repr(std::string_view b) {
  bool has_single = b.find('\'') != std::string_view::npos;
  bool has_double = b.find('"') != std::string_view::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out = "b";
  out += quote;
  for (unsigned char c : b) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      char e[8];
      std::snprintf(e, sizeof e, "\\x%02x", c);
      out += e;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::string iso_date(const Date& d) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", d.year, d.month, d.day);
  return b;
}

std::string iso_datetime(const DateTime& t, char sep) {
  char b[80];
  int n = std::snprintf(b, sizeof b, "%04d-%02d-%02d%c%02d:%02d:%02d", t.year, t.month, t.day, sep,
                        t.hour, t.minute, t.second);
  std::string s(b, n);
  if (t.microsecond) {
    std::snprintf(b, sizeof b, ".%06d", t.microsecond);
    s += b;
  }
  if (t.has_tz) {
    int off = t.tz_offset_seconds;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    std::snprintf(b, sizeof b, "%c%02d:%02d", sign, off / 3600, (off / 60) % 60);
    s += b;
    if (off % 60) {
      std::snprintf(b, sizeof b, ":%02d", off % 60);
      s += b;
    }
  }
  return s;
}

Value with_iso_dates(const Value& v) {
  auto each = [](const List& items) {
    List out;
    out.reserve(items.size());
    for (const auto& item : items) out.push_back(with_iso_dates(item));
    return out;
  };
  switch (v.kind()) {
    case Value::Kind::kDate:
      return Value(iso_date(v.as_date()));
    case Value::Kind::kDateTime:
      return Value(iso_datetime(v.as_datetime()));
    case Value::Kind::kList:
      return Value(each(v.as_list()));
    case Value::Kind::kTuple:
      return Value(Tuple{each(v.as_tuple().items)});
    case Value::Kind::kSet:
      return Value(Set{each(v.as_set().items)});
    case Value::Kind::kMap: {
      MapBuilder out;
      for (const auto& [k, item] : v.as_map()) out.assign(k, with_iso_dates(item));
      return Value(std::move(out).finish());
    }
    default:
      return v;
  }
}

std::string py_str(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return v.as_string();
    case Value::Kind::kDate:
      return iso_date(v.as_date());
    case Value::Kind::kDateTime:
      return iso_datetime(v.as_datetime(), ' ');
    default:
      return py_repr(v);
  }
}

std::string py_repr(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "None";
    case Value::Kind::kBool:
      return v.as_bool() ? "True" : "False";
    case Value::Kind::kInt:
      return std::to_string(v.as_int());
    case Value::Kind::kBigInt:
      return v.as_bigint().digits;
    case Value::Kind::kFloat:
      return py_float_repr(v.as_float());
    case Value::Kind::kString:
      return py_string_repr(v.as_string());
    case Value::Kind::kDate: {
      std::string s = "datetime.date(";
      append_date_repr_args(s, v.as_date().year, v.as_date().month, v.as_date().day);
      return s + ")";
    }
    case Value::Kind::kDateTime:
      return datetime_repr(v.as_datetime());
    case Value::Kind::kBytes:
      return py_bytes_repr(v.as_bytes().data);
    case Value::Kind::kList:
    case Value::Kind::kMap:
    case Value::Kind::kTuple:
    case Value::Kind::kSet:
      return container_str(v);
  }
  return "";
}

bool py_truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kInt:
      return v.as_int() != 0;
    case Value::Kind::kBigInt:
      return true;  // a BigInt is never zero
    case Value::Kind::kFloat:
      return v.as_float() != 0.0;  // NaN is true
    case Value::Kind::kString:
      return !v.as_string().empty();
    case Value::Kind::kList:
      return !v.as_list().empty();
    case Value::Kind::kMap:
      return !v.as_map().empty();
    default:
      return true;
  }
}

std::string py_type_name(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "NoneType";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
    case Value::Kind::kBigInt:
      return "int";
    case Value::Kind::kFloat:
      return "float";
    case Value::Kind::kString:
      return "str";
    case Value::Kind::kDate:
      return "datetime.date";
    case Value::Kind::kDateTime:
      return "datetime.datetime";
    case Value::Kind::kList:
      return "list";
    case Value::Kind::kMap:
      return "dict";
  }
  return "object";
}

}  // namespace lyn
