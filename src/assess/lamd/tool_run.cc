#include "assess/lamd/tool_run.h"

namespace lyn::lamd {

Map tool_run_fields(const ToolRun& run) {
  List warnings;
  for (const auto& w : run.warnings) warnings.push_back(Value(w));
  Value exception;
  if (run.exception)
    exception = Value(
        Map{{"type", Value(run.exception->type)}, {"message", Value(run.exception->message)}});
  return Map{{"stdout", Value(run.out)},
             {"warnings", Value(std::move(warnings))},
             {"stderr", Value(run.err)},
             {"exception", std::move(exception)},
             {"exit_code", Value(static_cast<int64_t>(run.exit_code))}};
}

Result<ToolRun> tool_run_from(const Value& v) {
  auto bad = [] { return Error::value("not a lamd tool run"); };
  if (!v.is_map()) return bad();
  const Value* out = v.get("stdout");
  const Value* warnings = v.get("warnings");
  const Value* err = v.get("stderr");
  const Value* exception = v.get("exception");
  const Value* code = v.get("exit_code");
  if (!out || !out->is_string() || !warnings || !warnings->is_list() || !err || !err->is_string() ||
      !exception || !code || !code->is_int())
    return bad();
  ToolRun run;
  run.out = out->as_string();
  for (const auto& w : warnings->as_list()) {
    if (!w.is_string()) return bad();
    run.warnings.push_back(w.as_string());
  }
  run.err = err->as_string();
  if (!exception->is_null()) {
    const Value* type = exception->get("type");
    const Value* message = exception->get("message");
    if (!type || !type->is_string() || !message || !message->is_string()) return bad();
    run.exception = Error{type->as_string(), message->as_string(), 500};
  }
  run.exit_code = static_cast<int>(code->as_int());
  return run;
}

}  // namespace lyn::lamd
