// Tests for the server lifecycle: state directory and file, start lock, stale
// state detection, daemonize, idle timeout. Each test uses its own
// LYNGUINE_STATE_DIR under a fresh temporary directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/serve.h"
#include "client/ensure_server.h"
#include "ops/daemon.h"
#include "ops/process.h"
#include "ops/server_watch.h"
#include "ops/start_lock.h"
#include "ops/state_file.h"
#include "server/http_server.h"

namespace {

namespace fs = std::filesystem;
using namespace lyn::app;
using namespace lyn::client;
using namespace lyn::ops;
using lyn::server::HttpRequest;
using lyn::server::HttpResponse;
using lyn::server::HttpServer;
using namespace std::chrono_literals;

// The error's message, for assertion output.
template <typename R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

// ensure_server() starts `<exe> serve --daemon --port 0 --idle-timeout N
// --root R`. To test it without the CLI, this test binary plays the server
// when started with LYN_LIFECYCLE_TEST_SERVER=<version> in its environment:
// before main() runs, it serves a /api/health and exits.
int MaybeRunAsTestServer() {
  const char* version = std::getenv("LYN_LIFECYCLE_TEST_SERVER");
  if (!version) return 0;
  std::vector<std::string> args;
  {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    for (std::string a; std::getline(in, a, '\0');) args.push_back(a);
  }
  if (args.size() < 2 || args[1] != "serve") return 0;
  ServeOptions o;
  o.version = version;
  o.quiet = true;
  for (std::size_t i = 2; i < args.size(); ++i) {
    bool has_value = i + 1 < args.size();
    if (args[i] == "--daemon")
      o.daemon = true;
    else if (args[i] == "--port" && has_value)
      o.port = static_cast<unsigned short>(std::stoi(args[++i]));
    else if (args[i] == "--idle-timeout" && has_value)
      o.idle_timeout_seconds = std::stod(args[++i]);
    else if (args[i] == "--root" && has_value)
      o.root = args[++i];
  }
  o.make_handler = [v = std::string(version)](const ServeInfo&) {
    return ServeHandler{[v](const HttpRequest&) {
                          return HttpResponse{200,
                                              "application/json",
                                              "{\"status\":\"ok\",\"server\":\"lynguine-server-"
                                              "poc\",\"version\":\"" +
                                                  v + "\"}",
                                              {}};
                        },
                        {}};
  };
  _exit(run_serve(o));
}
[[maybe_unused]] const int kTestServerMode = MaybeRunAsTestServer();

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lyn_lifecycle_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    dir_ = base_ + "/state/lynguine";  // two levels that do not exist yet
    const char* old = std::getenv("LYNGUINE_STATE_DIR");
    if (old) old_env_ = old;
    had_env_ = old != nullptr;
    ::setenv("LYNGUINE_STATE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (had_env_)
      ::setenv("LYNGUINE_STATE_DIR", old_env_.c_str(), 1);
    else
      ::unsetenv("LYNGUINE_STATE_DIR");
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static ServerState Sample(pid_t pid, unsigned short port) {
    ServerState s;
    s.pid = pid;
    s.host = "127.0.0.1";
    s.port = port;
    s.version = "9.9.9";
    s.root = "/some/root";
    s.started_at = 1700000000.25;
    return s;
  }

  // A pid that certainly does not run: a child that has exited and been reaped.
  static pid_t DeadPid() {
    pid_t p = ::fork();
    if (p == 0) _exit(0);
    int st;
    ::waitpid(p, &st, 0);
    return p;
  }

  std::string base_, dir_, old_env_;
  bool had_env_ = false;
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

TEST_F(LifecycleTest, StateDirIsCreatedPrivate) {
  auto d = state_dir();
  ASSERT_TRUE(d) << why(d);
  EXPECT_EQ(*d, dir_);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_EQ(ModeOf(dir_), 0700u);
}

TEST_F(LifecycleTest, StateDirFallsBackWhenXdgRuntimeDirUnusable) {
  ::unsetenv("LYNGUINE_STATE_DIR");
  std::string old_xdg = std::getenv("XDG_RUNTIME_DIR") ? std::getenv("XDG_RUNTIME_DIR") : "";
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("XDG_RUNTIME_DIR", (base_ + "/missing").c_str(), 1);
  ::setenv("HOME", base_.c_str(), 1);
  auto d = state_dir();
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, base_ + "/.cache/lynguine");
  EXPECT_EQ(ModeOf(*d), 0700u);
  fs::create_directory(base_ + "/xdg");
  ::setenv("XDG_RUNTIME_DIR", (base_ + "/xdg").c_str(), 1);
  d = state_dir();
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, base_ + "/xdg/lynguine");
  if (old_xdg.empty())
    ::unsetenv("XDG_RUNTIME_DIR");
  else
    ::setenv("XDG_RUNTIME_DIR", old_xdg.c_str(), 1);
  ::setenv("HOME", old_home.c_str(), 1);
}

