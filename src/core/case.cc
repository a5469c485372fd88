#include "core/case.h"

#include <locale.h>
#include <wctype.h>

#include "core/utf8.h"

namespace lyn {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

size_t ascii_ifind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (ascii_iequals(hay.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

namespace {

// One code point at s[i], advancing i; an ill-formed byte is itself.
char32_t next_code_point(std::string_view s, size_t& i) {
  char32_t cp;
  size_t len = utf8::decode(s, i, &cp);
  if (len == 0) {
    cp = static_cast<unsigned char>(s[i]);
    len = 1;
  }
  i += len;
  return cp;
}

locale_t utf8_locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

char32_t to_upper(char32_t c) {
  if (c < 0x80) return static_cast<char32_t>(ascii_upper(static_cast<char>(c)));
  locale_t loc = utf8_locale();
  return loc ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), loc)) : c;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return static_cast<char32_t>(ascii_lower(static_cast<char>(c)));
  locale_t loc = utf8_locale();
  return loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), loc)) : c;
}

void append_upper(std::string& out, char32_t c) {
  switch (c) {  // the common full (multi-character) mappings
    case 0xDF:
      out += "SS";
      return;
    case 0xFB00:
      out += "FF";
      return;
    case 0xFB01:
      out += "FI";
      return;
    case 0xFB02:
      out += "FL";
      return;
    default:
      utf8::append(out, to_upper(c));
  }
}

void append_lower(std::string& out, char32_t c) {
  if (c == 0x130) {  // İ lowercases to i + combining dot
    out += "i\xCC\x87";
    return;
  }
  utf8::append(out, to_lower(c));
}

}  // namespace

std::string py_upper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) append_upper(out, next_code_point(s, i));
  return out;
}

std::string py_lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) append_lower(out, next_code_point(s, i));
  return out;
}

std::string py_capitalize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool first = true;
  for (size_t i = 0; i < s.size();) {
    char32_t c = next_code_point(s, i);
    if (first) {
      // Python uses the title case, which equals upper case for all but a
      // few digraphs.
      if (c == 0xDF)
        out += "Ss";
      else
        utf8::append(out, to_upper(c));
      first = false;
    } else {
      append_lower(out, c);
    }
  }
  return out;
}

}  // namespace lyn
