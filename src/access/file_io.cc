#include "access/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "config/paths.h"
#include "core/value.h"

namespace lyn {

namespace {

Error errno_error(int err, std::string_view shown) {
  std::string quoted = py_string_repr(shown);
  std::string msg = "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": " + quoted;
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

}  // namespace

Result<std::string> read_text_file(const std::string& path, std::string_view shown,
                                   size_t max_bytes) {
  if (shown.empty()) shown = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, shown);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return errno_error(e, shown);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return errno_error(EISDIR, shown);
  }
  if (static_cast<size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Error{"ValueError", "File " + py_string_repr(shown) + " is too large to read", 413};
  }
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (true) {
    if (got == out.size()) out.resize(out.size() + 65536);
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return errno_error(e, shown);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got > max_bytes) {
      ::close(fd);
      return Error{"ValueError", "File " + py_string_repr(shown) + " is too large to read", 413};
    }
  }
  out.resize(got);
  ::close(fd);
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view content,
                         std::string_view shown) {
  if (shown.empty()) shown = path;
  std::string dir = path_dirname(path);
  if (dir.empty()) dir = ".";
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return errno_error(ENOENT, shown);
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%016llx.tmp", static_cast<unsigned long long>(rng()));
  std::string tmp = path_join(dir, "." + path_basename(path) + suffix);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error(errno, shown);
  // Keep the mode of the file being replaced.
  struct stat old;
  if (::stat(path.c_str(), &old) == 0) ::fchmod(fd, old.st_mode & 07777);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return errno_error(e, shown);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return errno_error(e, shown);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return errno_error(e, shown);
  }
  return Ok{};
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string universal_newlines(std::string_view raw) {
  if (raw.find('\r') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out += raw[i];
      continue;
    }
    out += '\n';
    if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
  }
  return out;
}

}  // namespace lyn
