// The fallback policy of the command line's data commands: which ApiCaller
// answers (client/api_caller.h). Direct mode (in this process) by default;
// with `server` (--server, or LYNGUINE_USE_SERVER=1) the local server,
// started on demand, and direct mode for any request it cannot serve (no
// answer, or a path outside its root), with a warning on stderr; with
// `no_fallback` (--no-fallback, or LYNGUINE_NO_FALLBACK=1) the local server
// or an error, never direct mode; with a server URL (--server-url or
// LYNGUINE_SERVER_URL) that server only: a remote server's answer is never
// replaced by local files.
//
// Thread safety: make_caller() reads the environment; the caller it returns
// is used by one thread.
#ifndef LYNGUINE_CLIENT_FALLBACK_H_
#define LYNGUINE_CLIENT_FALLBACK_H_

#include <memory>
#include <string>
#include <vector>

#include "client/api_caller.h"

namespace lyn::client {

// What the data commands' shared options say.
struct CallerOptions {
  bool server = false;  // --server or LYNGUINE_USE_SERVER=1
  // --no-fallback or LYNGUINE_NO_FALLBACK=1: server mode, and an error (exit
  // 1) instead of the fall-back to direct mode, so a caller (a test, a CI
  // job) knows the answer came from the server.
  bool no_fallback = false;
  std::string root;  // --root (direct mode)
  std::vector<std::string> extra_roots;
  // Security: an explicit (maybe remote, maybe https) server: --server-url URL,
  // --api-key KEY, --ca-file FILE (env LYNGUINE_SERVER_URL, LYNGUINE_API_KEY,
  // LYNGUINE_CA_FILE). With a URL there is no fallback to direct mode.
  std::string server_url, api_key, ca_file;
};

// The caller for these options (see above). A server URL that cannot be
// used gives a caller whose every call fails with the reason.
std::unique_ptr<ApiCaller> make_caller(const CallerOptions& options);

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_FALLBACK_H_
