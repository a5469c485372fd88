// What the CLI's commands share: choosing direct or server mode, errors.
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

namespace {

bool env_true(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return false;
  return std::strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0;
}

std::unique_ptr<client::ApiCaller> direct(const CommonOptions& o) {
  service::ApiOptions opts;
  opts.root = o.root.empty() ? current_directory() : o.root;
  opts.extra_roots = o.extra_roots;
  return client::make_direct_caller(std::move(opts));
}

// A server caller that falls back to direct mode for any request the server
// cannot serve (not reachable, or the path lies outside its root).
class FallbackCaller : public client::ApiCaller {
 public:
  FallbackCaller(std::unique_ptr<client::ApiCaller> server, CommonOptions o)
      : server_(std::move(server)), options_(std::move(o)) {}
  client::CallResult call(std::string_view method, std::string_view path,
                          std::string_view body) override {
    if (!use_direct_) {
      auto r = server_->call(method, path, body);
      if (r.status != 0 && r.status != 403) return r;
      std::fprintf(stderr, "lynguine: warning: %s; using direct mode\n",
                   r.status == 0 ? "the server did not answer" : "path outside the server's root");
      use_direct_ = true;
    }
    if (!direct_) direct_ = direct(options_);
    return direct_->call(method, path, body);
  }
  bool remote() const override { return !use_direct_; }

 private:
  std::unique_ptr<client::ApiCaller> server_;
  std::unique_ptr<client::ApiCaller> direct_;
  CommonOptions options_;
  bool use_direct_ = false;
};

// Security: the answer of a server that could not be set up (bad URL).
class ErrorCaller : public client::ApiCaller {
 public:
  explicit ErrorCaller(std::string message) : message_(std::move(message)) {}
  client::CallResult call(std::string_view, std::string_view, std::string_view) override {
    return {0, message_};
  }
  bool remote() const override { return true; }

 private:
  std::string message_;
};

std::string option_or_env(const std::string& option, const char* name) {
  if (!option.empty()) return option;
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

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

std::unique_ptr<client::ApiCaller> make_caller(const CommonOptions& o) {
  // Security: an explicit server URL is used as it is (no direct-mode
  // fallback: a remote server's answer must not be replaced by local files).
  std::string url = option_or_env(o.server_url, "LYNGUINE_SERVER_URL");
  if (!url.empty()) {
    client::ServerCallerOptions so;
    so.url = url;
    so.api_key = option_or_env(o.api_key, "LYNGUINE_API_KEY");
    so.ca_file = option_or_env(o.ca_file, "LYNGUINE_CA_FILE");
    std::string err;
    auto server = client::make_server_caller(so, &err);
    if (!server) return std::make_unique<ErrorCaller>(err);
    return server;
  }
  bool no_fallback = o.no_fallback || env_true("LYNGUINE_NO_FALLBACK");
  if (!o.server && !no_fallback && !env_true("LYNGUINE_USE_SERVER")) return direct(o);
  client::ServerCallerOptions so;
  so.api_key = option_or_env(o.api_key, "LYNGUINE_API_KEY");  // security
  const char* root = std::getenv("LYNGUINE_SERVER_ROOT");
  const char* home = std::getenv("HOME");
  so.root = root && *root ? root : (home && *home ? home : current_directory());
  std::string err;
  auto server = client::make_server_caller(so, &err);
  if (no_fallback) {
    if (!server) return std::make_unique<ErrorCaller>("cannot use the server: " + err);
    return server;
  }
  if (!server) {
    std::fprintf(stderr, "lynguine: warning: cannot use the server (%s); using direct mode\n",
                 err.c_str());
    return direct(o);
  }
  return std::make_unique<FallbackCaller>(std::move(server), o);
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
