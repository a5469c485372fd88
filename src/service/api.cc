// The router: lynguine's do_GET / do_POST / do_DELETE dispatch over the route
// table (routes.cc), with the fixes a correct server makes (query strings
// ignored, precise 4xx codes, JSON 405 for unsupported methods instead of
// http.server's HTML 501, HEAD wherever GET works, Allow on every 405). An
// unknown path under /api is a 404 for POST and, as in lynguine, a 405 for
// any other method; elsewhere it is a 404.
#include "service/api.h"

#include <chrono>
#include <optional>

#include "assess/liquid/liquid.h"
#include "core/budget.h"
#include "core/json.h"
#include "core/malloc_policy.h"
#include "service/context.h"
#include "service/handlers.h"
#include "service/routes.h"

namespace lyn::service {

struct Api::Impl {
  ServiceContext ctx;
};

HandlerReply error_reply(int status, std::string type, std::string message) {
  Map m;
  m.set("status", Value("error"));
  m.set("error_type", Value(std::move(type)));
  m.set("error_message", Value(std::move(message)));
  return {status, Value(std::move(m))};
}

HandlerReply error_reply(const Error& e) {
  return error_reply(e.http_status, e.type, e.message);
}

Error missing_parameter(std::string_view what) {
  return Error::value("Missing required parameter: " + std::string(what));
}

Api::Api(ApiOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.root.empty()) options.root = current_directory();
  options.root = path_canonical(options.root);
  std::vector<std::string> roots{options.root};
  for (const auto& r : options.extra_roots) roots.push_back(r);
  impl_->ctx.policy = PathPolicy(options.root, roots);
  impl_->ctx.cache.set_budget(options.cache_bytes);
  liquid::set_template_cache_budget(options.cache_bytes / 16);
  impl_->ctx.routes = api_routes();
  if (options.add_routes) {
    auto table = std::make_shared<RouteTable>(*impl_->ctx.routes);
    options.add_routes(*table);
    impl_->ctx.routes = std::move(table);
    options.add_routes = nullptr;  // done; what it captured need not outlive this
  }
  impl_->ctx.options = std::move(options);
}

Api::~Api() = default;

const ApiOptions& Api::options() const {
  return impl_->ctx.options;
}

const RouteTable& Api::routes() const {
  return *impl_->ctx.routes;
}

Api::CacheStats Api::cache_stats() const {
  FileCache::Stats f = impl_->ctx.cache.stats();
  liquid::TemplateCacheStats t = liquid::template_cache_stats();
  CacheStats out;
  out.hits = f.hits;
  out.misses = f.misses;
  out.entries = f.entries;
  out.bytes = f.bytes;
  out.budget_bytes = f.budget;
  out.evictions = f.evictions;
  out.template_entries = t.entries;
  out.template_bytes = t.bytes;
  out.template_budget_bytes = t.budget;
  out.template_evictions = t.evictions;
  return out;
}

std::size_t Api::session_count() const {
  return open_session_count(impl_->ctx.options);
}

