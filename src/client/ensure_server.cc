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
#include "client/server_check.h"
#include "config/paths.h"
#include "core/platform.h"
#include "ops/process.h"
#include "ops/stale_socket.h"
#include "ops/start_lock.h"

extern char** environ;

namespace lyn::client {

namespace {

using Clock = std::chrono::steady_clock;
using ops::ServerRecord;

// Records of the per-user server: those on dir's socket.
std::vector<ServerRecord> local_records(const ops::StateDir& dir) {
  std::vector<ServerRecord> out;
  for (auto& r : ops::list_records(dir))
    if (r.socket == dir.socket_path()) out.push_back(std::move(r));
  return out;
}

// A live per-user server of `version` that proves itself (or is too busy to
// answer, its process alive as recorded: starting a second one would be
// worse than waiting for it).
std::optional<ServerRecord> live_local_server(const ops::StateDir& dir,
                                              const std::string& version) {
  for (auto& r : local_records(dir)) {
    if (r.version != version) continue;
    ServerCheck c = check_server(r);
    if (c.verdict == ServerCheck::kProven || c.verdict == ServerCheck::kSilent) return r;
  }
  return std::nullopt;
}

}  // namespace

std::string default_server_root() {
  const char* root = std::getenv("LYNGUINE_SERVER_ROOT");
  const char* home = std::getenv("HOME");
  if (root && *root) return root;
  if (home && *home) return home;
  return current_directory();
}

std::optional<ServerRecord> recorded_local_server(const ops::StateDir& dir,
                                                  const std::string& version) {
  for (auto& r : local_records(dir))
    if (r.version == version && ops::same_process(r.pid, r.process_start) && !socket_abandoned(r))
      return r;
  return std::nullopt;
}

Result<ServerRecord> ensure_server(const EnsureOptions& options) {
  auto opened =
      options.state_dir.empty() ? ops::StateDir::open() : ops::StateDir::open(options.state_dir);
  if (!opened.ok()) return opened.error();
  const ops::StateDir& dir = *opened;
  auto say = [&](const std::string& m) {
    if (options.on_message) options.on_message(m);
  };

  // Fast path without the lock: a live server of our version.
  if (auto r = live_local_server(dir, options.version)) return *r;

  auto lock = ops::StartLock::acquire(dir);
  if (!lock.ok()) return lock.error();

  for (const auto& r : local_records(dir)) {
    ServerCheck c = check_server(r);
    if (c.alive()) {
      if (r.version == options.version &&
          (c.verdict == ServerCheck::kProven || c.verdict == ServerCheck::kSilent))
        return r;
      // Another version (or an unproven answer): replace it, but signal its
      // pid only if it is provably our server.
      if (!may_signal(r, c))
        return Error{"PermissionError",
                     "the recorded lynguine server pid " + std::to_string(r.pid) +
                         " did not prove its identity (" + c.detail + "); not signalling it",
                     403};
      say("replacing lynguine server version " + r.version + " with " + options.version);
      if (!ops::stop_process(r.pid, std::chrono::milliseconds(3000), true))
        return Error::internal("cannot stop lynguine server pid " + std::to_string(r.pid));
    }
    ops::remove_record(dir, r);  // stale, or just stopped
  }
  // A socket left by a killed server blocks the new one's bind.
  if (auto st = ops::remove_stale_socket(dir.socket_path()); !st.ok()) return st.error();

  std::string exe = options.executable;
  if (exe.empty()) {
    auto self = platform::executable_path();
    if (!self.ok()) return self.error();
    exe = std::move(*self);
  }
  std::string root = options.root;
  if (root.empty()) root = current_directory();
  std::vector<std::string> args = options.args;
  if (args.empty())
    args = {"serve",          "--daemon",
            "--socket",       dir.socket_path(),
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
  env_store.push_back("LYNGUINE_STATE_DIR=" + dir.path());
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
                           dir.log_path() + ")");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Error::internal("lynguine server failed to start (see " + dir.log_path() + ")");
  // The daemon wrote its record before signalling readiness; prove it.
  do {
    if (auto r = live_local_server(dir, options.version)) return *r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (Clock::now() < deadline);
  return Error::internal("lynguine server started but does not answer (see " + dir.log_path() +
                         ")");
}

}  // namespace lyn::client
