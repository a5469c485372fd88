// Character predicates and constants shared by PyRegex's compiler and
// matcher (internal to core/regex*.cc). The Unicode predicates approximate
// Python's str methods without tables; regex.h says how.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_CORE_REGEX_CHARS_H_
#define LYNGUINE_CORE_REGEX_CHARS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lyn {

// Class category bits (PyRegex::Class::categories).
enum : uint8_t {
  kDigit = 1,
  kNotDigit = 2,
  kWord = 4,
  kNotWord = 8,
  kSpace = 16,
  kNotSpace = 32,
};

// Assertion codes (PyRegex::Inst::assertion).
enum : uint8_t {
  kAssertBegin = 1,          // ^ and \A
  kAssertEnd,                // \Z
  kAssertEndOrFinalNewline,  // $: the end, or before a final "\n"
  kAssertLineStart,          // ^ under (?m)
  kAssertLineEnd,            // $ under (?m)
  kAssertWord,               // \b
  kAssertNotWord,            // \B
  kAssertWordAscii,          // \b under (?a)
  kAssertNotWordAscii,       // \B under (?a)
};

bool regex_is_digit(char32_t c, bool ascii);
bool regex_is_space(char32_t c, bool ascii);
bool regex_is_word(char32_t c, bool ascii);
// Simple case mappings for (?i): ASCII, Latin-1, basic Greek and Cyrillic.
char32_t regex_lower(char32_t c);
char32_t regex_upper(char32_t c);

// Code points of UTF-8 text, each ill-formed byte taken as os.fsdecode
// takes it (U+DC80..U+DCFF).
std::u32string fs_decode(std::string_view s);

}  // namespace lyn

#endif  // LYNGUINE_CORE_REGEX_CHARS_H_
