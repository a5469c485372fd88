#include "ops/start_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <thread>

namespace lyn::ops {

namespace {

Result<int> open_lock(const StateDir& dir) {
  auto fd = dir.open_private_file("start.lock", O_RDWR);
  if (!fd.ok()) return fd.error();
  return fd->release();
}

}  // namespace

Result<StartLock> StartLock::acquire(const StateDir& dir) {
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

Result<StartLock> StartLock::try_acquire(const StateDir& dir) {
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

std::optional<StartLock> StartLock::try_for(const StateDir& dir,
                                            std::chrono::milliseconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    if (auto l = try_acquire(dir); l.ok()) return std::move(l).value();
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
