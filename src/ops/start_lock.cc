#include "ops/start_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>

namespace lyn::ops {

namespace {

Result<int> open_lock(const std::string& dir) {
  std::string path = dir + "/start.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Error::os("cannot open " + path);
  return fd;
}

}  // namespace

Result<StartLock> StartLock::acquire(const std::string& dir) {
  auto fd = open_lock(dir);
  if (!fd.ok()) return fd.error();
  int r;
  do {
    r = ::flock(*fd, LOCK_EX);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    Error e = Error::os("flock");
    ::close(*fd);
    return e;
  }
  return StartLock(*fd);
}

Result<StartLock> StartLock::try_acquire(const std::string& dir) {
  auto fd = open_lock(dir);
  if (!fd.ok()) return fd.error();
  if (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    Error e = errno == EWOULDBLOCK ? Error{"BlockingIOError", "start lock is held", 500}
                                   : Error::os("flock");
    ::close(*fd);
    return e;
  }
  return StartLock(*fd);
}

StartLock::StartLock(StartLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

StartLock& StartLock::operator=(StartLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StartLock::~StartLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

}  // namespace lyn::ops
