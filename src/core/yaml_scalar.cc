#include "core/yaml_scalar.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/base64.h"
#include "core/py_number.h"

namespace lyn::yaml {

namespace {

using boost::multiprecision::cpp_int;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Python's re `$`: the end, or just before a final newline. Runs `full`
// (a whole-string matcher) on both candidates.
template <typename F>
bool match_to_end(std::string_view s, F full) {
  if (full(s)) return true;
  return !s.empty() && s.back() == '\n' && full(s.substr(0, s.size() - 1));
}

// One or more characters, all satisfying `ok`.
template <typename F>
bool all_of(std::string_view s, F ok) {
  if (s.empty()) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

size_t skip_sign(std::string_view s) {
  return !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
}

// (?::[0-5]?[0-9])+ from s[i]; returns the end, or npos when absent.
size_t sexagesimal_tail(std::string_view s, size_t i) {
  size_t groups = 0;
  while (i < s.size() && s[i] == ':') {
    size_t j = i + 1;
    if (j + 1 < s.size() && s[j] >= '0' && s[j] <= '5' && is_digit(s[j + 1]))
      j += 2;
    else if (j < s.size() && is_digit(s[j]))
      j += 1;
    else
      return std::string_view::npos;
    i = j;
    ++groups;
  }
  return groups ? i : std::string_view::npos;
}

// [0-9][0-9_]* from s[i]; returns the end, or npos.
size_t digits_underscores(std::string_view s, size_t i) {
  if (i >= s.size() || !is_digit(s[i])) return std::string_view::npos;
  ++i;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  return i;
}

// [eE][-+][0-9]+ exactly, or empty.
bool exponent_or_empty(std::string_view s) {
  if (s.empty()) return true;
  return s.size() >= 3 && (s[0] == 'e' || s[0] == 'E') && (s[1] == '+' || s[1] == '-') &&
         all_of(s.substr(2), is_digit);
}

bool int_form(std::string_view s) {
  std::string_view b = s.substr(skip_sign(s));
  if (b.empty()) return false;
  auto bin = [](char c) { return c == '0' || c == '1' || c == '_'; };
  auto oct = [](char c) { return (c >= '0' && c <= '7') || c == '_'; };
  auto hex = [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_';
  };
  if (b.size() > 2 && b[0] == '0' && b[1] == 'b' && all_of(b.substr(2), bin)) return true;
  if (b.size() > 2 && b[0] == '0' && b[1] == 'x' && all_of(b.substr(2), hex)) return true;
  if (b[0] == '0') return b.size() == 1 || all_of(b.substr(1), oct);
  if (b[0] < '1' || b[0] > '9') return false;
  size_t k = digits_underscores(b, 0);
  return k == b.size() || sexagesimal_tail(b, k) == b.size();
}

bool float_form(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  size_t sign = skip_sign(s);
  std::string_view b = s.substr(sign);
  if (b == ".inf" || b == ".Inf" || b == ".INF") return true;
  if (!b.empty() && b[0] == '.') {
    // \.[0-9][0-9_]*(exponent)?, unsigned only
    size_t k = digits_underscores(b, 1);
    return sign == 0 && k != std::string_view::npos && exponent_or_empty(b.substr(k));
  }
  size_t k = digits_underscores(b, 0);
  if (k == std::string_view::npos) return false;
  if (k < b.size() && b[k] == ':') {
    // [0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    k = sexagesimal_tail(b, k);
    if (k == std::string_view::npos || k >= b.size() || b[k] != '.') return false;
    for (++k; k < b.size(); ++k)
      if (!is_digit(b[k]) && b[k] != '_') return false;
    return true;
  }
  // [0-9][0-9_]*\.[0-9_]*(exponent)?
  if (k >= b.size() || b[k] != '.') return false;
  ++k;
  while (k < b.size() && (is_digit(b[k]) || b[k] == '_')) ++k;
  return exponent_or_empty(b.substr(k));
}

// The groups of SafeConstructor.timestamp_regexp.
struct TimestampParts {
  std::string_view year, month, day, hour, minute, second, fraction, tz, tz_sign, tz_hour,
      tz_minute;
};

// n digits, min..max of them, from s[i].
bool take_digits(std::string_view s, size_t& i, size_t min, size_t max, std::string_view* out) {
  size_t start = i;
  while (i < s.size() && i - start < max && is_digit(s[i])) ++i;
  if (i - start < min) return false;
  *out = s.substr(start, i - start);
  return true;
}

std::optional<TimestampParts> timestamp_parts_exact(std::string_view s) {
  TimestampParts p;
  size_t i = 0;
  if (!take_digits(s, i, 4, 4, &p.year) || i >= s.size() || s[i++] != '-') return std::nullopt;
  if (!take_digits(s, i, 1, 2, &p.month) || i >= s.size() || s[i++] != '-') return std::nullopt;
  if (!take_digits(s, i, 1, 2, &p.day)) return std::nullopt;
  if (i == s.size()) return p;
  if (s[i] == 'T' || s[i] == 't') {
    ++i;
  } else if (s[i] == ' ' || s[i] == '\t') {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  } else {
    return std::nullopt;
  }
  if (!take_digits(s, i, 1, 2, &p.hour) || i >= s.size() || s[i++] != ':') return std::nullopt;
  if (!take_digits(s, i, 2, 2, &p.minute) || i >= s.size() || s[i++] != ':') return std::nullopt;
  if (!take_digits(s, i, 2, 2, &p.second)) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    take_digits(s, i, 0, std::string_view::npos, &p.fraction);
  }
  if (i == s.size()) return p;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size() && s[i] == 'Z') {
    p.tz = s.substr(i++, 1);
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    size_t start = i;
    p.tz_sign = s.substr(i++, 1);
    if (!take_digits(s, i, 1, 2, &p.tz_hour)) return std::nullopt;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!take_digits(s, i, 2, 2, &p.tz_minute)) return std::nullopt;
    }
    p.tz = s.substr(start, i - start);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return p;
}

