// Observability: the server's own pages and its request accounting, wired
// to lynguine's Api. Three routes join the Api's route table (so they are
// routed, guarded, labelled and documented like the API's): GET / (the
// status page; public: it holds no data), GET /metrics (Prometheus), GET
// /api/server (what the page shows beyond /api/status, whose keys stay
// lynguine's: what the server serves and how, its cache, its activity and
// its last errors) and GET /api/openapi.json. Every request the Guard lets
// through is timed into the Metrics and access-logged -- but the status
// page's own polls (ops/status_page.h), which are neither counted nor logged
// above debug; failed and refused requests are kept for the page
// (ops/recent_errors.h).
//
// Use: construct; add_routes() into ApiOptions::add_routes (before the Api
// exists); attach() the Api once built; wrap() the Api's handler.
//
// Thread safety: construct, add_routes() and attach() on one thread before
// serving; the routes' handlers and the wrapped handler may then run on any
// number of threads at once.
#ifndef LYNGUINE_APP_OBSERVABILITY_H_
#define LYNGUINE_APP_OBSERVABILITY_H_

#include <memory>

#include "app/serve.h"
#include "core/status.h"
#include "ops/logging.h"
#include "server/http_server.h"
#include "service/api.h"
#include "service/route_table.h"

namespace lyn::app {

class Observability {
 public:
  Observability(const ServeInfo& info, std::shared_ptr<ops::Logger> log);

  // Adds GET /, GET /metrics, GET /api/server and GET /api/openapi.json to
  // `routes`.
  void add_routes(service::RouteTable& routes);

  // The Api whose cache and sessions the metrics report, whose routes label
  // them, and whose route table the OpenAPI document describes. An error if
  // the document cannot be rendered.
  Status attach(std::shared_ptr<const service::Api> api);

  // `inner`, timed into the metrics and access-logged.
  server::Handler wrap(server::Handler inner);

  // Counts each refusal by reason (lynguine_refusals_total{reason}) and logs
  // it at warning (reason, status, key name, address).
  server::RefusalObserver on_refusal();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lyn::app

#endif  // LYNGUINE_APP_OBSERVABILITY_H_
