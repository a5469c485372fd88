#include "config/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/beneath.h"
#include "core/text.h"
#include "core/value.h"

namespace lyn {

std::string current_directory() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf)) return buf;
  return ".";
}

std::string path_join(std::string_view a, std::string_view b) {
  if (!b.empty() && b[0] == '/') return std::string(b);
  if (a.empty()) return std::string(b);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

std::string path_normalize(std::string_view p) {
  if (p.empty()) return ".";
  bool abs = p[0] == '/';
  std::vector<std::string_view> parts;
  for (std::string_view part : path_components(p)) {
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!abs)
        parts.push_back(part);
    } else {
      parts.push_back(part);
    }
  }
  // POSIX keeps exactly two leading slashes (implementation-defined root).
  bool two = abs && p.size() >= 2 && p[1] == '/' && (p.size() == 2 || p[2] != '/');
  std::string out = two ? "//" : abs ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string path_dirname(std::string_view p) {
  size_t k = p.rfind('/');
  if (k == std::string_view::npos) return "";
  if (k == 0) return "/";
  return std::string(p.substr(0, k));
}

std::string path_basename(std::string_view p) {
  size_t k = p.rfind('/');
  return std::string(k == std::string_view::npos ? p : p.substr(k + 1));
}

bool path_is_under(std::string_view path, std::string_view root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  if (path.size() < root.size() || path.substr(0, root.size()) != root) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

namespace {

// realpath() of an existing path in three system calls: the kernel resolves
// it (symlinks and all) while opening, and names what it opened. glibc's
// realpath() calls readlink() on every component, each a walk from the
// root; this ran for every request (issue 13's talk/field row). False when
// the path cannot be opened or named (it does not exist, no /proc, it was
// removed meanwhile): the caller resolves it the portable way.
bool kernel_realpath(const std::string& path, std::string& out) {
#ifdef __linux__
  int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return false;
  char link[40] = "/proc/self/fd/";
  *std::to_chars(link + 14, link + sizeof link - 1, fd).ptr = '\0';
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link, buf, sizeof buf);
  ::close(fd);
  if (n <= 0 || n >= static_cast<ssize_t>(sizeof buf) || buf[0] != '/') return false;
  std::string_view name(buf, static_cast<size_t>(n));
  constexpr std::string_view kDeleted = " (deleted)";  // unlinked since: ask realpath
  if (name.size() >= kDeleted.size() && name.substr(name.size() - kDeleted.size()) == kDeleted)
    return false;
  out.assign(name);
  return true;
#else
  (void)path;
  (void)out;
  return false;
#endif
}

}  // namespace

std::string path_canonical(std::string_view p) {
  std::string abs = path_normalize(!p.empty() && p[0] == '/' ? std::string(p)
                                                             : path_join(current_directory(), p));
  if (std::string fast; kernel_realpath(abs, fast)) return path_normalize(fast);
  // Resolve the longest existing prefix with realpath, then append the rest.
  std::string head = abs;
  std::string tail;
  while (true) {
    char buf[PATH_MAX];
    if (realpath(head.c_str(), buf)) {
      std::string out = buf;
      if (!tail.empty()) out = path_join(out, tail);
      return path_normalize(out);
    }
    if (head == "/" || head.empty()) return abs;
    std::string base = path_basename(head);
    tail = tail.empty() ? base : base + "/" + tail;
    head = path_dirname(head);
  }
}

PathPolicy::PathPolicy(std::string base_dir, std::vector<std::string> roots)
    : base_dir_(std::move(base_dir)) {
  for (auto& r : roots) roots_.push_back(path_canonical(r));
}

PathPolicy PathPolicy::with_base(std::string dir) const {
  PathPolicy p = *this;
  p.base_dir_ = std::move(dir);
  return p;
}

Error PathPolicy::escape_error(std::string_view shown) const {
  std::string msg = "Path " + py_string_repr(shown) + " is not under allowed roots [";
  for (size_t i = 0; i < roots_.size(); ++i) {
    if (i) msg += ", ";
    msg += py_string_repr(roots_[i]);
  }
  msg += "]";
  return Error::path_escape(std::move(msg));
}

