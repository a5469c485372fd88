// `lynguine serve`: its options. What they set up -- the HTTP server wired
// to the API, the lifecycle commands -- is the program's (src/app).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "app/serve.h"
#include "app/serve_api.h"
#include "app/server_control.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "config/paths.h"
#include "core/budget.h"
#include "ops/logging.h"
#include "service/api.h"

namespace lyn::cli {

namespace {

constexpr const char* kUsage =
    "usage: lynguine serve [--host HOST] [--port PORT | --socket PATH] [--root DIR]\n"
    "                      [--idle-timeout SECONDS] [--auth none] [--limit NAME=N ...]\n"
    "                      [--daemon] [--threads N] [--quiet]\n"
    "                      [--log-format text|json] [--log-level LEVEL] [--log-file PATH]\n"
    "       lynguine serve --status [--json] | --list [--json] | --ensure [--idle-timeout S]\n"
    "       lynguine serve --stop [--port PORT | --socket PATH | --all]\n";

constexpr const char* kDescription =
    "Serves lynguine's HTTP API (CIP-0008 server mode). Besides the API it serves GET / (a\n"
    "status page), GET /metrics (Prometheus) and GET /api/openapi.json (OpenAPI 3.0).";

constexpr const char* kFooter =
    "Started by systemd socket activation (LISTEN_FDS/LISTEN_PID, e.g. lynguine.socket),\n"
    "it serves the inherited listening socket (fd 3) and ignores --host/--port.";

// An option whose value is a file named relative to the current directory
// (--daemon changes directory): made absolute as it is parsed.
std::string absolute(std::string path) {
  return absolute_path(path);
}

}  // namespace

int run_serve_command(const std::vector<std::string>& args) {
  app::ServeOptions o = app::serve_options_from_env();
  bool status = false, stop = false, ensure = false, json = false, list = false, all = false;
  std::string log_format = "text", log_level, log_file, auth_token;
  auto seconds = [](std::chrono::milliseconds ms) {
    return static_cast<double>(ms.count()) / 1000.0;
  };
  double request_timeout = seconds(o.limits.request_timeout);
  double header_timeout = seconds(o.limits.header_timeout);
  double keep_alive_timeout = seconds(o.limits.keep_alive_timeout);
  double deadline = seconds(o.limits.deadline);

  auto cmd = make_command("lynguine serve", kUsage, kDescription);
  CLI::App& app = *cmd;
  app.footer(kFooter);
  const char* kServer = "Server";
  app.add_option("--host", o.host, "address to bind (default 127.0.0.1, env LYNGUINE_SERVER_HOST)")
      ->option_text("HOST")
      ->group(kServer);
  app.add_option("--port", o.port, "port (default 8765, env LYNGUINE_SERVER_PORT; 0 picks one)")
      ->option_text("PORT")
      ->transform(port_number())
      ->group(kServer);
  app.add_option("--socket", o.socket,
                 "listen on a Unix domain socket at PATH instead of TCP (only processes of "
                 "your user may connect; our clients start the per-user server this way)")
      ->option_text("PATH")
      ->transform(absolute)
      ->group(kServer);
  app.add_option("--root", o.root,
                 "every path a request names must lie under DIR (default: the current "
                 "directory)")
      ->option_text("DIR")
      ->check(CLI::ExistingDirectory)
      ->group(kServer);
  app.add_option("--idle-timeout", o.idle_timeout_seconds,
                 "exit after S seconds without requests (default: never)")
      ->option_text("S")
      ->check(non_negative_number())
      ->group(kServer);
  app.add_option("--threads", o.threads, "threads serving requests (default 2)")
      ->option_text("N")
      ->transform(whole_number(1))
      ->group(kServer);
  app.add_flag("--daemon", o.daemon, "run in the background; return once it is ready")
      ->group(kServer);
  app.add_flag("--quiet", o.quiet, "no start-up line, and warnings only in the log")
      ->group(kServer);

  const char* kLifecycle = "The running server (from its record in the state directory)";
  app.add_flag("--status", status, "show the running server")->group(kLifecycle);
  app.add_flag("--list", list,
               "one line per running server: pid, URL or socket, security mode, uptime, root")
      ->group(kLifecycle);
  app.add_flag("--json", json,
               "with --status: JSON whether or not a server runs; with --list: a JSON array")
      ->group(kLifecycle);
  app.add_flag("--stop", stop,
               "stop the running servers gracefully: all of them, or the one on --port PORT "
               "or --socket PATH")
      ->group(kLifecycle);
  app.add_flag("--all", all, "with --stop: every running server (the default)")->group(kLifecycle);
  app.add_flag("--ensure", ensure,
               "start a server unless one of this version runs; print its state")
      ->group(kLifecycle);

  const char* kLogs = "Logs";
  app.add_option("--log-format", log_format, "text (default) or json: one JSON object per line")
      ->option_text("F")
      ->check(CLI::IsMember({"text", "json"}))
      ->group(kLogs);
  app.add_option("--log-level", log_level,
                 "debug, info, warning or error; info writes one access line per request "
                 "(default: info; warning with --quiet or --daemon)")
      ->option_text("L")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}))
      ->group(kLogs);
  app.add_option("--log-file", log_file, "append logs to PATH (default: stderr)")
      ->option_text("PATH")
      ->transform(absolute)
      ->group(kLogs);

  const char* kSecurity = "Security (safe to leave running; see docs/deployment.md)";
  app.add_option("--allowed-host", o.guard.allowed_hosts,
                 "also accept Host: NAME (remote use; repeatable)")
      ->option_text("NAME")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kSecurity);
  app.add_option("--allow-origin", o.guard.allowed_origins,
                 "accept browser requests from ORIGIN, e.g. https://x.example (repeatable)")
      ->option_text("ORIGIN")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kSecurity);
  app.add_option("--auth-token-file", o.auth_token_file,
                 "require Authorization: Bearer <first line of F>")
      ->option_text("F")
      ->transform(absolute)
      ->group(kSecurity);
  app.add_option("--auth-token", auth_token,
                 "auto: a random token, also written 0600 to <state dir>/token; our clients use it")
      ->option_text("auto")
      ->check(CLI::IsMember({"auto"}))
      ->group(kSecurity);
  app.add_option("--auth", o.auth,
                 "none: a TCP server without API keys requires no token (for lynguine's own "
                 "ServerClient; every local user can then use it). Default: a random token, "
                 "recorded in the private state directory, which our clients send")
      ->option_text("none")
      ->check(CLI::IsMember({"none"}))
      ->group(kSecurity);
  app.add_option("--api-keys", o.api_keys_file,
                 "YAML/JSON list of {name, key, rights: read|write}; required to bind a "
                 "non-loopback address (e.g. --host 0.0.0.0)")
      ->option_text("FILE")
      ->transform(absolute)
      ->group(kSecurity);
  app.add_option("--tls-cert", o.tls_cert, "serve https with this PEM certificate chain")
      ->option_text("F")
      ->transform(absolute)
      ->group(kSecurity);
  app.add_option("--tls-key", o.tls_key, "... and this PEM private key")
      ->option_text("F")
      ->transform(absolute)
      ->group(kSecurity);
  app.add_flag("--require-tls", o.require_tls, "refuse a plain (non-TLS) non-loopback bind")
      ->group(kSecurity);
  app.add_option("--rate-limit", o.guard.rate_limit,
                 "requests per second per key / address (default: off)")
      ->option_text("N")
      ->check(non_negative_number())
      ->group(kSecurity);
  app.add_option("--trusted-proxy", o.guard.trusted_proxies,
                 "a reverse proxy's address: its X-Forwarded-For names the client for rate "
                 "and connection limits and logs (repeatable)")
      ->option_text("ADDR")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kSecurity);

  const char* kLimits = "Limits";
  app.add_option("--max-concurrent", o.limits.max_concurrent,
                 "requests in flight before 429 (default 64; 0: no cap)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  app.add_option("--max-response-bytes", o.guard.max_response_bytes,
                 "larger answers become 507 (default 256 MiB; 0: no cap)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  app.add_option("--request-timeout", request_timeout,
                 "seconds to receive a whole request (default 30)")
      ->option_text("S")
      ->check(non_negative_number(/*positive=*/true))
      ->group(kLimits);
  app.add_option("--header-timeout", header_timeout,
                 "seconds from a request's first byte to the end of its headers (default 10)")
      ->option_text("S")
      ->check(non_negative_number(/*positive=*/true))
      ->group(kLimits);
  app.add_option("--keep-alive-timeout", keep_alive_timeout,
                 "seconds an open connection may wait for its next request (default 30)")
      ->option_text("S")
      ->check(non_negative_number(/*positive=*/true))
      ->group(kLimits);
  app.add_option("--deadline", deadline,
                 "seconds from a complete request to its answer before 503 (default 60; 0: none)")
      ->option_text("S")
      ->check(non_negative_number())
      ->group(kLimits);
  app.add_option("--max-connections", o.limits.max_connections,
                 "open connections in all; beyond, the quietest is closed (default 1024)")
      ->option_text("N")
      ->transform(whole_number(1))
      ->group(kLimits);
  app.add_option("--max-connections-per-address", o.limits.max_connections_per_address,
                 "open connections from one address (default 128; 0: no cap)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  app.add_option(
         "--workers", o.limits.workers,
         "threads running request handlers (default: one per core, at least 2; 0: on the I/O "
         "threads)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  app.add_option("--max-queue", o.limits.max_queue,
                 "requests waiting for a worker before 503 (default 64)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  std::size_t cache_bytes = service::ApiOptions().cache_bytes;
  app.add_option("--cache-bytes", cache_bytes,
                 "memory for parsed files, least recently used dropped first; Liquid templates "
                 "get a sixteenth of it (default 256 MiB; 0: cache nothing)")
      ->option_text("N")
      ->transform(whole_number(0))
      ->group(kLimits);
  app.add_option("--max-body", o.limits.max_body,
                 "larger request bodies are answered 413 (default 64 MiB)")
      ->option_text("N")
      ->transform(whole_number(1))
      ->group(kLimits);
  // A request's own budget (core/budget.h): refusals name the NAME to raise.
  Limits budget;
  app.add_option_function<std::vector<std::string>>(
         "--limit",
         [&budget](const std::vector<std::string>& values) {
           for (const auto& v : values)
             if (auto st = set_limit(budget, v); !st.ok())
               throw CLI::ValidationError(st.error().message);
         },
         "a request's budget: NAME=N (repeatable; 0: none), e.g. liquid_loop_iterations=20000000; "
         "NAME one of " +
             limit_names())
      ->option_text("NAME=N")
      ->group(kLimits);

  if (auto done = parse_command(app, args)) return *done;

  // Combinations CLI11 cannot express, refused as its own errors are (exit 2).
  auto usage_error = [](const std::string& message) {
    std::fprintf(stderr, "lynguine serve: %s\nRun `lynguine serve --help` for its options.\n",
                 message.c_str());
    return 2;
  };
  if (all && !stop) return usage_error("--all goes with --stop");
  if (status) return app::serve_status(json);
  if (list) return app::serve_list(json);
  if (stop) {
    app::StopTarget which;
    bool by_port = app.count("--port") > 0, by_socket = app.count("--socket") > 0;
    if (all && (by_port || by_socket))
      return usage_error("--stop --all stops every server; drop --port/--socket");
    if (by_port && by_socket) return usage_error("--stop takes --port or --socket, not both");
    if (by_port) {
      if (o.port == 0) return usage_error("--stop --port needs the server's port (not 0)");
      which.port = o.port;
    }
    if (by_socket) which.socket = o.socket;
    return app::serve_stop(which);
  }
  if (ensure) return app::serve_ensure(o.idle_timeout_seconds);

  o.auth_token_auto = auth_token == "auto";
  auto ms = [](double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000)); };
  o.limits.request_timeout = ms(request_timeout);
  o.limits.header_timeout = ms(header_timeout);
  o.limits.keep_alive_timeout = ms(keep_alive_timeout);
  o.limits.deadline = ms(deadline);
  if (o.root.empty()) o.root = current_directory();

  // The log options are checked now (before --daemon forks); the logger
  // itself is opened in the serving process.
  app::LogSettings log;
  log.format = *ops::parse_log_format(log_format);
  log.level = log_level.empty()
                  ? (o.quiet || o.daemon ? ops::LogLevel::kWarning : ops::LogLevel::kInfo)
                  : *ops::parse_log_level(log_level);
  log.file = log_file;
  if (!log.file.empty()) {
    if (auto opened = ops::Logger::open(log.level, log.format, log.file); !opened.ok()) {
      std::fprintf(stderr, "lynguine serve: %s\n", opened.error().message.c_str());
      return 1;
    }
  }
  o.make_handler = app::api_handler_factory(log, budget, cache_bytes);
  return app::run_serve(o);
}

}  // namespace lyn::cli
