// dump_yaml (core/yaml.h): block-style YAML as yaml.safe_dump writes it.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "core/base64.h"
#include "core/yaml.h"
#include "core/yaml_scalar.h"

namespace lyn {

namespace {

// The characters YAML does not carry as they are (C1 controls, U+FFFE and
// U+FFFF, which libyaml refuses; NEL, LS and PS, which it reads as line
// breaks; the BOM): at s[i], the UTF-8 length and the double-quoted escape
// PyYAML's emitter writes, or 0.
size_t special_at(std::string_view s, size_t i, std::string* escape) {
  unsigned char c = s[i];
  auto next = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {
    char b[8];
    std::snprintf(b, sizeof b, "\\x%02X", next(1));
    *escape = next(1) == 0x85 ? "\\N" : b;
    return 2;
  }
  if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) {
    *escape = next(2) == 0xA8 ? "\\L" : "\\P";
    return 3;
  }
  if (c == 0xEF && next(1) == 0xBB && next(2) == 0xBF) {
    *escape = "\\uFEFF";
    return 3;
  }
  if (c == 0xEF && next(1) == 0xBF && (next(2) == 0xBE || next(2) == 0xBF)) {
    *escape = next(2) == 0xBE ? "\\uFFFE" : "\\uFFFF";
    return 3;
  }
  return 0;
}

bool has_special(std::string_view s) {
  std::string escape;
  for (size_t i = 0; i < s.size(); ++i)
    if (special_at(s, i, &escape)) return true;
  return false;
}

bool needs_quotes(const std::string& s) {
  // A plain scalar that PyYAML would resolve to anything but str.
  if (yaml::implicit_tag(s) != yaml::kTagStr) return true;
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
  return has_special(s);
}

// A YAML double-quoted scalar with escapes.
void append_double_quoted(std::string& out, const std::string& s) {
  out += '"';
  std::string escape;
  for (size_t i = 0; i < s.size(); ++i) {
    if (size_t n = special_at(s, i, &escape)) {
      out += escape;
      i += n - 1;
      continue;
    }
    unsigned char c = s[i];
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

void dump_string(std::string& out, const std::string& s, int indent) {
  bool multiline = s.find('\n') != std::string::npos;
  if (multiline) {
    bool printable = true;
    for (unsigned char c : s)
      if ((c < 0x20 && c != '\n') || c == 0x7F) printable = false;
    if (has_special(s)) printable = false;
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
  append_double_quoted(out, s);
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
    case Value::Kind::kBytes: {
      // SafeDumper: `!!binary |` and base64.encodebytes' 76-character lines.
      std::string b64 = base64_encode(v.as_bytes().data);
      out += "!!binary |";
      std::string pad(indent + 2, ' ');
      for (size_t i = 0; i < b64.size(); i += 76) out += "\n" + pad + b64.substr(i, 76);
      if (b64.empty()) out += "\n" + pad;
      return;
    }
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
    // An implicit key is one line of at most 1024 characters (libyaml's
    // bound); longer ones, multi-line ones and bytes (a block) are
    // written as explicit `? ` keys, as PyYAML's emitter does.
    bool explicit_key =
        k.typed() ? k.typed()->is_bytes() : k.size() > 128 || k.find('\n') != std::string::npos;
    if (explicit_key) {
      out += "? ";
      if (k.typed())
        dump_scalar(out, *k.typed(), indent);
      else
        append_double_quoted(out, k);
      out += '\n' + pad;
    } else if (k.typed()) {
      dump_scalar(out, *k.typed(), indent);
    } else {
      dump_string(out, k, indent);
    }
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
  if (v.kind() == Value::Kind::kTuple) {  // SafeDumper refuses a tuple; a list reads back
    dump_node(out, Value(v.as_tuple().items), indent);
    return;
  }
  if (v.kind() == Value::Kind::kSet) {  // a flow `!!set` of keys with null values
    out += "!!set {";
    bool first = true;
    for (const auto& item : v.as_set().items) {
      if (!first) out += ", ";
      first = false;
      if (item.is_string())
        append_double_quoted(out, item.as_string());
      else
        dump_scalar(out, item, indent);
      out += ": null";
    }
    out += '}';
    return;
  }
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
