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

SessionStore& store_for(const RequestContext& ctx) {
  // Never destroyed: request threads may outlive static destruction at exit.
  static auto* mu = new std::mutex;
  static auto* stores = new std::map<std::string, std::unique_ptr<SessionStore>>;
  std::lock_guard lock(*mu);
  auto& s = (*stores)[ctx.options.root];
  if (!s) {
    SessionStore::Options o;
    o.root = ctx.options.root;
    o.persist_dir = persist_dir();
    s = std::make_unique<SessionStore>(std::move(o));
  }
  return *s;
}

// Python truthiness, for `if not interface_file`.
bool truthy(const Value* v) {
  if (!v) return false;
  switch (v->kind()) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v->as_bool();
    case Value::Kind::kInt:
      return v->as_int() != 0;
    case Value::Kind::kFloat:
      return v->as_float() != 0.0;
    case Value::Kind::kString:
      return !v->as_string().empty();
    case Value::Kind::kList:
      return !v->as_list().empty();
    case Value::Kind::kMap:
      return !v->as_map().empty();
    default:
      return true;
  }
}

// request_data.get(key), None when absent or null.
// Python's type name, for the errors lynguine's server gives on odd bodies.
std::string py_type(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "NoneType";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
    case Value::Kind::kBigInt:
      return "int";
    case Value::Kind::kFloat:
      return "float";
    case Value::Kind::kString:
      return "str";
    case Value::Kind::kList:
      return "list";
    case Value::Kind::kMap:
      return "dict";
    default:
      return "object";
  }
}

// request_data.get(...) on a body that is not a JSON object.
Error no_get(const Value& body) {
  std::string msg = "'";  // appended piecewise: GCC 12 misreports "'" + string&&
  msg += py_type(body);
  msg += "' object has no attribute 'get'";
  return Error{"AttributeError", std::move(msg), 400};
}

const Value* param(const Value& body, std::string_view key) {
  const Value* v = body.is_map() ? body.get(key) : nullptr;
  return v && !v->is_null() ? v : nullptr;
}

Error missing(std::string_view what) {
  return Error::value("Missing required parameter: " + std::string(what));
}

