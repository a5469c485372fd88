#include "assess/liquid/bigint.h"

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>

#include "assess/liquid/limits.h"

namespace lyn::liquid {

namespace {

using boost::multiprecision::cpp_int;

size_t digit_count(std::string_view s) {
  return !s.empty() && (s[0] == '-' || s[0] == '+') ? s.size() - 1 : s.size();
}

// An upper bound of v's decimal digits, from its bit length.
uint64_t msb_digits(const cpp_int& v) {
  return v == 0 ? 1 : boost::multiprecision::msb(abs(v)) * 30103 / 100000 + 1;
}

uint64_t max_digits() {
  return Budget::current().limits().liquid_integer_digits;
}

void refuse(uint64_t max, uint64_t digits) {
  throw_limit(
      Limit::kLiquidIntegerDigits, max,
      "integer too large: a result of " + std::to_string(digits) + " or more decimal digits");
}

// Refuses a result that would have more than `digits` digits before it is
// computed, so that a huge product is never built.
void check_before(uint64_t digits) {
  uint64_t max = max_digits();
  if (max && digits > max + 1) refuse(max, digits - 1);
}

// Decimal conversion is quadratic in the number of limbs.
void charge_conversion(uint64_t digits) {
  uint64_t limbs = digits / 19 + 1;
  spend(Budget::current(), limbs * limbs);
}

std::string checked(const cpp_int& v) {
  charge_conversion(msb_digits(v));
  std::string s = v.str();
  uint64_t max = max_digits();
  if (max && digit_count(s) > max) refuse(max, digit_count(s));
  return s;
}

cpp_int parse(std::string_view s) {
  check_before(digit_count(s));
  charge_conversion(digit_count(s));
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  return cpp_int(std::string(s));
}

// Schoolbook products of 64-bit limbs: the work a product or quotient costs.
void charge(std::string_view a, std::string_view b) {
  uint64_t la = digit_count(a) / 19 + 1, lb = digit_count(b) / 19 + 1;
  spend(Budget::current(), la * lb);
}

// Python's a // b (want_quotient) or a % b: the quotient rounds toward
// minus infinity and the remainder takes the divisor's sign. nullopt when b
// is zero.
std::optional<std::string> floor_divmod(std::string_view a, std::string_view b,
                                        bool want_quotient) {
  cpp_int x = parse(a), y = parse(b);
  if (y == 0) return std::nullopt;
  charge(a, b);
  cpp_int q, r;
  boost::multiprecision::divide_qr(x, y, q, r);
  if (r != 0 && ((r < 0) != (y < 0))) {
    q -= 1;
    r += y;
  }
  return checked(want_quotient ? q : r);
}

}  // namespace

std::string big_add(std::string_view a, std::string_view b) {
  check_before(std::max(digit_count(a), digit_count(b)) + 1);
  return checked(parse(a) + parse(b));
}

std::string big_sub(std::string_view a, std::string_view b) {
  check_before(std::max(digit_count(a), digit_count(b)) + 1);
  return checked(parse(a) - parse(b));
}

std::string big_mul(std::string_view a, std::string_view b) {
  check_before(digit_count(a) + digit_count(b));
  charge(a, b);
  return checked(parse(a) * parse(b));
}

std::optional<std::string> big_floordiv(std::string_view a, std::string_view b) {
  return floor_divmod(a, b, true);
}

std::optional<std::string> big_mod(std::string_view a, std::string_view b) {
  return floor_divmod(a, b, false);
}

}  // namespace lyn::liquid
