#include "server/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "core/case.h"
#include "server/tls.h"

namespace lyn::server {

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

void set_err(std::string* err, std::string msg) {
  if (err) *err = std::move(msg);
}

int connect_addr(const sockaddr* addr, socklen_t len, Clock::time_point deadline,
                 std::string* err) {
  int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    set_err(err, std::string("socket: ") + std::strerror(errno));
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int r;
  do {
    r = ::connect(fd, addr, len);
  } while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) {
    set_err(err, std::string("connect: ") + std::strerror(errno));
    ::close(fd);
    return -1;
  }
  if (r < 0) {
    int w = wait_fd(fd, POLLOUT, deadline);
    if (w <= 0) {
      set_err(err, w == 0 ? "connect: timed out" : std::string("poll: ") + std::strerror(errno));
      ::close(fd);
      return -1;
    }
    int so = 0;
    socklen_t sl = sizeof so;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
    if (so != 0) {
      set_err(err, std::string("connect: ") + std::strerror(so));
      ::close(fd);
      return -1;
    }
  }
  return fd;
}

// Reads more bytes into buf (through `tls` when given). Returns >0 bytes
// read, 0 on EOF, -1 on error or timeout (err set).
long read_more(int fd, TlsConnection* tls, std::string& buf, Clock::time_point deadline,
               std::string* err) {
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
      if (n == TlsConnection::kError) {
        set_err(err, tls->error());
        return -1;
      }
      if (n == TlsConnection::kWantWrite) wait_for = POLLOUT;
    } else {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        return n;
      }
      if (n == 0) return 0;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        set_err(err, std::string("recv: ") + std::strerror(errno));
        return -1;
      }
    }
    int w = wait_fd(fd, wait_for, deadline);
    if (w == 0) {
      set_err(err, "timed out waiting for the server's response");
      return -1;
    }
    if (w < 0) {
      set_err(err, std::string("poll: ") + std::strerror(errno));
      return -1;
    }
  }
}

bool send_all(int fd, TlsConnection* tls, std::string_view data, Clock::time_point deadline,
              std::string* err) {
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
        set_err(err, w == 0 ? "timed out sending the request" : "poll failed");
        return false;
      }
      set_err(err, n == TlsConnection::kEof ? "connection closed by the server" : tls->error());
      return false;
    }
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int w = wait_fd(fd, POLLOUT, deadline);
      if (w == 0) {
        set_err(err, "timed out sending the request");
        return false;
      }
      if (w > 0) continue;
    }
    set_err(err, std::string("send: ") + std::strerror(errno));
    return false;
  }
  return true;
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

bool HttpClient::connect_socket(std::string* err) {
  close();
  auto deadline = Clock::now() + options_.connect_timeout;
  std::string h = host_.empty() || host_ == "localhost" ? "127.0.0.1" : host_;
  if (h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::") h = "::1";
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET, h.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port_);
    fd_ = connect_addr(reinterpret_cast<sockaddr*>(&v4), sizeof v4, deadline, err);
  } else if (::inet_pton(AF_INET6, h.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port_);
    fd_ = connect_addr(reinterpret_cast<sockaddr*>(&v6), sizeof v6, deadline, err);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port_);
    int rc = ::getaddrinfo(h.c_str(), service.c_str(), &hints, &res);
    if (rc != 0) {
      set_err(err, "cannot resolve " + h + ": " + ::gai_strerror(rc));
      return false;
    }
    for (addrinfo* ai = res; ai && fd_ < 0; ai = ai->ai_next)
      fd_ = connect_addr(ai->ai_addr, ai->ai_addrlen, deadline, err);
    ::freeaddrinfo(res);
  }
  if (fd_ < 0 && err)
    *err = "cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + *err;
  // https: the TLS handshake (certificate and host name checked) on the socket.
  if (fd_ >= 0 && options_.tls) {
    tls_ = TlsConnection::connect(fd_, host_.empty() ? std::string("127.0.0.1") : host_,
                                  options_.ca_file, deadline, err);
    if (!tls_) {
      if (err) *err = "https://" + host_ + ":" + std::to_string(port_) + ": " + *err;
      close();
      return false;
    }
  }
  return fd_ >= 0;
}

std::optional<HttpResult> HttpClient::request(std::string_view method, std::string_view path,
                                              std::string_view body, const HeaderList& headers,
                                              std::string* err) {
  std::string wire;
  wire.reserve(256 + body.size());
  wire.append(method).append(" ").append(path.empty() ? std::string_view("/") : path);
  wire += " HTTP/1.1\r\nHost: ";
  bool v6 = host_.find(':') != std::string::npos && host_.front() != '[';
  if (v6) wire += '[';
  wire += host_;
  if (v6) wire += ']';
  wire += ':';
  wire += std::to_string(port_);
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
  if (!reused && !connect_socket(err)) return std::nullopt;
  bool retryable = false;
  auto result = attempt(wire, head, &retryable, err);
  if (!result && reused && retryable) {
    if (!connect_socket(err)) return std::nullopt;
    result = attempt(wire, head, &retryable, err);
  }
  return result;
}

