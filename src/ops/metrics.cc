#include "ops/metrics.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

#include "core/platform.h"

namespace lyn::ops {

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Shortest round-trip text of a double ("0.00005" style when `fixed`).
void append_number(std::string& out, double v, bool fixed = false) {
  char buf[64];
  auto r = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                 : std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ec == std::errc() ? r.ptr : buf);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// A label value, escaped as the exposition format wants.
void append_label_value(std::string& out, std::string_view v) {
  out.push_back('"');
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_gauge(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help, double value) {
  append_header(out, name, type, help);
  out += name;
  out += ' ';
  append_number(out, value);
  out += '\n';
}

double process_cpu_seconds() {
  struct timespec cpu {};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9;
}

}  // namespace

std::string_view normalise_method(std::string_view method) {
  static constexpr std::string_view kMethods[] = {"GET",   "POST", "DELETE", "PUT",
                                                  "PATCH", "HEAD", "OPTIONS"};
  for (std::string_view m : kMethods)
    if (method == m) return m;
  return "OTHER";
}

Metrics::Metrics(double start_unix_seconds, EndpointLabel label)
    : start_unix_(start_unix_seconds > 0 ? start_unix_seconds : unix_now()),
      label_(std::move(label)),
      start_steady_(std::chrono::steady_clock::now()) {}

void Metrics::observe(std::string_view method, std::string_view target, int status,
                      double seconds) {
  RequestKey key{label_ ? label_(method, target) : std::string("other"),
                 std::string(normalise_method(method)), status};
  if (seconds < 0) seconds = 0;
  // First bucket whose upper bound holds `seconds`; kBuckets.size() = +Inf only.
  size_t bucket = static_cast<size_t>(std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) -
                                      kBuckets.begin());
  std::lock_guard lock(mu_);
  ++requests_[key];
  Histogram& h = durations_[key.endpoint];
  if (bucket < h.counts.size()) ++h.counts[bucket];
  ++h.count;
  h.sum += seconds;
  ++total_;
}

std::uint64_t Metrics::requests_total() const {
  std::lock_guard lock(mu_);
  return total_;
}

double Metrics::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_steady_).count();
}

std::string Metrics::render(const MetricsSources& src) const {
  std::string out;
  out.reserve(8192);
  {
    std::lock_guard lock(mu_);
    append_header(out, "lynguine_requests_total", "counter",
                  "HTTP requests answered, by route template, method and status.");
    for (const auto& [k, n] : requests_) {
      out += "lynguine_requests_total{endpoint=";
      append_label_value(out, k.endpoint);
      out += ",method=";
      append_label_value(out, k.method);
      out += ",status=\"";
      append_uint(out, static_cast<std::uint64_t>(k.status));
      out += "\"} ";
      append_uint(out, n);
      out += '\n';
    }
    append_header(out, "lynguine_request_duration_seconds", "histogram",
                  "Time from a complete request to its answer, by route template.");
    for (const auto& [endpoint, h] : durations_) {
      std::uint64_t cumulative = 0;
      for (size_t i = 0; i <= kBuckets.size(); ++i) {
        if (i < kBuckets.size()) cumulative += h.counts[i];
        out += "lynguine_request_duration_seconds_bucket{endpoint=";
        append_label_value(out, endpoint);
        out += ",le=\"";
        if (i < kBuckets.size())
          append_number(out, kBuckets[i], true);
        else
          out += "+Inf";
        out += "\"} ";
        append_uint(out, i < kBuckets.size() ? cumulative : h.count);
        out += '\n';
      }
      out += "lynguine_request_duration_seconds_sum{endpoint=";
      append_label_value(out, endpoint);
      out += "} ";
      append_number(out, h.sum);
      out += "\nlynguine_request_duration_seconds_count{endpoint=";
      append_label_value(out, endpoint);
      out += "} ";
      append_uint(out, h.count);
      out += '\n';
    }
  }
  if (src.cache_hits)
    append_gauge(out, "lynguine_cache_hits_total", "counter",
                 "Parsed-file cache lookups answered from memory.",
                 static_cast<double>(src.cache_hits()));
  if (src.cache_misses)
    append_gauge(out, "lynguine_cache_misses_total", "counter",
                 "Parsed-file cache lookups that read and parsed the file.",
                 static_cast<double>(src.cache_misses()));
  if (src.cache_entries)
    append_gauge(out, "lynguine_cache_entries", "gauge", "Parsed files held in memory.",
                 static_cast<double>(src.cache_entries()));
  if (src.in_flight)
    append_gauge(out, "lynguine_in_flight_requests", "gauge",
                 "Requests being read, handled or answered (this one included).",
                 static_cast<double>(src.in_flight()));
  if (src.sessions)
    append_gauge(out, "lynguine_sessions", "gauge", "Open sessions.",
                 static_cast<double>(src.sessions()));
  if (src.idle_seconds)
    append_gauge(out, "lynguine_idle_seconds", "gauge", "Seconds since the last request.",
                 src.idle_seconds());
  if (src.samples) {
    std::string_view last;
    auto samples = src.samples();
    for (const auto& m : samples) {
      if (m.name != last) append_header(out, m.name, m.type, m.help);
      last = m.name;
      out += m.name;
      if (!m.labels.empty()) {
        out += '{';
        out += m.labels;
        out += '}';
      }
      out += ' ';
      append_number(out, m.value);
      out += '\n';
    }
  }
  append_gauge(out, "lynguine_idle_timeout_seconds", "gauge",
               "Idle time after which the server exits (0: never).", src.idle_timeout_seconds);
  append_gauge(out, "lynguine_uptime_seconds", "gauge", "Seconds since the server started.",
               uptime_seconds());
  append_header(out, "lynguine_build_info", "gauge", "The server's version (value always 1).");
  out += "lynguine_build_info{version=";
  append_label_value(out, src.version.empty() ? std::string_view(LYNGUINE_VERSION)
                                              : std::string_view(src.version));
  out += "} 1\n";
  append_gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
               platform::resident_memory_bytes());
  append_gauge(out, "process_start_time_seconds", "gauge",
               "Start time of the process since the unix epoch in seconds.", start_unix_);
  append_gauge(out, "process_cpu_seconds_total", "counter",
               "Total user and system CPU time spent in seconds.", process_cpu_seconds());
  return out;
}

}  // namespace lyn::ops