std::optional<TimestampParts> timestamp_parts(std::string_view s) {
  if (auto p = timestamp_parts_exact(s)) return p;
  if (!s.empty() && s.back() == '\n') return timestamp_parts_exact(s.substr(0, s.size() - 1));
  return std::nullopt;
}

bool timestamp_form(std::string_view s) {
  return match_to_end(s, [](std::string_view t) {
    auto p = timestamp_parts_exact(t);
    // The date alone needs two-digit months and days.
    return p && (!p->hour.empty() || (p->month.size() == 2 && p->day.size() == 2));
  });
}

int small_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::string timedelta_repr(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rest = seconds - days * 86400;
  std::string s = "datetime.timedelta(";
  if (days) s += "days=" + std::to_string(days);
  if (rest) s += std::string(days ? ", " : "") + "seconds=" + std::to_string(rest);
  if (!days && !rest) s += "0";
  return s + ")";
}

// datetime.date(y, m, d)'s checks, in its order.
std::optional<Error> check_date(int y, int m, int d) {
  if (y < 1 || y > 9999) return Error::value("year " + std::to_string(y) + " is out of range");
  if (m < 1 || m > 12) return Error::value("month must be in 1..12");
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDays[m - 1] + (m == 2 && leap))
    return Error::value("day is out of range for month");
  return std::nullopt;
}

Result<Value> construct_timestamp(std::string_view text) {
  auto p = timestamp_parts(text);
  if (!p) return Error{"AttributeError", "'NoneType' object has no attribute 'groupdict'", 400};
  int y = small_int(p->year), mo = small_int(p->month), d = small_int(p->day);
  if (p->hour.empty()) {
    if (auto e = check_date(y, mo, d)) return *e;
    return Value(Date{y, mo, d});
  }
  DateTime t{y, mo, d, small_int(p->hour), small_int(p->minute), small_int(p->second), 0, false, 0};
  if (!p->fraction.empty()) {
    std::string f(p->fraction.substr(0, 6));
    f.resize(6, '0');
    t.microsecond = small_int(f);
  }
  if (!p->tz_sign.empty()) {
    int64_t offset = small_int(p->tz_hour) * 3600 + small_int(p->tz_minute) * 60;
    if (p->tz_sign == "-") offset = -offset;
    if (offset <= -86400 || offset >= 86400)
      return Error::value(
          "offset must be a timedelta strictly between -timedelta(hours=24) and "
          "timedelta(hours=24), not " +
          timedelta_repr(offset) + ".");
    t.has_tz = true;
    t.tz_offset_seconds = static_cast<int>(offset);
  } else if (!p->tz.empty()) {
    t.has_tz = true;
  }
  if (auto e = check_date(y, mo, d)) return *e;
  if (t.hour > 23) return Error::value("hour must be in 0..23");
  if (t.minute > 59) return Error::value("minute must be in 0..59");
  if (t.second > 59) return Error::value("second must be in 0..59");
  return Value(t);
}

