// /api/sessions: lynguine's session endpoints over the SessionStore.
//
//   POST   /api/sessions                 create {interface_file, directory,
//                                         interface_field, timeout}
//   GET    /api/sessions                 list
//   GET    /api/sessions/{id}            info
//   DELETE /api/sessions/{id}            delete
//   GET|POST /api/sessions/{id}/{op}     a focus operation (GET sends {})
//
// Answers follow lynguine's server_session_handlers, with the fixes a
// correct server makes: precise 4xx codes where lynguine answered 500 to a
// client's mistake, `interface_field` honoured, get_subindex/get_subseries
// answering on sessions without series, and DELETE on an operation path
// refused (405) instead of deleting the session.
//
// The store: one per server root, process-wide (the server runs one Api;
// Apis sharing a root share sessions). Persisted creation requests go to
// $LYNGUINE_STATE_DIR/sessions (else $XDG_RUNTIME_DIR/lynguine/sessions;
// neither set: no crash recovery).
#include <fcntl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "access/registry.h"
#include "assess/custom_dataframe.h"
#include "assess/session_store.h"
#include "config/interface.h"
#include "core/text.h"
#include "service/handlers.h"
#include "service/routes.h"

namespace lyn::service {

namespace {

using assess::CustomDataFrame;
using assess::SessionRequest;
using assess::SessionStore;

std::string persist_dir() {
  if (const char* s = std::getenv("LYNGUINE_STATE_DIR"); s && *s)
    return std::string(s) + "/sessions";
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x)
    return std::string(x) + "/lynguine/sessions";
  return "";
}

SessionStore& store_for(const ApiOptions& options) {
  // Never destroyed: request threads may outlive static destruction at exit.
  static auto* mu = new std::mutex;
  static auto* stores = new std::map<std::string, std::unique_ptr<SessionStore>>;
  std::lock_guard lock(*mu);
  auto& s = (*stores)[options.root];
  if (!s) {
    SessionStore::Options o;
    o.root = options.root;
    o.persist_dir = persist_dir();
    s = std::make_unique<SessionStore>(std::move(o));
  }
  return *s;
}

// request_data.get(...) on a body that is not a JSON object.
Error no_get(const Value& body) {
  std::string msg = "'";  // appended piecewise: GCC 12 misreports "'" + string&&
  msg += py_type_name(body);
  msg += "' object has no attribute 'get'";
  return Error{"AttributeError", std::move(msg), 400};
}

// Loads a session's frame the way lynguine's SessionManager.create_session
// does: the directory confined to the roots, the interface file under it,
// then CustomDataFrame.from_flow.
SessionStore::Loader make_loader(const RequestContext& ctx) {
  PathPolicy roots = ctx.policy;
  FileCache* cache = &ctx.cache;
  return [roots, cache](const SessionRequest& req) -> Result<CustomDataFrame> {
    PathPolicy policy = req.base_dir.empty() ? roots : roots.with_base(req.base_dir);
    // A request's path is taken as written: no $VAR or ~ (see IoContext).
    std::string dir_text = req.directory.is_string() ? req.directory.as_string() : ".";
    auto dir = policy.resolve_as(dir_text, dir_text);
    if (!dir.ok()) return dir.error();
    std::string full = path_join(*dir, req.interface_file);
    auto file = policy.resolve_as(full, full);
    if (!file.ok()) return file.error();
    if (!policy.open(*file, O_RDONLY, full).ok())
      return Error::not_found("Interface file not found: " + full);

    Interface::LoadOptions opts;
    opts.user_files = {req.interface_file};
    opts.directory = *dir;
    if (!req.interface_field.is_null()) opts.field = py_str(req.interface_field);
    auto iface = Interface::from_base_file(opts, policy);
    if (!iface.ok()) return iface.error();
    access::IoContext io;  // reads charged to the request's Budget (core/budget.h)
    io.paths = policy;
    io.cache = cache;
    io.expand_vars = true;  // the interface file's own paths
    return CustomDataFrame::from_flow(*iface, io);
  };
}

HandlerReply ok(Map m) {
  Map out;
  out.set("status", Value("success"));
  for (auto& [k, v] : m) out.set(k, std::move(v));
  HandlerReply r;
  r.body = Value(std::move(out));
  return r;
}

}  // namespace

