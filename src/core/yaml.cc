#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

namespace lyn {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ---- integer helpers ----

// Decimal digits of an arbitrary-size non-negative integer given in `base`.
std::string big_to_decimal(std::string_view digits, int base) {
  std::string dec = "0";  // little-endian decimal digits
  for (char c : digits) {
    int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    int carry = d;
    for (auto& ch : dec) {
      int v = (ch - '0') * base + carry;
      ch = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    while (carry) {
      dec += static_cast<char>('0' + carry % 10);
      carry /= 10;
    }
  }
  while (dec.size() > 1 && dec.back() == '0') dec.pop_back();
  return std::string(dec.rbegin(), dec.rend());
}

Value make_int(bool negative, std::string_view digits, int base) {
  uint64_t v = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
    if (!negative && v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Value(static_cast<int64_t>(v));
    if (negative && v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1)
      return Value(static_cast<int64_t>(-static_cast<__int128>(v)));
  }
  std::string dec = big_to_decimal(digits, base);
  return Value(BigInt{(negative ? "-" : "") + dec});
}

std::string strip_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// ---- PyYAML implicit resolvers (YAML 1.1) ----

bool match_bool(std::string_view s, bool* out) {
  static const char* yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* y : yes)
    if (s == y) return *out = true, true;
  for (const char* n : no)
    if (s == n) return *out = false, true;
  return false;
}

// [-+]?
size_t skip_sign(std::string_view s, bool* negative) {
  *negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *negative = s[0] == '-';
    return 1;
  }
  return 0;
}

bool all_of(std::string_view s, const char* allowed) {
  for (char c : s)
    if (!std::strchr(allowed, c)) return false;
  return true;
}

// (?::[0-5]?[0-9])+ after a leading part; returns the groups.
bool match_base60_tail(std::string_view s, std::vector<std::string_view>* groups) {
  // s starts with ':'
  size_t i = 0;
  if (s.empty() || s[0] != ':') return false;
  while (i < s.size()) {
    if (s[i] != ':') return false;
    size_t j = i + 1;
    size_t k = j;
    while (k < s.size() && is_digit(s[k])) ++k;
    size_t n = k - j;
    if (n == 0 || n > 2) return false;
    if (n == 2 && s[j] > '5') return false;
    groups->push_back(s.substr(j, n));
    i = k;
  }
  return true;
}

bool resolve_int(std::string_view s, Value* out) {
  bool neg;
  size_t i = skip_sign(s, &neg);
  std::string_view body = s.substr(i);
  if (body.empty()) return false;
  if (body.size() > 2 && body[0] == '0' && body[1] == 'b') {
    std::string_view d = body.substr(2);
    if (d.empty() || !all_of(d, "01_")) return false;
    std::string clean = strip_underscores(d);
    if (clean.empty()) return false;
    *out = make_int(neg, clean, 2);
    return true;
  }
  if (body.size() > 2 && body[0] == '0' && body[1] == 'x') {
    std::string_view d = body.substr(2);
    if (d.empty() || !all_of(d, "0123456789abcdefABCDEF_")) return false;
    std::string clean = strip_underscores(d);
    if (clean.empty()) return false;
    *out = make_int(neg, clean, 16);
    return true;
  }
  if (body == "0") {
    *out = Value(int64_t{0});
    return true;
  }
  if (body[0] == '0') {
    std::string_view d = body.substr(1);
    if (d.empty() || !all_of(d, "01234567_")) return false;
    std::string clean = strip_underscores(d);
    if (clean.empty()) clean = "0";
    *out = make_int(neg, clean, 8);
    return true;
  }
  if (body[0] < '1' || body[0] > '9') return false;
  size_t k = 1;
  while (k < body.size() && (is_digit(body[k]) || body[k] == '_')) ++k;
  if (k == body.size()) {
    *out = make_int(neg, strip_underscores(body), 10);
    return true;
  }
  // base 60: [1-9][0-9_]*(:[0-5]?[0-9])+
  std::vector<std::string_view> groups;
  if (!match_base60_tail(body.substr(k), &groups)) return false;
  std::string head = strip_underscores(body.substr(0, k));
  __int128 v = 0;
  for (char c : head) v = v * 10 + (c - '0');
  for (auto g : groups) {
    int d = 0;
    for (char c : g) d = d * 10 + (c - '0');
    v = v * 60 + d;
  }
  if (neg) v = -v;
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min())
    return false;
  *out = Value(static_cast<int64_t>(v));
  return true;
}

