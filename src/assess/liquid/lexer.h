// Liquid template lexer: splits template source into text, output
// (`{{ }}`) and tag (`{% %}`) tokens, applying whitespace control (`{{-`,
// `-%}`), passing `raw` blocks through verbatim and dropping `comment`
// blocks. An unterminated `{{` or `{%` is a LiquidSyntaxError.
//
// Thread safety: pure function over its arguments.
#ifndef LYNGUINE_ASSESS_LIQUID_LEXER_H_
#define LYNGUINE_ASSESS_LIQUID_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

namespace lyn::liquid {

struct Token {
  enum class Kind { kText, kOutput, kTag, kEof };
  Kind kind = Kind::kEof;
  std::string name;  // tag name ("#" for an inline comment)
  std::string text;  // text, output expression or tag expression (trimmed)
};

struct LexError {
  std::string message;
};

// Tokenizes `source`; the last token is always kEof. Throws LexError.
std::vector<Token> lex_template(std::string_view source);

// Tokenizes the body of a `{% liquid %}` tag: one tag per line.
std::vector<Token> lex_liquid_tag(std::string_view body);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_LEXER_H_
