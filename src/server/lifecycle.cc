#include "server/lifecycle.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/fs.h"
#include "server/http_client.h"
#include "server/http_server.h"

extern char** environ;

namespace lyn::server {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

void set_err(std::string* err, std::string msg) {
  if (err) *err = std::move(msg);
}

bool is_usable_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::access(path.c_str(), W_OK | X_OK) == 0;
}

// mkdir -p; the last component gets `mode`, intermediate ones 0700 as well
// (only ~/.cache may be missing, and it is private by convention).
bool make_dirs(const std::string& path, mode_t mode, std::string* err) {
  if (path.empty()) return false;
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      set_err(err, errno_text("cannot create " + part));
      return false;
    }
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (!is_usable_dir(path)) {
    set_err(err, "not a writable directory: " + path);
    return false;
  }
  return true;
}

std::string home_dir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/tmp";
}

// The state file and /proc entries are small; anything larger is not ours.
constexpr std::size_t kMaxSmallFile = std::size_t{1} << 20;

std::string connect_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "::1";
  return host;
}

}  // namespace

// --- state --------------------------------------------------------------

std::string state_to_json(const ServerState& s) {
  nlohmann::json j;
  j["pid"] = static_cast<long long>(s.pid);
  j["host"] = s.host;
  j["port"] = s.port;
  j["version"] = s.version;
  j["root"] = s.root;
  j["started_at"] = s.started_at;
  if (!s.token.empty()) j["token"] = s.token;
  return j.dump(2);
}

std::optional<ServerState> state_from_json(std::string_view text, std::string* err) {
  try {
    auto j = nlohmann::json::parse(text);
    ServerState s;
    s.pid = static_cast<pid_t>(j.at("pid").get<long long>());
    s.host = j.value("host", std::string("127.0.0.1"));
    long long port = j.at("port").get<long long>();
    if (port <= 0 || port > 65535) throw std::runtime_error("port out of range");
    s.port = static_cast<unsigned short>(port);
    s.version = j.value("version", std::string());
    s.root = j.value("root", std::string());
    s.started_at = j.value("started_at", 0.0);
    if (j.contains("token") && j["token"].is_string()) s.token = j["token"].get<std::string>();
    if (s.pid <= 0) throw std::runtime_error("pid out of range");
    return s;
  } catch (const std::exception& e) {
    set_err(err, std::string("malformed state file: ") + e.what());
    return std::nullopt;
  }
}

std::optional<std::string> state_dir(std::string* err) {
  std::string dir;
  if (const char* s = std::getenv("LYNGUINE_STATE_DIR"); s && *s) {
    dir = s;
  } else if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x && is_usable_dir(x)) {
    dir = std::string(x) + "/lynguine";
  } else {
    dir = home_dir() + "/.cache/lynguine";
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!make_dirs(dir, 0700, err)) return std::nullopt;
  return dir;
}

std::string state_file_path(const std::string& dir) {
  return dir + "/server.json";
}
std::string log_file_path(const std::string& dir) {
  return dir + "/server.log";
}

bool write_state(const std::string& dir, const ServerState& state, std::string* err) {
  std::string final_path = state_file_path(dir);
  auto written = write_file_atomic(final_path, state_to_json(state) + "\n", {}, kPrivateFile);
  if (!written.ok()) {
    set_err(err, "cannot write " + final_path + ": " + written.error().message);
    return false;
  }
  return true;
}

std::optional<ServerState> read_state(const std::string& dir, std::string* err) {
  auto text = read_file(state_file_path(dir), {}, kMaxSmallFile);
  if (!text.ok()) {
    set_err(err, text.error().type == "FileNotFoundError"
                     ? "no state file"
                     : "cannot read state file: " + text.error().message);
    return std::nullopt;
  }
  return state_from_json(*text, err);
}

bool remove_state(const std::string& dir) {
  return ::unlink(state_file_path(dir).c_str()) == 0 || errno == ENOENT;
}

bool remove_state_if_ours(const std::string& dir, pid_t pid) {
  // Serialise with starters so we do not remove a successor's fresh state
  // between our read and our unlink. Do not wait for long: a starter replacing
  // us holds the lock while it waits for us to exit.
  std::optional<StartLock> lock;
  for (int i = 0; i < 10 && !lock; ++i) {
    lock = StartLock::try_acquire(dir);
    if (!lock) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto st = read_state(dir);
  if (!st || st->pid != pid) return false;
  return ::unlink(state_file_path(dir).c_str()) == 0;
}

bool pid_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie has exited; its parent (often init, for a daemon) may take a
  // while to reap it. /proc/<pid>/stat is "pid (comm) S ...".
  if (auto read = read_file("/proc/" + std::to_string(pid) + "/stat", {}, kMaxSmallFile);
      read.ok()) {
    const std::string& stat = *read;
    auto close_paren = stat.rfind(')');
    if (close_paren != std::string::npos && close_paren + 2 < stat.size()) {
      char state = stat[close_paren + 2];
      if (state == 'Z' || state == 'X') return false;
    }
  }
  return true;
}

