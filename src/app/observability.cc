#include "app/observability.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "ops/metrics.h"
#include "ops/openapi.h"
#include "ops/status_page.h"

namespace lyn::app {

namespace {

constexpr const char* kStatusPageDoc = R"JSON({
  "tags": ["service"], "operationId": "statusPage",
  "summary": "The status page (HTML; polls /api/status and /metrics)",
  "responses": {
    "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
    "405": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kMetricsDoc = R"JSON({
  "tags": ["service"], "operationId": "metrics",
  "summary": "Prometheus metrics (text exposition format 0.0.4)",
  "responses": {
    "200": {"description": "lynguine_requests_total, lynguine_request_duration_seconds, lynguine_cache_hits_total, lynguine_cache_misses_total, process_* and more", "content": {"text/plain; version=0.0.4": {"schema": {"type": "string"}}}},
    "405": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kOpenApiDoc = R"JSON({
  "tags": ["service"], "operationId": "openapi",
  "summary": "This document",
  "responses": {
    "200": {"description": "OpenAPI 3.0 document", "content": {"application/json": {"schema": {"type": "object"}}}},
    "405": {"$ref": "#/components/responses/Error"}}})JSON";

}  // namespace

struct Observability::State {
  ServeInfo info;
  std::shared_ptr<ops::Logger> log;
  std::shared_ptr<const service::Api> api;  // set by attach()
  std::string openapi;                      // rendered by attach()
  ops::MetricsSources sources;
  std::unique_ptr<ops::Metrics> metrics;
  std::mutex refusals_mu;
  std::map<std::string, std::uint64_t> refusals;  // by reason (a bounded set)
};

namespace {

// The samples beyond the Metrics' own: the transport's counters, refusals
// by reason, log lines dropped.
std::vector<ops::MetricSample> extra_samples(Observability::State& s) {
  std::vector<ops::MetricSample> out;
  auto add = [&out](const char* name, const char* type, const char* help, double v,
                    std::string labels = {}) {
    out.push_back({name, type, help, std::move(labels), v});
  };
  {
    std::lock_guard lock(s.refusals_mu);
    for (const auto& [reason, n] : s.refusals)
      add("lynguine_refusals_total", "counter",
          "Requests and connections refused or dropped, by reason.", static_cast<double>(n),
          "reason=\"" + reason + "\"");
  }
  add("lynguine_log_lines_dropped_total", "counter",
      "Log lines dropped because the log's destination did not keep up.",
      static_cast<double>(s.log->dropped()));
  if (s.info.transport) {
    server::ServerStats t = s.info.transport();
    add("lynguine_connections_accepted_total", "counter", "Connections accepted.",
        static_cast<double>(t.connections_accepted));
    add("lynguine_connections_evicted_total", "counter",
        "Quiet connections closed to make room for new ones.",
        static_cast<double>(t.connections_evicted));
    add("lynguine_worker_threads", "gauge", "Threads running request handlers.",
        static_cast<double>(t.workers));
    add("lynguine_workers_busy", "gauge", "Worker threads running a handler now.",
        static_cast<double>(t.busy_workers));
    add("lynguine_worker_queue_length", "gauge", "Requests waiting for a worker.",
        static_cast<double>(t.queued));
    add("lynguine_streamed_answers_total", "counter",
        "Answers sent in pieces as they were produced (chunked).",
        static_cast<double>(t.streamed_answers));
    add("lynguine_stream_queued_bytes", "gauge",
        "Bytes of streamed answers produced and waiting to be written, all connections.",
        static_cast<double>(t.stream_queued_bytes));
    add("lynguine_stream_queued_peak_bytes", "gauge",
        "The most bytes of a streamed answer one connection has held waiting to be written.",
        static_cast<double>(t.stream_queued_peak));
  }
  return out;
}

}  // namespace

namespace {

// The accounting of one answer sent in pieces: finished when its last piece
// is made, or when the transport drops it unfinished.
struct StreamedAnswer {
  StreamedAnswer(std::shared_ptr<Observability::State> s, const server::HttpRequest& req,
                 int status, std::chrono::steady_clock::time_point t0, std::size_t bytes)
      : s(std::move(s)),
        method(req.method),
        target(req.target),
        remote(req.remote),
        status(status),
        t0(t0),
        bytes(bytes) {}
  ~StreamedAnswer() { finish(); }
  void finish() {
    if (finished) return;
    finished = true;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s->metrics->observe(method, target, status, secs);
    s->log->access(method, target, status, secs, bytes, remote);
  }
  std::shared_ptr<Observability::State> s;
  std::string method, target, remote;
  int status;
  std::chrono::steady_clock::time_point t0;
  std::size_t bytes;
  bool finished = false;
};

}  // namespace

Observability::Observability(const ServeInfo& info, std::shared_ptr<ops::Logger> log)
    : state_(std::make_shared<State>()) {
  state_->info = info;
  state_->log = std::move(log);
  // The label of a request: its route template in the Api's table. The
  // table is fixed before the first request (attach()); the weak pointer
  // keeps the Metrics from owning the state that owns it.
  std::weak_ptr<State> weak = state_;
  state_->metrics = std::make_unique<ops::Metrics>(
      info.started_at, [weak](std::string_view method, std::string_view target) -> std::string {
        auto s = weak.lock();
        if (!s || !s->api) return "other";
        return s->api->routes().describe(method, target).metric_label;
      });
  ops::MetricsSources& src = state_->sources;
  src.in_flight = info.in_flight;
  src.idle_seconds = info.idle_seconds;
  src.idle_timeout_seconds = info.idle_timeout_seconds;
  src.version = info.version;
  std::weak_ptr<State> w = state_;
  src.samples = [w] {
    auto s = w.lock();
    return s ? extra_samples(*s) : std::vector<ops::MetricSample>{};
  };
}

server::RefusalObserver Observability::on_refusal() {
  return [s = state_](const server::Refusal& r) {
    {
      std::lock_guard lock(s->refusals_mu);
      ++s->refusals[r.reason];
    }
    // The secret is never in a Refusal; the key's name is.
    // An idle keep-alive connection closed is routine (every client that
    // keeps one open ends so): counted, but logged only at debug.
    auto level = r.reason == "idle_timeout" ? ops::LogLevel::kDebug : ops::LogLevel::kWarning;
    s->log->log(level, "refused",
                {ops::log_field("reason", r.reason),
                 ops::log_field("status", static_cast<long long>(r.status)),
                 ops::log_field("principal", r.principal), ops::log_field("address", r.address)});
  };
}

void Observability::add_routes(service::RouteTable& routes) {
  auto page = [](std::string body, std::string content_type, service::HandlerReply extra = {}) {
    extra.raw = std::move(body);
    extra.content_type = std::move(content_type);
    return extra;
  };
  auto get = [](service::RouteHandler handler, const char* doc) {
    service::RouteMethod m;
    m.method = "GET";
    m.right = service::Right::read;
    m.handler = std::move(handler);
    m.openapi = doc;
    return m;
  };
  // Weak: the Api holds these routes and the state holds the Api.
  std::weak_ptr<State> w = state_;
  routes.add({"/",
              {get(
                  [page](const service::RequestContext&, const service::RouteRequest&) {
                    service::HandlerReply r;
                    r.headers.emplace_back("Cache-Control", "no-cache");
                    return page(std::string(ops::status_page_html()), "text/html; charset=utf-8",
                                std::move(r));
                  },
                  kStatusPageDoc)}});
  routes.add({"/metrics",
              {get(
                  [w, page](const service::RequestContext&, const service::RouteRequest&) {
                    auto s = w.lock();
                    return page(s ? s->metrics->render(s->sources) : std::string(),
                                "text/plain; version=0.0.4; charset=utf-8");
                  },
                  kMetricsDoc)}});
  routes.add({"/api/openapi.json",
              {get(
                  [w, page](const service::RequestContext&, const service::RouteRequest& r) {
                    auto s = w.lock();
                    if (!s) return page("{}", "application/json");
                    std::string bound = s->info.host.find(':') != std::string::npos
                                            ? "[" + s->info.host + "]"
                                            : s->info.host;
                    bound += ":" + std::to_string(s->info.port);
                    return page(
                        ops::openapi_for_server(
                            s->openapi, ops::server_url_from_host(r.host, s->info.tls, bound)),
                        "application/json");
                  },
                  kOpenApiDoc)}});
}

Status Observability::attach(std::shared_ptr<const service::Api> api) {
  auto doc = ops::render_openapi(api->routes(), state_->info.version, state_->info.auth_required);
  if (!doc.ok()) return doc.error();
  state_->openapi = std::move(doc).value();
  ops::MetricsSources& src = state_->sources;
  const service::Api* a = api.get();  // the state keeps `api` alive
  src.cache_hits = [a] { return a->cache_stats().hits; };
  src.cache_misses = [a] { return a->cache_stats().misses; };
  src.cache_entries = [a] { return a->cache_stats().entries; };
  src.sessions = [a] { return a->session_count(); };
  state_->api = std::move(api);
  const ServeInfo& info = state_->info;
  state_->log->log(
      ops::LogLevel::kInfo, "serving",
      {ops::log_field("host", info.host), ops::log_field("port", static_cast<long long>(info.port)),
       ops::log_field("pid", static_cast<long long>(info.pid)), ops::log_field("root", info.root),
       ops::log_field("version", info.version)});
  return Ok{};
}

server::Handler Observability::wrap(server::Handler inner) {
  return [inner = std::move(inner), s = state_](const server::HttpRequest& req) {
    auto t0 = std::chrono::steady_clock::now();
    ops::Logger& log = *s->log;
    if (log.enabled(ops::LogLevel::kDebug))
      log.log(ops::LogLevel::kDebug, "received",
              {ops::log_field("method", req.method), ops::log_field("path", req.target),
               ops::log_field("body_bytes", static_cast<long long>(req.body.size())),
               ops::log_field("user_agent", req.header("User-Agent"))});
    server::HttpResponse resp = inner(req);
    if (!resp.more) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      s->metrics->observe(req.method, req.target, resp.status, secs);
      log.access(req.method, req.target, resp.status, secs, resp.body.size(), req.remote);
      return resp;
    }
    // A body in pieces is timed and logged once its last piece is made (or
    // when it is abandoned: a closed connection, a failed piece), with the
    // bytes actually produced.
    auto done = std::make_shared<StreamedAnswer>(s, req, resp.status, t0, resp.body.size());
    resp.more = [more = std::move(resp.more), done](std::string& out) {
      std::size_t before = out.size();
      bool going = more(out);
      done->bytes += out.size() - before;
      if (!going) done->finish();
      return going;
    };
    return resp;
  };
}

}  // namespace lyn::app
