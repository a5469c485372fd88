#include "app/serve.h"

#include <arpa/inet.h>  // inet_ntop (socket activation)
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "client/ensure_server.h"
#include "ops/daemon.h"
#include "ops/server_watch.h"
#include "ops/state_file.h"
#include "server/api_keys.h"
#include "server/secrets.h"

namespace lyn::app {

namespace {

using server::GuardOptions;
using server::HttpServer;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string absolute_root(const std::string& root) {
  std::error_code ec;
  std::filesystem::path p =
      root.empty() ? std::filesystem::current_path(ec) : std::filesystem::path(root);
  auto abs = std::filesystem::absolute(p, ec);
  if (ec) return p.string();
  auto canon = std::filesystem::weakly_canonical(abs, ec);
  return ec ? abs.string() : canon.string();
}

// systemd's sd_listen_fds protocol, without libsystemd: when LISTEN_PID is
// this process and LISTEN_FDS >= 1, fd 3 is a listening socket handed over by
// the service manager (lynguine.socket). Returns it (close-on-exec, the
// variables unset so nothing we start inherits them) and sets *host to its
// address; -1 when not socket-activated.
int systemd_listen_fd(std::string* host) {
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  if (!pid || !fds || std::atol(pid) != static_cast<long>(::getpid()) || std::atoi(fds) < 1)
    return -1;
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  const int fd = 3;  // SD_LISTEN_FDS_START; any further fds are ignored
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  char text[INET6_ADDRSTRLEN] = {0};
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    if (addr.ss_family == AF_INET &&
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof text))
      *host = text;
    else if (addr.ss_family == AF_INET6 &&
             ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text,
                         sizeof text))
      *host = text;
  }
  return fd;
}

}  // namespace

ServeOptions serve_options_from_env() {
  ServeOptions o;
  if (const char* h = std::getenv("LYNGUINE_SERVER_HOST"); h && *h) o.host = h;
  if (const char* p = std::getenv("LYNGUINE_SERVER_PORT"); p && *p) {
    char* end = nullptr;
    long v = std::strtol(p, &end, 10);
    if (end && *end == '\0' && v >= 0 && v <= 65535) o.port = static_cast<unsigned short>(v);
  }
  return o;
}

ops::WatchedServer watched(HttpServer& server) {
  return {server.context(),
          [&server] {
            if (server.in_flight() > 0) return 0.0;
            return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                 server.last_activity())
                .count();
          },
          [&server] { server.shutdown_gracefully(); }, [&server] { server.stop(); }};
}

