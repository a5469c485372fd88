// /api/talk/field and /api/interface/read: lamd's field look-ups. Their
// errors have their own shape in lynguine: {"status":"error","error":MSG,
// "value":""} (talk) or "value":null (interface).
#include "assess/talk_field.h"
#include "config/interface.h"
#include "service/handlers.h"

namespace lyn::service {

namespace {

HandlerReply field_error(int status, std::string message, Value value) {
  return {status, Value(Map{{"status", Value("error")},
                            {"error", Value(std::move(message))},
                            {"value", std::move(value)}})};
}

// Python's error text for body["key"] when the body is not a mapping.
std::string subscript_error(const Value& body) {
  if (body.is_list()) return "list indices must be integers or slices, not str";
  if (body.is_string()) return "string indices must be integers";
  if (body.is_null()) return "'NoneType' object is not subscriptable";
  std::string t = body.is_bool() ? "bool" : body.is_int() ? "int" : "float";
  return "'" + t + "' object is not subscriptable";
}

// A required string parameter, or lynguine's KeyError text.
Result<std::string> required(const Value& body, const char* key) {
  const Value* v = body.get(key);
  if (!v) return Error::key(std::string("Missing required parameter: '") + key + "'", 400);
  if (!v->is_string())
    return Error::value(std::string("Parameter '") + key + "' must be a string", 400);
  return v->as_string();
}

}  // namespace

HandlerReply handle_talk_field(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return field_error(400, subscript_error(body), Value(""));
  auto field = required(body, "field");
  if (!field.ok()) return field_error(field.error().http_status, field.error().message, Value(""));
  auto md = required(body, "markdown_file");
  if (!md.ok()) return field_error(md.error().http_status, md.error().message, Value(""));
  TalkFieldQuery q;
  q.field = *field;
  q.markdown_file = *md;
  if (const Value* cf = body.get("config_files")) {
    if (cf->is_string()) {
      q.config_files.push_back(cf->as_string());
    } else if (cf->is_list()) {
      for (const auto& f : cf->as_list())
        if (f.is_string()) q.config_files.push_back(f.as_string());
    }
  }
  auto answer = lookup_talk_field(q, ctx.policy, &ctx.cache);
  if (!answer.ok())
    return field_error(answer.error().http_status, answer.error().message, Value(""));
  // Our extension for the native client: lamd's mdfield text beside the
  // JSON value (the two differ where Python's str() and isoformat() do).
  const Value* format = body.get("format");
  bool want_text = format && format->is_string() && format->as_string() == "mdfield";
  auto value = talk_field_json_value(q.field, *answer);
  if (!value.ok()) {
    if (!want_text) return field_error(value.error().http_status, value.error().message, Value(""));
    value = Value("");
  }
  Map out{{"status", Value("success")}, {"value", std::move(value).value()}};
  if (want_text) out.set("text", Value(mdfield_text(*answer)));
  return {200, Value(std::move(out))};
}

HandlerReply handle_interface_read(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return field_error(400, subscript_error(body), Value());
  auto file = required(body, "interface_file");
  if (!file.ok()) return field_error(file.error().http_status, file.error().message, Value());
  auto field = required(body, "field");
  if (!field.ok()) return field_error(field.error().http_status, field.error().message, Value());
  Interface::LoadOptions opts;
  opts.user_files = {*file};
  if (const Value* d = body.get("directory"); d && d->is_string()) opts.directory = d->as_string();
  auto iface = Interface::from_base_file(opts, ctx.policy);
  if (!iface.ok()) return field_error(iface.error().http_status, iface.error().message, Value());
  auto v = iface->get(*field);
  return {200,
          Value(Map{{"status", Value("success")}, {"value", v ? with_iso_dates(*v) : Value()}})};
}

}  // namespace lyn::service
