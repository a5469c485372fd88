#include "client/ensure_server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "client/http_client.h"
#include "config/paths.h"
#include "ops/process.h"
#include "ops/start_lock.h"

extern char** environ;

namespace lyn::client {

namespace {

using Clock = std::chrono::steady_clock;
using ops::ServerState;

std::string connect_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "::1";
  return host;
}

}  // namespace

std::string default_server_root() {
  const char* root = std::getenv("LYNGUINE_SERVER_ROOT");
  const char* home = std::getenv("HOME");
  if (root && *root) return root;
  if (home && *home) return home;
  return current_directory();
}

bool is_alive(const ServerState& state, std::chrono::milliseconds timeout) {
  if (!ops::pid_alive(state.pid) || state.port == 0) return false;
  HeaderList headers;
  if (!state.token.empty()) headers.emplace_back("Authorization", "Bearer " + state.token);
  auto res = http_request(connect_host(state.host), state.port, "GET", "/api/health", {}, headers,
                          timeout);
  // Our pid holds the port but is too busy to answer in time (every worker
  // thread inside a long request): alive. Starting a second server would be
  // worse than waiting.
  if (!res.ok()) return res.error().type == "TimeoutError";
  if (res->status != 200) return false;
  if (res->header("X-Lynguine-Pid") != std::to_string(state.pid)) return false;
  return res->body.find("lynguine") != std::string::npos;
}

Result<ServerState> ensure_server(const EnsureOptions& options) {
  std::string dir = options.state_dir;
  if (dir.empty()) {
    auto d = ops::state_dir();
    if (!d.ok()) return d.error();
    dir = *d;
  }
  auto say = [&](const std::string& m) {
    if (options.on_message) options.on_message(m);
  };

  // Fast path without the lock: a live server of our version.
  if (auto st = ops::read_state(dir); st.ok() && st->version == options.version && is_alive(*st))
    return st;

  auto lock = ops::StartLock::acquire(dir);
  if (!lock.ok()) return lock.error();

  if (auto st = ops::read_state(dir); st.ok()) {
    if (is_alive(*st)) {
      if (st->version == options.version) return st;
      say("replacing lynguine server version " + st->version + " with " + options.version);
      if (!ops::stop_process(st->pid, std::chrono::milliseconds(3000), true))
        return Error::internal("cannot stop lynguine server pid " + std::to_string(st->pid));
    }
    ops::remove_state(dir);  // stale, or just stopped
  }

  std::string exe = options.executable;
  if (exe.empty()) {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return Error::os("readlink /proc/self/exe");
    exe.assign(buf, static_cast<std::size_t>(n));
  }
  std::string root = options.root;
  if (root.empty()) root = current_directory();
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
  if (rc != 0) return Error::os("cannot start " + exe, rc);

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
    return Error::internal("lynguine server did not start within the timeout (see " +
                           ops::log_file_path(dir) + ")");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Error::internal("lynguine server failed to start (see " + ops::log_file_path(dir) + ")");
  // The daemon wrote its state before signalling readiness; confirm it answers.
  do {
    if (auto st = ops::read_state(dir); st.ok() && is_alive(*st)) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (Clock::now() < deadline);
  return Error::internal("lynguine server started but does not answer (see " +
                         ops::log_file_path(dir) + ")");
}

}  // namespace lyn::client