TEST_F(LifecycleTest, StateFileRoundTripsWithMode0600) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  ServerState s = Sample(1234, 8765);
  s.token = "secret";
  auto written = write_state(*d, s);
  ASSERT_TRUE(written) << why(written);
  EXPECT_EQ(ModeOf(state_file_path(*d)), 0600u);
  auto back = read_state(*d);
  ASSERT_TRUE(back) << why(back);
  EXPECT_EQ(back->pid, 1234);
  EXPECT_EQ(back->host, "127.0.0.1");
  EXPECT_EQ(back->port, 8765);
  EXPECT_EQ(back->version, "9.9.9");
  EXPECT_EQ(back->root, "/some/root");
  EXPECT_DOUBLE_EQ(back->started_at, 1700000000.25);
  EXPECT_EQ(back->token, "secret");
  // Only server.json is left behind (no temporary files).
  int files = 0;
  for (auto& e : fs::directory_iterator(*d)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "server.json");
  }
  EXPECT_EQ(files, 1);
  EXPECT_TRUE(remove_state(*d));
  EXPECT_FALSE(read_state(*d));
}

TEST_F(LifecycleTest, MalformedStateFileIsRejected) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  std::ofstream(state_file_path(*d)) << "{\"pid\": 12, \"port\": ";
  auto back = read_state(*d);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().type, "ValueError");
  EXPECT_NE(back.error().message.find("malformed state file"), std::string::npos);
}

TEST_F(LifecycleTest, WritesAreAtomicForConcurrentReaders) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  ASSERT_TRUE(write_state(*d, Sample(1, 1)));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  std::thread reader([&] {
    while (!done) {
      auto s = read_state(*d);
      // Every read sees some complete state: never missing, never torn.
      if (!s || s->root != "/some/root" || s->port != s->pid) bad++;
      reads++;
    }
  });
  for (int i = 2; i < 400; ++i) {
    ServerState s = Sample(i, static_cast<unsigned short>(i));
    s.root = "/some/root";
    ASSERT_TRUE(write_state(*d, s));
  }
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_EQ(read_state(*d)->pid, 399);
}

TEST_F(LifecycleTest, DeadPidIsStale) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  pid_t dead = DeadPid();
  EXPECT_FALSE(pid_alive(dead));
  EXPECT_TRUE(pid_alive(::getpid()));
  EXPECT_FALSE(is_alive(Sample(dead, 8765)));
}

TEST_F(LifecycleTest, LivePidWithoutOurServerIsStale) {
  // Our own pid is alive, but nothing (of ours) answers on the port.
  HttpServer other([](const HttpRequest&) {
    return HttpResponse{
        200, "application/json", "{\"status\":\"ok\",\"server\":\"lynguine-server-poc\"}", {}};
  });
  ASSERT_TRUE(other.listen("127.0.0.1", 0));
  unsigned short port = other.port();
  std::thread t([&] { other.run(1); });

  EXPECT_TRUE(is_alive(Sample(::getpid(), port)));
  // The right server name but a different pid: someone else's server.
  EXPECT_FALSE(is_alive(Sample(::getppid(), port)));
  other.stop();
  t.join();
}

TEST_F(LifecycleTest, BusyServerCountsAsAlive) {
  std::atomic<bool> release{false};
  HttpServer busy([&](const HttpRequest&) {
    while (!release) std::this_thread::sleep_for(5ms);
    return HttpResponse{};
  });
  ASSERT_TRUE(busy.listen("127.0.0.1", 0));
  std::thread t([&] { busy.run(1); });
  EXPECT_TRUE(is_alive(Sample(::getpid(), busy.port()), 200ms));
  release = true;
  busy.stop();
  t.join();
}

