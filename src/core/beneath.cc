#include "core/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <vector>

#include "core/platform.h"
#include "core/value.h"

#if LYN_PLATFORM_LINUX
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

namespace lyn {

namespace {

std::atomic<BeneathMode> g_mode{BeneathMode::kAuto};
#if LYN_PLATFORM_LINUX
std::atomic<bool> g_no_openat2{false};
#endif

// Directories entered during the walk: search permission is all we need.
#if LYN_PLATFORM_LINUX && defined(O_PATH)
constexpr int kDirFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#else
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#endif
constexpr int kMaxLinks = 40;  // Linux's MAXSYMLINKS

Error escape_error(std::string_view shown) {
  return Error::path_escape("Path " + py_string_repr(shown) + " resolves outside its root");
}

// Queues the components of `path` at the front or the back of `out`.
void split_into(std::string_view path, std::deque<std::string>& out, bool front) {
  std::vector<std::string_view> parts = path_components(path);
  if (front)
    out.insert(out.begin(), parts.begin(), parts.end());
  else
    out.insert(out.end(), parts.begin(), parts.end());
}

// The target of the symlink `name` in `dir`; false (errno set) if it is
// not a symlink.
bool read_link(int dir, const std::string& name, std::string* target) {
  std::string buf(256, '\0');
  while (true) {
    ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
    if (n < 0) return false;
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      *target = std::move(buf);
      return true;
    }
    if (buf.size() >= PATH_MAX) {
      errno = ENAMETOOLONG;
      return false;
    }
    buf.resize(buf.size() * 2);
  }
}

// The component walk: every open is O_NOFOLLOW, so the kernel never
// follows a link on our behalf; links are read and their components
// resolved here, where ".." above the root and absolute targets are
// refused (EXDEV). Returns an fd, or -1 with errno.
int walk_open(int root, std::string_view rel, int flags, mode_t mode) {
  if (!rel.empty() && rel[0] == '/') {
    errno = EXDEV;
    return -1;
  }
  std::deque<std::string> todo;
  split_into(rel, todo, false);
  bool want_dir = !rel.empty() && rel.back() == '/';
  bool follow_last = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  std::vector<UniqueFd> entered;  // the directories below the root we are in
  auto here = [&] { return entered.empty() ? root : entered.back().get(); };
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    if (name == "..") {
      if (entered.empty()) {
        errno = EXDEV;
        return -1;
      }
      entered.pop_back();
      continue;
    }
    int err;
    if (!todo.empty()) {
      int fd = ::openat(here(), name.c_str(), kDirFlags);
      if (fd >= 0) {
        entered.emplace_back(fd);
        continue;
      }
      err = errno;
      if (err != ENOTDIR && err != ELOOP) return -1;
    } else {
      int last_flags = flags | O_NOFOLLOW | O_CLOEXEC;
      if (want_dir && !(flags & O_CREAT)) last_flags |= O_DIRECTORY;
      int fd = ::openat(here(), name.c_str(), last_flags, mode);
      if (fd >= 0) return fd;
      err = errno;
      if (!follow_last || (err != ELOOP && err != ENOTDIR)) return -1;
    }
    std::string target;
    if (!read_link(here(), name, &target)) {
      errno = err;  // not a link: the open's own failure stands
      return -1;
    }
    if (++links > kMaxLinks) {
      errno = ELOOP;
      return -1;
    }
    if (target.empty()) {
      errno = ENOENT;
      return -1;
    }
    if (target[0] == '/') {
      errno = EXDEV;
      return -1;
    }
    if (todo.empty() && target.back() == '/') want_dir = true;
    split_into(target, todo, true);
  }
  // Nothing left to open by name ("", ".", "a/.."): the directory itself.
  return ::openat(here(), ".", flags | O_CLOEXEC, mode);
}

#if LYN_PLATFORM_LINUX
// One openat2 call, retried on EAGAIN (the kernel could not rule out a
// racing rename during ".." resolution) and EINTR. -1 with errno.
int openat2_beneath(int root, const char* rel, int flags, mode_t mode) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 16; ++attempt) {
    long fd = ::syscall(SYS_openat2, root, rel, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN && errno != EINTR) return -1;
  }
  return -1;
}
#endif

}  // namespace

void set_beneath_mode_for_testing(BeneathMode mode) {
  g_mode.store(mode);
}

Result<UniqueFd> open_root(const std::string& path, std::string_view shown) {
  if (shown.empty()) shown = path;
#if LYN_PLATFORM_LINUX && defined(O_PATH)
  int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
#else
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
#endif
  if (fd < 0) return os_error(errno, shown);
  return UniqueFd(fd);
}

namespace {

// open_beneath without the error wording: an fd, or -1 with errno.
int open_beneath_raw(int root_fd, const std::string& path, int flags, mode_t mode) {
#if LYN_PLATFORM_LINUX
  if (g_mode.load() == BeneathMode::kAuto && !g_no_openat2.load(std::memory_order_relaxed)) {
    int fd = openat2_beneath(root_fd, path.c_str(), flags, mode);
    if (fd >= 0) return fd;
    int err = errno;
    // ENOSYS: no openat2 (pre-5.6 kernel). EPERM/EINVAL/E2BIG/EAGAIN: a
    // seccomp filter, an older struct, or a busy rename; the walk gives
    // the same answer (and the genuine error, if there is one).
    if (err == ENOSYS) g_no_openat2.store(true, std::memory_order_relaxed);
    if (err != ENOSYS && err != EPERM && err != EINVAL && err != E2BIG && err != EAGAIN) {
      errno = err;
      return -1;
    }
  }
#endif
  return walk_open(root_fd, path, flags, mode);
}

Error beneath_error(int err, std::string_view shown) {
  return err == EXDEV ? escape_error(shown) : os_error(err, shown);
}

}  // namespace

Result<UniqueFd> open_beneath(int root_fd, std::string_view rel, int flags, mode_t mode,
                              std::string_view shown) {
  int fd =
      open_beneath_raw(root_fd, rel.empty() ? std::string(".") : std::string(rel), flags, mode);
  if (fd < 0) return beneath_error(errno, shown);
  return UniqueFd(fd);
}

Status make_dirs_beneath(int root_fd, std::string_view rel, std::string_view shown) {
  std::deque<std::string> parts;
  split_into(rel, parts, false);
  UniqueFd current;  // empty: the root itself
  for (const std::string& name : parts) {
    int here = current ? current.get() : root_fd;
    int fd = open_beneath_raw(here, name, kDirFlags & ~O_NOFOLLOW, 0);
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(here, name.c_str(), 0777) != 0 && errno != EEXIST)
        return beneath_error(errno, shown);
      fd = open_beneath_raw(here, name, kDirFlags & ~O_NOFOLLOW, 0);
    }
    if (fd < 0) return beneath_error(errno, shown);
    current.reset(fd);
  }
  return Ok{};
}

}  // namespace lyn
