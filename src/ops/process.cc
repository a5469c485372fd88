#include "ops/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "core/platform.h"

namespace lyn::ops {

bool pid_alive(pid_t pid) {
  // A zombie has exited; its parent (often init, for a daemon) may take a
  // while to reap it. Where zombies cannot be told apart, kill(pid, 0) decides.
  auto state = platform::process_state(pid);
  return state == platform::ProcessState::kRunning || state == platform::ProcessState::kUnknown;
}

bool same_process(pid_t pid, std::uint64_t start_time) {
  if (start_time == 0 || !pid_alive(pid)) return false;
  std::uint64_t now = process_start_time(pid);
  // Where start times cannot be told, a live pid may be the recorded process:
  // what it is must then be proved over its socket (client/server_check).
  return now == start_time || now == platform::kUnknownStart;
}

bool runs_our_executable(pid_t pid) {
  dev_t their_dev, our_dev;
  ino_t their_ino, our_ino;
  return platform::process_executable_id(pid, &their_dev, &their_ino) &&
         platform::process_executable_id(::getpid(), &our_dev, &our_ino) && their_dev == our_dev &&
         their_ino == our_ino;
}

bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after,
                  const std::function<bool()>& exited) {
  using Clock = std::chrono::steady_clock;
  if (!pid_alive(pid)) return true;
  if (::kill(pid, SIGTERM) != 0 && errno == ESRCH) return true;
  auto gone = [pid, &exited] {
    int status;
    ::waitpid(pid, &status, WNOHANG);  // reap if it happens to be our child
    if (!pid_alive(pid)) return true;
    return exited && platform::process_state(pid) == platform::ProcessState::kUnknown && exited();
  };
  auto wait_gone = [&gone](std::chrono::milliseconds d) {
    auto deadline = Clock::now() + d;
    while (Clock::now() < deadline) {
      if (gone()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return gone();
  };
  if (wait_gone(wait)) return true;
  if (!kill_after) return false;
  ::kill(pid, SIGKILL);
  return wait_gone(std::chrono::milliseconds(1000));
}

}  // namespace lyn::ops
