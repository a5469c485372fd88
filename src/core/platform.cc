#include "core/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "core/fs.h"

#if LYN_PLATFORM_LINUX
#include <sys/random.h>
#include <sys/syscall.h>
#endif
#if LYN_PLATFORM_APPLE
#include <libproc.h>
#include <mach-o/dyld.h>
#include <sys/random.h>
#include <sys/sysctl.h>
#include <sys/un.h>
#endif

namespace lyn::platform {

namespace {

bool set_cloexec(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  return flags >= 0 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
}

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

#if LYN_PLATFORM_LINUX
// The fields of /proc/<pid>/stat after "pid (comm) " (state first, field 3
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
#endif

#if LYN_PLATFORM_APPLE
bool kinfo(pid_t pid, struct kinfo_proc* info) {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, static_cast<int>(pid)};
  size_t size = sizeof *info;
  return ::sysctl(mib, 4, info, &size, nullptr, 0) == 0 && size > 0;
}
#endif

}  // namespace

const char* name() {
#if LYN_PLATFORM_LINUX
  return "linux";
#elif LYN_PLATFORM_APPLE
  return "macos";
#else
  return "posix";
#endif
}

int pipe_cloexec(int fds[2]) {
#if LYN_PLATFORM_LINUX
  return ::pipe2(fds, O_CLOEXEC);
#else
  if (::pipe(fds) != 0) return -1;
  if (!set_cloexec(fds[0]) || !set_cloexec(fds[1])) {
    int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = err;
    return -1;
  }
  return 0;
#endif
}

int socket_cloexec(int domain, int type, int protocol, bool nonblocking) {
#if LYN_PLATFORM_LINUX
  return ::socket(domain, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), protocol);
#else
  int fd = ::socket(domain, type, protocol);
  if (fd < 0) return -1;
  bool ok = set_cloexec(fd) && (!nonblocking || set_nonblocking(fd));
#if defined(SO_NOSIGPIPE)
  int one = 1;
  ok = ok && ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) == 0;
#endif
  if (!ok) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
#endif
}

ssize_t send_nosignal(int fd, const void* data, std::size_t size) {
#if LYN_PLATFORM_LINUX
  return ::send(fd, data, size, MSG_NOSIGNAL);
#elif defined(SO_NOSIGPIPE)
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  return ::send(fd, data, size, 0);
#else
  // POSIX: a SIGPIPE raised by a write is directed at the writing thread, so
  // blocking it here and consuming it if it became pending (and was not
  // before) keeps it from the process.
  sigset_t pipe_only, old_mask, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  ssize_t n = ::send(fd, data, size, 0);
  int err = errno;
  if (n < 0 && err == EPIPE && !was_pending) {
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) {
      int sig;
      sigwait(&pipe_only, &sig);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = err;
  return n;
#endif
}

PeerCredentials peer_credentials(int fd) {
  PeerCredentials c;
#if LYN_PLATFORM_LINUX
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    c.uid = static_cast<long>(cred.uid);
    c.pid = static_cast<long>(cred.pid);
  }
#elif LYN_PLATFORM_APPLE
  uid_t uid;
  gid_t gid;
  if (::getpeereid(fd, &uid, &gid) == 0) c.uid = static_cast<long>(uid);
  pid_t pid = 0;
  socklen_t len = sizeof pid;
  if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) == 0) c.pid = static_cast<long>(pid);
#elif defined(__linux__)
  // Linux's C library has no getpeereid: the uid comes from SO_PEERCRED,
  // and the pid is left unknown, as the generic fallback has none.
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
    c.uid = static_cast<long>(cred.uid);
#else
  uid_t uid;
  gid_t gid;
  if (::getpeereid(fd, &uid, &gid) == 0) c.uid = static_cast<long>(uid);
#endif
  return c;
}

Result<std::string> executable_path() {
#if LYN_PLATFORM_APPLE
  // The first call learns the size; the path may name a symlink, hence
  // realpath.
  uint32_t size = 0;
  ::_NSGetExecutablePath(nullptr, &size);
  std::string raw(size, '\0');
  if (::_NSGetExecutablePath(raw.data(), &size) != 0) return Error::os("_NSGetExecutablePath");
  char resolved[PATH_MAX];
  if (!::realpath(raw.c_str(), resolved)) return Error::os("realpath " + raw);
  return std::string(resolved);
#elif defined(__linux__)
  // No POSIX call names the running executable; on Linux this is the only
  // way, so the fallback build takes it too.
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return Error::os("readlink /proc/self/exe");
  return std::string(buf, static_cast<std::size_t>(n));
#else
  errno = ENOSYS;
  return Error::os("this system cannot name the running executable");
#endif
}

