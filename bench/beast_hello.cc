// The throughput baseline for bench/server_bench.sh: a bare Boost.Beast
// HTTP/1.1 server that answers every request with one fixed body. It
// parses requests and keeps connections alive as `lynguine serve` does, but
// does no routing, no guards and no work: what is left of a request's cost
// is the HTTP layer itself. Built by bench/server_bench.sh with g++.
//
//   beast_hello PORT [THREADS [BODY]]   (127.0.0.1; runs until killed)
// BODY defaults to a small JSON answer; the bench passes lynguine's own
// answer to the request it measures, so both send the same bytes.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string g_body = "{\"status\": \"success\", \"value\": \"2025-12-10\"}";

// One connection: read a request, write the fixed answer, repeat while the
// client keeps the connection alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : stream_(std::move(socket)) {}

  void start() {
    stream_.socket().set_option(tcp::no_delay(true));
    read();
  }

 private:
  void read() {
    request_ = {};
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, request_, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->answer();
    });
  }

  void answer() {
    response_ = {};
    response_.version(request_.version());
    response_.result(http::status::ok);
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request_.keep_alive());
    response_.body() = g_body;
    response_.prepare_payload();
    auto self = shared_from_this();
    http::async_write(stream_, response_, [self](beast::error_code ec, std::size_t) {
      if (ec || !self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Connection>(std::move(socket))->start();
    accept(acceptor);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: beast_hello PORT [THREADS [BODY]]\n");
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  if (argc > 3) g_body = argv[3];
  asio::io_context io(threads);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  accept(acceptor);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
