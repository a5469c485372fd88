// Server records: every lynguine server (daemon or foreground, TCP or Unix
// socket, TLS or not, any auth) records itself in the state directory
// (ops/state_dir.h) as `server-<pid>.json`, mode 0600, written atomically,
// and removes the record when it exits. The record is what clients need to
// find a server, prove it is the one that wrote the record (the secret
// nonce; client/server_check.h) and use it (the token), and what `serve
// --list/--status/--stop` show and act on. docs/guide.md ("Finding the
// server") describes the format for clients in other languages.
//
// Thread safety: free functions with no shared state in memory (the file
// system is the shared state); any thread.
#ifndef LYNGUINE_OPS_STATE_FILE_H_
#define LYNGUINE_OPS_STATE_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/value.h"
#include "ops/state_dir.h"

#ifndef LYNGUINE_VERSION
#define LYNGUINE_VERSION "dev"
#endif

namespace lyn::ops {

struct ServerRecord {
  pid_t pid = 0;
  std::uint64_t process_start = 0;  // ops::process_start_time(pid) when recorded
  std::string socket;               // a Unix socket's path; empty on TCP
  std::string host;                 // TCP: the address bound
  unsigned short port = 0;          // TCP: the port bound
  bool tls = false;
  std::string tls_cert;  // TLS: the certificate file, which local clients trust
  std::string auth;      // "socket" (the kernel's), "token", "api-keys" or "none"
  std::string token;     // auth "token": the secret our clients send
  std::string nonce;     // the server's secret for proofs of identity (hex)
  std::string version;
  std::string root;
  double started_at = 0;  // unix seconds

  // "unix:<socket>", or "http[s]://host:port" (IPv6 in brackets, 0.0.0.0
  // and :: as the loopback address a client would use).
  std::string url() const;
};

// The record as JSON (keys sorted, indented by 2).
Value record_to_value(const ServerRecord& record);
std::string record_to_json(const ServerRecord& record);
// A ValueError ("malformed server record: ...") unless `text` holds a pid > 0,
// a nonce, and a Unix socket or a port in 1..65535.
Result<ServerRecord> record_from_json(std::string_view text);

// "server-<pid>.json".
std::string record_name(pid_t pid);

// Writes dir/server-<pid>.json atomically, mode 0600 (core/fs).
Status write_record(const StateDir& dir, const ServerRecord& record);
// The record of `pid`: a FileNotFoundError if there is none, a ValueError if
// malformed (a symlink there is an OSError: never followed).
Result<ServerRecord> read_record(const StateDir& dir, pid_t pid);
// Every well-formed record, in pid order; malformed ones are skipped.
std::vector<ServerRecord> list_records(const StateDir& dir);
// Removes the record of `record.pid` if it is still the one given (same
// nonce): a new server that reused the pid keeps its own. True if gone.
bool remove_record(const StateDir& dir, const ServerRecord& record);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STATE_FILE_H_
