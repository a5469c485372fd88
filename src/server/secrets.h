// Secrets: the small primitives behind lynguine's local token, API keys and
// a server's proof of identity -- random tokens (core/random), a
// constant-time comparison, SHA-256, HMAC-SHA256, and
// reading/writing a secret file with mode 0600.
//
// Thread safety: free functions with no shared state; safe from any thread.
#ifndef LYNGUINE_SERVER_SECRETS_H_
#define LYNGUINE_SERVER_SECRETS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lyn::server {

// True iff a == b. The time taken depends only on the lengths, never on where
// the first difference lies (CRYPTO_memcmp over SHA-256 digests).
bool constant_time_equals(std::string_view a, std::string_view b);

// The raw 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

// `bytes` random bytes (core/random) as lowercase hex (2*bytes chars); an
// error only if no secure random source works.
Result<std::string> random_token(std::size_t bytes = 32);

// The first line of `path`, surrounding whitespace removed; an OSError if
// unreadable, a ValueError if empty.
Result<std::string> read_secret_file(const std::string& path);

// Writes `secret` + "\n" to `path` with mode 0600 (created or replaced
// atomically via a temp file and rename); an OSError on failure.
Status write_secret_file(const std::string& path, std::string_view secret);

// The raw 32-byte HMAC-SHA256 of `message` under `key` (OpenSSL).
std::string hmac_sha256(std::string_view key, std::string_view message);

// A server's proof of identity (docs/guide.md, "Finding the server"): the
// lowercase hex HMAC-SHA256, keyed with the secret nonce recorded in the
// server's state file, of
//     "lynguine-identity-v1\n" + challenge + "\n" + peer
// where `challenge` is what the client sent in X-Lynguine-Challenge and
// `peer` is the client's end of the connection as the server sees it
// ("ip:port", or "unix"): a proof relayed from another connection does not
// match. Empty if `challenge` is not 16..128 characters of [0-9a-zA-Z].
std::string identity_proof(std::string_view nonce, std::string_view challenge,
                           std::string_view peer);

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_SECRETS_H_
