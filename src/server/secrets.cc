#include "server/secrets.h"

#include <openssl/crypto.h>
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

std::optional<std::string> random_token(std::size_t bytes, std::string* err) {
  auto token = random_hex(bytes);
  if (!token.ok()) {
    if (err) *err = token.error().message;
    return std::nullopt;
  }
  return std::move(token).value();
}

std::optional<std::string> read_secret_file(const std::string& path, std::string* err) {
  auto text = read_file(path, {}, std::size_t{64} << 10);
  if (!text.ok()) {
    if (err) *err = "cannot read " + path + ": " + text.error().message;
    return std::nullopt;
  }
  std::string line = text->substr(0, text->find('\n'));
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!line.empty() && ws(line.back())) line.pop_back();
  std::size_t i = 0;
  while (i < line.size() && ws(line[i])) ++i;
  line.erase(0, i);
  if (line.empty()) {
    if (err) *err = path + " is empty";
    return std::nullopt;
  }
  return line;
}

bool write_secret_file(const std::string& path, std::string_view secret, std::string* err) {
  auto written = write_file_atomic(path, std::string(secret) + "\n", {}, kPrivateFile);
  if (!written.ok()) {
    if (err) *err = "cannot write " + path + ": " + written.error().message;
    return false;
  }
  return true;
}

}  // namespace lyn::server
