// (Over 500 lines: every route and its OpenAPI operation are declared here, once.)
#include "service/routes.h"

#include "assess/custom_dataframe.h"
#include "core/case.h"
#include "service/handlers.h"

namespace lyn::service {

namespace {

using assess::CustomDataFrame;

// ---- session operations --------------------------------------------------

// body[key], nullptr when absent or null.
const Value* param(const Value& body, std::string_view key) {
  const Value* v = body.is_map() ? body.get(key) : nullptr;
  return v && !v->is_null() ? v : nullptr;
}

Result<Value> done(Status st) {
  if (!st.ok()) return st.error();
  return Value(Map{});
}

Value one(std::string key, Value v) {
  return Value(Map{{std::move(key), std::move(v)}});
}

Value values(const std::vector<Value>& v) {
  return Value(List(v.begin(), v.end()));
}

Value pair(size_t a, size_t b) {
  return Value(List{Value(static_cast<int64_t>(a)), Value(static_cast<int64_t>(b))});
}

// A setter taking one required parameter `key`.
template <Status (CustomDataFrame::*Set)(const Value&)>
Result<Value> set_from(CustomDataFrame& f, const Value& body, std::string_view key) {
  const Value* v = param(body, key);
  if (!v) return missing_parameter(key);
  return done((f.*Set)(*v));
}

}  // namespace

// In the order OpenAPI lists them.
const std::vector<SessionOperation>& session_operations() {
  static const std::vector<SessionOperation> ops = {
      {"get_shape", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         auto [r, c] = f.shape();
         return one("shape", pair(r, c));
       }},
      {"get_columns", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("columns", values(f.columns()));
       }},
      {"get_input_columns", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("columns", values(f.input_columns()));
       }},
      {"get_output_columns", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("columns", values(f.output_columns()));
       }},
      {"get_series_columns", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("columns", values(f.series_columns()));
       }},
      {"get_indices", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("indices", values(f.indices()));
       }},
      {"get_index", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("index", f.get_index());
       }},
      {"set_index", Right::write, true,
       [](CustomDataFrame& f, const Value& b) {
         return set_from<&CustomDataFrame::set_index>(f, b, "index");
       }},
      {"get_column", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("column", f.get_column());
       }},
      {"set_column", Right::write, true,
       [](CustomDataFrame& f, const Value& b) {
         return set_from<&CustomDataFrame::set_column>(f, b, "column");
       }},
      {"get_value", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         auto v = f.get_value();
         if (!v.ok()) return v.error();
         return one("value", std::move(v).value());
       }},
      {"set_value", Right::write, true,
       [](CustomDataFrame& f, const Value& b) -> Result<Value> {
         const Value* value = param(b, "value");
         if (!value) return missing_parameter("value");
         return done(f.set_value(*value));
       }},
      {"get_value_at", Right::read, true,
       [](CustomDataFrame& f, const Value& b) -> Result<Value> {
         const Value* index = param(b, "index");
         const Value* column = param(b, "column");
         if (!index || !column) return Error::value("Missing required parameters: index, column");
         auto v = f.get_value_at(*index, *column);
         if (!v.ok()) return v.error();
         return one("value", std::move(v).value());
       }},
      {"get_column_type", Right::read, true,
       [](CustomDataFrame& f, const Value& b) -> Result<Value> {
         const Value* column = param(b, "column");
         if (!column) return missing_parameter("column");
         auto t = f.column_type(*column);
         return one("column_type", t ? Value(*t) : Value());
       }},
      {"get_selector", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("selector", f.get_selector());
       }},
      {"set_selector", Right::write, true,
       [](CustomDataFrame& f, const Value& b) {
         return set_from<&CustomDataFrame::set_selector>(f, b, "column");
       }},
      {"get_subindex", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         return one("subindex", f.get_subindex());
       }},
      {"set_subindex", Right::write, true,
       [](CustomDataFrame& f, const Value& b) {
         return set_from<&CustomDataFrame::set_subindex>(f, b, "value");
       }},
      {"get_subseries", Right::read, false,
       [](CustomDataFrame& f, const Value&) -> Result<Value> {
         Frame sub = f.get_subseries();
         List records;
         records.reserve(sub.num_rows());
         for (size_t i = 0; i < sub.num_rows(); ++i) records.push_back(sub.record(i));
         Map m;
         m.set("records", Value(std::move(records)));
         m.set("shape", pair(sub.num_rows(), sub.num_columns()));
         return one("subseries", Value(std::move(m)));
       }},
  };
  return ops;
}

