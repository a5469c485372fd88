// Start on demand: the client side of CIP-0008's "start on first use".
// ensure_server() finds the live server of our version recorded in the state
// directory (ops/state_file.h), or starts one (`serve --daemon`), replacing a
// live server of another version and removing stale state; concurrent
// clients are serialised by the start lock (ops/start_lock.h), so exactly
// one server starts. is_alive() tells our live server from a stale record.
//
// Thread safety: free functions sharing no state in memory (the file system
// is the shared state); any thread.
#ifndef LYNGUINE_CLIENT_ENSURE_SERVER_H_
#define LYNGUINE_CLIENT_ENSURE_SERVER_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ops/state_file.h"

namespace lyn::client {

// The pid is alive AND host:port answers GET /api/health with our server
// name and an X-Lynguine-Pid header equal to state.pid. A live pid whose port
// accepts but does not answer within `timeout` counts as alive (busy).
bool is_alive(const ops::ServerState& state,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// The root of a server started on demand: $LYNGUINE_SERVER_ROOT, else $HOME,
// else the current directory.
std::string default_server_root();

struct EnsureOptions {
  std::string root;                        // passed as --root; empty: current directory
  std::string version = LYNGUINE_VERSION;  // a live server of another version is replaced
  std::string executable;                  // empty: /proc/self/exe
  // Arguments after argv[0]; empty: {"serve", "--daemon", "--port", "0",
  // "--idle-timeout", <idle_timeout_seconds>, "--root", <root>}.
  std::vector<std::string> args;
  int idle_timeout_seconds = 300;
  std::chrono::milliseconds start_timeout{3000};
  std::string state_dir;  // empty: ops::state_dir()
  // Told about notable events, e.g. "replacing lynguine server version X with Y".
  std::function<void(const std::string&)> on_message;
};

// The state of a live server of options.version, started if needed. An
// OSError if the state directory, the lock or the spawn fail; a RuntimeError
// if the server does not start, or starts but does not answer, in time.
Result<ops::ServerState> ensure_server(const EnsureOptions& options);

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_ENSURE_SERVER_H_
