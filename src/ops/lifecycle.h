// Lifecycle: the per-user runtime state behind CIP-0008's server mode, shared
// by the server (which records itself) and its clients (which find, start,
// replace or stop it).
//
//  - state directory: $LYNGUINE_STATE_DIR if set, else $XDG_RUNTIME_DIR/lynguine
//    if XDG_RUNTIME_DIR is a usable directory, else ~/.cache/lynguine; created
//    with mode 0700;
//  - state file `server.json` (mode 0600, replaced atomically) naming the
//    running server: pid, host, port, version, root, started_at, token;
//  - `start.lock` in the same directory, held with flock() while a client
//    checks for and starts a server, so concurrent clients start exactly one;
//  - ensure_server(): the client side of "start on first use";
//  - daemonize(): the double fork behind `serve --daemon`;
//  - ServerWatch: idle timeout and SIGTERM/SIGINT/SIGHUP turned into a graceful
//    shutdown of an HttpServer.
//
// Threads: the free functions are safe to call from any thread (they share no
// state in memory; the file system is the shared state). daemonize() must be
// called before the process starts any thread. A ServerWatch is created and
// destroyed on the thread that owns the HttpServer, before run() and after it
// returns.
#ifndef LYNGUINE_OPS_LIFECYCLE_H_
#define LYNGUINE_OPS_LIFECYCLE_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#ifndef LYNGUINE_VERSION
#define LYNGUINE_VERSION "dev"
#endif

namespace lyn::server {

class HttpServer;

// The name our server gives itself in GET /api/health.
inline constexpr std::string_view kHealthServerName = "lynguine-server";

struct ServerState {
  pid_t pid = 0;
  std::string host;
  unsigned short port = 0;
  std::string version;
  std::string root;
  double started_at = 0;  // unix seconds
  std::string token;      // empty: none (omitted from the file)
};

std::string state_to_json(const ServerState& state);
std::optional<ServerState> state_from_json(std::string_view text, std::string* err = nullptr);

// The state directory (see above), created 0700 if missing. nullopt if it
// cannot be created.
std::optional<std::string> state_dir(std::string* err = nullptr);
std::string state_file_path(const std::string& dir);  // dir + "/server.json"
std::string log_file_path(const std::string& dir);    // dir + "/server.log"

// Writes dir/server.json atomically (temp file, mode 0600, then rename).
bool write_state(const std::string& dir, const ServerState& state, std::string* err = nullptr);
// nullopt if the file is missing or unreadable (err says which).
std::optional<ServerState> read_state(const std::string& dir, std::string* err = nullptr);
// Removes dir/server.json. True if it is gone afterwards.
bool remove_state(const std::string& dir);
// Removes dir/server.json only if it names `pid` (a server cleaning up after
// itself must not remove its successor's state). True if removed.
bool remove_state_if_ours(const std::string& dir, pid_t pid);

// kill(pid, 0) succeeds (or fails with EPERM).
bool pid_alive(pid_t pid);

// The pid is alive AND host:port answers GET /api/health with our server
// name and an X-Lynguine-Pid header equal to state.pid. A live pid whose port
// accepts but does not answer within `timeout` counts as alive (busy).
bool is_alive(const ServerState& state,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// Sends SIGTERM to state.pid and waits up to `wait` for it to exit; then, if
// `kill_after`, SIGKILL. True if the process is gone.
bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after);

// An exclusive flock() on dir/start.lock, released on destruction. The file
// descriptor is close-on-exec, so servers spawned while holding it do not
// inherit the lock.
class StartLock {
 public:
  // Blocks until the lock is ours. nullopt on error.
  static std::optional<StartLock> acquire(const std::string& dir, std::string* err = nullptr);
  // Does not block: nullopt if another holder has it (or on error).
  static std::optional<StartLock> try_acquire(const std::string& dir, std::string* err = nullptr);

  StartLock(StartLock&& other) noexcept;
  StartLock& operator=(StartLock&& other) noexcept;
  StartLock(const StartLock&) = delete;
  StartLock& operator=(const StartLock&) = delete;
  ~StartLock();

 private:
  explicit StartLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct EnsureOptions {
  std::string root;                        // passed as --root; empty: current directory
  std::string version = LYNGUINE_VERSION;  // a live server of another version is replaced
  std::string executable;                  // empty: /proc/self/exe
  // Arguments after argv[0]; empty: {"serve", "--daemon", "--port", "0",
  // "--idle-timeout", <idle_timeout_seconds>, "--root", <root>}.
  std::vector<std::string> args;
  int idle_timeout_seconds = 300;
  std::chrono::milliseconds start_timeout{3000};
  std::string state_dir;  // empty: state_dir()
  // Told about notable events, e.g. "replacing lynguine server version X with Y".
  std::function<void(const std::string&)> on_message;
};

// Returns the state of a live server of options.version, starting one (and
// stopping a live one of another version, and removing stale state) if
// needed. Serialised across processes by StartLock.
std::optional<ServerState> ensure_server(const EnsureOptions& options, std::string* err = nullptr);

// Readiness channel from a daemon to the process that started it.
class DaemonReady {
 public:
  DaemonReady() = default;
  explicit DaemonReady(int fd) : fd_(fd) {}
  DaemonReady(DaemonReady&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DaemonReady& operator=(DaemonReady&& other) noexcept;
  ~DaemonReady();
  void ready();                             // the server is listening
  void failed(const std::string& message);  // the parent prints message, exits 1
 private:
  int fd_ = -1;
};

struct DaemonResult {
  bool is_child = false;  // true in the daemon; false in the original process
  int exit_code = 0;      // for the original process: 0 once the daemon is ready
  DaemonReady ready;      // for the daemon: call ready() or failed()
};

// Double fork + setsid. The daemon gets stdin/stdout on /dev/null and stderr
// appended to `log_path`; it keeps the working directory. The original process
// waits (up to `timeout`) until the daemon calls ready() or failed() or exits,
// prints only a failure message (to stderr), and gets is_child=false.
DaemonResult daemonize(const std::string& log_path,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Idle timeout and signal handling for a server: SIGTERM/SIGINT/SIGHUP (first one:
// shutdown_gracefully(); second: stop()), and, if idle_timeout_seconds > 0,
// shutdown_gracefully() once no request has been in flight for that long.
class ServerWatch {
 public:
  ServerWatch(HttpServer& server, double idle_timeout_seconds, bool handle_signals = true);
  ~ServerWatch();
  ServerWatch(const ServerWatch&) = delete;
  ServerWatch& operator=(const ServerWatch&) = delete;

  // Seconds since the server was last active (0 while a request is in flight).
  double idle_seconds() const;
  // Why the server began shutting down: "", "idle", "signal".
  std::string reason() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lyn::server

#endif  // LYNGUINE_OPS_LIFECYCLE_H_
