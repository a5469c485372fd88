// openapi: the OpenAPI 3.0 description of `lynguine serve`, served at
// GET /api/openapi.json. The document is a C++ raw string in openapi.cc (no
// build step); its info.version is the server's version. It describes every
// route the API answers (src/service/api.cc, endpoint_list()) plus the
// server's own GET /, GET /metrics and GET /api/openapi.json, with request
// bodies, answers and lynguine's error shapes. tests/wire/test_observability.py
// checks it against the running router both ways.
//
// Thread safety: openapi_json() builds the text once (a function-local
// static) and may be called from any thread.
#ifndef LYNGUINE_OPS_OPENAPI_H_
#define LYNGUINE_OPS_OPENAPI_H_

#include <string>

namespace lyn::server {

// The OpenAPI document as JSON text.
const std::string& openapi_json();

}  // namespace lyn::server

#endif  // LYNGUINE_OPS_OPENAPI_H_
