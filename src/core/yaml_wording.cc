#include <string>

#include "core/yaml.h"

namespace lyn {

namespace {

// The offset in `text` of a 1-based line and column as PyYAML marks them
// (columns in code points); npos when the text is shorter.
size_t offset_of(std::string_view text, size_t line, size_t column) {
  size_t i = 0;
  for (size_t l = 1; l < line; ++l) {
    i = text.find('\n', i);
    if (i == std::string_view::npos) return i;
    ++i;
  }
  for (size_t c = 1; c < column && i < text.size(); ++c) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

bool blank_or_end(std::string_view text, size_t i) {
  return i >= text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
         text[i] == '\r';
}

// The id of the token PyYAML's scanner makes at `i`, as repr() prints it.
std::string token_id_at(std::string_view text, size_t i) {
  if (i >= text.size()) return "'<stream end>'";
  char c = text[i];
  switch (c) {
    case ',':
    case '[':
    case ']':
    case '{':
    case '}':
      return std::string("'") + c + "'";
    case '*':
      return "'<alias>'";
    case '&':
      return "'<anchor>'";
    case '!':
      return "'<tag>'";
    default:
      break;
  }
  if ((c == ':' || c == '?' || c == '-') && blank_or_end(text, i + 1))
    return std::string("'") + c + "'";
  bool line_start = i == 0 || text[i - 1] == '\n';
  if (line_start && text.substr(i, 3) == "---" && blank_or_end(text, i + 3))
    return "'<document start>'";
  if (line_start && text.substr(i, 3) == "..." && blank_or_end(text, i + 3))
    return "'<document end>'";
  if (line_start && c == '%') return "'<directive>'";
  return "'<scalar>'";
}

}  // namespace

Error pure_python_wording(Error e, std::string_view text) {
  if (e.type != "ParserError") return e;
  static constexpr std::string_view kLib = "\ndid not find expected ";
  size_t at = e.message.find(kLib);
  if (at == std::string::npos) return e;
  size_t what_begin = at + kLib.size();
  size_t what_end = e.message.find('\n', what_begin);
  if (what_end == std::string::npos) return e;
  std::string what = e.message.substr(what_begin, what_end - what_begin);
  // The problem mark follows: `  in "NAME", line L, column C`.
  size_t ln = e.message.rfind(", line ");
  size_t col = e.message.rfind(", column ");
  if (ln == std::string::npos || col == std::string::npos || ln < what_end) return e;
  size_t line = std::stoul(e.message.substr(ln + 7));
  size_t column = std::stoul(e.message.substr(col + 9));
  std::string got = token_id_at(text, offset_of(text, line, column));
  std::string worded;
  if (what == "',' or ']'" || what == "',' or '}'")
    worded = "expected " + what + ", but got " + got;
  else if (what == "'-' indicator" || what == "key")
    worded = "expected <block end>, but found " + got;
  else
    return e;
  e.message.replace(at + 1, what_end - at - 1, worded);
  return e;
}

}  // namespace lyn
