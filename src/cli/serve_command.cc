// `lynguine serve`: the HTTP server (src/server) wired to the API
// (src/service). The server knows nothing of formats; the API nothing of
// sockets; this file is where the two meet.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "cli/commands.h"
#include "config/paths.h"
#include "ops/logging.h"
#include "ops/metrics.h"
#include "ops/openapi.h"
#include "app/serve.h"
#include "ops/status_page.h"
#include "service/api.h"

namespace lyn::cli {

namespace {

const char* kServeHelp =
    "usage: lynguine serve [--host HOST] [--port PORT] [--root DIR] [--idle-timeout SECONDS]\n"
    "                      [--daemon] [--threads N]\n"
    "                      [--log-format text|json] [--log-level LEVEL] [--log-file PATH]\n"
    "       lynguine serve --status | --stop | --ensure\n"
    "\n"
    "Serves lynguine's HTTP API (CIP-0008 server mode).\n"
    "  --host HOST           address to bind (default 127.0.0.1, env LYNGUINE_SERVER_HOST)\n"
    "  --port PORT           port (default 8765, env LYNGUINE_SERVER_PORT; 0 picks one)\n"
    "  --root DIR            every path a request names must lie under DIR\n"
    "                        (default: the current directory)\n"
    "  --idle-timeout S      exit after S seconds without requests (default: never)\n"
    "  --daemon              run in the background; return once it is ready\n"
    "  --status              show the running server (from the state file)\n"
    "  --stop                stop the running server gracefully\n"
    "  --ensure              start a server unless one of this version runs; print its state\n"
    "  --log-format F        text (default) or json: one JSON object per line\n"
    "  --log-level L         debug, info, warning or error; info writes one access line per\n"
    "                        request (default: info; warning with --quiet or --daemon)\n"
    "  --log-file PATH       append logs to PATH (default: stderr)\n"
    "Besides the API it serves GET / (a status page), GET /metrics (Prometheus) and\n"
    "GET /api/openapi.json (OpenAPI 3.0).\n"
    "Security (safe to leave running; see src/server/guard.h):\n"
    "  --allowed-host NAME   also accept Host: NAME (remote use; repeatable)\n"
    "  --allow-origin ORIGIN accept browser requests from ORIGIN, e.g. https://x.example\n"
    "  --auth-token-file F   require Authorization: Bearer <first line of F>\n"
    "  --auth-token auto     a random token, written 0600 beside server.json; our clients use it\n"
    "  --api-keys FILE       YAML/JSON list of {name, key, rights: read|write}; required to bind\n"
    "                        a non-loopback address (e.g. --host 0.0.0.0)\n"
    "  --tls-cert F --tls-key F   serve https; --require-tls refuses a plain remote bind\n"
    "  --rate-limit N        requests per second per key / address (default: off)\n"
    "  --max-concurrent N    requests in flight before 429 (default 64)\n"
    "  --max-response-bytes N   larger answers become 507 (default 256 MiB)\n"
    "  --request-timeout S   seconds to receive a whole request (default 30)\n"
    "  --max-body N          larger request bodies are answered 413 (default 64 MiB)\n"
    "Started by systemd socket activation (LISTEN_FDS/LISTEN_PID, e.g. lynguine.socket),\n"
    "it serves the inherited listening socket (fd 3) and ignores --host/--port.\n";

// Security options (see src/server/guard.h): 1 taken, 0 not ours, -1 bad value.
int take_security_option(const std::vector<std::string>& a, size_t& i, server::ServeOptions& o) {
  const std::string& s = a[i];
  if (s == "--require-tls") {
    o.require_tls = true;
    return 1;
  }
  if (i + 1 >= a.size()) return 0;
  const std::string& v = a[i + 1];
  auto number = [&](double* out) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || !end || *end != '\0' || !(d >= 0)) return false;
    *out = d;
    return true;
  };
  double d = 0;
  if (s == "--allowed-host") {
    o.guard.allowed_hosts.push_back(v);
  } else if (s == "--allow-origin") {
    o.guard.allowed_origins.push_back(v);
  } else if (s == "--auth-token-file") {
    o.auth_token_file = absolute_path(v);
  } else if (s == "--auth-token") {
    if (v != "auto") return -1;
    o.auth_token_auto = true;
  } else if (s == "--api-keys") {
    o.api_keys_file = absolute_path(v);
  } else if (s == "--tls-cert") {
    o.tls_cert = absolute_path(v);
  } else if (s == "--tls-key") {
    o.tls_key = absolute_path(v);
  } else if (s == "--rate-limit") {
    if (!number(&d)) return -1;
    o.guard.rate_limit = d;
  } else if (s == "--max-concurrent") {
    if (!number(&d)) return -1;
    o.limits.max_concurrent = static_cast<std::size_t>(d);
  } else if (s == "--max-response-bytes") {
    if (!number(&d)) return -1;
    o.guard.max_response_bytes = static_cast<std::size_t>(d);
  } else if (s == "--max-body") {
    if (!number(&d) || d < 1) return -1;
    o.limits.max_body = static_cast<std::size_t>(d);
  } else if (s == "--request-timeout") {
    if (!number(&d) || d <= 0) return -1;
    o.limits.request_timeout = std::chrono::milliseconds(static_cast<long long>(d * 1000));
  } else {
    return 0;
  }
  ++i;
  return 1;
}

