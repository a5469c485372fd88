#include "core/html.h"

#include <cctype>
#include <cstdlib>

#include "core/case.h"
#include "core/utf8.h"

namespace lyn {

namespace {

struct Entity {
  const char* name;
  char32_t cp;
};

// The named references most often met in text; html.unescape knows all of
// HTML5's, these cover Latin-1, typography and common symbols.
constexpr Entity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},     {"iexcl", 0xA1},    {"cent", 0xA2},
    {"pound", 0xA3},    {"curren", 0xA4},   {"yen", 0xA5},      {"brvbar", 0xA6},
    {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},     {"ordf", 0xAA},
    {"laquo", 0xAB},    {"not", 0xAC},      {"shy", 0xAD},      {"reg", 0xAE},
    {"macr", 0xAF},     {"deg", 0xB0},      {"plusmn", 0xB1},   {"sup2", 0xB2},
    {"sup3", 0xB3},     {"acute", 0xB4},    {"micro", 0xB5},    {"para", 0xB6},
    {"middot", 0xB7},   {"cedil", 0xB8},    {"sup1", 0xB9},     {"ordm", 0xBA},
    {"raquo", 0xBB},    {"frac14", 0xBC},   {"frac12", 0xBD},   {"frac34", 0xBE},
    {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},   {"Acirc", 0xC2},
    {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Aring", 0xC5},    {"AElig", 0xC6},
    {"Ccedil", 0xC7},   {"Egrave", 0xC8},   {"Eacute", 0xC9},   {"Ecirc", 0xCA},
    {"Euml", 0xCB},     {"Igrave", 0xCC},   {"Iacute", 0xCD},   {"Icirc", 0xCE},
    {"Iuml", 0xCF},     {"ETH", 0xD0},      {"Ntilde", 0xD1},   {"Ograve", 0xD2},
    {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},
    {"times", 0xD7},    {"Oslash", 0xD8},   {"Ugrave", 0xD9},   {"Uacute", 0xDA},
    {"Ucirc", 0xDB},    {"Uuml", 0xDC},     {"Yacute", 0xDD},   {"THORN", 0xDE},
    {"szlig", 0xDF},    {"agrave", 0xE0},   {"aacute", 0xE1},   {"acirc", 0xE2},
    {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},    {"aelig", 0xE6},
    {"ccedil", 0xE7},   {"egrave", 0xE8},   {"eacute", 0xE9},   {"ecirc", 0xEA},
    {"euml", 0xEB},     {"igrave", 0xEC},   {"iacute", 0xED},   {"icirc", 0xEE},
    {"iuml", 0xEF},     {"eth", 0xF0},      {"ntilde", 0xF1},   {"ograve", 0xF2},
    {"oacute", 0xF3},   {"ocirc", 0xF4},    {"otilde", 0xF5},   {"ouml", 0xF6},
    {"divide", 0xF7},   {"oslash", 0xF8},   {"ugrave", 0xF9},   {"uacute", 0xFA},
    {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},   {"thorn", 0xFE},
    {"yuml", 0xFF},     {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},
    {"hellip", 0x2026}, {"permil", 0x2030}, {"prime", 0x2032},  {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"euro", 0x20AC},   {"trade", 0x2122},  {"larr", 0x2190},
    {"uarr", 0x2191},   {"rarr", 0x2192},   {"darr", 0x2193},   {"harr", 0x2194},
    {"ne", 0x2260},     {"le", 0x2264},     {"ge", 0x2265},     {"infin", 0x221E},
    {"minus", 0x2212},  {"alpha", 0x3B1},   {"beta", 0x3B2},    {"gamma", 0x3B3},
    {"delta", 0x3B4},   {"pi", 0x3C0},      {"sigma", 0x3C3},   {"mu", 0x3BC},
    {"lambda", 0x3BB},  {"theta", 0x3B8},   {"omega", 0x3C9},   {"epsilon", 0x3B5},
    {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},
    {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},    {"tilde", 0x2DC},
    {"ensp", 0x2002},   {"emsp", 0x2003},   {"thinsp", 0x2009}, {"zwnj", 0x200C},
    {"zwj", 0x200D},    {"lrm", 0x200E},    {"rlm", 0x200F},
};

// Entities python recognises even without the trailing ';' (HTML5 legacy).
bool legacy_without_semicolon(std::string_view name) {
  static constexpr const char* kLegacy[] = {"amp", "lt", "gt", "quot", "nbsp", "copy", "reg"};
  for (const char* l : kLegacy)
    if (name == l) return true;
  return false;
}

}  // namespace

void append_html_escaped(std::string& out, std::string_view s, bool quote, bool apostrophe) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        if (quote)
          out += "&quot;";
        else
          out += c;
        break;
      case '\'':
        if (apostrophe)
          out += "&#x27;";
        else
          out += c;
        break;
      default:
        out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_html_escaped(out, s, true, true);
  return out;
}