ProcessState process_state(pid_t pid) {
  if (pid <= 0) return ProcessState::kGone;
  if (::kill(pid, 0) != 0 && errno != EPERM) return ProcessState::kGone;
#if LYN_PLATFORM_LINUX
  std::string tail = proc_stat_tail(pid);
  if (tail.empty()) return ProcessState::kUnknown;
  return tail[0] == 'Z' || tail[0] == 'X' ? ProcessState::kZombie : ProcessState::kRunning;
#elif LYN_PLATFORM_APPLE
  struct kinfo_proc info {};
  if (!kinfo(pid, &info)) return ProcessState::kUnknown;
  return info.kp_proc.p_stat == SZOMB ? ProcessState::kZombie : ProcessState::kRunning;
#else
  return ProcessState::kUnknown;
#endif
}

std::uint64_t process_start_time(pid_t pid) {
  if (pid <= 0) return 0;
#if LYN_PLATFORM_LINUX
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
  return any && v != kUnknownStart ? v : 0;
#elif LYN_PLATFORM_APPLE
  struct kinfo_proc info {};
  if (!kinfo(pid, &info)) return 0;
  const auto& t = info.kp_proc.p_starttime;
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000u + static_cast<std::uint64_t>(t.tv_usec);
#else
  return process_state(pid) == ProcessState::kGone ? 0 : kUnknownStart;
#endif
}

bool process_executable_id(pid_t pid, dev_t* dev, ino_t* ino) {
  struct stat st;
#if LYN_PLATFORM_LINUX
  std::string exe = "/proc/" + std::to_string(pid) + "/exe";
  if (::stat(exe.c_str(), &st) != 0) return false;
#elif LYN_PLATFORM_APPLE
  char path[PROC_PIDPATHINFO_MAXSIZE];
  if (::proc_pidpath(pid, path, sizeof path) <= 0 || ::stat(path, &st) != 0) return false;
#else
  (void)pid;
  (void)st;
  (void)dev;
  (void)ino;
  return false;
#endif
#if LYN_PLATFORM_LINUX || LYN_PLATFORM_APPLE
  *dev = st.st_dev;
  *ino = st.st_ino;
  return true;
#endif
}

double resident_memory_bytes() {
#if LYN_PLATFORM_LINUX
  auto statm = read_file("/proc/self/statm", {}, 4096);
  if (!statm.ok()) return 0;
  long pages_total = 0, pages_resident = 0;
  if (std::sscanf(statm->c_str(), "%ld %ld", &pages_total, &pages_resident) != 2) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
#elif LYN_PLATFORM_APPLE
  struct proc_taskinfo info {};
  int n = ::proc_pidinfo(::getpid(), PROC_PIDTASKINFO, 0, &info, sizeof info);
  return n == static_cast<int>(sizeof info) ? static_cast<double>(info.pti_resident_size) : 0;
#else
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#if defined(__APPLE__)
  return static_cast<double>(usage.ru_maxrss);  // bytes on macOS
#else
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // kilobytes elsewhere
#endif
#endif
}

bool lower_thread_priority(int nice) {
#if LYN_PLATFORM_LINUX
  // Linux applies PRIO_PROCESS with a thread id to that thread alone.
  auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  int now = ::getpriority(PRIO_PROCESS, tid);
  return errno == 0 && ::setpriority(PRIO_PROCESS, tid, now + nice) == 0;
#else
  // POSIX nice values are per process: lowering them would slow the I/O
  // threads too, so nothing is changed.
  (void)nice;
  return false;
#endif
}

bool kernel_random(void* buf, std::size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  std::size_t got = 0;
#if LYN_PLATFORM_LINUX
  while (got < n) {
    ssize_t r = ::getrandom(p + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;  // ENOSYS (pre-3.17 kernel) or a seccomp refusal
    }
    got += static_cast<std::size_t>(r);
  }
#else
  while (got < n) {
    std::size_t chunk = n - got > 256 ? 256 : n - got;  // getentropy's limit
    if (::getentropy(p + got, chunk) != 0) return false;
    got += chunk;
  }
#endif
  return true;
}

}  // namespace lyn::platform
