// PyRegex's matcher (a Pike VM without submatches) and the character
// predicates it shares with the compiler.
#include <vector>

#include "core/budget.h"
#include "core/regex.h"
#include "core/regex_chars.h"
#include "core/utf8.h"

namespace lyn {

namespace {

bool in(char32_t c, char32_t lo, char32_t hi) {
  return c >= lo && c <= hi;
}

// Non-ASCII code points that are neither letters nor digits in Python
// (punctuation, symbols, marks of the Latin-1 block, surrogates, private
// use): a coarse table of whole blocks.
bool non_word_non_ascii(char32_t c) {
  if (c < 0x100) {
    if (c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
        in(c, 0xBC, 0xBE))
      return false;
    return c < 0xC0 || c == 0xD7 || c == 0xF7;
  }
  return in(c, 0x2000, 0x206F) || in(c, 0x20A0, 0x20CF) || in(c, 0x2190, 0x23FF) ||
         in(c, 0x2500, 0x27BF) || in(c, 0x2E00, 0x2E7F) ||
         (in(c, 0x3000, 0x303F) && !in(c, 0x3005, 0x3007) && !in(c, 0x3021, 0x3029)) ||
         in(c, 0xD800, 0xF8FF) || in(c, 0xFE30, 0xFE4F) || in(c, 0xFF01, 0xFF0F) ||
         in(c, 0xFF1A, 0xFF20) || in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65) ||
         in(c, 0xFFF0, 0xFFFF) || in(c, 0x1F000, 0x1FAFF);
}

bool in_class(const PyRegex::Class& cls, char32_t c) {
  bool hit = false;
  for (const auto& [lo, hi] : cls.ranges)
    if (c >= lo && c <= hi) {
      hit = true;
      break;
    }
  uint8_t cat = cls.categories;
  if (!hit && cat) {
    bool a = cls.ascii;
    hit = ((cat & kDigit) && regex_is_digit(c, a)) ||
          ((cat & kNotDigit) && !regex_is_digit(c, a)) || ((cat & kWord) && regex_is_word(c, a)) ||
          ((cat & kNotWord) && !regex_is_word(c, a)) || ((cat & kSpace) && regex_is_space(c, a)) ||
          ((cat & kNotSpace) && !regex_is_space(c, a));
  }
  return hit;
}

// Under (?i) a character is in a class when any of its cases is.
bool class_matches(const PyRegex::Class& cls, char32_t c, bool icase) {
  bool hit = in_class(cls, c) ||
             (icase && (in_class(cls, regex_lower(c)) || in_class(cls, regex_upper(c))));
  return hit != cls.negated;
}

bool assertion_holds(uint8_t a, std::u32string_view t, size_t pos) {
  size_t n = t.size();
  switch (a) {
    case kAssertBegin:
      return pos == 0;
    case kAssertEnd:
      return pos == n;
    case kAssertEndOrFinalNewline:
      return pos == n || (pos + 1 == n && t[pos] == '\n');
    case kAssertLineStart:
      return pos == 0 || t[pos - 1] == '\n';
    case kAssertLineEnd:
      return pos == n || t[pos] == '\n';
    default: {
      bool ascii = a == kAssertWordAscii || a == kAssertNotWordAscii;
      bool before = pos > 0 && regex_is_word(t[pos - 1], ascii);
      bool after = pos < n && regex_is_word(t[pos], ascii);
      bool boundary = before != after;
      return (a == kAssertWord || a == kAssertWordAscii) ? boundary : !boundary;
    }
  }
}

// The live program counters of one step, each at most once.
class StateSet {
 public:
  explicit StateSet(size_t n) : sparse_(n), dense_(n) {}
  bool insert(uint32_t pc) {
    uint32_t k = sparse_[pc];
    if (k < size_ && dense_[k] == pc) return false;
    sparse_[pc] = static_cast<uint32_t>(size_);
    dense_[size_++] = pc;
    return true;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  uint32_t operator[](size_t i) const { return dense_[i]; }

 private:
  std::vector<uint32_t> sparse_, dense_;
  size_t size_ = 0;
};

}  // namespace

bool regex_is_digit(char32_t c, bool ascii) {
  if (c < 0x80 || ascii) return c >= '0' && c <= '9';
  return in(c, 0x660, 0x669) || in(c, 0x6F0, 0x6F9) || in(c, 0x966, 0x96F) || in(c, 0xFF10, 0xFF19);
}

bool regex_is_space(char32_t c, bool ascii) {
  if (c == ' ' || in(c, '\t', '\r')) return true;
  if (ascii) return false;
  return in(c, 0x1C, 0x1F) || c == 0x85 || c == 0xA0 || c == 0x1680 || in(c, 0x2000, 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool regex_is_word(char32_t c, bool ascii) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  if (ascii) return false;
  return !regex_is_space(c, false) && !non_word_non_ascii(c);
}

char32_t regex_lower(char32_t c) {
  if (in(c, 'A', 'Z') || (in(c, 0xC0, 0xDE) && c != 0xD7)) return c + 0x20;
  if (in(c, 0x391, 0x3A9) && c != 0x3A2) return c + 0x20;
  if (in(c, 0x410, 0x42F)) return c + 0x20;
  if (in(c, 0x400, 0x40F)) return c + 0x50;
  return c;
}

char32_t regex_upper(char32_t c) {
  if (in(c, 'a', 'z') || (in(c, 0xE0, 0xFE) && c != 0xF7)) return c - 0x20;
  if (in(c, 0x3B1, 0x3C9) && c != 0x3C2) return c - 0x20;
  if (in(c, 0x430, 0x44F)) return c - 0x20;
  if (in(c, 0x450, 0x45F)) return c - 0x50;
  return c;
}

Result<bool> PyRegex::match(std::string_view text_utf8) const {
  Budget& budget = Budget::current();
  std::u32string text = fs_decode(text_utf8);
  size_t n = prog_.size();
  if (!budget.allocate(4 * n * sizeof(uint32_t) + text.size() * sizeof(char32_t)))
    return budget.error();
  StateSet current(n), next(n);
  std::vector<uint32_t> stack;

  // Follows jumps, splits and assertions from `pc` at `pos`, adding every
  // reachable state to `set`; true when the match state is reached.
  auto add = [&](StateSet& set, uint32_t start, size_t pos) {
    stack.push_back(start);
    while (!stack.empty()) {
      uint32_t pc = stack.back();
      stack.pop_back();
      if (!set.insert(pc)) continue;
      const Inst& in = prog_[pc];
      switch (in.op) {
        case Inst::Op::kMatch:
          stack.clear();
          return true;
        case Inst::Op::kJump:
          stack.push_back(pc + in.x);
          break;
        case Inst::Op::kSplit:
          stack.push_back(pc + in.y);
          stack.push_back(pc + in.x);
          break;
        case Inst::Op::kAssert:
          if (assertion_holds(in.assertion, text, pos)) stack.push_back(pc + 1);
          break;
        default:
          break;
      }
    }
    return false;
  };

  if (add(current, 0, 0)) return true;
  for (size_t pos = 0; pos < text.size() && current.size() > 0; ++pos) {
    if (!budget.spend(current.size())) return budget.error();
    char32_t c = text[pos];
    next.clear();
    for (size_t k = 0; k < current.size(); ++k) {
      uint32_t pc = current[k];
      const Inst& in = prog_[pc];
      bool ok = false;
      switch (in.op) {
        case Inst::Op::kChar:
          ok = c == in.c || (in.icase && (regex_lower(c) == regex_lower(in.c) ||
                                          regex_upper(c) == regex_upper(in.c)));
          break;
        case Inst::Op::kAny:
          ok = c != '\n';
          break;
        case Inst::Op::kAnyNewline:
          ok = true;
          break;
        case Inst::Op::kClass:
          ok = class_matches(classes_[in.cls], c, in.icase);
          break;
        default:
          break;
      }
      if (ok && add(next, pc + 1, pos + 1)) return true;
    }
    std::swap(current, next);
  }
  return false;
}

std::u32string fs_decode(std::string_view s) {
  // The one codec says what is well-formed; an ill-formed byte becomes
  // U+DC80..U+DCFF, as Python's surrogateescape (os.listdir) makes it.
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = utf8::decode(s, i, &cp);
    if (len == 0) {
      out.push_back(0xDC00 + static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace lyn
