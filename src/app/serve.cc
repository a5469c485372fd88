#include "app/serve.h"

#include <arpa/inet.h>  // inet_ntop (socket activation)
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/fs.h"
#include "core/random.h"
#include "ops/activity.h"
#include "ops/daemon.h"
#include "ops/lynguine_lockfile.h"
#include "ops/process.h"
#include "ops/server_watch.h"
#include "ops/start_lock.h"
#include "ops/state_dir.h"
#include "ops/state_file.h"
#include "ops/status_page.h"
#include "server/api_keys.h"
#include "server/client_address.h"
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

namespace {

// The client's end of the connection as it sees itself (what the proof of
// identity binds to): the transport shows an IPv4 client of a dual-stack
// socket as "::ffff:a.b.c.d:port", the client shows "a.b.c.d:port".
std::string client_end(const std::string& remote) {
  if (remote.rfind("::ffff:", 0) == 0 && remote.find('.') != std::string::npos)
    return remote.substr(7);
  return remote;
}

// Answers every request carrying X-Lynguine-Challenge with the proof of
// identity (client/server_check.h), whatever its status, so that a client
// can tell this server from whatever else may hold its port or socket
// before it sends a token, and a stopper before it signals our pid. Added
// by the transport to every answer whose request's headers it parsed: the
// handler's, the Guard's refusals (a client proves the server before it
// sends the token, so its first, token-less request may well be refused)
// and the transport's own (413, 400 framing, 429, 503 queue and deadline).
server::AnswerHeaders identity_proof_headers(std::string nonce) {
  return [nonce = std::move(nonce)](const server::HttpRequest& req,
                                    std::vector<std::pair<std::string, std::string>>& headers) {
    std::string challenge = req.header("X-Lynguine-Challenge");
    if (challenge.empty()) return;
    std::string proof = server::identity_proof(nonce, challenge, client_end(req.remote));
    if (!proof.empty()) headers.emplace_back("X-Lynguine-Proof", std::move(proof));
  };
}

bool is_poll(const server::HttpRequest& req) {
  return ops::is_status_page_poll(req.method, req.target,
                                  req.header(std::string(ops::kStatusPollHeader)));
}

// Every request but the status page's polls is activity: when it arrives
// (refused or not) and while it is handled.
server::Admission counting_activity(std::shared_ptr<ops::Activity> activity,
                                    server::Admission inner) {
  return [activity = std::move(activity), inner = std::move(inner)](server::HttpRequest& req) {
    if (!is_poll(req)) activity->touch();
    return inner ? inner(req) : server::Admitted{};
  };
}
server::Handler counting_activity(std::shared_ptr<ops::Activity> activity, server::Handler inner) {
  return
      [activity = std::move(activity), inner = std::move(inner)](const server::HttpRequest& req) {
        if (is_poll(req)) return inner(req);
        activity->begin();
        struct End {
          ops::Activity& a;
          ~End() { a.end(); }
        } end{*activity};
        return inner(req);
      };
}

// Removes our Unix socket file when we stop, unless a successor's has
// replaced it (different inode), holding the start lock so no starter
// races us (briefly: a starter replacing us holds it while it waits).
void remove_own_socket(const ops::StateDir* dir, const std::string& path, ino_t ino) {
  std::optional<ops::StartLock> lock;
  if (dir) lock = ops::StartLock::try_for(*dir, std::chrono::milliseconds(200));
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino)
    ::unlink(path.c_str());
}

}  // namespace

