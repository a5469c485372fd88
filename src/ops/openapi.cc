#include "ops/openapi.h"

#include <cctype>
#include <string_view>

#include "core/case.h"
#include "core/json.h"
#include "service/route_table.h"

namespace lyn::ops {

namespace {

// The document around the paths: info (its version filled in), servers,
// tags and the components the routes' operations refer to. The paths come
// from the route table.
constexpr std::string_view kFrame = R"JSON({
  "openapi": "3.0.3",
  "info": {
    "title": "lynguine server",
    "version": "",
    "description": "lynguine's HTTP API (CIP-0008 server mode). Bodies are JSON; only POST reads a body and an empty body is {}. A query string never changes which endpoint answers. Paths named in a request are relative to the server's --root (or to working_directory when given); paths outside the root, working_directory included, are refused with 403. Every answer carries Server-Timing (total, op) and X-Lynguine-Pid headers.",
    "license": {"name": "MIT"}
  },
  "servers": [{"url": "http://127.0.0.1:8765"}],
  "tags": [
    {"name": "service", "description": "Liveness, status and the server's own pages"},
    {"name": "talks", "description": "lamd's mdfield"},
    {"name": "interfaces", "description": "lynguine interface files"},
    {"name": "data", "description": "Reading, writing and computing on data"},
    {"name": "sessions", "description": "Server-side CustomDataFrames with a focus"}
  ],
  "paths": {},
  "components": {
    "parameters": {
      "SessionId": {"name": "id", "in": "path", "required": true, "description": "A session id (uuid4)", "schema": {"type": "string"}}
    },
    "requestBodies": {
      "Any": {"content": {"application/json": {"schema": {}}}}
    },
    "schemas": {
      "Error": {
        "type": "object", "description": "lynguine's error shape",
        "required": ["status", "error_type", "error_message"],
        "properties": {
          "status": {"type": "string", "enum": ["error"]},
          "error_type": {"type": "string", "example": "ValueError"},
          "error_message": {"type": "string"}}
      },
      "LegacyError": {
        "type": "object", "description": "The error shape of /api/talk/field and /api/interface/read (kept from lynguine)",
        "required": ["status", "error"],
        "properties": {
          "status": {"type": "string", "enum": ["error"]},
          "error": {"type": "string"},
          "value": {"nullable": true}}
      },
      "WorkingDirectory": {
        "type": "string",
        "description": "Extension: the caller's directory, where relative paths start; outside the root it is refused with 403"
      },
      "DataSource": {
        "type": "object", "required": ["type"],
        "description": "A lynguine data-source description",
        "properties": {
          "type": {"type": "string", "enum": ["csv", "yaml", "json", "markdown", "markdown_directory", "yaml_directory", "directory", "list", "local", "auto", "hstack", "vstack", "bibtex", "excel"]},
          "filename": {"type": "string"},
          "directory": {"type": "string"},
          "glob": {"type": "string"},
          "index": {"type": "string"},
          "mapping": {"type": "object"},
          "dtypes": {"type": "object"},
          "select_columns": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": true
      },
      "Data": {
        "type": "object",
        "properties": {
          "records": {"type": "array", "items": {"type": "object"}},
          "columns": {"type": "array", "items": {"type": "string"}},
          "shape": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
          "dtypes": {"type": "object", "additionalProperties": {"type": "string"}}}
      },
      "Session": {
        "type": "object",
        "properties": {
          "session_id": {"type": "string"},
          "interface_file": {"type": "string"},
          "directory": {},
          "interface_field": {"nullable": true},
          "shape": {"type": "array", "items": {"type": "integer"}},
          "columns": {"type": "array", "items": {"type": "string"}},
          "memory_mb": {"type": "number"},
          "created_time": {"type": "number"},
          "last_accessed": {"type": "number"},
          "timeout": {"type": "number"},
          "age_seconds": {"type": "number"},
          "idle_seconds": {"type": "number"}}
      },
      "Status": {
        "type": "object",
        "properties": {
          "status": {"type": "string", "enum": ["ok"]},
          "server": {"type": "string"},
          "version": {"type": "string"},
          "pid": {"type": "integer"},
          "uptime_seconds": {"type": "number"},
          "endpoints": {"type": "array", "items": {"type": "string"}},
          "idle_timeout": {"type": "object", "properties": {
            "enabled": {"type": "boolean"},
            "timeout_seconds": {"type": "number"},
            "idle_seconds": {"type": "number"},
            "remaining_seconds": {"type": "number"}}},
          "memory": {"type": "object", "properties": {"rss_mb": {"type": "number"}, "percent": {"type": "number"}}},
          "cpu_percent": {"type": "number"}}
      }
    },
    "responses": {
      "Error": {"description": "An error (400 malformed, 403 outside the root, 404 unknown, 405 wrong method, 413 too large, 422 unusable, 500 server fault)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "LegacyError": {"description": "An error, in lynguine's talk/interface shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LegacyError"}}}},
      "Pong": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}, "message": {"type": "string", "enum": ["pong"]}}}}}},
      "Value": {"description": "The value", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "value"], "properties": {"status": {"type": "string", "enum": ["success"]}, "value": {}}}}}},
      "Message": {"description": "Done", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["success"]}, "message": {"type": "string"}}}}}},
      "SessionInfo": {"description": "The session", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["success"]}, "session": {"$ref": "#/components/schemas/Session"}}}}}},
      "Operation": {"description": "The operation's answer: one key named after what it reads (shape, columns, indices, index, column, value, column_type, selector, subindex, subseries)", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["success"]}}, "additionalProperties": true}}}}
    }
  }
}
)JSON";

Result<Value> parse_fragment(const std::string& text, const std::string& where) {
  auto v = parse_json(text);
  if (!v.ok()) return Error::internal("OpenAPI fragment of " + where + ": " + v.error().message);
  return v;
}

}  // namespace

Result<std::string> render_openapi(const service::RouteTable& routes, std::string_view version) {
  auto frame = parse_json(kFrame);
  if (!frame.ok()) return Error::internal("OpenAPI frame: " + frame.error().message);
  Value doc = std::move(frame).value();
  if (Value* info = doc.as_map().find("info")) info->as_map().set("version", Value(version));
  Map paths;
  for (const auto& route : routes.routes()) {
    Map item;
    if (!route.openapi_parameters.empty()) {
      auto p = parse_fragment(route.openapi_parameters, route.path);
      if (!p.ok()) return p.error();
      item.set("parameters", std::move(p).value());
    }
    bool documented = false;
    for (const auto& m : route.methods) {
      if (m.openapi.empty()) continue;
      auto op = parse_fragment(m.openapi, m.method + " " + route.path);
      if (!op.ok()) return op.error();
      std::string name = ascii_lower(m.method);  // OpenAPI's operation keys are lower case
      item.set(name, std::move(op).value());
      documented = true;
    }
    if (documented) paths.set(route.path, Value(std::move(item)));
  }
  doc.as_map().set("paths", Value(std::move(paths)));
  return to_json(doc);
}

}  // namespace lyn::ops
