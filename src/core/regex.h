// PyRegex: Python `re` patterns matched in linear time, for the `regexp`
// of a directory reader (lynguine keeps a file when
// re.match(regexp, basename) is not None).
//
// Why not std::regex or Python's backtracking: a pattern such as `(a+)+$`
// makes a backtracking matcher take exponential time on 'aaa...b'. This one
// compiles the pattern to a Thompson NFA and simulates it breadth-first (a
// Pike VM without submatches), so matching costs at most (program size) x
// (text length) steps, whatever the pattern. Only "is there a match at the
// start" is asked, so greedy and lazy quantifiers are the same here, and
// {m,n} is expanded into copies (bounded by limits.regexp_program_size).
//
// Supported: literals and escapes (\n \t \xhh \uhhhh \Uhhhhhhhh, octal), `.`,
// classes [...] with ranges and \d \w \s \D \W \S, anchors ^ $ \A \Z \b \B,
// groups (...) (?:...) (?P<name>...), alternation, * + ? {m} {m,} {,n} {m,n}
// and their lazy forms, comments (?#...), flags (?aimsux) at the start and
// scoped (?i:...) / (?-i:...). Refused with a ValueError naming the
// construct (Python accepts them, but no linear-time matcher can): back
// references (\1, (?P=name)), lookaround ((?=...), (?!...), (?<=...),
// (?<!...)), conditionals ((?(1)...)), atomic groups and possessive
// quantifiers, \N{...}. Patterns Python rejects give re.error's messages
// (type "error").
//
// Text is UTF-8; an ill-formed byte is taken as Python's os.fsdecode takes
// it (the lone surrogate U+DC80..U+DCFF). Unicode classes approximate
// Python's str predicates without tables: \d is ASCII digits; \w is ASCII
// letters, digits and `_` plus every non-ASCII code point outside the
// punctuation, symbol and space blocks; (?i) folds ASCII and Latin-1.
//
// Thread safety: a compiled PyRegex is immutable; match() may run on many
// threads at once (each charges the Budget installed on its own thread).
#ifndef LYNGUINE_CORE_REGEX_H_
#define LYNGUINE_CORE_REGEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lyn {

class PyRegex {
 public:
  // One character class: ranges of code points plus the Unicode categories
  // \d \w \s (and their negations) it includes.
  struct Class {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    uint8_t categories = 0;  // bit set of kDigit.. (see regex_chars.h)
    bool negated = false;
    bool ascii = false;  // (?a): \d \w \s are ASCII-only
  };

  struct Inst {
    enum class Op : uint8_t { kChar, kAny, kAnyNewline, kClass, kAssert, kSplit, kJump, kMatch };
    Op op = Op::kMatch;
    bool icase = false;  // kChar, kClass: (?i) in effect
    uint8_t assertion = 0;
    char32_t c = 0;        // kChar
    int32_t x = 0, y = 0;  // kSplit / kJump: targets relative to this instruction
    uint32_t cls = 0;      // kClass: index into classes_
  };

  // Compiles `pattern` under Budget::current()'s limits.
  static Result<PyRegex> compile(std::string_view pattern);

  // re.match(pattern, text) is not None. Charges the current Budget one
  // step per live NFA state per character; its refusal is returned.
  Result<bool> match(std::string_view text) const;

  size_t program_size() const { return prog_.size(); }

 private:
  std::vector<Inst> prog_;
  std::vector<Class> classes_;
};

}  // namespace lyn

#endif  // LYNGUINE_CORE_REGEX_H_
