// int_cast: Python's int(x) for a value read from YAML, as lamd's flags
// applies it to week, session, topic, practical and background: ints as
// they are (beyond 64 bits too), bools as 0/1, floats truncated toward
// zero, strings parsed as int("...") parses them; anything else, or a
// string that is not an integer, is the TypeError/ValueError Python raises.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LAMD_INT_CAST_H_
#define LYNGUINE_ASSESS_LAMD_INT_CAST_H_

#include <string>

#include "core/status.h"
#include "core/value.h"

namespace lyn::lamd {

// An int or BigInt Value.
Result<Value> py_int(const Value& v);

// For an int or BigInt: its sign, str() and "{0:02}".format().
bool int_positive(const Value& i);
std::string int_str(const Value& i);
std::string int_format02(const Value& i);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_INT_CAST_H_
