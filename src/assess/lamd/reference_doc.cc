#include "assess/lamd/reference_doc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "assess/lamd/python_text.h"
#include "config/paths.h"
#include "core/text.h"

namespace lyn::lamd {

namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// `dir`/lamd/includes when it exists.
std::optional<std::string> includes_under(const std::string& dir) {
  if (dir.empty() || dir[0] != '/') return std::nullopt;
  std::string p = path_join(dir, "lamd/includes");
  if (is_dir(p)) return path_normalize(p);
  return std::nullopt;
}

std::string read_head(const std::string& path, size_t max) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return out;
  out.resize(max);
  out.resize(std::fread(out.data(), 1, max, f));
  std::fclose(f);
  return out;
}

// $PATH's directories, relative ones from the run's working directory.
std::vector<std::string> path_dirs(const ToolContext& ctx) {
  std::vector<std::string> dirs;
  std::string s = ctx.getenv("PATH").value_or("");
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(':', i);
    if (j == std::string::npos) j = s.size();
    std::string d = s.substr(i, j - i);
    dirs.push_back(path_join(ctx.cwd(), d.empty() ? "." : d));
    i = j + 1;
  }
  return dirs;
}

std::optional<std::string> which(const ToolContext& ctx, const std::string& name) {
  for (const auto& d : path_dirs(ctx)) {
    std::string c = path_join(d, name);
    if (::access(c.c_str(), X_OK) == 0 && path_isfile(c)) return c;
  }
  return std::nullopt;
}

std::vector<std::string> subdirs_starting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(prefix, 0) == 0) out.push_back(path_join(dir, n));
  }
  ::closedir(d);
  std::sort(out.rbegin(), out.rend());  // newest python3.X first
  return out;
}

// A site directory: lamd installed in it, or named by a .pth line or an
// editable-install finder in it.
std::optional<std::string> includes_in_site(const std::string& site) {
  if (auto r = includes_under(site)) return r;
  DIR* d = ::opendir(site.c_str());
  if (!d) return std::nullopt;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.push_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    bool pth = n.size() > 4 && n.compare(n.size() - 4, 4, ".pth") == 0;
    bool finder = n.rfind("__editable__", 0) == 0 && n.find("lamd") != std::string::npos;
    if (!pth && !finder) continue;
    std::string text = read_head(path_join(site, n), 1 << 16);
    if (pth) {
      for (auto line : readlines(text)) {
        std::string l(line);
        while (!l.empty() && (l.back() == '\n' || l.back() == ' ')) l.pop_back();
        if (l.empty() || l[0] == '#' || l.rfind("import", 0) == 0) continue;
        if (auto r = includes_under(path_normalize(path_join(site, l)))) return r;
      }
    } else {
      // MAPPING = {'lamd': '/path/to/lamd'}
      size_t k = text.find("'lamd': '");
      if (k != std::string::npos) {
        size_t b = k + 9, e = text.find('\'', b);
        std::string pkg = text.substr(b, e - b);
        if (is_dir(path_join(pkg, "includes"))) return path_join(pkg, "includes");
      }
    }
  }
  return std::nullopt;
}

// The site directories of a Python installation under `prefix`.
std::optional<std::string> includes_in_prefix(const std::string& prefix) {
  for (const std::string lib : {"/lib", "/local/lib"}) {
    for (const auto& py : subdirs_starting(prefix + lib, "python3")) {
      for (const char* site : {"/site-packages", "/dist-packages"})
        if (auto r = includes_in_site(py + site)) return r;
    }
  }
  return std::nullopt;
}

std::optional<std::string> user_site(const ToolContext& ctx) {
  std::string home = ctx.expand_user("~");
  for (const auto& py : subdirs_starting(home + "/.local/lib", "python3"))
    if (auto r = includes_in_site(py + "/site-packages")) return r;
  return std::nullopt;
}

// The directories a Python script names: quoted strings and `#!` words,
// split at ':'.
std::optional<std::string> includes_named_in(const std::string& text) {
  std::string cur;
  auto flush = [&]() -> std::optional<std::string> {
    std::string c;
    c.swap(cur);
    if (c.size() > 1 && c.back() == '/') c.pop_back();
    return includes_under(c);
  };
  for (char ch : text) {
    if (ch == '\'' || ch == '"' || ch == ':' || ch == ' ' || ch == '\n' || ch == '\t' ||
        ch == ',' || ch == '(' || ch == ')' || ch == '[' || ch == ']') {
      if (auto r = flush()) return r;
    } else {
      cur += ch;
    }
  }
  return flush();
}

std::optional<std::string> includes_from_script(const ToolContext& ctx, const std::string& script) {
  std::string text = read_head(script, 1 << 16);
  if (text.rfind("#!", 0) != 0 || text.find("python") == std::string::npos) return std::nullopt;
  if (auto r = includes_named_in(text)) return r;
  std::string shebang = text.substr(2, text.find('\n') - 2);
  size_t b = shebang.find_first_not_of(' ');
  if (b == std::string::npos) return std::nullopt;
  shebang = shebang.substr(b);
  std::string interp = shebang.substr(0, shebang.find(' '));
  if (path_basename(interp) == "env") {
    std::string rest = shebang.substr(std::min(shebang.size(), interp.size() + 1));
    rest = rest.substr(0, rest.find(' '));
    auto found = which(ctx, rest);
    if (!found) return std::nullopt;
    interp = *found;
  }
  // A virtual environment's bin/python: the prefix is the environment.
  std::string prefix = path_dirname(path_dirname(interp));
  if (auto r = includes_in_prefix(prefix)) return r;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> lamd_includes_dir(const ToolContext& ctx) {
  if (auto env = ctx.getenv("LAMD_INCLUDESDIR"); env && !env->empty()) return env;
  for (const char* name :
       {"flags", "mdfield", "maketalk", "dependencies", "lamd-resolve-diagrams-dir", "mdpp"}) {
    for (const auto& d : path_dirs(ctx)) {
      std::string c = path_join(d, name);
      if (!path_isfile(c)) continue;
      if (auto r = includes_from_script(ctx, c)) return r;
    }
  }
  if (auto py = which(ctx, "python3")) {
    if (auto r = includes_in_prefix(path_dirname(path_dirname(*py)))) return r;
  }
  if (auto r = user_site(ctx)) return r;
  for (const char* prefix : {"/usr/local", "/usr"})
    if (auto r = includes_in_prefix(prefix)) return r;
  if (auto r = includes_in_site("/usr/lib/python3/dist-packages")) return r;
  return std::nullopt;
}

Result<std::string> resolve_reference_doc(const ToolContext& ctx, const Value& path) {
  if (!path.is_string())
    return Error{"TypeError",
                 "expected str, bytes or os.PathLike object, not " + py_type_name(path), 400};
  std::string expanded = ctx.expand_user(path.as_string());
  if (path_isfile(ctx.path(expanded))) return expanded;
  if (path_dirname(expanded).empty()) {
    if (auto inc = lamd_includes_dir(ctx)) {
      // lamd's own installation: looked at, never confined.
      std::string bundled = path_join(*inc, path_basename(expanded));
      if (path_isfile(path_join(ctx.cwd(), bundled))) return bundled;
    }
  }
  return expanded;
}

}  // namespace lyn::lamd
