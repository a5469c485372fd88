// Numeric conversions as python-liquid's math filters do them: ints stay
// ints, numeric strings are parsed (Python int() first, then float()),
// anything else falls back to a default. Also Python-style string to number
// parsing helpers shared by filters.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_NUMBER_H_
#define LYNGUINE_ASSESS_LIQUID_NUMBER_H_

#include <optional>
#include <string_view>

#include "assess/liquid/rvalue.h"

namespace lyn::liquid {

// Python int(s): optional whitespace, sign, digits with single underscores.
std::optional<Int> parse_py_int(std::string_view s);
// Python float(s): also inf / nan / exponents; whitespace allowed.
std::optional<double> parse_py_float(std::string_view s);

// An int or float for `v`, or `fallback` when it is not a number and does
// not parse as one. Bools count as ints, as in Python.
RValue to_number(const RValue& v, const RValue& fallback);
// An integer argument (python-liquid's int_arg): ints, integral strings,
// floats truncated; otherwise `fallback`.
int64_t to_int_arg(const RValue& v, int64_t fallback);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_NUMBER_H_
