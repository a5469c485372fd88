// The one home of operating-system differences. Each call below has a Linux
// implementation, a macOS one written to Apple's documented API, and a
// generic POSIX fallback; everything else in the tree calls these instead of
// a Linux-only API. Building with -DLYNGUINE_PORTABLE_FALLBACKS=ON makes
// Linux take the generic fallbacks too (what `make test-libcxx` runs), so
// the paths a non-Linux system takes are tested here.
//
// Where POSIX has no equivalent at all the fallback says "cannot tell"
// (kUnknownStart, ProcessState::kUnknown, an empty path) and callers treat
// that as the weaker answer: never as proof that a process is ours.
//
// Thread safety: free functions without shared state; any thread.
#ifndef LYNGUINE_CORE_PLATFORM_H_
#define LYNGUINE_CORE_PLATFORM_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

// Which implementation a file compiled in this tree takes. Only
// core/platform.cc and core/beneath.cc (openat2) look at these.
#if defined(__linux__) && !defined(LYNGUINE_PORTABLE_FALLBACKS)
#define LYN_PLATFORM_LINUX 1
#else
#define LYN_PLATFORM_LINUX 0
#endif
#if defined(__APPLE__) && !defined(LYNGUINE_PORTABLE_FALLBACKS)
#define LYN_PLATFORM_APPLE 1
#else
#define LYN_PLATFORM_APPLE 0
#endif

namespace lyn::platform {

// "linux", "macos", or "posix" (the generic fallbacks, e.g. Linux built with
// LYNGUINE_PORTABLE_FALLBACKS).
const char* name();

// pipe(2) with both ends close-on-exec (pipe2 on Linux; pipe + fcntl, which
// leaves a window for a concurrent fork+exec, elsewhere). 0 or -1 with errno.
int pipe_cloexec(int fds[2]);

// socket(2) close-on-exec (and non-blocking if asked) that never raises
// SIGPIPE on macOS (SO_NOSIGPIPE). An fd, or -1 with errno.
int socket_cloexec(int domain, int type, int protocol, bool nonblocking = false);

// send(2) that fails with EPIPE instead of raising SIGPIPE: MSG_NOSIGNAL on
// Linux; on macOS the socket's SO_NOSIGPIPE (socket_cloexec sets it, this
// sets it again for sockets from elsewhere); otherwise SIGPIPE is blocked in
// this thread for the call and a SIGPIPE it raised is consumed.
ssize_t send_nosignal(int fd, const void* data, std::size_t size);

// Who is at the other end of a connected Unix domain socket: -1 where not
// known (Linux: SO_PEERCRED; macOS: getpeereid + LOCAL_PEERPID; elsewhere
// getpeereid where the C library has it, and no pid).
struct PeerCredentials {
  long uid = -1;
  long pid = -1;
};
PeerCredentials peer_credentials(int fd);

// The absolute path of this process's executable file (Linux:
// /proc/self/exe; macOS: _NSGetExecutablePath, resolved). OSError where it
// cannot be told (no portable way exists).
Result<std::string> executable_path();

// Whether a process runs, by what the system knows beyond kill(pid, 0).
enum class ProcessState { kRunning, kZombie, kGone, kUnknown };
// kGone when kill(pid, 0) says no such process; kZombie when the system
// says it has exited but is not reaped; kUnknown where it cannot be told
// (the generic fallback: the process exists, zombie or not).
ProcessState process_state(pid_t pid);

// When `pid` started, in an opaque unit that compares equal only for the
// same process (Linux: starttime of /proc/<pid>/stat; macOS: p_starttime of
// sysctl KERN_PROC_PID, in microseconds). 0 if there is no such process;
// kUnknownStart for a live process whose start cannot be told (fallback).
inline constexpr std::uint64_t kUnknownStart = 1;
std::uint64_t process_start_time(pid_t pid);

// Device and inode of the file `pid` executes; false where that cannot be
// told (the generic fallback always).
bool process_executable_id(pid_t pid, dev_t* dev, ino_t* ino);

// Resident set size of this process in bytes (Linux: /proc/self/statm;
// macOS: proc_pidinfo PROC_PIDTASKINFO); elsewhere the peak from
// getrusage stands in. 0 when unknown.
double resident_memory_bytes();

// Lowers the calling thread's scheduling priority by `nice` steps (Linux:
// setpriority on the thread id; macOS: none, it has no per-thread nice
// levels). False if nothing changed. Best effort.
bool lower_thread_priority(int nice);

// Fills `buf` from the kernel's CSPRNG without a file descriptor (Linux:
// getrandom; macOS and the fallback: getentropy, 256 bytes a call). False if
// the system refused (the caller then uses OpenSSL).
bool kernel_random(void* buf, std::size_t n);

}  // namespace lyn::platform

#endif  // LYNGUINE_CORE_PLATFORM_H_