double parse_double(std::string_view s) {
  double d = 0;
  std::string clean(s);
  std::from_chars(clean.data(), clean.data() + clean.size(), d);
  return d;
}

bool resolve_float(std::string_view s, Value* out) {
  // .nan variants (no sign)
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    *out = Value::nan();
    return true;
  }
  bool neg;
  size_t i = skip_sign(s, &neg);
  std::string_view body = s.substr(i);
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    *out = Value(neg ? -std::numeric_limits<double>::infinity()
                     : std::numeric_limits<double>::infinity());
    return true;
  }
  if (body.empty()) return false;
  if (body[0] == '.') {
    // \.[0-9][0-9_]*([eE][-+][0-9]+)?  -- only without a sign
    if (i != 0) return false;
    if (body.size() < 2 || !is_digit(body[1])) return false;
    size_t k = 2;
    while (k < body.size() && (is_digit(body[k]) || body[k] == '_')) ++k;
    std::string_view mant = body.substr(0, k);
    std::string_view rest = body.substr(k);
    if (!rest.empty()) {
      if (rest.size() < 3 || (rest[0] != 'e' && rest[0] != 'E') ||
          (rest[1] != '+' && rest[1] != '-') || !all_of(rest.substr(2), "0123456789"))
        return false;
    }
    std::string text = "0" + strip_underscores(mant) + std::string(rest);
    *out = Value(parse_double(text));
    return true;
  }
  if (!is_digit(body[0])) return false;
  size_t k = 1;
  while (k < body.size() && (is_digit(body[k]) || body[k] == '_')) ++k;
  if (k < body.size() && body[k] == '.') {
    // [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?
    size_t m = k + 1;
    while (m < body.size() && (is_digit(body[m]) || body[m] == '_')) ++m;
    std::string_view rest = body.substr(m);
    if (!rest.empty()) {
      if (rest.size() < 3 || (rest[0] != 'e' && rest[0] != 'E') ||
          (rest[1] != '+' && rest[1] != '-') || !all_of(rest.substr(2), "0123456789"))
        return false;
    }
    std::string text = strip_underscores(body.substr(0, m)) + std::string(rest);
    if (text.back() == '.') text += '0';
    double d = parse_double(text);
    *out = Value(neg ? -d : d);
    return true;
  }
  if (k < body.size() && body[k] == ':') {
    // [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
    size_t dot = body.rfind('.');
    if (dot == std::string_view::npos) return false;
    std::vector<std::string_view> groups;
    if (!match_base60_tail(body.substr(k, dot - k), &groups)) return false;
    std::string_view frac = body.substr(dot + 1);
    if (!all_of(frac, "0123456789_")) return false;
    // PyYAML: the last group carries the fraction.
    double v = 0;
    for (char c : strip_underscores(body.substr(0, k))) v = v * 10 + (c - '0');
    for (size_t g = 0; g < groups.size(); ++g) {
      double d = parse_double(g + 1 == groups.size()
                                  ? std::string(groups[g]) + "." + strip_underscores(frac) + "0"
                                  : std::string(groups[g]));
      v = v * 60 + d;
    }
    *out = Value(neg ? -v : v);
    return true;
  }
  return false;
}

bool read_digits(std::string_view s, size_t& i, size_t min, size_t max, int* out) {
  size_t start = i;
  int v = 0;
  while (i < s.size() && i - start < max && is_digit(s[i])) v = v * 10 + (s[i++] - '0');
  if (i - start < min) return false;
  *out = v;
  return true;
}

bool valid_date(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || y < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int dm = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= dm;
}

