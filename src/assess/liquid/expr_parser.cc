#include "assess/liquid/expr_parser.h"

#include <cctype>
#include <cstdlib>

#include "assess/liquid/limits.h"

namespace lyn::liquid {

namespace {

// Python's \w, with any non-ASCII byte counted as a word character.
bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) {
  return is_word(c) || c == '-';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::vector<ExprToken> tokenize(std::string_view s) {
  using K = ExprToken::Kind;
  std::vector<ExprToken> out;
  size_t i = 0;
  auto push = [&](K k, std::string text) { out.push_back(ExprToken{k, std::move(text)}); };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (is_digit(c) || (c == '-' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      // python-liquid: FLOAT `-?\d+\.(?!\.)\d*`, INTEGER `-?\d+\b`, else
      // a word such as `1e3` (an identifier).
      size_t j = i + 1;
      while (j < s.size() && is_digit(s[j])) ++j;
      if (j < s.size() && s[j] == '.' && !(j + 1 < s.size() && s[j + 1] == '.')) {
        ++j;
        while (j < s.size() && is_digit(s[j])) ++j;
        push(K::kFloat, std::string(s.substr(i, j - i)));
        i = j;
        continue;
      }
      if (j >= s.size() || !is_word(s[j])) {
        push(K::kInt, std::string(s.substr(i, j - i)));
        i = j;
        continue;
      }
      if (c == '-') throw ParseError{"unexpected '-'"};
    }
    if (is_word(c)) {
      size_t j = i + 1;
      while (j < s.size() && is_ident_char(s[j])) ++j;
      if (j < s.size() && s[j] == '?') ++j;
      push(K::kIdent, std::string(s.substr(i, j - i)));
      i = j;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t j = s.find(c, i + 1);
      if (j == std::string_view::npos) throw ParseError{"unterminated string literal"};
      push(K::kString, std::string(s.substr(i + 1, j - i - 1)));
      i = j + 1;
      continue;
    }
    std::string_view two = s.substr(i, 2);
    if (two == "..") {
      push(K::kDotDot, "..");
      i += 2;
      continue;
    }
    if (two == "==" || two == "!=" || two == "<>" || two == "<=" || two == ">=") {
      push(K::kOp, std::string(two));
      i += 2;
      continue;
    }
    switch (c) {
      case '<':
      case '>':
        push(K::kOp, std::string(1, c));
        break;
      case '=':
        push(K::kAssign, "=");
        break;
      case '.':
        push(K::kDot, ".");
        break;
      case '[':
        push(K::kLBracket, "[");
        break;
      case ']':
        push(K::kRBracket, "]");
        break;
      case '(':
        push(K::kLParen, "(");
        break;
      case ')':
        push(K::kRParen, ")");
        break;
      case ',':
        push(K::kComma, ",");
        break;
      case ':':
        push(K::kColon, ":");
        break;
      case '|':
        push(K::kPipe, "|");
        break;
      default:
        throw ParseError{std::string("unexpected character '") + c + "'"};
    }
    ++i;
  }
  push(K::kEnd, "");
  return out;
}

ExprPtr literal(RValue v) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kLiteral;
  e->literal = std::move(v);
  return e;
}

RValue parse_int_literal(const std::string& s) {
  // python-liquid's to_int: a token longer than Python's int string limit
  // is an error (its statement is dropped).
  if (s.size() > kMaxStrDigits)
    throw ParseError{"integer string conversion limit (4300) reached: value has " +
                     std::to_string(s.size()) + " digits"};
  Int v = 0;
  bool neg = s[0] == '-';
  for (size_t i = neg ? 1 : 0; i < s.size(); ++i) {
    if (__builtin_mul_overflow(v, static_cast<Int>(10), &v) ||
        __builtin_add_overflow(v, static_cast<Int>(s[i] - '0'), &v))
      return int_from_digits(s);
  }
  return RValue(neg ? -v : v);
}

}  // namespace

ExprParser::ExprParser(std::string_view src) : toks_(tokenize(src)) {}

const ExprToken& ExprParser::peek(size_t ahead) const {
  size_t p = pos_ + ahead;
  return p < toks_.size() ? toks_[p] : toks_.back();
}

ExprToken ExprParser::next() {
  ExprToken t = peek();
  if (pos_ < toks_.size() - 1) ++pos_;
  return t;
}

bool ExprParser::accept(ExprToken::Kind k) {
  if (peek().kind != k) return false;
  next();
  return true;
}

void ExprParser::expect(ExprToken::Kind k, const char* what) {
  if (!accept(k)) throw ParseError{std::string("expected ") + what};
}

bool ExprParser::accept_word(std::string_view w) {
  if (peek().kind != ExprToken::Kind::kIdent || peek().text != w) return false;
  next();
  return true;
}

void ExprParser::expect_end() {
  if (!at_end()) throw ParseError{"unexpected '" + peek().text + "'"};
}

std::string ExprParser::parse_identifier() {
  if (peek().kind != ExprToken::Kind::kIdent) throw ParseError{"expected an identifier"};
  return next().text;
}

