#include "client/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <cstring>

namespace lyn::client {

namespace {

std::string openssl_error(const char* what) {
  std::string out = what;
  unsigned long e;
  bool first = true;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

SSL_CTX* as_ctx(void* p) {
  return static_cast<SSL_CTX*>(p);
}
SSL* as_ssl(void* p) {
  return static_cast<SSL*>(p);
}

}  // namespace

Result<std::unique_ptr<TlsConnection>> TlsConnection::connect(int fd, const std::string& host_in,
                                                              const std::string& ca_file,
                                                              Clock::time_point deadline) {
  using Answer = Result<std::unique_ptr<TlsConnection>>;
  auto fail = [](std::string m) -> Answer { return Error{"SSLError", std::move(m), 502}; };
  std::string host = host_in;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  ERR_clear_error();
  std::unique_ptr<TlsConnection> c(new TlsConnection);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return fail(openssl_error("SSL_CTX_new"));
  c->ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1)
      return fail(openssl_error(("cannot load CA file " + ca_file).c_str()));
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return fail(openssl_error("cannot load the system CA store"));
  }
  SSL* ssl = SSL_new(ctx);
  if (!ssl) return fail(openssl_error("SSL_new"));
  c->ssl_ = ssl;
  SSL_set_fd(ssl, fd);
  in_addr a4{};
  in6_addr a6{};
  bool ip =
      ::inet_pton(AF_INET, host.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &a6) == 1;
  if (ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1)
      return fail(openssl_error("cannot set the expected IP address"));
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, host.c_str()) != 1)
      return fail(openssl_error("cannot set the expected host name"));
  }
  for (;;) {
    ERR_clear_error();
    int r = SSL_connect(ssl);
    if (r == 1) break;
    int e = SSL_get_error(ssl, r);
    short events = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK)
        return fail(std::string("TLS certificate verification failed for ") + host + ": " +
                    X509_verify_cert_error_string(verify));
      return fail(openssl_error(("TLS handshake with " + host + " failed").c_str()));
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Error{"TimeoutError", "TLS handshake timed out", 504};
    pollfd p{fd, events, 0};
    int pr = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (pr == 0) return Error{"TimeoutError", "TLS handshake timed out", 504};
    if (pr < 0 && errno != EINTR) return Error::os("poll");
  }
  return Answer(std::move(c));
}

TlsConnection::~TlsConnection() {
  if (ssl_) SSL_free(as_ssl(ssl_));  // no close_notify: the socket is closed next
  if (ctx_) SSL_CTX_free(as_ctx(ctx_));
}

long TlsConnection::result(int r) {
  if (r > 0) return r;
  int e = SSL_get_error(as_ssl(ssl_), r);
  switch (e) {
    case SSL_ERROR_WANT_READ:
      return kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return kEof;
    case SSL_ERROR_SYSCALL:
      if (errno == 0) return kEof;
      error_ = std::string("TLS: ") + std::strerror(errno);
      return kError;
    default:
      error_ = openssl_error("TLS");
      return kError;
  }
}

long TlsConnection::read(char* buf, std::size_t n) {
  ERR_clear_error();
  errno = 0;
  return result(SSL_read(as_ssl(ssl_), buf, static_cast<int>(std::min<std::size_t>(n, 1 << 30))));
}

long TlsConnection::write(const char* buf, std::size_t n) {
  ERR_clear_error();
  errno = 0;
  return result(SSL_write(as_ssl(ssl_), buf, static_cast<int>(std::min<std::size_t>(n, 1 << 30))));
}

}  // namespace lyn::client
