#include "app/serve_api.h"

#include <memory>
#include <stdexcept>
#include <utility>

#include "app/api_adapter.h"
#include "app/observability.h"
#include "service/api.h"

namespace lyn::app {

HandlerFactory api_handler_factory(LogSettings settings, Limits limits, std::size_t cache_bytes) {
  return [settings, limits, cache_bytes](const ServeInfo& info) -> ServeHandler {
    auto log = ops::Logger::open(settings.level, settings.format, settings.file);
    if (!log.ok()) throw std::runtime_error(log.error().message);
    Observability observability(info, std::move(log).value());
    service::ApiOptions api_options;
    api_options.root = info.root;
    api_options.idle_timeout_seconds = info.idle_timeout_seconds;
    api_options.idle_seconds = info.idle_seconds;
    api_options.limits = limits;
    api_options.cache_bytes = cache_bytes;
    api_options.add_routes = [&observability](service::RouteTable& routes) {
      observability.add_routes(routes);
    };
    auto api = std::make_shared<const service::Api>(std::move(api_options));
    if (auto st = observability.attach(api); !st.ok()) throw std::runtime_error(st.error().message);
    auto cheap = [api](const server::HttpRequest& req) {
      auto label = api->routes().describe(req.method, req.target).metric_label;
      // Probes that must answer while every worker is busy: they do no file
      // work. And lamd's field look-ups, answered inline when the talk is in
      // the parsed-file cache (a stat per file), else on a worker
      // (api_handler): the pool hop would cost more than the answer.
      return label == "/api/health" || label == "/api/ping" || label == "/metrics" ||
             label == "/api/talk/field";
    };
    return {observability.wrap(api_handler(api)), describe_routes(api), observability.on_refusal(),
            std::move(cheap)};
  };
}

}  // namespace lyn::app
