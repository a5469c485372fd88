// lynguine's lockfile, as lynguine.server writes it, so that lynguine's own
// check_server_running() (and the tools and tests built on it) recognise a
// server of ours on a TCP port as 'lynguine' rather than 'other':
//
//   <Python's temp directory>/lynguine-server-<host>-<port>.lock
//
// where <host> is the --host given with '.' and ':' replaced by '-', and the
// file holds the server's pid in decimal, no newline. Python's temp directory
// is tempfile.gettempdir()'s: the first of $TMPDIR, $TEMP, $TMP, /tmp,
// /var/tmp, /usr/tmp and the current directory in which a file can be
// created (made absolute and normalised as os.path.abspath does).
//
// Unlike lynguine, which opens the name in a shared directory for writing
// (following whatever symlink another user planted there), ours is created
// with O_CREAT|O_EXCL|O_NOFOLLOW: a name taken by anything but a regular
// file of ours (which, as we hold the port, is stale) is left alone (a
// warning, no lockfile), and on exit only a regular file of ours that still
// holds our pid is removed.
//
// Thread safety: free functions; any thread.
#ifndef LYNGUINE_OPS_LYNGUINE_LOCKFILE_H_
#define LYNGUINE_OPS_LYNGUINE_LOCKFILE_H_

#include <sys/types.h>

#include <string>

#include "core/status.h"

namespace lyn::ops {

// Python's tempfile.gettempdir(), computed afresh (see above).
std::string python_temp_dir();

// python_temp_dir() + "/lynguine-server-<host>-<port>.lock".
std::string lynguine_lockfile_path(const std::string& host, unsigned short port);

// Writes `pid` into the lockfile at `path` (see above). An error says why
// not (the caller logs it as a warning and serves on).
Status create_lynguine_lockfile(const std::string& path, pid_t pid);

// Removes the lockfile at `path` if it is a regular file of ours holding
// `pid`. True if removed.
bool remove_lynguine_lockfile(const std::string& path, pid_t pid);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_LYNGUINE_LOCKFILE_H_
