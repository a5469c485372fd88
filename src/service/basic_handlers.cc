// ping, health and status: the endpoints that touch no data.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/platform.h"
#include "service/handlers.h"
#include "service/route_table.h"

namespace lyn::service {

namespace {

double total_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

HandlerReply handle_ping(const RequestContext&, const Value&) {
  return {200, Value(Map{{"status", Value("ok")}, {"message", Value("pong")}})};
}

HandlerReply handle_health(const RequestContext&, const Value&) {
  return {200, Value(Map{{"status", Value("ok")},
                         {"server", Value("lynguine-server-poc")},
                         {"version", Value(LYNGUINE_VERSION)}})};
}

HandlerReply handle_status(const RequestContext& ctx, const Value&) {
  Map m;
  m.set("status", Value("ok"));
  m.set("server", Value("lynguine-server"));
  m.set("version", Value(LYNGUINE_VERSION));
  m.set("pid", Value(static_cast<int64_t>(getpid())));
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
  m.set("uptime_seconds", Value(uptime));
  List endpoints;
  for (const auto& e : ctx.routes.endpoint_list()) endpoints.push_back(Value(e));
  m.set("endpoints", Value(std::move(endpoints)));
  Map idle;
  double timeout = ctx.options.idle_timeout_seconds;
  if (timeout > 0) {
    double idle_s = ctx.options.idle_seconds ? ctx.options.idle_seconds() : 0.0;
    idle.set("enabled", Value(true));
    idle.set("timeout_seconds", Value(timeout));
    idle.set("idle_seconds", Value(idle_s));
    idle.set("remaining_seconds", Value(std::max(0.0, timeout - idle_s)));
  } else {
    idle.set("enabled", Value(false));
  }
  m.set("idle_timeout", Value(std::move(idle)));
  double rss = platform::resident_memory_bytes();
  m.set("memory", Value(Map{{"rss_mb", Value(rss / 1024 / 1024)},
                            {"percent", Value(100.0 * rss / total_memory_bytes())}}));
  // Average CPU use over the process's life (lynguine samples 0.1 s; we do
  // not make a status request sleep).
  struct timespec cpu {};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
  double cpu_s = static_cast<double>(cpu.tv_sec) + cpu.tv_nsec / 1e9;
  m.set("cpu_percent", Value(uptime > 0 ? 100.0 * cpu_s / uptime : 0.0));
  return {200, Value(std::move(m))};
}

}  // namespace lyn::service
