// Over 500 lines: one connection state machine (plain or TLS) in one template.
#include "server/http_server.h"

#include <sys/socket.h>  // getsockname, for adopt()
#include <unistd.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
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
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "core/case.h"
#include "core/json.h"

#ifndef LYNGUINE_VERSION
#define LYNGUINE_VERSION "dev"
#endif

namespace lyn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

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

std::string json_error_body(std::string_view error_type, std::string_view message) {
  std::string out = "{\"status\":\"error\",\"error_type\":";
  append_json_string(out, error_type);
  out += ",\"error_message\":";
  append_json_string(out, message);
  out += "}";
  return out;
}

// A connection, plain or TLS (see Session<Stream> below).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void on_drain() = 0;
};

// Everything sessions need from their server (Session cannot name the private
// HttpServer::Impl).
struct ServerCore {
  Handler handler;
  ServerLimits limits;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
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

  std::mutex mu;  // guards sessions and next_id
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_id = 0;

  ServerCore(Handler h, ServerLimits l)
      : handler(std::move(h)), limits(l), ioc(std::make_unique<asio::io_context>()) {}

  void touch() { last_activity.store(Clock::now().time_since_epoch().count()); }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void close_acceptor();
  void begin_drain();
  void maybe_finish_drain();
  std::size_t session_count() {
    std::lock_guard lock(mu);
    return sessions.size();
  }
  std::uint64_t add_session(const std::shared_ptr<SessionBase>& s, std::size_t* count_after) {
    std::lock_guard lock(mu);
    std::uint64_t id = next_id++;
    sessions.emplace(id, s);
    *count_after = sessions.size();
    return id;
  }
  void remove_session(std::uint64_t id) {
    if (destroying) return;
    bool empty;
    {
      std::lock_guard lock(mu);
      sessions.erase(id);
      empty = sessions.empty();
    }
    if (empty && draining) maybe_finish_drain();
  }
};

