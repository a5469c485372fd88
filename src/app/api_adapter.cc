#include "app/api_adapter.h"

#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "access/file_cache.h"
#include "core/budget.h"
#include "core/json.h"

namespace lyn::app {

namespace {

// A streamed answer this short is sent whole, with its Content-Length
// (lynguine's clients, and most small reads, never see a chunk).
constexpr std::size_t kWholeBelow = std::size_t{256} << 10;

}  // namespace

server::Handler api_handler(std::shared_ptr<const service::Api> api) {
  return [api = std::move(api)](const server::HttpRequest& req) {
    // The request's Budget: the Api's limits, the transport's deadline (from
    // the request's arrival) if earlier, and its cancel flag, so that work
    // still running when the deadline was answered stops at its next check.
    Budget budget(api->options().limits);
    if (req.deadline != std::chrono::steady_clock::time_point::max() &&
        (!budget.deadline() || req.deadline < *budget.deadline()))
      budget.set_deadline(
          req.deadline,
          server::deadline_refusal(
              std::chrono::duration_cast<std::chrono::milliseconds>(req.deadline - req.arrived)));
    if (req.cancel) budget.follow(req.cancel);
    BudgetScope scope(budget);
    // On an I/O thread, only from the parsed-file cache: anything more
    // (a miss, a changed file, an uncached read) goes to a worker.
    std::optional<FileCache::CachedOnly> cached_only;
    if (req.may_defer) cached_only.emplace();
    auto reply =
        api->handle_streaming(req.method, req.target, req.body, req.caller, req.header("Host"));
    server::HttpResponse resp;
    if (cached_only && (cached_only->missed() || reply.stream)) {
      resp.needs_worker = true;
      return resp;
    }
    resp.status = reply.status;
    resp.content_type = std::move(reply.content_type);
    resp.headers = std::move(reply.headers);
    if (auto stream = std::move(reply.stream)) {
      try {
        while (reply.body.size() < kWholeBelow && stream->next(reply.body)) {
        }
        if (reply.body.size() >= kWholeBelow) {
          resp.size_hint = stream->size_hint();
          resp.more = [stream](std::string& out) { return stream->next(out); };
        }
      } catch (const std::exception& e) {
        resp = server::HttpResponse{};
        resp.status = 500;
        // As Api::handle answers a body that fails while it is written.
        Map m;
        m.set("status", Value("error"));
        m.set("error_type", Value("InternalError"));
        m.set("error_message", Value(e.what()));
        reply.body = to_json(Value(std::move(m)));
      }
    }
    resp.body = std::move(reply.body);
    char timing[48] = "op;dur=";
    auto r = std::to_chars(timing + 7, timing + sizeof timing, reply.operation_ms,
                           std::chars_format::fixed, 3);
    resp.headers.emplace_back("Server-Timing", std::string(timing, r.ptr - timing));
    return resp;
  };
}

server::RouteInfo route_info(const service::RouteTable& routes, std::string_view method,
                             std::string_view target) {
  service::RouteDescription d = routes.describe(method, target);
  server::RouteInfo info;
  info.known = d.known;
  info.allowed_methods = std::move(d.allowed_methods);
  info.metric_label = std::move(d.metric_label);
  switch (d.right) {
    case service::Right::none:
      info.right = server::Rights::none;
      break;
    case service::Right::read:
      info.right = server::Rights::read;
      break;
    case service::Right::write:
      info.right = server::Rights::write;
      break;
  }
  return info;
}

server::DescribeRoute describe_routes(std::shared_ptr<const service::Api> api) {
  return [api = std::move(api)](std::string_view method, std::string_view target) {
    return route_info(api->routes(), method, target);
  };
}

}  // namespace lyn::app
