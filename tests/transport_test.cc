// Tests for the transport's defences (issue 12 items 4 and 8, issue 11 item
// 3, issue 13's worker pool): the connection table, the worker pool, the
// server's deadline, queue and framing refusals, the refusal observer, the
// client address behind a trusted proxy, and the log sink that drops instead
// of blocking. Waits are deadlines, never fixed sleeps that "usually" suffice.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/budget.h"
#include "ops/log_sink.h"
#include "raw_conn.h"
#include "server/client_address.h"
#include "server/connection_table.h"
#include "server/http_server.h"
#include "server/worker_pool.h"

namespace {

using lyn::ops::LogSink;
using lyn::server::Admitted;
using lyn::server::client_address;
using lyn::server::Connection;
using lyn::server::ConnectionTable;
using lyn::server::HttpRequest;
using lyn::server::HttpResponse;
using lyn::server::HttpServer;
using lyn::server::Refusal;
using lyn::server::ServerLimits;
using lyn::server::WorkerPool;
using lyn_test::body_of;
using lyn_test::RawConn;
using namespace std::chrono_literals;

// Polls `done` until true or `limit` passes.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 20s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// --- ConnectionTable --------------------------------------------------------------

struct FakeConnection : Connection {
  std::atomic<int> evicted{0};
  void evict() override { ++evicted; }
  void on_drain() override {}
};

TEST(ConnectionTable, OverTheTotalTheQuietestIsEvicted) {
  ConnectionTable table({2, 0, {}});
  auto a = std::make_shared<FakeConnection>(), b = std::make_shared<FakeConnection>();
  a->set_quiet(true);
  std::this_thread::sleep_for(1ms);  // b is quiet since later than a
  b->set_quiet(true);
  EXPECT_TRUE(table.add(a, "1.1.1.1").admitted);
  EXPECT_TRUE(table.add(b, "2.2.2.2").admitted);
  auto c = std::make_shared<FakeConnection>();
  auto added = table.add(c, "3.3.3.3");
  EXPECT_TRUE(added.admitted);
  EXPECT_EQ(added.evicted, 1);
  EXPECT_EQ(a->evicted, 1);
  EXPECT_EQ(b->evicted, 0);
  EXPECT_EQ(table.size(), 2u);
}

TEST(ConnectionTable, WhenEveryConnectionIsBusyTheNewOneIsRefused) {
  ConnectionTable table({1, 0, {}});
  auto busy = std::make_shared<FakeConnection>();  // never set quiet
  EXPECT_TRUE(table.add(busy, "1.1.1.1").admitted);
  auto next = std::make_shared<FakeConnection>();
  auto added = table.add(next, "2.2.2.2");
  EXPECT_FALSE(added.admitted);
  EXPECT_EQ(busy->evicted, 0);
  table.remove(added.id);
  EXPECT_EQ(table.size(), 1u);
}

TEST(ConnectionTable, PerAddressCapEvictsFromThatAddressOnly) {
  ConnectionTable table({0, 1, [](std::string_view a) { return a == "9.9.9.9"; }});
  auto other = std::make_shared<FakeConnection>(), mine = std::make_shared<FakeConnection>();
  other->set_quiet(true);
  mine->set_quiet(true);
  table.add(other, "1.1.1.1");
  table.add(mine, "2.2.2.2");
  auto again = std::make_shared<FakeConnection>();
  EXPECT_TRUE(table.add(again, "2.2.2.2").admitted);
  EXPECT_EQ(mine->evicted, 1);
  EXPECT_EQ(other->evicted, 0);
  // A shared (trusted proxy) address is not capped per address.
  std::vector<std::shared_ptr<FakeConnection>> proxied;
  for (int i = 0; i < 5; ++i) {
    proxied.push_back(std::make_shared<FakeConnection>());
    EXPECT_TRUE(table.add(proxied.back(), "9.9.9.9").admitted);
  }
  EXPECT_EQ(table.on_address("9.9.9.9"), 0u);
  for (auto& p : proxied) EXPECT_EQ(p->evicted, 0);
}

// --- WorkerPool -------------------------------------------------------------------

TEST(WorkerPool, RefusesWhatDoesNotFitTheQueue) {
  WorkerPool pool(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  WorkerPool::Task block = [&] {
    while (!release) std::this_thread::sleep_for(1ms);
    ++ran;
  };
  ASSERT_TRUE(pool.try_submit(block));
  ASSERT_TRUE(eventually([&] { return pool.busy() == 1; }));
  WorkerPool::Task queued = [&] { ++ran; };
  EXPECT_TRUE(pool.try_submit(queued));
  WorkerPool::Task refused = [&] { ++ran; };
  EXPECT_FALSE(pool.try_submit(refused));
  EXPECT_TRUE(static_cast<bool>(refused));  // untouched: the caller answers it
  release = true;
  EXPECT_TRUE(eventually([&] { return ran == 2; }));
}

// --- HttpServer: pool, deadline, cheap requests, framing, refusals -----------------

class TransportTest : public ::testing::Test {
 protected:
  void Start(ServerLimits limits) {
    server_ = std::make_unique<HttpServer>(
        [this](const HttpRequest& r) {
          if (r.target == "/block") {
            ++entered_;
            eventually([this] { return release_.load(); }, 60s);
          }
          if (r.target == "/work") {  // endless work, checked against its Budget
            lyn::Limits unbounded;
            unbounded.deadline_ms = 0;
            unbounded.work_steps = 0;
            lyn::Budget budget(unbounded);
            if (r.cancel) budget.follow(r.cancel);
            while (budget.spend()) {
            }
          }
          if (r.target == "/defer") {  // declines the I/O thread, answers on a worker
            if (r.may_defer) {
              ++deferred_;
              HttpResponse d;
              d.needs_worker = true;
              d.body = "never sent";
              return d;
            }
            return HttpResponse{200, "text/plain", r.cancel ? "on a worker" : "inline", {}};
          }
          return HttpResponse{200, "text/plain", "handled " + r.target, {}};
        },
        limits);
    server_->set_admission([](HttpRequest& r) {
      Admitted a;
      a.cheap = r.target == "/health" || r.target == "/defer";
      return a;
    });
    server_->set_refusal_observer([this](const Refusal& r) {
      std::lock_guard lock(mu_);
      refusals_.push_back(r);
    });
    ASSERT_TRUE(server_->listen("127.0.0.1", 0));
    thread_ = std::thread([this] { server_->run(2); });
  }
  void TearDown() override {
    release_ = true;
    if (server_) {
      server_->stop();
      thread_.join();
    }
  }
  std::vector<std::string> reasons() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : refusals_) out.push_back(r.reason);
    return out;
  }
  unsigned short port() { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> release_{false};
  std::atomic<int> entered_{0};
  std::atomic<int> deferred_{0};
  std::mutex mu_;
  std::vector<Refusal> refusals_;
};

TEST_F(TransportTest, CheapRequestsAreAnsweredWhileEveryWorkerIsBusy) {
  ServerLimits limits;
  limits.workers = 2;
  limits.max_queue = 4;
  Start(limits);
  std::vector<std::unique_ptr<RawConn>> slow;
  for (int i = 0; i < 2; ++i) {
    slow.push_back(std::make_unique<RawConn>(port()));
    ASSERT_TRUE(slow.back()->send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  }
  ASSERT_TRUE(eventually([this] { return entered_ == 2; }));
  RawConn probe(port());
  ASSERT_TRUE(probe.send("GET /health HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(probe.read_response()), "handled /health");
  EXPECT_EQ(server_->stats().busy_workers, 2u);
  release_ = true;
  for (auto& c : slow) EXPECT_EQ(body_of(c->read_response()), "handled /block");
}

TEST_F(TransportTest, ACheapRequestTheHandlerDeclinesInlineRunsOnAWorker) {
  ServerLimits limits;
  limits.workers = 1;
  Start(limits);
  RawConn c(port());
  for (int i = 1; i <= 2; ++i) {  // the connection stays usable after a deferral
    ASSERT_TRUE(c.send("GET /defer HTTP/1.1\r\nHost: h\r\n\r\n"));
    EXPECT_EQ(body_of(c.read_response()), "on a worker");
    EXPECT_EQ(deferred_, i);
  }
}

TEST_F(TransportTest, WithoutWorkersNothingIsDeferred) {
  ServerLimits limits;
  limits.workers = 0;
  Start(limits);
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /defer HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(c.read_response()), "inline");
  EXPECT_EQ(deferred_, 0);
}

TEST_F(TransportTest, AFullQueueIs503QueueFull) {
  ServerLimits limits;
  limits.workers = 1;
  limits.max_queue = 0;
  Start(limits);
  RawConn busy(port());
  ASSERT_TRUE(busy.send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(eventually([this] { return entered_ == 1; }));
  RawConn next(port());
  ASSERT_TRUE(next.send("GET /other HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string r = next.read_response();
  EXPECT_EQ(r.rfind("HTTP/1.1 503", 0), 0u) << r;
  EXPECT_NE(r.find("QueueFull"), std::string::npos) << r;
  EXPECT_NE(r.find("--max-queue"), std::string::npos) << r;
  EXPECT_EQ(reasons(), std::vector<std::string>{"queue_full"});
}

TEST_F(TransportTest, ARequestPastItsDeadlineIs503NamingTheOption) {
  ServerLimits limits;
  limits.deadline = 100ms;
  Start(limits);
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string r = c.read_response();
  EXPECT_EQ(r.rfind("HTTP/1.1 503", 0), 0u) << r;
  EXPECT_NE(r.find("TimeoutError"), std::string::npos) << r;
  EXPECT_NE(r.find("--deadline"), std::string::npos) << r;
  EXPECT_TRUE(c.closed_within(10s));  // the worker may still be at it: start afresh
  EXPECT_EQ(server_->stats().deadline_exceeded, 1u);
  // The late answer is dropped, and the server serves on.
  release_ = true;
  RawConn after(port());
  ASSERT_TRUE(after.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(after.read_response()), "handled /x");
}

// The deadline's 503 cancels the request: a handler whose Budget follows
// r.cancel stops at its next check and gives its worker back.
TEST_F(TransportTest, TheDeadlineCancelsTheHandlersBudget) {
  ServerLimits limits;
  limits.deadline = 100ms;
  limits.workers = 1;
  Start(limits);
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /work HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(c.read_response().rfind("HTTP/1.1 503", 0), 0u);
  EXPECT_TRUE(eventually([this] {
    auto s = server_->stats();
    return s.handlers_overrun == 1 && s.busy_workers == 0;
  }));
  RawConn after(port());  // the one worker serves the next request
  ASSERT_TRUE(after.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(body_of(after.read_response()), "handled /x");
  EXPECT_EQ(server_->stats().handlers_overrun, 1u);
}

TEST_F(TransportTest, UnsupportedTransferEncodingIs400AndClosed) {
  Start(ServerLimits{});
  for (const char* te : {"gzip", "chunked, gzip", "identity"}) {
    RawConn c(port());
    ASSERT_TRUE(c.send(std::string("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ") + te +
                       "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"));
    std::string r = c.read_response();
    EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << te << ": " << r;
    EXPECT_NE(r.find("Transfer-Encoding"), std::string::npos) << r;
    EXPECT_EQ(c.read_response(), "") << te << ": the body was answered as a request";
  }
  RawConn ok(port());
  ASSERT_TRUE(
      ok.send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
              "2\r\nhi\r\n0\r\n\r\n"));
  EXPECT_EQ(body_of(ok.read_response()), "handled /c");
  EXPECT_EQ(reasons(), (std::vector<std::string>{"bad_framing", "bad_framing", "bad_framing"}));
}

TEST_F(TransportTest, AHeaderTrickleIsCutOffAndReported) {
  ServerLimits limits;
  limits.header_timeout = 200ms;
  Start(limits);
  RawConn c(port());
  ASSERT_TRUE(c.send("GET /x HTTP/1.1\r\nHost: h\r\n"));  // never finished
  EXPECT_TRUE(c.closed_within(20s));
  EXPECT_TRUE(eventually([this] { return server_->stats().header_timeouts == 1; }));
  EXPECT_EQ(server_->in_flight(), 0u);  // a trickle never counted as in flight
}

// --- client address ---------------------------------------------------------------

TEST(ClientAddress, ForwardedOnlyFromATrustedProxy) {
  HttpRequest r;
  r.remote = "10.0.0.5:4000";
  r.headers = {{"X-Forwarded-For", "1.2.3.4, 5.6.7.8"}, {"x-forwarded-for", "9.9.9.9"}};
  EXPECT_EQ(client_address(r, {}), "10.0.0.5");
  EXPECT_EQ(client_address(r, {"10.0.0.6"}), "10.0.0.5");
  EXPECT_EQ(client_address(r, {"10.0.0.5"}), "9.9.9.9");
  // A chain of trusted proxies is skipped; what is left of it is the client's.
  EXPECT_EQ(client_address(r, {"10.0.0.5", "9.9.9.9"}), "5.6.7.8");
  r.remote = "[::ffff:10.0.0.5]:80";
  EXPECT_EQ(client_address(r, {"10.0.0.5"}), "9.9.9.9");
  r.headers.clear();
  EXPECT_EQ(client_address(r, {"10.0.0.5"}), "::ffff:10.0.0.5");
}

// --- LogSink ----------------------------------------------------------------------

TEST(LogSink, DropsAndCountsInsteadOfBlockingOnAPipeNobodyReads) {
  ::signal(SIGPIPE, SIG_IGN);  // the read end is closed at the end
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  // Fill the pipe first, so the sink's writer blocks at its first write.
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  std::string fill(4096, 'f');
  while (::write(fds[1], fill.data(), fill.size()) > 0) {
  }
  ::fcntl(fds[1], F_SETFL, 0);
  std::FILE* out = ::fdopen(fds[1], "w");
  ASSERT_NE(out, nullptr);
  std::uint64_t dropped = 0;
  {
    LogSink sink(out, /*owned=*/true, 64 << 10, 200ms);
    std::string line(1000, 'x');
    line += '\n';
    // 10 MB: far beyond the pipe (64 KiB) and the queue (64 KiB). Every
    // call returns; the run would hang here if a write could block.
    int accepted = 0;
    for (int i = 0; i < 10000; ++i) accepted += sink.write(line) ? 1 : 0;
    dropped = sink.dropped();
    EXPECT_EQ(accepted + static_cast<int>(dropped), 10000);
    EXPECT_GT(dropped, 9000u);
    EXPECT_FALSE(sink.flush(100ms));  // the writer is stuck, and that is fine
  }                                   // the destructor gives up on the stuck writer after 200 ms
  EXPECT_GT(dropped, 0u);
  ::close(fds[0]);  // the writer's write fails, it ends and closes its end
}

TEST(LogSink, WritesEveryLineWhenTheDestinationKeepsUp) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  int fd = ::dup(::fileno(f));
  {
    LogSink sink(f, /*owned=*/true);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(sink.write("line " + std::to_string(i) + "\n"));
    EXPECT_TRUE(sink.flush());
    EXPECT_EQ(sink.dropped(), 0u);
  }
  std::FILE* in = ::fdopen(fd, "r");
  std::rewind(in);
  int lines = 0;
  char buf[64];
  while (std::fgets(buf, sizeof buf, in)) ++lines;
  std::fclose(in);
  EXPECT_EQ(lines, 1000);
}

}  // namespace