std::string html_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    // Numeric reference.
    if (i + 2 < s.size() && s[i + 1] == '#') {
      size_t j = i + 2;
      bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
      if (hex) ++j;
      size_t start = j;
      while (j < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[j]))
                                  : std::isdigit(static_cast<unsigned char>(s[j]))))
        ++j;
      if (j > start) {
        unsigned long cp =
            std::strtoul(std::string(s.substr(start, j - start)).c_str(), nullptr, hex ? 16 : 10);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
        utf8::append(out, static_cast<char32_t>(cp));
        if (j < s.size() && s[j] == ';') ++j;
        i = j;
        continue;
      }
    }
    size_t j = i + 1;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    std::string_view name = s.substr(i + 1, j - i - 1);
    bool semi = j < s.size() && s[j] == ';';
    bool done = false;
    if (!name.empty() && (semi || legacy_without_semicolon(name))) {
      for (const Entity& e : kEntities) {
        if (name == e.name) {
          utf8::append(out, e.cp);
          i = j + (semi ? 1 : 0);
          done = true;
          break;
        }
      }
    }
    if (!done) out += s[i++];
  }
  return out;
}

namespace {

bool ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_alnum(char c) {
  return ascii_alpha(c) || (c >= '0' && c <= '9');
}

}  // namespace

size_t html_start_tag_end(std::string_view s, size_t i) {
  for (size_t k = i + 1; k < s.size(); ++k) {
    if (s[k] == '>') return k + 1;
    if (s[k] == '=') {
      size_t q = k + 1;
      while (q < s.size() && (s[q] == ' ' || s[q] == '\t' || s[q] == '\n' || s[q] == '\r')) ++q;
      if (q < s.size() && (s[q] == '"' || s[q] == '\'')) {
        size_t close = s.find(s[q], q + 1);
        if (close == std::string_view::npos) return std::string_view::npos;
        k = close;
      }
    }
  }
  return std::string_view::npos;
}

size_t html_reference_end(std::string_view s, size_t i, bool& numeric) {
  size_t j = i + 1;
  numeric = j < s.size() && s[j] == '#';
  if (numeric) {
    size_t k = j + 1;
    bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
    if (hex) ++k;
    size_t d = k;
    while (d < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[d]))
                                : std::isdigit(static_cast<unsigned char>(s[d]))))
      ++d;
    if (d == k || d >= s.size() || std::isxdigit(static_cast<unsigned char>(s[d])))
      return std::string_view::npos;
    return d;
  }
  if (j >= s.size() || !ascii_alpha(s[j])) return std::string_view::npos;
  size_t d = j;
  while (d < s.size() && (ascii_alnum(s[d]) || s[d] == '-' || s[d] == '.')) ++d;
  return d < s.size() ? d : std::string_view::npos;
}

// python-liquid's strip_tags: html.parser's tokens (convert_charrefs off),
// keeping data, entity and character references (written back with their
// ';'), and dropping tags, comments, declarations and processing
// instructions, and whatever is inside <script> and <style>. A '<' that
// starts none of these is text. Untouched unless the text holds both '<'
// and '>'.
std::string strip_html(std::string_view s) {
  if (s.find('<') == std::string_view::npos || s.find('>') == std::string_view::npos)
    return std::string(s);
  std::string out;
  int script = 0, style = 0;
  auto data = [&](std::string_view d) {
    if (!script && !style) out.append(d);
  };
  auto tag_name = [&](size_t from) {
    size_t e = from;
    while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e])) && s[e] != '/' &&
           s[e] != '>')
      ++e;
    return ascii_lower(std::string(s.substr(from, e - from)));
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '&') {
      // A reference is written back with its ';'.
      bool num;
      size_t d = html_reference_end(s, i, num);
      if (d == std::string_view::npos) {
        data("&");
        ++i;
        continue;
      }
      data(s.substr(i, d - i));
      data(";");
      i = s[d] == ';' ? d + 1 : d;
      continue;
    }
    if (c != '<') {
      size_t j = s.find_first_of("<&", i);
      if (j == std::string_view::npos) j = s.size();
      data(s.substr(i, j - i));
      i = j;
      continue;
    }
    std::string_view rest = s.substr(i);
    size_t end = std::string_view::npos;
    if (rest.size() > 1 && ascii_alpha(rest[1])) {  // a start tag
      end = html_start_tag_end(s, i);
      if (end != std::string_view::npos) {
        std::string name = tag_name(i + 1);
        bool self_closed = s.substr(i, end - i).ends_with("/>");
        if (!self_closed && (name == "script" || name == "style")) {
          ++(name == "script" ? script : style);
          // Their content is text up to their end tag (dropped here).
          std::string lower = ascii_lower(std::string(s.substr(end)));
          size_t close = lower.find("</" + name);
          if (close == std::string::npos) return out;
          i = end + close;
          continue;
        }
        i = end;
        continue;
      }
    } else if (rest.substr(0, 4) == "<!--") {
      size_t e = s.find("-->", i + 4);
      if (e != std::string_view::npos) end = e + 3;
    } else if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?' || rest[1] == '/')) {
      size_t gt = s.find('>', i + 2);
      if (gt != std::string_view::npos) {
        end = gt + 1;
        if (rest[1] == '/' && rest.size() > 2 && ascii_alpha(rest[2])) {
          std::string name = tag_name(i + 2);
          if (name == "script") --script;
          if (name == "style") --style;
        }
      }
    }
    if (end == std::string_view::npos) {  // no markup: the '<' is text
      data("<");
      ++i;
      continue;
    }
    i = end;
  }
  return out;
}

}  // namespace lyn
