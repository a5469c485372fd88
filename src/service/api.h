// Api: lynguine's HTTP API as plain function calls. One method, path and JSON
// body in; one status and JSON body out. No sockets here: the HTTP server
// (src/server) and the CLI's direct mode (src/cli) both call this, so both
// give the same JSON by construction.
//
// Thread safety: handle() may be called from many threads at once. Requests
// share nothing but the parsed-file cache and the session store, both of
// which synchronise internally.
#ifndef LYNGUINE_SERVICE_API_H_
#define LYNGUINE_SERVICE_API_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/budget.h"
#include "core/caller.h"

namespace lyn::service {

class RouteTable;

struct ApiOptions {
  // Every path a request names is resolved against and confined to this root.
  std::string root;
  // Extra roots that reads may come from (e.g. the caller's config files).
  std::vector<std::string> extra_roots;
  // Filled in by the server for /api/status; direct mode leaves them unset.
  std::function<std::string()> status_extra_json;  // JSON object text or empty
  double idle_timeout_seconds = 0;                 // 0: disabled
  std::function<double()> idle_seconds;            // seconds since last request
  // What one request may spend (core/budget.h: time, work, memory, bytes
  // read, rows built, ...); handle() installs a Budget built from these
  // unless its thread already has one.
  Limits limits;
  // Adds routes besides lynguine's API (e.g. the server's own pages); they
  // are served, listed and documented like the API's own, and one with an
  // API route's path replaces it. Called once, by the constructor.
  std::function<void(RouteTable&)> add_routes;

  // Memory for parsed files kept between requests (least recently used
  // dropped first); the Liquid template cache gets a sixteenth of it on
  // top. 256 MiB suits a laptop.
  std::size_t cache_bytes = std::size_t{256} << 20;
};

// An answer body produced in pieces (read_data's frames), so that it is
// never held whole: a caller sends or writes each piece as it comes.
// Thread safety: one reader at a time; it owns everything it reads.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Appends the next piece (about 64 KiB) to `out`; false, appending
  // nothing, once the body is complete.
  virtual bool next(std::string& out) = 0;
  // The whole body's size: a guess until the last piece was produced.
  virtual size_t size_hint() const = 0;
};

// Who is asking (core/caller.h): the principal that owns the sessions it
// creates, and whether it may write.
using Caller = lyn::Caller;

struct Reply {
  int status = 200;
  std::string body;  // JSON text, unless content_type says otherwise
                     // (from handle_streaming: the body's start)
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  double operation_ms = 0.0;                                 // time spent in the handler proper
  // handle_streaming only: the rest of the body, when it comes in pieces.
  std::shared_ptr<BodyStream> stream;
};

class Api {
 public:
  explicit Api(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // `path` is the request target as sent (a query string is ignored).
  // `caller` is who asks (sessions are theirs); `host` is the request's Host
  // header, for answers that name the server (the OpenAPI document's
  // `servers`), "" if unknown. The work runs under the Budget installed on
  // the calling thread (BudgetScope), or under a fresh one from
  // options().limits when there is none; its refusals are error replies.
  Reply handle(std::string_view method, std::string_view path, std::string_view body,
               const Caller& caller = {}, std::string_view host = {}) const;
  // The same answer, but a large body (read_data's) is left in
  // Reply::stream to be produced piece by piece as the caller sends it:
  // the body is then Reply::body followed by every piece of the stream.
  // operation_ms excludes producing the pieces, which the caller does
  // (under the same Budget, if it wants the pieces bounded by it).
  Reply handle_streaming(std::string_view method, std::string_view path, std::string_view body,
                         const Caller& caller = {}, std::string_view host = {}) const;

  const ApiOptions& options() const;

  // Every route this Api answers (lynguine's API plus options.extra_routes).
  const RouteTable& routes() const;

  // The caches' counters (for the server's GET /metrics): the parsed-file
  // cache, then the Liquid template cache (shared by the process).
  struct CacheStats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0;
    std::size_t bytes = 0, budget_bytes = 0;
    std::uint64_t evictions = 0;
    std::size_t template_entries = 0, template_bytes = 0, template_budget_bytes = 0;
    std::uint64_t template_evictions = 0;
  };
  CacheStats cache_stats() const;

  // Sessions open under this Api's root (for the server's GET /metrics);
  // touches no session's access time and loads nothing.
  std::size_t session_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_API_H_
