// Over 500 lines: one parser for sre_parse's grammar, its parts sharing the Compiler.
// PyRegex's compiler: Python's sre_parse rules, parsed without recursion
// (an explicit stack of open groups, so `((((...` cannot overflow the C++
// stack) straight into Thompson fragments whose jumps are relative, so that
// fragments concatenate by appending.
#include "core/regex.h"

#include <optional>

#include "core/budget.h"
#include "core/regex_chars.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/value.h"

namespace lyn {

namespace {

using Inst = PyRegex::Inst;
using Op = Inst::Op;
using Frag = std::vector<Inst>;

enum Flag : int { kIgnoreCase = 1, kMultiline = 2, kDotAll = 4, kVerbose = 8, kAscii = 16 };

struct Group {
  std::vector<Frag> alternatives;
  uint64_t alternatives_size = 0;  // instructions in `alternatives`, with their splits
  Frag seq;                        // the current alternative, without `last`
  Frag last;                       // the last atom: a quantifier applies to it
  bool has_last = false, last_repeatable = false, last_quantified = false;
  int flags = 0;
  size_t open = 0;  // position of its '('
};

class Compiler {
 public:
  Compiler(std::u32string pattern, std::string shown, uint64_t max_size)
      : p_(std::move(pattern)), shown_(std::move(shown)), max_size_(max_size) {}

  std::optional<Error> run(std::vector<Inst>& prog, std::vector<PyRegex::Class>& classes);

 private:
  Error syntax(const std::string& msg, size_t pos) const {
    return Error{"error", msg + " at position " + std::to_string(pos), 400};
  }
  Error unsupported(const std::string& what) const {
    return Error::value("regexp " + py_string_repr(shown_) + ": " + what +
                        " cannot be matched in linear time and are not supported");
  }
  std::optional<Error> fits(uint64_t n) const {
    if (max_size_ && n > max_size_)
      return limit_error(Limit::kRegexpProgramSize, max_size_,
                         "regular expression too large: " + py_string_repr(shown_) +
                             " compiles to more than " + std::to_string(max_size_) +
                             " instructions");
    return std::nullopt;
  }
  bool at(size_t i, char32_t c) const { return i < p_.size() && p_[i] == c; }

  std::optional<Error> escape(Group& g, size_t& i);
  std::optional<Error> char_class(Group& g, size_t& i);
  std::optional<Error> quantifier(Group& g, size_t& i, bool& handled);
  // `at_start`: only global flags so far; *global set when this group was
  // one more of them.
  std::optional<Error> open_group(size_t& i, bool at_start, bool* global);
  std::optional<Error> close_group(size_t i);
  std::optional<Error> push_atom(Group& g, Frag f, bool repeatable);
  Result<Frag> finish(Group& g);
  // Reads one class item: a code point, or a category bit (*cat set).
  std::optional<Error> class_item(size_t& i, char32_t& c, uint8_t& cat);
  std::optional<Error> numeric_escape(size_t& i, char32_t kind, char32_t& c);

