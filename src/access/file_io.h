// File helpers shared by the readers and writers: whole-file reads with
// lynguine-style errors, and atomic writes (temporary file in the same
// directory, fsync, rename) so that a crash mid-write leaves the old file
// whole.
//
// Thread safety: free functions; safe from any thread. Two concurrent
// writes to one path each land whole; the last rename wins.
#ifndef LYNGUINE_ACCESS_FILE_IO_H_
#define LYNGUINE_ACCESS_FILE_IO_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace lyn {

// Reads a whole file. Errors: FileNotFoundError "[Errno 2] No such file or
// directory: 'shown'", IsADirectoryError, PermissionError, and a
// ValueError for files over `max_bytes`.
Result<std::string> read_text_file(const std::string& path, std::string_view shown = {},
                                   size_t max_bytes = size_t{1} << 30);

// Writes `content` to `path` atomically.
Status write_file_atomic(const std::string& path, std::string_view content,
                         std::string_view shown = {});

// What Python's text-mode read gives for `raw`: "\r\n" and lone "\r"
// become "\n" (universal newlines).
std::string universal_newlines(std::string_view raw);

// True when `s` is valid UTF-8.
bool is_valid_utf8(std::string_view s);

}  // namespace lyn

#endif  // LYNGUINE_ACCESS_FILE_IO_H_
