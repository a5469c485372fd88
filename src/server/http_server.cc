// Over 500 lines: one connection state machine (plain or TLS) in one template.
#include "server/http_server.h"

#include <sys/socket.h>  // getsockname (adopt), peer credentials (Unix sockets)
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>  // Unix domain sockets (listen_unix)
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>  // TLS (enable_tls)
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "core/case.h"
#include "core/json.h"
#include "core/platform.h"
#include "server/connection_table.h"
#include "server/worker_pool.h"

#ifndef LYNGUINE_VERSION
#define LYNGUINE_VERSION "dev"
#endif

namespace lyn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;
// A connection's executor: its own strand, named by its concrete type
// rather than asio's type-erased any_io_executor, whose copies and
// property queries (an allocation and a virtual call each) ran on every
// completion of every request.
using Executor = asio::strand<asio::io_context::executor_type>;
using tcp_stream = beast::basic_stream<tcp, Executor>;
// The plain stream over a Unix domain socket (tcp_stream's twin).
using unix_stream = beast::basic_stream<unix_socket, Executor>;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

namespace {

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_iequals(k, name)) return v;
  return {};
}

std::string deadline_refusal(std::chrono::milliseconds deadline) {
  // Asked for by every request (its Budget carries the message), nearly
  // always with the server's one deadline: formatted once per thread, not
  // with a printf per request.
  thread_local std::chrono::milliseconds::rep last = -1;
  thread_local std::string text;
  if (deadline.count() != last || text.empty()) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", deadline.count() / 1000.0);
    text = std::string("the request was not answered within its deadline of ") + limit +
           " s (raise it with lynguine serve --deadline SECONDS)";
    last = deadline.count();
  }
  return text;
}