namespace {

// lynguine's 405, with the Allow header RFC 9110 asks for: the methods the
// path's route answers (empty for a path no route knows: none are allowed).
HandlerReply not_supported(std::string_view method, std::string_view path, std::string allow) {
  HandlerReply r = error_reply(405, "ValueError",
                               std::string(method) + " not supported for: " + std::string(path));
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

// A path no route knows: under /api lynguine answers any method but POST
// with a 405 (recorded in tests/conformance), and we keep that there;
// anywhere else the path simply does not exist (404).
HandlerReply unknown_path(std::string_view method, std::string_view path) {
  bool api = path == "/api" || path.substr(0, 5) == "/api/";
  if (api && method != "POST") return not_supported(method, path, "");
  return error_reply(404, "ValueError", "Unknown endpoint: " + std::string(path));
}

HandlerReply route(const ServiceContext& svc, std::string_view method, std::string_view path,
                   std::string_view raw_body, const Caller& caller, std::string_view host) {
  // A query string never changes which endpoint answers.
  if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  const RouteTable& routes = *svc.routes;
  // HEAD is answered as GET; the transport sends the headers only.
  std::string_view routed = method == "HEAD" ? std::string_view("GET") : method;
  if (!routes.serves_method(routed)) {
    const Route* known = routes.match(path, nullptr);
    return known ? not_supported(method, path, allow_header(*known)) : unknown_path(method, path);
  }

  // Only POST reads a body; an empty one is {} (as lynguine treats it).
  Value body = Value(Map{});
  if (method == "POST" && !raw_body.empty()) {
    auto parsed = parse_json(raw_body);
    if (!parsed.ok()) return error_reply(parsed.error());
    body = std::move(parsed).value();
  }

  RequestContext ctx{svc.options, svc.policy, svc.cache, svc.started, routes, caller};
  if (const Value* wd = body.get("working_directory"); wd && wd->is_string()) {
    // Outside the root it is refused like any other path (403): resolving the
    // client's relative paths from the root instead would answer for other
    // files; our clients fall back to direct mode on the 403.
    auto dir = svc.policy.resolve(wd->as_string());
    if (!dir.ok()) return error_reply(dir.error());
    ctx.policy = svc.policy.with_base(*dir);
  }

  Params params;
  const Route* r = routes.match(path, &params);
  if (!r) return unknown_path(method, path);
  for (const auto& m : r->methods)
    if (m.method == routed) return m.handler(ctx, RouteRequest{routed, path, body, params, host});
  return not_supported(method, path, allow_header(*r));
}

}  // namespace

namespace {

// The request's budget: the caller's, when it installed one (a server's
// worker, with its deadline), else one from the options for this scope.
class RequestBudget {
 public:
  explicit RequestBudget(const Limits& limits) {
    if (BudgetScope::active()) return;
    own_.emplace(limits);
    scope_.emplace(*own_);
  }

 private:
  std::optional<Budget> own_;
  std::optional<BudgetScope> scope_;
};

}  // namespace

Reply Api::handle_streaming(std::string_view method, std::string_view path, std::string_view body,
                            const Caller& caller, std::string_view host) const {
  auto t0 = std::chrono::steady_clock::now();
  RequestBudget budget(impl_->ctx.options.limits);
  HandlerReply r;
  try {
    r = route(impl_->ctx, method, path, body, caller, host);
  } catch (const std::exception& e) {
    r = error_reply(500, "InternalError", e.what());
  }
  Reply out;
  out.status = r.status;
  out.body = r.raw.empty() && !r.stream ? to_json(r.body) : std::move(r.raw);
  out.content_type = std::move(r.content_type);
  out.headers = std::move(r.headers);
  out.stream = std::move(r.stream);
  out.operation_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Reply Api::handle(std::string_view method, std::string_view path, std::string_view body,
                  const Caller& caller, std::string_view host) const {
  auto t0 = std::chrono::steady_clock::now();
  // Installed here too, so that the pieces are produced under it.
  RequestBudget budget(impl_->ctx.options.limits);
  Reply out = handle_streaming(method, path, body, caller, host);
  if (out.stream) {
    try {
      // One buffer, reserved from the first piece's guess (with an eighth to
      // spare: untouched capacity costs no memory, regrowth copies it all).
      if (out.stream->next(out.body)) {
        size_t hint = out.stream->size_hint();
        if (hint > out.body.size()) {
          out.body.reserve(hint + hint / 8);
          advise_huge_pages(out.body.data() + out.body.size(),
                            out.body.capacity() - out.body.size());
        }
        while (out.stream->next(out.body)) {
        }
      }
    } catch (const std::exception& e) {
      out.status = 500;
      out.body = to_json(error_reply(500, "InternalError", e.what()).body);
    }
    out.stream.reset();
  }
  out.operation_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace lyn::service
