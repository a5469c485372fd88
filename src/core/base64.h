// Base64 (RFC 4648) as Python's base64 module has it: the encoder of
// b64encode / urlsafe_b64encode, and the decoder of base64.decodebytes
// (binascii.a2b_base64, not strict): characters outside the alphabet are
// skipped, decoding stops at complete padding, and a bad length is
// binascii.Error's "Incorrect padding" or "number of data characters".
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_BASE64_H_
#define LYNGUINE_CORE_BASE64_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace lyn {

// Padded; `-` and `_` for `+` and `/` when url_safe.
std::string base64_encode(std::string_view data, bool url_safe = false);

// Error type "binascii.Error" with Python's message.
Result<std::string> base64_decode_lenient(std::string_view text);

}  // namespace lyn

#endif  // LYNGUINE_CORE_BASE64_H_
