// std::from_chars for double, on every C++ library we build with. libstdc++
// (GCC 11+) has it; libc++ 14 (Debian's, the `make test-libcxx` build) and
// Apple's libc++ do not, so there the same contract is met by scanning the
// decimal grammar and converting with strtod_l in the "C" locale.
//
// Contract (std::from_chars, chars_format::general): an optional '-', then
// digits with an optional '.' and exponent, or inf / infinity / nan /
// nan(chars) in any case; no leading whitespace or '+', no hex. `ptr` is
// past the longest match (== first, with invalid_argument, if none). Out of
// range (overflow to inf, or a non-zero value rounding to 0):
// result_out_of_range and `out` unchanged.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_FLOAT_CHARS_H_
#define LYNGUINE_CORE_FLOAT_CHARS_H_

#include <charconv>

namespace lyn {

// The C++ library's std::from_chars where it has one, else the portable one.
std::from_chars_result double_from_chars(const char* first, const char* last, double& out);

// The strtod_l-based implementation, always (tests compare it with the
// library's where both exist).
std::from_chars_result portable_double_from_chars(const char* first, const char* last, double& out);

}  // namespace lyn

#endif  // LYNGUINE_CORE_FLOAT_CHARS_H_
