// Opening a path beneath a root directory so that nothing -- "..", an
// absolute symlink, a symlink pointing outside, a directory swapped for a
// symlink between a check and the open, a /proc magic link -- can make the
// open resolve outside the root. On Linux 5.6+ this is one openat2(2) with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS; elsewhere (older kernels,
// seccomp filters that refuse openat2, macOS) a walk that opens one
// component at a time with O_NOFOLLOW, expands symlinks itself and refuses
// to climb above the root. Both follow symlinks that stay beneath the root,
// as open(2) would.
//
// Thread safety: free functions; safe from any thread. Each open holds
// directory fds of its own, so concurrent renames in the tree can make an
// open fail (ENOENT, a PathEscapeError) but never leave the root.
#ifndef LYNGUINE_CORE_BENEATH_H_
#define LYNGUINE_CORE_BENEATH_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/fs.h"
#include "core/status.h"

namespace lyn {

// The directory `path` as a root for open_beneath (O_PATH on Linux: it
// needs search, not read, permission). Errors as os_error.
Result<UniqueFd> open_root(const std::string& path, std::string_view shown = {});

// Opens `rel` beneath the directory `root_fd` with open(2) `flags`
// (O_CLOEXEC is added; `mode` is used with O_CREAT). `rel` is relative to
// the root ("" or "." is the root itself). A resolution that would leave
// the root is a PathEscapeError (403) naming `shown`; other failures are
// os_error(errno, shown). With O_NOFOLLOW, or O_CREAT|O_EXCL, a symlink as
// the last component is not followed (ELOOP / EEXIST, as open(2)).
Result<UniqueFd> open_beneath(int root_fd, std::string_view rel, int flags, mode_t mode,
                              std::string_view shown);

// mkdir -p beneath the root: creates `rel` and its missing parents (mode
// 0777 before the umask); directories already there are fine. Refuses, as
// open_beneath does, to create anything outside the root. Errors name
// `shown`.
Status make_dirs_beneath(int root_fd, std::string_view rel, std::string_view shown);

// For tests: kAuto uses openat2 where the kernel has it; kWalk always uses
// the component walk, so both paths can be proven on one machine.
enum class BeneathMode { kAuto, kWalk };
void set_beneath_mode_for_testing(BeneathMode mode);

}  // namespace lyn

#endif  // LYNGUINE_CORE_BENEATH_H_
