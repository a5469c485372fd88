// ServiceContext: what every endpoint handler may use. Built once per Api
// and shared by all requests; handlers get it const.
//
// Thread safety: everything here is immutable or synchronises itself (the
// FileCache); handlers may run on many threads at once.
#ifndef LYNGUINE_SERVICE_CONTEXT_H_
#define LYNGUINE_SERVICE_CONTEXT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/file_cache.h"
#include "config/paths.h"
#include "core/status.h"
#include "core/value.h"
#include "service/api.h"

namespace lyn::service {

class RouteTable;

struct ServiceContext {
  ApiOptions options;
  PathPolicy policy;  // base = root, roots = root + extra roots
  std::shared_ptr<const RouteTable> routes;
  mutable FileCache cache;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// What one request sees: the shared context, and the path policy for this
// request (its base directory may be the caller's working directory, sent
// as the `working_directory` extension field, when that lies in the root).
struct RequestContext {
  const ApiOptions& options;
  PathPolicy policy;
  FileCache& cache;
  std::chrono::steady_clock::time_point started;
  const RouteTable& routes;
  const Caller& caller;  // who asks (sessions are theirs; service/api.h)
};

// A handler's answer: the HTTP status and the JSON body as a Value.
struct HandlerReply {
  HandlerReply() = default;
  HandlerReply(int status_code, Value json) : status(status_code), body(std::move(json)) {}

  int status = 200;
  Value body;
  std::string raw;  // the body as text already (JSON unless content_type says); used when set
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra answer headers
  // The body (after `raw`) produced in pieces; used instead of `body` when set.
  std::shared_ptr<BodyStream> stream;
};

// lynguine's error shape {"status":"error","error_type","error_message"}.
HandlerReply error_reply(const Error& e);
HandlerReply error_reply(int status, std::string type, std::string message);
// lynguine's ValueError "Missing required parameter: WHAT" (400).
Error missing_parameter(std::string_view what);

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_CONTEXT_H_
