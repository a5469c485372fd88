// Secrets: the small primitives behind lynguine's local token and API keys --
// random tokens (core/random), a constant-time comparison, SHA-256, and
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

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_SECRETS_H_
