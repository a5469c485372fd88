// openapi: the OpenAPI 3.0 description of `lynguine serve`, served at
// GET /api/openapi.json. Every path and operation comes from the route table
// (service/routes.cc, plus the routes the program adds: the status page,
// /metrics and this document), so the document cannot miss a route the
// router answers; this file adds the frame around them (info, servers, tags)
// and the shared components (schemas, responses) their operations refer to.
// tests/wire/test_observability.py checks it against the running router
// both ways.
//
// Thread safety: render_openapi() reads the table only; any thread.
#ifndef LYNGUINE_OPS_OPENAPI_H_
#define LYNGUINE_OPS_OPENAPI_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace lyn::service {
class RouteTable;
}

namespace lyn::ops {

// The OpenAPI document for `routes` as JSON text; `version` becomes
// info.version. An error only if a route's OpenAPI fragment is not JSON.
Result<std::string> render_openapi(const service::RouteTable& routes, std::string_view version);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_OPENAPI_H_
