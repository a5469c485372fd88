// A recursive-descent reader of TOML producing what python's `toml` 0.10.2
// builds (see toml.h); the package's value quirks are kept where a header
// can meet them (its number checks, its date slicing, its time fractions).
#include "core/toml.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/py_number.h"
#include "core/utf8.h"

namespace lyn {

namespace {

// The package compares array elements by these kinds (a date and a
// datetime are both "date"; strings of any quoting are "str").
enum class Kind { kStr, kInt, kFloat, kBool, kDate, kTime, kArray, kTable };

struct Typed {
  Value value;
  Kind kind;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool valid_date(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// The package's _strictly_valid_num: where a leading zero or an underscore
// may stand in a number.
bool strictly_valid_num(std::string_view n) {
  while (!n.empty() && (n.front() == ' ' || n.front() == '\t')) n.remove_prefix(1);
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.remove_suffix(1);
  if (n.empty() || n.front() == '_' || n.back() == '_') return false;
  if (n.find("_.") != std::string_view::npos || n.find("._") != std::string_view::npos)
    return false;
  if (n.size() == 1) return true;
  if (n[0] == '0' && n[1] != '.' && n[1] != 'o' && n[1] != 'b' && n[1] != 'x') return false;
  if (n[0] == '+' || n[0] == '-') {
    n.remove_prefix(1);
    if (n.size() > 1 && n[0] == '0' && n[1] != '.') return false;
  }
  return n.find("__") == std::string_view::npos;
}

std::string path_key(const std::vector<std::string>& path) {
  std::string k;
  for (const auto& p : path) {
    k += p;
    k += '\x1f';
  }
  return k;
}

class Parser {
 public:
  Parser(std::string_view s, const TomlLimits& limits) : s_(s), limits_(limits) {}

  Result<Map> run() {
    while (true) {
      skip_blank_lines();
      if (i_ >= s_.size()) break;
      stmt_ = i_;
      Status st = s_[i_] == '[' ? table_header() : key_value_line();
      if (!st.ok()) return st.error();
    }
    return std::move(root_);
  }

 private:
  // The package names the start of the statement's line, or for a
  // statement it could not end (an open string, a key without a value) the
  // end of that line.
  Error fail(const std::string& msg) const { return fail_at(stmt_, msg); }
  Error fail_at_line_end(const std::string& msg, const std::string& at_eof) const {
    size_t e = s_.find('\n', stmt_);
    if (e == std::string_view::npos) return fail_at(s_.size(), at_eof);
    return fail_at(e, msg);
  }
  Error unbalanced_quotes() const {
    return fail_at_line_end("Unbalanced quotes", "Unterminated string found. Reached end of file.");
  }
  Error key_without_value() const {
    return fail_at_line_end("Key name found without value. Reached end of line.",
                            "Key name found without value. Reached end of file.");
  }
  Error fail_at(size_t pos, const std::string& msg) const {
    size_t line = 1;
    for (size_t k = 0; k < pos && k < s_.size(); ++k) line += s_[k] == '\n';
    size_t nl = pos == 0 ? std::string_view::npos : s_.rfind('\n', pos - 1);
    size_t col = nl == std::string_view::npos ? pos + 1 : pos - nl;
    // Python counts characters, not bytes.
    size_t chars = utf8::length(s_.substr(0, pos));
    col = utf8::length(s_.substr(pos + 1 - col, col - 1)) + 1;
    char where[96];
    std::snprintf(where, sizeof where, " (line %zu column %zu char %zu)", line, col, chars);
    return Error{"TomlDecodeError", msg + where, 400};
  }

  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool at(std::string_view t) const { return s_.substr(i_, t.size()) == t; }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void skip_comment() {
    if (at('#'))
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
  }
  void skip_blank_lines() {
    while (i_ < s_.size()) {
      skip_ws();
      skip_comment();
      if (at('\r')) ++i_;
      if (!at('\n')) return;
      ++i_;
    }
  }
  // Whitespace, comments and newlines (inside arrays).
  void skip_all() {
    while (i_ < s_.size()) {
      skip_ws();
      skip_comment();
      if (at('\n') || at('\r'))
        ++i_;
      else
        return;
    }
  }
  Status end_of_line() {
    skip_ws();
    skip_comment();
    if (at('\r')) ++i_;
    if (i_ >= s_.size()) return Ok{};
    if (!at('\n')) return fail("Found tokens after a closed string. Invalid TOML.");
    ++i_;
    return Ok{};
  }

  Result<std::string> key_part() {
    skip_ws();
    if (at('"')) return basic_string(false);
    if (at('\'')) return literal_string(false);
    size_t b = i_;
    while (i_ < s_.size() && is_bare_key_char(s_[i_])) ++i_;
    if (b == i_) {
      if (at('=')) return fail("Found empty keyname. ");
      return key_without_value();
    }
    return std::string(s_.substr(b, i_ - b));
  }

  Result<std::vector<std::string>> dotted_key() {
    std::vector<std::string> path;
    while (true) {
      auto part = key_part();
      if (!part.ok()) return part.error();
      path.push_back(std::move(*part));
      if (path.size() > limits_.max_depth) return fail("Key nested too deeply");
      skip_ws();
      if (!at('.')) return path;
      ++i_;
    }
  }

  // The table a path names, descending into the last table of an array of
  // tables; tables missing on the way are made. Null when a value that is
  // no table stands in the way.
  Map* descend(Map* m, const std::vector<std::string>& path, size_t n, bool mark_defined) {
    std::vector<std::string> so_far = current_;
    for (size_t k = 0; k < n; ++k) {
      so_far.push_back(path[k]);
      Value* v = m->find(path[k]);
      if (!v) {
        m->set(path[k], Value(Map{}));
        v = m->find(path[k]);
        if (mark_defined) defined_.insert(path_key(so_far));
      }
      if (v->is_list() && !v->as_list().empty() && v->as_list().back().is_map())
        v = &v->as_list().back();
      if (!v->is_map()) return nullptr;
      m = &v->as_map();
    }
    return m;
  }

  Status table_header() {
    ++i_;
    bool array = at('[');
    if (array) ++i_;
    auto path = dotted_key();
    if (!path.ok()) return path.error();
    skip_ws();
    if (!at(array ? "]]" : "]")) return fail("Key group not on a line by itself.");
    i_ += array ? 2 : 1;
    current_.clear();
    Map* parent = descend(&root_, *path, path->size() - 1, false);
    const std::string& last = path->back();
    if (!parent) return fail("What? " + last + " already exists?" + py_repr(Value(root_)));
    Value* v = parent->find(last);
    if (array) {
      if (!v) {
        parent->set(last, Value(List{Value(Map{})}));
      } else if (v->is_list() && (v->as_list().empty() || v->as_list().back().is_map())) {
        v->as_list().push_back(Value(Map{}));
      } else {
        return fail("What? " + last + " already exists?" + py_repr(Value(*parent)));
      }
    } else {
      std::string key = path_key(*path);
      if (!v) {
        parent->set(last, Value(Map{}));
      } else if (!v->is_map() || defined_.count(key)) {
        return fail("What? " + last + " already exists?" + py_repr(Value(*parent)));
      }
      defined_.insert(key);
    }
    current_ = std::move(*path);
    return end_of_line();
  }

  Status key_value_line() {
    auto path = dotted_key();
    if (!path.ok()) return path.error();
    skip_ws();
    if (!at('=')) return key_without_value();
    ++i_;
    skip_ws();
    auto value = parse_value(0);
    if (!value.ok()) return value.error();
    std::vector<std::string> table_path = std::move(current_);
    current_.clear();
    Map* table = descend(&root_, table_path, table_path.size(), false);
    current_ = std::move(table_path);
    // Tables a dotted key makes are defined (a later [header] of one fails).
    Map* target = table ? descend(table, *path, path->size() - 1, true) : nullptr;
    if (!target) return fail("What? " + path->back() + " already exists?" + py_repr(Value(root_)));
    if (target->find(path->back())) return fail("Duplicate keys!");
    target->set(path->back(), std::move(value->value));
    return end_of_line();
  }

  Result<Typed> parse_value(size_t depth) {
    if (depth > limits_.max_depth) return fail("Value nested too deeply");
    if (i_ >= s_.size() || at('\n') || at('\r') || at('#')) return fail("Empty value is invalid");
    if (at('"') || at('\'')) {
      auto s = at('"') ? basic_string(true) : literal_string(true);
      if (!s.ok()) return s.error();
      return Typed{Value(std::move(*s)), Kind::kStr};
    }
    if (at('[')) return array(depth);
    if (at('{')) return inline_table(depth);
    return scalar(depth == 0);
  }

  Result<Typed> array(size_t depth) {
    ++i_;
    List items;
    std::optional<Kind> kind;
    while (true) {
      skip_all();
      if (i_ >= s_.size()) return fail("Unbalanced brackets in array");
      if (at(']')) {
        ++i_;
        return Typed{Value(std::move(items)), Kind::kArray};
      }
      // The package splits an array at its commas and skips empty items:
      // [1,,2] is [1, 2].
      if (at(',')) {
        ++i_;
        continue;
      }
      auto v = parse_value(depth + 1);
      if (!v.ok()) return v.error();
      if (kind && *kind != v->kind) return fail("Not a homogeneous array");
      kind = v->kind;
      items.push_back(std::move(v->value));
      skip_all();
      if (at(',')) {
        ++i_;
      } else if (!at(']')) {
        return fail("Unbalanced brackets in array");
      }
    }
  }

  Result<Typed> inline_table(size_t depth) {
    ++i_;
    Map m;
    skip_ws();
    if (at('}')) {
      ++i_;
      return Typed{Value(std::move(m)), Kind::kTable};
    }
    while (true) {
      auto path = dotted_key();
      if (!path.ok()) return path.error();
      skip_ws();
      if (!at('=')) return fail("Invalid inline table encountered");
      ++i_;
      skip_ws();
      auto v = parse_value(depth + 1);
      if (!v.ok()) return v.error();
      Map* target = descend(&m, *path, path->size() - 1, false);
      if (!target) return fail("Invalid inline table encountered");
      if (target->find(path->back())) return fail("Duplicate keys!");
      target->set(path->back(), std::move(v->value));
      skip_ws();
      if (at('}')) {
        ++i_;
        return Typed{Value(std::move(m)), Kind::kTable};
      }
      if (!at(',')) return fail("Invalid inline table encountered");
      ++i_;
      skip_ws();
    }
  }

  Status unicode_escape(std::string& out, size_t digits) {
    if (i_ + digits > s_.size()) return fail("Invalid escape sequence");
    std::string hex(s_.substr(i_, digits));
    uint32_t cp = 0;
    for (char c : hex) {
      int d = is_digit(c)              ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return fail("Invalid escape sequence: " + hex);
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return fail("Invalid escape sequence: " + hex + ". Only scalar unicode points are allowed.");
    utf8::append(out, static_cast<char32_t>(cp));
    i_ += digits;
    return Ok{};
  }

  // A "..." or """...""" string (multi-line only where a value may stand).
  Result<std::string> basic_string(bool allow_multi) {
    bool multi = allow_multi && at("\"\"\"");
    i_ += multi ? 3 : 1;
    if (multi && at('\n')) ++i_;
    if (multi && at("\r\n")) i_ += 2;
    std::string out;
    while (true) {
      if (i_ >= s_.size()) return unbalanced_quotes();
      char c = s_[i_];
      if (multi ? at("\"\"\"") : c == '"') {
        i_ += multi ? 3 : 1;
        return out;
      }
      if (c == '\n' && !multi) return unbalanced_quotes();
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      ++i_;
      if (i_ >= s_.size()) return unbalanced_quotes();
      char e = s_[i_++];
      // The package's escapes: \b \t \n \f \r \0 \" \\ and \u, \U.
      static constexpr std::string_view kEscapes("btnfr0\"\\", 8);
      static constexpr std::string_view kMeanings("\b\t\n\f\r\0\"\\", 8);
      if (size_t k = kEscapes.find(e); k != std::string_view::npos) {
        out += kMeanings[k];
        continue;
      }
      switch (e) {
        case 'u':
        case 'U':
          if (auto st = unicode_escape(out, e == 'u' ? 4 : 8); !st.ok()) return st.error();
          break;
        default: {
          // A line-ending backslash in a multi-line string joins the lines.
          size_t k = i_ - 1;
          while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t' || s_[k] == '\r')) ++k;
          if (!multi || k >= s_.size() || s_[k] != '\n')
            return fail("Reserved escape sequence used");
          i_ = k;
          while (i_ < s_.size() &&
                 (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
        }
      }
    }
  }

  Result<std::string> literal_string(bool allow_multi) {
    bool multi = allow_multi && at("'''");
    i_ += multi ? 3 : 1;
    if (multi && at('\n')) ++i_;
    if (multi && at("\r\n")) i_ += 2;
    size_t b = i_;
    size_t e = multi ? s_.find("'''", i_) : s_.find('\'', i_);
    if (e == std::string_view::npos) return unbalanced_quotes();
    std::string_view body = s_.substr(b, e - b);
    if (!multi && body.find('\n') != std::string_view::npos) return unbalanced_quotes();
    i_ = e + (multi ? 3 : 1);
    return std::string(body);
  }

  // A bare value: a boolean, time, date, datetime or number.
  // A statement's bare value is the rest of its line (up to a comment), as
  // the package takes it: `a = 1 2` is int('1 2')'s error.
  Result<Typed> scalar(bool whole_line) {
    size_t b = i_;
    if (whole_line) {
      while (i_ < s_.size() && s_[i_] != '#' && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      while (i_ > b && (s_[i_ - 1] == ' ' || s_[i_ - 1] == '\t')) --i_;
    }
    while (!whole_line && i_ < s_.size()) {
      char c = s_[i_];
      if (c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r' || c == '\t')
        break;
      if (c == ' ') {
        // "1979-05-27 07:32:00": a date, a space, then a time.
        std::string_view so_far = s_.substr(b, i_ - b);
        if (so_far.size() == 10 && so_far[4] == '-' && i_ + 3 < s_.size() && is_digit(s_[i_ + 1]) &&
            is_digit(s_[i_ + 2]) && s_[i_ + 3] == ':') {
          ++i_;
          continue;
        }
        break;
      }
      ++i_;
    }
    std::string_view v = s_.substr(b, i_ - b);
    if (v.empty()) return fail("Empty value is invalid");
    if (v == "true") return Typed{Value(true), Kind::kBool};
    if (v == "false") return Typed{Value(false), Kind::kBool};
    std::string lower(v);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true" || lower == "false") return fail("Only all lowercase booleans allowed");
    if (auto t = time_of(v)) {
      if (!t->ok()) return t->error();
      return Typed{Value(std::move(**t)), Kind::kTime};
    }
    if (auto d = date_of(v)) return Typed{std::move(*d), Kind::kDate};
    return number(v);
  }

  // The package's TIME_RE.match (no end anchor): HH:MM:SS, with 3 to 6
  // fraction digits taken as microseconds as they stand.
  std::optional<Result<std::string>> time_of(std::string_view v) {
    if (v.size() < 8 || !all_digits(v.substr(0, 2)) || v[2] != ':' || !all_digits(v.substr(3, 2)) ||
        v[5] != ':' || !all_digits(v.substr(6, 2)))
      return std::nullopt;
    int h = num(v.substr(0, 2)), m = num(v.substr(3, 2)), s = num(v.substr(6, 2));
    size_t n = 0;
    while (v.size() > 8 && v[8] == '.' && 9 + n < v.size() && is_digit(v[9 + n]) && n < 6) ++n;
    int us = n >= 3 ? num(v.substr(9, n)) : 0;
    if (h > 23) return Result<std::string>(fail("hour must be in 0..23"));
    if (m > 59) return Result<std::string>(fail("minute must be in 0..59"));
    if (s > 59) return Result<std::string>(fail("second must be in 0..59"));
    char buf[32];
    if (us)
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06d", h, m, s, us);
    else
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, m, s);
    return Result<std::string>(std::string(buf));
  }

  // The package's _load_date: fixed positions; an offset after the seconds
  // (or after the fraction); nullopt when it is no date (then a number).
  static std::optional<int> offset_of(std::string_view tz) {
    if (tz == "Z" || tz == "z") return 0;
    if (tz.size() != 6 || (tz[0] != '+' && tz[0] != '-') || !all_digits(tz.substr(1, 2)) ||
        tz[3] != ':' || !all_digits(tz.substr(4, 2)))
      return std::nullopt;
    int secs = num(tz.substr(1, 2)) * 3600 + num(tz.substr(4, 2)) * 60;
    return tz[0] == '-' ? -secs : secs;
  }

  static std::optional<Value> date_of(std::string_view v) {
    if (v.size() < 10 || v.substr(1).find('-') == std::string_view::npos) return std::nullopt;
    if (!all_digits(v.substr(0, 4)) || v[4] != '-' || !all_digits(v.substr(5, 2)) || v[7] != '-' ||
        !all_digits(v.substr(8, 2)))
      return std::nullopt;
    int y = num(v.substr(0, 4)), mo = num(v.substr(5, 2)), d = num(v.substr(8, 2));
    if (!valid_date(y, mo, d)) return std::nullopt;
    if (v.size() == 10) return Value(Date{y, mo, d});
    if (v.size() < 19 || !all_digits(v.substr(11, 2)) || v[13] != ':' ||
        !all_digits(v.substr(14, 2)) || v[16] != ':' || !all_digits(v.substr(17, 2)))
      return std::nullopt;
    DateTime dt;
    dt.year = y;
    dt.month = mo;
    dt.day = d;
    dt.hour = num(v.substr(11, 2));
    dt.minute = num(v.substr(14, 2));
    dt.second = num(v.substr(17, 2));
    if (dt.hour > 23 || dt.minute > 59 || dt.second > 59) return std::nullopt;
    std::string_view rest = v.substr(19);
    if (!rest.empty() && rest[0] == '.') {
      std::string_view frac = rest.substr(1), tz;
      if (!frac.empty() && (frac.back() == 'Z' || frac.back() == 'z')) {
        tz = frac.substr(frac.size() - 1);
        frac.remove_suffix(1);
      } else if (size_t p = frac.find_first_of("+-"); p != std::string_view::npos) {
        tz = frac.substr(p);
        frac = frac.substr(0, p);
      }
      // int(int(sub) * 10 ** (6 - len(sub))): digits beyond six truncated.
      if (all_digits(frac)) {
        dt.microsecond = num(frac.substr(0, std::min<size_t>(frac.size(), 6)));
        for (size_t k = frac.size(); k < 6; ++k) dt.microsecond *= 10;
        if (!tz.empty())
          if (auto off = offset_of(tz)) {
            dt.has_tz = true;
            dt.tz_offset_seconds = *off;
          }
      }
    } else if (!rest.empty()) {
      if (auto off = offset_of(rest)) {
        dt.has_tz = true;
        dt.tz_offset_seconds = *off;
      }
    }
    return Value(dt);
  }

  Result<Typed> number(std::string_view token) {
    if (!strictly_valid_num(token))
      return fail("Weirdness with leading zeroes or underscores in your number.");
    bool neg = false;
    std::string_view t = token;
    if (t[0] == '-' || t[0] == '+') {
      neg = t[0] == '-';
      t.remove_prefix(1);
    }
    std::string v;
    for (char c : t)
      if (c != '_') v += c;
    if (v.empty()) return fail("invalid literal for int() with base 0: ''");
    bool has_x = v.find('x') != std::string::npos;
    if (v.find('.') != std::string::npos ||
        (!has_x && v.find_first_of("eE") != std::string::npos)) {
      size_t dot = v.find('.');
      if (dot != std::string::npos && dot + 1 == v.size())
        return fail("This float is missing digits after the point");
      if (!is_digit(v[0])) return fail("This float doesn't have a leading digit");
      auto f = py_float_from_string(v);
      if (!f.ok()) return fail(f.error().message);
      // 0 - v: a minus zero is a zero.
      return Typed{Value(neg ? 0.0 - *f : *f), Kind::kFloat};
    }
    std::string lower = v;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "inf" || lower == "nan") {
      double f = lower == "inf" ? INFINITY : NAN;
      return Typed{Value(neg ? 0.0 - f : f), Kind::kFloat};
    }
    // int(v, 0): a base prefix, or decimal digits without a leading zero.
    int base = 10;
    if (lower.size() > 1 && lower[0] == '0') {
      base = lower[1] == 'x' ? 16 : lower[1] == 'o' ? 8 : lower[1] == 'b' ? 2 : 0;
      if (base == 0 && lower.find_first_not_of('0') != std::string::npos) base = -1;
      if (base == 0) base = 10;
    }
    Result<Value> i = base > 0 ? py_int_from_string(v, base) : Error::value("");
    if (!i.ok() || v.find_first_of(" \t") != std::string::npos)
      return fail("invalid literal for int() with base 0: " + py_repr(Value(v)));
    Value out = std::move(*i);
    if (neg) {
      if (out.is_int()) {
        out = Value(-out.as_int());
      } else {
        std::string digits = out.as_bigint().digits;
        out = digits == "9223372036854775808" ? Value(INT64_MIN) : Value(BigInt{"-" + digits});
      }
    }
    return Typed{std::move(out), Kind::kInt};
  }

  std::string_view s_;
  const TomlLimits& limits_;
  size_t i_ = 0;
  size_t stmt_ = 0;
  Map root_;
  std::vector<std::string> current_;
  std::set<std::string> defined_;
};

}  // namespace

Result<Map> parse_toml(std::string_view text, const TomlLimits& limits) {
  return Parser(text, limits).run();
}

}  // namespace lyn
