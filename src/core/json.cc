// Over 500 lines: the parser and writer of the one format in one file, each half of it.
#include "core/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/float_chars.h"
#include "core/text.h"
#include "core/utf8.h"

namespace lyn {

namespace {

class Parser {
 public:
  Parser(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  Result<Value> parse_document() {
    skip_ws();
    Value v;
    if (!parse_value(v, 0)) return error_;
    skip_ws();
    if (pos_ != s_.size()) return fail("Extra data", pos_);
    return v;
  }

 private:
  Error fail(const char* what, size_t at) {
    size_t line = 1;
    size_t last_nl = std::string_view::npos;
    for (size_t i = 0; i < at && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        last_nl = i;
      }
    }
    size_t col = last_nl == std::string_view::npos ? at + 1 : at - last_nl;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s: line %zu column %zu (char %zu)", what, line, col, at);
    error_ = Error{"JSONDecodeError", buf, 400};
    failed_ = true;
    return error_;
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool match(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) == lit) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }

  bool parse_value(Value& out, int depth) {
    if (depth > max_depth_) {
      fail("Maximum nesting depth exceeded", pos_);
      error_.type = "RecursionError";
      error_.message = "JSON nesting deeper than the limit of " + std::to_string(max_depth_) +
                       " levels (json max_depth)";
      return false;
    }
    if (pos_ >= s_.size()) {
      fail("Expecting value", pos_);
      return false;
    }
    char c = s_[pos_];
    switch (c) {
      case '{':
        return parse_object(out, depth);
      case '[':
        return parse_array(out, depth);
      case '"': {
        std::string str;
        if (!parse_string(str)) return false;
        out = Value(std::move(str));
        return true;
      }
      case 'n':
        if (match("null")) {
          out = Value();
          return true;
        }
        break;
      case 't':
        if (match("true")) {
          out = Value(true);
          return true;
        }
        break;
      case 'f':
        if (match("false")) {
          out = Value(false);
          return true;
        }
        break;
      case 'N':
        if (match("NaN")) {
          out = Value::nan();
          return true;
        }
        break;
      case 'I':
        if (match("Infinity")) {
          out = Value(std::numeric_limits<double>::infinity());
          return true;
        }
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
    }
    fail("Expecting value", pos_);
    return false;
  }

  bool parse_number(Value& out) {
    size_t start = pos_;
    if (s_[pos_] == '-') {
      ++pos_;
      if (match("Infinity")) {
        out = Value(-std::numeric_limits<double>::infinity());
        return true;
      }
    }
    if (pos_ >= s_.size() || !(s_[pos_] >= '0' && s_[pos_] <= '9')) {
      fail("Expecting value", start);
      return false;
    }
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    bool is_float = false;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9') {
      is_float = true;
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t save = pos_;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        is_float = true;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      } else {
        pos_ = save;
      }
    }
    std::string_view num = s_.substr(start, pos_ - start);
    if (is_float) {
      double d = 0;
      double_from_chars(num.data(), num.data() + num.size(), d);
      out = Value(d);
    } else {
      int64_t i = 0;
      auto r = std::from_chars(num.data(), num.data() + num.size(), i);
      if (r.ec == std::errc()) {
        out = Value(i);
      } else {
        out = Value(BigInt{std::string(num)});
      }
    }
    return true;
  }

  bool parse_hex4(size_t at, uint32_t* cp) {
    if (at + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (size_t i = at; i < at + 4; ++i) {
      char c = s_[i];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return false;
    }
    *cp = v;
    return true;
  }

  bool parse_string(std::string& out) {
    size_t start = pos_;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) {
        fail("Unterminated string starting at", start);
        return false;
      }
      // Fast path: copy runs of plain characters.
      size_t run = pos_;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\' &&
             static_cast<unsigned char>(s_[run]) >= 0x20)
        ++run;
      out.append(s_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ >= s_.size()) continue;
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        fail("Invalid control character at", pos_);
        return false;
      }
      if (pos_ + 1 >= s_.size()) {
        fail("Unterminated string starting at", start);
        return false;
      }
      char e = s_[pos_ + 1];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!parse_hex4(pos_ + 2, &cp)) {
            fail("Invalid \\uXXXX escape", pos_);
            return false;
          }
          pos_ += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 7 < s_.size() && s_[pos_ + 2] == '\\' &&
              s_[pos_ + 3] == 'u') {
            uint32_t lo;
            if (parse_hex4(pos_ + 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              pos_ += 6;
            }
          }
          utf8::append(out, cp);
          break;
        }
        default:
          fail("Invalid \\escape", pos_);
          return false;
      }
      pos_ += 2;
    }
  }

  bool parse_array(Value& out, int depth) {
    ++pos_;
    List list;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      out = Value(std::move(list));
      return true;
    }
    while (true) {
      skip_ws();
      Value item;
      if (!parse_value(item, depth + 1)) return false;
      list.push_back(std::move(item));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        out = Value(std::move(list));
        return true;
      }
      fail("Expecting ',' delimiter", pos_);
      return false;
    }
  }

  bool parse_object(Value& out, int depth) {
    ++pos_;
    MapBuilder map;  // linear in the number of keys, repeated ones included
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out = Value(std::move(map).finish());
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        fail("Expecting property name enclosed in double quotes", pos_);
        return false;
      }
      std::string key;
      if (!parse_string(key)) return false;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') {
        fail("Expecting ':' delimiter", pos_);
        return false;
      }
      ++pos_;
      skip_ws();
      Value item;
      if (!parse_value(item, depth + 1)) return false;
      map.assign(std::move(key), std::move(item));  // a repeated key keeps the last value
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') {
          fail("Expecting property name enclosed in double quotes", pos_);
          return false;
        }
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        out = Value(std::move(map).finish());
        return true;
      }
      fail("Expecting ',' delimiter", pos_);
      return false;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  int max_depth_;
  Error error_;
  bool failed_ = false;
};

}  // namespace