int run_serve(const ServeOptions& options) {
  std::string root = absolute_root(options.root);
  std::string dir;
  if (options.write_state || options.daemon) {
    auto d = ops::state_dir();
    if (!d.ok()) {
      std::fprintf(stderr, "lynguine: %s\n", d.error().message.c_str());
      return 1;
    }
    dir = *d;
  }

  // Security ("safe to leave running"): settle keys, token and TLS before
  // anything listens. A non-loopback bind must have API keys.
  GuardOptions guard = options.guard;
  guard.remote =
      !server::is_loopback_name(server::host_name_of(options.host).value_or(options.host));
  if (!options.api_keys_file.empty()) {
    auto keys = server::ApiKeys::load(options.api_keys_file);
    if (!keys.ok()) {
      std::fprintf(stderr, "lynguine: %s\n", keys.error().message.c_str());
      return 1;
    }
    guard.api_keys = std::make_shared<const server::ApiKeys>(std::move(keys).value());
  }
  bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  auto refuse = [](const std::string& msg) {
    std::fprintf(stderr, "lynguine: %s\n", msg.c_str());
    return 1;
  };
  if (tls && (options.tls_cert.empty() || options.tls_key.empty()))
    return refuse("--tls-cert and --tls-key go together");
  if (guard.remote && !guard.api_keys)
    return refuse("refusing to listen on " + options.host +
                  " (not a loopback address) without --api-keys FILE; bind 127.0.0.1 or "
                  "configure API keys");
  if (guard.remote && options.require_tls && !tls)
    return refuse("--require-tls: refusing a plain (non-TLS) bind on " + options.host +
                  "; give --tls-cert and --tls-key");
  std::string token = options.token;
  std::string token_path;
  if (!options.auth_token_file.empty()) {
    auto t = server::read_secret_file(options.auth_token_file);
    if (!t.ok()) return refuse("--auth-token-file: " + t.error().message);
    token = *t;
  } else if (options.auth_token_auto) {
    auto d = dir.empty() ? ops::state_dir() : Result<std::string>(dir);
    if (!d.ok()) return refuse("--auth-token auto: " + d.error().message);
    auto t = server::random_token(32);
    if (!t.ok()) return refuse("--auth-token auto: " + t.error().message);
    token_path = *d + "/token";
    if (auto st = server::write_secret_file(token_path, *t); !st.ok())
      return refuse(st.error().message);
    token = *t;
  }
  guard.token = token;
  if (guard.remote && !tls)
    std::fprintf(stderr, "lynguine: warning: serving %s without TLS: API keys travel in clear\n",
                 options.host.c_str());

  ops::DaemonReady ready;
  if (options.daemon) {
    ops::DaemonResult r = ops::daemonize(ops::log_file_path(dir));
    if (!r.is_child) return r.exit_code;
    ready = std::move(r.ready);
  }
  ::signal(SIGPIPE, SIG_IGN);

  auto fail = [&](const std::string& msg) {
    std::fprintf(stderr, "lynguine: %s\n", msg.c_str());
    ready.failed(msg);
    return 1;
  };

  HttpServer server(nullptr, options.limits);
  // Socket activation (systemd): a listening socket inherited as fd 3 is
  // served instead of binding host:port. See systemd_listen_fd() above.
  std::string host = options.host;
  Status listening = Ok{};
  if (int fd = options.daemon ? -1 : systemd_listen_fd(&host); fd >= 0)
    listening = server.adopt(fd);
  else
    listening = server.listen(options.host, options.port);
  if (!listening.ok()) return fail(listening.error().message);

  if (tls)
    if (auto st = server.enable_tls(options.tls_cert, options.tls_key); !st.ok())
      return fail(st.error().message);
  if (host != options.host && !server::is_loopback_name(host) &&
      !guard.api_keys)  // socket activation
    return fail("refusing to serve a non-loopback socket (" + host + ") without --api-keys");

  ServeInfo info;
  info.host = host;
  info.port = server.port();
  info.pid = ::getpid();
  info.root = root;
  info.version = options.version;
  info.started_at = unix_now();
  info.idle_timeout_seconds = options.idle_timeout_seconds;
  info.state_dir = dir;
  info.in_flight = [&server] { return server.in_flight(); };
  info.idle_seconds = [&server] {
    if (server.in_flight() > 0) return 0.0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - server.last_activity())
        .count();
  };
  try {
    if (!options.make_handler) return fail("no request handler configured");
    // Every request passes the Guard (Host, Origin, auth, rights, rate,
    // response size) before it reaches the API; the routes' rights come with
    // the handler.
    ServeHandler serving = options.make_handler(info);
    if (serving.describe) guard.describe = std::move(serving.describe);
    server.set_handler(
        server::Guard::wrap(std::make_shared<server::Guard>(guard), std::move(serving.handler)));
  } catch (const std::exception& e) {
    return fail(std::string("cannot set up the request handler: ") + e.what());
  }

  bool own_state = false;
  // A TLS or API-key server is not the per-user local server: the lifecycle
  // (plain HTTP, no keys) could neither check nor use it, so it is not recorded.
  if (options.write_state && !tls && !guard.api_keys) {
    ops::ServerState st;
    st.pid = info.pid;
    st.host = host;
    st.port = info.port;
    st.version = options.version;
    st.root = root;
    st.started_at = info.started_at;
    st.token = token;
    // Do not displace another live server's record (only one is "the" server).
    auto existing = ops::read_state(dir);
    if (existing.ok() && existing->pid != info.pid && client::is_alive(*existing)) {
      std::fprintf(stderr,
                   "lynguine: another server (pid %d, port %u) is recorded in %s; not "
                   "recording this one\n",
                   static_cast<int>(existing->pid), existing->port, dir.c_str());
    } else if (auto written = ops::write_state(dir, st); !written.ok()) {
      return fail(written.error().message);
    } else {
      own_state = true;
    }
  }

  int code = 0;
  {
    ops::ServerWatch watch(watched(server), options.idle_timeout_seconds, true);
    if (options.daemon) {
      std::fprintf(stderr, "lynguine: server %s listening on %s:%u (pid %d, root %s)\n",
                   options.version.c_str(), host.c_str(), info.port, static_cast<int>(info.pid),
                   root.c_str());
      ready.ready();
    } else if (!options.quiet) {
      std::fprintf(stderr, "lynguine server %s listening on %s://%s:%u (pid %d, root %s)\n",
                   options.version.c_str(), tls ? "https" : "http", host.c_str(), info.port,
                   static_cast<int>(info.pid), root.c_str());
    }
    std::fflush(stderr);
    try {
      server.run(options.threads < 1 ? 1 : options.threads);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lynguine: server stopped on error: %s\n", e.what());
      code = 1;
    }
  }
  if (own_state) ops::remove_state_if_ours(dir, info.pid);
  std::fprintf(stderr, "lynguine: server (pid %d) stopped\n", static_cast<int>(info.pid));
  return code;
}

}  // namespace lyn::app
