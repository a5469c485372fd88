#include "ops/recent_errors.h"

#include <chrono>
#include <utility>

namespace lyn::ops {

void RecentErrors::add(RecentError e) {
  if (e.at == 0)
    e.at =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard lock(mu_);
  errors_.push_back(std::move(e));
  while (errors_.size() > capacity_) errors_.pop_front();
}

Value RecentErrors::to_value() const {
  List out;
  std::lock_guard lock(mu_);
  for (auto it = errors_.rbegin(); it != errors_.rend(); ++it) {
    Map m;
    m.set("at", Value(it->at));
    m.set("status", Value(static_cast<int64_t>(it->status)));
    m.set("method", Value(it->method));
    m.set("path", Value(it->path));
    m.set("reason", Value(it->reason));
    out.push_back(Value(std::move(m)));
  }
  return Value(std::move(out));
}

}  // namespace lyn::ops
