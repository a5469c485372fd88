// routes: lynguine's HTTP API, declared once. Every endpoint (method,
// handler, right, whether /api/status lists it, its OpenAPI operation), every
// session operation (name, right, what it does to the session's frame) and
// every compute operation lives in routes.cc; the router, the status list,
// the rights check, the metric labels and the OpenAPI document are all read
// from here (see route_table.h).
//
// Thread safety: the tables are built once (function-local statics) and
// immutable afterwards; any thread.
#ifndef LYNGUINE_SERVICE_ROUTES_H_
#define LYNGUINE_SERVICE_ROUTES_H_

#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/value.h"
#include "service/route_table.h"

namespace lyn::assess {
class CustomDataFrame;
}

namespace lyn::service {

// The routes of lynguine's API (everything under /api/ but the server's own
// pages, which the program adds: see app/observability).
// Built once; shared by every Api.
std::shared_ptr<const RouteTable> api_routes();

// An operation on a session's frame: /api/sessions/{id}/{name}.
struct SessionOperation {
  std::string_view name;
  Right right;      // for POST; GET always needs read rights only
  bool reads_body;  // takes parameters from the body (which must be an object)
  // The answer's fields (without "status"), or the error.
  Result<Value> (*run)(assess::CustomDataFrame& frame, const Value& body);
};
const std::vector<SessionOperation>& session_operations();
// The operation called `name` exactly, or nullptr.
const SessionOperation* find_session_operation(std::string_view name);

// An operation of POST /api/compute ({"operation": name, "params", "data"}).
struct ComputeOperation {
  std::string_view name;
  // The result; `params` and `data` are nullptr when the request has none.
  Result<Value> (*run)(const Value* params, const Value* data);
};
const std::vector<ComputeOperation>& compute_operations();

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_ROUTES_H_
