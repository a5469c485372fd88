// serve: `lynguine serve` put together -- the HttpServer (src/server), its
// Guard, the state file, the daemon and the shutdown watch (src/ops). The
// endpoints are not known here: the caller supplies a factory that builds
// the request handler (and the route description the Guard reads) once the
// server knows its port, so it can fill lyn::service::ApiOptions
// (idle_seconds, status); app/serve_api.h has the one for lynguine's API.
//
//   run_serve(options)  `serve [--daemon]`: check the security options (a
//                       non-loopback bind needs API keys; a TCP bind without
//                       keys needs the local token unless --auth none),
//                       listen on TCP or a Unix socket, wrap the handler in
//                       a Guard and the proof of identity, record
//                       server-<pid>.json (and lynguine's lockfile for TCP),
//                       serve until idle timeout or SIGTERM/SIGINT/SIGHUP,
//                       drain, remove the record, socket and lockfile if
//                       still ours. The exit code.
//
// Threads: call from the main thread of a process that has started no other
// thread (run_serve with daemon=true forks).
#ifndef LYNGUINE_APP_SERVE_H_
#define LYNGUINE_APP_SERVE_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>

#include "ops/server_watch.h"
#include "ops/state_file.h"
#include "server/guard.h"
#include "server/http_server.h"
#include "server/route_info.h"
#include "service/api.h"

namespace lyn::app {

// What the handler factory may want to know about the server it serves.
struct ServeInfo {
  std::string host;         // "localhost" on a Unix socket
  unsigned short port = 0;  // the bound TCP port (0 on a Unix socket)
  std::string socket;       // the Unix socket's path, or ""
  pid_t pid = 0;
  std::string root;  // absolute
  std::string version;
  double started_at = 0;  // unix seconds
  double idle_timeout_seconds = 0;
  std::string state_dir;
  bool tls = false;            // serving https
  bool auth_required = false;  // a token or API keys are required (TCP, unless --auth none)
  // Who may use it: "socket" (the kernel's check), "token", "api-keys" or
  // "none" -- as its record says (ops/state_file.h).
  std::string auth;
  std::string url;  // where a client on this machine reaches it (ServerRecord::url)
  // Live figures; callable from any thread while the server runs. Idleness
  // leaves out the status page's polls (ops/activity.h).
  std::function<double()> idle_seconds;
  std::function<double()> last_active_unix;
  std::function<std::size_t()> in_flight;
  // The transport's counters (connections, timeouts, workers).
  std::function<server::ServerStats()> transport;
};

// What serves the requests: the handler, and what the Guard may know of
// their routes (unset: server::describe_unknown_route).
struct ServeHandler {
  server::Handler handler;
  server::DescribeRoute describe;
  // Told of every refused request or connection (Guard and transport); may be unset.
  server::RefusalObserver on_refusal;
  // Requests answered on the I/O thread, skipping the worker pool (cheap
  // probes such as /api/health and /metrics); unset: none.
  std::function<bool(const server::HttpRequest&)> cheap;
};

using HandlerFactory = std::function<ServeHandler(const ServeInfo&)>;

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8765;       // 0: pick a free port
  std::string root;                 // empty: current directory
  double idle_timeout_seconds = 0;  // 0: never
  bool daemon = false;
  int threads = 2;
  std::string token;  // required and recorded when non-empty (see guard.h)
  // Listen on this Unix domain socket instead of host:port (the per-user
  // server's, in the private state directory; auth is the kernel's).
  std::string socket;
  // "none": a TCP server without API keys requires no token (lynguine's own
  // ServerClient sends none); otherwise such a server makes one and records
  // it for our clients.
  std::string auth;
  std::string version = LYNGUINE_VERSION;
  server::ServerLimits limits;
  bool write_state = true;  // record server-<pid>.json in the state directory
  bool quiet = false;       // no "listening on" line on stderr (foreground)
  HandlerFactory make_handler;

  // --- Security ("safe to leave running"; see guard.h) ---
  // Host/Origin allow-lists, rate limit, response cap. `remote`, `token` and
  // `api_keys` are filled in by run_serve from the options below.
  server::GuardOptions guard;
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

// The shutdown watch's view of an HttpServer (run_serve uses it; so may tests).
ops::WatchedServer watched(server::HttpServer& server);

}  // namespace lyn::app

#endif  // LYNGUINE_APP_SERVE_H_
