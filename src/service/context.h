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

#include "access/file_cache.h"
#include "config/paths.h"
#include "core/status.h"
#include "core/value.h"
#include "service/api.h"

namespace lyn::service {

struct ServiceContext {
  ApiOptions options;
  PathPolicy policy;  // base = root, roots = root + extra roots
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
};

// A handler's answer: the HTTP status and the JSON body as a Value.
struct HandlerReply {
  int status = 200;
  Value body;
  std::string raw;  // the body as JSON text already; used instead of `body` when set
  // The body (after `raw`) produced in pieces; used instead of `body` when set.
  std::shared_ptr<BodyStream> stream;
};

// lynguine's error shape {"status":"error","error_type","error_message"}.
HandlerReply error_reply(const Error& e);
HandlerReply error_reply(int status, std::string type, std::string message);

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_CONTEXT_H_
