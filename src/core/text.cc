#include "core/text.h"

#include <cstdlib>

namespace lyn {

namespace {

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::optional<std::string> getenv_lookup(std::string_view name) {
  std::string n(name);
  const char* v = std::getenv(n.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace

std::string expand_vars(std::string_view s, const EnvLookup& lookup) {
  if (s.find('$') == std::string_view::npos) return std::string(s);
  const EnvLookup& get = lookup ? lookup : EnvLookup(getenv_lookup);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t d = s.find('$', i);
    if (d == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, d - i));
    size_t j = d + 1;
    std::string_view name;
    size_t end = j;
    if (j < s.size() && s[j] == '{') {
      size_t close = s.find('}', j + 1);
      if (close != std::string_view::npos) {
        name = s.substr(j + 1, close - j - 1);
        end = close + 1;
      }
    } else {
      while (end < s.size() && is_word(s[end])) ++end;
      name = s.substr(j, end - j);
    }
    if (end == j) {  // no name: a lone '$'
      out += '$';
      i = j;
      continue;
    }
    auto v = get(name);
    if (v)
      out += *v;
    else
      out.append(s.substr(d, end - d));
    i = end;
  }
  return out;
}

bool py_isspace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string size_text(uint64_t bytes) {
  if (bytes > 0 && bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  return std::to_string(bytes) + " bytes";
}

std::string expand_user(std::string_view s) {
  if (s.empty() || s[0] != '~') return std::string(s);
  if (s.size() > 1 && s[1] != '/') return std::string(s);
  const char* home = std::getenv("HOME");
  if (!home) return std::string(s);
  return std::string(home) + std::string(s.substr(1));
}

std::string universal_newlines(std::string_view raw) {
  if (raw.find('\r') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out += raw[i];
      continue;
    }
    out += '\n';
    if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
  }
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace lyn
