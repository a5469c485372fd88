// pure_python_wording (core/yaml.h): libyaml's parser errors in the words
// of PyYAML's pure-Python parser, which lynguine's yaml.safe_load uses.
#include <optional>
#include <string>

#include "core/yaml.h"
#include "core/yaml_node.h"

namespace lyn {

namespace {

// The offset in `text` of a 1-based line and column as PyYAML marks them
// (columns in code points); npos when the text is shorter.
size_t offset_of(std::string_view text, size_t line, size_t column) {
  size_t i = 0;
  for (size_t l = 1; l < line; ++l) {
    // libyaml breaks lines at \n, \r\n and a lone \r (Python's text mode
    // reads all three as one newline).
    i = text.find_first_of("\r\n", i);
    if (i == std::string_view::npos) return i;
    i += text.substr(i, 2) == "\r\n" ? 2 : 1;
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

// Whether the node starting at `i` is a simple key: a ':' and a blank (or
// the line's end) follow it on its line, outside quotes. PyYAML's scanner
// then queues a KEY token ('?') before the node's first token.
bool simple_key_at(std::string_view text, size_t i) {
  for (; i < text.size() && text[i] != '\n' && text[i] != '\r'; ++i) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (c == '"' && text[i] == '\\') ++i;
      if (i >= text.size()) return false;
    } else if (c == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
      return false;
    } else if (c == ':' && blank_or_end(text, i + 1)) {
      return true;
    }
  }
  return false;
}

// A decimal number at the start of `s`; nullopt when there is none.
std::optional<size_t> leading_number(std::string_view s) {
  size_t n = 0, k = 0;
  for (; k < s.size() && s[k] >= '0' && s[k] <= '9' && k < 18; ++k) n = n * 10 + (s[k] - '0');
  if (k == 0) return std::nullopt;
  return n;
}

}  // namespace

namespace yaml {

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

}  // namespace yaml

namespace {

// libyaml's "found character that cannot start any token" names the
// character in PyYAML's words: "found character '\t' that cannot ...".
Error name_the_character(Error e, std::string_view text) {
  static constexpr std::string_view kLib = "\nfound character that cannot start any token";
  size_t at = e.message.find(kLib);
  size_t ln = e.message.rfind(", line ");
  size_t col = e.message.rfind(", column ");
  if (at == std::string::npos || ln == std::string::npos || col == std::string::npos) return e;
  auto line = leading_number(std::string_view(e.message).substr(ln + 7));
  auto column = leading_number(std::string_view(e.message).substr(col + 9));
  if (!line || !column) return e;
  size_t i = offset_of(text, *line, *column);
  if (i >= text.size()) return e;
  size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
  e.message.insert(at + 16, " " + py_string_repr(text.substr(i, n)));
  return e;
}

}  // namespace

Error pure_python_wording(Error e, std::string_view text) {
  if (e.type == "ScannerError") return name_the_character(std::move(e), text);
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
  auto line = leading_number(std::string_view(e.message).substr(ln + 7));
  auto column = leading_number(std::string_view(e.message).substr(col + 9));
  if (!line || !column) return e;
  size_t i = offset_of(text, *line, *column);
  std::string got = yaml::token_id_at(text, i);
  std::string worded;
  if (what == "',' or ']'" || what == "',' or '}'") {
    worded = "expected " + what + ", but got " + got;
  } else if (what == "'-' indicator" || what == "key") {
    // In a block collection a simple key is announced by its KEY token.
    bool node =
        got == "'<scalar>'" || got == "'<anchor>'" || got == "'<tag>'" || got == "'<alias>'";
    if (node && simple_key_at(text, i)) got = "'?'";
    worded = "expected <block end>, but found " + got;
  } else {
    return e;
  }
  e.message.replace(at + 1, what_end - at - 1, worded);
  return e;
}

}  // namespace lyn