// `serve --ensure`: a running server of our version, started if needed;
// prints its state as JSON (for clients in other languages).
int ensure_and_print() {
  server::EnsureOptions eo;
  const char* root = std::getenv("LYNGUINE_SERVER_ROOT");
  const char* home = std::getenv("HOME");
  eo.root = root && *root ? root : (home && *home ? home : current_directory());
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  std::string err;
  auto st = server::ensure_server(eo, &err);
  if (!st) {
    std::fprintf(stderr, "lynguine: cannot start a server: %s\n", err.c_str());
    return 1;
  }
  std::printf("%s\n", server::state_to_json(*st).c_str());
  return 0;
}

// ---- Observability (transport level: src/service is not involved) ----------
// The API handler is wrapped: GET / (status page), GET /metrics and GET
// /api/openapi.json are answered here, everything else goes to the API; every
// request is timed into the Metrics and access-logged.
struct LogOptions {
  std::string format = "text", level, file;  // level empty: the default
};

bool path_is(std::string_view target, std::string_view path) {
  return target.substr(0, target.find('?')) == path;
}

server::Handler with_observability(std::shared_ptr<service::Api> api, server::Handler inner,
                                   const server::ServeInfo& info,
                                   std::shared_ptr<server::Logger> log) {
  auto metrics = std::make_shared<server::Metrics>(info.started_at);
  server::MetricsSources sources;
  sources.cache_hits = [api] { return api->cache_stats().hits; };
  sources.cache_misses = [api] { return api->cache_stats().misses; };
  sources.cache_entries = [api] { return api->cache_stats().entries; };
  sources.in_flight = info.in_flight;
  sources.idle_seconds = info.idle_seconds;
  sources.idle_timeout_seconds = info.idle_timeout_seconds;
  sources.version = info.version;
  // GET /api/sessions lists without touching the sessions' access times.
  sources.sessions = [api]() -> std::size_t {
    auto j = nlohmann::json::parse(api->handle("GET", "/api/sessions", "").body, nullptr, false);
    return j.is_object() && j.contains("total_sessions") && j["total_sessions"].is_number()
               ? j["total_sessions"].get<std::size_t>()
               : 0;
  };
  log->log(server::LogLevel::kInfo, "serving",
           {server::log_field("host", info.host),
            server::log_field("port", static_cast<long long>(info.port)),
            server::log_field("pid", static_cast<long long>(info.pid)),
            server::log_field("root", info.root), server::log_field("version", info.version)});
  return [inner = std::move(inner), metrics, sources = std::move(sources),
          log](const server::HttpRequest& req) {
    auto t0 = std::chrono::steady_clock::now();
    if (log->enabled(server::LogLevel::kDebug))
      log->log(server::LogLevel::kDebug, "received",
               {server::log_field("method", req.method), server::log_field("path", req.target),
                server::log_field("body_bytes", static_cast<long long>(req.body.size())),
                server::log_field("user_agent", req.header("User-Agent"))});
    server::HttpResponse resp;
    const bool ours = path_is(req.target, "/") || path_is(req.target, "/metrics") ||
                      path_is(req.target, "/api/openapi.json");
    if (ours && req.method != "GET") {
      resp.status = 405;
      resp.body = server::json_error_body(
          "ValueError",
          req.method + " not supported for: " + req.target.substr(0, req.target.find('?')));
    } else if (path_is(req.target, "/")) {
      resp.content_type = "text/html; charset=utf-8";
      resp.body = std::string(server::status_page_html());
      resp.headers.emplace_back("Cache-Control", "no-cache");
    } else if (path_is(req.target, "/metrics")) {
      resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
      resp.body = metrics->render(sources);
    } else if (path_is(req.target, "/api/openapi.json")) {
      resp.body = server::openapi_json();
    } else {
      resp = inner(req);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metrics->observe(req.method, req.target, resp.status, secs);
    log->access(req.method, req.target, resp.status, secs, resp.body.size(), req.remote);
    return resp;
  };
}
// ---- end of observability ---------------------------------------------------

}  // namespace

