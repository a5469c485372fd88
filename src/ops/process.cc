#include "ops/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#ifdef __APPLE__
#include <libproc.h>
#include <sys/sysctl.h>
#endif

#include "core/fs.h"

namespace lyn::ops {

namespace {

// The fields of /proc/<pid>/stat after "pid (comm) ": state first (field 3
// of proc(5)); "" if unreadable. The command name may hold spaces and
// parentheses, hence the last ')'.
std::string proc_stat_tail(pid_t pid) {
  auto read = read_file("/proc/" + std::to_string(pid) + "/stat", {}, 4096);
  if (!read.ok()) return {};
  const std::string& stat = *read;
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return {};
  return stat.substr(close_paren + 2);
}

// The one-letter state ("S", "Z", ...), or 0.
char proc_state(pid_t pid) {
  std::string tail = proc_stat_tail(pid);
  return tail.empty() ? 0 : tail[0];
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

std::uint64_t process_start_time(pid_t pid) {
  if (pid <= 0) return 0;
#ifdef __APPLE__
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, static_cast<int>(pid)};
  struct kinfo_proc info {};
  size_t size = sizeof info;
  if (::sysctl(mib, 4, &info, &size, nullptr, 0) != 0 || size == 0) return 0;
  const auto& t = info.kp_proc.p_starttime;
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000u + static_cast<std::uint64_t>(t.tv_usec);
#else
  // Field 22 (starttime) is the 20th after "(comm) ".
  std::string tail = proc_stat_tail(pid);
  std::size_t pos = 0;
  for (int field = 0; field < 19; ++field) {
    pos = tail.find(' ', pos);
    if (pos == std::string::npos) return 0;
    ++pos;
  }
  std::uint64_t v = 0;
  bool any = false;
  for (; pos < tail.size() && tail[pos] >= '0' && tail[pos] <= '9'; ++pos) {
    v = v * 10 + static_cast<std::uint64_t>(tail[pos] - '0');
    any = true;
  }
  return any ? v : 0;
#endif
}

bool same_process(pid_t pid, std::uint64_t start_time) {
  return start_time != 0 && pid_alive(pid) && process_start_time(pid) == start_time;
}

bool runs_our_executable(pid_t pid) {
  struct stat theirs, ours;
#ifdef __APPLE__
  char a[PROC_PIDPATHINFO_MAXSIZE], b[PROC_PIDPATHINFO_MAXSIZE];
  if (::proc_pidpath(pid, a, sizeof a) <= 0 || ::proc_pidpath(::getpid(), b, sizeof b) <= 0)
    return false;
  if (::stat(a, &theirs) != 0 || ::stat(b, &ours) != 0) return false;
#else
  std::string exe = "/proc/" + std::to_string(pid) + "/exe";
  if (::stat(exe.c_str(), &theirs) != 0 || ::stat("/proc/self/exe", &ours) != 0) return false;
#endif
  return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
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
