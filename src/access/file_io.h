// Transitional: csv_format.cc still reads and writes through these names.
// New code reads and writes paths a request names through PathPolicy
// (config/paths.h: confined beneath the root) and the program's own files
// through core/fs.h; once csv_format.cc does the same, this header goes.
#ifndef LYNGUINE_ACCESS_FILE_IO_H_
#define LYNGUINE_ACCESS_FILE_IO_H_

#include <string>
#include <string_view>

#include "core/fs.h"

namespace lyn {

inline Result<std::string> read_text_file(const std::string& path, std::string_view shown = {},
                                          size_t max_bytes = kMaxFileBytes) {
  return read_file(path, shown, max_bytes);
}

}  // namespace lyn

#endif  // LYNGUINE_ACCESS_FILE_IO_H_
