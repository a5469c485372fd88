#include "assess/liquid/number.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/case.h"

namespace lyn::liquid {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Removes Python's digit-group underscores; fails on misplaced ones.
bool remove_underscores(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      bool ok = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                std::isdigit(static_cast<unsigned char>(s[i + 1]));
      if (!ok) return false;
      continue;
    }
    out += s[i];
  }
  return true;
}

}  // namespace

std::optional<Int> parse_py_int(std::string_view s) {
  s = strip(s);
  std::string t;
  if (!remove_underscores(s, t)) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  if (i == t.size()) return std::nullopt;
  Int v = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    if (__builtin_mul_overflow(v, static_cast<Int>(10), &v) ||
        __builtin_add_overflow(v, static_cast<Int>(t[i] - '0'), &v))
      return std::nullopt;
  }
  return neg ? -v : v;
}

std::optional<double> parse_py_float(std::string_view s) {
  s = strip(s);
  std::string t;
  if (!remove_underscores(s, t) || t.empty()) return std::nullopt;
  // Python accepts inf/infinity/nan with a sign, any case; strtod does too,
  // but also accepts hex and "nan(...)", which Python does not.
  std::string lower = ascii_lower(t);
  std::string_view body = lower;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity" || body == "nan") {
    double v = body == "nan" ? NAN : INFINITY;
    return lower[0] == '-' ? -v : v;
  }
  for (char c : body)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == '+' ||
          c == '-'))
      return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return v;
}

RValue to_number(const RValue& v, const RValue& fallback) {
  if (v.is_number()) return v;
  if (v.is_bool()) return RValue(static_cast<Int>(v.as_bool() ? 1 : 0));
  if (v.is_string()) {
    if (auto i = parse_py_int(v.str())) return RValue(*i);
    if (auto f = parse_py_float(v.str())) return RValue(*f);
  }
  return fallback;
}

int64_t to_int_arg(const RValue& v, int64_t fallback) {
  if (v.is_int()) return static_cast<int64_t>(v.as_int());
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isfinite(d)) return static_cast<int64_t>(d);
    return fallback;
  }
  if (v.is_string()) {
    if (auto i = parse_py_int(v.str())) return static_cast<int64_t>(*i);
  }
  return fallback;
}

}  // namespace lyn::liquid
