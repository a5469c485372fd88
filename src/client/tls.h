// TLS for lynguine's raw-socket HTTP client (src/client/http_client.cc): an
// OpenSSL 3 client connection over a connected non-blocking socket. The peer
// certificate is verified against a CA file (--ca-file) or, without one, the
// system store, and must name the host we connected to (DNS name or IP
// address). TLS 1.2 is the minimum. (The server side of TLS lives in
// http_server.cc: Boost.Asio's ssl::stream under Beast.)
//
// Thread safety: a TlsConnection is used by one thread at a time (like the
// HttpClient that owns it). Different connections are independent.
#ifndef LYNGUINE_CLIENT_TLS_H_
#define LYNGUINE_CLIENT_TLS_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"

namespace lyn::client {

class TlsConnection {
 public:
  using Clock = std::chrono::steady_clock;
  // Result codes of read()/write() besides a byte count (> 0).
  static constexpr long kEof = 0;
  static constexpr long kError = -1;
  static constexpr long kWantRead = -2;
  static constexpr long kWantWrite = -3;

  // Runs the handshake on `fd` (connected, non-blocking; not owned) until
  // `deadline`. An SSLError (including a failed verification) or a
  // TimeoutError on failure.
  static Result<std::unique_ptr<TlsConnection>> connect(int fd, const std::string& host,
                                                        const std::string& ca_file,
                                                        Clock::time_point deadline);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // Bytes read/written (> 0), kEof, kError (then error() says why),
  // kWantRead or kWantWrite (poll the socket and call again).
  long read(char* buf, std::size_t n);
  long write(const char* buf, std::size_t n);
  const std::string& error() const { return error_; }

 private:
  TlsConnection() = default;
  long result(int r);
  void* ctx_ = nullptr;  // SSL_CTX*
  void* ssl_ = nullptr;  // SSL*
  std::string error_;
};

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_TLS_H_
