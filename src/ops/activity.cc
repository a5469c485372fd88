#include "ops/activity.h"

namespace lyn::ops {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Activity::Activity() : last_(Clock::now().time_since_epoch().count()) {}

void Activity::touch() {
  last_.store(Clock::now().time_since_epoch().count());
}

void Activity::begin() {
  in_flight_.fetch_add(1);
  touch();
}

void Activity::end() {
  touch();
  in_flight_.fetch_sub(1);
}

double Activity::idle_seconds() const {
  if (in_flight_.load() > 0) return 0.0;
  Clock::time_point last{Clock::duration(last_.load())};
  double idle = std::chrono::duration<double>(Clock::now() - last).count();
  return idle > 0 ? idle : 0.0;
}

double Activity::last_active_unix() const {
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return now - idle_seconds();
}

}  // namespace lyn::ops
