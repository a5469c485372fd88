#include "server/openapi.h"

#include <string_view>

namespace lyn::server {

namespace {

// The document; "@VERSION@" becomes the server's version. Keep in step with
// src/service/api.cc (the router) and docs/api.md (the prose reference).
constexpr std::string_view kOpenApi = R"JSON({
  "openapi": "3.0.3",
  "info": {
    "title": "lynguine server",
    "version": "@VERSION@",
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
  "paths": {
    "/": {
      "get": {
        "tags": ["service"], "operationId": "statusPage",
        "summary": "The status page (HTML; polls /api/status and /metrics)",
        "responses": {
          "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
          "405": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["service"], "operationId": "metrics",
        "summary": "Prometheus metrics (text exposition format 0.0.4)",
        "responses": {
          "200": {"description": "lynguine_requests_total, lynguine_request_duration_seconds, lynguine_cache_hits_total, lynguine_cache_misses_total, process_* and more", "content": {"text/plain; version=0.0.4": {"schema": {"type": "string"}}}},
          "405": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/openapi.json": {
      "get": {
        "tags": ["service"], "operationId": "openapi",
        "summary": "This document",
        "responses": {
          "200": {"description": "OpenAPI 3.0 document", "content": {"application/json": {"schema": {"type": "object"}}}},
          "405": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/ping": {
      "get": {
        "tags": ["service"], "operationId": "ping", "summary": "Liveness",
        "responses": {"200": {"$ref": "#/components/responses/Pong"}}
      },
      "post": {
        "tags": ["service"], "operationId": "pingPost", "summary": "Liveness (POST, body ignored)",
        "requestBody": {"$ref": "#/components/requestBodies/Any"},
        "responses": {"200": {"$ref": "#/components/responses/Pong"}, "400": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/health": {
      "get": {
        "tags": ["service"], "operationId": "health", "summary": "Health and version",
        "responses": {
          "200": {"description": "Healthy", "content": {"application/json": {"schema": {
            "type": "object", "required": ["status", "server", "version"],
            "properties": {"status": {"type": "string", "enum": ["ok"]}, "server": {"type": "string"}, "version": {"type": "string"}}}}}}
        }
      }
    },
    "/api/status": {
      "get": {
        "tags": ["service"], "operationId": "status", "summary": "Process status: version, pid, uptime, endpoints, idle timeout, memory, CPU",
        "responses": {"200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}
      }
    },
    "/api/talk/field": {
      "post": {
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
          "500": {"$ref": "#/components/responses/LegacyError"}
        }
      }
    },
    "/api/interface/read": {
      "post": {
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
          "500": {"$ref": "#/components/responses/LegacyError"}
        }
      }
    },
    "/api/read_data": {
      "post": {
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
            "properties": {"status": {"type": "string", "enum": ["success"]}, "data": {"$ref": "#/components/schemas/Data"}}}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "403": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/write_data": {
      "post": {
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
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/compute": {
      "post": {
        "tags": ["data"], "operationId": "compute",
        "summary": "Run one of lynguine's Compute operations (today, render_liquid)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object", "required": ["operation"],
          "properties": {
            "operation": {"type": "string", "example": "render_liquid"},
            "params": {"type": "object", "properties": {"template": {"type": "string"}, "context": {"type": "object"}}},
            "data": {"type": "object", "properties": {"records": {"type": "array", "items": {"type": "object"}}}}}}}}},
        "responses": {
          "200": {"description": "The result", "content": {"application/json": {"schema": {
            "type": "object", "required": ["status", "operation", "result"],
            "properties": {"status": {"type": "string", "enum": ["success"]}, "operation": {"type": "string"}, "result": {}}}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/sessions": {
      "get": {
        "tags": ["sessions"], "operationId": "listSessions", "summary": "List sessions",
        "responses": {"200": {"description": "The sessions", "content": {"application/json": {"schema": {
          "type": "object",
          "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
            "total_sessions": {"type": "integer"},
            "total_memory_mb": {"type": "number"}}}}}}}
      },
      "post": {
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
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/sessions/{id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {
        "tags": ["sessions"], "operationId": "getSession", "summary": "Describe a session",
        "responses": {"200": {"$ref": "#/components/responses/SessionInfo"}, "404": {"$ref": "#/components/responses/Error"}}
      },
      "delete": {
        "tags": ["sessions"], "operationId": "deleteSession", "summary": "Delete a session",
        "responses": {"200": {"$ref": "#/components/responses/Message"}, "404": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/sessions/{id}/{operation}": {
      "parameters": [
        {"$ref": "#/components/parameters/SessionId"},
        {"name": "operation", "in": "path", "required": true, "schema": {"type": "string", "enum": [
          "get_shape", "get_columns", "get_input_columns", "get_output_columns", "get_series_columns",
          "get_indices", "get_index", "set_index", "get_column", "set_column", "get_value", "set_value",
          "get_value_at", "get_column_type", "get_selector", "set_selector", "get_subindex",
          "set_subindex", "get_subseries"]}}
      ],
      "get": {
        "tags": ["sessions"], "operationId": "sessionReadOperation", "summary": "A read operation at the session's focus",
        "responses": {"200": {"$ref": "#/components/responses/Operation"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
      },
      "post": {
        "tags": ["sessions"], "operationId": "sessionOperation", "summary": "An operation with parameters (index, column, value)",
        "requestBody": {"content": {"application/json": {"schema": {
          "type": "object",
          "properties": {"index": {}, "column": {"type": "string"}, "value": {}}}}}},
        "responses": {"200": {"$ref": "#/components/responses/Operation"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
      }
    }
  },
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

}  // namespace

const std::string& openapi_json() {
  static const std::string doc = [] {
    std::string s(kOpenApi);
    constexpr std::string_view kVersion = "@VERSION@";
    if (size_t k = s.find(kVersion); k != std::string::npos)
      s.replace(k, kVersion.size(), LYNGUINE_VERSION);
    return s;
  }();
  return doc;
}

}  // namespace lyn::server