// One TCP connection. All its handlers run on its own strand. Stream is
// beast::tcp_stream (http) or beast::ssl_stream<beast::tcp_stream> (https).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

  static Stream make_stream(tcp::socket&& socket, ServerCore* server) {
    if constexpr (kTls)
      return Stream(std::move(socket), *server->ssl);
    else
      return Stream(std::move(socket));
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

 public:
  Session(ServerCore* server, tcp::socket&& socket)
      : server_(server),
        stream_(make_stream(std::move(socket), server)),
        idle_timer_(stream_.get_executor()) {
    beast::error_code ec;
    lowest().socket().set_option(tcp::no_delay(true), ec);
    auto ep = lowest().socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~Session() {
    if (counted_) server_->in_flight--;
    server_->remove_session(id_);
  }

  void start(std::uint64_t id, bool over_limit) {
    id_ = id;
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), over_limit] {
      if constexpr (kTls) {  // https: the handshake first, within request_timeout
        self->lowest().expires_after(self->server_->limits.request_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self, over_limit](beast::error_code ec) {
                                        if (ec) return self->close();
                                        self->lowest().expires_never();
                                        self->begin(over_limit);
                                      });
      } else {
        self->begin(over_limit);
      }
    });
  }

  void begin(bool over_limit) {
    if (over_limit) {
      begin_request();
      send_error(503, "ServiceUnavailable", "too many connections");
    } else {
      wait_for_request();
    }
  }

  // Called (via post to the strand) when the server starts draining.
  void on_drain() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::idle) self->close();
    });
  }

 private:
  enum class State { idle, busy, closing };

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

  // Over the cap on requests in flight: answer 429 (true) instead.
  bool over_concurrency() {
    if (server_->limits.max_concurrent == 0 || server_->in_flight <= server_->limits.max_concurrent)
      return false;
    send_error(429, "TooManyRequests",
               "more than " + std::to_string(server_->limits.max_concurrent) +
                   " requests in flight; retry shortly");
    return true;
  }

  void wait_for_request() {
    if (server_->draining) return close();
    if (buffer_.size() > 0) {  // a pipelined request is already here
      begin_request();
      if (over_concurrency()) return;
      return read_header();
    }
    if constexpr (kTls) {
      // Decrypted bytes may already wait inside the TLS layer, where a wait
      // on the socket would not see them: read at once; the request counts
      // as in flight from its complete header (on_header).
      read_header();
      state_ = State::idle;
      return;
    }
    state_ = State::idle;
    idle_timer_.expires_after(server_->limits.request_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->state_ == State::idle) self->close();
    });
    lowest().socket().async_wait(tcp::socket::wait_read,
                                 [self = shared_from_this()](beast::error_code ec) {
                                   self->idle_timer_.cancel();
                                   if (ec || self->state_ != State::idle) return self->close();
                                   self->begin_request();
                                   if (self->over_concurrency()) return;
                                   self->read_header();
                                 });
  }

  void read_header() {
    state_ = State::busy;
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(server_->limits.max_header, UINT32_MAX)));
    parser_->body_limit(server_->limits.max_body);
    // One deadline for the whole request, from its first byte to its last.
    lowest().expires_after(server_->limits.request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // Returns true if the read error was answered or the connection closed.
  bool handle_read_error(beast::error_code ec) {
    if (!ec) return false;
    if (ec == http::error::body_limit) {
      send_error(413, "PayloadTooLarge",
                 "request body exceeds the limit of " + std::to_string(server_->limits.max_body) +
                     " bytes");
    } else if (ec == http::error::header_limit) {
      send_error(431, "RequestHeaderFieldsTooLarge",
                 "request headers exceed the limit of " +
                     std::to_string(server_->limits.max_header) + " bytes");
    } else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      send_error(400, "BadRequest", "malformed HTTP request: " + ec.message());
    } else {
      close();  // end of stream, timeout, reset, cancelled
    }
    return true;
  }

  void on_header(beast::error_code ec) {
    if (handle_read_error(ec)) return;
    if (kTls && !counted_) {  // https: see wait_for_request()
      state_ = State::busy;
      begin_request();
      if (over_concurrency()) return;
    }
    auto& req = parser_->get();
    if (req.version() >= 11 && ascii_iequals(sv(req[http::field::expect]), "100-continue") &&
        !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     req.version());
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
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (handle_read_error(ec)) return;
    lowest().expires_never();
    auto msg = parser_->release();
    parser_.reset();

    HttpRequest req;
    req.method = std::string(sv(msg.method_string()));
    req.target = std::string(sv(msg.target()));
    req.version = msg.version();
    req.remote = remote_;
    for (const auto& f : msg) req.headers.emplace_back(sv(f.name_string()), sv(f.value()));
    req.body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();

    HttpResponse out;
    auto t0 = Clock::now();
    try {
      if (!server_->handler) throw std::runtime_error("no handler installed");
      out = server_->handler(req);
    } catch (const std::exception& e) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", e.what());
    } catch (...) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", "unknown exception in handler");
    }
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (out.status < 100 || out.status > 999) {
      out = HttpResponse{};
      out.status = 500;
      out.body = json_error_body("InternalServerError", "handler returned an invalid status");
    }
    send(std::move(out), req.version, keep_alive && !server_->draining, ms,
         ascii_iequals(req.method, "HEAD"));
  }

  void send(HttpResponse out, unsigned version, bool keep_alive, double ms, bool head) {
    state_ = State::busy;
    // The response is laid out by hand into one buffer: Beast's generic
    // serializer cost about a quarter of a small request's CPU time.
    auto wire = std::make_shared<std::string>();
    wire->reserve(320 + (head ? 0 : out.body.size()));
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
    *wire += "\r\nContent-Length: ";
    auto len = std::to_chars(num, num + sizeof num, out.body.size());
    wire->append(num, len.ptr);
    if (version == 10 && keep_alive) *wire += "\r\nConnection: keep-alive";
    if (version != 10 && !keep_alive) *wire += "\r\nConnection: close";
    *wire += "\r\n\r\n";
    if (!head) *wire += out.body;
    lowest().expires_after(server_->limits.request_timeout);
    asio::async_write(
        stream_, asio::buffer(*wire),
        [self = shared_from_this(), wire, keep_alive](beast::error_code ec, std::size_t) {
          self->end_request();
          if (ec) return self->close();
          if (!keep_alive || self->server_->draining) return self->graceful_close();
          self->wait_for_request();
        });
  }

  void send_error(int status, std::string_view type, const std::string& message) {
    parser_.reset();
    HttpResponse out;
    out.status = status;
    out.body = json_error_body(type, message);
    send(std::move(out), 11, false, 0.0, false);
  }

  // Half-closes, then discards what the client still sends (for a little
  // while) so that the kernel does not reset the connection before the client
  // has read our answer.
  void graceful_close() {
    state_ = State::closing;
    if constexpr (kTls) {  // close_notify, then close (bounded by 2 s)
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
      return;
    }
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drained_ = 0;
    lowest().expires_after(std::chrono::seconds(2));
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
    idle_timer_.cancel();
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  static constexpr std::size_t kDiscard = 64 * 1024;

  ServerCore* server_;
  Stream stream_;
  asio::steady_timer idle_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<char[]> discard_;
  std::size_t drained_ = 0;
  std::string remote_;
  std::uint64_t id_ = 0;
  State state_ = State::busy;
  bool counted_ = false;
};

