#include "core/text.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
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

std::string expand_user(std::string_view s, const EnvLookup& lookup) {
  if (s.empty() || s[0] != '~') return std::string(s);
  size_t i = s.find('/', 1);
  if (i == std::string_view::npos) i = s.size();
  std::string home;
  if (i == 1) {
    std::optional<std::string> h;
    if (lookup) {
      h = lookup("HOME");
    } else if (const char* e = std::getenv("HOME")) {
      h = e;
    }
    if (h) {
      home = *h;
    } else {
      struct passwd* pw = ::getpwuid(::getuid());
      if (!pw) return std::string(s);
      home = pw->pw_dir;
    }
  } else {
    std::string name(s.substr(1, i - 1));
    struct passwd* pw = ::getpwnam(name.c_str());
    if (!pw) return std::string(s);
    home = pw->pw_dir;
  }
  while (!home.empty() && home.back() == '/') home.pop_back();
  std::string out = home + std::string(s.substr(i));
  return out.empty() ? "/" : out;
}

std::optional<std::string> py_utf8_error(std::string_view s) {
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    const char* reason = nullptr;
    size_t end = i + 1;  // one past the bytes the message names
    if (n == 0) {
      reason = "invalid start byte";
    } else {
      size_t k = 1;
      for (; k < n; ++k) {
        if (i + k >= s.size()) {
          reason = "unexpected end of data";
          break;
        }
        unsigned char b = static_cast<unsigned char>(s[i + k]);
        bool ok = cont(b);
        if (k == 1) {  // the second byte's narrower ranges (no overlongs, no surrogates)
          if (c == 0xE0) ok = b >= 0xA0 && b <= 0xBF;
          if (c == 0xED) ok = b >= 0x80 && b <= 0x9F;
          if (c == 0xF0) ok = b >= 0x90 && b <= 0xBF;
          if (c == 0xF4) ok = b >= 0x80 && b <= 0x8F;
        }
        if (!ok) {
          reason = "invalid continuation byte";
          break;
        }
      }
      if (!reason) {
        i += n;
        continue;
      }
      end = i + k;
    }
    char buf[8];
    std::string msg = "'utf-8' codec can't decode ";
    if (end - i == 1) {
      std::snprintf(buf, sizeof buf, "%02x", c);
      msg += std::string("byte 0x") + buf + " in position " + std::to_string(i);
    } else {
      msg += "bytes in position " + std::to_string(i) + "-" + std::to_string(end - 1);
    }
    return msg + ": " + reason;
  }
  return std::nullopt;
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
