// Caller: who is asking. The server's Guard establishes it for each request
// it admits (server/guard.h) and the transport hands it to the handler with
// the request; the service reads it (sessions belong to their caller's
// principal, service/api.h). Direct mode asks as the default caller.
//
// The principal names who proved what: "local" (direct mode, and the
// per-user Unix socket, whose peer the kernel checked), "token" (the local
// token), "key:NAME" (an API key), "anonymous" (a server run with --auth
// none, or a public route: every caller alike). Never a secret.
//
// Thread safety: a plain value.
#ifndef LYNGUINE_CORE_CALLER_H_
#define LYNGUINE_CORE_CALLER_H_

#include <string>

namespace lyn {

struct Caller {
  std::string principal = "local";
  bool can_write = true;  // may make requests that need write rights
  // Shares the server with other keys, so its sessions are under a quota.
  bool keyed = false;
};

}  // namespace lyn

#endif  // LYNGUINE_CORE_CALLER_H_
