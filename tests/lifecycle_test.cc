// (Over 500 lines: one fixture and one stand-in server shared by every lifecycle test.)
// Tests for the server lifecycle: the private state directory and the server
// records, start lock, stale and forged records (client/server_check),
// daemonize, idle timeout, start on demand. Each test uses its own
// LYNGUINE_STATE_DIR under a fresh temporary directory. (The attacks from
// another user's account are in tests/wire/test_identity.py.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <crt_externs.h>
#endif

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
#include "client/server_check.h"
#include "core/fs.h"
#include "ops/daemon.h"
#include "ops/process.h"
#include "ops/server_watch.h"
#include "ops/stale_socket.h"
#include "ops/start_lock.h"
#include "ops/state_dir.h"
#include "ops/state_file.h"
#include "server/http_server.h"
#include "server/secrets.h"

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

// ensure_server() starts `<exe> serve --daemon --socket S --idle-timeout N
// --root R`. To test it without the CLI, this test binary plays the server
// when started with LYN_LIFECYCLE_TEST_SERVER=<version> in its environment:
// before main() runs, it serves a /api/health and exits.
int MaybeRunAsTestServer() {
  const char* version = std::getenv("LYN_LIFECYCLE_TEST_SERVER");
  if (!version) return 0;
  std::vector<std::string> args;
  {
#if defined(__APPLE__)
    // Before main(), macOS has the arguments where dyld put them.
    for (int i = 0; i < *_NSGetArgc(); ++i) args.push_back((*_NSGetArgv())[i]);
#else
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    for (std::string a; std::getline(in, a, '\0');) args.push_back(a);
#endif
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
    else if (args[i] == "--socket" && has_value)
      o.socket = args[++i];
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

  static ServerRecord Sample(pid_t pid, unsigned short port) {
    ServerRecord s;
    s.pid = pid;
    s.process_start = process_start_time(pid);
    s.host = "127.0.0.1";
    s.port = port;
    s.auth = "token";
    s.token = "secret";
    s.nonce = "00112233445566778899aabbccddeeff";
    s.version = "9.9.9";
    s.root = "/some/root";
    s.started_at = 1700000000.25;
    return s;
  }

  StateDir Dir() {
    auto d = StateDir::open();
    EXPECT_TRUE(d.ok()) << why(d);
    return std::move(d).value();
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
  auto d = StateDir::open();
  ASSERT_TRUE(d) << why(d);
  EXPECT_EQ(d->path(), dir_);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_EQ(ModeOf(dir_), 0700u);
}

TEST_F(LifecycleTest, StateDirFallsBackWhenXdgRuntimeDirUnusable) {
  ::unsetenv("LYNGUINE_STATE_DIR");
  std::string old_xdg = std::getenv("XDG_RUNTIME_DIR") ? std::getenv("XDG_RUNTIME_DIR") : "";
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("XDG_RUNTIME_DIR", (base_ + "/missing").c_str(), 1);
  ::setenv("HOME", base_.c_str(), 1);
  EXPECT_EQ(state_dir_location(), base_ + "/.cache/lynguine");
  fs::create_directory(base_ + "/xdg");
  ::setenv("XDG_RUNTIME_DIR", (base_ + "/xdg").c_str(), 1);
  EXPECT_EQ(state_dir_location(), base_ + "/xdg/lynguine");
  if (old_xdg.empty())
    ::unsetenv("XDG_RUNTIME_DIR");
  else
    ::setenv("XDG_RUNTIME_DIR", old_xdg.c_str(), 1);
  ::setenv("HOME", old_home.c_str(), 1);
}

TEST_F(LifecycleTest, StateDirThatOthersMayEnterOrOwnIsRefused) {
  fs::create_directories(dir_);
  ::chmod(dir_.c_str(), 0755);
  auto d = StateDir::open();
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().type, "PermissionError");
  EXPECT_NE(d.error().message.find("chmod 700"), std::string::npos) << d.error().message;
  ::chmod(dir_.c_str(), 0700);
  EXPECT_TRUE(StateDir::open());
  // Owned by someone else (root may give it away; others cannot run this).
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(dir_.c_str(), 65534, 65534), 0);
    auto theirs = StateDir::open();
    ASSERT_FALSE(theirs);
    EXPECT_NE(theirs.error().message.find("owned by uid 65534"), std::string::npos);
  }
  // A symlink in its place is never followed.
  fs::remove_all(dir_);
  fs::create_directories(base_ + "/elsewhere");
  ::chmod((base_ + "/elsewhere").c_str(), 0700);
  fs::create_directory_symlink(base_ + "/elsewhere", dir_);
  auto linked = StateDir::open();
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().type, "PermissionError");
}

