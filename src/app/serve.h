// serve_main: the `lynguine serve` family of commands, wiring HttpServer and
// the lifecycle together. Endpoints are not known here: the caller (the CLI)
// supplies a factory that builds the request handler once the server knows
// its port, so it can fill lyn::service::ApiOptions (idle_seconds, status).
//
//   run_serve(options)  `serve [--daemon]`: check the security options (a
//                       non-loopback bind needs API keys), listen, wrap the
//                       handler in a Guard, record server.json, serve
//                       until idle timeout or SIGTERM/SIGINT/SIGHUP, drain, remove
//                       server.json if still ours. Returns the exit code.
//   serve_status()      `serve status`: prints the state JSON (with "alive")
//                       and returns 0 if a live server is recorded; else
//                       prints "lynguine server not running" and returns 1.
//   serve_stop()        `serve stop`: SIGTERM to the recorded server, waits for
//                       it to exit, returns 0; if none is running says so, 1.
//
// Threads: call from the main thread of a process that has started no other
// thread (run_serve with daemon=true forks).
#ifndef LYNGUINE_APP_SERVE_H_
#define LYNGUINE_APP_SERVE_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>

#include "server/guard.h"
#include "server/http_server.h"
#include "ops/lifecycle.h"

namespace lyn::server {

// What the handler factory may want to know about the server it serves.
struct ServeInfo {
  std::string host;
  unsigned short port = 0;  // the bound port (never 0)
  pid_t pid = 0;
  std::string root;  // absolute
  std::string version;
  double started_at = 0;  // unix seconds
  double idle_timeout_seconds = 0;
  std::string state_dir;
  // Live figures; callable from any thread while the server runs.
  std::function<double()> idle_seconds;
  std::function<std::size_t()> in_flight;
};

using HandlerFactory = std::function<Handler(const ServeInfo&)>;

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8765;       // 0: pick a free port
  std::string root;                 // empty: current directory
  double idle_timeout_seconds = 0;  // 0: never
  bool daemon = false;
  int threads = 2;
  std::string token;  // recorded in server.json when non-empty (and required; see guard.h)
  std::string version = LYNGUINE_VERSION;
  ServerLimits limits;
  bool write_state = true;  // record server.json in the state directory
  bool quiet = false;       // no "listening on" line on stderr (foreground)
  HandlerFactory make_handler;

  // --- Security ("safe to leave running"; see guard.h) ---
  // Host/Origin allow-lists, rate limit, response cap. `remote`, `token` and
  // `api_keys` are filled in by run_serve from the options below.
  GuardOptions guard;
  std::string auth_token_file;    // --auth-token-file FILE: the token is its first line
  bool auth_token_auto = false;   // --auth-token auto: random, written 0600 to <state dir>/token
  std::string api_keys_file;      // --api-keys FILE (required for a non-loopback bind)
  std::string tls_cert, tls_key;  // --tls-cert / --tls-key: serve https
  bool require_tls = false;       // --require-tls: refuse a plain non-loopback bind
};

// ServeOptions with host/port taken from LYNGUINE_SERVER_HOST and
// LYNGUINE_SERVER_PORT when set (flags given later override them).
ServeOptions serve_options_from_env();

int run_serve(const ServeOptions& options);
int serve_status();
int serve_stop();

}  // namespace lyn::server

#endif  // LYNGUINE_APP_SERVE_H_