std::size_t default_workers() {
  return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

std::string json_error_body(std::string_view error_type, std::string_view message) {
  std::string out = "{\"status\":\"error\",\"error_type\":";
  append_json_string(out, error_type);
  out += ",\"error_message\":";
  append_json_string(out, message);
  out += "}";
  return out;
}

// How much lower the workers' scheduling priority is than the I/O threads':
// on a machine whose cores are busy (8 slow reads on 2 cores), the kernel
// then still gives the I/O threads their turn promptly, so health checks and
// answers do not queue behind the work (bench/transport_attack.py).
constexpr int kWorkerNice = 5;

// Everything sessions need from their server (Session cannot name the private
// HttpServer::Impl).
struct ServerCore {
  Handler handler;
  Admission admission;
  RefusalObserver refused;
  AnswerHeaders answer_headers;
  ServerLimits limits;
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<WorkerPool> pool;  // null when limits.workers == 0
  std::optional<tcp::acceptor> acceptor;
  // Instead of `acceptor`: a Unix domain socket (listen_unix, or adopt of
  // one), whose file the server made at unix_path (dev/ino remembered so
  // that only that file is ever removed).
  std::optional<unix_socket::acceptor> unix_acceptor;
  std::string unix_path;
  std::optional<asio::steady_timer> drain_timer;
  std::optional<asio::steady_timer> accept_retry_timer;
  std::atomic<unsigned short> bound_port{0};
  std::atomic<bool> listening{false};
  std::atomic<bool> draining{false};
  std::atomic<bool> destroying{false};
  std::atomic<Clock::rep> last_activity{Clock::now().time_since_epoch().count()};
  std::atomic<std::size_t> in_flight{0};
  std::shared_ptr<asio::ssl::context> ssl;  // set by enable_tls(): serve https
  // X-Lynguine-Pid, computed once per server: a function-local static would
  // keep the pid of a parent that served before fork() (lifecycle_test).
  const std::string pid_text = std::to_string(::getpid());

  ConnectionTable connections;
  struct Counters {
    std::atomic<std::uint64_t> accepted{0}, refused{0}, evicted{0}, header_timeouts{0},
        idle_timeouts{0}, request_timeouts{0}, queue_full{0}, deadline_exceeded{0},
        handlers_overrun{0}, streamed{0};
  } counters;
  // Bytes of streamed answers waiting to be written: now, in all; and the
  // most one connection ever held.
  std::atomic<std::size_t> stream_queued{0}, stream_peak{0};

  ServerCore(Handler h, ServerLimits l)
      : handler(std::move(h)),
        limits(std::move(l)),
        ioc(std::make_unique<asio::io_context>()),
        connections(ConnectionTable::Limits{
            limits.max_connections, limits.max_connections_per_address, limits.shared_address}) {
    if (limits.workers > 0)
      pool = std::make_unique<WorkerPool>(limits.workers, limits.max_queue,
                                          limits.worker_stack_bytes, kWorkerNice);
  }

  void touch() { last_activity.store(Clock::now().time_since_epoch().count()); }

  bool accepting() const {
    return (acceptor && acceptor->is_open()) || (unix_acceptor && unix_acceptor->is_open());
  }

  // Counts and reports a connection or request turned away by a limit.
  void drop(std::string_view reason, const std::string& address, int status = 0) {
    if (reason == "evicted") counters.evicted++;
    if (reason == "header_timeout") counters.header_timeouts++;
    if (reason == "idle_timeout") counters.idle_timeouts++;
    if (reason == "request_timeout") counters.request_timeouts++;
    if (reason == "connection_limit") counters.refused++;
    if (reason == "queue_full") counters.queue_full++;
    if (reason == "deadline") counters.deadline_exceeded++;
    if (refused) refused(Refusal{std::string(reason), status, {}, address});
  }

  void do_accept();
  template <class Socket>
  void on_accept(beast::error_code ec, Socket socket);
  void retry_accept_later();
  void close_acceptor();
  void begin_drain();
  void maybe_finish_drain();
  void remove_connection(std::uint64_t id) {
    if (destroying) return;
    std::size_t left = connections.remove(id);
    if (left == 0 && draining) maybe_finish_drain();
  }
};

namespace {

// RFC 9112 6.1: the only transfer coding we accept is one "chunked" (Beast
// decodes it); anything else would leave the body's end unknown, and Beast
// would read the body as the next request. Chunked with a Content-Length
// too is a smuggling attempt. Returns why, or "" when the framing is sound.
std::string transfer_encoding_problem(const http::request_parser<http::string_body>& parser) {
  const auto& req = parser.get();
  std::size_t te_headers = 0;
  std::string_view te;
  for (const auto& f : req)
    if (f.name() == http::field::transfer_encoding) {
      ++te_headers;
      te = sv(f.value());
    }
  if (te_headers == 0) return {};
  if (te_headers > 1) return "more than one Transfer-Encoding header";
  // Beast's parser has already stripped the value's surrounding whitespace.
  if (!ascii_iequals(te, "chunked"))
    return "Transfer-Encoding \"" + std::string(te) + "\" is not supported (only chunked)";
  if (req.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  if (req.find(http::field::content_length) != req.end())
    return "both Transfer-Encoding and Content-Length";
  return {};
}

}  // namespace

// One connection. All its handlers run on its own strand. Stream is
// tcp_stream (http), beast::ssl_stream<tcp_stream> (https) or
// unix_stream (http over a Unix domain socket); everything below is the same
// for the three but the socket options (TCP_NODELAY) and the peer's name.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
  using Lowest =
      std::remove_reference_t<decltype(beast::get_lowest_layer(std::declval<Stream&>()))>;
  using Protocol = typename Lowest::protocol_type;
  using Socket = typename Lowest::socket_type;
  static constexpr bool kTls = !std::is_same_v<Stream, Lowest>;
  static constexpr bool kTcp = std::is_same_v<Protocol, tcp>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

  static Stream make_stream(Socket&& socket, ServerCore* server) {
    if constexpr (kTls)
      return Stream(std::move(socket), *server->ssl);
    else
      return Stream(std::move(socket));
  }
  Lowest& lowest() { return beast::get_lowest_layer(stream_); }

 public:
  Session(ServerCore* server, Socket&& socket)
      : server_(server),
        stream_(make_stream(std::move(socket), server)),
        watchdog_(stream_.get_executor()),
        deadline_timer_(stream_.get_executor()),
        retry_timer_(stream_.get_executor()) {
    beast::error_code ec;
    if constexpr (kTcp) {
      lowest().socket().set_option(tcp::no_delay(true), ec);
      auto ep = lowest().socket().remote_endpoint(ec);
      if (!ec) {
        address_ = ep.address().to_string();
        remote_ = address_ + ":" + std::to_string(ep.port());
      }
    } else {
      address_ = "unix";  // a client's end of a Unix socket has no name
      remote_ = "unix";
    }
  }

  ~Session() {
    server_->stream_queued -= queued_bytes_;
    if (counted_) server_->in_flight--;
    server_->remove_connection(id_);
  }

  const std::string& address() const { return address_; }

  void start(std::uint64_t id, bool admitted) {
    id_ = id;
    set_quiet(true);  // until its first request is complete, it may be evicted
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), admitted] {
      if constexpr (kTls) {  // https: the handshake first, within header_timeout
        self->watch(Clock::now() + self->server_->limits.header_timeout, Due::other);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self, admitted](beast::error_code ec) {
                                        if (ec) return self->close();
                                        self->unwatch();
                                        self->begin(admitted);
                                      });
      } else {
        self->begin(admitted);
      }
    });
  }

  void begin(bool admitted) {
    if (!admitted) {
      server_->drop("connection_limit", address_, 503);
      begin_request();
      HttpRequest meta = request_meta();
      send_error(meta, 503, "ServiceUnavailable",
                 "too many connections (--max-connections " +
                     std::to_string(server_->limits.max_connections) +
                     ", --max-connections-per-address " +
                     std::to_string(server_->limits.max_connections_per_address) +
                     "), and every one is busy; retry shortly");
    } else {
      wait_for_request();
    }
  }

  // Called when the server starts draining.
  void on_drain() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::idle) self->close();
    });
  }

  // Closed to make room for a new connection (it was quiet the longest).
  void evict() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::closing || self->quiet_since() == 0) return;
      self->server_->drop("evicted", self->address_);
      self->close();
    });
  }

 private:
  // idle: waiting for a request's first byte; reading: its head or body;
  // busy: handling it or writing the answer.
  enum class State { idle, reading, busy, closing };

  void begin_request() {
    if (!counted_) {
      counted_ = true;
      server_->in_flight++;
      server_->touch();
    }
  }
  void end_request() {
    if (counted_) {
      counted_ = false;
      server_->in_flight--;
      server_->touch();
    }
  }

  // What is known of the request before it is complete (for refusals).
  HttpRequest request_meta() const {
    HttpRequest r;
    r.remote = remote_;
    r.client = address_;
    r.arrived = request_started_ == Clock::time_point{} ? Clock::now() : request_started_;
    if (parser_) {
      const auto& h = parser_->get();
      r.method = std::string(sv(h.method_string()));
      r.target = std::string(sv(h.target()));
      r.version = h.version() == 10 ? 10 : 11;
      // Refusals answer to the headers parsed so far (the identity proof):
      // all of them after the head (413, 400 framing, 429), those before
      // the problem in a head too large (431) or malformed (400).
      for (const auto& f : h) r.headers.emplace_back(sv(f.name_string()), sv(f.value()));
    }
    return r;
  }

  void wait_for_request() {
    if (server_->draining) return close();
    state_ = State::idle;
    set_quiet(true);
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    if constexpr (kTls) {
      // Decrypted bytes may already wait inside the TLS layer, where a wait
      // on the socket would not see them: read at once, the wait for the
      // first byte and the head together bounded by both timeouts.
      return read_header(server_->limits.keep_alive_timeout + server_->limits.header_timeout);
    }
    watch(Clock::now() + server_->limits.keep_alive_timeout, Due::idle);
    // Read the first bytes themselves rather than wait for the socket to
    // be readable: the read is tried at once (a keep-alive client's next
    // request has often arrived already), where a wait always went through
    // the reactor (an epoll_ctl and a turn of epoll_wait per request).
    // Header time starts once they are here.
    auto room = buffer_.prepare(kFirstRead);
    stream_.async_read_some(room, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->buffer_.commit(n);
      if (ec || self->state_ != State::idle) return self->close();
      self->read_header();
    });
  }
  static constexpr std::size_t kFirstRead = 4096;

  void read_header(std::chrono::milliseconds header_time = std::chrono::milliseconds(0)) {
    state_ = State::reading;  // still quiet: nothing of ours is lost if it is closed
    request_started_ = Clock::now();
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(server_->limits.max_header, UINT32_MAX)));
    parser_->body_limit(server_->limits.max_body);
    auto limit = header_time.count() > 0 ? header_time : server_->limits.header_timeout;
    watch(request_started_ + std::min(limit, server_->limits.request_timeout), Due::header);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // Returns true if the read error was answered or the connection closed.
  bool handle_read_error(beast::error_code ec, bool in_header) {
    if (!ec) return false;
    if (ec == http::error::body_limit) {
      send_error(request_meta(), 413, "PayloadTooLarge",
                 "request body exceeds the limit of " + std::to_string(server_->limits.max_body) +
                     " bytes (--max-body)");
    } else if (ec == http::error::header_limit) {
      send_error(request_meta(), 431, "RequestHeaderFieldsTooLarge",
                 "request headers exceed the limit of " +
                     std::to_string(server_->limits.max_header) + " bytes");
    } else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      server_->drop("malformed", address_, 400);
      send_error(request_meta(), 400, "BadRequest", "malformed HTTP request: " + ec.message());
    } else {
      if (ec == beast::error::timeout)
        server_->drop(in_header ? "header_timeout" : "request_timeout", address_);
      close();  // end of stream, timeout, reset, cancelled
    }
    return true;
  }

  void on_header(beast::error_code ec) {
    if (handle_read_error(ec, true)) return;
    begin_request();  // in flight from its complete head: a trickle holds nothing
    if (auto problem = transfer_encoding_problem(*parser_); !problem.empty()) {
      server_->drop("bad_framing", address_, 400);
      return send_error(request_meta(), 400, "BadRequest", "malformed HTTP request: " + problem);
    }
    if (server_->limits.max_concurrent > 0 && server_->in_flight > server_->limits.max_concurrent)
      return send_error(request_meta(), 429, "TooManyRequests",
                        "more than " + std::to_string(server_->limits.max_concurrent) +
                            " requests in flight (--max-concurrent); retry shortly");
    auto& req = parser_->get();
    if (req.version() >= 11 && ascii_iequals(sv(req[http::field::expect]), "100-continue") &&
        !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     req.version());
      watch(request_started_ + server_->limits.request_timeout, Due::other);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_read(beast::error_code{});
    watch(request_started_ + server_->limits.request_timeout, Due::request);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (handle_read_error(ec, false)) return;
    unwatch();
    state_ = State::busy;
    set_quiet(false);
    auto msg = parser_->release();
    parser_.reset();

    HttpRequest req;
    req.method = std::string(sv(msg.method_string()));
    req.target = std::string(sv(msg.target()));
    req.version = msg.version();
    req.remote = remote_;
    req.client = address_;
    for (const auto& f : msg) req.headers.emplace_back(sv(f.name_string()), sv(f.value()));
    req.body = std::move(msg.body());
    req.arrived = Clock::now();
    if (server_->limits.deadline.count() > 0) req.deadline = req.arrived + server_->limits.deadline;
    keep_alive_ = msg.keep_alive();

    Admitted admitted;
    if (server_->admission) admitted = server_->admission(req);
    if (admitted.refusal) return answer(std::move(req), std::move(*admitted.refusal));
    if (!server_->pool || admitted.cheap) {
      req.may_defer = server_->pool != nullptr;
      HttpResponse out = run_handler(req);
      if (!out.needs_worker || !req.may_defer) return answer(std::move(req), std::move(out));
      req.may_defer = false;  // it would block here: a worker runs it again
    }
    dispatch(std::move(req));
  }

  static HttpResponse run_handler(const HttpRequest& req, ServerCore* server) {
    HttpResponse out;
    try {
      if (!server->handler) throw std::runtime_error("no handler installed");
      out = server->handler(req);
    } catch (const std::exception& e) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", e.what());
    } catch (...) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", "unknown exception in handler");
    }
    if (out.status < 100 || out.status > 999) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", "handler returned an invalid status");
    }
    return out;
  }
  HttpResponse run_handler(const HttpRequest& req) { return run_handler(req, server_); }

  // The handler on a worker; the answer back on this strand, unless the
  // deadline answered first.
  void dispatch(HttpRequest req) {
    auto request = std::make_shared<HttpRequest>(std::move(req));
    request->cancel = std::make_shared<std::atomic<bool>>(false);
    WorkerPool::Task task = [self = shared_from_this(), request]() mutable {
      auto out = std::make_shared<HttpResponse>(run_handler(*request, self->server_));
      // Counted here, on the worker: proof that a handler that ran past its
      // deadline gave its worker back. Either side may see the deadline
      // first: the timer below (the 503 is sent, the cancel flag set) or the
      // handler's own Budget, which holds the same deadline (its 503 is the
      // answer); both are one overrun.
      if (request->cancel->load() || Clock::now() >= request->deadline)
        self->server_->counters.handlers_overrun++;
      asio::post(self->stream_.get_executor(), [self, request, out] {
        if (!self->awaiting_worker_) return;  // answered at the deadline already
        self->awaiting_worker_ = false;
        self->deadline_timer_.cancel();
        self->answer(std::move(*request), std::move(*out));
      });
    };
    if (!server_->pool->try_submit(task)) {
      server_->drop("queue_full", address_, 503);
      HttpResponse r;
      r.status = 503;
      r.error_type = "QueueFull";
      r.body = json_error_body("QueueFull",
                               "the server is busy: " + std::to_string(server_->pool->max_queue()) +
                                   " requests already wait for one of its " +
                                   std::to_string(server_->pool->threads()) +
                                   " workers (--max-queue, --workers); retry shortly");
      r.headers.emplace_back("Retry-After", "1");
      return answer(std::move(*request), std::move(r));
    }
    awaiting_worker_ = true;
    if (request->deadline == Clock::time_point::max()) return;
    deadline_timer_.expires_at(request->deadline);
    deadline_timer_.async_wait([self = shared_from_this(), request](beast::error_code ec) {
      if (ec || !self->awaiting_worker_) return;
      self->awaiting_worker_ = false;
      request->cancel->store(true);  // the handler's Budget stops at its next check
      self->server_->drop("deadline", self->address_, 503);
      HttpRequest meta = *request;
      meta.body.clear();
      self->keep_alive_ = false;  // the worker may still be at it; start afresh
      self->send_error(std::move(meta), 503, "TimeoutError",
                       deadline_refusal(self->server_->limits.deadline));
    });
  }

  void answer(HttpRequest req, HttpResponse out) {
    for (auto& h : req.answer_headers) out.headers.push_back(std::move(h));
    send(req, std::move(out), keep_alive_ && !server_->draining);
  }

  void send(const HttpRequest& req, HttpResponse out, bool keep_alive) {
    state_ = State::busy;
    set_quiet(false);
    unsigned version = req.version == 10 ? 10 : 11;
    bool head = ascii_iequals(req.method, "HEAD");
    if (server_->answer_headers) server_->answer_headers(req, out.headers);
    // A body in pieces goes chunked; HTTP/1.0 knows no chunks, so there it
    // runs to the connection's close. HEAD sends the headers alone.
    bool streamed = static_cast<bool>(out.more);
    if (streamed && version == 10) keep_alive = false;
    double ms =
        std::chrono::duration<double, std::milli>(
            Clock::now() - (req.arrived == Clock::time_point{} ? Clock::now() : req.arrived))
            .count();
    // The response is laid out by hand into one buffer: Beast's generic
    // serializer cost about a quarter of a small request's CPU time.
    auto wire = std::make_shared<std::string>();
    wire->reserve(320 + (head ? 0 : out.body.size() + kChunkFrame));
    *wire += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    char num[32];
    auto n = std::to_chars(num, num + sizeof num, out.status);
    wire->append(num, n.ptr);
    *wire += ' ';
    auto reason = http::obsolete_reason(static_cast<http::status>(out.status));
    wire->append(reason.data(), reason.size());
    *wire += "\r\nServer: lynguine/" LYNGUINE_VERSION "\r\nContent-Type: ";
    *wire += out.content_type;
    // Formatted without printf: this runs once per request.
    *wire += "\r\nServer-Timing: total;dur=";
    auto t = std::to_chars(num, num + sizeof num, ms, std::chars_format::fixed, 3);
    wire->append(num, t.ptr);
    *wire += "\r\nX-Lynguine-Pid: ";
    *wire += server_->pid_text;
    for (auto& [k, v] : out.headers) {
      if (ascii_iequals(k, "Content-Length") || ascii_iequals(k, "Content-Type") ||
          ascii_iequals(k, "Connection") || ascii_iequals(k, "Transfer-Encoding"))
        continue;
      // A header may not smuggle a line break into the response.
      if (k.find_first_of("\r\n") != std::string::npos ||
          v.find_first_of("\r\n") != std::string::npos)
        continue;
      *wire += "\r\n";
      *wire += k;
      *wire += ": ";
      *wire += v;
    }
    if (!streamed) {
      *wire += "\r\nContent-Length: ";
      auto len = std::to_chars(num, num + sizeof num, out.body.size());
      wire->append(num, len.ptr);
    } else if (version != 10) {
      *wire += "\r\nTransfer-Encoding: chunked";
    }
    if (version == 10 && keep_alive) *wire += "\r\nConnection: keep-alive";
    if (version != 10 && !keep_alive) *wire += "\r\nConnection: close";
    *wire += "\r\n\r\n";
    if (streamed && !head) {
      chunked_ = version != 10;
      if (!out.body.empty()) {
        size_t at = wire->size();
        if (chunked_) wire->append(kChunkPrefix, '0');
        *wire += out.body;
        frame_chunk(*wire, at);
      }
      return start_stream(std::move(*wire), std::move(out.more), keep_alive);
    }
    if (!head) *wire += out.body;
    watch(Clock::now() + server_->limits.request_timeout, Due::other);
    asio::async_write(
        stream_, asio::buffer(*wire),
        [self = shared_from_this(), wire, keep_alive](beast::error_code ec, std::size_t) {
          // Quiet before the request stops counting, so that anyone who sees
          // in_flight() drop to 0 may count on this connection being evictable.
          if (!ec && keep_alive && !self->server_->draining) self->set_quiet(true);
          self->end_request();
          if (ec) return self->close();
          if (!keep_alive || self->server_->draining) return self->graceful_close();
          self->wait_for_request();
        });
  }

  // --- a body in pieces (HttpResponse::more) ---
  // Each piece is produced on a worker into a string that starts with
  // kChunkPrefix bytes of room for its chunk-size line (hex, zero-padded:
  // RFC 9112 allows leading zeros), so that framing it copies nothing. The
  // pieces wait in pieces_ for the socket; production pauses while they
  // hold stream_queue_bytes or more, and resumes as they are written.
  static constexpr size_t kChunkPrefix = 10;  // 8 hex digits and CRLF
  static constexpr size_t kChunkFrame = kChunkPrefix + 2;

  // Frames what follows `at` in `piece` (kChunkPrefix bytes reserved there)
  // as one chunk; a plain (HTTP/1.0) body is left as it is. An empty piece
  // becomes nothing at all (an empty chunk would end the body).
  void frame_chunk(std::string& piece, size_t at) const {
    if (!chunked_) return;
    size_t size = piece.size() - at - kChunkPrefix;
    if (size == 0) return piece.resize(at);
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < 8; ++i) piece[at + 7 - i] = kHex[(size >> (4 * i)) & 0xf];
    piece[at + 8] = '\r';
    piece[at + 9] = '\n';
    piece += "\r\n";
  }

  void start_stream(std::string first, std::function<bool(std::string&)> more, bool keep_alive) {
    server_->counters.streamed++;
    more_ = std::move(more);
    stream_keep_alive_ = keep_alive;
    produced_all_ = producing_ = writing_ = false;
    queue_piece(std::move(first));
    produce();
    write_pieces();
  }

  // Asks a worker for the next piece (on this strand).
  void produce() {
    if (producing_ || produced_all_ || state_ == State::closing) return;
    producing_ = true;
    if (!server_->pool) return produce_piece();  // no workers: inline, like every handler
    WorkerPool::Task task = [self = shared_from_this()] { self->produce_piece(); };
    if (server_->pool->try_submit(task)) return;
    // Every worker busy and the queue full: ask again shortly (this answer
    // already holds its place; it is not refused halfway).
    retry_timer_.expires_after(std::chrono::milliseconds(2));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->producing_ = false;
      if (!ec) self->produce();
    });
  }

  // On a worker (one at a time per answer): the next piece, framed, back to
  // the strand. The producer is released as soon as it is done, before the
  // last piece is sent, so its bookkeeping (access log, metrics) is
  // complete when the client has the whole answer.
  void produce_piece() {
    auto piece = std::make_shared<std::string>();
    if (chunked_) piece->append(kChunkPrefix, '0');
    bool more = false, failed = false;
    try {
      more = more_(*piece);
    } catch (...) {
      failed = true;
    }
    if (!more || failed) more_ = nullptr;
    frame_chunk(*piece, 0);
    if (!more && chunked_) *piece += "0\r\n\r\n";
    asio::post(stream_.get_executor(), [self = shared_from_this(), piece, more, failed] {
      self->on_piece(std::move(*piece), more, failed);
    });
  }

  void on_piece(std::string piece, bool more, bool failed) {
    producing_ = false;
    if (state_ == State::closing) return;
    // Headers and part of the body are out: closing mid-body is the only
    // way left to tell the client the answer is incomplete.
    if (failed) return close();
    if (!piece.empty()) queue_piece(std::move(piece));
    if (!more) produced_all_ = true;
    if (queued_bytes_ < server_->limits.stream_queue_bytes) produce();
    write_pieces();
  }

  void queue_piece(std::string piece) {
    queued_bytes_ += piece.size();
    server_->stream_queued += piece.size();
    for (size_t peak = server_->stream_peak.load();
         queued_bytes_ > peak &&
         !server_->stream_peak.compare_exchange_weak(peak, queued_bytes_);) {
    }
    pieces_.push_back(std::move(piece));
  }

  void write_pieces() {
    if (writing_ || state_ == State::closing) return;
    if (pieces_.empty()) {
      if (produced_all_ && !producing_) finish_stream();
      return;
    }
    writing_ = true;
    watch(Clock::now() + server_->limits.request_timeout, Due::other);
    asio::async_write(stream_, asio::buffer(pieces_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->unwatch();  // no limit while the next piece is produced
                        self->queued_bytes_ -= self->pieces_.front().size();
                        self->server_->stream_queued -= self->pieces_.front().size();
                        self->pieces_.pop_front();
                        if (ec) return self->close();
                        if (self->queued_bytes_ < self->server_->limits.stream_queue_bytes)
                          self->produce();
                        self->write_pieces();
                      });
  }

  void finish_stream() {
    end_request();
    if (!stream_keep_alive_ || server_->draining) return graceful_close();
    wait_for_request();
  }

  void send_error(HttpRequest req, int status, std::string_view type, const std::string& message) {
    parser_.reset();
    HttpResponse out;
    out.status = status;
    out.error_type = std::string(type);
    out.body = json_error_body(type, message);
    send(req, std::move(out), false);
  }

  // Half-closes, then discards what the client still sends (for a little
  // while) so that the kernel does not reset the connection before the client
  // has read our answer.
  void graceful_close() {
    state_ = State::closing;
    if constexpr (kTls) {  // close_notify, then close (bounded by 2 s)
      watch(Clock::now() + std::chrono::seconds(2), Due::other);
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
      return;
    }
    beast::error_code ec;
    lowest().socket().shutdown(asio::socket_base::shutdown_send, ec);
    if (ec) return close();
    drained_ = 0;
    set_quiet(true);  // nothing left to lose: may be evicted
    watch(Clock::now() + std::chrono::seconds(2), Due::other);
    drain();
  }

  void drain() {
    if (!discard_) discard_ = std::make_unique<char[]>(kDiscard);
    stream_.async_read_some(asio::buffer(discard_.get(), kDiscard),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (std::size_t{16} << 20))
                                return self->close();
                              self->drain();
                            });
  }

  void close() {
    state_ = State::closing;
    set_quiet(false);
    unwatch();
    watchdog_.cancel();
    deadline_timer_.cancel();
    retry_timer_.cancel();
    beast::error_code ec;
    lowest().socket().shutdown(asio::socket_base::shutdown_both, ec);
    lowest().close();
  }

  // --- the watchdog: one timer bounds every phase of the connection ---
  // What a phase's time limit is, hence what its expiry counts as.
  // other: a write, a TLS handshake, a closing drain (closed, not counted).
  enum class Due { none, idle, header, request, other };

  // The phase now under way must end by `due`. Only recorded, unless the
  // timer waits for a later moment (or none): a keep-alive request moves
  // the limit forward each phase and usually costs no timer operation at
  // all, where Beast's per-operation stream timeouts armed and cancelled
  // two or three timers per request. A timer that fires early sleeps again
  // until the recorded moment.
  void watch(Clock::time_point due, Due why) {
    due_ = due;
    due_why_ = why;
    if (watch_pending_ && watch_at_ <= due) return;
    watch_at_ = due;
    watch_pending_ = true;
    watchdog_.expires_at(due);  // a wait still pending ends as another generation's
    watchdog_.async_wait([self = shared_from_this(), gen = ++watch_gen_](beast::error_code ec) {
      self->on_watchdog(ec, gen);
    });
  }
  // No limit until the next watch() (handling a request, producing a piece).
  void unwatch() { due_why_ = Due::none; }

  void on_watchdog(beast::error_code ec, std::uint64_t gen) {
    if (gen != watch_gen_) return;
    watch_pending_ = false;
    if (ec || due_why_ == Due::none) return;
    if (Clock::now() < due_) return watch(due_, due_why_);
    if (due_why_ == Due::idle) server_->drop("idle_timeout", address_);
    if (due_why_ == Due::header) server_->drop("header_timeout", address_);
    if (due_why_ == Due::request) server_->drop("request_timeout", address_);
    close();  // the operation under way ends with an error and closes too
  }

  static constexpr std::size_t kDiscard = 64 * 1024;

  ServerCore* server_;
  Stream stream_;
  Timer watchdog_;
  Clock::time_point due_{}, watch_at_{};
  Due due_why_ = Due::none;
  bool watch_pending_ = false;
  std::uint64_t watch_gen_ = 0;
  Timer deadline_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<char[]> discard_;
  std::size_t drained_ = 0;
  std::string address_, remote_;
  std::uint64_t id_ = 0;
  Clock::time_point request_started_{};
  State state_ = State::busy;
  bool counted_ = false;
  bool keep_alive_ = false;
  bool awaiting_worker_ = false;
  // A streamed answer: all on the strand, but more_, which only the one
  // production task running at a time touches.
  Timer retry_timer_;
  std::function<bool(std::string&)> more_;
  std::deque<std::string> pieces_;
  std::size_t queued_bytes_ = 0;
  bool chunked_ = false, producing_ = false, produced_all_ = false, writing_ = false;
  bool stream_keep_alive_ = false;
};