TEST_F(LifecycleTest, PrivateFilesAreNeverFollowedOrShared) {
  StateDir d = Dir();
  // A planted symlink at the log's name: refused, the target untouched.
  std::string target = base_ + "/victim";
  std::ofstream(target) << "precious";
  fs::create_symlink(target, d.log_path());
  auto log = d.open_private_file("server.log", O_WRONLY | O_APPEND);
  EXPECT_FALSE(log);
  EXPECT_EQ(fs::file_size(target), 8u);
  // A fresh one is created 0600.
  auto lock = d.open_private_file("start.lock", O_RDWR);
  ASSERT_TRUE(lock) << why(lock);
  EXPECT_EQ(ModeOf(d.path() + "/start.lock"), 0600u);
}

TEST_F(LifecycleTest, RecordRoundTripsWithMode0600) {
  StateDir d = Dir();
  ServerRecord s = Sample(1234, 8765);
  ASSERT_TRUE(write_record(d, s));
  EXPECT_EQ(ModeOf(d.path() + "/server-1234.json"), 0600u);
  auto back = read_record(d, 1234);
  ASSERT_TRUE(back) << why(back);
  EXPECT_EQ(back->pid, 1234);
  EXPECT_EQ(back->host, "127.0.0.1");
  EXPECT_EQ(back->port, 8765);
  EXPECT_EQ(back->version, "9.9.9");
  EXPECT_EQ(back->root, "/some/root");
  EXPECT_EQ(back->nonce, s.nonce);
  EXPECT_EQ(back->token, "secret");
  EXPECT_EQ(back->url(), "http://127.0.0.1:8765");
  EXPECT_DOUBLE_EQ(back->started_at, 1700000000.25);
  // Only the record is left behind (no temporary files).
  int files = 0;
  for (auto& e : fs::directory_iterator(d.path())) {
    ++files;
    EXPECT_EQ(e.path().filename(), "server-1234.json");
  }
  EXPECT_EQ(files, 1);
  // A later server that reused the pid keeps its record.
  ServerRecord other = s;
  other.nonce = "ff";
  EXPECT_FALSE(remove_record(d, other));
  EXPECT_TRUE(remove_record(d, s));
  EXPECT_FALSE(read_record(d, 1234));
}

TEST_F(LifecycleTest, MalformedRecordIsRejected) {
  StateDir d = Dir();
  std::ofstream(d.path() + "/server-12.json") << "{\"pid\": 12, \"port\": ";
  auto back = read_record(d, 12);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().type, "ValueError");
  EXPECT_NE(back.error().message.find("malformed server record"), std::string::npos);
  // Without a nonce nothing can be proved: malformed too.
  std::ofstream(d.path() + "/server-13.json") << "{\"pid\": 13, \"port\": 80}";
  EXPECT_FALSE(read_record(d, 13));
  EXPECT_TRUE(list_records(d).empty());
}

TEST_F(LifecycleTest, DeadOrReusedPidIsStale) {
  pid_t dead = DeadPid();
  EXPECT_FALSE(pid_alive(dead));
  EXPECT_TRUE(pid_alive(::getpid()));
  EXPECT_EQ(check_server(Sample(dead, 8765)).verdict, ServerCheck::kStale);
  // Our pid, but another start time: the record named an earlier process.
  ServerRecord reused = Sample(::getpid(), 8765);
  reused.process_start += 1;
  if (process_start_time(::getpid()) == lyn::platform::kUnknownStart) {
    // No start times on this system (core/platform.h's fallback): a live pid
    // may be the recorded process, but nothing proves it ours.
    EXPECT_NE(check_server(reused).verdict, ServerCheck::kProven);
  } else {
    EXPECT_EQ(check_server(reused).verdict, ServerCheck::kStale);
  }
  EXPECT_FALSE(may_signal(reused, check_server(reused)));
}

