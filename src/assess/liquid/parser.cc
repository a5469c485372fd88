#include "assess/liquid/parser.h"

#include "assess/liquid/expr_parser.h"

namespace lyn::liquid {

namespace {

bool is_whitespace(std::string_view s) {
  for (char c : s)
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) return false;
  return true;
}

bool node_blank(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kText:
      return is_whitespace(static_cast<const TextNode&>(n).text);
    case Node::Kind::kAssign:
    case Node::Kind::kCapture:
      return true;
    case Node::Kind::kIf: {
      const auto& i = static_cast<const IfNode&>(n);
      for (const auto& b : i.branches)
        if (!b.second.blank) return false;
      return !i.alternative || i.alternative->blank;
    }
    case Node::Kind::kCase: {
      for (const auto& w : static_cast<const CaseNode&>(n).whens)
        if (!w.body.blank) return false;
      return true;
    }
    case Node::Kind::kFor: {
      const auto& f = static_cast<const ForNode&>(n);
      return f.body.blank && (!f.alternative || f.alternative->blank);
    }
    case Node::Kind::kBlock:
      return static_cast<const BlockNode&>(n).body.blank;
    default:
      return false;
  }
}

// python-liquid: an `if`, `unless` or `case` is blank only when all its
// branches are; the first branch and `else` (every `when` of a case) then
// render as the whole tag is, so their whitespace is output when another
// branch holds text. An `elsif` keeps its own blankness (python-liquid
// sets the tag's on the elsif node, not on its block).
void share_blank(Node& n) {
  bool blank = node_blank(n);
  if (n.kind == Node::Kind::kIf) {
    auto& i = static_cast<IfNode&>(n);
    if (!i.branches.empty()) i.branches.front().second.blank = blank;
    if (i.alternative) i.alternative->blank = blank;
  } else if (n.kind == Node::Kind::kCase) {
    for (auto& w : static_cast<CaseNode&>(n).whens) w.body.blank = blank;
  }
}

void add(Block& b, NodePtr n) {
  if (!n) return;
  share_blank(*n);
  if (!node_blank(*n)) b.blank = false;
  b.nodes.push_back(std::move(n));
}

// A printable key for an expression, used to name loops.
std::string expr_key(const Expr& e) {
  std::string s;
  switch (e.kind) {
    case Expr::Kind::kPath:
      s = e.root;
      for (const auto& seg : e.segments) {
        if (seg.kind == PathSegment::Kind::kKey) {
          s.append(".").append(seg.key);
        } else {
          s.append("[");
          s.append(seg.kind == PathSegment::Kind::kIndex ? std::to_string(seg.index)
                                                         : expr_key(*seg.expr));
          s.append("]");
        }
      }
      return s;
    case Expr::Kind::kRange:
      s.append("(").append(expr_key(*e.left)).append("..").append(expr_key(*e.right));
      s.append(")");
      return s;
    case Expr::Kind::kLiteral:
      return py_str(e.literal);
    default:
      return "?";
  }
}

}  // namespace

bool Parser::at_tag(std::initializer_list<std::string_view> names) const {
  if (cur().kind != Token::Kind::kTag) return false;
  for (std::string_view n : names)
    if (cur().name == n) return true;
  return false;
}

Block Parser::parse() {
  Block nodes;
  while (!at_eof()) {
    try {
      add(nodes, parse_statement());
    } catch (const ParseError&) {
    }
    advance();
  }
  return nodes;
}

Block Parser::parse_block(std::initializer_list<std::string_view> end) {
  // python-liquid's block_nesting_limit. Like its token stream, we do not
  // give back the depth of a block that failed this way, so later blocks of
  // the same template may nest one level less.
  if (++depth_ > kBlockNestingLimit) throw ParseError{"block nesting limit reached"};
  Block nodes;
  while (!at_eof()) {
    if (at_tag(end)) break;
    try {
      add(nodes, parse_statement());
    } catch (const ParseError&) {
    }
    advance();
  }
  --depth_;
  return nodes;
}

void Parser::expect_end_tag(std::string_view name) {
  if (!at_tag({name})) throw ParseError{"expected tag " + std::string(name)};
}

void Parser::require_expression() {
  if (cur().text.empty()) {
    advance();
    throw ParseError{"missing expression"};
  }
}

NodePtr Parser::parse_statement() {
  const Token& t = cur();
  switch (t.kind) {
    case Token::Kind::kText: {
      auto n = std::make_unique<TextNode>();
      n->text = t.text;
      return n;
    }
    case Token::Kind::kOutput: {
      // `{{ }}` is no node at all (a block holding it can still be blank).
      if (is_whitespace(t.text)) return nullptr;
      auto n = std::make_unique<OutputNode>();
      n->value = ExprParser(t.text).parse_filtered();
      return n;
    }
    case Token::Kind::kTag:
      return parse_tag();
    case Token::Kind::kEof:
      break;
  }
  return nullptr;
}