void ServerCore::do_accept() {
  if (unix_acceptor && unix_acceptor->is_open()) {
    unix_acceptor->async_accept(asio::make_strand(*ioc),
                                [this](beast::error_code ec, unix_stream::socket_type socket) {
                                  on_accept(ec, std::move(socket));
                                });
    return;
  }
  if (!acceptor || !acceptor->is_open()) return;
  acceptor->async_accept(asio::make_strand(*ioc),
                         [this](beast::error_code ec, tcp_stream::socket_type socket) {
                           on_accept(ec, std::move(socket));
                         });
}

void ServerCore::retry_accept_later() {
  // Out of descriptors or similar: back off briefly rather than spin.
  accept_retry_timer.emplace(*ioc);
  accept_retry_timer->expires_after(std::chrono::milliseconds(50));
  accept_retry_timer->async_wait([this](beast::error_code e) {
    if (!e) do_accept();
  });
}

template <class Socket>
void ServerCore::on_accept(beast::error_code ec, Socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || !accepting()) return;
    // Out of descriptors: make room by closing the quietest connection and
    // try again at once; otherwise back off briefly rather than spin.
    bool out_of_fds = ec == asio::error::no_descriptors || ec.value() == ENFILE;
    if (out_of_fds && connections.evict_quietest()) {
      asio::post(*ioc, [this] { do_accept(); });
      return;
    }
    return retry_accept_later();
  }
  if (draining) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  counters.accepted++;
  auto start = [this](auto session) {
    auto added = connections.add(session, session->address());
    session->start(added.id, added.admitted);
  };
  if constexpr (std::is_same_v<typename Socket::protocol_type, unix_socket>) {
    // The per-user server's socket lies in a 0700 directory, so the kernel
    // already keeps other users out; the peer's uid is checked as well, in
    // case the socket was handed over (adopt) or its directory opened up.
    if (platform::peer_credentials(socket.native_handle()).uid != static_cast<long>(::geteuid())) {
      beast::error_code ignored;
      socket.close(ignored);
      return do_accept();
    }
    start(std::make_shared<Session<unix_stream>>(this, std::move(socket)));
  } else if (ssl) {
    start(std::make_shared<Session<beast::ssl_stream<tcp_stream>>>(this, std::move(socket)));
  } else {
    start(std::make_shared<Session<tcp_stream>>(this, std::move(socket)));
  }
  do_accept();
}

