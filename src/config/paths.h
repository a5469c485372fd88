// PathPolicy: where a request may read and write. Every path an interface
// file or a request names is joined to a base directory, normalised, its
// symlinks resolved, and then checked to lie under one of the allowed roots;
// anything else is a PathEscapeError and is never opened. That check gives
// lynguine's error messages; what makes it hold is the open: open(),
// read_file(), write_file() and create_directories() resolve the path again
// beneath the root's directory fd (core/beneath.h), so a directory swapped
// for a symlink between resolve() and the open cannot lead outside the root.
// Paths a request names are read and written only through these.
//
// Thread safety: immutable after construction; safe from any thread.
#ifndef LYNGUINE_CONFIG_PATHS_H_
#define LYNGUINE_CONFIG_PATHS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/fs.h"
#include "core/status.h"

namespace lyn {

class PathPolicy {
 public:
  PathPolicy() = default;
  // `roots` are canonicalised here; `base_dir` is where relative paths start.
  PathPolicy(std::string base_dir, std::vector<std::string> roots);

  // The absolute, symlink-free path for `p`, or PathEscapeError. A path that
  // does not exist yet (a write target) is resolved through its parent.
  Result<std::string> resolve(std::string_view p) const;
  // Same, but `shown` is the text the error message quotes.
  Result<std::string> resolve_as(std::string_view p, std::string_view shown) const;

  const std::string& base_dir() const { return base_dir_; }
  const std::vector<std::string>& roots() const { return roots_; }
  // A policy with the same roots whose relative paths start at `dir`.
  PathPolicy with_base(std::string dir) const;
  bool unbounded() const { return roots_.empty(); }

  // "Path 'X' is not under allowed roots ['/a', '/b']"
  Error escape_error(std::string_view shown) const;

  // Confined I/O on `resolved`, a path resolve() returned; errors quote
  // `shown`. With no roots they are plain opens.
  // open(2) `flags` (O_CLOEXEC added), beneath the root that holds it.
  Result<UniqueFd> open(const std::string& resolved, int flags, std::string_view shown) const;
  // The whole file, bounded as core read_fd.
  Result<std::string> read_file(const std::string& resolved, std::string_view shown,
                                size_t max_bytes = kMaxFileBytes) const;
  // The atomic write of core/fs: its directory opened beneath the root, the
  // temp file and the rename inside that directory.
  Status write_file(const std::string& resolved, std::string_view content, std::string_view shown,
                    const WriteOptions& options = {}) const;
  // mkdir -p of the directory `resolved`, beneath the root.
  Status create_directories(const std::string& resolved, std::string_view shown) const;

 private:
  // The root holding `resolved` (opened) and the rest of the path below it.
  struct Beneath {
    UniqueFd root;
    std::string rel;
  };
  Result<Beneath> beneath(const std::string& resolved, std::string_view shown) const;

  std::string base_dir_ = ".";
  std::vector<std::string> roots_;
};

// $VAR expansion of a path, where lynguine expands one that a file (not a
// request) names: a directory reader's source, an inherited directory.
// What it substituted is remembered, so that an error about the expanded
// path can name the variables instead of their values: error messages
// never show the server's environment. A request's own paths are never
// expanded (a request for "$HOME/.ssh/id_rsa" asks for that literal name).
struct VarExpansion {
  std::string text;                                              // expanded
  std::vector<std::pair<std::string, std::string>> substituted;  // name, value
  // `e` with each substituted value written as ${NAME}.
  Error hide_values(Error e) const;
};
VarExpansion expand_path_vars(std::string_view written);

// Lexical helpers (no file system access).
std::string path_join(std::string_view a, std::string_view b);
std::string path_normalize(std::string_view p);  // os.path.normpath
std::string path_dirname(std::string_view p);
std::string path_basename(std::string_view p);
bool path_is_under(std::string_view path, std::string_view root);
// realpath() of the longest existing prefix, with the rest appended.
std::string path_canonical(std::string_view p);
std::string current_directory();

}  // namespace lyn

#endif  // LYNGUINE_CONFIG_PATHS_H_
