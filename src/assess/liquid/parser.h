// Liquid template parser: turns lexer tokens into a Block of nodes, with
// python-liquid's LAX recovery: a statement that fails to parse is dropped
// and parsing resumes at the next token; a block tag with no end tag
// swallows the rest of the template. Blocks nest at most 30 deep, as in
// python-liquid; expressions are bounded by the Budget (expr_parser.h).
//
// Thread safety: a Parser is used by one thread for one template.
#ifndef LYNGUINE_ASSESS_LIQUID_PARSER_H_
#define LYNGUINE_ASSESS_LIQUID_PARSER_H_

#include <initializer_list>
#include <string_view>
#include <vector>

#include "assess/liquid/ast.h"
#include "assess/liquid/lexer.h"

namespace lyn::liquid {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}
  // Parses the whole token stream.
  Block parse();

 private:
  const Token& cur() const { return toks_[pos_]; }
  void advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool at_eof() const { return cur().kind == Token::Kind::kEof; }
  bool at_tag(std::initializer_list<std::string_view> names) const;
  Block parse_block(std::initializer_list<std::string_view> end);
  NodePtr parse_statement();
  NodePtr parse_tag();
  NodePtr parse_tag_body();
  // Advances to the first tag named in `names` (or the end).
  void skip_to(std::initializer_list<std::string_view> names);
  NodePtr parse_if(bool unless);
  NodePtr parse_case();
  NodePtr parse_for(bool tablerow);
  NodePtr parse_cycle();
  void expect_end_tag(std::string_view name);
  // A tag that needs an expression but has none fails one token later, as
  // python-liquid's does.
  void require_expression();

  // python-liquid's Environment.block_nesting_limit: deeper blocks are a
  // (LAX-swallowed) error, which also bounds this parser's recursion.
  static constexpr int kBlockNestingLimit = 30;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_PARSER_H_