Result<Value> parse_json(std::string_view text, int max_depth, size_t max_bytes) {
  if (text.size() > max_bytes)
    return Error{"ValueError",
                 "JSON document of " + std::to_string(text.size()) +
                     " bytes exceeds the limit of " + std::to_string(max_bytes) +
                     " bytes (json max_bytes)",
                 413};
  return Parser(text, max_depth).parse_document();
}

namespace {

// Where escaped text goes: a std::string, or raw memory known to be large
// enough (json_string_bound).
struct StringOut {
  std::string& s;
  void put(char c) { s += c; }
  void append(const char* p, size_t n) { s.append(p, n); }
};
struct RawOut {
  char* p;
  void put(char c) { *p++ = c; }
  void append(const char* q, size_t n) {
    std::memcpy(p, q, n);
    p += n;
  }
};

// Bytes that end a run copied as is: controls, '"', '\\' and non-ASCII,
// and DEL when json.dumps escapes it (ensure_ascii). json.dumps copies ' '
// to '~' as they are.
constexpr std::array<bool, 256> escapes_table(bool ensure_ascii) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || (ensure_ascii && c == 0x7F);
  return t;
}
constexpr auto kEscapesAscii = escapes_table(true), kEscapesUtf8 = escapes_table(false);

template <typename Out>
void escape_json_string(Out& out, std::string_view s, bool ensure_ascii) {
  static const char* hex = "0123456789abcdef";
  const auto& escapes = ensure_ascii ? kEscapesAscii : kEscapesUtf8;
  out.put('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (!escapes[c]) {
      size_t j = i;
#if defined(__SSE2__)
      // Sixteen bytes at a time while none needs escaping (a signed compare
      // flags control bytes and non-ASCII alike; DEL is looked for only
      // when it is escaped).
      const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                    backslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(ensure_ascii ? 0x7F : '"');
      while (j + 16 <= s.size()) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + j));
        int m = _mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, space), _mm_cmpeq_epi8(x, del)),
                         _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash))));
        if (m) {
          j += static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
          break;
        }
        j += 16;
      }