cpp_int to_big(const Value& v) {
  if (v.is_int()) return cpp_int(v.as_int());
  return cpp_int(v.as_bigint().digits);
}

Result<Value> from_big(const cpp_int& v) {
  if (v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max())
    return Value(v.convert_to<int64_t>());
  std::string digits = v.str();
  if (digits.size() - (digits[0] == '-') > 4300)
    return Error::value(
        "Exceeds the limit (4300 digits) for integer string conversion; use "
        "sys.set_int_max_str_digits() to increase the limit");
  return Value(BigInt{std::move(digits)});
}

// value.split(':')
std::vector<std::string_view> split_colons(std::string_view value) {
  std::vector<std::string_view> parts;
  for (size_t c; (c = value.find(':')) != std::string_view::npos; value.remove_prefix(c + 1))
    parts.push_back(value.substr(0, c));
  parts.push_back(value);
  return parts;
}

// str.lower() for the ASCII letters (the only ones these tags compare).
std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  return out;
}

Error index_error() {
  return Error{"IndexError", "string index out of range", 400};
}

std::string without_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// SafeConstructor.construct_yaml_int.
Result<Value> construct_int(std::string_view text) {
  std::string value = without_underscores(text);
  if (value.empty()) return index_error();
  int sign = value[0] == '-' ? -1 : 1;
  if (value[0] == '+' || value[0] == '-') value.erase(0, 1);
  auto signed_int = [&](Result<Value> r) -> Result<Value> {
    if (!r.ok() || sign > 0) return r;
    return from_big(-to_big(*r));
  };
  if (value == "0") return Value(int64_t{0});
  if (value.rfind("0b", 0) == 0) return signed_int(py_int_from_string(value.substr(2), 2));
  if (value.rfind("0x", 0) == 0) return signed_int(py_int_from_string(value.substr(2), 16));
  if (value.empty()) return index_error();
  if (value[0] == '0') return signed_int(py_int_from_string(value, 8));
  if (value.find(':') != std::string::npos) {
    std::vector<cpp_int> digits;
    for (auto part : split_colons(value)) {
      auto digit = py_int_from_string(part, 10);
      if (!digit.ok()) return digit.error();
      digits.push_back(to_big(*digit));
    }
    cpp_int total = 0, base = 1;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      total += *it * base;
      base *= 60;
    }
    return from_big(sign * total);
  }
  return signed_int(py_int_from_string(value, 10));
}

// SafeConstructor.construct_yaml_float.
Result<Value> construct_float(std::string_view text) {
  std::string value = ascii_lower(without_underscores(text));
  if (value.empty()) return index_error();
  double sign = value[0] == '-' ? -1.0 : 1.0;
  if (value[0] == '+' || value[0] == '-') value.erase(0, 1);
  if (value == ".inf") return Value(sign * std::numeric_limits<double>::infinity());
  // PyYAML's nan_value, -inf/inf: one object, with the sign bit on x86.
  if (value == ".nan") return Value(-std::numeric_limits<double>::quiet_NaN());
  if (value.find(':') != std::string::npos) {
    std::vector<double> digits;
    for (auto part : split_colons(value)) {
      auto digit = py_float_from_string(part);
      if (!digit.ok()) return digit.error();
      digits.push_back(*digit);
    }
    double total = 0.0;
    cpp_int base = 1;
    static const cpp_int kTooLarge = cpp_int(1) << 1024;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      if (base >= kTooLarge)
        return Error{"OverflowError", "int too large to convert to float", 400};
      total += *it * base.convert_to<double>();
      base *= 60;
    }
    return Value(sign * total);
  }
  auto f = py_float_from_string(value);
  if (!f.ok()) return f.error();
  return Value(sign * *f);
}

