// Math filters: python-liquid's, with Python int / float semantics and
// Decimal arithmetic whenever a float is involved.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "assess/liquid/bigint.h"
#include "assess/liquid/decimal.h"
#include "assess/liquid/filter_util.h"
#include "assess/liquid/number.h"

namespace lyn::liquid {

namespace {

RValue num_in(const RValue& v) {
  return to_number(v, RValue(0));
}

// Python's int(d) for an integral float; beyond __int128 the digits are
// returned as a string, which prints the same.
RValue int_or_float(double d) {
  if (std::isfinite(d) && std::fabs(d) < 1e38) return RValue(static_cast<Int>(d));
  if (std::isfinite(d)) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return RValue(std::string(buf));
  }
  // Python's errors, which python-liquid does not catch.
  if (std::isnan(d)) throw FatalError{"ValueError", "cannot convert float NaN to integer"};
  throw FatalError{"OverflowError", "cannot convert float infinity to integer"};
}

Int floor_div(Int a, Int b) {
  Int q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Int floor_mod(Int a, Int b) {
  Int r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

RValue big_op(const RValue& x, const RValue& y, DecimalOp op) {
  std::string a = integral_str(x), b = integral_str(y);
  switch (op) {
    case DecimalOp::kAdd:
      return int_from_digits(big_add(a, b));
    case DecimalOp::kSub:
      return int_from_digits(big_sub(a, b));
    case DecimalOp::kMul:
      return int_from_digits(big_mul(a, b));
    case DecimalOp::kMod:
      if (auto r = big_mod(a, b)) return int_from_digits(*r);
      return RValue(std::fmod(x.to_double(), y.to_double()));
  }
  return RValue(0);
}

RValue int_op(const RValue& x, const RValue& y, DecimalOp op) {
  if (x.is_int() && y.is_int()) {
    Int a = x.as_int(), b = y.as_int(), r;
    switch (op) {
      case DecimalOp::kAdd:
        if (!__builtin_add_overflow(a, b, &r)) return RValue(r);
        break;
      case DecimalOp::kSub:
        if (!__builtin_sub_overflow(a, b, &r)) return RValue(r);
        break;
      case DecimalOp::kMul:
        if (!__builtin_mul_overflow(a, b, &r)) return RValue(r);
        break;
      case DecimalOp::kMod:
        return RValue(floor_mod(a, b));
    }
  }
  return big_op(x, y, op);
}

RValue arith(const RValue& in, const Args& a, DecimalOp op) {
  RValue x = num_in(in);
  RValue y = num_in(a[0]);
  if (x.is_integral() && y.is_integral()) {
    if (op == DecimalOp::kMod && y.is_int() && y.as_int() == 0)
      throw FilterError{"modulo: can't divide by 0"};
    return int_op(x, y, op);
  }
  // A bool stays a bool (an int to Python) until it meets a float:
  // Decimal(str(True)) is an error python-liquid does not catch.
  if (in.is_bool() || a[0].is_bool())
    throw FatalError{"InvalidOperation", "[<class 'decimal.ConversionSyntax'>]"};
  return RValue(decimal_op(x, y, op));
}

RValue f_plus(const RValue& in, const Args& a, const KwArgs&) {
  return arith(in, a, DecimalOp::kAdd);
}
RValue f_minus(const RValue& in, const Args& a, const KwArgs&) {
  return arith(in, a, DecimalOp::kSub);
}
RValue f_times(const RValue& in, const Args& a, const KwArgs&) {
  return arith(in, a, DecimalOp::kMul);
}
RValue f_modulo(const RValue& in, const Args& a, const KwArgs&) {
  return arith(in, a, DecimalOp::kMod);
}

RValue f_divided_by(const RValue& in, const Args& a, const KwArgs&) {
  RValue x = num_in(in);
  RValue y = num_in(a[0]);
  if (x.is_int() && y.is_int()) {
    if (y.as_int() == 0) throw FilterError{"divided_by: can't divide by 0"};
    if (!(x.as_int() == std::numeric_limits<Int>::min() && y.as_int() == -1))
      return RValue(floor_div(x.as_int(), y.as_int()));
  }
  if (x.is_integral() && y.is_integral()) {
    if (auto q = big_floordiv(integral_str(x), integral_str(y))) return int_from_digits(*q);
    throw FilterError{"divided_by: can't divide by 0"};
  }
  double d = y.to_double();
  if (d == 0) throw FilterError{"divided_by: can't divide by 0"};
  return RValue(x.to_double() / d);
}

RValue f_abs(const RValue& in, const Args&, const KwArgs&) {
  RValue x = num_in(in);
  if (x.is_big()) {
    const std::string& d = x.big_digits();
    return RValue(BigNum{d[0] == '-' ? d.substr(1) : d});
  }
  if (x.is_int()) {
    if (x.as_int() == std::numeric_limits<Int>::min())
      return int_from_digits(int_str(x.as_int()).substr(1));
    return RValue(x.as_int() < 0 ? -x.as_int() : x.as_int());
  }
  return RValue(std::fabs(x.as_float()));
}

RValue f_ceil(const RValue& in, const Args&, const KwArgs&) {
  RValue x = num_in(in);
  if (x.is_integral()) return x;
  return int_or_float(std::ceil(x.as_float()));
}

RValue f_floor(const RValue& in, const Args&, const KwArgs&) {
  RValue x = num_in(in);
  if (x.is_integral()) return x;
  return int_or_float(std::floor(x.as_float()));
}

// Python's `x < y` for ints and floats.
bool num_less(const RValue& x, const RValue& y) {
  bool ok;
  return less_than(x, y, ok);
}

// Python's max()/min() of the operands: a bool stays a bool (it compares as
// an int), so `-3 | at_least: true` is `true`.
RValue keep_bool(const RValue& v) {
  return v.is_bool() ? v : num_in(v);
}

RValue f_at_least(const RValue& in, const Args& a, const KwArgs&) {
  RValue x = keep_bool(in), y = keep_bool(a[0]);
  return num_less(num_in(x), num_in(y)) ? y : x;  // max() keeps the first on a tie
}

RValue f_at_most(const RValue& in, const Args& a, const KwArgs&) {
  RValue x = keep_bool(in), y = keep_bool(a[0]);
  return num_less(num_in(y), num_in(x)) ? y : x;  // min() keeps the first on a tie
}

RValue f_round(const RValue& in, const Args& a, const KwArgs&) {
  RValue x = num_in(in);
  int64_t nd = 0;
  if (!a.empty() && a[0].truthy() && !(a[0].is_number() && a[0].to_double() == 0))
    nd = to_int_arg(a[0], 0);
  if (nd == 0) {
    if (x.is_integral()) return x;
    return int_or_float(std::nearbyint(x.as_float()));  // ties to even
  }
  if (nd < 0) return RValue(0);
  if (x.is_integral()) return x;
  double d = x.as_float();
  if (!std::isfinite(d) || nd > 300) return x;
  // printf rounds the exact binary value, ties to even, as Python does.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(nd), d);
  return RValue(std::strtod(buf, nullptr));
}

}  // namespace

const std::vector<FilterDef>& math_filters() {
  static const std::vector<FilterDef> defs = {
      {"plus", f_plus, 1, 1},
      {"minus", f_minus, 1, 1},
      {"times", f_times, 1, 1},
      {"modulo", f_modulo, 1, 1},
      {"divided_by", f_divided_by, 1, 1},
      {"abs", f_abs, 0, 0},
      {"ceil", f_ceil, 0, 0},
      {"floor", f_floor, 0, 0},
      {"at_least", f_at_least, 1, 1},
      {"at_most", f_at_most, 1, 1},
      {"round", f_round, 0, 1},
  };
  return defs;
}

}  // namespace lyn::liquid
