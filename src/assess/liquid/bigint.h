// Python int arithmetic beyond __int128 for the math filters (`plus`,
// `minus`, `times`, floor `divided_by` and `modulo`), on signed decimal digit
// strings, computed with boost::multiprecision's cpp_int.
//
// Every operand and result is bounded by the Budget's liquid_integer_digits
// (a FatalError past it: repeated squaring stops there instead of eating
// the machine), and each multiplication or division charges its limb
// products as work steps.
//
// Thread safety: pure functions (reading the calling thread's Budget).
#ifndef LYNGUINE_ASSESS_LIQUID_BIGINT_H_
#define LYNGUINE_ASSESS_LIQUID_BIGINT_H_

#include <optional>
#include <string>
#include <string_view>

namespace lyn::liquid {

std::string big_add(std::string_view a, std::string_view b);
std::string big_sub(std::string_view a, std::string_view b);
std::string big_mul(std::string_view a, std::string_view b);
// Python's a // b and a % b; nullopt when b is zero.
std::optional<std::string> big_floordiv(std::string_view a, std::string_view b);
std::optional<std::string> big_mod(std::string_view a, std::string_view b);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_BIGINT_H_
