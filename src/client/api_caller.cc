#include "client/api_caller.h"

#include <cstdio>
#include <cstdlib>

#include "client/ensure_server.h"
#include "client/http_client.h"
#include "ops/process.h"
#include "ops/state_file.h"

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
               ClientOptions client_options = {})
      : client_(std::move(host), port, std::move(client_options)), token_(std::move(token)) {}
  CallResult call(std::string_view method, std::string_view path, std::string_view body) override {
    HeaderList headers;
    if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
    auto r = client_.request(method, path, body, headers);
    if (!r.ok()) return {0, r.error().message};
    return {r->status, std::move(r->body)};
  }
  bool remote() const override { return true; }

 private:
  HttpClient client_;
  std::string token_;
};

}  // namespace

std::unique_ptr<ApiCaller> make_direct_caller(service::ApiOptions options) {
  return std::make_unique<DirectCaller>(std::move(options));
}

Result<ServerUrl> parse_server_url(std::string_view url) {
  auto fail = [&](const std::string& m) -> Result<ServerUrl> {
    return Error::value("bad server URL '" + std::string(url) + "': " + m);
  };
  ServerUrl out;
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    out.tls = false;
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
  unsigned long n = out.tls ? 443 : 80;
  if (!p.empty() || rest.back() == ':') {
    if (p.empty() || p.size() > 5) return fail("bad port");
    n = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return fail("bad port");
      n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (n == 0 || n > 65535) return fail("bad port");
  }
  out.host = std::string(h);
  out.port = static_cast<unsigned short>(n);
  return out;
}

Result<std::unique_ptr<ApiCaller>> make_server_caller(const ServerCallerOptions& options) {
  using Answer = Result<std::unique_ptr<ApiCaller>>;
  // Security: an explicit URL (maybe https, maybe with an API key) is used
  // as it is; nothing is looked up or started.
  if (!options.url.empty()) {
    auto url = parse_server_url(options.url);
    if (!url.ok()) return url.error();
    ClientOptions co;
    co.tls = url->tls;
    co.ca_file = options.ca_file;
    return Answer(std::make_unique<ServerCaller>(url->host, url->port, options.api_key, co));
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
    return Answer(std::make_unique<ServerCaller>(host, port, options.api_key));
  }
  if (auto dir = ops::state_dir(); dir.ok()) {
    if (auto st = ops::read_state(*dir);
        st.ok() && st->version == LYNGUINE_VERSION && ops::pid_alive(st->pid)) {
      // Fast path: trust a live pid of our version; a failed call falls back.
      return Answer(std::make_unique<ServerCaller>(st->host, st->port, st->token));
    }
  }
  if (!options.auto_start) return Error{"ConnectionError", "no lynguine server is running", 503};
  EnsureOptions eo;
  eo.root = options.root;
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  auto st = ensure_server(eo);
  if (!st.ok()) return st.error();
  return Answer(std::make_unique<ServerCaller>(st->host, st->port, st->token));
}

}  // namespace lyn::client
