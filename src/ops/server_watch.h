// ServerWatch: idle timeout and signals turned into a graceful shutdown.
// SIGTERM/SIGINT/SIGHUP: the first calls shutdown_gracefully(), a second
// stop(); and, if idle_timeout_seconds > 0, shutdown_gracefully() once the
// server has been idle that long. It knows the server only through the
// WatchedServer it is given (the program builds one from an HttpServer).
//
// Threads: create and destroy a ServerWatch on the thread that owns the
// server, before it runs the io_context and after that returns; the timer
// and signal handlers run on the io_context's threads.
#ifndef LYNGUINE_OPS_SERVER_WATCH_H_
#define LYNGUINE_OPS_SERVER_WATCH_H_

#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace lyn::ops {

struct WatchedServer {
  boost::asio::io_context& context;      // where timers and signal handlers run
  std::function<double()> idle_seconds;  // 0 while a request is in flight
  std::function<void()> shutdown_gracefully;
  std::function<void()> stop;
};

class ServerWatch {
 public:
  ServerWatch(WatchedServer server, double idle_timeout_seconds, bool handle_signals = true);
  ~ServerWatch();
  ServerWatch(const ServerWatch&) = delete;
  ServerWatch& operator=(const ServerWatch&) = delete;

  // Seconds since the server was last active (0 while a request is in flight).
  double idle_seconds() const;
  // Why the server began shutting down: "", "idle", "signal".
  std::string reason() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_SERVER_WATCH_H_
