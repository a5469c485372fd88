// String filters: python-liquid's, each converting its input with str().
#include <algorithm>

#include "assess/liquid/filter_util.h"
#include "assess/liquid/limits.h"
#include "assess/liquid/number.h"
#include "core/base64.h"
#include "core/case.h"
#include "core/html.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"

namespace lyn::liquid {

namespace {

// The size replace_all would build, so that a replacement that multiplies
// its input is refused before it is built.
uint64_t replaced_size(std::string_view s, std::string_view old, std::string_view rep,
                       size_t max_count) {
  uint64_t n = 0;
  if (old.empty()) {
    n = std::min<uint64_t>(utf8::length(s) + 1, max_count);
  } else {
    for (size_t pos = s.find(old); pos != std::string_view::npos && n < max_count;
         pos = s.find(old, pos + old.size()))
      ++n;
  }
  return s.size() + n * rep.size() - n * old.size();
}

std::string replace_all(std::string_view s, std::string_view old, std::string_view rep,
                        size_t max_count = std::string::npos) {
  if (rep.size() > old.size()) check_value_size(replaced_size(s, old, rep, max_count), "replace");
  std::string out;
  if (old.empty()) {  // Python inserts `rep` around every character
    auto cps = utf8::decode_all(s);
    size_t n = 0;
    for (size_t i = 0; i <= cps.size(); ++i) {
      if (n < max_count) {
        out += rep;
        ++n;
      }
      if (i < cps.size()) utf8::append(out, cps[i]);
    }
    return out;
  }
  size_t pos = 0, n = 0;
  while (n < max_count) {
    size_t f = s.find(old, pos);
    if (f == std::string_view::npos) break;
    out.append(s.substr(pos, f - pos));
    out.append(rep);
    pos = f + old.size();
    ++n;
  }
  out.append(s.substr(pos));
  return out;
}

// python-liquid's remove_last / replace_last: str.rpartition, and no change
// when nothing comes before the last occurrence.
std::string replace_last(std::string_view s, std::string_view old, std::string_view rep) {
  // rpartition("") raises: remove_last keeps the text, replace_last appends.
  if (old.empty()) return std::string(s) + std::string(rep);
  size_t f = s.rfind(old);
  if (f == std::string_view::npos || f == 0) return std::string(s);
  return std::string(s.substr(0, f)) + std::string(rep) + std::string(s.substr(f + old.size()));
}

enum class Side { kLeft, kRight, kBoth };

std::string py_strip(std::string_view s, Side side) {
  auto cps = utf8::decode_all(s);
  size_t b = 0, e = cps.size();
  if (side != Side::kRight)
    while (b < e && py_isspace(cps[b])) ++b;
  if (side != Side::kLeft)
    while (e > b && py_isspace(cps[e - 1])) --e;
  return utf8::encode(cps.substr(b, e - b));
}

// a + b, refused before it is built when too large (doubling a string in a
// loop must stop at the limit, not past it).
std::string concatenated(std::string a, const std::string& b, const char* filter) {
  check_value_size(a.size() + b.size(), filter);
  a += b;
  return a;
}

RValue f_append(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(concatenated(in_str(in), py_str(a[0]), "append"));
}
RValue f_prepend(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(concatenated(py_str(a[0]), in_str(in), "prepend"));
}
RValue f_capitalize(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_capitalize(in_str(in)));
}
RValue f_downcase(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_lower(in_str(in)));
}
RValue f_upcase(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_upper(in_str(in)));
}
RValue f_escape(const RValue& in, const Args&, const KwArgs&) {
  return RValue(html_escape(in_str(in)));
}
RValue f_escape_once(const RValue& in, const Args&, const KwArgs&) {
  return RValue(html_escape(html_unescape(in_str(in))));
}
RValue f_strip(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_strip(in_str(in), Side::kBoth));
}
RValue f_lstrip(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_strip(in_str(in), Side::kLeft));
}
RValue f_rstrip(const RValue& in, const Args&, const KwArgs&) {
  return RValue(py_strip(in_str(in), Side::kRight));
}
RValue f_newline_to_br(const RValue& in, const Args&, const KwArgs&) {
  std::string s = in_str(in), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (s[i] == '\n')
      out += "<br />\n";
    else
      out += s[i];
  }
  return RValue(out);
}
RValue f_strip_newlines(const RValue& in, const Args&, const KwArgs&) {
  std::string s = in_str(in), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (s[i] != '\n') out += s[i];
  }
  return RValue(out);
}
RValue f_strip_html(const RValue& in, const Args&, const KwArgs&) {
  return RValue(strip_html(in_str(in)));
}
RValue f_remove(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_all(in_str(in), py_str(a[0]), ""));
}
RValue f_remove_first(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_all(in_str(in), py_str(a[0]), "", 1));
}
RValue f_remove_last(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_last(in_str(in), py_str(a[0]), ""));
}
RValue f_replace(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_all(in_str(in), py_str(a[0]), py_str(arg(a, 1))));
}
RValue f_replace_first(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_all(in_str(in), py_str(a[0]), py_str(arg(a, 1)), 1));
}
RValue f_replace_last(const RValue& in, const Args& a, const KwArgs&) {
  return RValue(replace_last(in_str(in), py_str(a[0]), py_str(arg(a, 1))));
}

