#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/random.h"
#include "core/text.h"
#include "core/value.h"

namespace lyn {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::vector<std::string_view> path_components(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = j + 1;
  }
  return parts;
}

Error os_error(int err, std::string_view shown) {
  std::string msg =
      "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": " + py_string_repr(shown);
  switch (err) {
    case ENOENT:
      return Error{"FileNotFoundError", msg, 404};
    case EISDIR:
      return Error{"IsADirectoryError", msg, 400};
    case EACCES:
    case EPERM:
      return Error{"PermissionError", msg, 403};
    case ENOTDIR:
      return Error{"NotADirectoryError", msg, 400};
    case ENOSPC:
    case EDQUOT:
      return Error{"OSError", msg, 507};
    default:
      return Error{"OSError", msg, 500};
  }
}

namespace {

Error too_large(std::string_view shown, size_t max_bytes) {
  return Error{"ValueError",
               "File " + py_string_repr(shown) + " is too large to read (the limit is " +
                   size_text(max_bytes) + ")",
               413};
}

}  // namespace

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Result<std::string> read_fd(int fd, std::string_view shown, size_t max_bytes) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return os_error(errno, shown);
  if (S_ISDIR(st.st_mode)) return os_error(EISDIR, shown);
  if (st.st_size > 0 && static_cast<uint64_t>(st.st_size) > max_bytes)
    return too_large(shown, max_bytes);
  // The stat size is a hint (files in /proc say 0, files may grow); one
  // spare byte lets the read that finds the end need no regrowth.
  std::string out;
  out.resize((st.st_size > 0 ? static_cast<size_t>(st.st_size) : 4095) + 1);
  size_t got = 0;
  while (true) {
    if (got == out.size()) {
      if (got > max_bytes) return too_large(shown, max_bytes);
      out.resize(std::min(out.size() * 2, max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes));
    }
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error(errno, shown);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) return too_large(shown, max_bytes);
  out.resize(got);
  return out;
}

Result<std::string> read_file(const std::string& path, std::string_view shown, size_t max_bytes) {
  if (shown.empty()) shown = path;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return os_error(errno, shown);
  return read_fd(fd.get(), shown, max_bytes);
}

Status write_file_at(int dir_fd, std::string_view name, std::string_view content,
                     std::string_view shown, const WriteOptions& options) {
  std::string target(name);
  if (target.empty() || target == "." || target == ".." || target.find('/') != std::string::npos)
    return os_error(EINVAL, shown);
  // A hidden name beside the target; NAME_MAX allows 255 bytes.
  std::string tmp;
  UniqueFd fd;
  for (int attempt = 0; attempt < 4 && !fd; ++attempt) {
    auto suffix = random_hex(8);
    if (!suffix.ok()) return suffix.error();
    tmp = "." + target.substr(0, 200) + "." + *suffix + ".tmp";
    fd.reset(::openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      options.mode));
    if (!fd && errno != EEXIST) return os_error(errno, shown);
  }
  if (!fd) return os_error(EEXIST, shown);
  auto fail = [&](int err) {
    fd.reset();
    ::unlinkat(dir_fd, tmp.c_str(), 0);
    return os_error(err, shown);
  };
  mode_t mode = options.mode;
  bool chmod = options.exact_mode;
  struct stat old;
  if (options.keep_mode && ::fstatat(dir_fd, target.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISREG(old.st_mode)) {
    mode = old.st_mode & 07777;
    chmod = true;
  }
  if (chmod && ::fchmod(fd.get(), mode) != 0) return fail(errno);
  if (!write_all(fd.get(), content)) return fail(errno);
  if (::fsync(fd.get()) != 0) return fail(errno);
  if (::close(fd.release()) != 0) return fail(errno);
  if (::renameat(dir_fd, tmp.c_str(), dir_fd, target.c_str()) != 0) return fail(errno);
  // The rename is done and cannot be undone; a directory fsync that fails
  // (EINVAL on some file systems) is therefore not reported.
  (void)::fsync(dir_fd);
  return Ok{};
}

Status write_file_atomic(const std::string& path, std::string_view content, std::string_view shown,
                         const WriteOptions& options) {
  if (shown.empty()) shown = path;
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return os_error(errno, shown);
  return write_file_at(dir_fd.get(), name, content, shown, options);
}

}  // namespace lyn
