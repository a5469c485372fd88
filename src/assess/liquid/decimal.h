// Decimal arithmetic as python-liquid's number filters use it: Python's
// decimal.Decimal under the default context (28 significant digits,
// ROUND_HALF_EVEN; InvalidOperation, DivisionByZero and Overflow raise).
// `plus`, `minus`, `times` and `modulo` with a float operand compute
// float(Decimal(str(a)) op Decimal(str(b))); `sum` adds decimal_arg() of
// each item (ints stay exact ints, floats become Decimal(str(x)), numeric
// strings int() or Decimal()) starting from the int 0, and returns
// float() of a Decimal total. Decimal `%` takes the sign of the dividend
// and fails when the quotient has more than 28 digits.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_DECIMAL_H_
#define LYNGUINE_ASSESS_LIQUID_DECIMAL_H_

#include <optional>
#include <string>
#include <string_view>

#include "assess/liquid/rvalue.h"

namespace lyn::liquid {

enum class DecimalOp { kAdd, kSub, kMul, kMod };

// A Decimal value: sign, coefficient digits and exponent, or a special.
struct Decimal {
  enum class Kind { kFinite, kInfinity, kNaN, kSignalingNaN };
  Kind kind = Kind::kFinite;
  bool negative = false;
  std::string coefficient = "0";  // decimal digits, no leading zeros
  long exponent = 0;
};

// Decimal(text): Python's syntax (whitespace around, underscores, "Inf",
// "NaN", exponents); nullopt where Python raises ConversionSyntax.
std::optional<Decimal> decimal_from_text(std::string_view text);
// Decimal(str(x)) for an int or float RValue.
Decimal decimal_from_number(const RValue& x);
// The context's operations; throw FatalError{"InvalidOperation", ...}
// where Python raises.
Decimal decimal_apply(const Decimal& a, const Decimal& b, DecimalOp op);
// float(d): the nearest double (ties to even); NaN and infinities map.
double decimal_to_double(const Decimal& d);

// `float(Decimal(str(a)) op Decimal(str(b)))` for ints / floats.
double decimal_op(const RValue& a, const RValue& b, DecimalOp op);

// python-liquid's sum of `items` (already flattened): an int when every
// item is an int, bool or non-number, else a float. Throws
// FatalError{"InvalidOperation"} for a string that is no number.
RValue decimal_sum(const RList& items);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_DECIMAL_H_
