#include "client/api_caller.h"

#include <cstdlib>

#include "client/http_client.h"
#include "ops/lifecycle.h"

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
  ServerCaller(std::string host, unsigned short port, std::string token,
               server::ClientOptions client_options = {})
      : client_(std::move(host), port, std::move(client_options)), token_(std::move(token)) {}
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

bool parse_server_url(std::string_view url, bool* tls, std::string* host, unsigned short* port,
                      std::string* err) {
  auto fail = [&](const std::string& m) {
    if (err) *err = "bad server URL '" + std::string(url) + "': " + m;
    return false;
  };
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    *tls = true;
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    *tls = false;
    rest = url.substr(7);
  } else {
    return fail("it must start with http:// or https://");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos)
    return fail("give only scheme://host[:port]");
  std::string_view h = rest, p;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return fail("unbalanced [");
    h = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("junk after ]");
      p = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    h = rest.substr(0, colon);
    p = rest.substr(colon + 1);
  }
  if (h.empty()) return fail("no host");
  unsigned long n = *tls ? 443 : 80;
  if (!p.empty() || rest.back() == ':') {
    if (p.empty() || p.size() > 5) return fail("bad port");
    n = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return fail("bad port");
      n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (n == 0 || n > 65535) return fail("bad port");
  }
  *host = std::string(h);
  *port = static_cast<unsigned short>(n);
  return true;
}

std::unique_ptr<ApiCaller> make_server_caller(const ServerCallerOptions& options,
                                              std::string* err) {
  // Security: an explicit URL (maybe https, maybe with an API key) is used
  // as it is; nothing is looked up or started.
  if (!options.url.empty()) {
    bool tls = false;
    std::string url_host;
    unsigned short url_port = 0;
    if (!parse_server_url(options.url, &tls, &url_host, &url_port, err)) return nullptr;
    server::ClientOptions co;
    co.tls = tls;
    co.ca_file = options.ca_file;
    return std::make_unique<ServerCaller>(url_host, url_port, options.api_key, co);
  }
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
    return std::make_unique<ServerCaller>(host, port, options.api_key);
  }
  if (auto dir = server::state_dir()) {
    if (auto st = server::read_state(*dir);
        st && st->version == LYNGUINE_VERSION && server::pid_alive(st->pid)) {
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
