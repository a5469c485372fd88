// /api/compute: lynguine's server only pretends; we run the operations
// lynguine's Compute knows (render_liquid, today) and refuse the rest.
#include <ctime>

#include "assess/liquid/liquid.h"
#include "service/handlers.h"
#include "service/routes.h"

namespace lyn::service {

namespace {

std::string today_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<Value> render_one(const std::string& tmpl, const Map& context) {
  auto r = liquid::render_liquid(tmpl, context);
  // The error's own status: 400 for what lynguine raises, a limit's 413/422/503.
  if (auto* e = std::get_if<liquid::Error>(&r)) return *e;
  return Value(std::get<std::string>(r));
}

}  // namespace

Result<Value> compute_today(const Value*, const Value*) {
  return Value(today_iso());
}

Result<Value> compute_render_liquid(const Value* params, const Value* data) {
  const Value* tmpl = params ? params->get("template") : nullptr;
  if (!tmpl || !tmpl->is_string())
    return Error::value("render_liquid needs params.template (a string)");
  Map context;
  if (const Value* c = params->get("context"); c && c->is_map()) context = c->as_map();
  const Value* records = data ? data->get("records") : nullptr;
  if (!records || !records->is_list()) return render_one(tmpl->as_string(), context);
  // Once per record: the record's fields over the shared context.
  List outs;
  for (const auto& rec : records->as_list()) {
    Map ctx = context;
    if (rec.is_map())
      for (const auto& [k, v] : rec.as_map()) ctx.set(k, v);
    auto one = render_one(tmpl->as_string(), ctx);
    if (!one.ok()) return one.error();
    outs.push_back(std::move(one).value());
  }
  return Value(std::move(outs));
}

HandlerReply handle_compute(const RequestContext&, const Value& body) {
  if (!body.is_map()) return error_reply(400, "TypeError", "Request body must be a JSON object");
  const Value* op = body.get("operation");
  if (!op) return error_reply(400, "ValueError", "Request must include 'operation'");
  std::string operation = py_str(*op);
  std::string known;
  for (const auto& c : compute_operations()) {
    if (c.name == operation) {
      auto result = c.run(body.get("params"), body.get("data"));
      if (!result.ok()) return error_reply(result.error());
      return {200, Value(Map{{"status", Value("success")},
                             {"operation", Value(operation)},
                             {"result", std::move(result).value()}})};
    }
    known += (known.empty() ? "" : ", ") + std::string(c.name);
  }
  return error_reply(400, "ValueError",
                     "Unknown compute operation '" + operation + "' (known: " + known + ")");
}

}  // namespace lyn::service