Result<std::string> PathPolicy::resolve(std::string_view p) const {
  return resolve_as(p, p);
}

Result<std::string> PathPolicy::resolve_as(std::string_view p, std::string_view shown) const {
  std::string joined = path_join(base_dir_, p);
  std::string canon = path_canonical(joined);
  if (roots_.empty()) return canon;
  for (const auto& r : roots_)
    if (path_is_under(canon, r)) return canon;
  return escape_error(shown);
}

Result<PathPolicy::Beneath> PathPolicy::beneath(const std::string& resolved,
                                                std::string_view shown) const {
  // The most specific root, so that a nested root's own permissions apply.
  const std::string* best = nullptr;
  for (const auto& r : roots_)
    if (path_is_under(resolved, r) && (!best || r.size() > best->size())) best = &r;
  if (!best) return escape_error(shown);
  LYN_TRY_ASSIGN(root, open_root(*best, shown));
  std::string rel;
  if (resolved.size() > best->size()) rel = resolved.substr(*best == "/" ? 1 : best->size() + 1);
  return Beneath{std::move(root), std::move(rel)};
}

Result<UniqueFd> PathPolicy::open(const std::string& resolved, int flags,
                                  std::string_view shown) const {
  if (roots_.empty()) {
    UniqueFd fd(::open(resolved.c_str(), flags | O_CLOEXEC, 0666));
    if (!fd) return os_error(errno, shown);
    return fd;
  }
  LYN_TRY_ASSIGN(at, beneath(resolved, shown));
  auto fd = open_beneath(at.root.get(), at.rel, flags, 0666, shown);
  // The lexical check's wording, which names the roots.
  if (!fd.ok() && fd.error().type == "PathEscapeError") return escape_error(shown);
  return fd;
}

Result<std::string> PathPolicy::read_file(const std::string& resolved, std::string_view shown,
                                          size_t max_bytes) const {
  LYN_TRY_ASSIGN(fd, open(resolved, O_RDONLY, shown));
  return read_fd(fd.get(), shown, max_bytes);
}

Status PathPolicy::write_file(const std::string& resolved, std::string_view content,
                              std::string_view shown, const WriteOptions& options) const {
  if (roots_.empty()) return write_file_atomic(resolved, content, shown, options);
  std::string dir = path_dirname(resolved);
  if (dir.empty()) dir = ".";
  LYN_TRY_ASSIGN(dir_fd, open(dir, O_RDONLY | O_DIRECTORY, shown));
  return write_file_at(dir_fd.get(), path_basename(resolved), content, shown, options);
}

Status PathPolicy::create_directories(const std::string& resolved, std::string_view shown) const {
  if (roots_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(resolved, ec);
    if (ec) return os_error(ec.value(), shown);
    return Ok{};
  }
  LYN_TRY_ASSIGN(at, beneath(resolved, shown));
  auto made = make_dirs_beneath(at.root.get(), at.rel, shown);
  if (!made.ok() && made.error().type == "PathEscapeError") return escape_error(shown);
  return made;
}

VarExpansion expand_path_vars(std::string_view written, const EnvLookup& env) {
  VarExpansion out;
  if (env) {
    out.text = expand_vars(written, env);
    return out;
  }
  out.text = expand_vars(written, [&out](std::string_view name) -> std::optional<std::string> {
    std::string n(name);
    const char* v = std::getenv(n.c_str());
    if (!v) return std::nullopt;
    out.substituted.emplace_back(n, v);
    return std::string(v);
  });
  return out;
}

Error VarExpansion::hide_values(Error e) const {
  // Longest values first, so that one value inside another is not split.
  auto order = substituted;
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  for (const auto& [name, value] : order) {
    if (value.empty()) continue;
    std::string hidden;
    size_t pos = 0;
    for (size_t f; (f = e.message.find(value, pos)) != std::string::npos; pos = f + value.size())
      hidden.append(e.message, pos, f - pos).append("${" + name + "}");
    hidden.append(e.message, pos);
    e.message = std::move(hidden);
  }
  return e;
}

}  // namespace lyn
