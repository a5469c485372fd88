#include "core/random.h"

#include <errno.h>
#include <openssl/rand.h>

#include <climits>

#include "core/platform.h"

namespace lyn {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, const unsigned char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
}

}  // namespace

Status random_bytes(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  size_t got = 0;
  if (platform::kernel_random(p, n)) got = n;  // else OpenSSL below
  while (got < n) {
    int chunk = n - got > INT_MAX ? INT_MAX : static_cast<int>(n - got);
    if (RAND_bytes(p + got, chunk) != 1)
      return Error::internal("no secure random source (the kernel's and RAND_bytes both failed)");
    got += static_cast<size_t>(chunk);
  }
  return Ok{};
}

Result<std::string> random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (auto s = random_bytes(raw.data(), raw.size()); !s.ok()) return s.error();
  std::string out;
  out.reserve(bytes * 2);
  append_hex(out, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  return out;
}

Result<std::string> random_uuid() {
  unsigned char b[16];
  if (auto s = random_bytes(b, sizeof b); !s.ok()) return s.error();
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    append_hex(out, b + i, 1);
  }
  return out;
}

}  // namespace lyn
