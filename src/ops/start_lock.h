// StartLock: an exclusive flock() on <state dir>/start.lock, held while a
// client checks for and starts the per-user server (so concurrent clients
// start exactly one), and while a stale Unix socket is removed. Released on
// destruction. The descriptor is close-on-exec, so servers spawned while it
// is held do not inherit the lock.
//
// Thread safety: a StartLock is a move-only owner of one descriptor; use it
// from one thread. Locks taken in different processes exclude each other.
#ifndef LYNGUINE_OPS_START_LOCK_H_
#define LYNGUINE_OPS_START_LOCK_H_

#include <chrono>
#include <optional>
#include <string>

#include "core/status.h"
#include "ops/state_dir.h"

namespace lyn::ops {

class StartLock {
 public:
  // Blocks until the lock is ours. An OSError if the file cannot be opened
  // or locked.
  static Result<StartLock> acquire(const StateDir& dir);
  // Does not block: a BlockingIOError if another holder has it.
  static Result<StartLock> try_acquire(const StateDir& dir);
  // Tries for up to `patience` (a holder may be waiting for us to exit, so
  // never block for long); nullopt if it stayed held.
  static std::optional<StartLock> try_for(const StateDir& dir, std::chrono::milliseconds patience);

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
