// Over 500 lines: one port of argparse's parser and HelpFormatter, whose parts share the Parser.
// A port of the parts of Python 3.11's argparse.py that lamd's parsers
// reach: ArgumentParser._parse_known_args (options and positionals taken
// alternately, matched by argparse's nargs patterns), _parse_optional and
// _get_option_tuples (prefix abbreviations, `=`, `-dVALUE`), the error
// texts, and HelpFormatter (usage wrapping, sections, textwrap).
#include "cli/argparse_compat.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>

#include "core/value.h"

namespace lyn::cli::argparse {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

bool is_positional(const Argument& a) {
  return a.option_strings.empty();
}

// _get_action_name: the option strings joined by '/', else the dest.
std::string action_name(const Argument& a) {
  if (!a.option_strings.empty()) return join(a.option_strings, "/");
  return a.dest;
}

// ---- formatting (HelpFormatter) ----

std::string metavar(const Argument& a, const std::string& default_metavar) {
  if (!a.choices.empty()) return "{" + join(a.choices, ",") + "}";
  return default_metavar;
}

std::string format_args(const Argument& a, const std::string& default_metavar) {
  std::string m = metavar(a, default_metavar);
  if (a.nargs == Nargs::kOneOrMore) return m + " [" + m + " ...]";
  return m;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string invocation(const Argument& a) {
  if (is_positional(a)) return metavar(a, a.dest);
  if (a.nargs == Nargs::kFlag || a.nargs == Nargs::kHelp) return join(a.option_strings, ", ");
  std::string args = format_args(a, upper(a.dest));
  std::vector<std::string> parts;
  for (const auto& o : a.option_strings) parts.push_back(o + " " + args);
  return join(parts, ", ");
}

std::string actions_usage(const std::vector<const Argument*>& actions) {
  std::vector<std::string> parts;
  for (const Argument* a : actions) {
    if (is_positional(*a)) {
      parts.push_back(format_args(*a, a->dest));
      continue;
    }
    std::string part = a->option_strings[0];
    if (a->nargs != Nargs::kFlag && a->nargs != Nargs::kHelp)
      part += " " + format_args(*a, upper(a->dest));
    if (!a->required) part = "[" + part + "]";
    parts.push_back(part);
  }
  std::string text = join(parts, " ");
  // argparse's clean-up of group separators (a no-op without groups, kept
  // for texts such as metavars with brackets).
  text = std::regex_replace(text, std::regex(R"(([\[(]) )"), "$1");
  text = std::regex_replace(text, std::regex(R"( ([\])]))"), "$1");
  text = std::regex_replace(text, std::regex(R"([\[(] *[\])])"), "");
  text = std::regex_replace(text, std::regex(R"(\(([^|]*)\))"), "$1");
  size_t b = 0, e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

// re.findall(r'\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+', text)
std::vector<std::string> usage_parts(const std::string& t) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < t.size()) {
    if (is_space(t[i])) {
      ++i;
      continue;
    }
    size_t end = std::string::npos;
    if (t[i] == '(' || t[i] == '[') {
      char close = t[i] == '(' ? ')' : ']';
      for (size_t k = i + 1; k < t.size() && t[k] != '\n'; ++k) {
        if (t[k] != close) continue;
        size_t r = k;
        while (r < t.size() && t[r] == close) ++r;
        if (r == t.size() || is_space(t[r])) {
          end = r;
          break;
        }
      }
    }
    if (end == std::string::npos) {
      end = i;
      while (end < t.size() && !is_space(t[end])) ++end;
    }
    out.push_back(t.substr(i, end - i));
    i = end;
  }
  return out;
}

std::vector<std::string> get_lines(const std::vector<std::string>& parts, const std::string& indent,
                                   const std::string* prefix, int text_width) {
  std::vector<std::string> lines, line;
  long line_len = static_cast<long>(prefix ? prefix->size() : indent.size()) - 1;
  for (const auto& part : parts) {
    if (line_len + 1 + static_cast<long>(part.size()) > text_width && !line.empty()) {
      lines.push_back(indent + join(line, " "));
      line.clear();
      line_len = static_cast<long>(indent.size()) - 1;
    }
    line.push_back(part);
    line_len += static_cast<long>(part.size()) + 1;
  }
  if (!line.empty()) lines.push_back(indent + join(line, " "));
  if (prefix && !lines.empty()) lines[0] = lines[0].substr(indent.size());
  return lines;
}

std::string usage_text(const Parser& p, int width) {
  const std::string prefix = "usage: ";
  std::vector<const Argument*> optionals, positionals, all;
  for (const auto& a : p.arguments) (is_positional(a) ? positionals : optionals).push_back(&a);
  all = optionals;
  all.insert(all.end(), positionals.begin(), positionals.end());
  std::string action_usage = actions_usage(all);
  std::string usage = action_usage.empty() ? p.prog : p.prog + " " + action_usage;
  int text_width = width;
  if (static_cast<int>(prefix.size() + usage.size()) > text_width) {
    auto opt_parts = usage_parts(actions_usage(optionals));
    auto pos_parts = usage_parts(actions_usage(positionals));
    std::vector<std::string> lines;
    if (static_cast<double>(prefix.size() + p.prog.size()) <= 0.75 * text_width) {
      std::string indent(prefix.size() + p.prog.size() + 1, ' ');
      if (!opt_parts.empty()) {
        std::vector<std::string> first = {p.prog};
        first.insert(first.end(), opt_parts.begin(), opt_parts.end());
        lines = get_lines(first, indent, &prefix, text_width);
        auto more = get_lines(pos_parts, indent, nullptr, text_width);
        lines.insert(lines.end(), more.begin(), more.end());
      } else if (!pos_parts.empty()) {
        std::vector<std::string> first = {p.prog};
        first.insert(first.end(), pos_parts.begin(), pos_parts.end());
        lines = get_lines(first, indent, &prefix, text_width);
      } else {
        lines = {p.prog};
      }
    } else {
      std::string indent(prefix.size(), ' ');
      std::vector<std::string> parts = opt_parts;
      parts.insert(parts.end(), pos_parts.begin(), pos_parts.end());
      lines = get_lines(parts, indent, nullptr, text_width);
      if (lines.size() > 1) {
        lines = get_lines(opt_parts, indent, nullptr, text_width);
        auto more = get_lines(pos_parts, indent, nullptr, text_width);
        lines.insert(lines.end(), more.begin(), more.end());
      }
      lines.insert(lines.begin(), p.prog);
    }
    usage = join(lines, "\n");
  }
  return prefix + usage + "\n\n";
}

// re.sub(r'\s+', ' ', text).strip()
std::string squash_whitespace(const std::string& text) {
  std::string out;
  bool in_space = false;
  for (char c : text) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

int formatter_width(int columns) {
  return columns - 2;
}

std::string format_text(const Parser& p, const std::string& text, int width, int indent) {
  if (p.raw_description) {
    std::string out, pad(indent, ' ');
    size_t i = 0;
    while (i < text.size()) {
      size_t nl = text.find('\n', i);
      size_t end = nl == std::string::npos ? text.size() : nl + 1;
      out += pad + text.substr(i, end - i);
      i = end;
    }
    return out + "\n\n";
  }
  int text_width = std::max(width - indent, 11);
  auto lines = textwrap(squash_whitespace(text), text_width);
  std::string pad(indent, ' ');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += pad + lines[i];
  }
  return out + "\n\n";
}

std::string format_action(const Argument& a, int width, int max_help_position,
                          int action_max_length, int indent) {
  int help_position = std::min(action_max_length + 2, max_help_position);
  int help_width = std::max(width - help_position, 11);
  int action_width = help_position - indent - 2;
  std::string header = invocation(a);
  std::string out;
  int indent_first = 0;
  if (a.help.empty()) {
    return std::string(indent, ' ') + header + "\n";
  } else if (static_cast<int>(header.size()) <= action_width) {
    out = std::string(indent, ' ') + header +
          std::string(action_width - static_cast<int>(header.size()), ' ') + "  ";
  } else {
    out = std::string(indent, ' ') + header + "\n";
    indent_first = help_position;
  }
  auto lines = textwrap(squash_whitespace(a.help), help_width);
  if (!lines.empty()) {
    out += std::string(indent_first, ' ') + lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i)
      out += std::string(help_position, ' ') + lines[i] + "\n";
  } else if (out.back() != '\n') {
    out += "\n";
  }
  return out;
}