const SessionOperation* find_session_operation(std::string_view name) {
  for (const auto& op : session_operations())
    if (op.name == name) return &op;
  return nullptr;
}

const std::vector<ComputeOperation>& compute_operations() {
  static const std::vector<ComputeOperation> ops = {
      {"render_liquid", compute_render_liquid},
      {"today", compute_today},
  };
  return ops;
}

namespace {

// A session operation's right for POST. An operation the table does not
// know answers 404, but is judged as lynguine would name a writing one
// (case aside, a declared writer, or a name with "save" in it): a read-only
// key never learns more than a 403.
Right session_operation_right(const Params& params) {
  std::string_view op = params.size() > 1 ? params[1] : std::string_view();
  for (const auto& o : session_operations())
    if (ascii_iequals(o.name, op)) return o.right;
  for (size_t i = 0; i + 4 <= op.size(); ++i)
    if (ascii_iequals(op.substr(i, 4), "save")) return Right::write;
  return Right::read;
}

std::string session_operation_label(const Params& params) {
  std::string_view op = params.size() > 1 ? params[1] : std::string_view();
  if (find_session_operation(op)) return "/api/sessions/{id}/" + std::string(op);
  return "/api/sessions/{id}/{operation}";
}

// ---- routes ----------------------------------------------------------------

// A route method whose handler reads only the body.
RouteMethod body_method(std::string method, Right right, bool listed,
                        HandlerReply (*handler)(const RequestContext&, const Value&),
                        std::string openapi) {
  RouteMethod m;
  m.method = std::move(method);
  m.right = right;
  m.listed = listed;
  m.handler = [handler](const RequestContext& ctx, const RouteRequest& req) {
    return handler(ctx, req.body);
  };
  m.openapi = std::move(openapi);
  return m;
}

std::string quoted_list(const std::vector<std::string_view>& names, std::string_view sep) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += sep;
    out += '"';
    out += n;
    out += '"';
  }
  return out;
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

constexpr const char* kPing = R"JSON({
  "tags": ["service"], "operationId": "ping", "summary": "Liveness",
  "responses": {"200": {"$ref": "#/components/responses/Pong"}}})JSON";

constexpr const char* kPingPost = R"JSON({
  "tags": ["service"], "operationId": "pingPost", "summary": "Liveness (POST, body ignored)",
  "requestBody": {"$ref": "#/components/requestBodies/Any"},
  "responses": {"200": {"$ref": "#/components/responses/Pong"},
                "400": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kHealth = R"JSON({
  "tags": ["service"], "operationId": "health", "summary": "Health and version",
  "responses": {
    "200": {"description": "Healthy", "content": {"application/json": {"schema": {
      "type": "object", "required": ["status", "server", "version"],
      "properties": {"status": {"type": "string", "enum": ["ok"]}, "server": {"type": "string"},
                     "version": {"type": "string"}}}}}}}})JSON";

constexpr const char* kStatus = R"JSON({
  "tags": ["service"], "operationId": "status",
  "summary": "Process status: version, pid, uptime, endpoints, idle timeout, memory, CPU",
  "responses": {"200": {"description": "Status", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Status"}}}}}})JSON";

constexpr const char* kTalkField = R"JSON({
  "tags": ["talks"], "operationId": "talkField",
  "summary": "One front-matter field of a lamd talk, with config fall-back (lamd's mdfield)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["field", "markdown_file"],
    "properties": {
      "field": {"type": "string"},
      "markdown_file": {"type": "string"},
      "config_files": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}], "description": "default [\"_lamd.yml\", \"_config.yml\"]"},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"$ref": "#/components/responses/Value"},
    "400": {"$ref": "#/components/responses/LegacyError"},
    "403": {"$ref": "#/components/responses/LegacyError"},
    "404": {"$ref": "#/components/responses/LegacyError"},
    "500": {"$ref": "#/components/responses/LegacyError"}}})JSON";

