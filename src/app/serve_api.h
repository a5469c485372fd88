// serve_api: what `lynguine serve` serves -- lynguine's Api (src/service)
// rooted at the server's root, plus the server's own pages and request
// accounting (app/observability.h), logging to `log`, each request under a
// Budget of `limits` (core/budget.h; `serve --limit NAME=N`), its parsed-file
// cache within `cache_bytes` (`serve --cache-bytes N`; Liquid templates get a
// sixteenth of it, service::ApiOptions).
//
// Thread safety: the factory is called once, by run_serve, on its thread.
#ifndef LYNGUINE_APP_SERVE_API_H_
#define LYNGUINE_APP_SERVE_API_H_

#include <cstddef>
#include <string>

#include "app/serve.h"
#include "core/budget.h"
#include "ops/logging.h"

namespace lyn::app {

struct LogSettings {
  ops::LogLevel level = ops::LogLevel::kInfo;
  ops::LogFormat format = ops::LogFormat::kText;
  std::string file;  // absolute; empty: stderr
};

// The handler factory for ServeOptions::make_handler. It throws
// std::runtime_error if the log file cannot be opened (run_serve reports it).
HandlerFactory api_handler_factory(LogSettings log, Limits limits = Limits(),
                                   std::size_t cache_bytes = service::ApiOptions().cache_bytes);

}  // namespace lyn::app

#endif  // LYNGUINE_APP_SERVE_API_H_
