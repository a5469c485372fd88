// UTF-8 helpers for the Liquid engine: code point decoding / encoding,
// length and slicing by code point, and Python-like case mapping
// (str.upper / str.lower / str.capitalize) via glibc's C.UTF-8 locale.
//
// Thread safety: pure functions; the shared locale handle is created once
// under a function-local static and only read afterwards.
#ifndef LYNGUINE_ASSESS_LIQUID_UTF8_H_
#define LYNGUINE_ASSESS_LIQUID_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lyn::liquid {

// Number of code points (invalid bytes count as one each).
size_t utf8_length(std::string_view s);
std::vector<char32_t> utf8_decode(std::string_view s);
void utf8_append(std::string& out, char32_t cp);
std::string utf8_encode(const std::vector<char32_t>& cps, size_t begin, size_t end);

std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_capitalize(std::string_view s);
// Python's str.isspace for one code point.
bool py_isspace(char32_t c);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_UTF8_H_