bool is_alive(const ServerState& state, std::chrono::milliseconds timeout) {
  if (!pid_alive(state.pid) || state.port == 0) return false;
  server::HeaderList headers;
  if (!state.token.empty()) headers.emplace_back("Authorization", "Bearer " + state.token);
  std::string err;
  auto res = server::http_request(connect_host(state.host), state.port, "GET", "/api/health", {},
                                  headers, timeout, &err);
  // Our pid holds the port but is too busy to answer in time (every worker
  // thread inside a long request): alive. Starting a second server would be
  // worse than waiting.
  if (!res) return err.find("timed out") != std::string::npos;
  if (res->status != 200) return false;
  if (res->header("X-Lynguine-Pid") != std::to_string(state.pid)) return false;
  return res->body.find("lynguine") != std::string::npos;
}

bool stop_process(pid_t pid, std::chrono::milliseconds wait, bool kill_after) {
  if (!pid_alive(pid)) return true;
  if (::kill(pid, SIGTERM) != 0 && errno == ESRCH) return true;
  auto wait_gone = [pid](std::chrono::milliseconds d) {
    auto deadline = Clock::now() + d;
    while (Clock::now() < deadline) {
      int status;
      ::waitpid(pid, &status, WNOHANG);  // reap if it happens to be our child
      if (!pid_alive(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !pid_alive(pid);
  };
  if (wait_gone(wait)) return true;
  if (!kill_after) return false;
  ::kill(pid, SIGKILL);
  return wait_gone(std::chrono::milliseconds(1000));
}

// --- start lock ---------------------------------------------------------

namespace {
std::optional<int> open_lock(const std::string& dir, std::string* err) {
  std::string path = dir + "/start.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    set_err(err, errno_text("cannot open " + path));
    return std::nullopt;
  }
  return fd;
}
}  // namespace

std::optional<StartLock> StartLock::acquire(const std::string& dir, std::string* err) {
  auto fd = open_lock(dir, err);
  if (!fd) return std::nullopt;
  int r;
  do {
    r = ::flock(*fd, LOCK_EX);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    set_err(err, errno_text("flock"));
    ::close(*fd);
    return std::nullopt;
  }
  return StartLock(*fd);
}

std::optional<StartLock> StartLock::try_acquire(const std::string& dir, std::string* err) {
  auto fd = open_lock(dir, err);
  if (!fd) return std::nullopt;
  if (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    set_err(err, errno == EWOULDBLOCK ? "start lock is held" : errno_text("flock"));
    ::close(*fd);
    return std::nullopt;
  }
  return StartLock(*fd);
}

StartLock::StartLock(StartLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

StartLock& StartLock::operator=(StartLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StartLock::~StartLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

// --- ensure_server ------------------------------------------------------

std::optional<ServerState> ensure_server(const EnsureOptions& options, std::string* err) {
  std::string dir = options.state_dir;
  if (dir.empty()) {
    auto d = state_dir(err);
    if (!d) return std::nullopt;
    dir = *d;
  }
  auto say = [&](const std::string& m) {
    if (options.on_message) options.on_message(m);
  };

  // Fast path without the lock: a live server of our version.
  if (auto st = read_state(dir); st && st->version == options.version && is_alive(*st)) return st;

  auto lock = StartLock::acquire(dir, err);
  if (!lock) return std::nullopt;

  if (auto st = read_state(dir)) {
    if (is_alive(*st)) {
      if (st->version == options.version) return st;
      say("replacing lynguine server version " + st->version + " with " + options.version);
      if (!stop_process(st->pid, std::chrono::milliseconds(3000), true)) {
        set_err(err, "cannot stop lynguine server pid " + std::to_string(st->pid));
        return std::nullopt;
      }
    }
    remove_state(dir);  // stale, or just stopped
  }

  std::string exe = options.executable;
  if (exe.empty()) {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) {
      set_err(err, errno_text("readlink /proc/self/exe"));
      return std::nullopt;
    }
    exe.assign(buf, static_cast<std::size_t>(n));
  }
  std::string root = options.root;
  if (root.empty()) {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd)) root = cwd;
  }
  std::vector<std::string> args = options.args;
  if (args.empty())
    args = {"serve",          "--daemon",
            "--port",         "0",
            "--idle-timeout", std::to_string(options.idle_timeout_seconds),
            "--root",         root};
  std::vector<char*> argv;
  argv.push_back(exe.data());
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Environment: ours, with LYNGUINE_STATE_DIR pinned to the directory we watch.
  std::vector<std::string> env_store;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "LYNGUINE_STATE_DIR=", 19) != 0) env_store.emplace_back(*e);
  env_store.push_back("LYNGUINE_STATE_DIR=" + dir);
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t child = 0;
  int rc = ::posix_spawn(&child, exe.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    set_err(err, "cannot start " + exe + ": " + std::strerror(rc));
    return std::nullopt;
  }

  // `serve --daemon` returns once its daemon is listening (or has failed).
  auto deadline = Clock::now() + options.start_timeout;
  int status = 0;
  bool exited = false;
  while (Clock::now() < deadline + std::chrono::seconds(2)) {
    pid_t r = ::waitpid(child, &status, WNOHANG);
    if (r == child) {
      exited = true;
      break;
    }
    if (r < 0 && errno != EINTR) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    set_err(err,
            "lynguine server did not start within the timeout (see " + log_file_path(dir) + ")");
    return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    set_err(err, "lynguine server failed to start (see " + log_file_path(dir) + ")");
    return std::nullopt;
  }
  // The daemon wrote its state before signalling readiness; confirm it answers.
  do {
    if (auto st = read_state(dir); st && is_alive(*st)) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (Clock::now() < deadline);
  set_err(err, "lynguine server started but does not answer (see " + log_file_path(dir) + ")");
  return std::nullopt;
}