#endif
      while (j < s.size() && !escapes[static_cast<unsigned char>(s[j])]) ++j;
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"", 2);
        ++i;
        continue;
      case '\\':
        out.append("\\\\", 2);
        ++i;
        continue;
      case '\n':
        out.append("\\n", 2);
        ++i;
        continue;
      case '\r':
        out.append("\\r", 2);
        ++i;
        continue;
      case '\t':
        out.append("\\t", 2);
        ++i;
        continue;
      case '\b':
        out.append("\\b", 2);
        ++i;
        continue;
      case '\f':
        out.append("\\f", 2);
        ++i;
        continue;
      default:
        break;
    }
    auto emit_u = [&](uint32_t u) {
      const char e[6] = {
          '\\', 'u', hex[(u >> 12) & 0xF], hex[(u >> 8) & 0xF], hex[(u >> 4) & 0xF], hex[u & 0xF]};
      out.append(e, 6);
    };
    if (c < 0x20 || c == 0x7F) {
      emit_u(c);
      ++i;
      continue;
    }
    // Non-ASCII: decode one UTF-8 sequence.
    char32_t cp = 0;
    size_t n = utf8::decode(s, i, &cp);
    if (n == 0) {
      // Invalid UTF-8 must not produce invalid JSON: U+FFFD in its place.
      if (ensure_ascii)
        emit_u(0xFFFD);
      else
        out.append("\xEF\xBF\xBD", 3);
      ++i;
      continue;
    }
    if (!ensure_ascii) {
      out.append(s.data() + i, n);
    } else if (cp >= 0x10000) {
      cp -= 0x10000;
      emit_u(0xD800 + (cp >> 10));
      emit_u(0xDC00 + (cp & 0x3FF));
    } else {
      emit_u(cp);
    }
    i += n;
  }
  out.put('"');
}

}  // namespace

void append_json_string(std::string& out, std::string_view s, bool ensure_ascii) {
  StringOut o{out};
  escape_json_string(o, s, ensure_ascii);
}

char* write_json_string(char* p, std::string_view s, bool ensure_ascii) {
  RawOut o{p};
  escape_json_string(o, s, ensure_ascii);
  return o.p;
}

std::string json_key(const Value& k) {
  switch (k.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return k.as_bool() ? "true" : "false";
    case Value::Kind::kFloat: {
      double d = k.as_float();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return py_float_repr(d);
    }
    case Value::Kind::kDate:
      return iso_date(k.as_date());
    case Value::Kind::kDateTime:
      return iso_datetime(k.as_datetime());
    default:
      return py_str(k);
  }
}

namespace {

// `depth`: the nesting level of `v` (for indentation).
void append_value(std::string& out, const Value& v, const JsonWriteOptions& o, int depth) {
  const bool indented = o.indent >= 0;
  const char* item_sep = o.compact || indented ? "," : ", ";
  const char* key_sep = o.compact ? ":" : ": ";
  // Before an item of a container at `depth`, and before its closing bracket.
  auto newline = [&](int level) {
    if (!indented) return;
    out += '\n';
    out.append(static_cast<size_t>(o.indent) * static_cast<size_t>(level), ' ');
  };
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Value::Kind::kBigInt:
      out += v.as_bigint().digits;
      return;
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (!std::isfinite(d))
        out += "null";
      else
        append_py_float_repr(out, d);
      return;
    }
    case Value::Kind::kString:
      append_json_string(out, v.as_string(), o.ensure_ascii);
      return;
    case Value::Kind::kDate:
      append_json_string(out, iso_date(v.as_date()), o.ensure_ascii);
      return;
    case Value::Kind::kDateTime:
      append_json_string(out, iso_datetime(v.as_datetime()), o.ensure_ascii);
      return;
    case Value::Kind::kBytes:  // json.dumps cannot; str() as mdfield prints it
      append_json_string(out, py_bytes_repr(v.as_bytes().data), o.ensure_ascii);
      return;
    case Value::Kind::kList:
    case Value::Kind::kTuple:
    case Value::Kind::kSet: {  // json.dumps writes a tuple as a list (a set it cannot)
      const List& items = v.is_list()                       ? v.as_list()
                          : v.kind() == Value::Kind::kTuple ? v.as_tuple().items
                                                            : v.as_set().items;
      out += '[';
      bool first = true;
      for (const auto& item : items) {
        if (!first) out += item_sep;
        first = false;
        newline(depth + 1);
        append_value(out, item, o, depth + 1);
      }
      if (!first) newline(depth);
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += item_sep;
        first = false;
        newline(depth + 1);
        append_json_string(out,
                           k.typed() ? json_key(*k.typed()) : static_cast<const std::string&>(k),
                           o.ensure_ascii);
        out += key_sep;
        append_value(out, item, o, depth + 1);
      }
      if (!first) newline(depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

void append_json(std::string& out, const Value& v, JsonWriteOptions o) {
  append_value(out, v, o, 0);
}

std::string to_json(const Value& v, JsonWriteOptions options) {
  std::string out;
  append_json(out, v, options);
  return out;
}

}  // namespace lyn
