#include "core/base64.h"

namespace lyn {

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for an alphabet character, 64 otherwise.
unsigned char sextet(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return 64;
}

}  // namespace

std::string base64_encode(std::string_view data, bool url_safe) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  auto put = [&](unsigned v) {
    char c = kAlphabet[v & 63];
    if (url_safe && c == '+') c = '-';
    if (url_safe && c == '/') c = '_';
    out += c;
  };
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(data[k])); };
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    put(v >> 18);
    put(v >> 12);
    put(v >> 6);
    put(v);
  }
  if (i + 1 == data.size()) {
    unsigned v = byte(i) << 16;
    put(v >> 18);
    put(v >> 12);
    out += "==";
  } else if (i + 2 == data.size()) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    put(v >> 18);
    put(v >> 12);
    put(v >> 6);
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode_lenient(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  int quad_pos = 0, pads = 0;
  unsigned left = 0;
  for (unsigned char c : text) {
    if (c == '=') {
      // Padding counts only after two data characters of a quad; once the
      // quad is complete, the rest of the input is ignored.
      if (quad_pos >= 2 && quad_pos + ++pads >= 4) return out;
      continue;
    }
    unsigned char v = sextet(c);
    if (v >= 64) continue;
    pads = 0;
    switch (quad_pos) {
      case 0:
        left = v;
        quad_pos = 1;
        break;
      case 1:
        out += static_cast<char>((left << 2) | (v >> 4));
        left = v & 0x0f;
        quad_pos = 2;
        break;
      case 2:
        out += static_cast<char>((left << 4) | (v >> 2));
        left = v & 0x03;
        quad_pos = 3;
        break;
      default:
        out += static_cast<char>((left << 6) | v);
        quad_pos = 0;
        break;
    }
  }
  if (quad_pos == 1)
    return Error{"binascii.Error",
                 "Invalid base64-encoded string: number of data characters (" +
                     std::to_string(out.size() / 3 * 4 + 1) +
                     ") cannot be 1 more than a multiple of 4",
                 400};
  if (quad_pos != 0) return Error{"binascii.Error", "Incorrect padding", 400};
  return out;
}

}  // namespace lyn
