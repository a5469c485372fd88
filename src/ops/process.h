// Process checks the lifecycle needs: is a pid alive (not a zombie), and
// stopping one gracefully. (Whether a live pid is *our server* takes an HTTP
// health check: client/ensure_server's is_alive.)
//
// Thread safety: free functions with no shared state; any thread.
#ifndef LYNGUINE_OPS_PROCESS_H_
#define LYNGUINE_OPS_PROCESS_H_

#include <sys/types.h>

#include <chrono>

namespace lyn::ops {

// kill(pid, 0) succeeds (or fails with EPERM) and the process is no zombie.
bool pid_alive(pid_t pid);

// Sends SIGTERM to `pid` and waits up to `wait` for it to exit; then, if
// `kill_after`, SIGKILL. True if the process is gone.
bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_PROCESS_H_
