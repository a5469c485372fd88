// A port of CPython's unicode_format.h (MarkupIterator, parse_field,
// get_field_object) and of str.__format__'s spec parser, for str and None.
#include "assess/lamd/str_format.h"

#include <cstdint>
#include <cstdio>

#include "core/value.h"

namespace lyn::lamd {

namespace {

Error value_error(std::string m) {
  return Error{"ValueError", std::move(m), 400};
}

// Code points in UTF-8 text.
size_t width_of(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// The first `k` code points of `s`.
std::string prefix_of(const std::string& s, size_t k) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < k) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++n;
  }
  return s.substr(0, i);
}

// ascii(): repr with non-ASCII code points escaped.
std::string ascii_repr(const std::string& s) {
  std::string r = py_string_repr(s), out;
  for (size_t i = 0; i < r.size();) {
    unsigned char c = static_cast<unsigned char>(r[i]);
    if (c < 0x80) {
      out += r[i++];
      continue;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
    for (size_t k = 1; k < n && i + k < r.size(); ++k) cp = (cp << 6) | (r[i + k] & 0x3F);
    char buf[16];
    if (cp <= 0xFF)
      std::snprintf(buf, sizeof buf, "\\x%02x", cp);
    else if (cp <= 0xFFFF)
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    else
      std::snprintf(buf, sizeof buf, "\\U%08x", cp);
    out += buf;
    i += n;
  }
  return out;
}

// format(value, spec) for a str value (None handled by the caller).
Result<std::string> format_str(const std::string& value, const std::string& spec) {
  if (spec.empty()) return value;
  auto invalid = [&] {
    return value_error("Invalid format specifier " + py_string_repr(spec) +
                       " for object of type 'str'");
  };
  size_t i = 0;
  std::string fill = " ";
  char align = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  // [[fill]align]: the fill may be any code point.
  size_t first_len = 1;
  while (first_len < spec.size() && (static_cast<unsigned char>(spec[first_len]) & 0xC0) == 0x80)
    ++first_len;
  if (first_len < spec.size() && is_align(spec[first_len])) {
    fill = spec.substr(0, first_len);
    align = spec[first_len];
    i = first_len + 1;
  } else if (is_align(spec[0])) {
    align = spec[0];
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' '))
    return value_error("Sign not allowed in string format specifier");
  if (i < spec.size() && spec[i] == 'z')
    return value_error("Negative zero coercion (z) not allowed in string format specifier");
  if (i < spec.size() && spec[i] == '#')
    return value_error("Alternate form (#) not allowed in string format specifier");
  if (i < spec.size() && spec[i] == '0') {
    if (!align) {
      fill = "0";
      align = '<';  // zero padding of a str pads on the right
    }
    ++i;
  }
  // Reads decimal digits at i; false when there are none.
  auto number = [&](size_t* out) {
    size_t start = i;
    for (*out = 0; i < spec.size() && spec[i] >= '0' && spec[i] <= '9'; ++i)
      *out = *out * 10 + static_cast<size_t>(spec[i] - '0');
    return i > start;
  };
  size_t width = 0;
  bool has_width = number(&width);
  if (i < spec.size() && (spec[i] == ',' || spec[i] == '_'))
    return value_error(std::string("Cannot specify '") + spec[i] + "' with 's'.");
  std::optional<size_t> precision;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    size_t p = 0;
    if (!number(&p)) return value_error("Format specifier missing precision");
    precision = p;
  }
  if (spec.size() - i > 1) return invalid();
  if (i < spec.size() && spec[i] != 's')
    return value_error(std::string("Unknown format code '") + spec[i] +
                       "' for object of type 'str'");
  if (align == '=') return value_error("'=' alignment not allowed in string format specifier");
  std::string s = precision ? prefix_of(value, *precision) : value;
  size_t w = width_of(s);
  if (!has_width || width <= w) return s;
  size_t pad = width - w;
  auto repeat = [&](size_t n) {
    std::string out;
    for (size_t k = 0; k < n; ++k) out += fill;
    return out;
  };
  if (align == '>') return repeat(pad) + s;
  if (align == '^') return repeat(pad / 2) + s + repeat(pad - pad / 2);
  return s + repeat(pad);
}

class Formatter {
 public:
  explicit Formatter(const std::vector<FormatArg>& kwargs) : kwargs_(kwargs) {}