// Returns 1 on a match, 0 on no match, -1 on a match that PyYAML would
// fail to construct (an impossible date).
int resolve_timestamp(std::string_view s, Value* out) {
  size_t i = 0;
  int y, mo, d;
  if (!read_digits(s, i, 4, 4, &y) || i >= s.size() || s[i] != '-') return 0;
  ++i;
  size_t mstart = i;
  if (!read_digits(s, i, 1, 2, &mo) || i >= s.size() || s[i] != '-') return 0;
  size_t mlen = i - mstart;
  ++i;
  size_t dstart = i;
  if (!read_digits(s, i, 1, 2, &d)) return 0;
  size_t dlen = i - dstart;
  if (i == s.size()) {
    if (mlen != 2 || dlen != 2) return 0;
    if (!valid_date(y, mo, d)) return -1;
    *out = Value(Date{y, mo, d});
    return 1;
  }
  // separator: [Tt] or [ \t]+
  if (s[i] == 'T' || s[i] == 't') {
    ++i;
  } else if (s[i] == ' ' || s[i] == '\t') {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  } else {
    return 0;
  }
  int h, mi, sec;
  if (!read_digits(s, i, 1, 2, &h) || i >= s.size() || s[i] != ':') return 0;
  ++i;
  if (!read_digits(s, i, 2, 2, &mi) || i >= s.size() || s[i] != ':') return 0;
  ++i;
  if (!read_digits(s, i, 2, 2, &sec)) return 0;
  int micro = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t fs = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::string frac(s.substr(fs, i - fs));
    frac = frac.substr(0, 6);
    while (frac.size() < 6) frac += '0';
    micro = std::stoi(frac);
  }
  DateTime t{y, mo, d, h, mi, sec, micro, false, 0};
  size_t before_ws = i;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
      t.has_tz = true;
    } else if (s[i] == '+' || s[i] == '-') {
      bool neg = s[i] == '-';
      ++i;
      int th, tm = 0;
      if (!read_digits(s, i, 1, 2, &th)) return 0;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!read_digits(s, i, 2, 2, &tm)) return 0;
      }
      t.has_tz = true;
      t.tz_offset_seconds = (neg ? -1 : 1) * (th * 3600 + tm * 60);
    } else {
      return 0;
    }
  } else {
    i = before_ws;
  }
  if (i != s.size()) return 0;
  if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 59) return -1;
  *out = Value(t);
  return 1;
}

}  // namespace

Value resolve_plain_scalar(std::string_view s) {
  Value v;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  bool b;
  if (match_bool(s, &b)) return Value(b);
  char c = s[0];
  if (is_digit(c) || c == '-' || c == '+' || c == '.') {
    if (resolve_int(s, &v)) return v;
    if (resolve_float(s, &v)) return v;
    if (is_digit(c) && resolve_timestamp(s, &v) == 1) return v;
  }
  return Value(std::string(s));
}

namespace {

// True when a quoted scalar starting at `pos` closes before the end of the
// text. yaml-cpp accepts an unterminated quoted scalar at the end of the
// stream; PyYAML (and so lynguine) rejects it.
bool quoted_scalar_closes(std::string_view text, size_t pos) {
  if (pos >= text.size()) return true;
  char q = text[pos];
  if (q != '"' && q != '\'') return true;
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
        continue;
      }
      return true;
    }
  }
  return false;
}

struct Converter {
  std::string source;
  std::string error;
  std::string_view text;

  bool convert(const YAML::Node& node, Value* out, int depth) {
    if (depth > 256) {
      error = "YAML nesting too deep";
      return false;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        *out = Value();
        return true;
      case YAML::NodeType::Scalar:
        return convert_scalar(node, out);
      case YAML::NodeType::Sequence: {
        List list;
        list.reserve(node.size());
        for (const auto& item : node) {
          Value v;
          if (!convert(item, &v, depth + 1)) return false;
          list.push_back(std::move(v));
        }
        *out = Value(std::move(list));
        return true;
      }
      case YAML::NodeType::Map: {
        Map map;
        std::vector<const YAML::Node*> merges;
        for (auto it = node.begin(); it != node.end(); ++it) {
          // A copy: yaml-cpp's it-> yields a temporary, and a reference to
          // its `first` dangles (ASan: stack-use-after-scope).
          const YAML::Node k = it->first;
          if (k.IsScalar() && k.Tag() == "?" && k.Scalar() == "<<") {
            Value merged;
            if (!convert(it->second, &merged, depth + 1)) return false;
            // Merged keys come first; explicit keys override them.
            Map base;
            auto absorb = [&](const Value& m) {
              if (!m.is_map()) return;
              for (const auto& [mk, mv] : m.as_map())
                if (!base.contains(mk)) base.set(mk, mv);
            };
            if (merged.is_map()) {
              absorb(merged);
            } else if (merged.is_list()) {
              for (const auto& m : merged.as_list()) absorb(m);
            } else {
              error = "expected a mapping or list of mappings for merging";
              return false;
            }
            for (auto& [mk, mv] : map) base.set(mk, std::move(mv));
            map = std::move(base);
            continue;
          }
          std::string key;
          if (k.IsScalar()) {
            Value kv;
            if (!convert_scalar(k, &kv)) return false;
            key = py_str(kv);
          } else if (k.IsNull()) {
            key = "None";
          } else {
            error = "found unhashable key";
            return false;
          }
          Value v;
          if (!convert(it->second, &v, depth + 1)) return false;
          map.set(key, std::move(v));
        }
        *out = Value(std::move(map));
        return true;
      }
    }
    return true;
  }

