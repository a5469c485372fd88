// UTF-8, the one codec (RFC 3629). Well-formed means what Python's utf-8
// codec accepts: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF, so what we accept is what lynguine accepts. Callers that
// must carry on past ill-formed bytes decide what stands in for them (a
// U+FFFD, a \x escape, the byte as Latin-1); the codec only says where.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_CORE_UTF8_H_
#define LYNGUINE_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace lyn::utf8 {

// The byte length (1-4) of the well-formed sequence that starts at s[i], or
// 0 when the bytes there are ill-formed or truncated. Requires i < s.size().
size_t sequence_length(std::string_view s, size_t i);

// Decodes the sequence at s[i] into *cp and returns its byte length; 0 (and
// *cp untouched) when ill-formed. Requires i < s.size().
size_t decode(std::string_view s, size_t i, char32_t* cp);

// The offset of the first ill-formed byte, or std::string_view::npos.
// Scans ASCII eight bytes at a time (readers validate whole files).
size_t first_invalid(std::string_view s);
inline bool is_valid(std::string_view s) {
  return first_invalid(s) == std::string_view::npos;
}

// Appends `cp` encoded (1-4 bytes). Surrogates are encoded as they are
// (JSON's \ud800 escapes need that); values above U+10FFFF become U+FFFD.
void append(std::string& out, char32_t cp);

// Code points in `s`, each ill-formed byte counting as one.
size_t length(std::string_view s);

// All code points of `s`; each ill-formed byte stands for itself (as
// Latin-1) so that nothing is lost. encode() is its inverse on valid text.
std::u32string decode_all(std::string_view s);
std::string encode(std::u32string_view cps);

}  // namespace lyn::utf8

#endif  // LYNGUINE_CORE_UTF8_H_
