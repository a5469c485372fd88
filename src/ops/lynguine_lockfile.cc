#include "ops/lynguine_lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "core/fs.h"
#include "core/random.h"

namespace lyn::ops {

namespace {

// posixpath.normpath.
std::string python_normpath(const std::string& path) {
  if (path.empty()) return ".";
  int initial_slashes = path[0] == '/' ? 1 : 0;
  if (initial_slashes && path.rfind("//", 0) == 0 && path.rfind("///", 0) != 0) initial_slashes = 2;
  std::vector<std::string> comps;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string comp = path.substr(i, j - i);
    i = j + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (!initial_slashes && comps.empty()) ||
        (!comps.empty() && comps.back() == ".."))
      comps.push_back(comp);
    else if (!comps.empty())
      comps.pop_back();
  }
  std::string out(static_cast<std::size_t>(initial_slashes), '/');
  for (std::size_t k = 0; k < comps.size(); ++k) {
    if (k) out += '/';
    out += comps[k];
  }
  return out.empty() ? "." : out;
}

std::string cwd_or_dot() {
  char buf[4096];
  return ::getcwd(buf, sizeof buf) ? std::string(buf) : std::string(".");
}

// os.path.abspath.
std::string python_abspath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return python_normpath(path);
  std::string cwd = cwd_or_dot();
  return python_normpath(cwd + (cwd.empty() || cwd.back() == '/' ? "" : "/") + path);
}

// tempfile's test of a candidate: a file can be created (exclusively) in it.
bool python_can_create_in(const std::string& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto name = random_hex(6);
    if (!name.ok()) return false;
    std::string file = dir + "/" + *name;
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return false;
    }
    bool wrote = write_all(fd, "blat");
    ::close(fd);
    ::unlink(file.c_str());
    return wrote;
  }
  return false;
}

std::string safe_host(std::string host) {
  for (char& c : host)
    if (c == '.' || c == ':') c = '-';
  return host;
}

}  // namespace

std::string python_temp_dir() {
  std::vector<std::string> candidates;
  for (const char* name : {"TMPDIR", "TEMP", "TMP"})
    if (const char* v = std::getenv(name); v && *v) candidates.emplace_back(v);
  for (const char* d : {"/tmp", "/var/tmp", "/usr/tmp"}) candidates.emplace_back(d);
  candidates.push_back(cwd_or_dot());
  for (std::string dir : candidates) {
    if (dir != ".") dir = python_abspath(dir);
    if (python_can_create_in(dir)) return dir;
  }
  return "/tmp";  // Python raises FileNotFoundError here; no lockfile would be written
}

std::string lynguine_lockfile_path(const std::string& host, unsigned short port) {
  std::string dir = python_temp_dir();
  return dir + (dir.back() == '/' ? "" : "/") + "lynguine-server-" + safe_host(host) + "-" +
         std::to_string(port) + ".lock";
}

Status create_lynguine_lockfile(const std::string& path, pid_t pid) {
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd && errno == EEXIST) {
    // We hold host:port, so whatever lockfile names it is stale; lynguine
    // removes stale ones too. Only a regular file of ours is replaced.
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid()) {
      ::unlink(path.c_str());
      fd.reset(::open(path.c_str(), flags, 0644));
    }
    if (!fd && errno == EEXIST)
      return Error{"FileExistsError",
                   path +
                       " exists and is not a stale lockfile of ours; not writing lynguine's "
                       "lockfile",
                   500};
  }
  if (!fd) return os_error(errno, path);
  std::string text = std::to_string(pid);
  if (!write_all(fd.get(), text)) {
    Error e = os_error(errno, path);
    ::unlink(path.c_str());
    return e;
  }
  return Ok{};
}

bool remove_lynguine_lockfile(const std::string& path, pid_t pid) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return false;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) return false;
  auto text = read_fd(fd.get(), path, 64);
  if (!text.ok() || *text != std::to_string(pid)) return false;
  return ::unlink(path.c_str()) == 0;
}

}  // namespace lyn::ops
