// Python's int(s, base) and float(s) of a string, with their exceptions:
// what PyYAML's constructors call on a scalar's text (`!!int " 12 "` is 12,
// `!!float inf` is inf), so the same quirks and messages follow.
//
// Both strip surrounding whitespace and take one sign. Digits are ASCII only
// (Python also accepts other Unicode decimal digits). An int that would not
// print within Python's 4300-digit limit is refused with Python's message.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_PY_NUMBER_H_
#define LYNGUINE_CORE_PY_NUMBER_H_

#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

// int(s, base) for base 2, 8, 10 or 16 (the prefix 0b/0o/0x of that base is
// allowed): an Int, or a BigInt beyond 64 bits. ValueError otherwise.
Result<Value> py_int_from_string(std::string_view s, int base = 10);

// float(s): decimal forms, inf, infinity, nan in any case. ValueError
// otherwise.
Result<double> py_float_from_string(std::string_view s);

// Python's `%.200R`: repr() cut to 200 characters, as int()'s message has it.
std::string py_repr_cut(std::string_view s, size_t max_chars = 200);

}  // namespace lyn

#endif  // LYNGUINE_CORE_PY_NUMBER_H_
