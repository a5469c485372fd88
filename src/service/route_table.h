// RouteTable: the one place an HTTP route is declared. A Route names a path
// template ("/api/sessions/{id}"), and for each method it answers: the
// handler, the right a caller needs, whether /api/status lists it, and its
// OpenAPI operation object. Everything that must agree on the routes reads
// this table: the router (Api::handle), /api/status's endpoint list, the
// OpenAPI document (ops/openapi), the metric labels (ops/metrics) and the
// server's rights check (server/guard, through app/route_adapter), so a
// route added here is routed, guarded, counted and documented at once.
//
// Matching: a path is split at '/' (Python's str.split); a literal segment
// matches itself, a "{name}" segment any one segment (empty included). A
// route with `ignore_extra_segments` also matches longer paths (lynguine's
// session-operation route ignores what follows the operation).
//
// Thread safety: build a table on one thread; once built it is immutable and
// every const method may be called from any number of threads at once.
#ifndef LYNGUINE_SERVICE_ROUTE_TABLE_H_
#define LYNGUINE_SERVICE_ROUTE_TABLE_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/context.h"

namespace lyn::service {

// What a caller must hold to make a request: nothing (a public liveness
// probe), read rights, or write rights (it changes files or session data).
enum class Right { none, read, write };

// One request as a route's handler sees it.
struct RouteRequest {
  std::string_view method;               // HEAD is routed as GET (the transport drops the body)
  std::string_view path;                 // the query string removed
  const Value& body;                     // {} unless the method is POST
  std::vector<std::string_view> params;  // the "{name}" segments, in order
  std::string_view host = {};            // the request's Host header ("" if none)
};

using RouteHandler = std::function<HandlerReply(const RequestContext&, const RouteRequest&)>;
using Params = std::vector<std::string_view>;

struct RouteMethod {
  std::string method;  // "GET", "POST", "DELETE"
  Right right = Right::read;
  // When set, the right depends on the path parameters (a session operation
  // that writes needs write rights); `right` is then unused.
  std::function<Right(const Params&)> right_of;
  RouteHandler handler;
  bool listed = false;  // named in /api/status's "endpoints"
  std::string openapi;  // the OpenAPI operation object (JSON text); empty: undocumented
};

struct Route {
  Route() = default;
  Route(std::string template_path, std::vector<RouteMethod> route_methods)
      : path(std::move(template_path)), methods(std::move(route_methods)) {}

  std::string path;  // template; also the metric label
  std::vector<RouteMethod> methods;
  bool ignore_extra_segments = false;
  // The metric label of a matched path when it is not `path` (a known
  // session operation gets its own label; unknown names share one).
  std::function<std::string(const Params&)> metric_label_of;
  std::string openapi_parameters;  // the OpenAPI path-level "parameters" (JSON text) or empty
};

// What the transport may know about a request without running it.
struct RouteDescription {
  bool known = false;                        // a route's template matches the path
  std::vector<std::string> allowed_methods;  // of that route (allowed_methods() below)
  Right right = Right::read;                 // needed to make this request
  std::string metric_label = "other";        // route template, or "other" when unknown
};

// The methods `route` answers, in declaration order, with HEAD after GET
// (every GET answers HEAD too): the value of a 405's Allow header.
std::vector<std::string> allowed_methods(const Route& route);
// The same joined by ", ".
std::string allow_header(const Route& route);

class RouteTable {
 public:
  // Appends a route; a route whose path is already declared replaces it.
  void add(Route route);

  const std::vector<Route>& routes() const { return routes_; }

  // The route whose template matches `path` (no query string), or nullptr;
  // *params gets the "{name}" segments.
  const Route* match(std::string_view path, Params* params) const;

  // Whether any route answers `method` (the router refuses others at once).
  bool serves_method(std::string_view method) const;

  // Known or not, allowed methods, right and metric label of a request.
  // `target` may carry a query string; `method` is compared without case.
  // HEAD is described as GET. Requests no route answers (they get a 404 or
  // 405) need read rights for GET, HEAD, OPTIONS and POST and write rights
  // for any other method.
  RouteDescription describe(std::string_view method, std::string_view target) const;

  // The /api/status list: "GET  /api/health", "POST /api/read_data", ...
  std::vector<std::string> endpoint_list() const;

 private:
  std::vector<Route> routes_;
  // routes_[i].path split at '/', kept so matching splits only the request.
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_ROUTE_TABLE_H_
