// Start on demand: the client side of CIP-0008's "start on first use", for
// the per-user server. That server listens on a Unix domain socket in the
// private state directory (ops/state_dir.h: the kernel keeps other users
// out), and is recorded there like every server (ops/state_file.h).
// ensure_server() finds the live one of our version, or starts one (`serve
// --daemon --socket <state dir>/server.sock`), replacing a live server of
// another version and removing stale records and a stale socket; concurrent
// clients are serialised by the start lock (ops/start_lock.h), so exactly
// one server starts. Every server it trusts has proved itself
// (client/server_check.h); it signals only a pid that may_signal allows.
//
// Thread safety: free functions sharing no state in memory (the file system
// is the shared state); any thread.
#ifndef LYNGUINE_CLIENT_ENSURE_SERVER_H_
#define LYNGUINE_CLIENT_ENSURE_SERVER_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ops/state_dir.h"
#include "ops/state_file.h"

namespace lyn::client {

// The root of a server started on demand: $LYNGUINE_SERVER_ROOT, else $HOME,
// else the current directory.
std::string default_server_root();

// The record of the per-user server (the one on dir's socket) of `version`
// whose process is alive as recorded, without probing it (clients prove the
// connection as they open it); nullopt if there is none.
std::optional<ops::ServerRecord> recorded_local_server(const ops::StateDir& dir,
                                                       const std::string& version);

struct EnsureOptions {
  std::string root;                        // passed as --root; empty: current directory
  std::string version = LYNGUINE_VERSION;  // a live server of another version is replaced
  std::string executable;                  // empty: this executable
  // Arguments after argv[0]; empty: {"serve", "--daemon", "--socket",
  // <socket>, "--idle-timeout", <idle_timeout_seconds>, "--root", <root>}.
  std::vector<std::string> args;
  int idle_timeout_seconds = 300;
  std::chrono::milliseconds start_timeout{3000};
  std::string state_dir;  // empty: the environment's (ops::StateDir::open())
  // Told about notable events, e.g. "replacing lynguine server version X with Y".
  std::function<void(const std::string&)> on_message;
};

// The record of a live, proven per-user server of options.version, started
// if needed. A PermissionError if the state directory is not private; an
// OSError if the lock or the spawn fail; a RuntimeError if the server does
// not start, or starts but does not answer, in time.
Result<ops::ServerRecord> ensure_server(const EnsureOptions& options);

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_ENSURE_SERVER_H_
