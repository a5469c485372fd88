// (Over 500 lines: TCP, TLS and Unix-socket connections share one request and answer reader.)
#include "client/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "client/tls.h"
#include "core/case.h"
#include "core/platform.h"

namespace lyn::client {

namespace {

using Clock = std::chrono::steady_clock;

bool icontains_token(std::string_view value, std::string_view token) {
  // Comma-separated list, e.g. "keep-alive, Upgrade".
  std::size_t i = 0;
  while (i <= value.size()) {
    std::size_t j = value.find(',', i);
    if (j == std::string_view::npos) j = value.size();
    std::string_view part = value.substr(i, j - i);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (ascii_iequals(part, token)) return true;
    i = j + 1;
  }
  return false;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

// Waits for `events` on fd until deadline. Returns 1 ready, 0 timeout, -1 error.
int wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int ms = remaining_ms(deadline);
    int r = ::poll(&p, 1, ms);
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (errno != EINTR) return -1;
  }
}

Error timeout(std::string what) {
  return Error{"TimeoutError", std::move(what), 504};
}

Error connection_error(std::string what) {
  return Error{"ConnectionError", std::move(what), 502};
}

Result<int> connect_addr(const sockaddr* addr, socklen_t len, Clock::time_point deadline) {
  int fd = platform::socket_cloexec(addr->sa_family, SOCK_STREAM, 0, /*nonblocking=*/true);
  if (fd < 0) return Error::os("socket");
  int one = 1;
  if (addr->sa_family != AF_UNIX) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int r;
  do {
    r = ::connect(fd, addr, len);
  } while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) {
    Error e = Error::os("connect");
    ::close(fd);
    return e;
  }
  if (r < 0) {
    int w = wait_fd(fd, POLLOUT, deadline);
    if (w <= 0) {
      Error e = w == 0 ? timeout("connect: timed out") : Error::os("poll");
      ::close(fd);
      return e;
    }
    int so = 0;
    socklen_t sl = sizeof so;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
    if (so != 0) {
      ::close(fd);
      return Error::os("connect", so);
    }
  }
  return fd;
}

// Reads more bytes into buf (through `tls` when given): the count (> 0), 0 on
// EOF, or why not (a TimeoutError, or ConnectionResetError when the server
// reset the connection).
Result<long> read_more(int fd, TlsConnection* tls, std::string& buf, Clock::time_point deadline) {
  char tmp[16384];
  for (;;) {
    short wait_for = POLLIN;
    if (tls) {  // https
      long n = tls->read(tmp, sizeof tmp);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        return n;
      }
      if (n == TlsConnection::kEof) return 0;
      if (n == TlsConnection::kError) return connection_error(tls->error());
      if (n == TlsConnection::kWantWrite) wait_for = POLLOUT;
    } else {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        return n;
      }
      if (n == 0) return 0;
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) return Error{"ConnectionResetError", Error::os("recv").message, 502};
      if (errno != EAGAIN && errno != EWOULDBLOCK) return Error::os("recv");
    }
    int w = wait_fd(fd, wait_for, deadline);
    if (w == 0) return timeout("timed out waiting for the server's response");
    if (w < 0) return Error::os("poll");
  }
}

Status send_all(int fd, TlsConnection* tls, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    if (tls) {  // https
      long n = tls->write(data.data(), data.size());
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n == TlsConnection::kWantRead || n == TlsConnection::kWantWrite) {
        int w = wait_fd(fd, n == TlsConnection::kWantRead ? POLLIN : POLLOUT, deadline);
        if (w > 0) continue;
        return w == 0 ? timeout("timed out sending the request") : Error::os("poll");
      }
      return connection_error(n == TlsConnection::kEof ? "connection closed by the server"
                                                       : tls->error());
    }
    ssize_t n = platform::send_nosignal(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int w = wait_fd(fd, POLLOUT, deadline);
      if (w == 0) return timeout("timed out sending the request");
      if (w > 0) continue;
    }
    return Error::os("send");
  }
  return Ok{};
}