// Our extension: lamd's tools, run by the server (lamd_handlers.cc).
// @ID@, @SUMMARY@, @REQUIRED@ and @PROPERTIES@ are each tool's.
constexpr const char* kLamdTool = R"JSON({
  "tags": ["talks"], "operationId": "@ID@", "summary": "@SUMMARY@ (extension)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": [@REQUIRED@],
    "properties": {@PROPERTIES@,
      "env": {"type": "object", "additionalProperties": {"type": "string"}, "description": "the client's environment ($VARs, HOME, LAMD_INCLUDESDIR, PATH); default the server's"},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"description": "The run, for the client to print", "content": {"application/json": {"schema": {
      "type": "object", "properties": {
        "status": {"type": "string", "enum": ["success"]},
        "stdout": {"type": "string"}, "stderr": {"type": "string"},
        "warnings": {"type": "array", "items": {"type": "string"}, "description": "Python UserWarning messages, printed first"},
        "exception": {"nullable": true, "type": "object", "properties": {"type": {"type": "string"}, "message": {"type": "string"}}, "description": "what the Python tool ends with (exit code 1)"},
        "exit_code": {"type": "integer"}}}}}},
    "400": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"}}})JSON";

struct LamdToolDoc {
  const char* id;
  const char* summary;
  const char* required;
  const char* properties;
};

constexpr const char* kInterfaceRead = R"JSON({
  "tags": ["interfaces"], "operationId": "interfaceRead",
  "summary": "One top-level field of an interface file (after inherit and $VAR expansion)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["interface_file", "field"],
    "properties": {
      "interface_file": {"type": "string"},
      "field": {"type": "string"},
      "directory": {"type": "string", "default": "."},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"$ref": "#/components/responses/Value"},
    "400": {"$ref": "#/components/responses/LegacyError"},
    "403": {"$ref": "#/components/responses/LegacyError"},
    "404": {"$ref": "#/components/responses/LegacyError"},
    "500": {"$ref": "#/components/responses/LegacyError"}}})JSON";

constexpr const char* kReadData = R"JSON({
  "tags": ["data"], "operationId": "readData",
  "summary": "Read a data source, or an interface's input",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object",
    "description": "Either data_source, or interface_file (with directory and interface_field).",
    "properties": {
      "data_source": {"$ref": "#/components/schemas/DataSource"},
      "interface_file": {"type": "string"},
      "directory": {"type": "string", "default": "."},
      "interface_field": {"type": "string"},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"description": "The data", "content": {"application/json": {"schema": {
      "type": "object", "required": ["status", "data"],
      "properties": {"status": {"type": "string", "enum": ["success"]},
                     "data": {"$ref": "#/components/schemas/Data"}}}}}},
    "400": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
    "413": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
    "500": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kWriteData = R"JSON({
  "tags": ["data"], "operationId": "writeData",
  "summary": "Write records to a data source (the file is replaced atomically)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["data", "output"],
    "properties": {
      "data": {"type": "object", "required": ["records"], "properties": {
        "records": {"type": "array", "items": {"type": "object"}},
        "columns": {"type": "array", "items": {"type": "string"}}}},
      "output": {"$ref": "#/components/schemas/DataSource"},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"$ref": "#/components/responses/Message"},
    "400": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"},
    "413": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
    "500": {"$ref": "#/components/responses/Error"}}})JSON";

// @OPERATIONS@ and @EXAMPLE@ come from compute_operations().
constexpr const char* kCompute = R"JSON({
  "tags": ["data"], "operationId": "compute",
  "summary": "Run one of lynguine's Compute operations (@OPERATIONS@)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["operation"],
    "properties": {
      "operation": {"type": "string", "example": "@EXAMPLE@"},
      "params": {"type": "object", "properties": {"template": {"type": "string"}, "context": {"type": "object"}}},
      "data": {"type": "object", "properties": {"records": {"type": "array", "items": {"type": "object"}}}}}}}}},
  "responses": {
    "200": {"description": "The result", "content": {"application/json": {"schema": {
      "type": "object", "required": ["status", "operation", "result"],
      "properties": {"status": {"type": "string", "enum": ["success"]}, "operation": {"type": "string"}, "result": {}}}}}},
    "400": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
    "500": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kListSessions = R"JSON({
  "tags": ["sessions"], "operationId": "listSessions", "summary": "List sessions",
  "responses": {"200": {"description": "The sessions", "content": {"application/json": {"schema": {
    "type": "object",
    "properties": {
      "status": {"type": "string", "enum": ["success"]},
      "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
      "total_sessions": {"type": "integer"},
      "total_memory_mb": {"type": "number"}}}}}}}})JSON";