void ServerCore::close_acceptor() {
  asio::post(*ioc, [this] {
    beast::error_code ec;
    if (acceptor && acceptor->is_open()) acceptor->close(ec);
    if (unix_acceptor && unix_acceptor->is_open()) unix_acceptor->close(ec);
  });
}

void ServerCore::begin_drain() {
  if (draining.exchange(true)) return;
  close_acceptor();
  asio::post(*ioc, [this] {
    drain_timer.emplace(*ioc);
    drain_timer->expires_after(limits.drain_timeout);
    drain_timer->async_wait([this](beast::error_code ec) {
      if (!ec) ioc->stop();
    });
    auto live = connections.all();
    for (auto& s : live) s->on_drain();
    live.clear();
    maybe_finish_drain();
  });
}

void ServerCore::maybe_finish_drain() {
  if (connections.size() == 0) ioc->stop();
}

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(Handler handler, ServerLimits limits)
    : impl_(std::make_unique<Impl>(std::move(handler), limits)) {}

HttpServer::~HttpServer() {
  impl_->destroying = true;
  impl_->ioc->stop();
  // Workers first: a running handler's task holds a session and posts its
  // answer to the io_context, which must outlive it (it waits for them).
  if (impl_->pool) impl_->pool->stop();
  impl_->drain_timer.reset();
  impl_->accept_retry_timer.reset();
  impl_->acceptor.reset();
  impl_->unix_acceptor.reset();
  impl_->ioc.reset();  // destroys pending handlers, hence sessions
}

