#include "app/serve_api.h"

#include <memory>
#include <stdexcept>
#include <utility>

#include "app/api_adapter.h"
#include "app/observability.h"
#include "service/api.h"

namespace lyn::app {

HandlerFactory api_handler_factory(LogSettings settings) {
  return [settings](const ServeInfo& info) -> ServeHandler {
    auto log = ops::Logger::open(settings.level, settings.format, settings.file);
    if (!log.ok()) throw std::runtime_error(log.error().message);
    Observability observability(info, std::move(log).value());
    service::ApiOptions api_options;
    api_options.root = info.root;
    api_options.idle_timeout_seconds = info.idle_timeout_seconds;
    api_options.idle_seconds = info.idle_seconds;
    api_options.add_routes = [&observability](service::RouteTable& routes) {
      observability.add_routes(routes);
    };
    auto api = std::make_shared<const service::Api>(std::move(api_options));
    if (auto st = observability.attach(api); !st.ok()) throw std::runtime_error(st.error().message);
    return {observability.wrap(api_handler(api)), describe_routes(api)};
  };
}

}  // namespace lyn::app
