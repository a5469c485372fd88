// What the CLI's commands share: the common options, errors, paths.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/commands.h"
#include "config/paths.h"
#include "core/json.h"

namespace lyn::cli {

int fail(const std::string& type, const std::string& message) {
  Map m;
  m.set("status", Value("error"));
  m.set("error_type", Value(type));
  m.set("error_message", Value(message));
  std::string s = to_json(Value(std::move(m))) + "\n";
  std::fwrite(s.data(), 1, s.size(), stderr);
  return 1;
}

std::string absolute_path(const std::string& p) {
  if (!p.empty() && p[0] == '/') return path_normalize(p);
  return path_normalize(path_join(current_directory(), p));
}

bool take_remote_option(const std::vector<std::string>& a, size_t& i, CommonOptions& c) {
  if (i + 1 >= a.size()) return false;
  if (a[i] == "--server-url") {
    c.server_url = a[++i];
    c.server = true;
  } else if (a[i] == "--api-key") {
    c.api_key = a[++i];
  } else if (a[i] == "--ca-file") {
    c.ca_file = absolute_path(a[++i]);
  } else {
    return false;
  }
  return true;
}

bool take_common(const std::vector<std::string>& a, size_t& i, CommonOptions& c) {
  if (take_remote_option(a, i, c)) return true;  // security: --server-url, --api-key, --ca-file
  if (a[i] == "--server") {
    c.server = true;
    return true;
  }
  if (a[i] == "--no-fallback") {
    c.no_fallback = true;
    return true;
  }
  if (a[i] == "--root" && i + 1 < a.size()) {
    c.root = a[++i];
    return true;
  }
  return false;
}

}  // namespace lyn::cli
