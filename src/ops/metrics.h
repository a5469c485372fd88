// Metrics: request counters and latency histograms for `lynguine serve`,
// rendered in the Prometheus text exposition format (version 0.0.4) at
// GET /metrics. The program's request wrapper (app/observability) calls
// observe() once per answered request; nothing in src/service knows.
//
// Series:
//   lynguine_requests_total{endpoint,method,status}       counter
//   lynguine_request_duration_seconds{endpoint}            histogram (kBuckets)
//   lynguine_cache_hits_total / lynguine_cache_misses_total  counters (MetricsSources)
//   lynguine_cache_entries, lynguine_in_flight_requests,
//   lynguine_idle_seconds, lynguine_idle_timeout_seconds   gauges (when sourced)
//   lynguine_uptime_seconds, lynguine_build_info{version}  gauges
//   process_resident_memory_bytes, process_start_time_seconds,
//   process_cpu_seconds_total                              (Prometheus' names)
//   lynguine_sessions                                      gauge (MetricsSources::sessions)
//   whatever MetricsSources::samples gives (the transport's connection and
//   worker figures, refusals by reason, log lines dropped)
//
// Label cardinality is bounded: endpoint labels come from the label function
// the program gives (the route table's templates: session ids become {id},
// unknown paths "other"), and methods outside the HTTP set become "OTHER".
//
// Thread safety: observe(), render() and the accessors may be called from any
// thread at once; one mutex guards the series (held for a map lookup and a
// few additions per request; rendering copies nothing while holding it
// longer than the formatting of the text).
#ifndef LYNGUINE_OPS_METRICS_H_
#define LYNGUINE_OPS_METRICS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lyn::ops {

// The endpoint label of a request: (method, raw target) -> a value from a
// bounded set, e.g. the route template it matches or "other".
using EndpointLabel = std::function<std::string(std::string_view method, std::string_view target)>;

// The method as a label: GET, POST, ... as sent for the standard methods,
// "OTHER" for anything else.
std::string_view normalise_method(std::string_view method);

// One sample from elsewhere in the program: `labels` is empty or the inside
// of the braces, already escaped (reason="rate_limited").
struct MetricSample {
  std::string name;
  std::string type;  // "counter" or "gauge"
  std::string help;
  std::string labels;
  double value = 0;
};

// Live figures render() reads; every member is optional.
struct MetricsSources {
  // Samples of the same name must be adjacent (one HELP/TYPE per name).
  std::function<std::vector<MetricSample>()> samples;
  std::function<std::uint64_t()> cache_hits;
  std::function<std::uint64_t()> cache_misses;
  std::function<std::size_t()> cache_entries;
  std::function<std::size_t()> in_flight;
  std::function<std::size_t()> sessions;
  std::function<double()> idle_seconds;
  double idle_timeout_seconds = 0;  // 0: no idle timeout
  std::string version;
};

class Metrics {
 public:
  // Upper bounds (seconds) of the latency buckets: most requests take well
  // under a millisecond, so the scale starts at 50 us.
  static constexpr std::array<double, 16> kBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   10.0};

  // `start_unix_seconds`: when the process started serving (0: now).
  // `label`: the endpoint label of a request; unset: every request is "other".
  explicit Metrics(double start_unix_seconds = 0, EndpointLabel label = {});

  // Records one answered request; `target` is the raw request target.
  void observe(std::string_view method, std::string_view target, int status, double seconds);

  // The whole exposition, ending in a newline.
  std::string render(const MetricsSources& sources) const;

  // Requests observed so far (all labels).
  std::uint64_t requests_total() const;
  double start_unix_seconds() const { return start_unix_; }
  double uptime_seconds() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct RequestKey {
    std::string endpoint;
    std::string method;
    int status = 0;
    bool operator<(const RequestKey& o) const {
      if (endpoint != o.endpoint) return endpoint < o.endpoint;
      if (method != o.method) return method < o.method;
      return status < o.status;
    }
  };

  double start_unix_;
  EndpointLabel label_;
  std::chrono::steady_clock::time_point start_steady_;
  mutable std::mutex mu_;
  std::map<RequestKey, std::uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  std::uint64_t total_ = 0;
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_METRICS_H_
