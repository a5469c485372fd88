#include "server/rate_limit.h"

#include <algorithm>

namespace lyn::server {

RateLimiter::RateLimiter(double rate, double burst)
    : rate_(rate > 0 ? rate : 0), burst_(burst > 0 ? burst : std::max(1.0, rate)) {}

bool RateLimiter::allow(std::string_view who, Clock::time_point now) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > std::chrono::seconds(60)) {
    for (auto it = buckets_.begin(); it != buckets_.end();)
      it = now - it->second.last > std::chrono::seconds(60) ? buckets_.erase(it) : std::next(it);
    last_sweep_ = now;
  }
  auto [it, fresh] = buckets_.try_emplace(std::string(who), Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    double dt = std::chrono::duration<double>(now - b.last).count();
    if (dt > 0) b.tokens = std::min(burst_, b.tokens + dt * rate_);
    b.last = std::max(b.last, now);
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace lyn::server
