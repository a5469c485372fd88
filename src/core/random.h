// The secure random source: session ids, tokens, API keys and temporary
// file names all come from here. Bytes come from the kernel's CSPRNG
// (getrandom(2) on Linux, getentropy(3) elsewhere: core/platform.h), else from OpenSSL's RAND_bytes
// (its own seeded DRBG), never from a predictable generator such as
// std::mt19937.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_RANDOM_H_
#define LYNGUINE_CORE_RANDOM_H_

#include <cstddef>
#include <string>

#include "core/status.h"

namespace lyn {

// Fills `buf` with `n` random bytes. Fails only when neither source works.
Status random_bytes(void* buf, size_t n);

// `bytes` random bytes as lowercase hex (2 * bytes characters).
Result<std::string> random_hex(size_t bytes);

// A random (version 4) UUID in its canonical 36-character form.
Result<std::string> random_uuid();

}  // namespace lyn

#endif  // LYNGUINE_CORE_RANDOM_H_