ExprPtr ExprParser::parse_path(std::string root) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kPath;
  e->root = std::move(root);
  while (true) {
    if (accept(ExprToken::Kind::kDot)) {
      const ExprToken& t = peek();
      if (t.kind != ExprToken::Kind::kIdent && t.kind != ExprToken::Kind::kInt)
        throw ParseError{"expected a property name"};
      PathSegment seg;
      if (t.kind == ExprToken::Kind::kInt) {
        seg.kind = PathSegment::Kind::kIndex;
        seg.index = std::strtoll(t.text.c_str(), nullptr, 10);
      } else {
        seg.key = t.text;
      }
      next();
      e->segments.push_back(std::move(seg));
    } else if (accept(ExprToken::Kind::kLBracket)) {
      ExprPtr inner = parse_primary();
      expect(ExprToken::Kind::kRBracket, "']'");
      PathSegment seg;
      if (inner->kind == Expr::Kind::kLiteral && inner->literal.is_string()) {
        seg.key = std::string(inner->literal.str());
      } else if (inner->kind == Expr::Kind::kLiteral && inner->literal.is_int()) {
        seg.kind = PathSegment::Kind::kIndex;
        seg.index = static_cast<int64_t>(inner->literal.as_int());
      } else {
        seg.kind = PathSegment::Kind::kDynamic;
        seg.expr = std::move(inner);
      }
      e->segments.push_back(std::move(seg));
    } else {
      return e;
    }
  }
}

ExprPtr ExprParser::parse_primary() {
  using K = ExprToken::Kind;
  struct Nest {
    uint64_t& depth;
    explicit Nest(uint64_t& d) : depth(d) {
      uint64_t max = Budget::current().limits().liquid_nesting_depth;
      if (max && ++depth > max)
        throw_limit(Limit::kLiquidNestingDepth, max,
                    "Liquid expression nested too deeply: more than " + std::to_string(max) +
                        " levels of ( or [");
    }
    ~Nest() { --depth; }
  } nest(depth_);
  ExprToken t = next();
  switch (t.kind) {
    case K::kString:
      return literal(RValue(std::move(t.text)));
    case K::kInt:
      return literal(parse_int_literal(t.text));
    case K::kFloat:
      return literal(RValue(std::strtod(t.text.c_str(), nullptr)));  // "1." is 1.0
    case K::kLParen: {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kRange;
      e->left = parse_primary();
      expect(K::kDotDot, "'..'");
      e->right = parse_primary();
      expect(K::kRParen, "')'");
      return e;
    }
    case K::kIdent:
      if (t.text == "true") return literal(RValue(true));
      if (t.text == "false") return literal(RValue(false));
      if (t.text == "nil" || t.text == "null") return literal(RValue(Nil{}));
      if (t.text == "empty") return literal(RValue(EmptyKw{}));
      if (t.text == "blank") return literal(RValue(BlankKw{}));
      return parse_path(std::move(t.text));
    case K::kLBracket: {
      // `['key']` as a root: a bracketed name.
      ExprPtr inner = parse_primary();
      expect(K::kRBracket, "']'");
      if (inner->kind != Expr::Kind::kLiteral || !inner->literal.is_string())
        throw ParseError{"unexpected '['"};
      return parse_path(std::string(inner->literal.str()));
    }
    case K::kEnd:
      throw ParseError{"unexpected end of expression"};
    default:
      throw ParseError{"unexpected '" + t.text + "'"};
  }
}

ExprPtr ExprParser::parse_comparison() {
  ExprPtr left = parse_primary();
  const ExprToken& t = peek();
  CompareOp op;
  if (t.kind == ExprToken::Kind::kOp) {
    if (t.text == "==")
      op = CompareOp::kEq;
    else if (t.text == "!=" || t.text == "<>")
      op = CompareOp::kNe;
    else if (t.text == "<")
      op = CompareOp::kLt;
    else if (t.text == ">")
      op = CompareOp::kGt;
    else if (t.text == "<=")
      op = CompareOp::kLe;
    else
      op = CompareOp::kGe;
  } else if (t.kind == ExprToken::Kind::kIdent && t.text == "contains") {
    op = CompareOp::kContains;
  } else {
    return left;
  }
  next();
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kCompare;
  e->op = op;
  e->left = std::move(left);
  e->right = parse_primary();
  return e;
}

ExprPtr ExprParser::parse_condition() {
  ExprPtr first = parse_comparison();
  std::unique_ptr<Expr> chain;
  while (true) {
    Logic op;
    if (accept_word("and"))
      op = Logic::kAnd;
    else if (accept_word("or"))
      op = Logic::kOr;
    else
      break;
    if (!chain) {
      chain = std::make_unique<Expr>();
      chain->kind = Expr::Kind::kLogical;
      chain->terms.push_back(std::move(first));
    }
    chain->logic.push_back(op);
    chain->terms.push_back(parse_comparison());
  }
  return chain ? std::move(chain) : std::move(first);
}

FilteredExpr ExprParser::parse_filtered() {
  using K = ExprToken::Kind;
  FilteredExpr fe;
  if (at_end()) return fe;
  fe.expr = parse_primary();
  while (accept(K::kPipe)) {
    FilterCall call;
    call.name = parse_identifier();
    call.def = find_filter(call.name);
    if (accept(K::kColon)) {
      while (true) {
        if (peek().kind == K::kIdent && peek(1).kind == K::kColon) {
          std::string kw = next().text;
          next();
          call.kwargs.emplace_back(std::move(kw), parse_primary());
        } else {
          call.args.push_back(parse_primary());
        }
        if (!accept(K::kComma)) break;
      }
    }
    fe.filters.push_back(std::move(call));
  }
  expect_end();
  return fe;
}

}  // namespace lyn::liquid
