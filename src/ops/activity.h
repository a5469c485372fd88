// Activity: when the server was last used, for its idle timeout and for
// /api/status. The transport sees every request; this sees only those that
// count as use: the status page's own polling (ops/status_page.h) must not
// keep an idle server alive, nor show itself as activity.
//
// The program calls touch() when a counted request arrives, and begin() /
// end() around its handling; idle_seconds() is 0 while one is in flight.
//
// Thread safety: every method may be called from any thread at once.
#ifndef LYNGUINE_OPS_ACTIVITY_H_
#define LYNGUINE_OPS_ACTIVITY_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace lyn::ops {

class Activity {
 public:
  Activity();

  void touch();  // a counted request arrived (or was refused): now is activity
  void begin();  // a counted request is being handled
  void end();    // ... and is done (touches too)

  // Seconds since the last activity; 0 while a counted request is in flight.
  double idle_seconds() const;
  // The last activity as unix seconds (now while one is in flight).
  double last_active_unix() const;

 private:
  std::atomic<std::chrono::steady_clock::rep> last_;
  std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_ACTIVITY_H_
