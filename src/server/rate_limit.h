// RateLimiter: a token bucket per client identity (an API key's name, or the
// remote address), `rate` requests per second with a burst of
// max(1, burst) requests. A rate of 0 disables it. Buckets idle for a minute
// are forgotten, so the map cannot grow without bound.
//
// Thread safety: allow() may be called from any number of threads at once
// (one mutex guards the buckets).
#ifndef LYNGUINE_SERVER_RATE_LIMIT_H_
#define LYNGUINE_SERVER_RATE_LIMIT_H_

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lyn::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // burst <= 0: the burst is max(1, rate).
  explicit RateLimiter(double rate = 0, double burst = 0);

  bool enabled() const { return rate_ > 0; }

  // Takes one token from `who`'s bucket; false if it is empty.
  bool allow(std::string_view who) { return allow(who, Clock::now()); }
  bool allow(std::string_view who, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_{};
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_RATE_LIMIT_H_
