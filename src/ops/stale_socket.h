// A Unix domain socket file that no server listens on any more (its server
// was killed, or is draining before it exits) blocks the next server's
// bind(); this tells a stale one from a live one and removes only the stale.
// Call it holding the start lock (ops/start_lock.h), so that two starters
// never remove each other's fresh socket.
//
// Thread safety: free function; any thread.
#ifndef LYNGUINE_OPS_STALE_SOCKET_H_
#define LYNGUINE_OPS_STALE_SOCKET_H_

#include <string>

#include "core/status.h"

namespace lyn::ops {

// Nothing at `path`: Ok. A socket nobody accepts on (ECONNREFUSED): removed,
// Ok. A socket something listens on: a FileExistsError saying so. Anything
// else there (a file, a symlink): a FileExistsError naming it (never
// removed, never followed).
Status remove_stale_socket(const std::string& path);

// Nothing at `path`, or a socket that refuses connections (ECONNREFUSED):
// no server listens there. False for a listening socket or anything else.
bool nobody_listens(const std::string& path);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STALE_SOCKET_H_