  Result<std::string> format(std::string_view s, int depth) {
    if (depth <= 0) return value_error("Max string recursion exceeded");
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '}') {
        if (i + 1 < s.size() && s[i + 1] == '}') {
          out += '}';
          i += 2;
          continue;
        }
        return value_error("Single '}' encountered in format string");
      }
      if (c != '{') {
        out += c;
        ++i;
        continue;
      }
      if (i + 1 < s.size() && s[i + 1] == '{') {
        out += '{';
        i += 2;
        continue;
      }
      if (i + 1 >= s.size()) return value_error("Single '{' encountered in format string");
      // The field runs to the '}' that balances its '{' ('[...]' in the
      // field name may hold braces).
      size_t j = i + 1;
      int count = 1;
      bool in_spec = false;
      for (; j < s.size(); ++j) {
        char d = s[j];
        if (!in_spec && d == '[') {
          while (j < s.size() && s[j] != ']') ++j;
          if (j == s.size()) break;
          continue;
        }
        if (d == ':' || d == '!') in_spec = true;
        if (d == '{') ++count;
        if (d == '}' && --count == 0) break;
      }
      if (j >= s.size())
        return value_error(in_spec ? "unmatched '{' in format spec"
                                   : "expected '}' before end of string");
      auto field = render_field(s.substr(i + 1, j - i - 1), depth);
      if (!field.ok()) return field.error();
      out += *field;
      i = j + 1;
    }
    return out;
  }

 private:
  Result<std::string> render_field(std::string_view f, int depth) {
    // parse_field: the name ends at ':' or '!' (skipping '[...]').
    size_t i = 0;
    char c = 0;
    for (; i < f.size(); ++i) {
      c = f[i];
      if (c == '{') return value_error("unexpected '{' in field name");
      if (c == '[') {
        while (i < f.size() && f[i] != ']') ++i;
        if (i == f.size()) break;
        continue;
      }
      if (c == ':' || c == '!') break;
    }
    std::string_view name = f.substr(0, std::min(i, f.size()));
    char conversion = 0;
    std::string_view spec;
    if (i < f.size()) {
      size_t k = i + 1;
      if (f[i] == '!') {
        if (k >= f.size())
          return value_error("end of string while looking for conversion specifier");
        conversion = f[k++];
        if (k < f.size() && f[k++] != ':')
          return value_error("expected ':' after conversion specifier");
      }
      spec = f.substr(std::min(k, f.size()));
    }
    auto obj = lookup(name);
    if (!obj.ok()) return obj.error();
    std::optional<std::string> value = *obj;
    if (conversion) {
      std::string shown = value ? *value : "None";
      if (conversion == 'r')
        value = value ? py_string_repr(*value) : "None";
      else if (conversion == 'a')
        value = value ? ascii_repr(*value) : "None";
      else if (conversion == 's')
        value = shown;
      else
        return value_error(std::string("Unknown conversion specifier ") + conversion);
    }
    // A spec with fields is itself formatted, one level deeper.
    Result<std::string> rendered_spec = std::string(spec);
    if (spec.find('{') != std::string_view::npos) rendered_spec = format(spec, depth - 1);
    if (!rendered_spec.ok()) return rendered_spec.error();
    if (!value) {
      if (!rendered_spec->empty())
        return Error{"TypeError", "unsupported format string passed to NoneType.__format__", 400};
      return std::string("None");
    }
    return format_str(*value, *rendered_spec);
  }

  // get_field_object: the argument, then any `.attr` / `[index]`.
  Result<std::optional<std::string>> lookup(std::string_view name) {
    size_t end = 0;
    while (end < name.size() && name[end] != '.' && name[end] != '[') ++end;
    std::string first(name.substr(0, end));
    bool numeric = !first.empty() && first.find_first_not_of("0123456789") == std::string::npos;
    if (first.empty() || numeric)
      return Error{"IndexError",
                   "Replacement index " + (first.empty() ? std::string("0") : first) +
                       " out of range for positional args tuple",
                   400};
    std::optional<std::string> obj;
    bool found = false;
    for (const auto& [k, v] : kwargs_)
      if (k == first) {
        obj = v;
        found = true;
      }
    if (!found) return Error{"KeyError", py_string_repr(first), 400};
    size_t i = end;
    while (i < name.size()) {
      if (name[i] == '.') {
        size_t j = i + 1;
        while (j < name.size() && name[j] != '.' && name[j] != '[') ++j;
        if (j == i + 1) return value_error("Empty attribute in format string");
        std::string attr(name.substr(i + 1, j - i - 1));
        return Error{"AttributeError",
                     std::string("'") + (obj ? "str" : "NoneType") + "' object has no attribute " +
                         py_string_repr(attr),
                     400};
      }
      if (name[i] != '[')
        return value_error("Only '.' or '[' may follow ']' in format field specifier");
      size_t close = name.find(']', i);
      if (close == std::string_view::npos) return value_error("Missing ']' in format string");
      std::string key(name.substr(i + 1, close - i - 1));
      if (key.empty()) return value_error("Empty attribute in format string");
      if (!obj) return Error{"TypeError", "'NoneType' object is not subscriptable", 400};
      if (key.find_first_not_of("0123456789") != std::string::npos)
        return Error{"TypeError", "string indices must be integers, not 'str'", 400};
      size_t idx = key.size() > 18 ? SIZE_MAX : std::stoull(key);
      if (idx >= width_of(*obj)) return Error{"IndexError", "string index out of range", 400};
      std::string rest = obj->substr(prefix_of(*obj, idx).size());
      obj = prefix_of(rest, 1);
      i = close + 1;
    }
    return obj;
  }

  const std::vector<FormatArg>& kwargs_;
};

}  // namespace

Result<std::string> py_format(std::string_view fmt, const std::vector<FormatArg>& kwargs) {
  return Formatter(kwargs).format(fmt, 2);
}

}  // namespace lyn::lamd
