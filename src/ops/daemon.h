// daemonize(): the double fork behind `serve --daemon`, with a readiness
// channel so the process that started the daemon returns only once the
// daemon is listening (or has failed, saying why).
//
// Threads: daemonize() must be called before the process starts any thread.
// A DaemonReady is used by the one thread that owns it.
#ifndef LYNGUINE_OPS_DAEMON_H_
#define LYNGUINE_OPS_DAEMON_H_

#include <chrono>
#include <string>

namespace lyn::ops {

// Readiness channel from a daemon to the process that started it.
class DaemonReady {
 public:
  DaemonReady() = default;
  explicit DaemonReady(int fd) : fd_(fd) {}
  DaemonReady(DaemonReady&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DaemonReady& operator=(DaemonReady&& other) noexcept;
  ~DaemonReady();
  void ready(const std::string& url);       // listening at url; the parent prints it
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
// on `log` (opened by the caller, e.g. StateDir::open_private_file, so that
// nothing planted at the log's name is followed; `log_shown` names it in
// messages); every other inherited descriptor is closed. It keeps the
// working directory. The original process waits (up to `timeout`) until the
// daemon calls ready() or failed() or exits, prints the URL the daemon
// serves (stdout) or its failure (stderr), and gets is_child=false.
DaemonResult daemonize(int log, const std::string& log_shown,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_DAEMON_H_
