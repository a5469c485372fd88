#include "assess/lamd/diagram_paths.h"

#include <algorithm>

#include "assess/lamd/header_field.h"
#include "config/paths.h"
#include "core/text.h"
#include "core/value.h"

namespace lyn::lamd {

namespace {

bool is_os_error(const Error& e) {
  static const char* const kOsErrors[] = {"OSError", "FileNotFoundError", "IsADirectoryError",
                                          "NotADirectoryError", "PermissionError"};
  return std::find(std::begin(kOsErrors), std::end(kOsErrors), e.type) != std::end(kOsErrors);
}

// str.strip() (ASCII whitespace and the separators Python also strips).
std::string py_strip(const std::string& s) {
  auto space = [](unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
  };
  size_t b = 0, e = s.size();
  while (b < e && space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && space(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// get_build_cwd: os.path.abspath(explicit or os.getcwd()).
std::string build_cwd(const ToolContext& ctx, const std::string& cwd) {
  const std::string& here = ctx.cwd();
  if (cwd.empty()) return here;
  return path_normalize(path_join(here, cwd));
}

}  // namespace

void Warnings::warn(const std::string& site, const std::string& message) {
  std::string key = site + '\0' + message;
  if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return;
  seen_.push_back(key);
  messages.push_back(message);
}

Result<PathConfig> load_path_config(const ToolContext& ctx, const std::string& cwd) {
  PathConfig c;
  auto iface = load_config(ctx, lamd_config_files(), cwd);
  if (!iface.ok()) {
    if (is_os_error(iface.error())) return c;
    return iface.error();
  }
  auto get = [&](const char* key, std::string& out) {
    if (!iface->contains(key)) return;
    auto v = iface->get(key);
    out = !v || v->is_null() ? "" : py_str(*v);
  };
  get("diagramsdir", c.diagramsdir);
  get("diagramsurl", c.diagramsurl);
  get("diagramswebpath", c.diagramswebpath);
  get("url", c.url);
  get("baseurl", c.baseurl);
  return c;
}

bool looks_like_url(const std::string& value) {
  std::string l = lower(value);
  return l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0;
}

std::string normalise_path(const ToolContext& ctx, const std::string& path,
                           const std::string& base) {
  std::string expanded = ctx.expand_vars(path);
  if (looks_like_url(expanded)) return expanded;
  if (!expanded.empty() && expanded[0] == '/') return path_normalize(expanded);
  return path_normalize(path_join(base, expanded));
}

std::string join_url(const std::vector<std::string>& parts) {
  if (parts.empty()) return "";
  std::string result = parts[0];
  while (!result.empty() && result.back() == '/') result.pop_back();
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    size_t b = p.find_first_not_of('/');
    if (b == std::string::npos) continue;
    size_t e = p.find_last_not_of('/');
    result += "/" + p.substr(b, e - b + 1);
  }
  return result;
}

std::string resolve_diagrams_filesystem(const ToolContext& ctx, const PathConfig& config,
                                        const std::string& cwd, const std::string& cli,
                                        Warnings& warnings) {
  if (!cli.empty()) return normalise_path(ctx, cli, build_cwd(ctx, cwd));
  if (looks_like_url(ctx.expand_vars(config.diagramsdir)))
    warnings.warn("diagramsdir",
                  "diagramsdir looks like a URL; use diagramsurl for web paths "
                  "(diagramsdir is filesystem-only after CIP-0010)");
  return normalise_path(ctx, config.diagramsdir, build_cwd(ctx, cwd));
}

std::string resolve_diagrams_web(const ToolContext& ctx, const PathConfig& config,
                                 const std::string& cwd, const std::string& cli_fs,
                                 const std::string& cli_web, Warnings& warnings) {
  if (!cli_web.empty()) return ctx.expand_vars(cli_web);
  if (!cli_fs.empty()) return resolve_diagrams_filesystem(ctx, config, cwd, cli_fs, warnings);
  std::string diagramsurl = py_strip(ctx.expand_vars(config.diagramsurl));
  if (!diagramsurl.empty()) return diagramsurl;
  std::string prefix = join_url({ctx.expand_vars(config.url), ctx.expand_vars(config.baseurl)});
  std::string webpath = py_strip(ctx.expand_vars(config.diagramswebpath));
  if (!webpath.empty()) return join_url({prefix, webpath});
  std::string fs_dir = resolve_diagrams_filesystem(ctx, config, cwd, "", warnings);
  std::string suffix = path_basename(fs_dir);
  if (suffix.empty()) suffix = "diagrams";
  return join_url({prefix, suffix});
}

}  // namespace lyn::lamd
