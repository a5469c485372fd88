#include "ops/server_watch.h"

#include <signal.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>

namespace lyn::ops {

struct ServerWatch::Impl : std::enable_shared_from_this<ServerWatch::Impl> {
  WatchedServer server;
  double idle_timeout;
  boost::asio::steady_timer timer;
  std::optional<boost::asio::signal_set> signals;
  std::atomic<int> signal_count{0};
  std::atomic<bool> stopped{false};
  mutable std::mutex mu;
  std::string reason;

  Impl(WatchedServer s, double t) : server(std::move(s)), idle_timeout(t), timer(server.context) {}

  double idle_seconds() const { return server.idle_seconds(); }

  void set_reason(const char* r) {
    std::lock_guard lock(mu);
    if (reason.empty()) reason = r;
  }

  void arm_timer() {
    double left = idle_timeout - idle_seconds();
    if (left < 0.05) left = 0.05;
    if (left > 1.0) left = 1.0;  // re-check at least once a second
    timer.expires_after(std::chrono::microseconds(static_cast<long long>(left * 1e6)));
    timer.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (ec || !self || self->stopped) return;
      if (self->idle_seconds() >= self->idle_timeout) {
        std::fprintf(stderr, "lynguine: idle for %g s, shutting down\n", self->idle_timeout);
        self->set_reason("idle");
        self->server.shutdown_gracefully();
        return;
      }
      self->arm_timer();
    });
  }

  void wait_signal() {
    signals->async_wait([w = weak_from_this()](const boost::system::error_code& ec, int signo) {
      auto self = w.lock();
      if (ec || !self || self->stopped) return;
      self->set_reason("signal");
      if (self->signal_count++ == 0) {
        std::fprintf(stderr, "lynguine: %s, finishing requests in flight\n", ::strsignal(signo));
        self->server.shutdown_gracefully();
      } else {
        self->server.stop();
      }
      self->wait_signal();
    });
  }
};

ServerWatch::ServerWatch(WatchedServer server, double idle_timeout_seconds, bool handle_signals)
    : impl_(std::make_shared<Impl>(std::move(server), idle_timeout_seconds)) {
  if (handle_signals) {
    impl_->signals.emplace(impl_->server.context, SIGTERM, SIGINT, SIGHUP);
    impl_->wait_signal();
  }
  if (idle_timeout_seconds > 0) impl_->arm_timer();
}

ServerWatch::~ServerWatch() {
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->timer.cancel();
  if (impl_->signals) impl_->signals->cancel(ec);
}

double ServerWatch::idle_seconds() const {
  return impl_->idle_seconds();
}

std::string ServerWatch::reason() const {
  std::lock_guard lock(impl_->mu);
  return impl_->reason;
}

}  // namespace lyn::ops
