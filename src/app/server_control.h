// The lifecycle commands of `lynguine serve`, acting on the servers recorded
// in the state directory (ops/state_file.h), each checked before it is
// trusted (client/server_check.h):
//
//   serve_status()  `serve --status`: prints the record JSON of the live
//                   server -- the per-user one (Unix socket) if it runs, else
//                   the latest started -- with "alive", "check",
//                   "probe_status" (the HTTP status its probe got: a 401,
//                   403 or 429 is a live server too) and "state_file",
//                   without the token and nonce, and returns
//                   0; else prints "lynguine server not running", 1 -- with
//                   `json`, a JSON object {"alive": false, "reason",
//                   "state_dir"} instead, so a script's `| jq` always gets
//                   JSON.
//   serve_list()    `serve --list`: one line per live recorded server (pid,
//                   URL or socket, root, security mode, uptime), or with
//                   `json` a JSON array of their records (without the
//                   secrets, with "uptime_seconds", "check", "probe_status",
//                   "state_file").
//                   Read-only: nothing is removed. 0, even if none runs.
//   serve_stop()    `serve --stop`: SIGTERM to every live recorded server
//                   that `which` selects (all, or the one on a TCP port or
//                   Unix socket) and that proves itself (or, silent, runs
//                   our executable), waits for each to exit, returns 0; a
//                   record whose pid answers without a proof is never
//                   signalled (an error, 1); if none selected is running
//                   says so, 1. Stale records (the pid gone or reused) are
//                   removed; a live pid's never is, whatever it answered.
//   serve_ensure()  `serve --ensure`: the per-user server of our version,
//                   started if needed (with `idle_timeout_seconds` when > 0,
//                   else the default); prints its record JSON (without the
//                   nonce and token) for clients in other languages; 1 if
//                   none can be started.
//
// Threads: call from the main thread; they print to stdout and stderr.
#ifndef LYNGUINE_APP_SERVER_CONTROL_H_
#define LYNGUINE_APP_SERVER_CONTROL_H_

#include <string>

namespace lyn::app {

// Which recorded servers `serve --stop` acts on.
struct StopTarget {
  unsigned short port = 0;  // > 0: only the TCP server on this port
  std::string socket;       // non-empty: only the server on this Unix socket
  // Neither: every recorded server (`--stop` and `--stop --all` alike).
};

int serve_status(bool json = false);
int serve_list(bool json = false);
int serve_stop(const StopTarget& which = {});
int serve_ensure(double idle_timeout_seconds = 0);

}  // namespace lyn::app

#endif  // LYNGUINE_APP_SERVER_CONTROL_H_