// --- daemonize ----------------------------------------------------------

DaemonReady& DaemonReady::operator=(DaemonReady&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DaemonReady::~DaemonReady() {
  if (fd_ >= 0) ::close(fd_);
}

void DaemonReady::ready() {
  if (fd_ < 0) return;
  write_all(fd_, "ok");
  ::close(fd_);
  fd_ = -1;
}

void DaemonReady::failed(const std::string& message) {
  if (fd_ < 0) return;
  write_all(fd_, "error: " + message);
  ::close(fd_);
  fd_ = -1;
}

DaemonResult daemonize(const std::string& log_path, std::chrono::milliseconds timeout) {
  DaemonResult result;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "lynguine: %s\n", errno_text("pipe").c_str());
    result.exit_code = 1;
    return result;
  }
  std::fflush(nullptr);
  pid_t first = ::fork();
  if (first < 0) {
    std::fprintf(stderr, "lynguine: %s\n", errno_text("fork").c_str());
    ::close(fds[0]);
    ::close(fds[1]);
    result.exit_code = 1;
    return result;
  }
  if (first > 0) {
    // Original process: wait for the daemon's word.
    ::close(fds[1]);
    std::string msg;
    auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    for (;;) {
      pollfd p{fds[0], POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        timed_out = r == 0;
        break;
      }
      char buf[512];
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      msg.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
    }
    if (msg == "ok") {
      result.exit_code = 0;
    } else {
      if (timed_out)
        msg = "the server did not become ready in time";
      else if (msg.empty())
        msg = "the server exited before it was ready";
      else if (msg.rfind("error: ", 0) == 0)
        msg = msg.substr(7);
      std::fprintf(stderr, "lynguine: %s (log: %s)\n", msg.c_str(), log_path.c_str());
      result.exit_code = 1;
    }
    return result;
  }
  // First child.
  ::close(fds[0]);
  ::setsid();
  pid_t second = ::fork();
  if (second < 0) _exit(1);
  if (second > 0) _exit(0);
  // Daemon. Drop inherited descriptors (they could keep a caller's pipe open)
  // except the readiness pipe.
  if (fds[1] < 3) {  // stdio was closed; keep the pipe clear of 0..2
    int moved = ::fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
    if (moved >= 0) fds[1] = moved;
  }
  if (fds[1] > 3) ::close_range(3, static_cast<unsigned>(fds[1]) - 1, 0);
  ::close_range(static_cast<unsigned>(fds[1]) + 1, ~0U, 0);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    if (devnull > 2) ::close(devnull);
  }
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (log >= 0) {
    ::dup2(log, 2);
    if (log > 2) ::close(log);
  } else {
    ::dup2(0, 2);
  }
  result.is_child = true;
  result.ready = DaemonReady(fds[1]);
  return result;
}

// --- ServerWatch --------------------------------------------------------

struct ServerWatch::Impl : std::enable_shared_from_this<ServerWatch::Impl> {
  HttpServer& server;
  double idle_timeout;
  boost::asio::steady_timer timer;
  std::optional<boost::asio::signal_set> signals;
  std::atomic<int> signal_count{0};
  std::atomic<bool> stopped{false};
  mutable std::mutex mu;
  std::string reason;

  Impl(HttpServer& s, double t) : server(s), idle_timeout(t), timer(s.context()) {}

  double idle_seconds() const {
    if (server.in_flight() > 0) return 0.0;
    return std::chrono::duration<double>(Clock::now() - server.last_activity()).count();
  }

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

ServerWatch::ServerWatch(HttpServer& server, double idle_timeout_seconds, bool handle_signals)
    : impl_(std::make_shared<Impl>(server, idle_timeout_seconds)) {
  if (handle_signals) {
    impl_->signals.emplace(server.context(), SIGTERM, SIGINT, SIGHUP);
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

}  // namespace lyn::server
