// The service meets the server here: lynguine's Api (src/service) as the
// HttpServer's Handler, and its route table as the DescribeRoute the Guard
// and the metrics read (src/server knows no route of its own).
//
// Thread safety: the returned functions may be called from any number of
// threads at once (the Api and its route table are thread-safe/immutable).
#ifndef LYNGUINE_APP_API_ADAPTER_H_
#define LYNGUINE_APP_API_ADAPTER_H_

#include <functional>
#include <memory>
#include <string_view>

#include "server/http_server.h"
#include "server/route_info.h"
#include "service/api.h"
#include "service/route_table.h"

namespace lyn::app {

// Every request to api->handle_streaming(), as its caller (the Guard's, or
// the default "local" when no Guard admitted it) with its Host header, under
// a Budget with the request's deadline and cancel flag; the answer's status,
// body, content type and headers, plus "Server-Timing: op;dur=<ms in the
// handler>". A body in pieces (read_data's) is sent whole when under 256 KiB,
// else left to the transport as HttpResponse::more (with its size guess), so
// that it is produced as it is sent and never held whole.
// Called with may_defer (on an I/O thread), it answers only from the
// parsed-file cache (FileCache::CachedOnly) and answers needs_worker when
// that is not enough, or when the body comes in pieces.
server::Handler api_handler(std::shared_ptr<const service::Api> api);

// The route table's description of a request, in the server's terms.
server::RouteInfo route_info(const service::RouteTable& routes, std::string_view method,
                             std::string_view target);

// route_info() over api->routes().
server::DescribeRoute describe_routes(std::shared_ptr<const service::Api> api);

}  // namespace lyn::app

#endif  // LYNGUINE_APP_API_ADAPTER_H_