constexpr const char* kCreateSession = R"JSON({
  "tags": ["sessions"], "operationId": "createSession", "summary": "Create a session from an interface file",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {
    "type": "object", "required": ["interface_file"],
    "properties": {
      "interface_file": {"type": "string"},
      "directory": {"type": "string", "default": "."},
      "interface_field": {"type": "string"},
      "timeout": {"type": "number", "description": "seconds unused before expiry (default 3600; 0 never)"},
      "working_directory": {"$ref": "#/components/schemas/WorkingDirectory"}}}}}},
  "responses": {
    "200": {"$ref": "#/components/responses/SessionInfo"},
    "400": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
    "500": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kGetSession = R"JSON({
  "tags": ["sessions"], "operationId": "getSession", "summary": "Describe a session",
  "responses": {"200": {"$ref": "#/components/responses/SessionInfo"},
                "404": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kDeleteSession = R"JSON({
  "tags": ["sessions"], "operationId": "deleteSession", "summary": "Delete a session",
  "responses": {"200": {"$ref": "#/components/responses/Message"},
                "404": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kSessionId = R"JSON({"$ref": "#/components/parameters/SessionId"})JSON";

// @OPERATIONS@ comes from session_operations().
constexpr const char* kOperationParameters = R"JSON([
  {"$ref": "#/components/parameters/SessionId"},
  {"name": "operation", "in": "path", "required": true, "schema": {"type": "string", "enum": [
    @OPERATIONS@]}}])JSON";

constexpr const char* kSessionReadOperation = R"JSON({
  "tags": ["sessions"], "operationId": "sessionReadOperation", "summary": "A read operation at the session's focus",
  "responses": {"200": {"$ref": "#/components/responses/Operation"},
                "400": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}}})JSON";

constexpr const char* kSessionOperation = R"JSON({
  "tags": ["sessions"], "operationId": "sessionOperation", "summary": "An operation with parameters (index, column, value)",
  "requestBody": {"content": {"application/json": {"schema": {
    "type": "object",
    "properties": {"index": {}, "column": {"type": "string"}, "value": {}}}}}},
  "responses": {"200": {"$ref": "#/components/responses/Operation"},
                "400": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}}})JSON";

std::string replaced(std::string text, std::string_view key, std::string_view with) {
  if (size_t k = text.find(key); k != std::string::npos) text.replace(k, key.size(), with);
  return text;
}

