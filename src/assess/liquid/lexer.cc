#include "assess/liquid/lexer.h"

#include <cctype>

namespace lyn::liquid {

namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_ws(s[b])) ++b;
  while (e > b && is_ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string_view rstrip(std::string_view s) {
  size_t e = s.size();
  while (e > 0 && is_ws(s[e - 1])) --e;
  return s.substr(0, e);
}

std::string_view lstrip(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && is_ws(s[b])) ++b;
  return s.substr(b);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Splits a trimmed tag body into name and expression.
void split_tag(std::string_view body, Token& tok) {
  body = trim(body);
  if (!body.empty() && body[0] == '#') {
    tok.name.assign(1, '#');
    tok.text = std::string(trim(body.substr(1)));
    return;
  }
  size_t i = 0;
  while (i < body.size() && is_name_char(body[i])) ++i;
  tok.name = std::string(body.substr(0, i));
  tok.text = std::string(trim(body.substr(i)));
}

// Finds `{%-? *<name> *-?%}` at or after `from`; returns the start and sets
// `end` past it, or npos.
size_t find_end_tag(std::string_view src, size_t from, std::string_view name, size_t& end,
                    bool& trim_after) {
  while (true) {
    size_t p = src.find("{%", from);
    if (p == std::string_view::npos) return p;
    size_t q = p + 2;
    if (q < src.size() && src[q] == '-') ++q;
    while (q < src.size() && is_ws(src[q])) ++q;
    if (src.substr(q, name.size()) == name) {
      size_t r = q + name.size();
      while (r < src.size() && is_ws(src[r])) ++r;
      trim_after = false;
      if (r < src.size() && src[r] == '-') {
        trim_after = true;
        ++r;
      }
      if (src.substr(r, 2) == "%}") {
        end = r + 2;
        return p;
      }
    }
    from = p + 2;
  }
}

}  // namespace

std::vector<Token> lex_template(std::string_view src) {
  std::vector<Token> out;
  size_t pos = 0;
  bool strip_next = false;
  auto emit_text = [&](std::string_view text) {
    if (strip_next) text = lstrip(text);
    strip_next = false;
    if (!text.empty()) {
      if (!out.empty() && out.back().kind == Token::Kind::kText) {
        out.back().text += text;
      } else {
        Token t;
        t.kind = Token::Kind::kText;
        t.text = std::string(text);
        out.push_back(std::move(t));
      }
    }
  };
  while (pos < src.size()) {
    size_t a = src.find('{', pos);
    while (a != std::string_view::npos && a + 1 < src.size() && src[a + 1] != '{' &&
           src[a + 1] != '%')
      a = src.find('{', a + 1);
    if (a == std::string_view::npos || a + 1 >= src.size()) {
      std::string_view rest = src.substr(pos);
      // python-liquid's text rule ends at `$`, which also matches before a
      // final newline: that newline is a text of its own, and a `-}}` / `-%}`
      // before them strips it too.
      if (strip_next && !rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
      emit_text(rest);
      break;
    }
    bool is_output = src[a + 1] == '{';
    size_t inner = a + 2;
    bool trim_before = inner < src.size() && src[inner] == '-';
    std::string_view close = is_output ? "}}" : "%}";
    size_t b = src.find(close, inner);
    if (b == std::string_view::npos)
      throw LexError{std::string("expected '") + std::string(close) + "', found end of file"};
    std::string_view body =
        src.substr(inner + (trim_before ? 1 : 0), b - inner - (trim_before ? 1 : 0));
    bool trim_after = !body.empty() && body.back() == '-';
    if (trim_after) body.remove_suffix(1);
    std::string_view text = src.substr(pos, a - pos);
    if (is_output) {
      emit_text(trim_before ? rstrip(text) : text);
      Token t;
      t.kind = Token::Kind::kOutput;
      t.text = std::string(trim(body));
      out.push_back(std::move(t));
      pos = b + 2;
      strip_next = trim_after;
      continue;
    }
    Token t;
    t.kind = Token::Kind::kTag;
    split_tag(body, t);
    if (t.name == "raw") {
      size_t end = 0;
      bool raw_trim = false;
      size_t e = find_end_tag(src, b + 2, "endraw", end, raw_trim);
      if (e != std::string_view::npos) {
        // Whitespace control applies outside the raw block, never inside.
        emit_text(trim_before ? rstrip(text) : text);
        Token r;
        r.kind = Token::Kind::kText;
        r.text = std::string(src.substr(b + 2, e - b - 2));
        if (!r.text.empty()) {
          if (!out.empty() && out.back().kind == Token::Kind::kText)
            out.back().text += r.text;
          else
            out.push_back(std::move(r));
        }
        pos = end;
        strip_next = raw_trim;
        continue;
      }
    } else if ((t.name == "doc" && t.text.empty()) || t.name == "comment") {
      // Blocks dropped whole, up to their end tag: a comment, and (python-
      // liquid's doc rule) `{% doc %}` up to the first `{% enddoc %}`, tags
      // inside included. A doc tag with an expression or no enddoc is left
      // to the parser.
      size_t end = 0;
      bool end_trim = false;
      size_t e = find_end_tag(src, b + 2, "end" + t.name, end, end_trim);
      if (e != std::string_view::npos) {
        emit_text(trim_before ? rstrip(text) : text);
        pos = end;
        strip_next = end_trim;
        continue;
      }
    }
    emit_text(trim_before ? rstrip(text) : text);
    out.push_back(std::move(t));
    pos = b + 2;
    strip_next = trim_after;
  }
  out.push_back(Token{});
  return out;
}

std::vector<Token> lex_liquid_tag(std::string_view body) {
  std::vector<Token> out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = trim(body.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) continue;
    Token t;
    t.kind = Token::Kind::kTag;
    split_tag(line, t);
    if (t.name == "#") continue;
    out.push_back(std::move(t));
  }
  out.push_back(Token{});
  return out;
}

}  // namespace lyn::liquid
