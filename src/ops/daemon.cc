#include "ops/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/fs.h"
#include "core/platform.h"
#include "core/status.h"

namespace lyn::ops {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

DaemonReady& DaemonReady::operator=(DaemonReady&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DaemonReady::~DaemonReady() {
  if (fd_ >= 0) ::close(fd_);
}

void DaemonReady::ready(const std::string& url) {
  if (fd_ < 0) return;
  write_all(fd_, "ok " + url);
  ::close(fd_);
  fd_ = -1;
}

void DaemonReady::failed(const std::string& message) {
  if (fd_ < 0) return;
  write_all(fd_, "error: " + message);
  ::close(fd_);
  fd_ = -1;
}

DaemonResult daemonize(int log, const std::string& log_shown, std::chrono::milliseconds timeout) {
  DaemonResult result;
  int fds[2];
  if (platform::pipe_cloexec(fds) != 0) {
    std::fprintf(stderr, "lynguine: %s\n", Error::os("pipe").message.c_str());
    result.exit_code = 1;
    return result;
  }
  std::fflush(nullptr);
  pid_t first = ::fork();
  if (first < 0) {
    std::fprintf(stderr, "lynguine: %s\n", Error::os("fork").message.c_str());
    ::close(fds[0]);
    ::close(fds[1]);
    result.exit_code = 1;
    return result;
  }
  if (first > 0) {
    // Original process: wait for the daemon's word.
    ::close(fds[1]);
    std::string msg;
    auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    for (;;) {
      pollfd p{fds[0], POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        timed_out = r == 0;
        break;
      }
      char buf[512];
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      msg.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
    }
    if (msg.rfind("ok ", 0) == 0) {
      std::printf("%s\n", msg.substr(3).c_str());  // the URL, for scripts
      std::fflush(stdout);
      result.exit_code = 0;
    } else {
      if (timed_out)
        msg = "the server did not become ready in time";
      else if (msg.empty())
        msg = "the server exited before it was ready";
      else if (msg.rfind("error: ", 0) == 0)
        msg = msg.substr(7);
      std::fprintf(stderr, "lynguine: %s (log: %s)\n", msg.c_str(), log_shown.c_str());
      result.exit_code = 1;
    }
    return result;
  }
  // First child.
  ::close(fds[0]);
  ::setsid();
  pid_t second = ::fork();
  if (second < 0) _exit(1);
  if (second > 0) _exit(0);
  // Daemon. stderr goes to the log; every other inherited descriptor is
  // dropped (they could keep a caller's pipe open) except the readiness pipe.
  if (fds[1] < 3) {  // stdio was closed; keep the pipe clear of 0..2
    int moved = ::fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
    if (moved >= 0) fds[1] = moved;
  }
  if (log >= 0) {
    ::dup2(log, 2);
  } else {
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0 && devnull != 2) {
      ::dup2(devnull, 2);
      ::close(devnull);
    }
  }
  if (fds[1] > 3) ::close_range(3, static_cast<unsigned>(fds[1]) - 1, 0);
  ::close_range(static_cast<unsigned>(fds[1]) + 1, ~0U, 0);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    if (devnull > 2) ::close(devnull);
  }
  result.is_child = true;
  result.ready = DaemonReady(fds[1]);
  return result;
}

}  // namespace lyn::ops
