// The per-user runtime state behind CIP-0008's server mode, which the server
// (recording itself) and its clients (finding, starting, replacing or
// stopping it) share:
//
//  - the state directory: $LYNGUINE_STATE_DIR if set, else
//    $XDG_RUNTIME_DIR/lynguine if XDG_RUNTIME_DIR is a usable directory, else
//    ~/.cache/lynguine; created with mode 0700;
//  - the state file `server.json` there (mode 0600, replaced atomically)
//    naming the running server: pid, host, port, version, root, started_at,
//    token; `server.log` beside it takes a daemon's stderr.
//
// Thread safety: free functions with no shared state in memory (the file
// system is the shared state); any thread.
#ifndef LYNGUINE_OPS_STATE_FILE_H_
#define LYNGUINE_OPS_STATE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

#ifndef LYNGUINE_VERSION
#define LYNGUINE_VERSION "dev"
#endif

namespace lyn::ops {

struct ServerState {
  pid_t pid = 0;
  std::string host;
  unsigned short port = 0;
  std::string version;
  std::string root;
  double started_at = 0;  // unix seconds
  std::string token;      // empty: none (omitted from the file)
};

// The state as a JSON object (keys sorted, indented by 2; no token if empty).
Value state_to_value(const ServerState& state);
std::string state_to_json(const ServerState& state);
// A ValueError ("malformed state file: ...") unless `text` holds a pid > 0
// and a port in 1..65535.
Result<ServerState> state_from_json(std::string_view text);

// The state directory (see above), created 0700 if missing; an OSError if it
// cannot be created.
Result<std::string> state_dir();
std::string state_file_path(const std::string& dir);  // dir + "/server.json"
std::string log_file_path(const std::string& dir);    // dir + "/server.log"

// Writes dir/server.json atomically (temp file, mode 0600, then rename).
Status write_state(const std::string& dir, const ServerState& state);
// A FileNotFoundError if there is no state file, an OSError if it cannot be
// read, a ValueError if it is malformed.
Result<ServerState> read_state(const std::string& dir);
// Removes dir/server.json. True if it is gone afterwards.
bool remove_state(const std::string& dir);
// Removes dir/server.json only if it names `pid` (a server cleaning up after
// itself must not remove its successor's state). True if removed.
bool remove_state_if_ours(const std::string& dir, pid_t pid);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STATE_FILE_H_