void HttpServer::set_handler(Handler handler) {
  impl_->handler = std::move(handler);
}

void HttpServer::set_admission(Admission admission) {
  impl_->admission = std::move(admission);
}

void HttpServer::set_refusal_observer(RefusalObserver observer) {
  impl_->refused = std::move(observer);
}

void HttpServer::set_answer_headers(AnswerHeaders add) {
  impl_->answer_headers = std::move(add);
}

Status HttpServer::listen(const std::string& host, unsigned short port) {
  auto fail = [&](const std::string& what, const beast::error_code& ec) -> Status {
    impl_->acceptor.reset();
    return Error{"OSError", what + " " + host + ":" + std::to_string(port) + ": " + ec.message(),
                 500};
  };
  beast::error_code ec;
  tcp::endpoint endpoint;
  std::string h = host.empty() ? std::string("127.0.0.1") : host;
  auto addr = asio::ip::make_address(h, ec);
  if (!ec) {
    endpoint = tcp::endpoint(addr, port);
  } else if (h == "localhost") {
    endpoint = tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  } else {
    tcp::resolver resolver(*impl_->ioc);
    auto results = resolver.resolve(h, std::to_string(port), ec);
    if (ec || results.empty()) return fail("cannot resolve", ec);
    endpoint = results.begin()->endpoint();
  }
  impl_->acceptor.emplace(*impl_->ioc);
  auto& acc = *impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open socket for", ec);
  acc.set_option(asio::socket_base::reuse_address(true), ec);
  acc.bind(endpoint, ec);
  if (ec) return fail("cannot bind", ec);
  acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on", ec);
  impl_->bound_port = acc.local_endpoint(ec).port();
  impl_->listening = true;
  return Ok{};
}

