// `lynguine serve`: its options. What they set up -- the HTTP server wired
// to the API -- is the program's (src/app).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "app/serve.h"
#include "app/serve_api.h"
#include "app/server_control.h"
#include "cli/commands.h"
#include "config/paths.h"
#include "ops/logging.h"

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
int take_security_option(const std::vector<std::string>& a, size_t& i, app::ServeOptions& o) {
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

struct LogOptions {
  std::string format = "text", level, file;  // level empty: the default
};

}  // namespace

int run_serve_command(const std::vector<std::string>& a) {
  app::ServeOptions o = app::serve_options_from_env();
  LogOptions log_options;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    bool has_next = i + 1 < a.size();
    if (s == "--help" || s == "-h") {
      std::fputs(kServeHelp, stdout);
      return 0;
    } else if (s == "--status") {
      return app::serve_status();
    } else if (s == "--stop") {
      return app::serve_stop();
    } else if (s == "--ensure") {
      return app::serve_ensure();
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
  // Check the log options now (before --daemon forks); the logger itself is
  // opened in the serving process.
  auto log_format = ops::parse_log_format(log_options.format);
  auto log_level =
      log_options.level.empty()
          ? std::optional(o.quiet || o.daemon ? ops::LogLevel::kWarning : ops::LogLevel::kInfo)
          : ops::parse_log_level(log_options.level);
  if (!log_format || !log_level) {
    std::fputs(
        "lynguine serve: --log-format is text|json, --log-level is "
        "debug|info|warning|error\n",
        stderr);
    return 2;
  }
  app::LogSettings log{*log_level, *log_format, ""};
  if (!log_options.file.empty()) {
    log.file = absolute_path(log_options.file);  // --daemon changes directory
    if (auto opened = ops::Logger::open(log.level, log.format, log.file); !opened.ok()) {
      std::fprintf(stderr, "lynguine serve: %s\n", opened.error().message.c_str());
      return 1;
    }
  }
  o.make_handler = app::api_handler_factory(log);
  return app::run_serve(o);
}

}  // namespace lyn::cli
