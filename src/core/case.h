// Letter case, in two flavours that must not be mixed up:
// - ASCII case folding, for protocol tokens (HTTP header names, methods,
//   media types, zip and XML names, BibTeX keys): locale-independent and
//   byte-wise, so non-ASCII bytes never change.
// - Python's str.upper / str.lower / str.capitalize over Unicode, for text
//   whose output must match lynguine byte for byte (Liquid's filters).
//
// Thread safety: pure functions; the C.UTF-8 locale handle behind the
// Unicode mappings is created once under a function-local static and only
// read afterwards.
#ifndef LYNGUINE_CORE_CASE_H_
#define LYNGUINE_CORE_CASE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace lyn {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
std::string ascii_lower(std::string_view s);

// ASCII case-insensitive equality.
bool ascii_iequals(std::string_view a, std::string_view b);
// The first offset >= `from` where `needle` occurs in `hay` ignoring ASCII
// case, or npos.
size_t ascii_ifind(std::string_view hay, std::string_view needle, size_t from = 0);

// Python's str.upper, str.lower and str.capitalize (the full mappings for
// the common multi-character cases: ß, ﬀ/ﬁ/ﬂ, İ). Ill-formed UTF-8 bytes
// are taken as Latin-1.
std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_capitalize(std::string_view s);

}  // namespace lyn

#endif  // LYNGUINE_CORE_CASE_H_
