// Files: the one bounded reader and the one atomic write, plus UniqueFd
// and the OSError wording they share. Paths a request names are opened
// through PathPolicy (config/paths.h), which confines them with
// core/beneath.h and then calls the *_at / fd forms here; the path forms
// are for the program's own files (state, tokens, sessions, API keys).
//
// Thread safety: free functions; safe from any thread. Two concurrent
// atomic writes to one path each land whole; the last rename wins.
#ifndef LYNGUINE_CORE_FS_H_
#define LYNGUINE_CORE_FS_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lyn {

// An owned file descriptor, closed on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// The components of a path, in order, without empty ones and "." ("a//./b/"
// is {"a", "b"}; ".." is kept). Views into `path`.
std::vector<std::string_view> path_components(std::string_view path);

// Python's OSError for errno `err` on the file shown as `shown`:
// "[Errno 2] No such file or directory: 'x'" as FileNotFoundError (404),
// and IsADirectoryError, NotADirectoryError (400), PermissionError (403),
// OSError (507 when the disk is full, else 500).
Error os_error(int err, std::string_view shown);

// Writes all of `data` to `fd` (retrying short writes and EINTR); false
// with errno set on failure.
bool write_all(int fd, std::string_view data);

// What a whole-file read accepts unless told otherwise.
constexpr size_t kMaxFileBytes = size_t{1} << 30;

// The whole of an open file, refused with a 413 ValueError naming `shown`
// and the limit when it holds more than `max_bytes`; a directory is an
// IsADirectoryError. Reads to end of file (the size may change meanwhile).
Result<std::string> read_fd(int fd, std::string_view shown, size_t max_bytes = kMaxFileBytes);
// The same for a path (opened O_RDONLY|O_CLOEXEC, following links);
// `shown` defaults to the path.
Result<std::string> read_file(const std::string& path, std::string_view shown = {},
                              size_t max_bytes = kMaxFileBytes);

struct WriteOptions {
  mode_t mode = 0644;       // a new file's mode (the umask applies unless exact_mode)
  bool keep_mode = true;    // replacing a regular file keeps its permission bits
  bool exact_mode = false;  // the file gets exactly `mode` (secrets: 0600)
};

// The program's secrets and state: exactly 0600, whatever was there.
inline constexpr WriteOptions kPrivateFile{0600, false, true};

// The atomic write: a temporary file with an unguessable name is created
// beside the target (O_CREAT|O_EXCL|O_NOFOLLOW, so nothing planted there is
// followed or reused), written, fsync'd and renamed onto `name` inside the
// directory `dir_fd`, then the directory is fsync'd. A crash leaves the old
// file or the new one, whole. `name` is a single path component.
Status write_file_at(int dir_fd, std::string_view name, std::string_view content,
                     std::string_view shown, const WriteOptions& options = {});
// The same for a path; its directory is opened following links.
Status write_file_atomic(const std::string& path, std::string_view content,
                         std::string_view shown = {}, const WriteOptions& options = {});

}  // namespace lyn

#endif  // LYNGUINE_CORE_FS_H_
