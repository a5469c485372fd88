#include "assess/lamd/int_cast.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

namespace lyn::lamd {

namespace {

// The value for decimal digits with an optional '-' (no leading zeros
// needed): an int when it fits, else a BigInt.
Value from_digits(bool negative, std::string digits) {
  size_t nz = digits.find_first_not_of('0');
  digits = nz == std::string::npos ? "0" : digits.substr(nz);
  if (digits == "0") return Value(int64_t{0});
  if (digits.size() < 19 || (digits.size() == 19 && digits <= "9223372036854775807")) {
    int64_t v = std::stoll(digits);
    return Value(negative ? -v : v);
  }
  if (negative && digits == "9223372036854775808")
    return Value(std::numeric_limits<int64_t>::min());
  return Value(BigInt{(negative ? "-" : "") + digits});
}

// The decimal digits of a double that is an integer of 2^63 or more:
// its 53-bit mantissa, doubled once per binary exponent step.
std::string exact_digits(double d) {
  int exp = 0;
  double m = std::frexp(d, &exp);  // d = m * 2^exp, 0.5 <= m < 1
  auto mantissa = static_cast<uint64_t>(std::ldexp(m, 53));
  std::string digits = std::to_string(mantissa);  // most significant first
  for (int i = 53; i < exp; ++i) {
    int carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      int v = (*it - '0') * 2 + carry;
      *it = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    if (carry) digits.insert(digits.begin(), static_cast<char>('0' + carry));
  }
  return digits;
}

bool is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

Result<Value> parse_int(const std::string& s) {
  auto invalid = [&] {
    return Error{"ValueError", "invalid literal for int() with base 10: " + py_string_repr(s), 400};
  };
  size_t b = 0, e = s.size();
  while (b < e && is_space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && is_space(static_cast<unsigned char>(s[e - 1]))) --e;
  bool negative = false;
  if (b < e && (s[b] == '+' || s[b] == '-')) negative = s[b++] == '-';
  std::string digits;
  bool prev_digit = false;
  for (size_t i = b; i < e; ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      prev_digit = true;
    } else if (c == '_' && prev_digit && i + 1 < e && s[i + 1] >= '0' && s[i + 1] <= '9') {
      prev_digit = false;  // one underscore between digits
    } else {
      return invalid();
    }
  }
  if (digits.empty()) return invalid();
  if (digits.size() > 4300)
    return Error{"ValueError",
                 "Exceeds the limit (4300 digits) for integer string conversion: value has " +
                     std::to_string(digits.size()) +
                     " digits; use sys.set_int_max_str_digits() to increase the limit",
                 400};
  return from_digits(negative, digits);
}

}  // namespace

Result<Value> py_int(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
    case Value::Kind::kBigInt:
      return v;
    case Value::Kind::kBool:
      return Value(int64_t{v.as_bool() ? 1 : 0});
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) return Error{"ValueError", "cannot convert float NaN to integer", 400};
      if (std::isinf(d))
        return Error{"OverflowError", "cannot convert float infinity to integer", 400};
      double t = std::trunc(d);
      if (std::fabs(t) < 9.2e18) return Value(static_cast<int64_t>(t));
      return from_digits(t < 0, exact_digits(std::fabs(t)));
    }
    case Value::Kind::kString:
      return parse_int(v.as_string());
    default:
      return Error{"TypeError",
                   "int() argument must be a string, a bytes-like object or a real number, not '" +
                       py_type_name(v) + "'",
                   400};
  }
}

bool int_positive(const Value& i) {
  if (i.is_int()) return i.as_int() > 0;
  const std::string& d = i.as_bigint().digits;
  return !d.empty() && d[0] != '-';
}

std::string int_str(const Value& i) {
  return i.is_int() ? std::to_string(i.as_int()) : i.as_bigint().digits;
}

std::string int_format02(const Value& i) {
  std::string s = int_str(i);
  // Width 2 with zero padding after the sign ('=' alignment).
  if (s.size() >= 2) return s;
  return "0" + s;
}

}  // namespace lyn::lamd
