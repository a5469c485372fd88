// Arbitrary-size integer arithmetic on signed decimal digit strings, for
// Python ints that outgrow __int128 in the math filters (`plus`, `minus`,
// `times`, and floor `divided_by` / `modulo` by a divisor that fits in 64
// bits).
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_BIGINT_H_
#define LYNGUINE_ASSESS_LIQUID_BIGINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lyn::liquid {

std::string big_add(std::string_view a, std::string_view b);
std::string big_sub(std::string_view a, std::string_view b);
std::string big_mul(std::string_view a, std::string_view b);
// Python's a // b and a % b; nullopt when b is zero.
std::optional<std::string> big_floordiv(std::string_view a, int64_t b);
std::optional<std::string> big_mod(std::string_view a, int64_t b);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_BIGINT_H_
