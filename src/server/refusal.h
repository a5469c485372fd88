// Refusal: one request or connection the server turned away, as told to the
// logs and the metrics (issue 12.8). The transport reports the connection
// limits it enforces ("connection_limit", "evicted", "header_timeout",
// "idle_timeout", "request_timeout", "queue_full", "deadline",
// "bad_framing", "malformed"); the Guard its own ("host", "origin", "unauthorized",
// "forbidden", "rate_limited", ...). Never carries a secret: `principal`
// names a key ("key:NAME"), the local token ("token"), or nobody ("").
//
// Thread safety: a RefusalObserver is called from I/O and worker threads at
// once and must be thread-safe; it must not block (it runs on an I/O thread).
#ifndef LYNGUINE_SERVER_REFUSAL_H_
#define LYNGUINE_SERVER_REFUSAL_H_

#include <functional>
#include <string>

namespace lyn::server {

struct Refusal {
  std::string reason;     // a short, bounded label (a metric label)
  int status = 0;         // the HTTP status answered; 0: closed without an answer
  std::string principal;  // "key:NAME", "token", "" (nobody proved)
  std::string address;    // the client's address (behind a trusted proxy, the forwarded one)
};

using RefusalObserver = std::function<void(const Refusal&)>;

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_REFUSAL_H_