// ---- textwrap ----

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_letter(char c) {  // [^\d\W]
  return is_word_char(c) && !(c >= '0' && c <= '9');
}
bool is_word_punct(char c) {  // [\w!"'&.,?]
  return is_word_char(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' ||
         c == '?';
}

// `-{2,}\w` at s[k].
bool emdash_at(const std::string& s, size_t k) {
  size_t r = k;
  while (r < s.size() && s[r] == '-') ++r;
  return r - k >= 2 && r < s.size() && is_word_char(s[r]);
}

// TextWrapper.wordsep_re split into chunks.
std::vector<std::string> chunks_of(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (is_space(s[i])) {
      size_t j = i;
      while (j < s.size() && is_space(s[j])) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
      continue;
    }
    if (i > 0 && is_word_punct(s[i - 1]) && emdash_at(s, i)) {
      size_t j = i;
      while (j < s.size() && s[j] == '-') ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
      continue;
    }
    size_t end = std::string::npos;
    for (size_t k = i + 1; k <= s.size(); ++k) {
      // k: end of the lazily matched non-space run s[i, k).
      if (is_space(s[k - 1])) break;
      if (k < s.size() && s[k] == '-') {
        bool behind = (k >= 2 && is_letter(s[k - 2]) && is_letter(s[k - 1])) ||
                      (k >= 3 && is_letter(s[k - 3]) && s[k - 2] == '-' && is_letter(s[k - 1]));
        size_t a = k + 1;
        bool ahead = a < s.size() && is_letter(s[a]) &&
                     ((a + 1 < s.size() && is_letter(s[a + 1])) ||
                      (a + 2 < s.size() && s[a + 1] == '-' && is_letter(s[a + 2])));
        if (behind && ahead) {
          end = k + 1;
          break;
        }
      }
      if (k == s.size() || is_space(s[k])) {
        end = k;
        break;
      }
      if (is_word_punct(s[k - 1]) && emdash_at(s, k)) {
        end = k;
        break;
      }
    }
    if (end == std::string::npos) end = i + 1;
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

bool all_space(const std::string& s) {
  return std::all_of(s.begin(), s.end(), is_space);
}

}  // namespace

std::vector<std::string> textwrap(const std::string& text, int width) {
  // expand_tabs and replace_whitespace turn every whitespace into a space.
  std::string t = text;
  for (char& c : t)
    if (is_space(c)) c = ' ';
  std::vector<std::string> chunks = chunks_of(t);
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::vector<std::string> cur;
    int cur_len = 0;
    if (all_space(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty()) {
      int l = static_cast<int>(chunks.back().size());
      if (cur_len + l > width) break;
      cur.push_back(chunks.back());
      chunks.pop_back();
      cur_len += l;
    }
    if (!chunks.empty() && static_cast<int>(chunks.back().size()) > width) {
      // _handle_long_word
      int space_left = width < 1 ? 1 : width - cur_len;
      std::string& chunk = chunks.back();
      size_t end = static_cast<size_t>(space_left);
      if (static_cast<int>(chunk.size()) > space_left) {
        size_t hyphen = chunk.rfind('-', space_left > 0 ? space_left - 1 : 0);
        if (space_left > 0 && hyphen != std::string::npos && hyphen > 0 &&
            hyphen < static_cast<size_t>(space_left) && chunk.find_first_not_of('-') < hyphen)
          end = hyphen + 1;
      }
      cur.push_back(chunk.substr(0, end));
      chunk = chunk.substr(end);
    }
    if (!cur.empty() && all_space(cur.back())) cur.pop_back();
    if (!cur.empty()) lines.push_back(join(cur, ""));
  }
  return lines;
}

Parser make_parser(std::string prog) {
  Parser p;
  p.prog = std::move(prog);
  Argument help;
  help.option_strings = {"-h", "--help"};
  help.dest = "help";
  help.nargs = Nargs::kHelp;
  help.help = "show this help message and exit";
  p.arguments.push_back(help);
  return p;
}

std::string Namespace::get(const std::string& dest) const {
  auto it = values.find(dest);
  return it == values.end() || it->second.empty() ? "" : it->second.front();
}

const std::vector<std::string>& Namespace::list(const std::string& dest) const {
  static const std::vector<std::string> kEmpty;
  auto it = values.find(dest);
  return it == values.end() ? kEmpty : it->second;
}

std::string format_usage(const Parser& p, int columns) {
  std::string u = usage_text(p, formatter_width(columns));
  return u.substr(0, u.size() - 1);  // format_help strips the blank line
}

std::string format_help(const Parser& p, int columns) {
  int width = formatter_width(columns);
  int max_help_position = std::min(24, std::max(width - 20, 4));
  int action_max_length = 0;
  for (const auto& a : p.arguments)
    action_max_length = std::max(action_max_length, static_cast<int>(invocation(a).size()) + 2);
  std::string help = usage_text(p, width);
  if (!p.description.empty()) help += format_text(p, p.description, width, 0);
  for (bool positional : {true, false}) {
    std::string items;
    for (const auto& a : p.arguments)
      if (is_positional(a) == positional)
        items += format_action(a, width, max_help_position, action_max_length, 2);
    if (items.empty()) continue;
    help += std::string("\n") + (positional ? "positional arguments" : "options") + ":\n" + items +
            "\n";
  }
  if (!p.epilog.empty()) help += format_text(p, p.epilog, width, 0);
  // _long_break_matcher.sub('\n\n', help).strip('\n') + '\n'
  help = std::regex_replace(help, std::regex("\n\n\n+"), "\n\n");
  size_t b = help.find_first_not_of('\n');
  size_t e = help.find_last_not_of('\n');
  if (b == std::string::npos) return "\n";
  return help.substr(b, e - b + 1) + "\n";
}

int terminal_columns() {
  if (const char* c = std::getenv("COLUMNS")) {
    // int(): surrounding whitespace allowed, digits with an optional sign.
    std::string s = c;
    size_t b = s.find_first_not_of(" \t\n\r\v\f");
    size_t e = s.find_last_not_of(" \t\n\r\v\f");
    if (b != std::string::npos) {
      s = s.substr(b, e - b + 1);
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      if (end && *end == '\0' && v > 0 && s.find_first_of("0123456789") != std::string::npos)
        return static_cast<int>(std::min(v, 100000L));
    }
  }
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

namespace {

struct OptionTuple {
  int action = -1;  // -1: looks like an option this parser does not know
  std::string option_string;
  std::optional<std::string> explicit_arg;
};

// argparse's _get_nargs_pattern as tokens: a pattern character ('A' an
// argument, '-' a "--", '*' either) and whether it repeats (greedy `*`).
// Positionals may have "--" around their arguments; options may not.
struct Token {
  char c;
  bool star;
};
std::vector<Token> nargs_pattern(const Argument& a) {
  const bool pos = is_positional(a);
  std::vector<Token> t;
  switch (a.nargs) {
    case Nargs::kOne:  // (-*A-*)
      if (pos) t.push_back({'-', true});
      t.push_back({'A', false});
      if (pos) t.push_back({'-', true});
      break;
    case Nargs::kOneOrMore:  // (-*A[A-]*)
      if (pos) t.push_back({'-', true});
      t.push_back({'A', false});
      t.push_back({pos ? '*' : 'A', true});
      break;
    case Nargs::kFlag:
    case Nargs::kHelp:  // (-*-*)
      if (pos) t.push_back({'-', true});
      break;
  }
  return t;
}

bool token_matches(const Token& t, char c) {
  return t.c == '*' ? (c == 'A' || c == '-') : t.c == c;
}

// re.match of the concatenated groups at the start of `s`, greedy with
// backtracking; on success `ends[g]` is where group g ended.
bool match_groups(const std::vector<std::vector<Token>>& groups, size_t g, size_t k,
                  const std::string& s, size_t pos, std::vector<size_t>& ends) {
  if (g == groups.size()) return true;
  if (k == groups[g].size()) {
    ends[g] = pos;
    return match_groups(groups, g + 1, 0, s, pos, ends);
  }
  const Token& t = groups[g][k];
  if (!t.star) {
    return pos < s.size() && token_matches(t, s[pos]) &&
           match_groups(groups, g, k + 1, s, pos + 1, ends);
  }
  size_t n = 0;
  while (pos + n < s.size() && token_matches(t, s[pos + n])) ++n;
  for (size_t take = n + 1; take-- > 0;)
    if (match_groups(groups, g, k + 1, s, pos + take, ends)) return true;
  return false;
}

// The argument counts of `groups` matched at the start of `s`, or nullopt.
std::optional<std::vector<size_t>> match_counts(const std::vector<std::vector<Token>>& groups,
                                                const std::string& s) {
  std::vector<size_t> ends(groups.size());
  if (!match_groups(groups, 0, 0, s, 0, ends)) return std::nullopt;
  std::vector<size_t> counts;
  size_t start = 0;
  for (size_t e : ends) {
    counts.push_back(e - start);
    start = e;
  }
  return counts;
}

bool looks_negative(const std::string& a) {  // ^-\d+$|^-\d*\.\d+$
  if (a.size() < 2 || a[0] != '-') return false;
  size_t i = 1, digits = 0;
  while (i < a.size() && a[i] >= '0' && a[i] <= '9') ++i, ++digits;
  if (i == a.size()) return digits > 0;
  if (a[i] != '.') return false;
  size_t frac = 0;
  for (++i; i < a.size() && a[i] >= '0' && a[i] <= '9'; ++i) ++frac;
  return i == a.size() && frac > 0;
}

class ArgParser {
 public:
  ArgParser(const Parser& p, std::vector<std::string> argv, int columns)
      : p_(p), argv_(std::move(argv)), columns_(columns) {
    for (size_t i = 0; i < p_.arguments.size(); ++i)
      for (const auto& o : p_.arguments[i].option_strings)
        option_actions_.push_back({o, static_cast<int>(i)});
  }

  Outcome run() {
    parse();
    if (!out_.exited && !extras_.empty()) error("unrecognized arguments: " + join(extras_, " "));
    return out_;
  }

 private:
  int find_option(const std::string& s) const {
    for (const auto& [o, i] : option_actions_)
      if (o == s) return i;
    return -1;
  }

  void error(const std::string& message) {
    if (out_.exited) return;
    out_.exited = true;
    out_.exit_code = 2;
    out_.err = format_usage(p_, columns_) + p_.prog + ": error: " + message + "\n";
  }
  void argument_error(int action, const std::string& message) {
    error("argument " + action_name(p_.arguments[action]) + ": " + message);
  }

  // _parse_optional; nullopt: a positional.
  std::optional<OptionTuple> parse_optional(const std::string& arg) {
    if (arg.empty() || arg[0] != '-') return std::nullopt;
    if (int a = find_option(arg); a >= 0) return OptionTuple{a, arg, std::nullopt};
    if (arg.size() == 1) return std::nullopt;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      std::string opt = arg.substr(0, eq);
      if (int a = find_option(opt); a >= 0) return OptionTuple{a, opt, arg.substr(eq + 1)};
    }
    std::vector<OptionTuple> tuples;
    if (arg[1] == '-') {
      std::string prefix = arg;
      std::optional<std::string> explicit_arg;
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        prefix = arg.substr(0, eq);
        explicit_arg = arg.substr(eq + 1);
      }
      for (const auto& [o, i] : option_actions_)
        if (o.rfind(prefix, 0) == 0) tuples.push_back({i, o, explicit_arg});
    } else {
      std::string short_prefix = arg.substr(0, 2);
      std::string short_explicit = arg.substr(2);
      for (const auto& [o, i] : option_actions_) {
        if (o == short_prefix)
          tuples.push_back({i, o, short_explicit});
        else if (o.rfind(arg, 0) == 0)
          tuples.push_back({i, o, std::nullopt});
      }
    }
    if (tuples.size() > 1) {
      std::vector<std::string> names;
      for (const auto& t : tuples) names.push_back(t.option_string);
      error("ambiguous option: " + arg + " could match " + join(names, ", "));
      return OptionTuple{};
    }
    if (tuples.size() == 1) return tuples[0];
    if (looks_negative(arg)) return std::nullopt;  // no negative-number-like options here
    if (arg.find(' ') != std::string::npos) return std::nullopt;
    return OptionTuple{-1, arg, std::nullopt};
  }

  // _match_argument: how many of `pattern`'s leading strings `action` takes.
  std::optional<size_t> match_argument(int action, const std::string& pattern) {
    auto counts = match_counts({nargs_pattern(p_.arguments[action])}, pattern);
    if (!counts) {
      const Argument& a = p_.arguments[action];
      argument_error(action, a.nargs == Nargs::kOneOrMore ? "expected at least one argument"
                                                          : "expected one argument");
      return std::nullopt;
    }
    return (*counts)[0];
  }

  void take_action(int action, std::vector<std::string> args) {
    if (out_.exited) return;
    seen_.push_back(action);
    const Argument& a = p_.arguments[action];
    if (auto it = std::find(args.begin(), args.end(), "--"); it != args.end()) args.erase(it);
    for (const auto& v : args) {
      if (!a.choices.empty() &&
          std::find(a.choices.begin(), a.choices.end(), v) == a.choices.end()) {
        std::vector<std::string> reprs;
        for (const auto& c : a.choices) reprs.push_back(py_string_repr(c));
        argument_error(action, "invalid choice: " + py_string_repr(v) + " (choose from " +
                                   join(reprs, ", ") + ")");
        return;
      }
    }
    if (a.nargs == Nargs::kHelp) {
      out_.exited = true;
      out_.exit_code = 0;
      out_.out = format_help(p_, columns_);
      return;
    }
    out_.args.values[a.dest] = std::move(args);
  }

  size_t consume_optional(size_t start) {
    OptionTuple t = option_indices_.at(start);
    std::vector<std::pair<int, std::vector<std::string>>> tuples;
    size_t stop = start + 1;
    while (true) {
      if (t.action < 0) {
        extras_.push_back(argv_[start]);
        return start + 1;
      }
      if (t.explicit_arg) {
        auto count = match_argument(t.action, "A");
        if (!count) return argv_.size();
        if (*count == 0 && t.option_string[1] != '-' && !t.explicit_arg->empty()) {
          tuples.push_back({t.action, {}});
          std::string next = std::string("-") + (*t.explicit_arg)[0];
          std::string rest = t.explicit_arg->substr(1);
          int a = find_option(next);
          if (a < 0) {
            argument_error(t.action,
                           "ignored explicit argument " + py_string_repr(*t.explicit_arg));
            return argv_.size();
          }
          t = OptionTuple{a, next, rest.empty() ? std::nullopt : std::optional<std::string>(rest)};
        } else if (*count == 1) {
          stop = start + 1;
          tuples.push_back({t.action, {*t.explicit_arg}});
          break;
        } else {
          argument_error(t.action, "ignored explicit argument " + py_string_repr(*t.explicit_arg));
          return argv_.size();
        }
      } else {
        size_t first = start + 1;
        auto count = match_argument(t.action, pattern_.substr(std::min(first, pattern_.size())));
        if (!count) return argv_.size();
        stop = first + *count;
        tuples.push_back(
            {t.action, std::vector<std::string>(argv_.begin() + first, argv_.begin() + stop)});
        break;
      }
    }
    for (auto& [a, args] : tuples) {
      take_action(a, std::move(args));
      if (out_.exited) return argv_.size();
    }
    return stop;
  }

  size_t consume_positionals(size_t start) {
    std::string selected = pattern_.substr(std::min(start, pattern_.size()));
    std::vector<size_t> counts;
    for (size_t n = positionals_.size(); n > 0; --n) {
      std::vector<std::vector<Token>> groups;
      for (size_t k = 0; k < n; ++k) groups.push_back(nargs_pattern(p_.arguments[positionals_[k]]));
      if (auto c = match_counts(groups, selected)) {
        counts = *c;
        break;
      }
    }
    for (size_t k = 0; k < counts.size(); ++k) {
      std::vector<std::string> args(argv_.begin() + start, argv_.begin() + start + counts[k]);
      start += counts[k];
      take_action(positionals_[k], std::move(args));
      if (out_.exited) return argv_.size();
    }
    positionals_.erase(positionals_.begin(), positionals_.begin() + counts.size());
    return start;
  }

  void parse() {
    for (size_t i = 0; i < argv_.size(); ++i) {
      if (argv_[i] == "--") {
        pattern_ += '-';
        for (++i; i < argv_.size(); ++i) pattern_ += 'A';
        break;
      }
      auto t = parse_optional(argv_[i]);
      if (out_.exited) return;
      if (!t) {
        pattern_ += 'A';
      } else {
        option_indices_[i] = *t;
        pattern_ += 'O';
      }
    }
    for (size_t i = 0; i < p_.arguments.size(); ++i)
      if (is_positional(p_.arguments[i])) positionals_.push_back(static_cast<int>(i));

    size_t start = 0;
    long max_option =
        option_indices_.empty() ? -1 : static_cast<long>(option_indices_.rbegin()->first);
    while (static_cast<long>(start) <= max_option) {
      size_t next = option_indices_.lower_bound(start)->first;
      if (start != next) {
        size_t end = consume_positionals(start);
        if (out_.exited) return;
        if (end > start) {
          start = end;
          continue;
        }
        start = end;
      }
      if (!option_indices_.count(start)) {
        for (size_t k = start; k < next; ++k) extras_.push_back(argv_[k]);
        start = next;
      }
      start = consume_optional(start);
      if (out_.exited) return;
    }
    size_t stop = consume_positionals(start);
    if (out_.exited) return;
    for (size_t k = stop; k < argv_.size(); ++k) extras_.push_back(argv_[k]);

    std::vector<std::string> missing;
    for (size_t i = 0; i < p_.arguments.size(); ++i) {
      const Argument& a = p_.arguments[i];
      bool required = is_positional(a) || a.required;
      if (required && std::find(seen_.begin(), seen_.end(), static_cast<int>(i)) == seen_.end())
        missing.push_back(action_name(a));
    }
    if (!missing.empty()) error("the following arguments are required: " + join(missing, ", "));
  }

  const Parser& p_;
  std::vector<std::string> argv_;
  int columns_;
  std::vector<std::pair<std::string, int>> option_actions_;  // in insertion order
  std::map<size_t, OptionTuple> option_indices_;
  std::string pattern_;
  std::vector<int> positionals_;
  std::vector<int> seen_;
  std::vector<std::string> extras_;
  Outcome out_;
};

}  // namespace

Outcome parse_args(const Parser& p, const std::vector<std::string>& argv, int columns) {
  return ArgParser(p, argv, columns).run();
}

}  // namespace lyn::cli::argparse
