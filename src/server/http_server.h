// HttpServer: the HTTP/1.x transport of lynguine's server mode (CIP-0008).
// It knows nothing about endpoints or data formats: every complete request is
// passed to an Admission (the Guard: Host, Origin, auth, rights, rate) on the
// I/O thread, then to one Handler, whose HttpResponse is sent back. Built on
// Boost.Beast/Asio: a few I/O threads run one io_context and only read, parse
// and write; handlers run on a bounded WorkerPool (issue 13.4), except the
// ones the Admission marks cheap (health, ping; reads whose files are all
// in the handler's cache), which are answered inline, unless the handler
// then finds it would block and asks for a worker (HttpResponse::needs_worker).
// It listens on TCP (listen) or on a Unix domain socket (listen_unix: the
// per-user server, whose socket file lies in the user's private state
// directory; a connecting process of another uid is dropped at once).
//
// What the transport does on its own:
//  - keep-alive for HTTP/1.1 (unless "Connection: close") and HTTP/1.0 (only
//    with "Connection: keep-alive"); pipelined requests are answered in order;
//  - TCP_NODELAY on every accepted socket;
//  - limits: a body over max_body is answered 413, headers over max_header 431,
//    a malformed request 400, a Transfer-Encoding other than one "chunked"
//    400 (never parsed as a second request), each with lynguine's JSON error
//    shape {"status":"error","error_type",..,"error_message":..} and
//    "Connection: close";
//  - connections (issue 12.4), before any request is read: over
//    max_connections in all or max_connections_per_address from one address,
//    the quietest connection (idle between requests, or still sending its
//    request, for the longest) is closed to make room; when every connection
//    is busy the new one is answered 503 and closed;
//  - timeouts that free a slow connection's slot: keep_alive_timeout while
//    idle, header_timeout from a request's first byte to its last header,
//    request_timeout from its first byte to its last;
//  - the pool: a request that finds max_queue requests already waiting for a
//    worker is answered 503 (QueueFull, Retry-After: 1); one still unanswered
//    at its deadline (from its arrival) is answered 503 (TimeoutError) and
//    its connection closed, while the handler, whose Budget has the same
//    deadline, stops at its next check;
//  - optional TLS (enable_tls): Boost.Asio ssl::stream under Beast; a client
//    that does not complete the handshake in header_timeout is dropped;
//  - "Expect: 100-continue" is answered before the body is read;
//  - an exception escaping the handler becomes a 500 JSON error;
//  - a response whose body comes in pieces (HttpResponse::more, a large
//    read_data answer) is sent as the pieces are produced: chunked for
//    HTTP/1.1, unframed until the connection closes for HTTP/1.0. The
//    pieces are produced on the worker pool, never on an I/O thread, and
//    production pauses while stream_queue_bytes of them wait to be written
//    to the connection (a slow reader holds at most that much of its
//    answer in the server); a piece that fails closes the connection
//    mid-body, so the client sees the answer incomplete;
//  - every response carries Content-Type, Content-Length (or
//    Transfer-Encoding: chunked when streamed), "Server-Timing:
//    total;dur=<ms>" (time from the complete request to its answer) and
//    "X-Lynguine-Pid: <pid>" (used by the lifecycle to recognise its server);
//  - every request or connection refused or dropped by one of these limits
//    is reported to the RefusalObserver (logs, metrics).
//
// Threads: construct, set_handler(), set_admission(), set_refusal_observer(),
// set_answer_headers() and
// listen() from one thread before run(). run() blocks the calling thread
// (plus threads-1 helpers) until the server is stopped. stop_accepting(),
// shutdown_gracefully(), stop(), port(), last_activity(), in_flight(),
// connections() and stats() may be called from any thread, including from
// inside the handler or a signal handler running on context(). The handler,
// admission and observer are called concurrently from many threads and must
// be thread-safe.
#ifndef LYNGUINE_SERVER_HTTP_SERVER_H_
#define LYNGUINE_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/caller.h"
#include "core/status.h"
#include "server/refusal.h"

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
  std::string remote;                                        // "ip:port", or "unix"
  // When the request was complete, and when its answer is due (the
  // handler's Budget gets the same deadline; time_point::max(): none).
  std::chrono::steady_clock::time_point arrived{};
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Set (true) by the transport once nobody waits for the handler's answer
  // any more: the deadline was answered 503. A handler on the worker pool
  // makes its Budget follow it (Budget::follow), so the work stops at its
  // next check and frees the worker. Null for handlers run inline.
  std::shared_ptr<std::atomic<bool>> cancel;
  // True when the handler runs on an I/O thread (a cheap request) while a
  // worker pool exists: a handler that finds it cannot answer without
  // blocking (a file not in its cache) answers HttpResponse::needs_worker
  // instead, and is run again, with this false, on the pool.
  bool may_defer = false;

  // Set by the Admission (the Guard), read by handlers, logs and metrics:
  std::string client;  // the client's address ("ip"; behind a trusted proxy, the forwarded one)
  Caller caller;       // who is asking and whether they may write (core/caller.h)
  std::vector<std::pair<std::string, std::string>> answer_headers;  // added to the answer (CORS)

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
  // The rest of the body when it comes in pieces (see the top); unset:
  // `body` is the whole body. Called on a worker thread, one call at a
  // time, after `body` was sent: appends the next piece to `out`, returns
  // false once the body is complete; an exception aborts the answer.
  std::function<bool(std::string& out)> more;
  // With `more`: the whole body's expected size (a guess), for limits.
  std::size_t size_hint = 0;
  // Never sent: the handler, called with HttpRequest::may_defer, declines
  // to answer on the I/O thread; the transport runs it again on a worker.
  bool needs_worker = false;
  // For logs and metrics only (never sent): an error answer's error_type,
  // e.g. "Unauthorized", "QueueFull", "PermissionError".
  std::string error_type;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// What the Admission decided about a complete request.
