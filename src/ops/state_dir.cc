#include "ops/state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace lyn::ops {

namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Error refused(const std::string& why) {
  return Error{"PermissionError", "refusing the state directory: " + why, 403};
}

bool is_usable_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::access(path.c_str(), W_OK | X_OK) == 0;
}

std::string home_dir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/tmp";
}

// mkdir -p with mode 0700 for every directory made (only ~/.cache or the
// like may be missing above the state directory, and private is right there).
Status make_dirs(const std::string& path) {
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return Error::os("cannot create " + part);
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return Ok{};
}

// Every directory above `path` (absolute) must be owned by root or us and
// not writable by others unless sticky: otherwise whoever can write there
// could rename the state directory away and put their own in its place.
Status check_ancestors(const std::string& path) {
  uid_t me = ::geteuid();
  std::string dir = path;
  while (true) {
    std::size_t slash = dir.rfind('/');
    if (slash == std::string::npos) break;
    dir = slash == 0 ? "/" : dir.substr(0, slash);
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return Error::os("cannot inspect " + dir);
    if (st.st_uid != 0 && st.st_uid != me)
      return refused(path + " lies inside " + dir + ", owned by uid " + std::to_string(st.st_uid) +
                     " (not you, not root)");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
      return refused(path + " lies inside " + dir + " (mode " + octal_mode(st.st_mode) +
                     "), which others may write; use a private location (LYNGUINE_STATE_DIR)");
    if (dir == "/") break;
  }
  return Ok{};
}

}  // namespace

std::string state_dir_location() {
  std::string dir;
  if (const char* s = std::getenv("LYNGUINE_STATE_DIR"); s && *s) {
    dir = s;
  } else if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x && is_usable_dir(x)) {
    dir = std::string(x) + "/lynguine";
  } else {
    dir = home_dir() + "/.cache/lynguine";
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

Result<StateDir> StateDir::open() {
  return open(state_dir_location());
}

Result<StateDir> StateDir::open(const std::string& given) {
  if (given.empty()) return Error{"OSError", "empty state directory", 500};
  std::string path = given;
  if (path.front() != '/') {
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) return Error::os("getcwd");
    path = std::string(cwd) + "/" + path;
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (auto made = make_dirs(path); !made.ok()) return made.error();
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ELOOP || errno == ENOTDIR)
      return refused(path + " is a symlink or not a directory; remove it");
    return Error::os("cannot open " + path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Error::os("cannot inspect " + path);
  if (st.st_uid != ::geteuid())
    return refused(path + " is owned by uid " + std::to_string(st.st_uid) + ", not by you (uid " +
                   std::to_string(::geteuid()) +
                   "); someone else may have made it. Remove it, or set LYNGUINE_STATE_DIR");
  if (st.st_mode & 077)
    return refused(path + " has mode " + octal_mode(st.st_mode) +
                   "; others could reach your server and its token. Run: chmod 700 " + path);
  if (auto up = check_ancestors(path); !up.ok()) return up.error();
  return StateDir(std::move(path), std::move(fd));
}

std::string StateDir::socket_path() const {
  return path_ + "/server.sock";
}

std::string StateDir::log_path() const {
  return path_ + "/server.log";
}

Result<UniqueFd> StateDir::open_private_file(const std::string& name, int flags) const {
  std::string shown = path_ + "/" + name;
  int base = flags | O_NOFOLLOW | O_CLOEXEC;
  // Create it exclusively if missing; else open what is there, not following
  // a symlink, and check it is a regular file of ours.
  UniqueFd fd(::openat(fd_.get(), name.c_str(), base | O_CREAT | O_EXCL, 0600));
  if (!fd && errno == EEXIST) fd.reset(::openat(fd_.get(), name.c_str(), base));
  if (!fd) return os_error(errno, shown);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return os_error(errno, shown);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid())
    return Error{"OSError", shown + " is not a regular file of yours; not using it", 500};
  return fd;
}

}  // namespace lyn::ops
