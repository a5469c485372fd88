// Process checks the lifecycle needs before it trusts or signals a pid: is
// it alive (not a zombie), is it still the process a record names (its start
// time, so a pid the kernel has since reused is never mistaken for our
// server), does it run our executable; and stopping one gracefully. (Whether
// a live pid is *our server* is proved over its socket: client/server_check.)
//
// Thread safety: free functions with no shared state; any thread.
#ifndef LYNGUINE_OPS_PROCESS_H_
#define LYNGUINE_OPS_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/platform.h"

namespace lyn::ops {

// kill(pid, 0) succeeds (or fails with EPERM) and the process is no zombie.
bool pid_alive(pid_t pid);

// When `pid` started, in an opaque unit that only ever compares equal for
// the same process (see core/platform.h: kUnknownStart where the system
// cannot tell, then same_process rests on liveness alone).
using platform::process_start_time;

// pid_alive(pid) and its start time is `start_time` (never true for 0): the
// process a record made at that time names, not a later one with its pid.
// Where the system cannot tell start times (kUnknownStart), liveness alone.
bool same_process(pid_t pid, std::uint64_t start_time);

// Whether `pid` runs the same executable file as this process (device and
// inode, core/platform.h; false where that cannot be told, e.g. the file was
// replaced by an upgrade, or the system has no way to name it).
bool runs_our_executable(pid_t pid);

// Sends SIGTERM to `pid` and waits up to `wait` for it to exit; then, if
// `kill_after`, SIGKILL. True if the process is gone. The caller has decided
// that `pid` is ours to stop (see client/server_check.h's may_signal).
// `exited`, when given, is the process's own sign of having exited (a server
// removes its record): consulted only where a zombie cannot be told from a
// live process (platform::ProcessState::kUnknown), e.g. a foreground server
// whose parent has not reaped it yet.
bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after,
                  const std::function<bool()>& exited = {});

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_PROCESS_H_
