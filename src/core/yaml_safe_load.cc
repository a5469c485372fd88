// safe_load (core/yaml.h): yaml.safe_load, PyYAML's pure-Python loader,
// which lynguine uses for every YAML file it opens itself (data files,
// directory entries, interface and config files). Its scanner differs from
// libyaml's in one rule that decides acceptance: it never skips a tab
// between tokens (scan_to_next_token skips spaces only) and ends a plain
// scalar at a tab (scan_plain_spaces takes spaces only), so any tab outside
// a quoted scalar, a block scalar's content or a comment is "found
// character '\t' that cannot start any token". libyaml skips tabs there.
// We take libyaml's tokens and look at the tabs outside them.
#include <yaml.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/yaml.h"
#include "core/yaml_node.h"

namespace lyn {

namespace {

enum class Span { kPlain, kBlockScalar, kDirective, kOther };

struct Token {
  yaml::Mark start, end;
  Span span;
};

bool before(const yaml::Mark& a, const yaml::Mark& b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// libyaml's tokens up to its first error (its error is parse_yaml's to
// report), in order.
std::vector<Token> scan_tokens(std::string_view text) {
  std::vector<Token> out;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  for (;;) {
    yaml_token_t t;
    if (!yaml_parser_scan(&parser, &t)) break;
    yaml_token_type_t type = t.type;
    Span span = Span::kOther;
    if (type == YAML_SCALAR_TOKEN) {
      auto style = t.data.scalar.style;
      if (style == YAML_PLAIN_SCALAR_STYLE) span = Span::kPlain;
      if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE)
        span = Span::kBlockScalar;
    } else if (type == YAML_VERSION_DIRECTIVE_TOKEN || type == YAML_TAG_DIRECTIVE_TOKEN) {
      span = Span::kDirective;
    }
    out.push_back(
        {{t.start_mark.line, t.start_mark.column}, {t.end_mark.line, t.end_mark.column}, span});
    yaml_token_delete(&t);
    if (type == YAML_STREAM_END_TOKEN) break;
  }
  yaml_parser_delete(&parser);
  return out;
}

bool is_break(std::string_view text, size_t i, size_t* width) {
  unsigned char c = text[i];
  if (c == '\n') return *width = 1, true;
  if (c == '\r') return *width = (text.substr(i, 2) == "\r\n" ? 2 : 1), true;
  if (text.substr(i, 2) == "\xc2\x85") return *width = 2, true;
  if (text.substr(i, 3) == "\xe2\x80\xa8" || text.substr(i, 3) == "\xe2\x80\xa9")
    return *width = 3, true;
  return false;
}

// The first tab PyYAML's scanner stops at, with the block scalar it is in
// (if it is on a block scalar's header line), or nullopt.
struct StrayTab {
  yaml::Mark at;
  std::optional<yaml::Mark> block_start;
  bool after_indicators = false;  // `|\t`: right after `|`, `>`, `+`, `-` or a digit
};

std::optional<StrayTab> stray_tab(std::string_view text) {
  std::vector<Token> tokens = scan_tokens(text);
  if (tokens.empty()) return std::nullopt;
  yaml::Mark scanned = tokens.back().end;  // beyond it libyaml stopped
  size_t k = 0;
  bool in_comment = false;
  yaml::Mark p;
  for (size_t i = 0; i < text.size();) {
    if (!before(p, scanned)) return std::nullopt;
    size_t width = 0;
    if (is_break(text, i, &width)) {
      i += width;
      ++p.line;
      p.column = 0;
      in_comment = false;
      continue;
    }
    while (k < tokens.size() && !before(p, tokens[k].end)) ++k;
    const Token* in = k < tokens.size() && !before(p, tokens[k].start) ? &tokens[k] : nullptr;
    char c = text[i];
    bool header = in && in->span == Span::kBlockScalar && p.line == in->start.line;
    if (c == '#' && (!in || header)) in_comment = true;
    if (c == '\t' && !in_comment) {
      if (!in || in->span == Span::kPlain || in->span == Span::kDirective)
        return StrayTab{p, std::nullopt};
      if (header) {
        char prev = i ? text[i - 1] : ' ';
        bool right_after = prev == '|' || prev == '>' || prev == '+' || prev == '-' ||
                           (prev >= '0' && prev <= '9');
        return StrayTab{p, in->start, right_after};
      }
    }
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    ++p.column;
  }
  return std::nullopt;
}

// The problem mark of a marked error (its last `line L, column C`).
std::optional<yaml::Mark> error_mark(const std::string& message) {
  size_t ln = message.rfind(", line ");
  size_t col = message.rfind(", column ");
  if (ln == std::string::npos || col == std::string::npos || col < ln) return std::nullopt;
  size_t line = std::strtoul(message.c_str() + ln + 7, nullptr, 10);
  size_t column = std::strtoul(message.c_str() + col + 9, nullptr, 10);
  if (line == 0 || column == 0) return std::nullopt;
  return yaml::Mark{line - 1, column - 1};
}

std::string_view line_at(std::string_view text, size_t i) {
  size_t end = text.find_first_of("\r\n", i);
  return text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
}

// The pure-Python parser ignores a directive other than %YAML and %TAG
// (libyaml refuses its name), yet still wants the `---` that directives
// announce. In the prologue (the lines before the first document) each
// such directive becomes a comment of the same length, so marks stay put;
// nullopt when the prologue has none. A prologue that no `---` ends is
// PyYAML's ParserError.
std::optional<Result<std::string>> without_unknown_directives(std::string_view text,
                                                              std::string_view source_name) {
  std::string out(text);
  bool changed = false, directive = false;
  std::string token = "'<stream end>'";
  size_t i = 0, line = 0;
  while (i < text.size()) {
    std::string_view l = line_at(text, i);
    size_t blank = l.find_first_not_of(' ');
    if (blank != std::string_view::npos && l[blank] != '#') {
      if (l[0] != '%') {
        if (!changed) return std::nullopt;
        bool starts = l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
        if (starts) return Result<std::string>(std::move(out));
        token = yaml::token_id_at(text, i + blank);
        break;
      }
      directive = true;
      std::string_view name = l.substr(1, l.find_first_of(" \t", 1) - 1);
      if (name != "YAML" && name != "TAG") {
        out[i] = '#';
        changed = true;
      }
    }
    i += l.size();
    if (i < text.size()) i += text.substr(i, 2) == "\r\n" ? 2 : 1;
    ++line;
  }
  if (!changed || !directive) return std::nullopt;
  yaml::Mark at{line, 0};
  return Result<std::string>(
      Error{"ParserError",
            yaml::marked_message(source_name, "", nullptr,
                                 "expected '<document start>', but found " + token, &at),
            400});
}

}  // namespace

Result<Value> safe_load(std::string_view text, std::string_view source_name,
                        const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) return parse_yaml(text, source_name, limits);
  std::string rewritten;
  if (!text.empty() && (text[0] == '%' || text.find("\n%") != std::string_view::npos)) {
    if (auto r = without_unknown_directives(text, source_name)) {
      if (!r->ok()) return r->error();
      rewritten = std::move(**r);
      text = rewritten;
    }
  }
  auto graph = yaml::compose(text, source_name, limits, yaml::Loader::kSafe);
  if (text.find('\t') != std::string_view::npos) {
    if (auto tab = stray_tab(text)) {
      // PyYAML parses as it scans: an error libyaml finds before the tab
      // (a ',' in block context) is the one it meets first.
      if (!graph.ok()) {
        auto at = error_mark(graph.error().message);
        if (at && before(*at, tab->at)) return pure_python_wording(graph.error(), text);
      }
      if (tab->block_start)
        return Error{"ScannerError",
                     yaml::marked_message(
                         source_name, "while scanning a block scalar", &*tab->block_start,
                         tab->after_indicators
                             ? "expected chomping or indentation indicators, but found '\\t'"
                             : "expected a comment or a line break, but found '\\t'",
                         &tab->at),
                     400};
      return Error{
          "ScannerError",
          yaml::marked_message(source_name, "while scanning for the next token", nullptr,
                               "found character '\\t' that cannot start any token", &tab->at),
          400};
    }
  }
  if (!graph.ok()) return pure_python_wording(graph.error(), text);
  return yaml::construct(*graph, limits);
}

}  // namespace lyn
