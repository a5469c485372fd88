// ApiCaller: how the CLI reaches lynguine's API -- in this process (direct
// mode, calling service::Api) or through a running server (started on
// demand). Both give the same JSON; the CLI prints from it either way, so
// its output is byte-identical in the two modes.
//
// Thread safety: one caller per thread (the server caller holds one
// keep-alive connection).
#ifndef LYNGUINE_CLIENT_API_CALLER_H_
#define LYNGUINE_CLIENT_API_CALLER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "service/api.h"

namespace lyn::client {

struct CallResult {
  int status = 0;
  std::string body;  // JSON text
};

class ApiCaller {
 public:
  virtual ~ApiCaller() = default;
  virtual CallResult call(std::string_view method, std::string_view path,
                          std::string_view body) = 0;
  // call(), but a successful (2xx) answer's body goes to `piece` in pieces
  // as it is produced, and is not returned: direct mode never holds a large
  // read_data answer whole. Other answers are returned as call() does. An
  // answer that fails after its first piece returns status 500 and the
  // error's JSON. By default, call() and its body as one piece.
  virtual CallResult call_pieces(std::string_view method, std::string_view path,
                                 std::string_view body,
                                 const std::function<void(std::string_view)>& piece);
  // Whether paths must be sent absolute (a server may have another cwd).
  virtual bool remote() const = 0;
};

// Direct mode: the API in this process, rooted at `root`.
std::unique_ptr<ApiCaller> make_direct_caller(service::ApiOptions options);

struct ServerCallerOptions {
  std::string host;         // empty: LYNGUINE_SERVER_HOST or 127.0.0.1
  unsigned short port = 0;  // 0: the state file's, or LYNGUINE_SERVER_PORT
  bool auto_start = true;   // start a server when none answers
  std::string root;         // root for an auto-started server
  // Security: an explicit server, e.g. https://host:8443 (--server-url); then
  // nothing is started or looked up. api_key is sent as "Authorization:
  // Bearer KEY"; ca_file verifies an https server (default: system store).
  std::string url;
  std::string api_key;
  std::string ca_file;
};

struct ServerUrl {
  bool tls = false;
  std::string host;
  unsigned short port = 0;
};

// Splits "http[s]://HOST[:PORT][/]" (HOST may be [v6]); the port defaults to
// 80 / 443. A ValueError if malformed.
Result<ServerUrl> parse_server_url(std::string_view url);

// Server mode. An error when no server can be reached or started (the
// caller then falls back to direct mode with a warning: client/fallback.h).
Result<std::unique_ptr<ApiCaller>> make_server_caller(const ServerCallerOptions& options);

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_API_CALLER_H_