  std::u32string p_;
  std::string shown_;
  uint64_t max_size_;
  std::vector<Group> stack_;
  std::vector<PyRegex::Class>* classes_ = nullptr;
};

Inst inst(Op op) {
  Inst i;
  i.op = op;
  return i;
}
Inst jump(Op op, int32_t x, int32_t y = 0) {
  Inst i = inst(op);
  i.x = x;
  i.y = y;
  return i;
}
void append(Frag& out, const Frag& f) {
  out.insert(out.end(), f.begin(), f.end());
}
Frag alternate(Frag a, const Frag& b) {
  Frag out;
  out.push_back(jump(Op::kSplit, 1, static_cast<int32_t>(a.size()) + 2));
  append(out, a);
  out.push_back(jump(Op::kJump, static_cast<int32_t>(b.size()) + 1));
  append(out, b);
  return out;
}
Frag star(const Frag& f) {
  Frag out;
  out.push_back(jump(Op::kSplit, 1, static_cast<int32_t>(f.size()) + 2));
  append(out, f);
  out.push_back(jump(Op::kJump, -static_cast<int32_t>(f.size()) - 1));
  return out;
}
Frag optional_of(const Frag& f) {
  Frag out;
  out.push_back(jump(Op::kSplit, 1, static_cast<int32_t>(f.size()) + 1));
  append(out, f);
  return out;
}

bool is_digit_ascii(char32_t c) {
  return c >= '0' && c <= '9';
}
bool is_octal(char32_t c) {
  return c >= '0' && c <= '7';
}
bool is_ascii_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
int hex_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}
std::string utf8_of(char32_t c) {
  std::string s;
  utf8::append(s, c);
  return s;
}

uint8_t category_of(char32_t e) {
  switch (e) {
    case 'd':
      return kDigit;
    case 'D':
      return kNotDigit;
    case 'w':
      return kWord;
    case 'W':
      return kNotWord;
    case 's':
      return kSpace;
    case 'S':
      return kNotSpace;
    default:
      return 0;
  }
}

std::optional<char32_t> simple_escape(char32_t e) {
  switch (e) {
    case 'a':
      return U'\a';
    case 'f':
      return U'\f';
    case 'n':
      return U'\n';
    case 'r':
      return U'\r';
    case 't':
      return U'\t';
    case 'v':
      return U'\v';
    case '\\':
      return U'\\';
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<Error> Compiler::numeric_escape(size_t& i, char32_t kind, char32_t& c) {
  // \xhh, \uhhhh, \Uhhhhhhhh: exactly that many hex digits.
  size_t n = kind == 'x' ? 2 : kind == 'u' ? 4 : 8;
  size_t start = i - 2;
  uint32_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    int h = i < p_.size() ? hex_value(p_[i]) : -1;
    if (h < 0) {
      std::string got(1, '\\');
      got += utf8_of(kind);
      for (size_t j = start + 2; j < i; ++j) got += utf8_of(p_[j]);
      return syntax("incomplete escape " + got, start);
    }
    v = v * 16 + static_cast<uint32_t>(h);
    ++i;
  }
  if (v > 0x10FFFF) return syntax("bad escape \\U", start);
  c = v;
  return std::nullopt;
}

std::optional<Error> Compiler::class_item(size_t& i, char32_t& c, uint8_t& cat) {
  cat = 0;
  if (p_[i] != '\\') {
    c = p_[i++];
    return std::nullopt;
  }
  size_t start = i++;
  if (i >= p_.size()) return syntax("bad escape (end of pattern)", start);
  char32_t e = p_[i++];
  if (uint8_t k = category_of(e)) {
    cat = k;
    return std::nullopt;
  }
  if (e == 'b') {
    c = U'\b';
    return std::nullopt;
  }
  if (auto s = simple_escape(e)) {
    c = *s;
    return std::nullopt;
  }
  if (e == 'x' || e == 'u' || e == 'U') return numeric_escape(i, e, c);
  if (e == 'N') return unsupported("named Unicode escapes (\\N{...})");
  if (is_octal(e)) {
    uint32_t v = e - '0';
    for (int k = 0; k < 2 && i < p_.size() && is_octal(p_[i]); ++k) v = v * 8 + (p_[i++] - '0');
    if (v > 0377)
      return syntax("octal escape value \\" + std::to_string(v) + " outside of range 0-0o377",
                    start);
    c = v;
    return std::nullopt;
  }
  if (is_digit_ascii(e) || is_ascii_letter(e)) return syntax("bad escape \\" + utf8_of(e), start);
  c = e;
  return std::nullopt;
}

std::optional<Error> Compiler::char_class(Group& g, size_t& i) {
  size_t start = i++;
  PyRegex::Class cls;
  cls.ascii = g.flags & kAscii;
  if (at(i, '^')) {
    cls.negated = true;
    ++i;
  }
  bool first = true;
  while (true) {
    if (i >= p_.size()) return syntax("unterminated character set", start);
    if (p_[i] == ']' && !first) {
      ++i;
      break;
    }
    first = false;
    size_t item_start = i;
    char32_t lo = 0;
    uint8_t cat = 0;
    if (auto e = class_item(i, lo, cat)) return e;
    if (at(i, '-') && i + 1 < p_.size() && p_[i + 1] != ']') {
      ++i;
      char32_t hi = 0;
      uint8_t hcat = 0;
      if (auto e = class_item(i, hi, hcat)) return e;
      std::string text;
      for (size_t k = item_start; k < i; ++k) text += utf8_of(p_[k]);
      if (cat || hcat || hi < lo) return syntax("bad character range " + text, item_start);
      cls.ranges.emplace_back(lo, hi);
      continue;
    }
    if (cat)
      cls.categories |= cat;
    else
      cls.ranges.emplace_back(lo, lo);
  }
  Inst in = inst(Op::kClass);
  in.icase = g.flags & kIgnoreCase;
  in.cls = static_cast<uint32_t>(classes_->size());
  classes_->push_back(std::move(cls));
  return push_atom(g, Frag{in}, true);
}

std::optional<Error> Compiler::escape(Group& g, size_t& i) {
  size_t start = i++;
  if (i >= p_.size()) return syntax("bad escape (end of pattern)", start);
  char32_t e = p_[i++];
  bool ascii = g.flags & kAscii;
  Inst a = inst(Op::kAssert);
  switch (e) {
    case 'A':
      a.assertion = kAssertBegin;
      return push_atom(g, Frag{a}, false);
    case 'Z':
      a.assertion = kAssertEnd;
      return push_atom(g, Frag{a}, false);
    case 'b':
      a.assertion = ascii ? kAssertWordAscii : kAssertWord;
      return push_atom(g, Frag{a}, false);
    case 'B':
      a.assertion = ascii ? kAssertNotWordAscii : kAssertNotWord;
      return push_atom(g, Frag{a}, false);
    default:
      break;
  }
  if (uint8_t k = category_of(e)) {
    PyRegex::Class cls;
    cls.categories = k;
    cls.ascii = ascii;
    Inst in = inst(Op::kClass);
    in.cls = static_cast<uint32_t>(classes_->size());
    classes_->push_back(std::move(cls));
    return push_atom(g, Frag{in}, true);
  }
  char32_t c = 0;
  if (auto s = simple_escape(e)) {
    c = *s;
  } else if (e == 'x' || e == 'u' || e == 'U') {
    if (auto err = numeric_escape(i, e, c)) return err;
  } else if (e == 'N') {
    return unsupported("named Unicode escapes (\\N{...})");
  } else if (e == '0') {
    uint32_t v = 0;
    for (int k = 0; k < 2 && i < p_.size() && is_octal(p_[i]); ++k) v = v * 8 + (p_[i++] - '0');
    c = v;
  } else if (is_digit_ascii(e)) {
    // Three octal digits are a character; anything else is a group reference.
    if (is_octal(e) && i + 1 < p_.size() && is_octal(p_[i]) && is_octal(p_[i + 1])) {
      uint32_t v = (e - '0') * 64 + (p_[i] - '0') * 8 + (p_[i + 1] - '0');
      if (v > 0377)
        return syntax("octal escape value \\" + utf8_of(e) + utf8_of(p_[i]) + utf8_of(p_[i + 1]) +
                          " outside of range 0-0o377",
                      start);
      i += 2;
      c = v;
    } else {
      return unsupported("backreferences (\\" + utf8_of(e) + ")");
    }
  } else if (is_ascii_letter(e)) {
    return syntax("bad escape \\" + utf8_of(e), start);
  } else {
    c = e;
  }
  Inst in = inst(Op::kChar);
  in.c = c;
  in.icase = g.flags & kIgnoreCase;
  return push_atom(g, Frag{in}, true);
}

std::optional<Error> Compiler::push_atom(Group& g, Frag f, bool repeatable) {
  if (g.has_last) append(g.seq, g.last);
  if (auto e = fits(g.alternatives_size + g.seq.size() + f.size())) return e;
  g.last = std::move(f);
  g.has_last = true;
  g.last_repeatable = repeatable;
  g.last_quantified = false;
  return std::nullopt;
}

std::optional<Error> Compiler::quantifier(Group& g, size_t& i, bool& handled) {
  handled = false;
  size_t start = i;
  uint64_t min = 0, max = UINT64_MAX;  // UINT64_MAX: unbounded
  char32_t q = p_[i];
  if (q == '*') {
    ++i;
  } else if (q == '+') {
    min = 1;
    ++i;
  } else if (q == '?') {
    max = 1;
    ++i;
  } else {  // '{': a repeat only when it reads {m}, {m,}, {,n} or {m,n}
    size_t j = i + 1;
    auto number = [&](std::optional<uint64_t>& out) {
      uint64_t v = 0;
      size_t s = j;
      while (j < p_.size() && is_digit_ascii(p_[j])) {
        v = v > UINT32_MAX ? v : v * 10 + (p_[j] - '0');
        ++j;
      }
      if (j > s) out = v;
    };
    std::optional<uint64_t> lo, hi;
    number(lo);
    bool comma = at(j, ',');
    if (comma) {
      ++j;
      number(hi);
    } else {
      hi = lo;
    }
    if (!at(j, '}') || (!lo && !comma)) return std::nullopt;  // a literal '{'
    min = lo.value_or(0);
    max = hi.value_or(UINT64_MAX);
    if (min > UINT32_MAX || (hi && max > UINT32_MAX))
      return syntax("the repetition number is too large", start + 1);
    if (hi && max < min) return syntax("min repeat greater than max repeat", start + 1);
    i = j + 1;
  }
  handled = true;
  if (!g.has_last || !g.last_repeatable) return syntax("nothing to repeat", start);
  if (g.last_quantified) return syntax("multiple repeat", start);
  if (at(i, '?')) {
    ++i;  // lazy: the same set of matches
  } else if (at(i, '+')) {
    return unsupported("possessive quantifiers");
  }
  const Frag f = std::move(g.last);
  uint64_t len = f.size();
  uint64_t size = max == UINT64_MAX ? (min == 0 ? len + 2 : min * len + 1)
                                    : min * len + (max - min) * (len + 1);
  if (auto e = fits(g.alternatives_size + g.seq.size() + size)) return e;
  Frag out;
  for (uint64_t k = 1; k < min; ++k) append(out, f);
  if (max == UINT64_MAX) {
    if (min == 0) {
      append(out, star(f));
    } else {  // the last required copy loops: f then "again?"
      append(out, f);
      out.push_back(jump(Op::kSplit, -static_cast<int32_t>(f.size()), 1));
    }
  } else {
    if (min > 0) append(out, f);
    for (uint64_t k = min; k < max; ++k) append(out, optional_of(f));
  }
  g.last = std::move(out);
  g.last_quantified = true;
  return std::nullopt;
}

std::optional<Error> Compiler::open_group(size_t& i, bool at_start, bool* global) {
  *global = false;
  size_t start = i++;
  int flags = stack_.back().flags;
  if (!at(i, '?')) {
    Group g;
    g.flags = flags;
    g.open = start;
    stack_.push_back(std::move(g));
    return std::nullopt;
  }
  ++i;
  if (i >= p_.size()) return syntax("unexpected end of pattern", i);
  char32_t c = p_[i];
  if (c == ':') {
    ++i;
  } else if (c == 'P' && at(i + 1, '<')) {
    size_t j = i + 2, name_start = j;
    while (j < p_.size() && p_[j] != '>') ++j;
    if (j >= p_.size()) return syntax("missing >, unterminated name", name_start);
    bool ok = j > name_start && !is_digit_ascii(p_[name_start]);
    for (size_t k = name_start; k < j; ++k)
      if (!(p_[k] == '_' || is_digit_ascii(p_[k]) || is_ascii_letter(p_[k]) || p_[k] >= 0x80))
        ok = false;
    if (!ok) {
      std::string name;
      for (size_t k = name_start; k < j; ++k) name += utf8_of(p_[k]);
      return syntax(j == name_start ? "missing group name"
                                    : "bad character in group name " + py_string_repr(name),
                    name_start);
    }
    i = j + 1;
  } else if (c == 'P' && at(i + 1, '=')) {
    return unsupported("backreferences ((?P=name))");
  } else if (c == '#') {
    while (i < p_.size() && p_[i] != ')') ++i;
    if (i >= p_.size()) return syntax("missing ), unterminated comment", start);
    ++i;
    return std::nullopt;
  } else if (c == '=' || c == '!' || (c == '<' && (at(i + 1, '=') || at(i + 1, '!')))) {
    return unsupported("lookaround assertions ((?=...), (?!...), (?<=...), (?<!...))");
  } else if (c == '(') {
    return unsupported("conditional groups ((?(...)...))");
  } else if (c == '>') {
    return unsupported("atomic groups ((?>...))");
  } else {
    int on = 0, off = 0;
    bool minus = false;
    size_t flag_start = i;
    for (; i < p_.size(); ++i) {
      char32_t f = p_[i];
      int bit = f == 'i'   ? kIgnoreCase
                : f == 'm' ? kMultiline
                : f == 's' ? kDotAll
                : f == 'x' ? kVerbose
                : f == 'a' ? kAscii
                           : 0;
      if (f == '-' && !minus) {
        minus = true;
        continue;
      }
      if (f == 'u' && !minus) continue;  // the default for str patterns
      if (f == 'L')
        return syntax("bad inline flags: cannot use 'L' flag with a str pattern", i + 1);
      if (!bit) break;
      (minus ? off : on) |= bit;
    }
    if (i == flag_start || i >= p_.size())
      return syntax(
          i >= p_.size() ? "missing -, : or )" : "unknown extension ?" + utf8_of(p_[flag_start]),
          flag_start - 1);
    if (p_[i] == ')' && !minus) {
      if (!at_start) return syntax("global flags not at the start of the expression", start);
      ++i;
      stack_.back().flags |= on;
      *global = true;
      return std::nullopt;
    }
    if (p_[i] != ':') return syntax("missing :", i);
    ++i;
    flags = (flags | on) & ~off;
  }
  Group g;
  g.flags = flags;
  g.open = start;
  stack_.push_back(std::move(g));
  return std::nullopt;
}

Result<Frag> Compiler::finish(Group& g) {
  if (g.has_last) append(g.seq, g.last);
  g.alternatives.push_back(std::move(g.seq));
  Frag out = std::move(g.alternatives.back());
  for (size_t k = g.alternatives.size() - 1; k-- > 0;) {
    if (auto e = fits(out.size() + g.alternatives[k].size() + 2)) return *e;
    out = alternate(std::move(g.alternatives[k]), out);
  }
  return out;
}

std::optional<Error> Compiler::close_group(size_t i) {
  if (stack_.size() < 2) return syntax("unbalanced parenthesis", i);
  auto f = finish(stack_.back());
  if (!f.ok()) return f.error();
  stack_.pop_back();
  return push_atom(stack_.back(), std::move(f).value(), true);
}

std::optional<Error> Compiler::run(std::vector<Inst>& prog, std::vector<PyRegex::Class>& classes) {
  classes_ = &classes;
  stack_.emplace_back();
  size_t i = 0;
  bool at_start = true;  // only global flags seen so far
  while (i < p_.size()) {
    Group& g = stack_.back();
    char32_t c = p_[i];
    if (g.flags & kVerbose) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++i;
        continue;
      }
      if (c == '#') {
        while (i < p_.size() && p_[i] != '\n') ++i;
        continue;
      }
    }
    bool was_start = at_start;
    at_start = false;
    std::optional<Error> err;
    switch (c) {
      case '|':
        if (g.has_last) append(g.seq, g.last);
        g.has_last = false;
        g.alternatives_size += g.seq.size() + 2;
        err = fits(g.alternatives_size);
        g.alternatives.push_back(std::move(g.seq));
        g.seq.clear();
        ++i;
        break;
      case '(': {
        bool global = false;
        err = open_group(i, was_start && stack_.size() == 1, &global);
        at_start = was_start && global;
        break;
      }
      case ')':
        err = close_group(i);
        ++i;
        break;
      case '[':
        err = char_class(g, i);
        break;
      case '\\':
        err = escape(g, i);
        break;
      case '*':
      case '+':
      case '?':
      case '{': {
        bool handled = false;
        err = quantifier(g, i, handled);
        if (!err && !handled) {  // '{' as a literal
          Inst in = inst(Op::kChar);
          in.c = c;
          err = push_atom(g, Frag{in}, true);
          ++i;
        }
        break;
      }
      case '.':
        err = push_atom(g, Frag{inst(g.flags & kDotAll ? Op::kAnyNewline : Op::kAny)}, true);
        ++i;
        break;
      case '^':
      case '$': {
        Inst a = inst(Op::kAssert);
        bool multi = g.flags & kMultiline;
        a.assertion = c == '^' ? (multi ? kAssertLineStart : kAssertBegin)
                               : (multi ? kAssertLineEnd : kAssertEndOrFinalNewline);
        err = push_atom(g, Frag{a}, false);
        ++i;
        break;
      }
      default: {
        Inst in = inst(Op::kChar);
        in.c = c;
        in.icase = g.flags & kIgnoreCase;
        err = push_atom(g, Frag{in}, true);
        ++i;
      }
    }
    if (err) return err;
  }
  if (stack_.size() > 1) return syntax("missing ), unterminated subpattern", stack_.back().open);
  auto f = finish(stack_.back());
  if (!f.ok()) return f.error();
  prog = std::move(f).value();
  prog.push_back(inst(Op::kMatch));
  return std::nullopt;
}

Result<PyRegex> PyRegex::compile(std::string_view pattern) {
  Compiler c(fs_decode(pattern), std::string(pattern),
             Budget::current().limits().regexp_program_size);
  std::vector<Inst> prog;
  std::vector<Class> classes;
  if (auto e = c.run(prog, classes)) return *e;
  PyRegex re;
  re.prog_ = std::move(prog);
  re.classes_ = std::move(classes);
  return re;
}

}  // namespace lyn
