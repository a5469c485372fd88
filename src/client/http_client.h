// HttpClient: a minimal blocking HTTP/1.1 client on raw POSIX sockets, for the
// CLI's server mode and the lifecycle's health checks. No Boost, no
// threads, no allocation beyond the strings it returns: a request to a local
// server costs one connect() and a couple of syscalls. It speaks TCP (host and
// port), TLS over TCP, or a Unix domain socket (ClientOptions::unix_socket:
// the per-user server's, whose credentials the kernel reports: peer()).
//
// It sends one request at a time and reads status, headers and body (with
// Content-Length, chunked, or read-until-close framing). TCP_NODELAY is set on
// every connection. If the server keeps the connection alive it is reused by
// the next request on the same HttpClient; a reused connection the server has
// meanwhile closed is retried once on a fresh one.
//
// Threads: an HttpClient is not thread-safe; use one per thread. The free
// function http_request() is safe to call from any thread.
#ifndef LYNGUINE_CLIENT_HTTP_CLIENT_H_
#define LYNGUINE_CLIENT_HTTP_CLIENT_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lyn::client {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;
  std::string body;
  HeaderList headers;  // as received, in order

  // First header named `name` (case-insensitive), or "" if none.
  std::string header(std::string_view name) const;
};

class HttpClient;

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  // Deadline for one whole request (send + wait + read).
  std::chrono::milliseconds request_timeout{60000};
  bool keep_alive = true;  // ask the server to keep the connection open
  // Security ("safe to leave running"): https via OpenSSL (see tls.h). The
  // server's certificate is checked against ca_file, or the system store
  // when ca_file is empty, and must name `host`.
  bool tls = false;
  std::string ca_file;
  // Connect to this Unix domain socket instead of host:port (the Host header
  // then says "localhost"). Not with tls.
  std::string unix_socket;
  // Run on every new connection before the request that opened it is sent
  // (after the TLS handshake); it may send requests of its own on the
  // connection. An error closes the connection and is the request's answer.
  // The identity check (client/server_check.h) proves a server here before
  // a token is sent on the connection.
  std::function<Status(HttpClient&)> on_connect;
};

class TlsConnection;

// Who is at the other end of a connection, as the kernel says.
struct Peer {
  // Unix sockets (platform::peer_credentials): the server's uid, and its pid
  // where the platform tells it (Linux, macOS); -1 if unknown or not a Unix socket.
  long pid = -1;
  long uid = -1;
  // TCP: our own end, "ip:port" as the server sees it (IPv4-mapped IPv6
  // addresses shown as IPv4); "unix" on a Unix socket.
  std::string local;
};

class HttpClient {
 public:
  // `host` is an IPv4/IPv6 literal, "localhost" (taken as 127.0.0.1) or a name
  // resolved with getaddrinfo. Nothing is connected until the first request.
  HttpClient(std::string host, unsigned short port, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `method path` with `body` (Content-Length always sent for non-empty
  // bodies and for POST/PUT/PATCH; Content-Type defaults to application/json
  // when there is a body) plus `headers`. Returns the response, or why there
  // is none: an OSError (cannot connect), a TimeoutError, or a
  // ConnectionError (closed early, a malformed response, a TLS failure).
  Result<HttpResult> request(std::string_view method, std::string_view path,
                             std::string_view body = {}, const HeaderList& headers = {});

  // Opens a connection now unless one is open (on_connect runs). The errors
  // of request().
  Status open();

  // Closes the kept-alive connection, if any.
  void close();

  // The current connection's peer (all unknown when none is open).
  Peer peer() const;

 private:
  Status connect_socket();
  Status run_on_connect();
  Result<HttpResult> attempt(const std::string& wire, bool head, bool* retryable);

  std::string host_;
  unsigned short port_;
  ClientOptions options_;
  int fd_ = -1;
  std::unique_ptr<TlsConnection> tls_;  // set while an https connection is open
  bool in_on_connect_ = false;          // no reconnect while on_connect runs
};

// One request on a fresh connection (closed afterwards).
Result<HttpResult> http_request(const std::string& host, unsigned short port,
                                std::string_view method, std::string_view path,
                                std::string_view body = {}, const HeaderList& headers = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace lyn::client

#endif  // LYNGUINE_CLIENT_HTTP_CLIENT_H_