Status HttpServer::listen_unix(const std::string& path) {
  auto fail = [&](const std::string& what, const beast::error_code& ec) -> Status {
    impl_->unix_acceptor.reset();
    return Error{"OSError", what + " " + path + ": " + ec.message(), 500};
  };
  beast::error_code ec;
  unix_socket::endpoint endpoint(path);
  impl_->unix_acceptor.emplace(*impl_->ioc);
  auto& acc = *impl_->unix_acceptor;
  acc.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open socket for", ec);
  // No SO_REUSEADDR: binding fails (EADDRINUSE) if anything -- a socket, a
  // file, a symlink -- is already at `path`; nothing there is followed.
  acc.bind(endpoint, ec);
  if (ec) return fail("cannot bind", ec);
  acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on", ec);
  impl_->unix_path = path;
  impl_->listening = true;
  return Ok{};
}

// Socket activation (systemd's sd_listen_fds protocol): the listening socket
// comes from the parent, already bound; only its address family is needed.
Status HttpServer::adopt(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      (addr.ss_family != AF_INET && addr.ss_family != AF_INET6 && addr.ss_family != AF_UNIX))
    return Error{"OSError",
                 "file descriptor " + std::to_string(fd) + " is not a TCP or Unix socket", 500};
  beast::error_code ec;
  if (addr.ss_family == AF_UNIX) {
    impl_->unix_acceptor.emplace(*impl_->ioc);
    impl_->unix_acceptor->assign(unix_socket(), fd, ec);
    if (!ec) impl_->unix_path = impl_->unix_acceptor->local_endpoint(ec).path();
  } else {
    impl_->acceptor.emplace(*impl_->ioc);
    impl_->acceptor->assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (!ec) impl_->bound_port = impl_->acceptor->local_endpoint(ec).port();
  }
  if (ec) {
    impl_->acceptor.reset();
    impl_->unix_acceptor.reset();
    return Error{"OSError",
                 "cannot adopt file descriptor " + std::to_string(fd) + ": " + ec.message(), 500};
  }
  impl_->listening = true;
  return Ok{};
}

