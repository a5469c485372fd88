// RouteInfo: what the transport may know about a request's route without
// knowing the routes. The program (src/app) hands the server a DescribeRoute
// built from the service's route table at wiring time; the Guard asks it
// which rights a request needs (and whether it is a public probe), and the
// metrics ask it for the request's label. The server itself declares no
// route.
//
// Thread safety: a DescribeRoute must be callable from any thread at once
// (the I/O threads call it per request).
#ifndef LYNGUINE_SERVER_ROUTE_INFO_H_
#define LYNGUINE_SERVER_ROUTE_INFO_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lyn::server {

// Rights a caller holds, or a request needs: none (a public probe such as
// GET /api/health), read, or write (it changes files or session data).
enum class Rights { none = 0, read = 1, write = 2 };

// "none" / "read" / "write".
const char* rights_name(Rights r);

struct RouteInfo {
  bool known = false;                        // some route's template matches the path
  std::vector<std::string> allowed_methods;  // the methods that route answers
  Rights right = Rights::write;              // what the request needs
  std::string metric_label = "other";        // a bounded label: route template or "other"
};

// (method, request target with any query string) -> RouteInfo.
using DescribeRoute = std::function<RouteInfo(std::string_view method, std::string_view target)>;

// What a server told nothing about the routes assumes: GET, HEAD and
// OPTIONS need read rights, anything else write rights; no route is known
// and nothing is public.
RouteInfo describe_unknown_route(std::string_view method, std::string_view target);

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_ROUTE_INFO_H_
