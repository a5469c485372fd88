#include "client/api_caller.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "client/ensure_server.h"
#include "client/http_client.h"
#include "client/server_check.h"
#include "core/json.h"
#include "ops/process.h"
#include "ops/state_dir.h"
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
  CallResult call_pieces(std::string_view method, std::string_view path, std::string_view body,
                         const std::function<void(std::string_view)>& piece) override {
    auto r = api_.handle_streaming(method, path, body);
    // The Api streams successes only: an error is in r.body whole.
    if (r.status < 200 || r.status >= 300) return {r.status, std::move(r.body)};
    piece(r.body);
    if (!r.stream) return {r.status, {}};
    std::string next;
    try {
      while (r.stream->next(next)) {
        piece(next);
        next.clear();
      }
    } catch (const std::exception& e) {
      return {500,
              "{\"status\": \"error\", \"error_type\": \"InternalError\", "
              "\"error_message\": " +
                  to_json(Value(e.what())) + "}"};
    }
    return {r.status, {}};
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
  // A recorded server: every connection is proved (client/server_check.h)
  // before the record's token is sent on it.
  explicit ServerCaller(const ops::ServerRecord& record, const std::string& ca_file = "")
      : ServerCaller(endpoint_for(record, ca_file), record.token) {}
  ServerCaller(ServerEndpoint e, std::string token)
      : ServerCaller(std::move(e.host), e.port, std::move(token), std::move(e.options)) {}
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

CallResult ApiCaller::call_pieces(std::string_view method, std::string_view path,
                                  std::string_view body,
                                  const std::function<void(std::string_view)>& piece) {
  CallResult r = call(method, path, body);
  if (r.status >= 200 && r.status < 300) {
    piece(r.body);
    r.body.clear();
  }
  return r;
}

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

namespace {

// A live server of ours recorded at host:port (plain HTTP) that requires a
// token: its record, whose token our caller sends on connections where the
// server proved itself. (One without a token has nothing to protect: it is
// used as any address is, without the proof's extra round trip.)
std::optional<ops::ServerRecord> recorded_tcp_server(const Result<ops::StateDir>& dir,
                                                     const std::string& host, unsigned short port) {
  if (!dir.ok()) return std::nullopt;
  std::string h = host == "localhost" ? "127.0.0.1" : host;
  for (auto& r : ops::list_records(*dir))
    if (r.socket.empty() && r.port == port && !r.tls && !r.token.empty() &&
        endpoint_for(r).host == h && ops::same_process(r.pid, r.process_start))
      return std::move(r);
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<ApiCaller>> make_server_caller(const ServerCallerOptions& options) {
  using Answer = Result<std::unique_ptr<ApiCaller>>;
  auto dir = ops::StateDir::open();
  // Security: an explicit URL (maybe https, maybe with an API key) is used
  // as it is; nothing is started. Without a key, a server of ours recorded
  // at a plain http URL gets its token after proving itself.
  if (!options.url.empty()) {
    auto url = parse_server_url(options.url);
    if (!url.ok()) return url.error();
    if (!url->tls && options.api_key.empty())
      if (auto r = recorded_tcp_server(dir, url->host, url->port))
        return Answer(std::make_unique<ServerCaller>(*r));
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
  // An explicit address: never start anything. A server of ours recorded
  // there is proved and sent its token; anything else is used as it is.
  if (!host.empty() || port != 0) {
    if (host.empty()) host = "127.0.0.1";
    if (port == 0) port = 8765;
    if (options.api_key.empty())
      if (auto r = recorded_tcp_server(dir, host, port))
        return Answer(std::make_unique<ServerCaller>(*r));
    return Answer(std::make_unique<ServerCaller>(host, port, options.api_key));
  }
  // The per-user server, on its Unix socket in the private state directory.
  if (!dir.ok()) return dir.error();
  if (auto r = recorded_local_server(*dir, LYNGUINE_VERSION)) {
    // Fast path: its process is alive as recorded; the connection is proved
    // as it opens, and a failed call falls back.
    return Answer(std::make_unique<ServerCaller>(*r));
  }
  if (!options.auto_start) return Error{"ConnectionError", "no lynguine server is running", 503};
  EnsureOptions eo;
  eo.root = options.root;
  eo.state_dir = dir->path();
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  auto st = ensure_server(eo);
  if (!st.ok()) return st.error();
  return Answer(std::make_unique<ServerCaller>(*st));
}

}  // namespace lyn::client
