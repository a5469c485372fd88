// The router: lynguine's do_GET / do_POST / do_DELETE dispatch, with the
// fixes a correct server makes (query strings ignored, precise 4xx codes,
// JSON 405 for unsupported methods instead of http.server's HTML 501).
#include "service/api.h"

#include <chrono>

#include "assess/liquid/liquid.h"
#include "core/json.h"
#include "core/malloc_policy.h"
#include "service/context.h"
#include "service/handlers.h"

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

Api::Api(ApiOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.root.empty()) options.root = current_directory();
  options.root = path_canonical(options.root);
  std::vector<std::string> roots{options.root};
  for (const auto& r : options.extra_roots) roots.push_back(r);
  impl_->ctx.policy = PathPolicy(options.root, roots);
  impl_->ctx.cache.set_budget(options.cache_bytes);
  liquid::set_template_cache_budget(options.cache_bytes / 16);
  impl_->ctx.options = std::move(options);
}

Api::~Api() = default;

const ApiOptions& Api::options() const {
  return impl_->ctx.options;
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

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

HandlerReply route(const ServiceContext& svc, std::string_view method, std::string_view path,
                   std::string_view raw_body) {
  // A query string never changes which endpoint answers.
  if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);

  bool is_post = method == "POST", is_get = method == "GET", is_delete = method == "DELETE";
  if (!is_post && !is_get && !is_delete) {
    return error_reply(405, "ValueError",
                       std::string(method) + " not supported for: " + std::string(path));
  }

  // Only POST reads a body; an empty one is {} (as lynguine treats it).
  Value body = Value(Map{});
  if (is_post && !raw_body.empty()) {
    auto parsed = parse_json(raw_body);
    if (!parsed.ok()) return error_reply(parsed.error());
    body = std::move(parsed).value();
  }

  RequestContext ctx{svc.options, svc.policy, svc.cache, svc.started};
  if (const Value* wd = body.get("working_directory"); wd && wd->is_string()) {
    // Outside the root it is ignored: relative paths then start at the root.
    if (auto dir = svc.policy.resolve(wd->as_string()); dir.ok())
      ctx.policy = svc.policy.with_base(*dir);
  }

  if (path == "/api/ping") {
    if (is_delete) return error_reply(405, "ValueError", "DELETE not supported for: /api/ping");
    return handle_ping(ctx, body);
  }
  if (path == "/api/health" && !is_delete) return handle_health(ctx, body);
  if (path == "/api/status" && !is_delete) return handle_status(ctx, body);
  if (path == "/api/sessions" || starts_with(path, "/api/sessions/")) {
    if (is_delete && path == "/api/sessions")
      return error_reply(405, "ValueError", "DELETE not supported for: /api/sessions");
    return handle_sessions(ctx, method, path, body);
  }
  if (is_post) {
    if (path == "/api/read_data") return handle_read_data(ctx, body);
    if (path == "/api/write_data") return handle_write_data(ctx, body);
    if (path == "/api/compute") return handle_compute(ctx, body);
    if (path == "/api/talk/field") return handle_talk_field(ctx, body);
    if (path == "/api/interface/read") return handle_interface_read(ctx, body);
    return error_reply(404, "ValueError", "Unknown endpoint: " + std::string(path));
  }
  return error_reply(405, "ValueError",
                     std::string(method) + " not supported for: " + std::string(path));
}

}  // namespace

Reply Api::handle_streaming(std::string_view method, std::string_view path,
                            std::string_view body) const {
  auto t0 = std::chrono::steady_clock::now();
  HandlerReply r;
  try {
    r = route(impl_->ctx, method, path, body);
  } catch (const std::exception& e) {
    r = error_reply(500, "InternalError", e.what());
  }
  Reply out;
  out.status = r.status;
  out.body = r.raw.empty() && !r.stream ? to_json(r.body) : std::move(r.raw);
  out.stream = std::move(r.stream);
  out.operation_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Reply Api::handle(std::string_view method, std::string_view path, std::string_view body) const {
  auto t0 = std::chrono::steady_clock::now();
  Reply out = handle_streaming(method, path, body);
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
