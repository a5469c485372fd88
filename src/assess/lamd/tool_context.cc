#include "assess/lamd/tool_context.h"

#include <cstdlib>

#include "assess/lamd/python_text.h"
#include "config/paths.h"

namespace lyn::lamd {

ToolContext ToolContext::of_process() {
  ToolContext c;
  c.cwd_ = current_directory();
  return c;
}

ToolContext::ToolContext(std::string cwd, std::optional<std::map<std::string, std::string>> env,
                         std::vector<std::string> roots)
    : cwd_(std::move(cwd)), roots_(std::move(roots)) {
  if (!env) return;
  env_ = std::make_shared<const std::map<std::string, std::string, std::less<>>>(env->begin(),
                                                                                 env->end());
  lookup_ = [vars = env_](std::string_view name) -> std::optional<std::string> {
    auto it = vars->find(name);
    if (it == vars->end()) return std::nullopt;
    return it->second;
  };
}

bool ToolContext::outside_roots(const std::string& abs) const {
  if (roots_.empty()) return false;
  // The file it names (symlinks resolved), or where it would be.
  std::string real = path_canonical(path_normalize(abs));
  for (const auto& r : roots_)
    if (path_is_under(real, r)) return false;
  return true;
}

std::string ToolContext::path(std::string_view p) const {
  if (p.empty()) return "";  // open("") fails as Python's does
  std::string abs = path_join(cwd_, p);
  if (!escaped_ && outside_roots(abs)) escaped_ = std::string(p);
  return abs;
}

Result<std::string> ToolContext::read_text(const std::string& p) const {
  std::string abs = path(p);
  if (!abs.empty() && outside_roots(abs))
    return Error::path_escape("Path '" + p + "' is outside the server's roots");
  if (!cache_ || abs.empty()) return read_python_text(abs, p);
  // Keyed by the file; the error texts quote `p`, so errors are not kept.
  auto text =
      cache_->get<std::string>(abs, "lamd-text:" + p, [&] { return read_python_text(abs, p); });
  if (!text.ok()) return text.error();
  return **text;
}

std::optional<std::string> ToolContext::getenv(std::string_view name) const {
  if (!env_) {
    const char* v = std::getenv(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }
  return lookup_(name);
}

std::string ToolContext::expand_vars(std::string_view s) const {
  return lyn::expand_vars(s, lookup_);
}

std::string ToolContext::expand_user(std::string_view s) const {
  return lyn::expand_user(s, lookup_);
}

}  // namespace lyn::lamd
