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
  "servers": [{"url": "@SERVER_URL@", "description": "this server, as the request reached it"}],
  "tags": [
    {"name": "service", "description": "Liveness, status and the server's own pages"},
    {"name": "talks", "description": "lamd's mdfield"},
    {"name": "interfaces", "description": "lynguine interface files"},
    {"name": "data", "description": "Reading, writing and computing on data"},
    {"name": "sessions", "description": "Server-side CustomDataFrames with a focus"}
  ],
  "paths": {},
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "description": "The local token (serve --auth-token auto or --auth-token-file) or an API key (--api-keys)"},
      "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "An API key (--api-keys), or the local token"}
    },
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
      },
      "ServerStatus": {
        "type": "object",
        "description": "What the status page shows beyond /api/status (whose keys stay lynguine's)",
        "properties": {
          "status": {"type": "string", "enum": ["ok"]},
          "serving": {"type": "object", "description": "What this server serves and how", "properties": {
            "root": {"type": "string"},
            "url": {"type": "string", "description": "Where a client on this machine reaches it: http[s]://host:port or unix:PATH"},
            "host": {"type": "string"}, "port": {"type": "integer"}, "socket": {"type": "string"},
            "auth": {"type": "string", "enum": ["token", "api-keys", "none", "socket"]},
            "tls": {"type": "boolean"},
            "state_dir": {"type": "string"}}},
          "cache": {"type": "object", "description": "The parsed-file cache", "properties": {
            "hits": {"type": "integer"}, "misses": {"type": "integer"},
            "hit_rate": {"type": "number", "nullable": true, "description": "hits / (hits + misses); null before the first lookup"},
            "entries": {"type": "integer"}, "bytes": {"type": "integer"}, "budget_bytes": {"type": "integer"}}},
          "activity": {"type": "object", "description": "Requests other than the status page's polls (X-Lynguine-Poll: status-page), which are not activity", "properties": {
            "last_active_at": {"type": "number", "description": "unix seconds"},
            "now": {"type": "number", "description": "unix seconds"}}},
          "recent_errors": {"type": "array", "description": "The last 20 failed or refused requests, newest first", "items": {"type": "object", "properties": {
            "at": {"type": "number", "description": "unix seconds"},
            "status": {"type": "integer"},
            "method": {"type": "string", "description": "empty for a refusal"},
            "path": {"type": "string", "description": "the route template, or the unknown path without its query"},
            "reason": {"type": "string", "description": "the error type or the refusal's reason"}}}}}
      }
    },
    "responses": {
      "Error": {"description": "An error (400 malformed, 403 outside the root, 404 unknown, 405 wrong method, 413 too large, 422 unusable, 500 server fault)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "LegacyError": {"description": "An error, in lynguine's talk/interface shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LegacyError"}}}},
      "Unauthorized": {"description": "No valid token or API key (only when the server requires one; GET /api/health never does)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooManyRequests": {"description": "Over --rate-limit, or over --max-concurrent requests in flight; retry later", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
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

// The guard's answers, which any operation may get: 401 unless the route
// is public, 429 always.
void add_guard_responses(Value& op, bool public_route) {
  Value* responses = op.is_map() ? op.as_map().find("responses") : nullptr;
  if (!responses || !responses->is_map()) return;
  auto ref = [](const char* name) {
    return Value(Map{{"$ref", Value(std::string("#/components/responses/") + name)}});
  };
  if (!public_route) responses->as_map().set("401", ref("Unauthorized"));
  responses->as_map().set("429", ref("TooManyRequests"));
  // A public probe needs no credentials whatever the document's default.
  if (public_route) op.as_map().set("security", Value(List{}));
}

constexpr std::string_view kServerUrlMark = "\"@SERVER_URL@\"";

}  // namespace

std::string openapi_for_server(std::string_view document, std::string_view url) {
  std::string out(document);
  if (size_t k = out.find(kServerUrlMark); k != std::string::npos)
    out.replace(k, kServerUrlMark.size(), to_json(Value(url)));
  return out;
}

std::string server_url_from_host(std::string_view host, bool tls, std::string_view fallback) {
  // The Guard let this Host through (a loopback name, an IP literal of a
  // remote server, or an --allowed-host); anything odd falls back.
  bool usable = !host.empty() && host.size() < 256;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']' || c == '_'))
      usable = false;
  if (!usable) return std::string(fallback);
  return std::string(tls ? "https://" : "http://") + std::string(host);
}

Result<std::string> render_openapi(const service::RouteTable& routes, std::string_view version,
                                   bool auth_required) {
  auto frame = parse_json(kFrame);
  if (!frame.ok()) return Error::internal("OpenAPI frame: " + frame.error().message);
  Value doc = std::move(frame).value();
  if (Value* info = doc.as_map().find("info")) info->as_map().set("version", Value(version));
  if (auth_required)
    doc.as_map().set("security", Value(List{Value(Map{{"bearerAuth", Value(List{})}}),
                                            Value(Map{{"apiKeyHeader", Value(List{})}})}));
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
      add_guard_responses(*op, m.right == service::Right::none && !m.right_of);
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
