// RecentErrors: the last few failed or refused requests, for the status
// page ("what went wrong lately" without reading the log). Bounded: the
// newest `capacity` are kept. Entries carry no secret (a key's name at most,
// never a token) and no request body.
//
// Thread safety: add() and to_value() may be called from any thread at once.
#ifndef LYNGUINE_OPS_RECENT_ERRORS_H_
#define LYNGUINE_OPS_RECENT_ERRORS_H_

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "core/value.h"

namespace lyn::ops {

struct RecentError {
  double at = 0;       // unix seconds
  int status = 0;      // the HTTP status answered
  std::string method;  // "" for a refused connection
  std::string path;    // the request's route label (never its query string)
  std::string reason;  // the refusal's reason or the error's type, if known
};

class RecentErrors {
 public:
  explicit RecentErrors(std::size_t capacity = 20) : capacity_(capacity) {}

  // Records `e` (its `at` set to now when 0).
  void add(RecentError e);
  // [{at, status, method, path, reason}...], newest first.
  Value to_value() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<RecentError> errors_;  // oldest first
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_RECENT_ERRORS_H_