  bool convert_scalar(const YAML::Node& node, Value* out) {
    const std::string& tag = node.Tag();
    if (tag == "!" && node.Mark().pos >= 0 &&
        !quoted_scalar_closes(this->text, static_cast<size_t>(node.Mark().pos))) {
      error = "while scanning a quoted scalar: found unexpected end of stream (line " +
              std::to_string(node.Mark().line + 1) + ")";
      return false;
    }
    const std::string& text = node.Scalar();
    if (tag == "?" || tag.empty()) {
      Value v;
      if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0])) &&
          resolve_timestamp(text, &v) == -1) {
        error = "invalid date or time " + py_string_repr(text);
        return false;
      }
      *out = resolve_plain_scalar(text);
      return true;
    }
    if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      *out = Value(text);
      return true;
    }
    if (tag == "tag:yaml.org,2002:int") {
      Value v;
      if (resolve_int(text, &v)) {
        *out = v;
        return true;
      }
    } else if (tag == "tag:yaml.org,2002:float") {
      Value v;
      if (resolve_float(text, &v)) {
        *out = v;
        return true;
      }
      if (resolve_int(text, &v)) {
        *out = Value(v.to_double());
        return true;
      }
    } else if (tag == "tag:yaml.org,2002:bool") {
      bool b;
      if (match_bool(text, &b)) {
        *out = Value(b);
        return true;
      }
    } else if (tag == "tag:yaml.org,2002:null") {
      *out = Value();
      return true;
    } else if (tag == "tag:yaml.org,2002:timestamp") {
      Value v;
      if (resolve_timestamp(text, &v) == 1) {
        *out = v;
        return true;
      }
    }
    error = "could not determine a constructor for the tag " + py_string_repr(tag) +
            " with value " + py_string_repr(text);
    return false;
  }
};

}  // namespace

// yaml-cpp 0.7 allocates without bound (bad_alloc after gigabytes) when a
// document's first token is ',' (found by fuzz/yaml_fuzz.cc; input ",a").
// PyYAML rejects such a document, so we answer its error before yaml-cpp
// sees the text. Returns the 1-based line/column of the ',' or {0, 0}.
static std::pair<size_t, size_t> leading_flow_entry(std::string_view text) {
  bool doc_start = true;
  size_t line = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view l = text.substr(pos, eol - pos);
    ++line;
    size_t i = l.find_first_not_of(" \t\r");
    if (l.substr(0, 3) == "---" &&
        (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r')) {
      // A new document (in any position of the stream).
      size_t j = l.find_first_not_of(" \t\r", 3);
      if (j != std::string_view::npos && l[j] == ',') return {line, j + 1};
      doc_start = j == std::string_view::npos || l[j] == '#';
    } else if (doc_start && i != std::string_view::npos && l[i] != '#' &&
               !(i == 0 && l[0] == '%')) {
      if (l[i] == ',') return {line, i + 1};
      doc_start = false;
    }
    if (eol == text.size()) break;
    pos = eol + 1;
  }
  return {0, 0};
}

Result<Value> parse_yaml(std::string_view text, std::string_view source_name) {
  if (auto [line, col] = leading_flow_entry(text); line != 0) {
    return Error{"YAMLError",
                 "while parsing a block node\nexpected the node content, but found ','\n  in \"" +
                     std::string(source_name) + "\", line " + std::to_string(line) +
                     ", column " + std::to_string(col),
                 400};
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg + "\n  in \"" + std::string(source_name) + "\", line " +
                      std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1);
    return Error{"YAMLError", msg, 400};
  } catch (const std::exception& e) {
    return Error{"YAMLError", std::string(e.what()) + " in \"" + std::string(source_name) + "\"",
                 400};
  }
  if (docs.empty()) return Value();
  if (docs.size() > 1) {
    return Error{"YAMLError",
                 "expected a single document in the stream\n  in \"" + std::string(source_name) +
                     "\"\nbut found another document",
                 400};
  }
  Converter conv{std::string(source_name), {}, text};
  Value out;
  try {
    if (!conv.convert(docs[0], &out, 0))
      return Error{"YAMLError", conv.error + " in \"" + std::string(source_name) + "\"", 400};
  } catch (const std::exception& e) {
    return Error{"YAMLError", std::string(e.what()) + " in \"" + std::string(source_name) + "\"",
                 400};
  }
  return out;
}

