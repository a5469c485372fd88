// core/platform: each call does its job in whichever implementation this
// build took (Linux, macOS, or the POSIX fallbacks that
// -DLYNGUINE_PORTABLE_FALLBACKS=ON forces on Linux: `make test-libcxx`).
#include "core/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>

#include "core/float_chars.h"

namespace lyn::platform {
namespace {

using namespace std::chrono_literals;

const std::string kName = name();

bool has_cloexec(int fd) {
  return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

bool is_nonblocking(int fd) {
  return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

#ifdef LYN_EXPECT_PLATFORM
TEST(PlatformTest, BuildTookTheImplementationAskedFor) {
  EXPECT_EQ(kName, LYN_EXPECT_PLATFORM);
}
#endif

TEST(PlatformTest, PipeEndsAreCloseOnExecAndCarryData) {
  int fds[2];
  ASSERT_EQ(pipe_cloexec(fds), 0) << std::strerror(errno);
  EXPECT_TRUE(has_cloexec(fds[0]));
  EXPECT_TRUE(has_cloexec(fds[1]));
  ASSERT_EQ(::write(fds[1], "ok", 2), 2);
  char buf[2];
  ASSERT_EQ(::read(fds[0], buf, 2), 2);
  EXPECT_EQ(std::string(buf, 2), "ok");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(PlatformTest, SocketsAreCloseOnExecAndNonBlockingOnlyWhenAsked) {
  int blocking = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
  int nonblocking = socket_cloexec(AF_INET, SOCK_STREAM, 0, true);
  ASSERT_GE(blocking, 0);
  ASSERT_GE(nonblocking, 0);
  EXPECT_TRUE(has_cloexec(blocking));
  EXPECT_TRUE(has_cloexec(nonblocking));
  EXPECT_FALSE(is_nonblocking(blocking));
  EXPECT_TRUE(is_nonblocking(nonblocking));
  ::close(blocking);
  ::close(nonblocking);
}

// With SIGPIPE at its default action (the process dies), a send to a closed
// peer must come back as EPIPE, and leave no SIGPIPE pending.
TEST(PlatformTest, SendToAClosedPeerFailsWithoutSigpipe) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ::close(sv[1]);
  struct sigaction dfl {
  }, old{};
  dfl.sa_handler = SIG_DFL;
  ASSERT_EQ(::sigaction(SIGPIPE, &dfl, &old), 0);
  errno = 0;
  ssize_t n = send_nosignal(sv[0], "x", 1);
  int err = errno;
  sigset_t pending;
  sigpending(&pending);
  bool left_pending = sigismember(&pending, SIGPIPE) == 1;
  ::sigaction(SIGPIPE, &old, nullptr);
  EXPECT_EQ(n, -1);
  EXPECT_EQ(err, EPIPE);
  EXPECT_FALSE(left_pending);
  ::close(sv[0]);
}

TEST(PlatformTest, SendDeliversData) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  EXPECT_EQ(send_nosignal(sv[0], "hello", 5), 5);
  char buf[5];
  ASSERT_EQ(::recv(sv[1], buf, 5, 0), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST(PlatformTest, PeerCredentialsNameOurUidAndWhereKnownOurPid) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  PeerCredentials c = peer_credentials(sv[0]);
  EXPECT_EQ(c.uid, static_cast<long>(::geteuid()));
  if (kName == "posix")
    EXPECT_EQ(c.pid, -1);  // the generic fallback never claims a pid
  else
    EXPECT_EQ(c.pid, static_cast<long>(::getpid()));
  ::close(sv[0]);
  ::close(sv[1]);
  EXPECT_EQ(peer_credentials(-1).uid, -1);
}

TEST(PlatformTest, ExecutablePathNamesThisTestBinary) {
  auto path = executable_path();
  ASSERT_TRUE(path.ok()) << path.error().message;
  ASSERT_FALSE(path->empty());
  EXPECT_EQ((*path)[0], '/');
  EXPECT_NE(path->find("lynguine_tests"), std::string::npos) << *path;
  struct stat st;
  EXPECT_EQ(::stat(path->c_str(), &st), 0);
}

TEST(PlatformTest, ProcessStateAndStartTime) {
  EXPECT_EQ(process_state(0), ProcessState::kGone);
  EXPECT_EQ(process_start_time(0), 0u);
  ProcessState self = process_state(::getpid());
  std::uint64_t start = process_start_time(::getpid());
  EXPECT_NE(start, 0u);
  EXPECT_EQ(process_start_time(::getpid()), start);  // stable
  dev_t dev;
  ino_t ino;
  if (kName == "posix") {
    EXPECT_EQ(self, ProcessState::kUnknown);
    EXPECT_EQ(start, kUnknownStart);
    EXPECT_FALSE(process_executable_id(::getpid(), &dev, &ino));
  } else {
    EXPECT_EQ(self, ProcessState::kRunning);
    EXPECT_NE(start, kUnknownStart);
    ASSERT_TRUE(process_executable_id(::getpid(), &dev, &ino));
    struct stat st;
    ASSERT_EQ(::stat(executable_path()->c_str(), &st), 0);
    EXPECT_EQ(dev, st.st_dev);
    EXPECT_EQ(ino, st.st_ino);
  }
}

// A child that has exited but is not reaped: a zombie where the system can
// tell, "unknown" (alive to kill(pid, 0)) where it cannot; gone once reaped.
TEST(PlatformTest, ZombieThenGone) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ProcessState want = kName == "posix" ? ProcessState::kUnknown : ProcessState::kZombie;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (process_state(child) != want && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(process_state(child), want);
  int status;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(process_state(child), ProcessState::kGone);
  EXPECT_EQ(process_start_time(child), 0u);
}

TEST(PlatformTest, ResidentMemoryIsReported) {
  EXPECT_GT(resident_memory_bytes(), 1e5);
}

TEST(PlatformTest, KernelRandomFillsBeyondOneGetentropyCall) {
  unsigned char a[1000] = {}, b[1000] = {};
  ASSERT_TRUE(kernel_random(a, sizeof a));
  ASSERT_TRUE(kernel_random(b, sizeof b));
  EXPECT_NE(std::memcmp(a, b, sizeof a), 0);
  // The tail (past 256 bytes) was written too: not all zero.
  int nonzero = 0;
  for (std::size_t i = 900; i < sizeof a; ++i) nonzero += a[i] != 0;
  EXPECT_GT(nonzero, 0);
}

// The portable double parser against the contract (and, where the library
// has one, against std::from_chars).
TEST(FloatCharsTest, PortableParserKeepsFromCharsContract) {
  struct Case {
    const char* text;
    std::size_t used;
    std::errc ec;
  };
  const Case cases[] = {
      {"1.5", 3, std::errc()},
      {"-2e3x", 4, std::errc()},
      {"1e", 1, std::errc()},
      {"1e+", 1, std::errc()},
      {".5", 2, std::errc()},
      {"5.", 2, std::errc()},
      {"0x1p3", 1, std::errc()},
      {"inf", 3, std::errc()},
      {"-Infinity", 9, std::errc()},
      {"infin", 3, std::errc()},
      {"nan(abc)", 8, std::errc()},
      {"NaN(", 3, std::errc()},
      {"1e400", 5, std::errc::result_out_of_range},
      {"1e-400", 6, std::errc::result_out_of_range},
      {"4e-320", 6, std::errc()},  // subnormal: in range
      {"+1", 0, std::errc::invalid_argument},
      {" 1", 0, std::errc::invalid_argument},
      {".", 0, std::errc::invalid_argument},
      {"-", 0, std::errc::invalid_argument},
      {"", 0, std::errc::invalid_argument},
  };
  for (const Case& c : cases) {
    const char* end = c.text + std::strlen(c.text);
    double got = 42;
    auto r = portable_double_from_chars(c.text, end, got);
    EXPECT_EQ(r.ptr - c.text, static_cast<std::ptrdiff_t>(c.used)) << c.text;
    EXPECT_TRUE(r.ec == c.ec) << c.text;
    if (r.ec != std::errc()) EXPECT_EQ(got, 42) << c.text;  // left unchanged
    double lib = 42;
    auto l = double_from_chars(c.text, end, lib);
    EXPECT_EQ(l.ptr, r.ptr) << c.text;
    EXPECT_TRUE(l.ec == r.ec) << c.text;
    if (!std::isnan(got)) EXPECT_EQ(lib, got) << c.text;
  }
  double v = 0;
  portable_double_from_chars("0.1", "0.1" + 3, v);
  EXPECT_EQ(v, 0.1);
  portable_double_from_chars("-2e3", "-2e3" + 4, v);
  EXPECT_EQ(v, -2000);
}

}  // namespace
}  // namespace lyn::platform
