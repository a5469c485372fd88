#include "client/server_check.h"

#include <unistd.h>

#include "core/platform.h"
#include "core/random.h"
#include "ops/process.h"
#include "ops/stale_socket.h"
#include "server/secrets.h"

namespace lyn::client {

namespace {

Error not_proven(const std::string& why) {
  return Error{"PermissionError", "the server did not prove its identity: " + why, 403};
}

// The Unix-socket half: the kernel's word on who listens.
Status check_peer_credentials(const Peer& peer, const ops::ServerRecord& record) {
  if (peer.uid != static_cast<long>(::geteuid()))
    return not_proven("its socket belongs to uid " + std::to_string(peer.uid));
  if (peer.pid >= 0 && peer.pid != static_cast<long>(record.pid))
    return not_proven("its socket belongs to pid " + std::to_string(peer.pid) + ", not " +
                      std::to_string(record.pid));
  return Ok{};
}

// The challenge half: one request whose answer must carry the proof.
// *status gets the answer's HTTP status (0 if none came).
Status challenge(HttpClient& client, const ops::ServerRecord& record, int* status) {
  *status = 0;
  auto nonce = random_hex(16);
  if (!nonce.ok()) return nonce.error();
  HeaderList headers{{"X-Lynguine-Challenge", *nonce}};
  // Our end of the connection, taken before the request (a connection that
  // is not kept alive is closed by the time the answer is read).
  if (auto st = client.open(); !st.ok()) return st;
  std::string local = client.peer().local;
  auto answer = client.request("GET", "/api/health", {}, headers);
  if (!answer.ok()) return answer.error();
  *status = answer->status;
  std::string expected = server::identity_proof(record.nonce, *nonce, local);
  std::string proof = answer->header("X-Lynguine-Proof");
  if (proof.empty()) return not_proven("its answer carries no proof");
  if (expected.empty() || !server::constant_time_equals(proof, expected))
    return not_proven("its proof does not match the record's nonce");
  return Ok{};
}

Status prove(HttpClient& client, const ops::ServerRecord& record, int* status) {
  *status = 0;
  if (!record.socket.empty()) {
    Peer peer = client.peer();
    if (auto st = check_peer_credentials(peer, record); !st.ok()) return st;
    if (peer.pid >= 0) return Ok{};  // the kernel named the pid: enough
  }
  return challenge(client, record, status);
}

}  // namespace

const char* ServerCheck::name() const {
  switch (verdict) {
    case kStale:
      return "stale";
    case kProven:
      return "proven";
    case kSilent:
      return "silent";
    case kUnproven:
      return "unproven";
  }
  return "?";
}

ServerEndpoint endpoint_for(const ops::ServerRecord& record, const std::string& ca_file) {
  ServerEndpoint e;
  if (!record.socket.empty()) {
    e.host = "localhost";
    e.options.unix_socket = record.socket;
  } else {
    e.host = record.host;
    if (e.host.empty() || e.host == "0.0.0.0") e.host = "127.0.0.1";
    if (e.host == "::" || e.host == "[::]") e.host = "::1";
    e.port = record.port;
    e.options.tls = record.tls;
    e.options.ca_file = ca_file;
  }
  e.options.on_connect = [record](HttpClient& client) { return prove_connection(client, record); };
  return e;
}

Status prove_connection(HttpClient& client, const ops::ServerRecord& record) {
  int status = 0;
  return prove(client, record, &status);
}

bool socket_abandoned(const ops::ServerRecord& record) {
  // Where the system cannot tell an exited, unreaped process from a running
  // one (core/platform.h's generic fallback), kill(pid, 0) proves little; a
  // Unix socket that nobody listens on says the recorded server has gone.
  return !record.socket.empty() &&
         platform::process_state(record.pid) == platform::ProcessState::kUnknown &&
         ops::nobody_listens(record.socket);
}

ServerCheck check_server(const ops::ServerRecord& record, std::chrono::milliseconds timeout) {
  ServerCheck c;
  if (!ops::same_process(record.pid, record.process_start)) {
    c.verdict = ServerCheck::kStale;
    c.detail = "pid " + std::to_string(record.pid) +
               (ops::pid_alive(record.pid) ? " now names another process" : " has exited");
    return c;
  }
  if (socket_abandoned(record)) {
    c.verdict = ServerCheck::kStale;
    c.detail = "pid " + std::to_string(record.pid) + " no longer listens on " + record.socket;
    return c;
  }
  ServerEndpoint e = endpoint_for(record, record.tls_cert);
  e.options.on_connect = nullptr;  // proved below, once
  e.options.keep_alive = false;
  e.options.connect_timeout = timeout;
  e.options.request_timeout = timeout;
  HttpClient client(e.host, e.port, e.options);
  // On a Unix socket the kernel's credentials settle it as soon as we are
  // connected (no request waits behind a busy server's); on TCP the
  // challenge is the probe.
  Status proven = client.open();
  if (proven.ok()) proven = prove(client, record, &c.status);
  if (proven.ok()) {
    c.verdict = ServerCheck::kProven;
  } else if (proven.error().type == "PermissionError") {
    c.verdict = ServerCheck::kUnproven;
    c.detail = proven.error().message;
  } else {
    c.verdict = ServerCheck::kSilent;  // the recorded process lives; no answer
    c.detail = proven.error().message;
  }
  return c;
}

bool may_signal(const ops::ServerRecord& record, const ServerCheck& check) {
  if (!ops::same_process(record.pid, record.process_start)) return false;
  if (check.verdict == ServerCheck::kProven) return true;
  return ops::runs_our_executable(record.pid);
}

}  // namespace lyn::client
