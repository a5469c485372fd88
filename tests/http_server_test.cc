// Tests for lyn::server::HttpServer and lyn::client::HttpClient over real
// loopback sockets. Timeouts are generous: these must pass on a busy machine.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/http_client.h"
#include "core/platform.h"
#include "raw_conn.h"

namespace {

using lyn_test::body_of;
using lyn_test::has_header;
using lyn_test::RawConn;

using lyn::client::HttpClient;
using lyn::server::HttpRequest;
using lyn::server::HttpResponse;
using lyn::server::HttpServer;
using lyn::server::ServerLimits;
using namespace std::chrono_literals;

// The error's message, for assertion output.
template <typename R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(ServerLimits limits = {}) {
    server_ =
        std::make_unique<HttpServer>([this](const HttpRequest& r) { return Handle(r); }, limits);
    auto listening = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(listening) << why(listening);
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] {
      server_->run(2);
      run_returned_ = true;
    });
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      if (thread_.joinable()) thread_.join();
      server_.reset();
    }
  }

  HttpResponse Handle(const HttpRequest& r) {
    if (r.target == "/throw") throw std::runtime_error("boom \"quoted\"");
    if (r.target == "/throw-int") throw 42;
    if (r.target == "/slow") {
      slow_entered_ = true;
      std::this_thread::sleep_for(slow_ms_);
      return HttpResponse{200, "application/json", "{\"slow\":\"done\"}", {}};
    }
    HttpResponse res;
    res.body = r.method + " " + r.target + " " + r.body;
    res.headers.emplace_back("X-Echo-Version", std::to_string(r.version));
    return res;
  }

  unsigned short port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> run_returned_{false};
  std::atomic<bool> slow_entered_{false};
  std::chrono::milliseconds slow_ms_{800};
};

TEST_F(HttpServerTest, AnswersWithRequiredHeaders) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("POST /api/x?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"));
  std::string r = c.read_response();
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_TRUE(has_header(r, "Content-Type: application/json")) << r;
  EXPECT_TRUE(has_header(r, "Content-Length: 21")) << r;
  EXPECT_TRUE(has_header(r, "Server-Timing: total;dur=")) << r;
  EXPECT_TRUE(has_header(r, "X-Lynguine-Pid: " + std::to_string(::getpid()))) << r;
  EXPECT_EQ(body_of(r), "POST /api/x?q=1 hello");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    std::string path = "/n" + std::to_string(i);
    ASSERT_TRUE(c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    std::string r = c.read_response();
    ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << "request " << i << ": " << r;
    EXPECT_EQ(body_of(r), "GET " + path + " ");
    EXPECT_FALSE(has_header(r, "Connection: close"));
  }
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(c.read_response()), "GET /a ");
  EXPECT_EQ(body_of(c.read_response()), "GET /b ");
}

TEST_F(HttpServerTest, Http11ConnectionCloseCloses) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  std::string r = c.read_response();
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_TRUE(has_header(r, "Connection: close"));
  EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(HttpServerTest, Http10WithoutKeepAliveClosesAfterResponse) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
  std::string r = c.read_response();
  ASSERT_EQ(r.rfind("HTTP/1.0 200", 0), 0u) << r;
  EXPECT_TRUE(has_header(r, "Content-Length: 9")) << r;
  EXPECT_EQ(body_of(r), "GET /old ");
  EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(HttpServerTest, Http10WithKeepAliveStaysOpen) {
  Start();
  RawConn c(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        c.send("POST /k HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"));
    std::string r = c.read_response();
    ASSERT_EQ(r.rfind("HTTP/1.0 200", 0), 0u) << r;
    EXPECT_TRUE(has_header(r, "Connection: keep-alive")) << r;
    EXPECT_EQ(body_of(r), "POST /k hi");
  }
}