RValue f_split(const RValue& in, const Args& a, const KwArgs&) {
  std::string s = in_str(in);
  std::string sep = a[0].is_none() ? std::string() : py_str(a[0]);
  RList out;
  // python-liquid: an empty value, or one equal to the separator, is [].
  if (!sep.empty() && (s.empty() || s == sep)) return RValue(std::move(out));
  if (sep.empty()) {
    auto cps = utf8::decode_all(s);
    check_value_size(cps.size() * (sizeof(RValue) + 4), "split");
    for (char32_t c : cps) {
      std::string one;
      utf8::append(one, c);
      out.emplace_back(std::move(one));
    }
  } else if (sep == " ") {  // str.split(): runs of whitespace
    auto cps = utf8::decode_all(s);
    size_t i = 0;
    while (i < cps.size()) {
      while (i < cps.size() && py_isspace(cps[i])) ++i;
      size_t j = i;
      while (j < cps.size() && !py_isspace(cps[j])) ++j;
      if (j > i) out.emplace_back(utf8::encode(cps.substr(i, j - i)));
      if ((out.size() & 0xFFFF) == 0xFFFF) check_value_size(out.size() * sizeof(RValue), "split");
      i = j;
    }
  } else {
    size_t pos = 0;
    while (true) {
      if ((out.size() & 0xFFFF) == 0xFFFF) check_value_size(out.size() * sizeof(RValue), "split");
      size_t f = s.find(sep, pos);
      if (f == std::string::npos) {
        out.emplace_back(s.substr(pos));
        break;
      }
      out.emplace_back(s.substr(pos, f - pos));
      pos = f + sep.size();
    }
  }
  return RValue(std::move(out));
}

// int(v) of an int, a bool, a float (truncated) or an int string; anything
// else is an argument error.
int64_t int_arg_strict(const RValue& v, const char* name) {
  if (v.is_int()) return static_cast<int64_t>(v.as_int());
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_string()) {
    if (auto i = parse_py_int(v.str())) return static_cast<int64_t>(*i);
  }
  if (v.is_float()) return static_cast<int64_t>(v.as_float());
  throw FilterError{std::string(name) + ": expected an integer argument"};
}

// python-liquid's _slice_arg: as int_arg_strict, but a float is an error
// (the reference implementation casts none).
int64_t slice_arg(const RValue& v) {
  if (v.is_float()) throw FilterError{"slice expected an integer start, found float"};
  return int_arg_strict(v, "slice");
}

RValue f_slice(const RValue& in, const Args& a, const KwArgs&) {
  int64_t start = slice_arg(a[0]);
  int64_t length = a.size() > 1 && !a[1].is_undefined() ? slice_arg(a[1]) : 1;
  auto clamp = [](int64_t start, int64_t length, int64_t n, int64_t& b, int64_t& e) {
    int64_t stop = start + length;
    if (start < 0 && stop >= 0) stop = n;
    b = start < 0 ? std::max<int64_t>(0, n + start) : std::min(start, n);
    e = stop < 0 ? std::max<int64_t>(0, n + stop) : std::min(stop, n);
    if (e < b) e = b;
  };
  if (in.is_list()) {
    RList items = in.items();
    int64_t b, e;
    clamp(start, length, static_cast<int64_t>(items.size()), b, e);
    return RValue(RList(items.begin() + b, items.begin() + e));
  }
  // slice is no string filter: None is str(None), "None".
  auto cps = utf8::decode_all(in.is_nil() ? std::string("None") : in_str(in));
  int64_t b, e;
  clamp(start, length, static_cast<int64_t>(cps.size()), b, e);
  return RValue(utf8::encode(cps.substr(static_cast<size_t>(b), static_cast<size_t>(e - b))));
}

RValue f_truncate(const RValue& in, const Args& a, const KwArgs&) {
  auto cps = utf8::decode_all(in_str(in));
  int64_t length = a.empty() ? 50 : int_arg_strict(a[0], "truncate");
  std::string end = a.size() > 1 ? py_str(a[1]) : "...";
  int64_t n = static_cast<int64_t>(cps.size());
  if (n < length) return RValue(utf8::encode(cps));
  int64_t stop = length - static_cast<int64_t>(utf8::length(end));
  if (stop < 0) stop = std::max<int64_t>(0, n + stop);
  return RValue(utf8::encode(cps.substr(0, static_cast<size_t>(std::min(stop, n)))) + end);
}