// The end tag of a block tag, or "" for a tag without a block.
std::string_view end_tag_of(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kEnds[] = {
      {"if", "endif"},
      {"unless", "endunless"},
      {"case", "endcase"},
      {"for", "endfor"},
      {"tablerow", "endtablerow"},
      {"capture", "endcapture"},
      {"ifchanged", "endifchanged"},
  };
  for (const auto& [tag, end] : kEnds)
    if (tag == name) return end;
  return {};
}

void Parser::skip_to(std::initializer_list<std::string_view> names) {
  while (!at_eof() && !at_tag(names)) advance();
}

NodePtr Parser::parse_tag() {
  std::string_view end = end_tag_of(cur().name);
  if (end.empty()) return parse_tag_body();
  try {
    return parse_tag_body();
  } catch (const ParseError& e) {
    // python-liquid's Tag.get_node: a block tag that fails to parse is
    // dropped up to its first end tag (nesting not counted); the caller's
    // loop then steps over that end tag.
    if (!e.recovered) skip_to({end});
    throw;
  }
}

NodePtr Parser::parse_tag_body() {
  const std::string& name = cur().name;
  const std::string& text = cur().text;
  if (name == "if") return parse_if(false);
  if (name == "unless") return parse_if(true);
  if (name == "case") return parse_case();
  if (name == "for") return parse_for(false);
  if (name == "tablerow") return parse_for(true);
  if (name == "cycle") return parse_cycle();
  if (name == "#") return nullptr;
  if (name == "assign") {
    require_expression();
    ExprParser p(text);
    auto n = std::make_unique<AssignNode>();
    n->name = p.parse_identifier();
    p.expect(ExprToken::Kind::kAssign, "'='");
    n->value = p.parse_filtered();
    if (!n->value.expr) throw ParseError{"missing assignment value"};
    return n;
  }
  if (name == "echo") {
    if (is_whitespace(text)) {
      // python-liquid's echo then takes the next token for its expression:
      // that token is lost, whatever it is.
      advance();
      return nullptr;
    }
    auto n = std::make_unique<OutputNode>();
    n->value = ExprParser(text).parse_filtered();
    return n;
  }
  if (name == "capture") {
    require_expression();
    ExprParser p(text);
    auto n = std::make_unique<CaptureNode>();
    if (p.peek().kind == ExprToken::Kind::kString)
      n->name = p.next().text;
    else
      n->name = p.parse_identifier();
    p.expect_end();
    advance();
    n->body = parse_block({"endcapture"});
    expect_end_tag("endcapture");
    return n;
  }
  if (name == "increment" || name == "decrement") {
    require_expression();
    ExprParser p(text);
    auto n = std::make_unique<CounterNode>(name == "increment" ? Node::Kind::kIncrement
                                                               : Node::Kind::kDecrement);
    n->name = p.parse_identifier();
    p.expect_end();
    return n;
  }
  if (name == "include" || name == "render") {
    // python-liquid parses `'name' [with|for expr [as ident]] [, key: value]...`
    // and then fails to load the template when rendering (no loader): the
    // error drops the enclosing top-level node. An empty tag fails the same
    // way; a malformed argument list is a parse error.
    std::string_view text = cur().text;
    if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      ExprParser p(text);
      p.parse_primary();
      if (p.accept_word("with") || p.accept_word("for")) {
        p.parse_primary();
        if (p.accept_word("as")) p.parse_identifier();
      }
      while (p.accept(ExprToken::Kind::kComma) || p.peek().kind == ExprToken::Kind::kIdent) {
        p.parse_identifier();
        p.expect(ExprToken::Kind::kColon, "':'");
        p.parse_primary();
      }
      p.expect_end();
    }
    return std::make_unique<Node>(Node::Kind::kTemplate);
  }
  if (name == "break") return std::make_unique<Node>(Node::Kind::kBreak);
  if (name == "continue") return std::make_unique<Node>(Node::Kind::kContinue);
  if (name == "liquid") {
    // Its statements are a block one level deeper than the tag.
    auto n = std::make_unique<BlockNode>(Node::Kind::kBlock);
    Parser inner(lex_liquid_tag(text));
    inner.depth_ = depth_;
    n->body = inner.parse_block({});
    return n;
  }
  if (name == "ifchanged") {
    auto n = std::make_unique<BlockNode>(Node::Kind::kIfChanged);
    advance();
    n->body = parse_block({"endifchanged"});
    expect_end_tag("endifchanged");
    return n;
  }
  if (name == "doc") {
    // A doc tag the lexer left (python-liquid's DocTag on tokens): its
    // tokens up to `enddoc` are dropped; an expression or a nested doc tag
    // is an error that drops everything up to `enddoc`, no enddoc drops
    // the rest.
    bool bad = !text.empty();
    advance();
    while (!at_eof() && !at_tag({"enddoc"})) {
      if (at_tag({"doc"})) bad = true;
      advance();
    }
    if (bad || at_eof()) throw ParseError{"malformed doc tag"};
    return nullptr;
  }
  if (name == "comment") {  // no endcomment: swallows the rest
    while (!at_eof()) advance();
    throw ParseError{"unclosed comment"};
  }
  throw ParseError{"unknown tag '" + name + "'"};
}