// ---- dumping ----

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  Value resolved = resolve_plain_scalar(s);
  if (!resolved.is_string()) return true;
  if (s == "=" || s == "<<") return true;
  unsigned char c0 = s[0];
  if (std::strchr("-?:,[]{}#&*!|>'\"%@`", c0) || c0 == ' ') {
    // "-x" and "?x" and ":x" are fine in block context only when followed by
    // a non-space; quote them all for simplicity.
    return true;
  }
  if (s.back() == ' ' || s.back() == '\t') return true;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x20 || c == 0x7F) return true;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

void dump_string(std::string& out, const std::string& s, int indent) {
  bool multiline = s.find('\n') != std::string::npos;
  if (multiline) {
    bool printable = true;
    for (unsigned char c : s)
      if ((c < 0x20 && c != '\n') || c == 0x7F) printable = false;
    bool leading_space = !s.empty() && (s[0] == ' ' || s[0] == '\t');
    bool trailing_ws_line = false;
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t e = s.find('\n', pos);
      if (e == std::string::npos) e = s.size();
      if (e > pos && (s[e - 1] == ' ' || s[e - 1] == '\t')) trailing_ws_line = true;
      pos = e + 1;
    }
    if (printable && !leading_space && !trailing_ws_line) {
      // Literal block; chomping indicator from the trailing newlines.
      size_t trailing = 0;
      while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
      out += '|';
      if (trailing == 0)
        out += '-';
      else if (trailing > 1)
        out += '+';
      out += '\n';
      std::string pad(indent + 2, ' ');
      std::string body = s.substr(0, s.size() - (trailing ? 1 : 0));
      size_t p = 0;
      while (p <= body.size()) {
        size_t e = body.find('\n', p);
        if (e == std::string::npos) e = body.size();
        std::string line = body.substr(p, e - p);
        if (!line.empty()) out += pad + line;
        out += '\n';
        p = e + 1;
      }
      out.pop_back();  // caller adds the newline
      return;
    }
  }
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  // Double-quoted with escapes.
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02X", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void dump_scalar(std::string& out, const Value& v, int indent) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.as_int());
      return;
    case Value::Kind::kBigInt:
      out += v.as_bigint().digits;
      return;
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) {
        out += ".nan";
      } else if (std::isinf(d)) {
        out += d > 0 ? ".inf" : "-.inf";
      } else {
        std::string r = py_float_repr(d);
        // PyYAML writes 1e+20 as 1.0e+20 so that it reads back as a float.
        if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) {
          r.insert(r.find('e'), ".0");
        }
        out += r;
      }
      return;
    }
    case Value::Kind::kString:
      dump_string(out, v.as_string(), indent);
      return;
    case Value::Kind::kDate:
      out += iso_date(v.as_date());
      return;
    case Value::Kind::kDateTime:
      out += iso_datetime(v.as_datetime(), ' ');
      return;
    default:
      return;
  }
}

void dump_node(std::string& out, const Value& v, int indent);

void dump_map(std::string& out, const Map& m, int indent) {
  std::string pad(indent, ' ');
  bool first = true;
  for (const auto& [k, item] : m) {
    if (!first) out += pad;
    first = false;
    dump_string(out, k, indent);
    out += ':';
    if (item.is_map() && !item.as_map().empty()) {
      out += '\n' + std::string(indent + 2, ' ');
      dump_map(out, item.as_map(), indent + 2);
    } else if (item.is_list() && !item.as_list().empty()) {
      out += '\n' + pad;
      dump_node(out, item, indent);
    } else {
      out += ' ';
      dump_node(out, item, indent);
      out += '\n';
    }
  }
}

void dump_list(std::string& out, const List& l, int indent) {
  std::string pad(indent, ' ');
  bool first = true;
  for (const auto& item : l) {
    if (!first) out += pad;
    first = false;
    out += "- ";
    if (item.is_map() && !item.as_map().empty()) {
      dump_map(out, item.as_map(), indent + 2);
    } else if (item.is_list() && !item.as_list().empty()) {
      dump_list(out, item.as_list(), indent + 2);
    } else {
      dump_node(out, item, indent + 2);
      out += '\n';
    }
  }
}

void dump_node(std::string& out, const Value& v, int indent) {
  if (v.is_map()) {
    if (v.as_map().empty()) {
      out += "{}";
      return;
    }
    dump_map(out, v.as_map(), indent);
    return;
  }
  if (v.is_list()) {
    if (v.as_list().empty()) {
      out += "[]";
      return;
    }
    dump_list(out, v.as_list(), indent);
    return;
  }
  dump_scalar(out, v, indent);
}

}  // namespace

std::string dump_yaml(const Value& v) {
  std::string out;
  dump_node(out, v, 0);
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

}  // namespace lyn
