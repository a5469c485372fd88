#include "core/py_number.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "core/float_chars.h"

namespace lyn {

namespace {

using boost::multiprecision::cpp_int;

constexpr size_t kMaxStrDigits = 4300;  // sys.get_int_max_str_digits()

// Length of the Python whitespace character (str.isspace) starting at s[i]
// in UTF-8, or 0.
size_t space_at(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) return 1;
  std::string_view r = s.substr(i);
  for (std::string_view w : {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
                             "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"})
    if (r.substr(0, w.size()) == w) return w.size();
  // U+2000..U+200A
  if (r.size() >= 3 && r[0] == '\xe2' && r[1] == '\x80' &&
      static_cast<unsigned char>(r[2]) >= 0x80 && static_cast<unsigned char>(r[2]) <= 0x8a)
    return 3;
  return 0;
}

bool ends_with_space(std::string_view s, size_t* n) {
  for (size_t len = 1; len <= 3 && len <= s.size(); ++len) {
    size_t at = s.size() - len;
    if (space_at(s, at) == len) {
      *n = len;
      return true;
    }
  }
  return false;
}

std::string_view py_strip(std::string_view s) {
  while (!s.empty()) {
    size_t n = space_at(s, 0);
    if (!n) break;
    s.remove_prefix(n);
  }
  size_t n;
  while (!s.empty() && ends_with_space(s, &n)) s.remove_suffix(n);
  return s;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

Error exceeds_limit(size_t digits) {
  std::string msg = "Exceeds the limit (" + std::to_string(kMaxStrDigits) +
                    " digits) for integer string conversion";
  if (digits) msg += ": value has " + std::to_string(digits) + " digits";
  return Error::value(msg + "; use sys.set_int_max_str_digits() to increase the limit");
}

}  // namespace

std::string py_repr_cut(std::string_view s, size_t max_chars) {
  std::string r = py_string_repr(s);
  size_t chars = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    if ((static_cast<unsigned char>(r[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return r.substr(0, i);
  }
  return r;
}

Result<Value> py_int_from_string(std::string_view original, int base) {
  auto invalid = [&] {
    return Error::value("invalid literal for int() with base " + std::to_string(base) + ": " +
                        py_repr_cut(original));
  };
  std::string_view s = py_strip(original);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if ((base == 16 && p == 'x') || (base == 8 && p == 'o') || (base == 2 && p == 'b')) {
      s.remove_prefix(2);
      if (!s.empty() && s[0] == '_') s.remove_prefix(1);
    }
  }
  // Digits with single underscores between them.
  if (s.empty() || s.front() == '_' || s.back() == '_') return invalid();
  size_t digits = 0, significant = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i + 1] == '_') return invalid();
      continue;
    }
    if (digit_value(s[i]) >= base) return invalid();
    ++digits;
    if (significant || s[i] != '0') ++significant;
  }
  bool power_of_two = (base & (base - 1)) == 0;
  if (!power_of_two && digits > kMaxStrDigits) return exceeds_limit(digits);
  // Python holds any int of base 2, 8 or 16 but cannot print one of more
  // than 4300 decimal digits. We refuse it here, where the work is still
  // bounded by the input (the exact check follows the conversion).
  if (power_of_two && significant * (base == 16 ? 4 : base == 8 ? 3 : 1) > kMaxStrDigits * 4)
    return exceeds_limit(0);
  uint64_t small = 0;
  bool fits = true;
  for (char c : s) {
    if (c == '_') continue;
    unsigned d = static_cast<unsigned>(digit_value(c));
    if (small > (std::numeric_limits<uint64_t>::max() - d) / static_cast<unsigned>(base)) {
      fits = false;
      break;
    }
    small = small * static_cast<unsigned>(base) + d;
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (fits && (small <= kMax || (negative && small == kMax + 1))) {
    int64_t v = small <= kMax ? static_cast<int64_t>(small) : std::numeric_limits<int64_t>::min();
    return Value(negative && small <= kMax ? -v : v);
  }
  cpp_int big = 0;
  for (char c : s) {
    if (c == '_') continue;
    big = big * base + digit_value(c);
  }
  std::string dec = big.str();
  if (dec.size() > kMaxStrDigits) return exceeds_limit(0);
  return Value(BigInt{(negative ? "-" : "") + dec});
}

Result<double> py_float_from_string(std::string_view original) {
  auto invalid = [&] {
    return Error::value("could not convert string to float: " + py_string_repr(original));
  };
  std::string_view s = py_strip(original);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  auto iequals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if ((a[i] | 0x20) != b[i]) return false;
    return true;
  };
  double sign = negative ? -1.0 : 1.0;
  if (iequals(s, "inf") || iequals(s, "infinity"))
    return sign * std::numeric_limits<double>::infinity();
  if (iequals(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  // digits [. digits] | . digits, then e [sign] digits; single underscores
  // between digits.
  std::string clean;
  size_t i = 0, mantissa_digits = 0;
  auto run = [&](size_t* count) {
    bool prev_digit = false;
    while (i < s.size()) {
      if (s[i] >= '0' && s[i] <= '9') {
        clean += s[i++];
        ++*count;
        prev_digit = true;
      } else if (s[i] == '_' && prev_digit && i + 1 < s.size() && s[i + 1] >= '0' &&
                 s[i + 1] <= '9') {
        ++i;
        prev_digit = false;
      } else {
        break;
      }
    }
  };
  run(&mantissa_digits);
  if (i < s.size() && s[i] == '.') {
    clean += s[i++];
    run(&mantissa_digits);
  }
  if (mantissa_digits == 0) return invalid();
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    size_t exp_digits = 0;
    run(&exp_digits);
    if (exp_digits == 0) return invalid();
  }
  if (i != s.size()) return invalid();
  double d = 0;
  auto r = double_from_chars(clean.data(), clean.data() + clean.size(), d);
  // Out of range: strtod (the "C" locale; nothing here calls setlocale)
  // gives the overflow's inf or the underflow's 0 or subnormal.
  if (r.ec == std::errc::result_out_of_range) d = std::strtod(clean.c_str(), nullptr);
  return sign * d;
}

}  // namespace lyn
