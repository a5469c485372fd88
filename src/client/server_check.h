// Proving a recorded server is the one it claims to be, before a client
// sends it a token or anyone signals its pid. A server record
// (ops/state_file.h) lies in the user's private state directory; what it
// names -- a pid, a port, a socket -- may since have passed to someone else
// (the server was killed, its pid reused, its port taken by another user's
// process). So:
//
//  - the process: the pid must be alive with the start time recorded
//    (ops::same_process), else the record is stale;
//  - a Unix socket: the kernel names the peer (platform::peer_credentials): its uid must be
//    ours and its pid the recorded one;
//  - TCP (or a Unix socket where the kernel gives no pid): a challenge. The
//    client sends "X-Lynguine-Challenge: <32 random hex>" (any request; the
//    probe is GET /api/health) and the answer, whatever its status, must
//    carry "X-Lynguine-Proof: <server::identity_proof(nonce, challenge,
//    client's end)>", which only the holder of the record's nonce can make.
//
// Thread safety: free functions; any thread.
#ifndef LYNGUINE_CLIENT_SERVER_CHECK_H_
#define LYNGUINE_CLIENT_SERVER_CHECK_H_

#include <chrono>
#include <string>

#include "client/http_client.h"
#include "core/status.h"
#include "ops/state_file.h"

namespace lyn::client {

struct ServerCheck {
  enum Verdict {
    kStale,     // the recorded process is gone (or its pid now names another)
    kProven,    // it answered and proved itself (whatever the HTTP status)
    kSilent,    // the recorded process lives but its socket gave no answer in
                // time (busy, starting or shutting down)
    kUnproven,  // something answered without a valid proof: maybe an
                // impostor on the port; never sent a token
  };
  Verdict verdict = kStale;
  int status = 0;      // the probe's HTTP status (0: none)
  std::string detail;  // why, for messages

  // Everything but kStale: a live process the record must not be deleted for.
  bool alive() const { return verdict != kStale; }
  // "stale", "proven", "silent", "unproven".
  const char* name() const;
};

// Where the system cannot tell an exited but unreaped process from a running
// one (core/platform.h's POSIX fallback): true if the record names a Unix
// socket that nobody listens on, i.e. its server has gone. False elsewhere.
bool socket_abandoned(const ops::ServerRecord& record);

// Checks `record` (see above) within `timeout`.
ServerCheck check_server(const ops::ServerRecord& record,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// Whether `record`'s pid may be signalled (stop): it is still the recorded
// process, and it proved itself, or did not answer but runs our executable.
// An unproven answer from whatever holds its port never leads to a signal
// unless the process itself is ours.
bool may_signal(const ops::ServerRecord& record, const ServerCheck& check);

// Proves that the connection `client` has just opened leads to `record`'s
// server (see above); for ClientOptions::on_connect. A PermissionError (403)
// if it does not.
Status prove_connection(HttpClient& client, const ops::ServerRecord& record);

// The HttpClient for `record`'s server: its socket or host and port, TLS
// (checked against `ca_file`, default the system store) and every
// connection proved before use (prove_connection).
struct ServerEndpoint {
  std::string host;
  unsigned short port = 0;
  ClientOptions options;
};
ServerEndpoint endpoint_for(const ops::ServerRecord& record, const std::string& ca_file = "");

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_SERVER_CHECK_H_
