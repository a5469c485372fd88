// Liquid expression tokenizer and parser: primaries (literals, paths,
// ranges), boolean conditions (comparisons joined right-to-left by
// and/or), filter chains and loop headers. Exponent number literals (`1e3`)
// are rejected, as python-liquid does.
//
// Nesting of ( and [ recurses, so it is bounded by the Budget's
// liquid_nesting_depth (a FatalError, which LAX mode does not swallow: a
// template python-liquid could not parse either); and/or chains are parsed
// in a loop into one flat node, whatever their length.
//
// Thread safety: an ExprParser is used by one thread for one expression.
#ifndef LYNGUINE_ASSESS_LIQUID_EXPR_PARSER_H_
#define LYNGUINE_ASSESS_LIQUID_EXPR_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "assess/liquid/ast.h"

namespace lyn::liquid {

// A statement that does not parse (LAX mode drops it). `recovered`: the
// parser already skipped what python-liquid skips after it.
struct ParseError {
  std::string message;
  bool recovered = false;
};

struct ExprToken {
  enum class Kind {
    kIdent,
    kString,
    kInt,
    kFloat,
    kDot,
    kDotDot,
    kLBracket,
    kRBracket,
    kLParen,
    kRParen,
    kComma,
    kColon,
    kPipe,
    kOp,
    kAssign,
    kEnd
  };
  Kind kind = Kind::kEnd;
  std::string text;
};

class ExprParser {
 public:
  // Throws ParseError on a malformed token.
  explicit ExprParser(std::string_view src);

  bool at_end() const { return peek().kind == ExprToken::Kind::kEnd; }
  const ExprToken& peek(size_t ahead = 0) const;
  ExprToken next();
  bool accept(ExprToken::Kind k);
  void expect(ExprToken::Kind k, const char* what);
  bool accept_word(std::string_view w);
  void expect_end();

  ExprPtr parse_primary();
  ExprPtr parse_condition();
  FilteredExpr parse_filtered();
  std::string parse_identifier();

 private:
  ExprPtr parse_comparison();
  ExprPtr parse_path(std::string root);
  std::vector<ExprToken> toks_;
  size_t pos_ = 0;
  uint64_t depth_ = 0;  // parse_primary calls in progress
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_EXPR_PARSER_H_
