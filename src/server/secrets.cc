#include "server/secrets.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/fs.h"
#include "core/random.h"

namespace lyn::server {

std::string sha256(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Hashing first makes both sides the same length, so neither the position
  // of the first difference nor the secret's length leaks through timing.
  std::string da = sha256(a), db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

Result<std::string> random_token(std::size_t bytes) {
  return random_hex(bytes);
}

Result<std::string> read_secret_file(const std::string& path) {
  auto text = read_file(path, {}, std::size_t{64} << 10);
  if (!text.ok()) return Error{"OSError", "cannot read " + path + ": " + text.error().message, 500};
  std::string line = text->substr(0, text->find('\n'));
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!line.empty() && ws(line.back())) line.pop_back();
  std::size_t i = 0;
  while (i < line.size() && ws(line[i])) ++i;
  line.erase(0, i);
  if (line.empty()) return Error::value(path + " is empty");
  return line;
}

Status write_secret_file(const std::string& path, std::string_view secret) {
  auto written = write_file_atomic(path, std::string(secret) + "\n", {}, kPrivateFile);
  if (!written.ok())
    return Error{"OSError", "cannot write " + path + ": " + written.error().message, 500};
  return Ok{};
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string identity_proof(std::string_view nonce, std::string_view challenge,
                           std::string_view peer) {
  if (challenge.size() < 16 || challenge.size() > 128) return {};
  for (char c : challenge)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return {};
  std::string message = "lynguine-identity-v1\n";
  message.append(challenge).append("\n").append(peer);
  std::string mac = hmac_sha256(nonce, message);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(mac.size() * 2);
  for (unsigned char c : mac) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace lyn::server