Status HttpServer::enable_tls(const std::string& cert_file, const std::string& key_file) {
  try {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(cert_file);
    ctx->use_private_key_file(key_file, asio::ssl::context::pem);
    impl_->ssl = std::move(ctx);
    return Ok{};
  } catch (const std::exception& e) {
    return Error{
        "SSLError",
        "cannot load TLS certificate " + cert_file + " / key " + key_file + ": " + e.what(), 500};
  }
}

unsigned short HttpServer::port() const {
  return impl_->bound_port;
}

const std::string& HttpServer::unix_path() const {
  return impl_->unix_path;
}

void HttpServer::run(int threads) {
  if (!impl_->listening) return;
  asio::post(*impl_->ioc, [impl = impl_.get()] {
    if (!impl->draining) impl->do_accept();
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([this] { impl_->ioc->run(); });
  impl_->ioc->run();
  for (auto& t : pool) t.join();
}

void HttpServer::stop_accepting() {
  impl_->close_acceptor();
}

void HttpServer::shutdown_gracefully() {
  impl_->begin_drain();
}

void HttpServer::stop() {
  impl_->ioc->stop();
}

std::chrono::steady_clock::time_point HttpServer::last_activity() const {
  return Clock::time_point(Clock::duration(impl_->last_activity.load()));
}

std::size_t HttpServer::in_flight() const {
  return impl_->in_flight;
}

std::size_t HttpServer::connections() const {
  return impl_->connections.size();
}

ServerStats HttpServer::stats() const {
  const auto& c = impl_->counters;
  ServerStats s;
  s.connections_accepted = c.accepted;
  s.connections_refused = c.refused;
  s.connections_evicted = c.evicted;
  s.header_timeouts = c.header_timeouts;
  s.idle_timeouts = c.idle_timeouts;
  s.request_timeouts = c.request_timeouts;
  s.queue_full = c.queue_full;
  s.deadline_exceeded = c.deadline_exceeded;
  s.handlers_overrun = c.handlers_overrun;
  s.streamed_answers = c.streamed;
  s.stream_queued_bytes = impl_->stream_queued;
  s.stream_queued_peak = impl_->stream_peak;
  if (impl_->pool) {
    s.queued = impl_->pool->queued();
    s.busy_workers = impl_->pool->busy();
    s.workers = impl_->pool->threads();
  }
  return s;
}

boost::asio::io_context& HttpServer::context() {
  return *impl_->ioc;
}

}  // namespace lyn::server
