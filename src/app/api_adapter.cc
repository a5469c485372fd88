#include "app/api_adapter.h"

#include <charconv>
#include <string>
#include <utility>

namespace lyn::app {

server::Handler api_handler(std::shared_ptr<const service::Api> api, CallerOf caller_of) {
  return [api = std::move(api), caller_of = std::move(caller_of)](const server::HttpRequest& req) {
    auto reply = api->handle(req.method, req.target, req.body,
                             caller_of ? caller_of(req) : service::Caller{}, req.header("Host"));
    server::HttpResponse resp;
    resp.status = reply.status;
    resp.body = std::move(reply.body);
    resp.content_type = std::move(reply.content_type);
    resp.headers = std::move(reply.headers);
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