void ServerCore::do_accept() {
  if (!acceptor || !acceptor->is_open()) return;
  acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || !acceptor || !acceptor->is_open()) return;
    // Out of descriptors or similar: back off briefly rather than spin.
    accept_retry_timer.emplace(*ioc);
    accept_retry_timer->expires_after(std::chrono::milliseconds(50));
    accept_retry_timer->async_wait([this](beast::error_code e) {
      if (!e) do_accept();
    });
    return;
  }
  if (draining) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::size_t count = 0;
  if (ssl) {
    auto session =
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(this, std::move(socket));
    std::uint64_t id = add_session(session, &count);
    session->start(id, count > limits.max_connections);
  } else {
    auto session = std::make_shared<Session<beast::tcp_stream>>(this, std::move(socket));
    std::uint64_t id = add_session(session, &count);
    session->start(id, count > limits.max_connections);
  }
  do_accept();
}

void ServerCore::close_acceptor() {
  asio::post(*ioc, [this] {
    if (acceptor && acceptor->is_open()) {
      beast::error_code ec;
      acceptor->close(ec);
    }
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
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [id, w] : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->on_drain();
    live.clear();
    maybe_finish_drain();
  });
}

void ServerCore::maybe_finish_drain() {
  if (session_count() == 0) ioc->stop();
}

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(Handler handler, ServerLimits limits)
    : impl_(std::make_unique<Impl>(std::move(handler), limits)) {}

HttpServer::~HttpServer() {
  impl_->destroying = true;
  impl_->ioc->stop();
  impl_->drain_timer.reset();
  impl_->accept_retry_timer.reset();
  impl_->acceptor.reset();
  impl_->ioc.reset();  // destroys pending handlers, hence sessions
}

void HttpServer::set_handler(Handler handler) {
  impl_->handler = std::move(handler);
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

// Socket activation (systemd's sd_listen_fds protocol): the listening socket
// comes from the parent, already bound; only its address family is needed.
Status HttpServer::adopt(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      (addr.ss_family != AF_INET && addr.ss_family != AF_INET6))
    return Error{"OSError", "file descriptor " + std::to_string(fd) + " is not a TCP socket", 500};
  beast::error_code ec;
  impl_->acceptor.emplace(*impl_->ioc);
  impl_->acceptor->assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    impl_->acceptor.reset();
    return Error{"OSError",
                 "cannot adopt file descriptor " + std::to_string(fd) + ": " + ec.message(), 500};
  }
  impl_->bound_port = impl_->acceptor->local_endpoint(ec).port();
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
  return impl_->session_count();
}

boost::asio::io_context& HttpServer::context() {
  return *impl_->ioc;
}

}  // namespace lyn::server