// A server answering like ours (the pid header and all) but without the
// record's nonce: whatever else holds the port.
TEST_F(LifecycleTest, ImpostorOnThePortIsUnprovenAndNeverSignalled) {
  std::atomic<int> saw_token{0};
  HttpServer impostor([&](const HttpRequest& r) {
    if (!r.header("Authorization").empty()) saw_token++;
    return HttpResponse{
        200, "application/json", "{\"status\":\"ok\",\"server\":\"lynguine-server-poc\"}", {}};
  });
  ASSERT_TRUE(impostor.listen("127.0.0.1", 0));
  std::thread t([&] { impostor.run(1); });
  // A record naming a live process that is not ours (a child running sleep).
  pid_t sleeper = ::fork();
  if (sleeper == 0) {
    ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the exec (until then the child runs our executable).
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (runs_our_executable(sleeper) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ServerRecord forged = Sample(sleeper, impostor.port());
  ServerCheck c = check_server(forged);
  EXPECT_EQ(c.verdict, ServerCheck::kUnproven) << c.detail;
  EXPECT_FALSE(may_signal(forged, c));
  // A client of the record proves the connection before it sends the token.
  ServerEndpoint e = endpoint_for(forged);
  lyn::client::HttpClient client(e.host, e.port, e.options);
  auto r = client.request("GET", "/api/status", {}, {{"Authorization", "Bearer secret"}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(saw_token.load(), 0);
  ::kill(sleeper, SIGKILL);
  int st;
  ::waitpid(sleeper, &st, 0);
  impostor.stop();
  t.join();
}

TEST_F(LifecycleTest, ProofIsBoundToTheNonceAndTheConnection) {
  std::string p = lyn::server::identity_proof("n1", "0123456789abcdef", "127.0.0.1:5000");
  EXPECT_EQ(p.size(), 64u);
  EXPECT_NE(p, lyn::server::identity_proof("n2", "0123456789abcdef", "127.0.0.1:5000"));
  EXPECT_NE(p, lyn::server::identity_proof("n1", "0123456789abcdef", "127.0.0.1:5001"));
  EXPECT_EQ(lyn::server::identity_proof("n1", "short", "unix"), "");
  EXPECT_EQ(lyn::server::identity_proof("n1", "0123456789abcdef\r\nX: y", "unix"), "");
}

TEST_F(LifecycleTest, StaleSocketIsRemovedLiveOneAndFilesAreNot) {
  StateDir d = Dir();
  std::string sock = d.socket_path();
  EXPECT_TRUE(remove_stale_socket(sock));  // nothing there
  {
    HttpServer live([](const HttpRequest&) { return HttpResponse{}; });
    ASSERT_TRUE(live.listen_unix(sock));
    auto busy = remove_stale_socket(sock);
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().type, "FileExistsError");
  }
  // Its server gone, the socket file is stale.
  ASSERT_TRUE(fs::exists(fs::symlink_status(sock)));
  EXPECT_TRUE(remove_stale_socket(sock));
  EXPECT_FALSE(fs::exists(fs::symlink_status(sock)));
  std::ofstream(sock) << "not a socket";
  EXPECT_FALSE(remove_stale_socket(sock));
  EXPECT_TRUE(fs::exists(sock));
}

TEST_F(LifecycleTest, StartLockIsExclusive) {
  StateDir d = Dir();
  std::optional<StartLock> first;
  {
    auto r = StartLock::acquire(d);
    ASSERT_TRUE(r) << why(r);
    first.emplace(std::move(r).value());
  }
  EXPECT_EQ(ModeOf(d.path() + "/start.lock"), 0600u);
  // A second holder in this process (own open file description) is refused...
  EXPECT_FALSE(StartLock::try_acquire(d));
  // ...and so is one in another process.
  pid_t child = ::fork();
  if (child == 0) _exit(StartLock::try_acquire(d) ? 1 : 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "another process got the held lock";

  // A blocked acquire() proceeds once the holder lets go.
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto second = StartLock::acquire(d);
    got = second.ok();
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(got);
  first.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_TRUE(StartLock::try_acquire(d));
}

TEST_F(LifecycleTest, StartLockIsNotInheritedAcrossExec) {
  StateDir d = Dir();
  std::optional<StartLock> lock;
  {
    auto r = StartLock::acquire(d);
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
  EXPECT_TRUE(StartLock::try_acquire(d)) << "lock leaked into the exec'd child";
  ::kill(child, SIGKILL);
  int st;
  ::waitpid(child, &st, 0);
}

TEST_F(LifecycleTest, DaemonizeSignalsReadinessToTheParent) {
  StateDir d = Dir();
  std::string marker = d.path() + "/daemon.marker";
  auto log = d.open_private_file("server.log", O_WRONLY | O_APPEND);
  ASSERT_TRUE(log);
  DaemonResult r = daemonize(log->get(), d.log_path(), 20s);
  if (r.is_child) {
    // The daemon: different session, then tell the parent we are ready.
    std::ofstream(marker) << ::getpid() << " " << (::getsid(0) == ::getpid() ? 0 : 1);
    ::fprintf(stderr, "daemon log line\n");
    r.ready.ready("unix:test");
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
  std::string text;
  while (text.find("daemon log line") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::ifstream l(d.log_path());
    std::stringstream ss;
    ss << l.rdbuf();
    text = ss.str();
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(text.find("daemon log line"), std::string::npos);
  EXPECT_EQ(ModeOf(d.log_path()), 0600u);
}

TEST_F(LifecycleTest, DaemonFailureIsReportedToTheParent) {
  DaemonResult r = daemonize(-1, "no log", 20s);
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

TEST_F(LifecycleTest, RunServeRecordsItselfProvesItselfAndStopsOnSigterm) {
  // run_serve in a child process (it installs signal handlers), then check
  // the record from here and stop it with SIGTERM.
  StateDir d = Dir();
  pid_t child = ::fork();
  if (child == 0) {
    ServeOptions o;
    o.port = 0;
    o.root = base_;
    o.quiet = true;
    o.make_handler = [](const ServeInfo&) {
      return ServeHandler{[](const HttpRequest&) { return HttpResponse{}; }, {}};
    };
    _exit(run_serve(o));
  }
  std::optional<ServerRecord> st;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    st.reset();
    if (auto r = read_record(d, child); r.ok()) st = *r;
    if (st && check_server(*st).verdict == ServerCheck::kProven) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(st);
  EXPECT_NE(st->port, 0);
  EXPECT_EQ(st->auth, "token");  // TCP without keys: the token is required
  EXPECT_EQ(st->token.size(), 64u);
  EXPECT_EQ(st->root, fs::weakly_canonical(base_).string());
  ServerCheck proven = check_server(*st);
  EXPECT_EQ(proven.verdict, ServerCheck::kProven) << proven.detail;
  // Without the token: 401; with it, through a proved connection: 200.
  auto bare = lyn::client::http_request("127.0.0.1", st->port, "GET", "/api/status");
  ASSERT_TRUE(bare) << why(bare);
  EXPECT_EQ(bare->status, 401);
  ServerEndpoint e = endpoint_for(*st);
  lyn::client::HttpClient client(e.host, e.port, e.options);
  auto authed =
      client.request("GET", "/api/status", {}, {{"Authorization", "Bearer " + st->token}});
  ASSERT_TRUE(authed) << why(authed);
  EXPECT_EQ(authed->status, 200);
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(read_record(d, child)) << "record left behind";
}

class LifecycleEnsureTest : public LifecycleTest {
 protected:
  void TearDown() override {
    ::unsetenv("LYN_LIFECYCLE_TEST_SERVER");
    if (auto d = StateDir::open(); d.ok())
      for (const auto& r : list_records(*d))
        if (may_signal(r, check_server(r))) stop_process(r.pid, 5s, true);
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
  std::vector<std::optional<ServerRecord>> got(kClients);
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
  }
  EXPECT_EQ(got[0]->version, "1.0-test");
  EXPECT_EQ(got[0]->socket, Dir().socket_path());  // a Unix socket, not a TCP port
  EXPECT_EQ(got[0]->port, 0);
  EXPECT_EQ(got[0]->auth, "socket");
  EXPECT_EQ(got[0]->root, fs::weakly_canonical(base_).string());
  EXPECT_EQ(check_server(*got[0]).verdict, ServerCheck::kProven);
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

TEST_F(LifecycleEnsureTest, ReplacesStaleRecordAndSocket) {
  StateDir d = Dir();
  ServerRecord stale = Sample(DeadPid(), 0);
  stale.socket = d.socket_path();
  stale.version = "1.0-test";
  ASSERT_TRUE(write_record(d, stale));
  {
    // A socket file left by a killed server.
    HttpServer gone([](const HttpRequest&) { return HttpResponse{}; });
    ASSERT_TRUE(gone.listen_unix(d.socket_path()));
  }
  auto st = ensure_server(Options("1.0-test"));
  ASSERT_TRUE(st) << why(st);
  started_.push_back(st->pid);
  EXPECT_EQ(check_server(*st).verdict, ServerCheck::kProven);
  EXPECT_FALSE(read_record(d, stale.pid));
  EXPECT_EQ(read_record(d, st->pid)->pid, st->pid);
}

}  // namespace