RValue f_truncatewords(const RValue& in, const Args& a, const KwArgs&) {
  auto cps = utf8::decode_all(in_str(in));
  int64_t n = a.empty() ? 15 : int_arg_strict(a[0], "truncatewords");
  std::string end = a.size() > 1 ? py_str(a[1]) : "...";
  if (n <= 0) n = 1;
  std::vector<std::string> words;
  size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && py_isspace(cps[i])) ++i;
    size_t j = i;
    while (j < cps.size() && !py_isspace(cps[j])) ++j;
    if (j > i) words.push_back(utf8::encode(cps.substr(i, j - i)));
    i = j;
  }
  std::string out;
  size_t take = std::min(words.size(), static_cast<size_t>(n));
  for (size_t k = 0; k < take; ++k) {
    if (k) out += ' ';
    out += words[k];
  }
  // python-liquid appends `end` unless there are fewer words than asked.
  if (words.size() >= static_cast<size_t>(n)) out += end;
  return RValue(out);
}

RValue f_url_encode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(url_quote_plus(in_str(in)));
}
RValue f_url_decode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(url_unquote_plus(in_str(in)));
}

// base64.b64decode (binascii.a2b_base64, not strict) through core/base64,
// then .decode() of the bytes, which LAX mode does not swallow.
std::string b64_decode(std::string_view s, bool url_safe) {
  // A str must be ASCII before decoding (base64's ValueError, not caught).
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80)
      throw FatalError{"ValueError", "string argument should contain only ASCII characters"};
  std::string text(s);
  if (url_safe)
    for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  auto bytes = base64_decode_lenient(text);
  if (!bytes.ok()) throw FilterError{bytes.error().message};
  if (!utf8::is_valid(*bytes))
    throw FatalError{"UnicodeDecodeError", "'utf-8' codec can't decode the decoded bytes"};
  return std::move(bytes).value();
}

RValue f_b64_encode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(base64_encode(in_str(in), false));
}
RValue f_b64_decode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(b64_decode(in_str(in), false));
}
RValue f_b64u_encode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(base64_encode(in_str(in), true));
}
RValue f_b64u_decode(const RValue& in, const Args&, const KwArgs&) {
  return RValue(b64_decode(in_str(in), true));
}

// squish: strip, then every run of whitespace as one space.
RValue f_squish(const RValue& in, const Args&, const KwArgs&) {
  auto cps = utf8::decode_all(py_strip(in_str(in), Side::kBoth));
  std::string out;
  bool space = false;
  for (char32_t c : cps) {
    if (py_isspace(c)) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    utf8::append(out, c);
  }
  return RValue(out);
}

}  // namespace

const std::vector<FilterDef>& string_filters() {
  static const std::vector<FilterDef> defs = {
      {"append", f_append, 1, 1},
      {"prepend", f_prepend, 1, 1},
      {"capitalize", f_capitalize, 0, 0},
      {"downcase", f_downcase, 0, 0},
      {"upcase", f_upcase, 0, 0},
      {"escape", f_escape, 0, 0},
      {"escape_once", f_escape_once, 0, 0},
      {"strip", f_strip, 0, 0},
      {"lstrip", f_lstrip, 0, 0},
      {"rstrip", f_rstrip, 0, 0},
      {"newline_to_br", f_newline_to_br, 0, 0},
      {"strip_newlines", f_strip_newlines, 0, 0},
      {"strip_html", f_strip_html, 0, 0},
      {"remove", f_remove, 1, 1},
      {"remove_first", f_remove_first, 1, 1},
      {"remove_last", f_remove_last, 1, 1},
      {"replace", f_replace, 1, 2},
      {"replace_first", f_replace_first, 1, 2},
      {"replace_last", f_replace_last, 1, 2},
      {"split", f_split, 1, 1},
      {"slice", f_slice, 1, 2},
      {"truncate", f_truncate, 0, 2},
      {"truncatewords", f_truncatewords, 0, 2},
      {"url_encode", f_url_encode, 0, 0},
      {"url_decode", f_url_decode, 0, 0},
      {"base64_encode", f_b64_encode, 0, 0},
      {"base64_decode", f_b64_decode, 0, 0},
      {"base64_url_safe_encode", f_b64u_encode, 0, 0},
      {"base64_url_safe_decode", f_b64u_decode, 0, 0},
      {"squish", f_squish, 0, 0},
  };
  return defs;
}

}  // namespace lyn::liquid