struct Admitted {
  std::optional<HttpResponse> refusal;  // set: send this; the handler never runs
  // Answer on the I/O thread (no pool hop); the handler may still send it
  // to the pool (HttpRequest::may_defer).
  bool cheap = false;
};
// Runs on an I/O thread for every complete request; may fill the request's
// client, caller and answer_headers. Must not block.
using Admission = std::function<Admitted(HttpRequest&)>;

// Adds headers to every answer, the transport's own refusals included (the
// identity proof: a client checks it on whatever status it gets). It sees
// what is known of the request: every header once the head was parsed
// (413, 400 framing, 429, 503 queue or deadline), the headers parsed before
// the problem in a head too large (431) or malformed (400), and none on the
// 503 of a connection refused before any request was read, or on a
// connection closed at a timeout (no answer at all). Runs on an I/O
// thread; must not block.
using AnswerHeaders =
    std::function<void(const HttpRequest&, std::vector<std::pair<std::string, std::string>>&)>;

// The worker pool's default size: one thread per core, at least two.
// Handlers are CPU-bound (parsing, JSON building): workers beyond the cores
// add no throughput, only runnable threads that make the I/O threads (and
// the clients) wait for a core, so /api/health answered late while slow
// reads ran (bench/transport_attack.py, 8 workers against 2 on 2 cores).
std::size_t default_workers();

