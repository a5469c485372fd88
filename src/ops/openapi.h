// openapi: the OpenAPI 3.0 description of `lynguine serve`, served at
// GET /api/openapi.json. Every path and operation comes from the route table
// (service/routes.cc, plus the routes the program adds: the status page,
// /metrics and this document), so the document cannot miss a route the
// router answers; this file adds the frame around them (info, servers, tags)
// and the shared components (schemas, responses, security schemes) their
// operations refer to; `servers` names the server as the request reached it.
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
// info.version. Every operation documents the Guard's 401 (unless its route
// is public) and 429; the security schemes (bearer token, X-API-Key) are
// always described, and required by default when `auth_required`. The
// `servers` entry is a mark that openapi_for_server() fills in per request.
// An error only if a route's OpenAPI fragment is not JSON.
Result<std::string> render_openapi(const service::RouteTable& routes, std::string_view version,
                                   bool auth_required = false);

// `document` (from render_openapi) with its server's URL filled in.
std::string openapi_for_server(std::string_view document, std::string_view url);

// "http[s]://" + the request's Host header; `fallback` (the URL as bound)
// when there is none or it holds anything but a host name, an IP literal
// and a port.
std::string server_url_from_host(std::string_view host, bool tls, std::string_view fallback);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_OPENAPI_H_