TEST_F(LifecycleTest, ForeignServerOnPortIsNotAlive) {
  HttpServer foreign([](const HttpRequest&) {
    return HttpResponse{200, "text/html", "<html>hello</html>", {}};
  });
  ASSERT_TRUE(foreign.listen("127.0.0.1", 0));
  std::thread t([&] { foreign.run(1); });
  EXPECT_FALSE(is_alive(Sample(::getpid(), foreign.port())));
  foreign.stop();
  t.join();
}

TEST_F(LifecycleTest, RemoveStateIfOursChecksThePid) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  ASSERT_TRUE(write_state(*d, Sample(4242, 1)));
  EXPECT_FALSE(remove_state_if_ours(*d, 4243));
  EXPECT_TRUE(read_state(*d));
  EXPECT_TRUE(remove_state_if_ours(*d, 4242));
  EXPECT_FALSE(read_state(*d));
}

TEST_F(LifecycleTest, StartLockIsExclusive) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  std::optional<StartLock> first;
  {
    auto r = StartLock::acquire(*d);
    ASSERT_TRUE(r) << why(r);
    first.emplace(std::move(r).value());
  }
  EXPECT_EQ(ModeOf(*d + "/start.lock"), 0600u);
  // A second holder in this process (own open file description) is refused...
  EXPECT_FALSE(StartLock::try_acquire(*d));
  // ...and so is one in another process.
  pid_t child = ::fork();
  if (child == 0) _exit(StartLock::try_acquire(*d) ? 1 : 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "another process got the held lock";

  // A blocked acquire() proceeds once the holder lets go.
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto second = StartLock::acquire(*d);
    got = second.ok();
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(got);
  first.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_TRUE(StartLock::try_acquire(*d));
}

TEST_F(LifecycleTest, StartLockIsNotInheritedAcrossExec) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  std::optional<StartLock> lock;
  {
    auto r = StartLock::acquire(*d);
    ASSERT_TRUE(r) << why(r);
    lock.emplace(std::move(r).value());
  }
  // A long-lived process exec'd while we hold the lock must not keep it.
  pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sleep", "sleep", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(50ms);
  lock.reset();
  EXPECT_TRUE(StartLock::try_acquire(*d)) << "lock leaked into the exec'd child";
  ::kill(child, SIGKILL);
  int st;
  ::waitpid(child, &st, 0);
}

TEST_F(LifecycleTest, DaemonizeSignalsReadinessToTheParent) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  std::string marker = *d + "/daemon.marker";
  DaemonResult r = daemonize(log_file_path(*d), 20s);
  if (r.is_child) {
    // The daemon: different session, then tell the parent we are ready.
    std::ofstream(marker) << ::getpid() << " " << (::getsid(0) == ::getpid() ? 0 : 1);
    ::fprintf(stderr, "daemon log line\n");
    r.ready.ready();
    _exit(0);
  }
  EXPECT_EQ(r.exit_code, 0);
  std::ifstream in(marker);
  pid_t pid = 0;
  int not_leader = 1;
  in >> pid >> not_leader;
  EXPECT_GT(pid, 0);
  EXPECT_NE(pid, ::getpid());
  EXPECT_EQ(not_leader, 1) << "the daemon must not be a session leader (double fork)";
  // Its stderr went to the log.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  std::string log;
  while (log.find("daemon log line") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::ifstream l(log_file_path(*d));
    std::stringstream ss;
    ss << l.rdbuf();
    log = ss.str();
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(log.find("daemon log line"), std::string::npos);
  EXPECT_EQ(ModeOf(log_file_path(*d)), 0600u);
}

