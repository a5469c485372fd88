// StartLock: an exclusive flock() on <state dir>/start.lock, held while a
// client checks for and starts a server (so concurrent clients start exactly
// one) and while a server removes its own state file. Released on
// destruction. The descriptor is close-on-exec, so servers spawned while it
// is held do not inherit the lock.
//
// Thread safety: a StartLock is a move-only owner of one descriptor; use it
// from one thread. Locks taken in different processes exclude each other.
#ifndef LYNGUINE_OPS_START_LOCK_H_
#define LYNGUINE_OPS_START_LOCK_H_

#include <string>

#include "core/status.h"

namespace lyn::ops {

class StartLock {
 public:
  // Blocks until the lock is ours. An OSError if the file cannot be opened
  // or locked.
  static Result<StartLock> acquire(const std::string& dir);
  // Does not block: a BlockingIOError if another holder has it.
  static Result<StartLock> try_acquire(const std::string& dir);

  StartLock(StartLock&& other) noexcept;
  StartLock& operator=(StartLock&& other) noexcept;
  StartLock(const StartLock&) = delete;
  StartLock& operator=(const StartLock&) = delete;
  ~StartLock();

 private:
  explicit StartLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_START_LOCK_H_