HandlerReply handle_session_create(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(no_get(body));
  const Value* file = body.get("interface_file");
  if (!file || !py_truthy(*file)) return error_reply(missing_parameter("interface_file"));
  if (!file->is_string())
    return error_reply(Error{"TypeError",
                             "join() argument must be str, bytes, or os.PathLike object, not '" +
                                 py_type_name(*file) + "'",
                             400});
  SessionRequest req;
  req.interface_file = file->as_string();
  if (const Value* d = body.get("directory")) {
    if (!d->is_string())
      return error_reply(Error{
          "TypeError", "expected str, bytes or os.PathLike object, not " + py_type_name(*d), 400});
    req.directory = *d;
  }
  if (const Value* f = body.get("interface_field")) req.interface_field = *f;
  if (const Value* t = body.get("timeout")) req.timeout = *t;
  // A session that never expires holds memory for good: only for callers
  // with write rights.
  if (!ctx.caller.can_write && req.timeout.is_number() && !req.timeout.is_bool() &&
      req.timeout.to_double() == 0)
    return error_reply(Error{"PermissionError",
                             "timeout 0 (a session that never expires) needs write rights", 403});
  req.base_dir = ctx.policy.base_dir();
  req.owner = ctx.caller.principal;
  // Keys share the server: none may fill the session table for the others.
  if (ctx.caller.keyed)
    req.owner_quota = std::max<size_t>(1, store_for(ctx.options).options().max_sessions / 4);
  auto meta = store_for(ctx.options).create(std::move(req), make_loader(ctx));
  if (!meta.ok()) return error_reply(meta.error());
  return ok(Map{{"session", std::move(meta).value()}});
}

HandlerReply handle_session_list(const RequestContext& ctx) {
  HandlerReply r;
  r.body = store_for(ctx.options).list(make_loader(ctx), ctx.caller.principal);
  return r;
}

HandlerReply handle_session_info(const RequestContext& ctx, std::string_view id) {
  if (id.empty()) return error_reply(Error::value("Session ID required"));
  auto meta = store_for(ctx.options).info(id, make_loader(ctx), ctx.caller.principal);
  if (!meta.ok()) return error_reply(meta.error());
  return ok(Map{{"session", std::move(meta).value()}});
}

HandlerReply handle_session_delete(const RequestContext& ctx, std::string_view id) {
  if (id.empty()) return error_reply(Error::value("Session ID required"));
  auto st = store_for(ctx.options).remove(id, ctx.caller.principal);
  if (!st.ok()) return error_reply(st.error());
  return ok(Map{{"message", Value("Session " + std::string(id) + " deleted")}});
}

HandlerReply handle_session_operation(const RequestContext& ctx, std::string_view id,
                                      std::string_view operation, const Value& body) {
  if (id.empty()) return error_reply(Error::value("Session ID required"));
  const SessionOperation* op = find_session_operation(operation);
  auto result =
      store_for(ctx.options)
          .with_session(
              id, make_loader(ctx),
              [&](CustomDataFrame& cdf) -> Result<Value> {
                if (!op) return Error::value("Unknown operation: " + std::string(operation), 404);
                if (op->reads_body && !body.is_map()) return no_get(body);
                return op->run(cdf, body);
              },
              ctx.caller.principal);
  if (!result.ok()) return error_reply(result.error());
  return ok(std::move(result).value().as_map());
}

std::size_t open_session_count(const ApiOptions& options) {
  return store_for(options).open_sessions();
}

}  // namespace lyn::service