bool parse_size(std::string_view s, int base, std::size_t* out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  std::size_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    if (v > (SIZE_MAX - static_cast<std::size_t>(d)) / static_cast<std::size_t>(base)) return false;
    v = v * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
  }
  *out = v;
  return true;
}

// "ip:port" of a socket address; IPv4-mapped IPv6 shown as IPv4 (as the
// server's transport shows its peers).
std::string endpoint_text(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (a.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (a.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    std::string ip = text;
    if (ip.rfind("::ffff:", 0) == 0 && ip.find('.') != std::string::npos) ip = ip.substr(7);
    return ip + ":" + std::to_string(ntohs(v6->sin6_port));
  }
  return "unix";
}

}  // namespace

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_iequals(k, name)) return v;
  return {};
}

HttpClient::HttpClient(std::string host, unsigned short port, ClientOptions options)
    : host_(std::move(host)), port_(port), options_(options) {}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status HttpClient::open() {
  if (fd_ >= 0) return Ok{};
  return connect_socket();
}

Peer HttpClient::peer() const {
  Peer p;
  if (fd_ < 0) return p;
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) != 0) return p;
  p.local = endpoint_text(local);
  if (local.ss_family != AF_UNIX) return p;
  platform::PeerCredentials cred = platform::peer_credentials(fd_);
  p.pid = cred.pid;
  p.uid = cred.uid;
  return p;
}

Status HttpClient::connect_socket() {
  close();
  auto deadline = Clock::now() + options_.connect_timeout;
  if (!options_.unix_socket.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string& path = options_.unix_socket;
    if (path.size() >= sizeof addr.sun_path)
      return Error{"OSError", "Unix socket path too long: " + path, 500};
    std::memcpy(addr.sun_path, path.data(), path.size());
    auto fd = connect_addr(reinterpret_cast<sockaddr*>(&addr), sizeof addr, deadline);
    if (!fd.ok())
      return Error{fd.error().type, "cannot connect to " + path + ": " + fd.error().message,
                   fd.error().http_status};
    fd_ = *fd;
    return run_on_connect();
  }
  std::string h = host_.empty() || host_ == "localhost" ? "127.0.0.1" : host_;
  if (h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::") h = "::1";
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  Result<int> fd = Error::os("connect", ENOTCONN);
  if (::inet_pton(AF_INET, h.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port_);
    fd = connect_addr(reinterpret_cast<sockaddr*>(&v4), sizeof v4, deadline);
  } else if (::inet_pton(AF_INET6, h.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port_);
    fd = connect_addr(reinterpret_cast<sockaddr*>(&v6), sizeof v6, deadline);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port_);
    int rc = ::getaddrinfo(h.c_str(), service.c_str(), &hints, &res);
    if (rc != 0) return Error{"OSError", "cannot resolve " + h + ": " + ::gai_strerror(rc), 500};
    for (addrinfo* ai = res; ai && !fd.ok(); ai = ai->ai_next)
      fd = connect_addr(ai->ai_addr, ai->ai_addrlen, deadline);
    ::freeaddrinfo(res);
  }
  if (!fd.ok())
    return Error{
        fd.error().type,
        "cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + fd.error().message,
        fd.error().http_status};
  fd_ = *fd;
  // https: the TLS handshake (certificate and host name checked) on the socket.
  if (options_.tls) {
    auto tls = TlsConnection::connect(fd_, host_.empty() ? std::string("127.0.0.1") : host_,
                                      options_.ca_file, deadline);
    if (!tls.ok()) {
      close();
      return Error{tls.error().type,
                   "https://" + host_ + ":" + std::to_string(port_) + ": " + tls.error().message,
                   tls.error().http_status};
    }
    tls_ = std::move(tls).value();
  }
  return run_on_connect();
}

Status HttpClient::run_on_connect() {
  if (!options_.on_connect) return Ok{};
  in_on_connect_ = true;
  Status st = options_.on_connect(*this);
  in_on_connect_ = false;
  if (!st.ok()) close();
  return st;
}

