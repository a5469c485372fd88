#include "app/observability.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/json.h"
#include "ops/metrics.h"
#include "ops/openapi.h"
#include "ops/recent_errors.h"
#include "ops/status_page.h"

namespace lyn::app {

namespace {

// The OpenAPI operation of one of these GET routes (their texts hold no
// character that JSON would escape): its answer, of `content_type`, is
// described by `what` and `schema` (JSON text).
std::string get_doc(const char* id, const char* summary, const char* what, const char* content_type,
                    const char* schema) {
  return std::string(R"({"tags": ["service"], "operationId": ")") + id + R"(", "summary": ")" +
         summary + R"(", "responses": {"200": {"description": ")" + what + R"(", "content": {")" +
         content_type + R"(": {"schema": )" + schema +
         R"(}}}, "405": {"$ref": "#/components/responses/Error"}}})";
}

const std::string kStatusPageDoc =
    get_doc("statusPage",
            "The status page (HTML; polls /api/status, /api/server, /api/sessions and /metrics)",
            "The page", "text/html", R"({"type": "string"})");
const std::string kMetricsDoc = get_doc(
    "metrics", "Prometheus metrics (text exposition format 0.0.4)",
    "lynguine_requests_total, lynguine_request_duration_seconds, lynguine_cache_hits_total, "
    "lynguine_cache_misses_total, lynguine_cache_bytes, process_* and more",
    "text/plain; version=0.0.4", R"({"type": "string"})");
const std::string kServerDoc = get_doc(
    "serverStatus",
    "This server for its status page: what it serves and how, its cache, activity and last errors",
    "The server's figures", "application/json", R"({"$ref": "#/components/schemas/ServerStatus"})");
const std::string kOpenApiDoc = get_doc("openapi", "This document", "OpenAPI 3.0 document",
                                        "application/json", R"({"type": "object"})");

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
  ops::RecentErrors recent_errors;
};

namespace {

// The samples beyond the Metrics' own: the transport's counters, refusals
// by reason, the cache's bytes, log lines dropped.
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
  if (s.api) {
    service::Api::CacheStats c = s.api->cache_stats();
    add("lynguine_cache_bytes", "gauge", "Memory held by the parsed-file cache.",
        static_cast<double>(c.bytes));
    add("lynguine_cache_budget_bytes", "gauge", "The parsed-file cache's memory budget.",
        static_cast<double>(c.budget_bytes));
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
    add("lynguine_handlers_overrun_total", "counter",
        "Handlers that ran past their request's deadline, answered 503 (stopped at a "
        "budget check, their worker freed).",
        static_cast<double>(t.handlers_overrun));
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

// A failed request's path as the status page shows it: a known route's
// template (a session's id is a capability: never shown), else the path
// asked for, without its query string and cut short.
std::string shown_path(const Observability::State& s, const server::HttpRequest& req) {
  if (s.api) {
    service::RouteDescription r = s.api->routes().describe(req.method, req.target);
    if (r.known) return r.metric_label;
  }
  std::string path = req.target.substr(0, req.target.find('?'));
  if (path.size() > 120) path = path.substr(0, 120) + "...";
  return path;
}

// The error_type of lynguine's JSON error answer, or "".
std::string error_type_of(const server::HttpResponse& resp) {
  if (resp.body.size() > 4096 || resp.body.find("\"error_type\"") == std::string::npos) return {};
  auto v = parse_json(resp.body);
  if (!v.ok() || !v->is_map()) return {};
  const Value* t = v->get("error_type");
  return t && t->is_string() ? t->as_string() : std::string();
}

// GET /api/server: what the status page shows beyond /api/status.
Value server_status(const Observability::State& s) {
  const ServeInfo& info = s.info;
  Map serving;
  serving.set("root", Value(info.root));
  serving.set("url", Value(info.url));
  if (info.socket.empty()) {
    serving.set("host", Value(info.host));
    serving.set("port", Value(static_cast<int64_t>(info.port)));
  } else {
    serving.set("socket", Value(info.socket));
  }
  serving.set("auth", Value(info.auth));
  serving.set("tls", Value(info.tls));
  serving.set("state_dir", Value(info.state_dir));
  Map out;
  out.set("status", Value("ok"));
  out.set("serving", Value(std::move(serving)));
  if (s.api) {
    service::Api::CacheStats c = s.api->cache_stats();
    std::uint64_t lookups = c.hits + c.misses;
    Map cache;
    cache.set("hits", Value(static_cast<int64_t>(c.hits)));
    cache.set("misses", Value(static_cast<int64_t>(c.misses)));
    cache.set("hit_rate", lookups ? Value(static_cast<double>(c.hits) / lookups) : Value());
    cache.set("entries", Value(static_cast<int64_t>(c.entries)));
    cache.set("bytes", Value(static_cast<int64_t>(c.bytes)));
    cache.set("budget_bytes", Value(static_cast<int64_t>(c.budget_bytes)));
    out.set("cache", Value(std::move(cache)));
  }
  Map activity;
  if (info.last_active_unix) activity.set("last_active_at", Value(info.last_active_unix()));
  activity.set(
      "now",
      Value(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count()));
  out.set("activity", Value(std::move(activity)));
  out.set("recent_errors", s.recent_errors.to_value());
  return Value(std::move(out));
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
    if (r.status != 0)  // a connection closed without an answer is routine
      s->recent_errors.add({0, r.status, "", "", r.reason});
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
  auto get = [](service::RouteHandler handler, const std::string& doc,
                service::Right right = service::Right::read) {
    service::RouteMethod m;
    m.method = "GET";
    m.right = right;
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
                  // Public: the page holds no data; it asks for the token
                  // itself (a login form) when the API wants one.
                  kStatusPageDoc, service::Right::none)}});
  routes.add({"/metrics",
              {get(
                  [w, page](const service::RequestContext&, const service::RouteRequest&) {
                    auto s = w.lock();
                    return page(s ? s->metrics->render(s->sources) : std::string(),
                                "text/plain; version=0.0.4; charset=utf-8");
                  },
                  kMetricsDoc)}});
  routes.add({"/api/server",
              {get(
                  [w, page](const service::RequestContext&, const service::RouteRequest&) {
                    auto s = w.lock();
                    return page(s ? to_json(server_status(*s)) : std::string("{}"),
                                "application/json");
                  },
                  kServerDoc)}});
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
    // The status page's own polls: answered, but neither counted nor logged
    // above debug, so that watching the server does not change what is watched.
    if (ops::is_status_page_poll(req.method, req.target,
                                 req.header(std::string(ops::kStatusPollHeader)))) {
      server::HttpResponse resp = inner(req);
      if (s->log->enabled(ops::LogLevel::kDebug))
        s->log->log(ops::LogLevel::kDebug, "status page poll",
                    {ops::log_field("path", req.target),
                     ops::log_field("status", static_cast<long long>(resp.status))});
      return resp;
    }
    auto t0 = std::chrono::steady_clock::now();
    ops::Logger& log = *s->log;
    if (log.enabled(ops::LogLevel::kDebug))
      log.log(ops::LogLevel::kDebug, "received",
              {ops::log_field("method", req.method), ops::log_field("path", req.target),
               ops::log_field("body_bytes", static_cast<long long>(req.body.size())),
               ops::log_field("user_agent", req.header("User-Agent"))});
    server::HttpResponse resp = inner(req);
    // Declined on the I/O thread: counted and logged when a worker answers.
    if (resp.needs_worker) return resp;
    if (resp.status >= 400) {
      s->recent_errors.add({0, resp.status, req.method, shown_path(*s, req), error_type_of(resp)});
    }
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
