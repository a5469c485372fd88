#include "ops/stale_socket.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "core/fs.h"
#include "core/platform.h"

namespace lyn::ops {

namespace {

// connect(2) to the Unix socket `path`: 0 if something accepts (or queues)
// the connection, else the errno (ECONNREFUSED: nobody listens).
int connect_errno(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return ENAMETOOLONG;
  std::memcpy(addr.sun_path, path.data(), path.size());
  UniqueFd fd(platform::socket_cloexec(AF_UNIX, SOCK_STREAM, 0));
  if (!fd) return errno;
  // A blocking connect to a Unix socket returns at once: accepted (or queued
  // in the backlog) by a live listener, or ECONNREFUSED if none listens.
  int r;
  do {
    r = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } while (r != 0 && errno == EINTR);
  return r == 0 || errno == EAGAIN ? 0 : errno;
}

}  // namespace

bool nobody_listens(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  return S_ISSOCK(st.st_mode) && connect_errno(path) == ECONNREFUSED;
}

Status remove_stale_socket(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Ok{};
    return os_error(errno, path);
  }
  if (!S_ISSOCK(st.st_mode))
    return Error{"FileExistsError", path + " exists and is not a socket; not touching it", 409};
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    return Error{"OSError", "Unix socket path too long: " + path, 500};
  int err = connect_errno(path);
  if (err == 0) return Error{"FileExistsError", "a server is listening on " + path, 409};
  if (err != ECONNREFUSED) return os_error(err, path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, path);
  return Ok{};
}

}  // namespace lyn::ops