Result<HttpResult> HttpClient::request(std::string_view method, std::string_view path,
                                       std::string_view body, const HeaderList& headers) {
  std::string wire;
  wire.reserve(256 + body.size());
  wire.append(method).append(" ").append(path.empty() ? std::string_view("/") : path);
  wire += " HTTP/1.1\r\nHost: ";
  if (!options_.unix_socket.empty()) {
    wire += "localhost";
  } else {
    bool v6 = host_.find(':') != std::string::npos && host_.front() != '[';
    if (v6) wire += '[';
    wire += host_;
    if (v6) wire += ']';
    wire += ':';
    wire += std::to_string(port_);
  }
  wire += "\r\n";
  bool has_type = false, has_accept = false, has_agent = false;
  for (const auto& [k, v] : headers) {
    if (ascii_iequals(k, "Content-Length") || ascii_iequals(k, "Connection") ||
        ascii_iequals(k, "Host"))
      continue;
    has_type |= ascii_iequals(k, "Content-Type");
    has_accept |= ascii_iequals(k, "Accept");
    has_agent |= ascii_iequals(k, "User-Agent");
    wire.append(k).append(": ").append(v).append("\r\n");
  }
  if (!has_agent) wire += "User-Agent: lynguine-client\r\n";
  if (!has_accept) wire += "Accept: application/json\r\n";
  bool needs_length = !body.empty() || ascii_iequals(method, "POST") ||
                      ascii_iequals(method, "PUT") || ascii_iequals(method, "PATCH");
  if (!body.empty() && !has_type) wire += "Content-Type: application/json\r\n";
  if (needs_length) wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  wire += options_.keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  wire.append(body);

  bool head = ascii_iequals(method, "HEAD");
  bool reused = fd_ >= 0;
  if (!reused)
    if (auto st = connect_socket(); !st.ok()) return st.error();
  bool retryable = false;
  auto result = attempt(wire, head, &retryable);
  // A kept-alive connection the server closed meanwhile: once more on a new
  // one (never from inside on_connect, whose connection is the point).
  if (!result.ok() && reused && retryable && !in_on_connect_) {
    if (auto st = connect_socket(); !st.ok()) return st.error();
    result = attempt(wire, head, &retryable);
  }
  return result;
}

