#include "ops/state_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/fs.h"
#include "core/json.h"

namespace lyn::ops {

namespace {

constexpr std::size_t kMaxRecordBytes = 64 << 10;

// A whole number from a JSON number.
std::optional<long long> whole(const Value* v) {
  if (!v) return std::nullopt;
  if (v->is_int()) return v->as_int();
  if (v->is_float()) return static_cast<long long>(v->as_float());
  return std::nullopt;
}

// "server-<digits>.json" -> pid, else 0.
pid_t pid_of_name(std::string_view name) {
  constexpr std::string_view kPrefix = "server-", kSuffix = ".json";
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix)
    return 0;
  std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  long long v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || v > 1000000000) return 0;
    v = v * 10 + (c - '0');
  }
  return static_cast<pid_t>(v);
}

}  // namespace

std::string ServerRecord::url() const {
  if (!socket.empty()) return "unix:" + socket;
  std::string h = host;
  if (h.empty() || h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::" || h == "[::]") h = "::1";
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return std::string(tls ? "https://" : "http://") + h + ":" + std::to_string(port);
}

Value record_to_value(const ServerRecord& r) {
  Map m;  // keys in sorted order
  m.set("auth", Value(r.auth));
  if (r.socket.empty()) m.set("host", Value(r.host));
  m.set("nonce", Value(r.nonce));
  m.set("pid", Value(static_cast<int64_t>(r.pid)));
  if (r.socket.empty()) m.set("port", Value(static_cast<int64_t>(r.port)));
  m.set("process_start", Value(static_cast<int64_t>(r.process_start)));
  m.set("root", Value(r.root));
  if (!r.socket.empty()) m.set("socket", Value(r.socket));
  m.set("started_at", Value(r.started_at));
  m.set("tls", Value(r.tls));
  if (!r.tls_cert.empty()) m.set("tls_cert", Value(r.tls_cert));
  if (!r.token.empty()) m.set("token", Value(r.token));
  m.set("url", Value(r.url()));
  m.set("version", Value(r.version));
  return Value(std::move(m));
}

std::string record_to_json(const ServerRecord& r) {
  JsonWriteOptions o;
  o.indent = 2;
  return to_json(record_to_value(r), o);
}

Result<ServerRecord> record_from_json(std::string_view text) {
  auto malformed = [](const std::string& why) -> Error {
    return Error::value("malformed server record: " + why);
  };
  auto parsed = parse_json(text);
  if (!parsed.ok()) return malformed(parsed.error().message);
  const Value& j = *parsed;
  if (!j.is_map()) return malformed("not a JSON object");
  auto text_of = [&](const char* key) -> Result<std::string> {
    const Value* v = j.get(key);
    if (!v) return std::string();
    if (!v->is_string()) return malformed(std::string(key) + " is not a string");
    return v->as_string();
  };
  ServerRecord r;
  auto pid = whole(j.get("pid"));
  if (!pid || *pid <= 0 || *pid > 0x7fffffff) return malformed("no pid");
  r.pid = static_cast<pid_t>(*pid);
  if (auto start = whole(j.get("process_start")); start && *start > 0)
    r.process_start = static_cast<std::uint64_t>(*start);
  LYN_TRY_ASSIGN(socket, text_of("socket"));
  LYN_TRY_ASSIGN(host, text_of("host"));
  LYN_TRY_ASSIGN(auth, text_of("auth"));
  LYN_TRY_ASSIGN(token, text_of("token"));
  LYN_TRY_ASSIGN(nonce, text_of("nonce"));
  LYN_TRY_ASSIGN(version, text_of("version"));
  LYN_TRY_ASSIGN(root, text_of("root"));
  LYN_TRY_ASSIGN(tls_cert, text_of("tls_cert"));
  r.tls_cert = std::move(tls_cert);
  r.socket = std::move(socket);
  r.host = std::move(host);
  r.auth = std::move(auth);
  r.token = std::move(token);
  r.nonce = std::move(nonce);
  r.version = std::move(version);
  r.root = std::move(root);
  if (r.nonce.empty()) return malformed("no nonce");
  if (r.socket.empty()) {
    auto port = whole(j.get("port"));
    if (!port || *port <= 0 || *port > 65535) return malformed("neither a socket nor a port");
    r.port = static_cast<unsigned short>(*port);
  }
  if (const Value* t = j.get("tls"); t && t->is_bool()) r.tls = t->as_bool();
  if (const Value* t = j.get("started_at"); t && t->is_number())
    r.started_at = t->is_int() ? static_cast<double>(t->as_int()) : t->as_float();
  return r;
}

std::string record_name(pid_t pid) {
  return "server-" + std::to_string(pid) + ".json";
}

Status write_record(const StateDir& dir, const ServerRecord& record) {
  std::string name = record_name(record.pid);
  return write_file_at(dir.fd(), name, record_to_json(record) + "\n", dir.path() + "/" + name,
                       kPrivateFile);
}

Result<ServerRecord> read_record(const StateDir& dir, pid_t pid) {
  std::string name = record_name(pid);
  std::string shown = dir.path() + "/" + name;
  UniqueFd fd(::openat(dir.fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return os_error(errno, shown);
  auto text = read_fd(fd.get(), shown, kMaxRecordBytes);
  if (!text.ok()) return text.error();
  auto record = record_from_json(*text);
  if (record.ok() && record->pid != pid) return Error::value("malformed server record: pid");
  return record;
}

std::vector<ServerRecord> list_records(const StateDir& dir) {
  std::vector<pid_t> pids;
  // A descriptor of its own (readdir moves the offset of the one it reads).
  int fd = ::openat(dir.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {};
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return {};
  }
  while (dirent* e = ::readdir(d))
    if (pid_t pid = pid_of_name(e->d_name); pid > 0) pids.push_back(pid);
  ::closedir(d);
  std::sort(pids.begin(), pids.end());
  std::vector<ServerRecord> out;
  for (pid_t pid : pids)
    if (auto r = read_record(dir, pid); r.ok()) out.push_back(std::move(r).value());
  return out;
}

bool remove_record(const StateDir& dir, const ServerRecord& record) {
  auto now = read_record(dir, record.pid);
  if (!now.ok()) return now.error().type == "FileNotFoundError";
  if (now->nonce != record.nonce) return false;  // a later server with this pid
  std::string name = record_name(record.pid);
  return ::unlinkat(dir.fd(), name.c_str(), 0) == 0 || errno == ENOENT;
}

}  // namespace lyn::ops
