// HttpServer: the HTTP/1.x transport of lynguine's server mode (CIP-0008).
// It knows nothing about endpoints or data formats: every complete request is
// handed to one Handler, whose HttpResponse is sent back. Built on
// Boost.Beast/Asio with a small pool of threads running one io_context.
//
// What the transport does on its own:
//  - keep-alive for HTTP/1.1 (unless "Connection: close") and HTTP/1.0 (only
//    with "Connection: keep-alive"); pipelined requests are answered in order;
//  - TCP_NODELAY on every accepted socket;
//  - limits: a body over max_body is answered 413, headers over max_header 431,
//    a malformed request 400, a connection over max_connections 503, each with
//    lynguine's JSON error shape {"status":"error","error_type",..,
//    "error_message":..} and "Connection: close";
//  - requests in flight over max_concurrent are answered 429;
//  - optional TLS (enable_tls): Boost.Asio ssl::stream under Beast; a client
//    that does not complete the handshake in request_timeout is dropped;
//  - a read deadline per request (request_timeout, from its first byte until
//    it is fully read; also the idle time allowed between keep-alive
//    requests): a slow or silent client is disconnected;
//  - "Expect: 100-continue" is answered before the body is read;
//  - an exception escaping the handler becomes a 500 JSON error;
//  - every response carries Content-Type, Content-Length, "Server-Timing:
//    total;dur=<ms>" (time spent in the handler) and "X-Lynguine-Pid: <pid>"
//    (used by the lifecycle to recognise its own server).
//
// Threads: construct, set_handler() and listen() from one thread before run().
// run() blocks the calling thread (plus threads-1 helpers) until the server is
// stopped. stop_accepting(), shutdown_gracefully(), stop(), port(),
// last_activity() and in_flight() may be called from any thread, including
// from inside the handler or a signal handler running on context(). The
// handler itself is called concurrently from the pool's threads and must be
// thread-safe.
#ifndef LYNGUINE_SERVER_HTTP_SERVER_H_
#define LYNGUINE_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace boost::asio {
class io_context;
}

namespace lyn::server {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // request target as sent (query string included)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  unsigned version = 11;                                     // 10 or 11
  std::string remote;                                        // "ip:port"

  // First header named `name` (case-insensitive), or "" if none.
  std::string header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. Content-Length, Connection and Transfer-Encoding are the
  // server's and are dropped if given here; a Server-Timing given here is sent
  // next to the server's own "total" one.
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerLimits {
  std::size_t max_body = std::size_t{64} << 20;
  std::size_t max_header = std::size_t{16} << 10;
  std::chrono::milliseconds request_timeout{30000};
  std::size_t max_connections = 1024;
  // Requests in flight (being read, handled or answered) beyond this many are
  // answered 429 TooManyRequests ("safe to leave running"). 0: no cap.
  std::size_t max_concurrent = 64;
  // After shutdown_gracefully(), requests in flight get this long to finish.
  std::chrono::milliseconds drain_timeout{30000};
};

// lynguine's JSON error body: {"status":"error","error_type":T,"error_message":M}.
std::string json_error_body(std::string_view error_type, std::string_view message);

class HttpServer {
 public:
  explicit HttpServer(Handler handler, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Replaces the handler; call before run().
  void set_handler(Handler handler);

  // Binds and listens on host:port ("127.0.0.1", "::1", "0.0.0.0",
  // "localhost" or a resolvable name). Port 0 picks a free port; see port().
  // An OSError says why it cannot.
  Status listen(const std::string& host, unsigned short port);

  // Instead of listen(): serves on `fd`, a TCP socket already bound and
  // listening (systemd socket activation hands one over as fd 3). Takes
  // ownership of fd. An OSError says why it cannot.
  Status adopt(int fd);

  // Serves https: every accepted connection does a TLS handshake (OpenSSL,
  // TLS 1.2+) with this PEM certificate chain and private key before HTTP.
  // Call before run(). An SSLError if the files cannot be loaded.
  Status enable_tls(const std::string& cert_file, const std::string& key_file);

  // The bound port (0 before a successful listen()).
  unsigned short port() const;

  // Serves on `threads` threads (the caller's included) until stop() or the
  // end of shutdown_gracefully(). Returns at once if listen() did not succeed.
  void run(int threads = 2);

  // Closes the listening socket; connections already open are still served.
  void stop_accepting();

  // Stops accepting, lets requests in flight finish (up to drain_timeout),
  // closes idle keep-alive connections, then makes run() return.
  void shutdown_gracefully();

  // Makes run() return at once; open connections are dropped.
  void stop();

  // When the last request started or finished (construction time if none).
  std::chrono::steady_clock::time_point last_activity() const;

  // Requests currently being read, handled or answered.
  std::size_t in_flight() const;

  // Connections currently open.
  std::size_t connections() const;

  // The io_context run() runs, for timers and signal sets of the owner.
  boost::asio::io_context& context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_HTTP_SERVER_H_