struct ServerLimits {
  std::size_t max_body = std::size_t{64} << 20;
  std::size_t max_header = std::size_t{16} << 10;
  // A request's first byte to its last (its body included).
  std::chrono::milliseconds request_timeout{30000};
  // A request's first byte to the end of its headers (slowloris).
  std::chrono::milliseconds header_timeout{10000};
  // An open connection with no request under way (before the first, between
  // keep-alive requests).
  std::chrono::milliseconds keep_alive_timeout{30000};
  // Open connections, in all and from one address (0: no cap).
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 128;
  // Requests in flight (complete and not yet answered) beyond this many are
  // answered 429 TooManyRequests. 0: no cap.
  std::size_t max_concurrent = 64;
  // Addresses whose connections count only against max_connections (a
  // trusted reverse proxy carries many clients); unset: none.
  std::function<bool(std::string_view address)> shared_address;
  // Threads running handlers (0: none; every handler runs inline on the
  // I/O threads, which a slow request then stalls) and requests that may
  // wait for one before more are answered 503. Default: default_workers().
  std::size_t workers = default_workers();
  std::size_t max_queue = 64;
  // A worker thread's stack (Liquid's deepest allowed recursion fits 1 MiB).
  std::size_t worker_stack_bytes = std::size_t{8} << 20;
  // From a request's arrival to its answer; 0: no deadline.
  std::chrono::milliseconds deadline{60000};
  // Pieces of a streamed answer (HttpResponse::more) produced ahead of
  // what one connection's client has taken; production pauses beyond it.
  std::size_t stream_queue_bytes = std::size_t{256} << 10;
  // After shutdown_gracefully(), requests in flight get this long to finish.
  std::chrono::milliseconds drain_timeout{30000};
};

// Counts since the server started (stats()).
struct ServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;  // 503 at accept: every connection busy
  std::uint64_t connections_evicted = 0;  // quietest closed to make room
  std::uint64_t header_timeouts = 0, idle_timeouts = 0, request_timeouts = 0;
  std::uint64_t queue_full = 0;         // 503: no room in the worker queue
  std::uint64_t deadline_exceeded = 0;  // 503: no answer by the deadline
  std::uint64_t handlers_overrun = 0;   // handlers that ended past their deadline (503)
  std::size_t queued = 0, busy_workers = 0, workers = 0;  // now
  std::uint64_t streamed_answers = 0;  // answers sent in pieces (HttpResponse::more)
  // Bytes of streamed answers produced and not yet written, in all (now),
  // and the most one connection ever held (bounded by stream_queue_bytes
  // plus one piece, whatever the client's speed).
  std::size_t stream_queued_bytes = 0, stream_queued_peak = 0;
};

// lynguine's JSON error body: {"status":"error","error_type":T,"error_message":M}.
std::string json_error_body(std::string_view error_type, std::string_view message);

// The TimeoutError message of a request not answered within `deadline` (the
// transport's own 503, and the handler's Budget when it stops first).
std::string deadline_refusal(std::chrono::milliseconds deadline);

class HttpServer {
 public:
  explicit HttpServer(Handler handler, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Replaces the handler, the admission, the observers; call before run().
  void set_handler(Handler handler);
  void set_admission(Admission admission);
  void set_refusal_observer(RefusalObserver observer);
  void set_answer_headers(AnswerHeaders add);

  // Binds and listens on host:port ("127.0.0.1", "::1", "0.0.0.0",
  // "localhost" or a resolvable name). Port 0 picks a free port; see port().
  // An OSError says why it cannot.
  Status listen(const std::string& host, unsigned short port);

  // Instead of listen(): binds a Unix domain socket at `path` and listens.
  // Fails (OSError, EADDRINUSE) if anything already exists at `path`: the
  // caller removes a stale socket first. The file is left in place when the
  // server stops (removing it safely needs the caller's start lock).
  Status listen_unix(const std::string& path);

  // Instead of listen(): serves on `fd`, a TCP or Unix socket already bound
  // and listening (systemd socket activation hands one over as fd 3). Takes
  // ownership of fd. An OSError says why it cannot.
  Status adopt(int fd);

  // Serves https: every accepted connection does a TLS handshake (OpenSSL,
  // TLS 1.2+) with this PEM certificate chain and private key before HTTP.
  // Call before run(). An SSLError if the files cannot be loaded.
  Status enable_tls(const std::string& cert_file, const std::string& key_file);

  // The bound port (0 before a successful listen(), and on a Unix socket).
  unsigned short port() const;
  // The Unix socket's path ("" unless listening on one).
  const std::string& unix_path() const;

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

  ServerStats stats() const;

  // The io_context run() runs, for timers and signal sets of the owner.
  boost::asio::io_context& context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_HTTP_SERVER_H_
