// RawConn: a blocking loopback connection speaking raw bytes, for tests of
// the HTTP transport (framing, limits, timeouts). Header-only test support.
#ifndef LYNGUINE_TESTS_RAW_CONN_H_
#define LYNGUINE_TESTS_RAW_CONN_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <string>

#include "core/platform.h"

namespace lyn_test {

using namespace std::chrono_literals;

// A blocking loopback connection speaking raw bytes.
class RawConn {
 public:
  explicit RawConn(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }

  bool send(const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      ssize_t n = lyn::platform::send_nosignal(fd_, s.data() + off, s.size() - off);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads more into buf_; false on EOF/error/timeout.
  bool fill(std::chrono::milliseconds timeout = 10s) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  // Reads one response framed by Content-Length; returns head+body text, or
  // "" if the connection ended first.
  std::string read_response() {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return {};
    std::string head = buf_.substr(0, end + 4);
    std::size_t len = 0;
    std::string lower;
    for (char c : head) lower.push_back(static_cast<char>(std::tolower(c)));
    auto p = lower.find("content-length:");
    if (p != std::string::npos) len = std::stoul(head.substr(p + 15));
    if (head.compare(9, 3, "100") == 0) len = 0;
    while (buf_.size() < end + 4 + len)
      if (!fill()) return {};
    std::string out = buf_.substr(0, end + 4 + len);
    buf_.erase(0, end + 4 + len);
    return out;
  }

  // Reads until `needle` has arrived; returns (and consumes) everything read.
  std::string read_until(const std::string& needle) {
    while (buf_.find(needle) == std::string::npos)
      if (!fill()) break;
    std::string out;
    out.swap(buf_);
    return out;
  }

  // True if the peer closes (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

inline std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : response.substr(p + 4);
}

inline bool has_header(const std::string& response, const std::string& line) {
  std::string head = response.substr(0, response.find("\r\n\r\n") + 2);
  std::string lower_head, lower_line;
  for (char c : head) lower_head.push_back(static_cast<char>(std::tolower(c)));
  for (char c : line) lower_line.push_back(static_cast<char>(std::tolower(c)));
  return lower_head.find("\r\n" + lower_line) != std::string::npos;
}

}  // namespace lyn_test

#endif  // LYNGUINE_TESTS_RAW_CONN_H_
