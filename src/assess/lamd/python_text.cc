#include "assess/lamd/python_text.h"

#include <sys/stat.h>

#include "core/fs.h"
#include "core/text.h"

namespace lyn::lamd {

Result<std::string> read_python_text(const std::string& path, std::string_view shown) {
  auto raw = read_file(path, shown);
  if (!raw.ok()) return raw.error();
  if (auto bad = py_utf8_error(*raw)) return Error{"UnicodeDecodeError", *bad, 400};
  std::string& s = *raw;
  if (s.find('\r') == std::string::npos) return std::move(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r') {
      out += s[i];
      continue;
    }
    out += '\n';
    if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
  }
  return out;
}

std::vector<std::string_view> readlines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(i, end - i));
    i = end;
  }
  return lines;
}

bool path_exists(const std::string& p) {
  struct stat st;
  return !p.empty() && ::stat(p.c_str(), &st) == 0;
}

bool path_isfile(const std::string& p) {
  struct stat st;
  return !p.empty() && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace lyn::lamd