// The code point at s[i] of valid UTF-8 (libyaml checked it) and its length.
uint32_t code_point(std::string_view s, size_t i, size_t* len) {
  unsigned char c = s[i];
  *len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  uint32_t cp = *len == 1 ? c : c & (0x7F >> *len);
  for (size_t k = 1; k < *len && i + k < s.size(); ++k) cp = cp << 6 | (s[i + k] & 0x3F);
  return cp;
}

// SafeConstructor.construct_yaml_binary.
Result<Value> construct_binary(std::string_view text) {
  // str.encode('ascii') fails on the first run of non-ASCII characters;
  // positions count characters.
  size_t chars = 0, len = 0;
  for (size_t i = 0; i < text.size(); i += len, ++chars) {
    uint32_t first = code_point(text, i, &len);
    if (first < 0x80) continue;
    size_t end = chars + 1;
    for (size_t j = i + len, n; j < text.size() && code_point(text, j, &n) >= 0x80; j += n) ++end;
    std::string what;
    if (end == chars + 1) {
      char esc[16];
      std::snprintf(esc, sizeof esc,
                    first < 0x100     ? "\\x%02x"
                    : first < 0x10000 ? "\\u%04x"
                                      : "\\U%08x",
                    first);
      what = "character '" + std::string(esc) + "' in position " + std::to_string(chars);
    } else {
      what = "characters in position " + std::to_string(chars) + "-" + std::to_string(end - 1);
    }
    return Error{"ConstructorError",
                 "failed to convert base64 data into ascii: 'ascii' codec can't encode " + what +
                     ": ordinal not in range(128)",
                 400};
  }
  auto bytes = base64_decode_lenient(text);
  if (!bytes.ok())
    return Error{"ConstructorError", "failed to decode base64 data: " + bytes.error().message, 400};
  return Value(Bytes{std::move(*bytes)});
}

}  // namespace

std::string_view implicit_tag(std::string_view value) {
  auto is = [&](std::initializer_list<std::string_view> words) {
    return match_to_end(value, [&](std::string_view t) {
      for (auto w : words)
        if (t == w) return true;
      return false;
    });
  };
  if (is({"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
          "on", "On", "ON", "off", "Off", "OFF"}))
    return kTagBool;
  if (match_to_end(value, float_form)) return kTagFloat;
  if (match_to_end(value, int_form)) return kTagInt;
  if (is({"<<"})) return kTagMerge;
  if (value.empty() || is({"~", "null", "Null", "NULL", ""})) return kTagNull;
  if (match_to_end(value, timestamp_form)) return kTagTimestamp;
  if (is({"="})) return kTagValue;
  return kTagStr;
}

bool is_scalar_tag(std::string_view tag) {
  return tag == kTagStr || tag == kTagNull || tag == kTagBool || tag == kTagInt ||
         tag == kTagFloat || tag == kTagBinary || tag == kTagTimestamp;
}

Result<Value> construct_scalar(std::string_view tag, std::string_view text) {
  if (tag == kTagStr) return Value(std::string(text));
  if (tag == kTagNull) return Value();
  if (tag == kTagBool) {
    std::string lower = ascii_lower(text);
    if (lower == "yes" || lower == "true" || lower == "on") return Value(true);
    if (lower == "no" || lower == "false" || lower == "off") return Value(false);
    return Error{"KeyError", py_string_repr(lower), 400};
  }
  if (tag == kTagInt) return construct_int(text);
  if (tag == kTagFloat) return construct_float(text);
  if (tag == kTagTimestamp) return construct_timestamp(text);
  if (tag == kTagBinary) return construct_binary(text);
  return Error{"ConstructorError",
               "could not determine a constructor for the tag " + py_string_repr(tag), 400};
}

}  // namespace lyn::yaml