int run_serve_command(const std::vector<std::string>& a) {
  server::ServeOptions o = server::serve_options_from_env();
  LogOptions log_options;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    bool has_next = i + 1 < a.size();
    if (s == "--help" || s == "-h") {
      std::fputs(kServeHelp, stdout);
      return 0;
    } else if (s == "--status") {
      return server::serve_status();
    } else if (s == "--stop") {
      return server::serve_stop();
    } else if (s == "--ensure") {
      return ensure_and_print();
    } else if (s == "--host" && has_next) {
      o.host = a[++i];
    } else if (s == "--port" && has_next) {
      o.port = static_cast<unsigned short>(std::atoi(a[++i].c_str()));
    } else if (s == "--root" && has_next) {
      o.root = a[++i];
    } else if (s == "--idle-timeout" && has_next) {
      o.idle_timeout_seconds = std::atof(a[++i].c_str());
    } else if (s == "--threads" && has_next) {
      o.threads = std::max(1, std::atoi(a[++i].c_str()));
    } else if (s == "--daemon") {
      o.daemon = true;
    } else if (s == "--quiet") {
      o.quiet = true;
    } else if (int t = take_security_option(a, i, o); t != 0) {  // security options
      if (t < 0) {
        std::fprintf(stderr, "lynguine serve: bad value for %s\n", s.c_str());
        return 2;
      }
    } else if (s == "--log-format" && has_next) {  // observability: log options
      log_options.format = a[++i];
    } else if (s == "--log-level" && has_next) {
      log_options.level = a[++i];
    } else if (s == "--log-file" && has_next) {
      log_options.file = a[++i];
    } else {
      std::fprintf(stderr, "lynguine serve: unexpected argument '%s'\n\n%s", s.c_str(), kServeHelp);
      return 2;
    }
  }
  if (o.root.empty()) o.root = current_directory();
  // Observability: check the log options now (before --daemon forks); the
  // logger itself is opened in the serving process, in make_handler.
  auto log_format = server::parse_log_format(log_options.format);
  auto log_level = log_options.level.empty()
                       ? std::optional(o.quiet || o.daemon ? server::LogLevel::kWarning
                                                           : server::LogLevel::kInfo)
                       : server::parse_log_level(log_options.level);
  if (!log_format || !log_level) {
    std::fputs(
        "lynguine serve: --log-format is text|json, --log-level is "
        "debug|info|warning|error\n",
        stderr);
    return 2;
  }
  if (!log_options.file.empty()) {
    log_options.file = absolute_path(log_options.file);  // --daemon changes directory
    std::string err;
    if (!server::Logger::open(*log_level, *log_format, log_options.file, &err)) {
      std::fprintf(stderr, "lynguine serve: %s\n", err.c_str());
      return 1;
    }
  }
  o.make_handler = [log_options, log_format,
                    log_level](const server::ServeInfo& info) -> server::Handler {
    service::ApiOptions api_options;
    api_options.root = info.root;
    api_options.idle_timeout_seconds = info.idle_timeout_seconds;
    api_options.idle_seconds = info.idle_seconds;
    auto api = std::make_shared<service::Api>(std::move(api_options));
    auto handler = [api](const server::HttpRequest& req) {
      auto reply = api->handle(req.method, req.target, req.body);
      server::HttpResponse resp;
      resp.status = reply.status;
      resp.body = std::move(reply.body);
      char timing[48] = "op;dur=";
      auto r = std::to_chars(timing + 7, timing + sizeof timing, reply.operation_ms,
                             std::chars_format::fixed, 3);
      resp.headers.emplace_back("Server-Timing", std::string(timing, r.ptr - timing));
      return resp;
    };
    // Observability: status page, /metrics, OpenAPI, access log.
    std::string err;
    std::shared_ptr<server::Logger> log =
        server::Logger::open(*log_level, *log_format, log_options.file, &err);
    if (!log) throw std::runtime_error(err);
    return with_observability(api, std::move(handler), info, std::move(log));
  };
  return server::run_serve(o);
}

}  // namespace lyn::cli