TEST_F(LifecycleTest, DaemonFailureIsReportedToTheParent) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  DaemonResult r = daemonize(log_file_path(*d), 20s);
  if (r.is_child) {
    r.ready.failed("port in use");
    _exit(1);
  }
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(LifecycleTest, IdleTimeoutShutsTheServerDown) {
  HttpServer server([](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(server.listen("127.0.0.1", 0));
  std::atomic<bool> returned{false};
  ServerWatch watch(watched(server), 0.3, /*handle_signals=*/false);
  std::thread t([&] {
    server.run(2);
    returned = true;
  });
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!returned && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(returned);
  if (!returned) server.stop();
  t.join();
  EXPECT_EQ(watch.reason(), "idle");
}

TEST_F(LifecycleTest, RunServeRecordsItselfAndStopsOnSigterm) {
  // run_serve in a child process (it installs signal handlers), then check
  // the state file from here and stop it with SIGTERM.
  auto d = state_dir();
  ASSERT_TRUE(d);
  pid_t child = ::fork();
  if (child == 0) {
    ServeOptions o;
    o.port = 0;
    o.root = base_;
    o.quiet = true;
    o.make_handler = [](const ServeInfo& info) {
      return ServeHandler{[info](const HttpRequest& r) {
                            HttpResponse res;
                            if (r.target == "/api/health")
                              res.body =
                                  "{\"status\":\"ok\",\"server\":\"lynguine-server-poc\","
                                  "\"port\":" +
                                  std::to_string(info.port) + "}";
                            return res;
                          },
                          {}};
    };
    _exit(run_serve(o));
  }
  std::optional<ServerState> st;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    st.reset();
    if (auto r = read_state(*d); r.ok()) st = *r;
    if (st && is_alive(*st)) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, child);
  EXPECT_NE(st->port, 0);
  EXPECT_EQ(st->root, fs::weakly_canonical(base_).string());
  EXPECT_TRUE(is_alive(*st));
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(read_state(*d)) << "state file left behind";
}

class LifecycleEnsureTest : public LifecycleTest {
 protected:
  void TearDown() override {
    ::unsetenv("LYN_LIFECYCLE_TEST_SERVER");
    if (auto d = state_dir(); d.ok())
      if (auto st = read_state(*d); st.ok()) stop_process(st->pid, 5s, true);
    for (pid_t p : started_) stop_process(p, 5s, true);
    LifecycleTest::TearDown();
  }

  EnsureOptions Options(const std::string& version) {
    ::setenv("LYN_LIFECYCLE_TEST_SERVER", version.c_str(), 1);
    EnsureOptions o;
    o.root = base_;
    o.version = version;
    o.start_timeout = 20s;  // generous: the machine may be busy
    return o;
  }

  std::vector<pid_t> started_;
};

TEST_F(LifecycleEnsureTest, StartsOneServerForTenConcurrentClients) {
  EnsureOptions o = Options("1.0-test");
  constexpr int kClients = 10;
  std::vector<std::optional<ServerState>> got(kClients);
  std::vector<std::string> errs(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      auto r = ensure_server(o);
      if (r.ok())
        got[i] = *r;
      else
        errs[i] = r.error().message;
    });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(got[0]) << errs[0];
  started_.push_back(got[0]->pid);
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(got[i]) << "client " << i << ": " << errs[i];
    EXPECT_EQ(got[i]->pid, got[0]->pid) << "client " << i << " got another server";
    EXPECT_EQ(got[i]->port, got[0]->port);
  }
  EXPECT_EQ(got[0]->version, "1.0-test");
  EXPECT_EQ(got[0]->root, fs::weakly_canonical(base_).string());
  EXPECT_TRUE(is_alive(*got[0]));
  // The daemon is not our child: it was double-forked away.
  int st;
  EXPECT_EQ(::waitpid(got[0]->pid, &st, WNOHANG), -1);
}

TEST_F(LifecycleEnsureTest, ReplacesAServerOfAnotherVersion) {
  auto first = ensure_server(Options("1.0-test"));
  ASSERT_TRUE(first) << why(first);
  started_.push_back(first->pid);
  std::vector<std::string> messages;
  EnsureOptions o = Options("2.0-test");
  o.on_message = [&](const std::string& m) { messages.push_back(m); };
  auto second = ensure_server(o);
  ASSERT_TRUE(second) << why(second);
  started_.push_back(second->pid);
  EXPECT_NE(second->pid, first->pid);
  EXPECT_EQ(second->version, "2.0-test");
  EXPECT_FALSE(pid_alive(first->pid));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "replacing lynguine server version 1.0-test with 2.0-test");
  // Same version again: reused, no message.
  auto third = ensure_server(o);
  ASSERT_TRUE(third) << why(third);
  EXPECT_EQ(third->pid, second->pid);
  EXPECT_EQ(messages.size(), 1u);
}

TEST_F(LifecycleEnsureTest, ReplacesStaleState) {
  auto d = state_dir();
  ASSERT_TRUE(d);
  ASSERT_TRUE(write_state(*d, Sample(DeadPid(), 1)));
  auto st = ensure_server(Options("1.0-test"));
  ASSERT_TRUE(st) << why(st);
  started_.push_back(st->pid);
  EXPECT_TRUE(is_alive(*st));
  EXPECT_EQ(read_state(*d)->pid, st->pid);
}

}  // namespace
