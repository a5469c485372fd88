// Decimal arithmetic as python-liquid's math filters use it: each operand
// goes through Python's `Decimal(str(x))`, the operation is exact (decimal
// `%` takes the sign of the dividend), and the result comes back through
// `float()`. Dividing by zero in `%` raises decimal.InvalidOperation.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_DECIMAL_H_
#define LYNGUINE_ASSESS_LIQUID_DECIMAL_H_

#include "assess/liquid/rvalue.h"

namespace lyn::liquid {

enum class DecimalOp { kAdd, kSub, kMul, kMod };

// `float(Decimal(str(a)) op Decimal(str(b)))` for ints / floats. Throws
// FatalError{"InvalidOperation"} for a modulo by zero.
double decimal_op(const RValue& a, const RValue& b, DecimalOp op);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_DECIMAL_H_
