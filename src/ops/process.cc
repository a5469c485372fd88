#include "ops/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "core/fs.h"

namespace lyn::ops {

namespace {

// The one-letter state of /proc/<pid>/stat ("pid (comm) S ..."), or 0.
char proc_state(pid_t pid) {
  auto read = read_file("/proc/" + std::to_string(pid) + "/stat", {}, 4096);
  if (!read.ok()) return 0;
  const std::string& stat = *read;
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return 0;
  return stat[close_paren + 2];
}

}  // namespace

bool pid_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie has exited; its parent (often init, for a daemon) may take a
  // while to reap it.
  char state = proc_state(pid);
  return state != 'Z' && state != 'X';
}

bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after) {
  using Clock = std::chrono::steady_clock;
  if (!pid_alive(pid)) return true;
  if (::kill(pid, SIGTERM) != 0 && errno == ESRCH) return true;
  auto wait_gone = [pid](std::chrono::milliseconds d) {
    auto deadline = Clock::now() + d;
    while (Clock::now() < deadline) {
      int status;
      ::waitpid(pid, &status, WNOHANG);  // reap if it happens to be our child
      if (!pid_alive(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !pid_alive(pid);
  };
  if (wait_gone(wait)) return true;
  if (!kill_after) return false;
  ::kill(pid, SIGKILL);
  return wait_gone(std::chrono::milliseconds(1000));
}

}  // namespace lyn::ops