NodePtr Parser::parse_if(bool unless) {
  std::string_view end = unless ? "endunless" : "endif";
  require_expression();
  auto n = std::make_unique<IfNode>();
  n->negate_first = unless;
  {
    ExprParser p(cur().text);
    ExprPtr cond = p.parse_condition();
    p.expect_end();
    advance();
    Block body = parse_block({end, "elsif", "else"});
    n->branches.emplace_back(std::move(cond), std::move(body));
  }
  while (at_tag({"elsif"})) {
    size_t tag = pos_;
    ExprPtr cond;
    try {
      require_expression();
      ExprParser p(cur().text);
      cond = p.parse_condition();
      p.expect_end();
    } catch (const ParseError&) {
      // python-liquid drops the whole tag, up to the next branch or its end.
      if (pos_ == tag) advance();
      skip_to({end, "elsif", "else"});
      throw ParseError{"invalid elsif expression", true};
    }
    advance();
    Block body = parse_block({end, "elsif", "else"});
    n->branches.emplace_back(std::move(cond), std::move(body));
  }
  if (at_tag({"else"})) {
    advance();
    n->alternative = parse_block({end, "elsif", "else"});
  }
  // python-liquid's if and unless tags are lax: `else` and `elsif` blocks
  // after the `else` block are ignored, every token up to the first `end`
  // tag (nested or not) is dropped.
  while (!at_eof() && !at_tag({end})) advance();
  expect_end_tag(end);
  return n;
}

NodePtr Parser::parse_case() {
  require_expression();
  auto n = std::make_unique<CaseNode>();
  {
    ExprParser p(cur().text);
    n->subject = p.parse_primary();
    p.expect_end();
  }
  advance();
  parse_block({"when", "else", "endcase"});  // anything before the first when is dropped
  while (!at_eof()) {
    if (at_tag({"when"})) {
      CaseNode::When w;
      require_expression();
      ExprParser p(cur().text);
      while (true) {
        w.values.push_back(p.parse_primary());
        if (!p.accept(ExprToken::Kind::kComma) && !p.accept_word("or")) break;
      }
      p.expect_end();
      advance();
      w.body = parse_block({"when", "else", "endcase"});
      n->whens.push_back(std::move(w));
    } else if (at_tag({"else"})) {
      CaseNode::When w;
      advance();
      w.body = parse_block({"when", "else", "endcase"});
      n->whens.push_back(std::move(w));
    } else {
      break;
    }
  }
  expect_end_tag("endcase");
  return n;
}

NodePtr Parser::parse_for(bool tablerow) {
  std::string_view end = tablerow ? "endtablerow" : "endfor";
  require_expression();
  auto n = std::make_unique<ForNode>(tablerow ? Node::Kind::kTablerow : Node::Kind::kFor);
  {
    ExprParser p(cur().text);
    n->var = p.parse_identifier();
    if (!p.accept_word("in")) throw ParseError{"invalid loop expression"};
    n->iterable = p.parse_primary();
    n->loop_name = n->var + "-" + expr_key(*n->iterable);
    while (!p.at_end()) {
      if (p.accept_word("reversed")) {
        n->reversed = true;
      } else if (p.peek().kind == ExprToken::Kind::kIdent &&
                 p.peek(1).kind == ExprToken::Kind::kColon) {
        std::string opt = p.next().text;
        p.next();
        if (opt == "offset" && p.accept_word("continue")) {
          n->offset_continue = true;
        } else if (opt == "limit") {
          n->limit = p.parse_primary();
        } else if (opt == "offset") {
          n->offset = p.parse_primary();
        } else if (opt == "cols" && tablerow) {
          n->cols = p.parse_primary();
        } else {
          throw ParseError{"unknown loop argument '" + opt + "'"};
        }
      } else if (!p.accept(ExprToken::Kind::kComma)) {
        throw ParseError{"invalid loop expression"};
      }
    }
  }
  advance();
  if (tablerow) {
    n->body = parse_block({end});
  } else {
    n->body = parse_block({end, "else"});
    if (at_tag({"else"})) {
      advance();
      n->alternative = parse_block({end});
    }
  }
  expect_end_tag(end);
  return n;
}

NodePtr Parser::parse_cycle() {
  require_expression();
  auto n = std::make_unique<CycleNode>();
  ExprParser p(cur().text);
  ExprPtr first = p.parse_primary();
  if (p.accept(ExprToken::Kind::kColon)) {
    n->group = std::move(first);
  } else {
    n->items.push_back(std::move(first));
    if (!p.accept(ExprToken::Kind::kComma)) p.expect_end();
  }
  while (!p.at_end()) {
    n->items.push_back(p.parse_primary());
    if (!p.accept(ExprToken::Kind::kComma)) break;
  }
  p.expect_end();
  if (n->items.empty()) throw ParseError{"cycle needs items"};
  return n;
}

}  // namespace lyn::liquid
