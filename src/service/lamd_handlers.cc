// /api/lamd/{mdfield,flags,dependencies,resolve-diagrams-dir}: our
// extension, lamd's tools run by the server for a native client that was
// invoked under their names (assess/lamd/tools.h). The body carries the
// tool's parsed arguments, the client's working_directory and its
// environment ("env"), so the run is the one the client's shell would have
// made; the answer is that run (stdout, warnings, stderr, exception, exit
// code) for the client to print. A run that looks at any file outside the
// server's roots is refused whole (403), as other paths are.
#include "assess/lamd/dependencies.h"
#include "assess/lamd/flags.h"
#include "assess/lamd/tools.h"
#include "service/handlers.h"

namespace lyn::service {

namespace {

using lamd::ToolContext;
using lamd::ToolRun;

// body[key] as a string; `fallback` when absent or null.
Result<std::optional<std::string>> optional_string(const Value& body, const char* key) {
  const Value* v = body.get(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Error::value(std::string("Parameter '") + key + "' must be a string");
  return std::optional<std::string>(v->as_string());
}

Result<std::string> required_string(const Value& body, const char* key) {
  auto v = optional_string(body, key);
  if (!v.ok()) return v.error();
  if (!*v) return missing_parameter(key);
  return **v;
}

Result<std::string> one_of(const Value& body, const char* key,
                           const std::vector<std::string>& choices) {
  auto v = required_string(body, key);
  if (!v.ok()) return v;
  for (const auto& c : choices)
    if (c == *v) return v;
  return Error::value(std::string("Parameter '") + key + "' is not one of lamd's choices: " + *v);
}

bool flag(const Value& body, const char* key) {
  const Value* v = body.get(key);
  return v && py_truthy(*v);
}

// The run's context: the request's directory, the client's environment.
Result<ToolContext> tool_context(const RequestContext& ctx, const Value& body) {
  std::optional<std::map<std::string, std::string>> env;
  if (const Value* e = body.get("env"); e && !e->is_null()) {
    if (!e->is_map()) return Error::value("Parameter 'env' must be an object of strings");
    env.emplace();
    for (const auto& [k, v] : e->as_map()) {
      if (!v.is_string()) return Error::value("Parameter 'env' must be an object of strings");
      (*env)[k] = v.as_string();
    }
  }
  ToolContext tool(ctx.policy.base_dir(), std::move(env), ctx.policy.roots());
  tool.use_cache(&ctx.cache);
  return tool;
}

HandlerReply answer(const RequestContext& ctx, const ToolContext& tool, const ToolRun& run) {
  if (tool.escaped()) return error_reply(ctx.policy.escape_error(*tool.escaped()));
  Map out = lamd::tool_run_fields(run);
  out.set("status", Value("success"));
  return {200, Value(std::move(out))};
}

#define LAMD_ARG(name, expr) \
  auto name = (expr);        \
  if (!name.ok()) return error_reply(name.error())

}  // namespace

HandlerReply handle_lamd_mdfield(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(Error::value("The body must be a JSON object"));
  LAMD_ARG(filename, required_string(body, "filename"));
  const Value* fields = body.get("fields");
  if (!fields || !fields->is_list() || fields->as_list().empty())
    return error_reply(missing_parameter("fields"));
  std::vector<std::string> names;
  for (const auto& f : fields->as_list()) {
    if (!f.is_string()) return error_reply(Error::value("Parameter 'fields' must be strings"));
    names.push_back(f.as_string());
  }
  LAMD_ARG(tool, tool_context(ctx, body));
  return answer(ctx, *tool, lamd::mdfield_run(*tool, names, *filename, flag(body, "batch")));
}

HandlerReply handle_lamd_flags(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(Error::value("The body must be a JSON object"));
  LAMD_ARG(output, one_of(body, "output", lamd::flags_outputs()));
  LAMD_ARG(base, required_string(body, "base"));
  LAMD_ARG(tool, tool_context(ctx, body));
  return answer(ctx, *tool, lamd::flags_run(*tool, *output, *base));
}

HandlerReply handle_lamd_dependencies(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(Error::value("The body must be a JSON object"));
  LAMD_ARG(type, one_of(body, "type", lamd::dependency_types()));
  LAMD_ARG(filename, required_string(body, "filename"));
  LAMD_ARG(diagrams_dir, optional_string(body, "diagrams_dir"));
  LAMD_ARG(snippets_path, optional_string(body, "snippets_path"));
  LAMD_ARG(tool, tool_context(ctx, body));
  return answer(ctx, *tool,
                lamd::dependencies_run(*tool, *type, *filename, *diagrams_dir, *snippets_path));
}

HandlerReply handle_lamd_resolve_diagrams_dir(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(Error::value("The body must be a JSON object"));
  lamd::ResolveArgs args;
  args.filesystem = flag(body, "filesystem");
  args.web = flag(body, "web");
  LAMD_ARG(diagrams_dir, optional_string(body, "diagrams_dir"));
  LAMD_ARG(diagrams_web_dir, optional_string(body, "diagrams_web_dir"));
  LAMD_ARG(cwd, optional_string(body, "cwd"));
  args.diagrams_dir = diagrams_dir->value_or("");
  args.diagrams_web_dir = diagrams_web_dir->value_or("");
  args.cwd = *cwd;
  LAMD_ARG(tool, tool_context(ctx, body));
  return answer(ctx, *tool, lamd::resolve_diagrams_dir_run(*tool, args));
}

}  // namespace lyn::service
