// The per-user state directory behind CIP-0008's server mode: where servers
// record themselves and where the per-user server's Unix socket lies. Its
// privacy is what makes the per-user server the user's alone, so it is
// checked every time it is opened, and refused (with a message saying how to
// fix it) unless:
//  - it is a directory, not a symlink, owned by this user (euid);
//  - no one else may read, write or enter it (mode & 077 == 0);
//  - every directory above it is owned by root or this user and is not
//    writable by others unless sticky (as /tmp is), so no one else can
//    rename it away and put their own in its place.
// Missing, it is created 0700 (with any missing parents, also 0700).
//
// Location: $LYNGUINE_STATE_DIR if set, else $XDG_RUNTIME_DIR/lynguine if
// XDG_RUNTIME_DIR is a usable directory, else ~/.cache/lynguine.
//
// Files in it are opened relative to the directory's descriptor, never
// following a symlink, and created with O_EXCL (the records and token through
// core/fs's atomic write, whose temporary names are unguessable).
//
// Thread safety: a StateDir is immutable after open(); its methods may be
// called from any thread.
#ifndef LYNGUINE_OPS_STATE_DIR_H_
#define LYNGUINE_OPS_STATE_DIR_H_

#include <string>

#include "core/fs.h"
#include "core/status.h"

namespace lyn::ops {

class StateDir {
 public:
  // The directory named by the environment (see above), created if missing
  // and checked. A PermissionError (403) naming the problem and its fix if
  // it is not private; an OSError if it cannot be created or opened.
  static Result<StateDir> open();
  // The same for an explicit directory.
  static Result<StateDir> open(const std::string& path);

  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }

  // The per-user server's Unix socket: path() + "/server.sock".
  std::string socket_path() const;
  // A daemon's log: path() + "/server.log".
  std::string log_path() const;

  // Opens (creating it 0600 if missing) a regular file of ours in the
  // directory for `flags` (O_WRONLY|O_APPEND for a log, O_RDWR for a lock):
  // a symlink, a non-regular file or one owned by someone else there is
  // refused (OSError), never followed or written.
  Result<UniqueFd> open_private_file(const std::string& name, int flags) const;

 private:
  StateDir(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

// The location the environment names (see above), without creating or
// checking anything.
std::string state_dir_location();

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STATE_DIR_H_