std::optional<HttpResult> HttpClient::attempt(const std::string& wire, bool head, bool* retryable,
                                              std::string* err) {
  auto deadline = Clock::now() + options_.request_timeout;
  *retryable = false;
  if (!send_all(fd_, tls_.get(), wire, deadline, err)) {
    *retryable = true;
    close();
    return std::nullopt;
  }
  std::string buf;
  std::size_t pos = 0;  // start of the current response in buf
  auto fail = [&](std::string msg) -> std::optional<HttpResult> {
    if (!msg.empty()) set_err(err, std::move(msg));
    close();
    return std::nullopt;
  };
  for (;;) {
    // Read the head.
    std::size_t end;
    while ((end = buf.find("\r\n\r\n", pos)) == std::string::npos) {
      if (buf.size() - pos > (std::size_t{1} << 20)) return fail("response headers too large");
      long n = read_more(fd_, tls_.get(), buf, deadline, err);
      if (n == 0) {
        if (buf.size() == pos) *retryable = true;
        return fail("connection closed by the server before a complete response");
      }
      if (n < 0) {
        if (buf.size() == pos && errno == ECONNRESET) *retryable = true;
        return fail("");
      }
    }
    std::string_view headtext(buf.data() + pos, end - pos);
    std::size_t body_start = end + 4;
    std::size_t eol = headtext.find("\r\n");
    std::string_view status_line = headtext.substr(0, eol);
    // "HTTP/1.1 200 OK"
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/")
      return fail("malformed status line from the server");
    bool http10 = status_line.substr(5, 3) == "1.0";
    std::size_t sp = status_line.find(' ');
    std::size_t status = 0;
    if (sp == std::string_view::npos || !parse_size(status_line.substr(sp + 1, 3), 10, &status))
      return fail("malformed status line from the server");
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
          long n = read_more(fd_, tls_.get(), buf, deadline, err);
          if (n <= 0) return fail(n == 0 ? "connection closed inside a chunked body" : "");
        }
        std::string_view size_line(buf.data() + p, le - p);
        size_line = size_line.substr(0, size_line.find(';'));
        std::size_t chunk = 0;
        if (!parse_size(size_line, 16, &chunk)) return fail("malformed chunk size");
        p = le + 2;
        if (chunk == 0) {
          // Trailers, then an empty line.
          for (;;) {
            while ((le = buf.find("\r\n", p)) == std::string::npos) {
              long n = read_more(fd_, tls_.get(), buf, deadline, err);
              if (n <= 0) return fail(n == 0 ? "connection closed inside chunk trailers" : "");
            }
            bool empty = le == p;
            p = le + 2;
            if (empty) break;
          }
          break;
        }
        while (buf.size() < p + chunk + 2) {
          long n = read_more(fd_, tls_.get(), buf, deadline, err);
          if (n <= 0) return fail(n == 0 ? "connection closed inside a chunk" : "");
        }
        result.body.append(buf, p, chunk);
        p += chunk + 2;
      }
    } else if (!cl.empty()) {
      std::size_t len = 0;
      if (!parse_size(cl, 10, &len)) return fail("malformed Content-Length");
      while (buf.size() < body_start + len) {
        long n = read_more(fd_, tls_.get(), buf, deadline, err);
        if (n <= 0) return fail(n == 0 ? "connection closed before the whole body arrived" : "");
      }
      result.body.assign(buf, body_start, len);
    } else {
      // Body delimited by the end of the connection.
      for (;;) {
        long n = read_more(fd_, tls_.get(), buf, deadline, err);
        if (n == 0) break;
        if (n < 0) return fail("");
      }
      result.body.assign(buf, body_start, std::string::npos);
      keep = false;
    }
    if (!keep) close();
    return result;
  }
}

std::optional<HttpResult> http_request(const std::string& host, unsigned short port,
                                       std::string_view method, std::string_view path,
                                       std::string_view body, const HeaderList& headers,
                                       std::chrono::milliseconds timeout, std::string* err) {
  ClientOptions options;
  options.keep_alive = false;
  options.request_timeout = timeout;
  options.connect_timeout = std::min(timeout, options.connect_timeout);
  HttpClient client(host, port, options);
  return client.request(method, path, body, headers, err);
}

}  // namespace lyn::server
