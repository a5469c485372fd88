#include "ops/state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include "core/fs.h"
#include "core/json.h"
#include "ops/start_lock.h"

namespace lyn::ops {

namespace {

bool is_usable_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::access(path.c_str(), W_OK | X_OK) == 0;
}

// mkdir -p; the last component gets `mode`, intermediate ones 0700 as well
// (only ~/.cache may be missing, and it is private by convention).
Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return Error{"OSError", "empty state directory", 500};
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST)
      return Error::os("cannot create " + part);
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (!is_usable_dir(path)) return Error{"OSError", "not a writable directory: " + path, 500};
  return Ok{};
}

std::string home_dir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/tmp";
}

// The state file is small; anything larger is not ours.
constexpr std::size_t kMaxStateFile = std::size_t{1} << 20;

// A whole number from a JSON number (a float is truncated, as before).
std::optional<long long> whole(const Value* v) {
  if (!v) return std::nullopt;
  if (v->is_int()) return v->as_int();
  if (v->is_float()) return static_cast<long long>(v->as_float());
  return std::nullopt;
}

}  // namespace

Value state_to_value(const ServerState& s) {
  Map m;  // keys in sorted order, as the file has always had them
  m.set("host", Value(s.host));
  m.set("pid", Value(static_cast<int64_t>(s.pid)));
  m.set("port", Value(static_cast<int64_t>(s.port)));
  m.set("root", Value(s.root));
  m.set("started_at", Value(s.started_at));
  if (!s.token.empty()) m.set("token", Value(s.token));
  m.set("version", Value(s.version));
  return Value(std::move(m));
}

std::string state_to_json(const ServerState& s) {
  JsonWriteOptions o;
  o.indent = 2;
  return to_json(state_to_value(s), o);
}

Result<ServerState> state_from_json(std::string_view text) {
  auto malformed = [](const std::string& why) -> Error {
    return Error::value("malformed state file: " + why);
  };
  auto parsed = parse_json(text);
  if (!parsed.ok()) return malformed(parsed.error().message);
  const Value& j = *parsed;
  if (!j.is_map()) return malformed("not a JSON object");
  auto text_of = [&](const char* key, std::string fallback) -> Result<std::string> {
    const Value* v = j.get(key);
    if (!v) return fallback;
    if (!v->is_string()) return malformed(std::string(key) + " is not a string");
    return v->as_string();
  };
  ServerState s;
  auto pid = whole(j.get("pid"));
  if (!pid) return malformed("no pid");
  if (*pid <= 0) return malformed("pid out of range");
  s.pid = static_cast<pid_t>(*pid);
  auto port = whole(j.get("port"));
  if (!port) return malformed("no port");
  if (*port <= 0 || *port > 65535) return malformed("port out of range");
  s.port = static_cast<unsigned short>(*port);
  LYN_TRY_ASSIGN(host, text_of("host", "127.0.0.1"));
  LYN_TRY_ASSIGN(version, text_of("version", ""));
  LYN_TRY_ASSIGN(root, text_of("root", ""));
  s.host = std::move(host);
  s.version = std::move(version);
  s.root = std::move(root);
  if (const Value* t = j.get("started_at")) {
    if (!t->is_number()) return malformed("started_at is not a number");
    s.started_at = t->is_int() ? static_cast<double>(t->as_int()) : t->as_float();
  }
  if (const Value* t = j.get("token"); t && t->is_string()) s.token = t->as_string();
  return s;
}

Result<std::string> state_dir() {
  std::string dir;
  if (const char* s = std::getenv("LYNGUINE_STATE_DIR"); s && *s) {
    dir = s;
  } else if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x && is_usable_dir(x)) {
    dir = std::string(x) + "/lynguine";
  } else {
    dir = home_dir() + "/.cache/lynguine";
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (auto st = make_dirs(dir, 0700); !st.ok()) return st.error();
  return dir;
}

std::string state_file_path(const std::string& dir) {
  return dir + "/server.json";
}
std::string log_file_path(const std::string& dir) {
  return dir + "/server.log";
}

Status write_state(const std::string& dir, const ServerState& state) {
  std::string final_path = state_file_path(dir);
  auto written = write_file_atomic(final_path, state_to_json(state) + "\n", {}, kPrivateFile);
  if (!written.ok())
    return Error{"OSError", "cannot write " + final_path + ": " + written.error().message, 500};
  return Ok{};
}

Result<ServerState> read_state(const std::string& dir) {
  auto text = read_file(state_file_path(dir), {}, kMaxStateFile);
  if (!text) {
    if (text.error().type == "FileNotFoundError") return Error::not_found("no state file");
    return text.error();
  }
  return state_from_json(*text);
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
    if (auto l = StartLock::try_acquire(dir); l.ok())
      lock.emplace(std::move(l).value());
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto st = read_state(dir);
  if (!st.ok() || st->pid != pid) return false;
  return ::unlink(state_file_path(dir).c_str()) == 0;
}

}  // namespace lyn::ops
