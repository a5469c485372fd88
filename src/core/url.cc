#include "core/url.h"

#include <cctype>
#include <vector>

#include "core/case.h"

namespace lyn {

namespace {

bool always_safe(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~';
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Split {
  std::string scheme, netloc, path, params, query, fragment;
};

bool scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

Split url_split(std::string_view url) {
  Split s;
  size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(url[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i)
      if (!scheme_char(url[i])) ok = false;
    if (ok) {
      for (size_t i = 0; i < colon; ++i) s.scheme += ascii_lower(url[i]);
      url = url.substr(colon + 1);
    }
  }
  if (url.substr(0, 2) == "//") {
    size_t end = url.find_first_of("/?#", 2);
    if (end == std::string_view::npos) end = url.size();
    s.netloc = std::string(url.substr(2, end - 2));
    url = url.substr(end);
  }
  size_t hash = url.find('#');
  if (hash != std::string_view::npos) {
    s.fragment = std::string(url.substr(hash + 1));
    url = url.substr(0, hash);
  }
  size_t q = url.find('?');
  if (q != std::string_view::npos) {
    s.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  s.path = std::string(url);
  return s;
}

bool in_list(const std::string& scheme, std::initializer_list<const char*> list) {
  for (const char* k : list)
    if (scheme == k) return true;
  return false;
}

bool uses_relative(const std::string& scheme) {
  return in_list(scheme, {"", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https",
                          "shttp", "mms", "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh",
                          "ws", "wss"});
}

// urlparse (not urlsplit): for these schemes the path's last segment loses
// everything from its first ';' (the params; the whole path's first ';' when
// it has no '/'), and urlunparse puts ";params" back only when not empty.
void split_params(Split& s) {
  if (!in_list(s.scheme, {"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp",
                          "rtspu", "sip", "sips", "mms", "sftp", "tel"}))
    return;
  if (s.path.find(';') == std::string::npos) return;
  size_t slash = s.path.rfind('/');
  size_t i = s.path.find(';', slash == std::string::npos ? 0 : slash);
  if (i == std::string::npos) return;
  s.params = s.path.substr(i + 1);
  s.path.resize(i);
}

bool uses_netloc(const std::string& scheme) {
  static const char* kSchemes[] = {
      "",        "ftp",   "http",  "gopher", "nntp",     "telnet", "imap",  "wais",  "file",
      "mms",     "https", "shttp", "snews",  "prospero", "rtsp",   "rtspu", "rsync", "svn",
      "svn+ssh", "sftp",  "nfs",   "git",    "git+ssh",  "ws",     "wss"};
  for (const char* k : kSchemes)
    if (scheme == k) return true;
  return false;
}

std::string unsplit(const Split& s) {
  std::string url = s.path;
  if (!s.params.empty()) url += ";" + s.params;
  if (!s.netloc.empty() ||
      (!s.scheme.empty() && uses_netloc(s.scheme) && url.substr(0, 2) != "//")) {
    if (!url.empty() && url[0] != '/') url = "/" + url;
    url = "//" + s.netloc + url;
  }
  if (!s.scheme.empty()) url = s.scheme + ":" + url;
  if (!s.query.empty()) url += "?" + s.query;
  if (!s.fragment.empty()) url += "#" + s.fragment;
  return url;
}

std::vector<std::string> split_slash(const std::string& p) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t e = p.find('/', start);
    if (e == std::string::npos) {
      out.push_back(p.substr(start));
      return out;
    }
    out.push_back(p.substr(start, e - start));
    start = e + 1;
  }
}

}  // namespace

std::string url_quote(std::string_view s, std::string_view safe) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (always_safe(c) || safe.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string url_quote_plus(std::string_view s) {
  std::string out;
  // quote_plus: quote with ' ' safe, then spaces become '+'.
  std::string q = url_quote(s, " ");
  for (char c : q) out += c == ' ' ? '+' : c;
  return out;
}

std::string url_unquote_plus(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string url_join(std::string_view base, std::string_view url_in) {
  if (base.empty()) return std::string(url_in);
  if (url_in.empty()) return std::string(base);
  // urlsplit drops leading C0 controls and spaces, and tabs and newlines
  // anywhere (WHATWG), before parsing.
  std::string cleaned;
  size_t start = 0;
  while (start < url_in.size() && static_cast<unsigned char>(url_in[start]) <= ' ') ++start;
  for (char c : url_in.substr(start))
    if (c != '\t' && c != '\r' && c != '\n') cleaned += c;
  std::string_view url = cleaned;
  Split b = url_split(base);
  Split u = url_split(url);
  if (u.scheme.empty()) u.scheme = b.scheme;
  split_params(b);
  split_params(u);
  // A URL urljoin does not resolve comes back as given (not cleaned).
  if (u.scheme != b.scheme || !uses_relative(u.scheme)) return std::string(url_in);
  if (uses_netloc(u.scheme)) {
    if (!u.netloc.empty()) return unsplit(u);
    u.netloc = b.netloc;
  }
  if (u.path.empty() && u.params.empty()) {
    u.path = b.path;
    u.params = b.params;
    if (u.query.empty()) u.query = b.query;
    return unsplit(u);
  }
  std::vector<std::string> base_parts = split_slash(b.path);
  if (!base_parts.empty() && !base_parts.back().empty()) base_parts.pop_back();
  std::vector<std::string> segments;
  if (u.path[0] == '/') {
    segments = split_slash(u.path);
  } else {
    segments = base_parts;
    for (auto& p : split_slash(u.path)) segments.push_back(p);
    // Empty segments in the middle are dropped.
    std::vector<std::string> filtered;
    for (size_t i = 0; i < segments.size(); ++i)
      if (i == 0 || i + 1 == segments.size() || !segments[i].empty())
        filtered.push_back(segments[i]);
    segments = filtered;
  }
  std::vector<std::string> resolved;
  for (const auto& seg : segments) {
    if (seg == "..") {
      if (!resolved.empty()) resolved.pop_back();
    } else if (seg != ".") {
      resolved.push_back(seg);
    }
  }
  if (!segments.empty() && (segments.back() == "." || segments.back() == ".."))
    resolved.push_back("");
  std::string path;
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (i) path += '/';
    path += resolved[i];
  }
  u.path = path.empty() ? "/" : path;
  return unsplit(u);
}

}  // namespace lyn
