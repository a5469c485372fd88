// /api/compute: lynguine's server only pretends; we run the operations
// lynguine's Compute knows (render_liquid, today) and refuse the rest.
#include <ctime>

#include "assess/liquid/liquid.h"
#include "service/handlers.h"

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

HandlerReply render_one(const std::string& tmpl, const Map& context, Value* out) {
  auto r = liquid::render_liquid(tmpl, context);
  if (auto* e = std::get_if<liquid::Error>(&r)) return error_reply(*e);
  *out = Value(std::get<std::string>(r));
  return {200, Value()};
}

}  // namespace

HandlerReply handle_compute(const RequestContext&, const Value& body) {
  if (!body.is_map()) return error_reply(400, "TypeError", "Request body must be a JSON object");
  const Value* op = body.get("operation");
  if (!op) return error_reply(400, "ValueError", "Request must include 'operation'");
  std::string operation = py_str(*op);
  const Value* params = body.get("params");
  const Value* data = body.get("data");
  Value result;
  if (operation == "today") {
    result = Value(today_iso());
  } else if (operation == "render_liquid") {
    const Value* tmpl = params ? params->get("template") : nullptr;
    if (!tmpl || !tmpl->is_string())
      return error_reply(400, "ValueError", "render_liquid needs params.template (a string)");
    Map context;
    if (const Value* c = params->get("context"); c && c->is_map()) context = c->as_map();
    const Value* records = data ? data->get("records") : nullptr;
    if (records && records->is_list()) {
      // Once per record: the record's fields over the shared context.
      List outs;
      for (const auto& rec : records->as_list()) {
        Map ctx = context;
        if (rec.is_map())
          for (const auto& [k, v] : rec.as_map()) ctx.set(k, v);
        Value one;
        auto r = render_one(tmpl->as_string(), ctx, &one);
        if (r.status != 200) return r;
        outs.push_back(std::move(one));
      }
      result = Value(std::move(outs));
    } else {
      auto r = render_one(tmpl->as_string(), context, &result);
      if (r.status != 200) return r;
    }
  } else {
    return error_reply(
        400, "ValueError",
        "Unknown compute operation '" + operation + "' (known: render_liquid, today)");
  }
  return {200, Value(Map{{"status", Value("success")},
                         {"operation", Value(operation)},
                         {"result", std::move(result)}})};
}

}  // namespace lyn::service