RouteTable build_api_routes() {
  const Right kRead = Right::read, kWrite = Right::write;
  RouteTable t;
  // Order matters to /api/status, which lists the `listed` methods in turn.
  t.add({"/api/health",
         {body_method("GET", Right::none, true, handle_health, kHealth),
          body_method("POST", kRead, false, handle_health, "")}});
  t.add({"/api/ping",
         {body_method("GET", kRead, true, handle_ping, kPing),
          body_method("POST", kRead, false, handle_ping, kPingPost)}});
  t.add({"/api/status",
         {body_method("GET", kRead, true, handle_status, kStatus),
          body_method("POST", kRead, false, handle_status, "")}});
  t.add({"/api/read_data", {body_method("POST", kRead, true, handle_read_data, kReadData)}});
  t.add({"/api/write_data", {body_method("POST", kWrite, true, handle_write_data, kWriteData)}});
  std::vector<std::string_view> compute_names;
  for (const auto& op : compute_operations()) compute_names.push_back(op.name);
  t.add({"/api/compute",
         {body_method("POST", kRead, true, handle_compute,
                      replaced(replaced(kCompute, "@OPERATIONS@", joined(compute_names)),
                               "@EXAMPLE@", compute_names.front()))}});
  t.add({"/api/talk/field", {body_method("POST", kRead, true, handle_talk_field, kTalkField)}});
  t.add({"/api/interface/read",
         {body_method("POST", kRead, true, handle_interface_read, kInterfaceRead)}});
  const std::pair<const char*, LamdToolDoc> lamd_tools[] = {
      {"mdfield",
       {"lamdMdfield", "lamd's mdfield: one talk's fields", R"("fields", "filename")",
        R"("fields": {"type": "array", "items": {"type": "string"}}, "filename": {"type": "string"}, "batch": {"type": "boolean", "description": "field:value lines"})"}},
      {"flags",
       {"lamdFlags", "lamd's flags OUTPUT BASE", R"("output", "base")",
        R"("output": {"type": "string", "enum": ["pp", "post", "docx", "pptx", "prefix", "reveal", "cv", "manim", "manim-convert"]}, "base": {"type": "string"})"}},
      {"dependencies",
       {"lamdDependencies", "lamd's dependencies TYPE FILE", R"("type", "filename")",
        R"("type": {"type": "string", "enum": ["all", "diagrams", "inputs", "bibinputs", "slidediagrams", "texdiagrams", "docxdiagrams", "batch"]}, "filename": {"type": "string"}, "diagrams_dir": {"type": "string"}, "snippets_path": {"type": "string"})"}},
      {"resolve-diagrams-dir",
       {"lamdResolveDiagramsDir", "lamd-resolve-diagrams-dir", "",
        R"("filesystem": {"type": "boolean"}, "web": {"type": "boolean"}, "diagrams_dir": {"type": "string"}, "diagrams_web_dir": {"type": "string"}, "cwd": {"type": "string"})"}},
  };
  HandlerReply (*const lamd_handlers[])(const RequestContext&, const Value&) = {
      handle_lamd_mdfield, handle_lamd_flags, handle_lamd_dependencies,
      handle_lamd_resolve_diagrams_dir};
  for (size_t i = 0; i < std::size(lamd_tools); ++i) {
    const auto& [name, doc] = lamd_tools[i];
    std::string openapi = replaced(replaced(kLamdTool, "@ID@", doc.id), "@SUMMARY@", doc.summary);
    openapi =
        replaced(replaced(openapi, "@REQUIRED@", doc.required), "@PROPERTIES@", doc.properties);
    t.add({std::string("/api/lamd/") + name,
           {body_method("POST", kRead, true, lamd_handlers[i], std::move(openapi))}});
  }

  auto with_params = [](std::string method, Right right, bool listed, RouteHandler h,
                        std::string openapi) {
    RouteMethod m;
    m.method = std::move(method);
    m.right = right;
    m.listed = listed;
    m.handler = std::move(h);
    m.openapi = std::move(openapi);
    return m;
  };
  t.add(
      {"/api/sessions",
       {body_method("POST", kRead, true, handle_session_create, kCreateSession),
        with_params(
            "GET", kRead, true,
            [](const RequestContext& ctx, const RouteRequest&) { return handle_session_list(ctx); },
            kListSessions)}});
  // POST on a session answers its description, as lynguine's does.
  auto info = [](const RequestContext& ctx, const RouteRequest& r) {
    return handle_session_info(ctx, r.params[0]);
  };
  Route session{"/api/sessions/{id}",
                {with_params("GET", kRead, true, info, kGetSession),
                 with_params(
                     "DELETE", kWrite, true,
                     [](const RequestContext& ctx, const RouteRequest& r) {
                       return handle_session_delete(ctx, r.params[0]);
                     },
                     kDeleteSession),
                 with_params("POST", kRead, false, info, "")}};
  session.openapi_parameters = std::string("[") + kSessionId + "]";
  t.add(std::move(session));
  auto operation = [](const RequestContext& ctx, const RouteRequest& r) {
    return handle_session_operation(ctx, r.params[0], r.params[1], r.body);
  };
  RouteMethod post_operation = with_params("POST", kRead, true, operation, kSessionOperation);
  post_operation.right_of = session_operation_right;
  Route operations{"/api/sessions/{id}/{operation}",
                   {std::move(post_operation),
                    with_params("GET", kRead, false, operation, kSessionReadOperation)}};
  operations.ignore_extra_segments = true;
  operations.metric_label_of = session_operation_label;
  std::vector<std::string_view> op_names;
  for (const auto& op : session_operations()) op_names.push_back(op.name);
  operations.openapi_parameters =
      replaced(kOperationParameters, "@OPERATIONS@", quoted_list(op_names, ", "));
  t.add(std::move(operations));
  return t;
}

}  // namespace

std::shared_ptr<const RouteTable> api_routes() {
  static const auto table = std::make_shared<const RouteTable>(build_api_routes());
  return table;
}

}  // namespace lyn::service