TEST_F(HttpServerTest, BodyOverLimitIs413Json) {
  ServerLimits limits;
  limits.max_body = 1024;
  Start(limits);
  {
    RawConn c(port());
    std::string body(5000, 'x');
    c.send("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + body);
    std::string r = c.read_response();
    ASSERT_EQ(r.rfind("HTTP/1.1 413", 0), 0u) << r;
    EXPECT_TRUE(has_header(r, "Content-Type: application/json"));
    EXPECT_NE(body_of(r).find("\"status\":\"error\""), std::string::npos) << r;
    EXPECT_NE(body_of(r).find("\"error_type\":\"PayloadTooLarge\""), std::string::npos) << r;
    EXPECT_NE(body_of(r).find("\"error_message\":"), std::string::npos) << r;
  }
  {
    // Chunked bodies are limited too.
    RawConn c(port());
    std::string chunk(800, 'y');
    c.send("POST /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
           "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(r.rfind("HTTP/1.1 413", 0), 0u) << r;
  }
  // A body at the limit is fine, and the server is still alive.
  HttpClient client("127.0.0.1", port());
  auto res = client.request("POST", "/ok", std::string(1024, 'z'));
  ASSERT_TRUE(res) << why(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpServerTest, Expect100ContinueIsHonoured) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(
      c.send("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  std::string interim = c.read_response();
  ASSERT_EQ(interim.rfind("HTTP/1.1 100", 0), 0u) << interim;
  ASSERT_TRUE(c.send("abc"));
  std::string r = c.read_response();
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_EQ(body_of(r), "POST /e abc");
}

TEST_F(HttpServerTest, HeadersOverLimitAre431Json) {
  ServerLimits limits;
  limits.max_header = 1024;
  Start(limits);
  RawConn c(port());
  c.send("GET /h HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  std::string r = c.read_response();
  ASSERT_EQ(r.rfind("HTTP/1.1 431", 0), 0u) << r;
  EXPECT_NE(body_of(r).find("\"error_type\":\"RequestHeaderFieldsTooLarge\""), std::string::npos);
  EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  Start();
  RawConn c(port());
  c.send("THIS IS NOT HTTP\r\n\r\n");
  std::string r = c.read_response();
  EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << r;
  EXPECT_NE(body_of(r).find("\"status\":\"error\""), std::string::npos);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndServerSurvives) {
  Start();
  HttpClient client("127.0.0.1", port());
  auto r = client.request("GET", "/throw");
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_NE(r->body.find("\"status\":\"error\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("boom \\\"quoted\\\""), std::string::npos) << r->body;
  r = client.request("GET", "/throw-int");
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 500);
  r = client.request("GET", "/fine");
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /fine ");
}

TEST_F(HttpServerTest, ConcurrentClientsEachGetTheirOwnAnswer) {
  Start();
  constexpr int kThreads = 8, kRequests = 25;
  std::atomic<int> ok{0};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client("127.0.0.1", port());
      for (int i = 0; i < kRequests; ++i) {
        std::string body = "{\"thread\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}";
        std::string path = "/t" + std::to_string(t);
        auto r = client.request("POST", path, body);
        if (!r || r->status != 200 || r->body != "POST " + path + " " + body) {
          failures[t] = r ? r->body : why(r);
          return;
        }
        ok++;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  EXPECT_EQ(ok.load(), kThreads * kRequests);
}

TEST_F(HttpServerTest, GracefulShutdownFinishesRequestInFlight) {
  Start();
  // An idle keep-alive connection, which the shutdown must close.
  RawConn idle(port());
  ASSERT_TRUE(idle.send("GET /warm HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_EQ(body_of(idle.read_response()), "GET /warm ");

  std::optional<lyn::Result<lyn::client::HttpResult>> slow;
  std::thread t([&] {
    HttpClient client("127.0.0.1", port());
    slow.emplace(client.request("GET", "/slow"));
  });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!slow_entered_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_entered_);
  EXPECT_GE(server_->in_flight(), 1u);
  server_->shutdown_gracefully();
  t.join();
  ASSERT_TRUE(slow && *slow) << why(*slow);
  EXPECT_EQ((*slow)->status, 200);
  EXPECT_EQ((*slow)->body, "{\"slow\":\"done\"}");
  EXPECT_EQ((*slow)->header("Connection"), "close");
  EXPECT_TRUE(idle.closed_within(10s));
  thread_.join();  // run() returns by itself
  EXPECT_TRUE(run_returned_);
  EXPECT_EQ(server_->in_flight(), 0u);
  RawConn late(port());
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitGet503WhenEveryOneIsBusy) {
  ServerLimits limits;
  limits.max_connections = 1;
  slow_ms_ = 3000ms;
  Start(limits);
  RawConn first(port());
  ASSERT_TRUE(first.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!slow_entered_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_entered_);
  RawConn second(port());
  second.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string r = second.read_response();
  EXPECT_EQ(r.rfind("HTTP/1.1 503", 0), 0u) << r;
  EXPECT_NE(body_of(r).find("\"error_type\":\"ServiceUnavailable\""), std::string::npos) << r;
  EXPECT_NE(body_of(r).find("--max-connections"), std::string::npos) << r;
  // The busy connection is unaffected.
  EXPECT_NE(body_of(first.read_response()).find("done"), std::string::npos);
  EXPECT_EQ(server_->stats().connections_refused, 1u);
}

TEST_F(HttpServerTest, AQuietConnectionMakesRoomForANewOne) {
  ServerLimits limits;
  limits.max_connections = 1;
  Start(limits);
  RawConn first(port());
  ASSERT_TRUE(first.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_EQ(body_of(first.read_response()), "GET /1 ");
  // The client may read the answer before the server's write has completed;
  // only then is the connection quiet (and in_flight() back to 0).
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server_->in_flight() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(2ms);
  ASSERT_EQ(server_->in_flight(), 0u);
  RawConn second(port());
  ASSERT_TRUE(second.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(second.read_response()), "GET /2 ");
  EXPECT_TRUE(first.closed_within(10s));
  EXPECT_EQ(server_->stats().connections_evicted, 1u);
}

TEST_F(HttpServerTest, HeadGetsHeadersOnly) {
  Start();
  RawConn c(port());
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n"));
  // The HEAD answer announces the GET-sized body but carries none, so the
  // GET's response follows its head directly.
  std::string all = c.read_until("GET /g ");
  ASSERT_EQ(all.rfind("HTTP/1.1 200", 0), 0u) << all;
  std::size_t head_end = all.find("\r\n\r\n");
  EXPECT_TRUE(has_header(all.substr(0, head_end + 4), "Content-Length: 8")) << all;
  EXPECT_EQ(all.compare(head_end + 4, 12, "HTTP/1.1 200"), 0) << all;
}

TEST_F(HttpServerTest, GracefulShutdownWithNothingOpenReturnsAtOnce) {
  Start();
  server_->shutdown_gracefully();
  thread_.join();
  EXPECT_TRUE(run_returned_);
}

TEST_F(HttpServerTest, SlowClientIsDisconnectedAfterRequestTimeout) {
  ServerLimits limits;
  limits.request_timeout = 300ms;
  Start(limits);
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /slowloris HTTP/1.1\r\nHost: h\r\n"));  // never finished
  EXPECT_TRUE(c.closed_within(10s));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server_->in_flight() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server_->in_flight(), 0u);
  // The server is still fine for others.
  HttpClient client("127.0.0.1", port());
  auto r = client.request("GET", "/after");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, LastActivityAdvancesWithRequests) {
  Start();
  auto before = server_->last_activity();
  std::this_thread::sleep_for(20ms);
  HttpClient client("127.0.0.1", port());
  ASSERT_TRUE(client.request("GET", "/x"));
  EXPECT_GT(server_->last_activity(), before);
  // The request stops counting once its response is written, which may be
  // noticed a moment after the client has read it.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server_->in_flight() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(server_->in_flight(), 0u);
}

TEST(HttpServerListenTest, ReportsBindFailure) {
  HttpServer a([](const HttpRequest&) { return HttpResponse{}; });
  auto first = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(first) << why(first);
  HttpServer b([](const HttpRequest&) { return HttpResponse{}; });
  auto second = b.listen("127.0.0.1", a.port());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().type, "OSError");
  EXPECT_NE(second.error().message, "");
}

TEST(HttpClientTest, ReportsConnectionRefused) {
  // Find a port nobody listens on: bind, note it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  auto r = lyn::client::http_request("127.0.0.1", ntohs(a.sin_port), "GET", "/", {}, {}, 2s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << why(r);
}

TEST_F(HttpServerTest, ClientRetriesWhenTheServerClosedAnIdleConnection) {
  ServerLimits limits;
  limits.keep_alive_timeout = 200ms;
  Start(limits);
  HttpClient client("127.0.0.1", port());
  auto r = client.request("POST", "/a", "1");
  ASSERT_TRUE(r) << why(r);
  std::this_thread::sleep_for(800ms);  // the server drops the idle connection
  r = client.request("POST", "/b", "2");
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->body, "POST /b 2");
}

// A one-shot raw server: accepts one connection, reads the request head,
// writes `reply` and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 1);
    thread_ = std::thread([this] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<std::size_t>(n));
      }
      request_ = req;
      lyn::platform::send_nosignal(c, reply_.data(), reply_.size());
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  std::string request_;

 private:
  std::string reply_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

TEST(HttpClientTest, DecodesChunkedBodies) {
  OneShotServer s(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
      "4\r\n{\"a\"\r\n6;ext=1\r\n: 1234\r\n1\r\n}\r\n0\r\nTrailer: x\r\n\r\n");
  auto r = lyn::client::http_request("127.0.0.1", s.port(), "POST", "/p", "{}", {}, 10s);
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"a\": 1234}");
  EXPECT_EQ(r->header("content-type"), "application/json");
}

TEST(HttpClientTest, ReadsHttp10BodiesDelimitedByClose) {
  // What Python's http.server sends.
  OneShotServer s("HTTP/1.0 404 Not Found\r\nServer: BaseHTTP/0.6\r\n\r\n{\"status\": \"error\"}");
  auto r = lyn::client::http_request("127.0.0.1", s.port(), "GET", "/x", {}, {}, 10s);
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "{\"status\": \"error\"}");
}

TEST(HttpClientTest, SendsAWellFormedRequest) {
  OneShotServer s("HTTP/1.1 204 No Content\r\n\r\n");
  auto r = lyn::client::http_request("127.0.0.1", s.port(), "POST", "/api/read_data", "{\"k\":1}",
                                     {{"X-Extra", "yes"}}, 10s);
  ASSERT_TRUE(r) << why(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
  const std::string& q = s.request_;
  EXPECT_EQ(q.rfind("POST /api/read_data HTTP/1.1\r\n", 0), 0u) << q;
  EXPECT_NE(q.find("\r\nHost: 127.0.0.1:" + std::to_string(s.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(q.find("\r\nContent-Length: 7\r\n"), std::string::npos) << q;
  EXPECT_NE(q.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << q;
  EXPECT_NE(q.find("\r\nX-Extra: yes\r\n"), std::string::npos) << q;
  EXPECT_NE(q.find("\r\nConnection: close\r\n"), std::string::npos) << q;
}

}  // namespace
