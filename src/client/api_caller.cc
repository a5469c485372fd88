#include "client/api_caller.h"

#include <cstdlib>

#include "server/http_client.h"
#include "server/lifecycle.h"

namespace lyn::client {

namespace {

class DirectCaller : public ApiCaller {
 public:
  explicit DirectCaller(service::ApiOptions options) : api_(std::move(options)) {}
  CallResult call(std::string_view method, std::string_view path, std::string_view body) override {
    auto r = api_.handle(method, path, body);
    return {r.status, std::move(r.body)};
  }
  bool remote() const override { return false; }

 private:
  service::Api api_;
};

class ServerCaller : public ApiCaller {
 public:
  ServerCaller(std::string host, unsigned short port, std::string token)
      : client_(std::move(host), port), token_(std::move(token)) {}
  CallResult call(std::string_view method, std::string_view path, std::string_view body) override {
    server::HeaderList headers;
    if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
    std::string err;
    auto r = client_.request(method, path, body, headers, &err);
    if (!r) return {0, err};
    return {r->status, std::move(r->body)};
  }
  bool remote() const override { return true; }

 private:
  server::HttpClient client_;
  std::string token_;
};

}  // namespace

std::unique_ptr<ApiCaller> make_direct_caller(service::ApiOptions options) {
  return std::make_unique<DirectCaller>(std::move(options));
}

std::unique_ptr<ApiCaller> make_server_caller(const ServerCallerOptions& options,
                                              std::string* err) {
  std::string host = options.host;
  unsigned short port = options.port;
  if (host.empty()) {
    const char* h = std::getenv("LYNGUINE_SERVER_HOST");
    host = h && *h ? h : "";
  }
  if (port == 0) {
    if (const char* p = std::getenv("LYNGUINE_SERVER_PORT"); p && *p) port = std::atoi(p);
  }
  // An explicit address: use it as it is, never start anything.
  if (!host.empty() || port != 0) {
    if (host.empty()) host = "127.0.0.1";
    if (port == 0) port = 8765;
    return std::make_unique<ServerCaller>(host, port, "");
  }
  if (auto dir = server::state_dir()) {
    if (auto st = server::read_state(*dir); st && st->version == LYNGUINE_VERSION &&
                                            server::pid_alive(st->pid)) {
      // Fast path: trust a live pid of our version; a failed call falls back.
      return std::make_unique<ServerCaller>(st->host, st->port, st->token);
    }
  }
  if (!options.auto_start) {
    if (err) *err = "no lynguine server is running";
    return nullptr;
  }
  server::EnsureOptions eo;
  eo.root = options.root;
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  auto st = server::ensure_server(eo, err);
  if (!st) return nullptr;
  return std::make_unique<ServerCaller>(st->host, st->port, st->token);
}

}  // namespace lyn::client