int run_serve(const ServeOptions& options) {
  std::string root = absolute_root(options.root);
  auto refuse = [](const std::string& msg) {
    std::fprintf(stderr, "lynguine: %s\n", msg.c_str());
    return 1;
  };
  bool unix_socket = !options.socket.empty();
  std::optional<ops::StateDir> dir;
  if (options.write_state || options.daemon || options.auth_token_auto) {
    auto d = ops::StateDir::open();
    if (!d.ok()) return refuse(d.error().message);
    dir.emplace(std::move(d).value());
  }

  // Security ("safe to leave running"): settle keys, token and TLS before
  // anything listens. A non-loopback bind must have API keys.
  GuardOptions guard = options.guard;
  guard.remote = !unix_socket && !server::is_loopback_name(
                                     server::host_name_of(options.host).value_or(options.host));
  if (!options.api_keys_file.empty()) {
    auto keys = server::ApiKeys::load(options.api_keys_file);
    if (!keys.ok()) return refuse(keys.error().message);
    guard.api_keys = std::make_shared<const server::ApiKeys>(std::move(keys).value());
  }
  bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty()))
    return refuse("--tls-cert and --tls-key go together");
  if (unix_socket && tls) return refuse("--socket serves plain HTTP; drop --tls-cert/--tls-key");
  if (guard.remote && !guard.api_keys)
    return refuse("refusing to listen on " + options.host +
                  " (not a loopback address) without --api-keys FILE; bind 127.0.0.1 or "
                  "configure API keys");
  if (guard.remote && options.require_tls && !tls)
    return refuse("--require-tls: refusing a plain (non-TLS) bind on " + options.host +
                  "; give --tls-cert and --tls-key");
  bool auth_none = options.auth == "none";
  bool given_token =
      !options.token.empty() || !options.auth_token_file.empty() || options.auth_token_auto;
  if (auth_none && (given_token || guard.api_keys))
    return refuse("--auth none goes with neither a token nor API keys");
  std::string token = options.token;
  if (!options.auth_token_file.empty()) {
    auto t = server::read_secret_file(options.auth_token_file);
    if (!t.ok()) return refuse("--auth-token-file: " + t.error().message);
    token = *t;
  } else if (token.empty() && !unix_socket && !guard.api_keys && !auth_none) {
    // Every TCP server without API keys requires the local token: any local
    // user can reach a loopback port. Our clients read it from the record in
    // the private state directory; lynguine's own ServerClient sends none,
    // so serving it takes an explicit --auth none.
    auto t = server::random_token(32);
    if (!t.ok()) return refuse("cannot make a token: " + t.error().message);
    token = *t;
  }
  if (options.auth_token_auto) {
    if (auto st =
            write_file_at(dir->fd(), "token", token + "\n", dir->path() + "/token", kPrivateFile);
        !st.ok())
      return refuse(st.error().message);
  }
  guard.token = token;
  if (guard.remote && !tls)
    std::fprintf(stderr, "lynguine: warning: serving %s without TLS: API keys travel in clear\n",
                 options.host.c_str());
  if (auth_none && !options.quiet)
    std::fprintf(stderr, "lynguine: warning: --auth none: every local user can use this server\n");

  ops::DaemonReady ready;
  if (options.daemon) {
    // The log is opened here, in the state directory, never following a
    // symlink planted at its name.
    auto log = dir->open_private_file("server.log", O_WRONLY | O_APPEND);
    if (!log.ok()) return refuse(log.error().message);
    // The daemon closes every inherited descriptor but its log (as stderr):
    // the state directory is opened afresh (and checked again) there.
    std::string path = dir->path(), log_shown = dir->log_path();
    dir.reset();
    int log_fd = log->release();
    ops::DaemonResult r = ops::daemonize(log_fd, log_shown);
    if (!r.is_child) {
      ::close(log_fd);
      return r.exit_code;
    }
    ready = std::move(r.ready);
    auto reopened = ops::StateDir::open(path);
    if (!reopened.ok()) {
      ready.failed(reopened.error().message);
      return 1;
    }
    dir.emplace(std::move(reopened).value());
  }
  ::signal(SIGPIPE, SIG_IGN);

  auto fail = [&](const std::string& msg) {
    std::fprintf(stderr, "lynguine: %s\n", msg.c_str());
    ready.failed(msg);
    return 1;
  };

  server::ServerLimits limits = options.limits;
  // A trusted proxy carries many clients: its connections count only
  // against the total cap, not the per-address one.
  if (!guard.trusted_proxies.empty())
    limits.shared_address = [proxies = guard.trusted_proxies](std::string_view address) {
      return server::is_trusted_proxy(address, proxies);
    };
  HttpServer server(nullptr, limits);
  // Socket activation (systemd): a listening socket inherited as fd 3 is
  // served instead of binding host:port. See systemd_listen_fd() above.
  std::string host = options.host;
  Status listening = Ok{};
  if (int fd = options.daemon ? -1 : systemd_listen_fd(&host); fd >= 0)
    listening = server.adopt(fd);
  else if (unix_socket)
    listening = server.listen_unix(options.socket);
  else
    listening = server.listen(options.host, options.port);
  if (!listening.ok()) return fail(listening.error().message);
  unix_socket = !server.unix_path().empty();
  ino_t socket_ino = 0;
  if (unix_socket) {
    struct stat st;
    if (::lstat(server.unix_path().c_str(), &st) == 0) socket_ino = st.st_ino;
  }

  if (tls)
    if (auto st = server.enable_tls(options.tls_cert, options.tls_key); !st.ok())
      return fail(st.error().message);
  if (!unix_socket && host != options.host && !server::is_loopback_name(host) &&
      !guard.api_keys)  // socket activation
    return fail("refusing to serve a non-loopback socket (" + host + ") without --api-keys");

  auto nonce = random_hex(32);
  if (!nonce.ok()) return fail(nonce.error().message);

  // Every server records itself (server-<pid>.json), so that our clients
  // find it, prove it and use its token, and `serve --status/--list/--stop`
  // see it. Filled in here; written once the handler is set up.
  ops::ServerRecord self;
  self.pid = ::getpid();
  self.process_start = ops::process_start_time(self.pid);
  self.socket = server.unix_path();
  if (!unix_socket) {
    self.host = host;
    self.port = server.port();
  }
  self.tls = tls;
  self.tls_cert = options.tls_cert;
  self.auth = unix_socket      ? "socket"
              : guard.api_keys ? "api-keys"
              : token.empty()  ? "none"
                               : "token";
  self.token = token;
  self.nonce = *nonce;
  self.version = options.version;
  self.root = root;
  self.started_at = unix_now();
  auto activity = std::make_shared<ops::Activity>();

  ServeInfo info;
  info.host = unix_socket ? "localhost" : host;
  info.port = server.port();
  info.socket = server.unix_path();
  info.pid = self.pid;
  info.root = root;
  info.version = options.version;
  info.started_at = self.started_at;
  info.idle_timeout_seconds = options.idle_timeout_seconds;
  info.state_dir = dir ? dir->path() : "";
  info.tls = tls;
  info.auth_required = !guard.token.empty() || (guard.api_keys && !guard.api_keys->empty());
  info.auth = self.auth;
  info.url = self.url();
  info.in_flight = [&server] { return server.in_flight(); };
  info.transport = [&server] { return server.stats(); };
  info.idle_seconds = [activity] { return activity->idle_seconds(); };
  info.last_active_unix = [activity] { return activity->last_active_unix(); };
  try {
    if (!options.make_handler) return fail("no request handler configured");
    // Every request passes the Guard (Host, Origin, auth, rights, rate,
    // response size) before it reaches the API; the routes' rights come with
    // the handler. The Guard runs on the I/O thread (a refusal costs no
    // worker); the handler on the worker pool, except the cheap probes. Every
    // answer of the handler to a challenge carries the identity proof.
    ServeHandler serving = options.make_handler(info);
    if (serving.describe) guard.describe = std::move(serving.describe);
    guard.on_refusal = serving.on_refusal;
    auto g = std::make_shared<server::Guard>(guard);
    server.set_admission(
        counting_activity(activity, server::Guard::admission(g, std::move(serving.cheap))));
    server.set_answer_headers(identity_proof_headers(*nonce));
    server.set_handler(
        server::Guard::limit_response(g, counting_activity(activity, std::move(serving.handler))));
    server.set_refusal_observer(std::move(serving.on_refusal));
  } catch (const std::exception& e) {
    return fail(std::string("cannot set up the request handler: ") + e.what());
  }

  bool recorded = false;
  if (options.write_state) {
    if (auto written = ops::write_record(*dir, self); !written.ok())
      return fail(written.error().message);
    recorded = true;
  }
  // lynguine's lockfile, so that lynguine's check_server_running() knows a
  // lynguine server holds this TCP port.
  std::string lockfile;
  if (!unix_socket) {
    std::string path = ops::lynguine_lockfile_path(options.host, info.port);
    if (auto st = ops::create_lynguine_lockfile(path, info.pid); st.ok())
      lockfile = path;
    else if (!options.quiet)
      std::fprintf(stderr, "lynguine: warning: %s\n", st.error().message.c_str());
  }

  // Where a client on this machine reaches us (a wildcard bind: loopback).
  const std::string url = self.url();
  int code = 0;
  {
    // Idle means no request but the status page's polls (ops/activity.h).
    ops::WatchedServer watching = watched(server);
    watching.idle_seconds = [activity] { return activity->idle_seconds(); };
    ops::ServerWatch watch(std::move(watching), options.idle_timeout_seconds, true);
    if (options.daemon) {
      std::fprintf(stderr, "lynguine: server %s listening on %s (pid %d, root %s)\n",
                   options.version.c_str(), url.c_str(), static_cast<int>(info.pid), root.c_str());
      ready.ready(url);
    } else if (!options.quiet) {
      std::fprintf(stderr, "lynguine server %s listening on %s (pid %d, root %s)\n",
                   options.version.c_str(), url.c_str(), static_cast<int>(info.pid), root.c_str());
    }
    std::fflush(stderr);
    try {
      server.run(options.threads < 1 ? 1 : options.threads);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lynguine: server stopped on error: %s\n", e.what());
      code = 1;
    }
  }
  if (recorded) ops::remove_record(*dir, self);
  if (unix_socket && socket_ino)
    remove_own_socket(dir ? &*dir : nullptr, server.unix_path(), socket_ino);
  if (!lockfile.empty()) ops::remove_lynguine_lockfile(lockfile, info.pid);
  std::fprintf(stderr, "lynguine: server (pid %d) stopped\n", static_cast<int>(info.pid));
  return code;
}

}  // namespace lyn::app
