// `lynguine serve`: the HTTP server (src/server) wired to the API
// (src/service). The server knows nothing of formats; the API nothing of
// sockets; this file is where the two meet.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.h"
#include "config/paths.h"
#include "server/serve_main.h"
#include "service/api.h"

namespace lyn::cli {

namespace {

const char* kServeHelp =
    "usage: lynguine serve [--host HOST] [--port PORT] [--root DIR] [--idle-timeout SECONDS]\n"
    "                      [--daemon] [--threads N]\n"
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
    "Started by systemd socket activation (LISTEN_FDS/LISTEN_PID, e.g. lynguine.socket),\n"
    "it serves the inherited listening socket (fd 3) and ignores --host/--port.\n";

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

}  // namespace

int run_serve_command(const std::vector<std::string>& a) {
  server::ServeOptions o = server::serve_options_from_env();
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
    } else {
      std::fprintf(stderr, "lynguine serve: unexpected argument '%s'\n\n%s", s.c_str(),
                   kServeHelp);
      return 2;
    }
  }
  if (o.root.empty()) o.root = current_directory();
  o.make_handler = [](const server::ServeInfo& info) -> server::Handler {
    service::ApiOptions api_options;
    api_options.root = info.root;
    api_options.idle_timeout_seconds = info.idle_timeout_seconds;
    api_options.idle_seconds = info.idle_seconds;
    auto api = std::make_shared<service::Api>(std::move(api_options));
    return [api](const server::HttpRequest& req) {
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
  };
  return server::run_serve(o);
}

}  // namespace lyn::cli