// Loads a session's frame the way lynguine's SessionManager.create_session
// does: the directory confined to the roots, the interface file under it,
// then CustomDataFrame.from_flow.
SessionStore::Loader make_loader(const RequestContext& ctx) {
  PathPolicy roots = ctx.policy;
  FileCache* cache = &ctx.cache;
  const uint64_t max_bytes = ctx.options.max_read_bytes, max_rows = ctx.options.max_rows;
  return [roots, cache, max_bytes, max_rows](const SessionRequest& req) -> Result<CustomDataFrame> {
    PathPolicy policy = req.base_dir.empty() ? roots : roots.with_base(req.base_dir);
    std::string dir_text = req.directory.is_string() ? req.directory.as_string() : ".";
    std::string expanded = expand_user(expand_vars(dir_text));
    auto dir = policy.resolve_as(expanded, expanded);
    if (!dir.ok()) return dir.error();
    std::string full = path_join(*dir, req.interface_file);
    auto file = policy.resolve_as(full, full);
    if (!file.ok()) return file.error();
    FILE* f = std::fopen(file->c_str(), "rb");
    if (!f) return Error::not_found("Interface file not found: " + full);
    std::fclose(f);

    Interface::LoadOptions opts;
    opts.user_files = {req.interface_file};
    opts.directory = *dir;
    if (!req.interface_field.is_null()) opts.field = py_str(req.interface_field);
    auto iface = Interface::from_base_file(opts, policy);
    if (!iface.ok()) return iface.error();
    access::ReadBudget budget(max_bytes, max_rows);
    access::IoContext io;
    io.paths = policy;
    io.cache = cache;
    io.budget = &budget;
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

Value columns_value(const std::vector<Value>& cols) {
  return Value(List(cols.begin(), cols.end()));
}

HandlerReply create(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(no_get(body));
  const Value* file = body.get("interface_file");
  if (!truthy(file)) return error_reply(missing("interface_file"));
  if (!file->is_string())
    return error_reply(Error{
        "TypeError",
        "join() argument must be str, bytes, or os.PathLike object, not '" + py_type(*file) + "'",
        400});
  SessionRequest req;
  req.interface_file = file->as_string();
  if (const Value* d = body.get("directory")) {
    if (!d->is_string())
      return error_reply(
          Error{"TypeError", "expected str, bytes or os.PathLike object, not " + py_type(*d), 400});
    req.directory = *d;
  }
  if (const Value* f = body.get("interface_field")) req.interface_field = *f;
  if (const Value* t = body.get("timeout")) req.timeout = *t;
  req.base_dir = ctx.policy.base_dir();
  auto meta = store_for(ctx).create(std::move(req), make_loader(ctx));
  if (!meta.ok()) return error_reply(meta.error());
  return ok(Map{{"session", std::move(meta).value()}});
}

// One focus operation on a frame; the reply body (without "status").
Result<Value> run_operation(CustomDataFrame& cdf, std::string_view op, const Value& body) {
  static const std::string_view kWithParams[] = {"set_index",      "set_column",   "set_value",
                                                 "get_value_at",   "set_selector", "set_subindex",
                                                 "get_column_type"};
  if (!body.is_map())
    for (auto name : kWithParams)
      if (op == name) return no_get(body);
  auto done = [](Status st) -> Result<Value> {
    if (!st.ok()) return st.error();
    return Value(Map{});
  };
  auto one = [](std::string key, Value v) { return Value(Map{{std::move(key), std::move(v)}}); };
  if (op == "set_index") {
    const Value* index = param(body, "index");
    if (!index) return missing("index");
    return done(cdf.set_index(*index));
  }
  if (op == "get_index") return one("index", cdf.get_index());
  if (op == "set_column") {
    const Value* column = param(body, "column");
    if (!column) return missing("column");
    return done(cdf.set_column(*column));
  }
  if (op == "get_column") return one("column", cdf.get_column());
  if (op == "get_value") {
    auto v = cdf.get_value();
    if (!v.ok()) return v.error();
    return one("value", std::move(v).value());
  }
  if (op == "set_value") {
    const Value* value = param(body, "value");
    if (!value) return missing("value");
    return done(cdf.set_value(*value));
  }
  if (op == "get_value_at") {
    const Value* index = param(body, "index");
    const Value* column = param(body, "column");
    if (!index || !column) return Error::value("Missing required parameters: index, column");
    auto v = cdf.get_value_at(*index, *column);
    if (!v.ok()) return v.error();
    return one("value", std::move(v).value());
  }
  if (op == "get_shape") {
    auto [r, c] = cdf.shape();
    return one("shape",
               Value(List{Value(static_cast<int64_t>(r)), Value(static_cast<int64_t>(c))}));
  }
  if (op == "get_columns") return one("columns", columns_value(cdf.columns()));
  if (op == "get_indices") return one("indices", columns_value(cdf.indices()));
  if (op == "get_input_columns") return one("columns", columns_value(cdf.input_columns()));
  if (op == "get_output_columns") return one("columns", columns_value(cdf.output_columns()));
  if (op == "get_series_columns") return one("columns", columns_value(cdf.series_columns()));
  if (op == "get_column_type") {
    const Value* column = param(body, "column");
    if (!column) return missing("column");
    auto t = cdf.column_type(*column);
    return one("column_type", t ? Value(*t) : Value());
  }
  if (op == "set_selector") {
    const Value* column = param(body, "column");
    if (!column) return missing("column");
    return done(cdf.set_selector(*column));
  }
  if (op == "get_selector") return one("selector", cdf.get_selector());
  if (op == "set_subindex") {
    const Value* value = param(body, "value");
    if (!value) return missing("value");
    return done(cdf.set_subindex(*value));
  }
  if (op == "get_subindex") return one("subindex", cdf.get_subindex());
  if (op == "get_subseries") {
    Frame sub = cdf.get_subseries();
    List records;
    records.reserve(sub.num_rows());
    for (size_t i = 0; i < sub.num_rows(); ++i) records.push_back(sub.record(i));
    Map m;
    m.set("records", Value(std::move(records)));
    m.set("shape", Value(List{Value(static_cast<int64_t>(sub.num_rows())),
                              Value(static_cast<int64_t>(sub.num_columns()))}));
    return one("subseries", Value(std::move(m)));
  }
  return Error::value("Unknown operation: " + std::string(op), 404);
}

}  // namespace

HandlerReply handle_sessions(const RequestContext& ctx, std::string_view method,
                             std::string_view path, const Value& body) {
  SessionStore& store = store_for(ctx);
  if (path == "/api/sessions") {
    if (method == "POST") return create(ctx, body);
    if (method == "GET") {
      HandlerReply r;
      r.body = store.list(make_loader(ctx));
      return r;
    }
    return error_reply(405, "ValueError",
                       std::string(method) + " not supported for: " + std::string(path));
  }
  // /api/sessions/{id}[/{op}[/...]], split as Python's str.split('/').
  std::string_view rest = path.substr(std::string_view("/api/sessions/").size());
  size_t slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  bool has_op = slash != std::string_view::npos;
  std::string_view op;
  if (has_op) {
    op = rest.substr(slash + 1);
    op = op.substr(0, op.find('/'));
  }

  if (method == "DELETE") {
    if (has_op)
      return error_reply(405, "ValueError", "DELETE not supported for: " + std::string(path));
    if (id.empty()) return error_reply(Error::value("Session ID required"));
    auto st = store.remove(id);
    if (!st.ok()) return error_reply(st.error());
    return ok(Map{{"message", Value("Session " + id + " deleted")}});
  }
  if (id.empty()) return error_reply(Error::value("Session ID required"));
  if (!has_op) {
    auto meta = store.info(id, make_loader(ctx));
    if (!meta.ok()) return error_reply(meta.error());
    return ok(Map{{"session", std::move(meta).value()}});
  }
  std::string op_name(op);
  auto result = store.with_session(id, make_loader(ctx), [&](CustomDataFrame& cdf) {
    return run_operation(cdf, op_name, body);
  });
  if (!result.ok()) return error_reply(result.error());
  return ok(std::move(result).value().as_map());
}

}  // namespace lyn::service