Result<HttpResult> HttpClient::attempt(const std::string& wire, bool head, bool* retryable) {
  auto deadline = Clock::now() + options_.request_timeout;
  *retryable = false;
  if (auto st = send_all(fd_, tls_.get(), wire, deadline); !st.ok()) {
    *retryable = true;
    close();
    return st.error();
  }
  std::string buf;
  std::size_t pos = 0;  // start of the current response in buf
  auto fail = [&](Error e) -> Result<HttpResult> {
    close();
    return e;
  };
  // A read that ended the response early: EOF (`eof_message`) or an error.
  auto fail_read = [&](const Result<long>& n, const char* eof_message) -> Result<HttpResult> {
    return fail(n.ok() ? connection_error(eof_message) : n.error());
  };
  for (;;) {
    // Read the head.
    std::size_t end;
    while ((end = buf.find("\r\n\r\n", pos)) == std::string::npos) {
      if (buf.size() - pos > (std::size_t{1} << 20))
        return fail(connection_error("response headers too large"));
      auto n = read_more(fd_, tls_.get(), buf, deadline);
      if (n.ok() && *n == 0) {
        if (buf.size() == pos) *retryable = true;
        return fail_read(n, "connection closed by the server before a complete response");
      }
      if (!n.ok()) {
        if (buf.size() == pos && n.error().type == "ConnectionResetError") *retryable = true;
        return fail(n.error());
      }
    }
    std::string_view headtext(buf.data() + pos, end - pos);
    std::size_t body_start = end + 4;
    std::size_t eol = headtext.find("\r\n");
    std::string_view status_line = headtext.substr(0, eol);
    // "HTTP/1.1 200 OK"
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/")
      return fail(connection_error("malformed status line from the server"));
    bool http10 = status_line.substr(5, 3) == "1.0";
    std::size_t sp = status_line.find(' ');
    std::size_t status = 0;
    if (sp == std::string_view::npos || !parse_size(status_line.substr(sp + 1, 3), 10, &status))
      return fail(connection_error("malformed status line from the server"));
    HttpResult result;
    result.status = static_cast<int>(status);
    std::string_view rest =
        eol == std::string_view::npos ? std::string_view{} : headtext.substr(eol + 2);
    while (!rest.empty()) {
      std::size_t e = rest.find("\r\n");
      std::string_view line = rest.substr(0, e);
      rest = e == std::string_view::npos ? std::string_view{} : rest.substr(e + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      result.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    if (status >= 100 && status < 200) {  // 100 Continue and friends: skip
      pos = body_start;
      continue;
    }
    std::string connection = result.header("Connection");
    bool keep =
        http10 ? icontains_token(connection, "keep-alive") : !icontains_token(connection, "close");
    keep = keep && options_.keep_alive;

    std::string te = result.header("Transfer-Encoding");
    std::string cl = result.header("Content-Length");
    if (head || status == 204 || status == 304) {
      // no body
    } else if (!te.empty() && icontains_token(te, "chunked")) {
      std::size_t p = body_start;
      for (;;) {
        std::size_t le;
        while ((le = buf.find("\r\n", p)) == std::string::npos) {
          auto n = read_more(fd_, tls_.get(), buf, deadline);
          if (!n.ok() || *n == 0) return fail_read(n, "connection closed inside a chunked body");
        }
        std::string_view size_line(buf.data() + p, le - p);
        size_line = size_line.substr(0, size_line.find(';'));
        std::size_t chunk = 0;
        if (!parse_size(size_line, 16, &chunk))
          return fail(connection_error("malformed chunk size"));
        p = le + 2;
        if (chunk == 0) {
          // Trailers, then an empty line.
          for (;;) {
            while ((le = buf.find("\r\n", p)) == std::string::npos) {
              auto n = read_more(fd_, tls_.get(), buf, deadline);
              if (!n.ok() || *n == 0)
                return fail_read(n, "connection closed inside chunk trailers");
            }
            bool empty = le == p;
            p = le + 2;
            if (empty) break;
          }
          break;
        }
        while (buf.size() < p + chunk + 2) {
          auto n = read_more(fd_, tls_.get(), buf, deadline);
          if (!n.ok() || *n == 0) return fail_read(n, "connection closed inside a chunk");
        }
        result.body.append(buf, p, chunk);
        p += chunk + 2;
      }
    } else if (!cl.empty()) {
      std::size_t len = 0;
      if (!parse_size(cl, 10, &len)) return fail(connection_error("malformed Content-Length"));
      while (buf.size() < body_start + len) {
        auto n = read_more(fd_, tls_.get(), buf, deadline);
        if (!n.ok() || *n == 0)
          return fail_read(n, "connection closed before the whole body arrived");
      }
      result.body.assign(buf, body_start, len);
    } else {
      // Body delimited by the end of the connection.
      for (;;) {
        auto n = read_more(fd_, tls_.get(), buf, deadline);
        if (!n.ok()) return fail(n.error());
        if (*n == 0) break;
      }
      result.body.assign(buf, body_start, std::string::npos);
      keep = false;
    }
    if (!keep) close();
    return result;
  }
}

Result<HttpResult> http_request(const std::string& host, unsigned short port,
                                std::string_view method, std::string_view path,
                                std::string_view body, const HeaderList& headers,
                                std::chrono::milliseconds timeout) {
  ClientOptions options;
  options.keep_alive = false;
  options.request_timeout = timeout;
  options.connect_timeout = std::min(timeout, options.connect_timeout);
  HttpClient client(host, port, options);
  return client.request(method, path, body, headers);
}

}  // namespace lyn::client
