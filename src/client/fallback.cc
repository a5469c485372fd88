#include "client/fallback.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "client/ensure_server.h"
#include "config/paths.h"
#include "core/case.h"

namespace lyn::client {

namespace {

bool env_true(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return false;
  return std::strcmp(v, "1") == 0 || ascii_iequals(v, "true") || ascii_iequals(v, "yes");
}

std::unique_ptr<ApiCaller> direct(const CallerOptions& o) {
  service::ApiOptions opts;
  opts.root = o.root.empty() ? current_directory() : o.root;
  opts.extra_roots = o.extra_roots;
  return make_direct_caller(std::move(opts));
}

// A server caller that falls back to direct mode for any request the server
// cannot serve (not reachable, or the path lies outside its root).
class FallbackCaller : public ApiCaller {
 public:
  FallbackCaller(std::unique_ptr<ApiCaller> server, CallerOptions o)
      : server_(std::move(server)), options_(std::move(o)) {}
  CallResult call(std::string_view method, std::string_view path, std::string_view body) override {
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
  std::unique_ptr<ApiCaller> server_;
  std::unique_ptr<ApiCaller> direct_;
  CallerOptions options_;
  bool use_direct_ = false;
};

// Security: the answer of a server that could not be set up (bad URL).
class ErrorCaller : public ApiCaller {
 public:
  explicit ErrorCaller(std::string message) : message_(std::move(message)) {}
  CallResult call(std::string_view, std::string_view, std::string_view) override {
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

std::unique_ptr<ApiCaller> make_caller(const CallerOptions& o) {
  // Security: an explicit server URL is used as it is (no direct-mode
  // fallback: a remote server's answer must not be replaced by local files).
  std::string url = option_or_env(o.server_url, "LYNGUINE_SERVER_URL");
  if (!url.empty()) {
    ServerCallerOptions so;
    so.url = url;
    so.api_key = option_or_env(o.api_key, "LYNGUINE_API_KEY");
    so.ca_file = option_or_env(o.ca_file, "LYNGUINE_CA_FILE");
    auto server = make_server_caller(so);
    if (!server.ok()) return std::make_unique<ErrorCaller>(server.error().message);
    return std::move(server).value();
  }
  bool no_fallback = o.no_fallback || env_true("LYNGUINE_NO_FALLBACK");
  if (!o.server && !no_fallback && !env_true("LYNGUINE_USE_SERVER")) return direct(o);
  ServerCallerOptions so;
  so.api_key = option_or_env(o.api_key, "LYNGUINE_API_KEY");  // security
  so.root = default_server_root();
  auto server = make_server_caller(so);
  if (no_fallback) {
    if (!server.ok())
      return std::make_unique<ErrorCaller>("cannot use the server: " + server.error().message);
    return std::move(server).value();
  }
  if (!server.ok()) {
    std::fprintf(stderr, "lynguine: warning: cannot use the server (%s); using direct mode\n",
                 server.error().message.c_str());
    return direct(o);
  }
  return std::make_unique<FallbackCaller>(std::move(server).value(), o);
}

}  // namespace lyn::client
