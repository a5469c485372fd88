// python_text: a file's text as Python's `open(path, "r").read()` gives
// it to lamd's tools: decoded as strict UTF-8 (the C.UTF-8 locale's
// encoding), with universal newlines ("\r\n" and "\r" read as "\n"), and
// with the exceptions Python raises (FileNotFoundError, IsADirectoryError,
// PermissionError, UnicodeDecodeError) and their texts.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_ASSESS_LAMD_PYTHON_TEXT_H_
#define LYNGUINE_ASSESS_LAMD_PYTHON_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lyn::lamd {

// `shown` (default: `path`) is the name its errors quote, as the tool named it.
Result<std::string> read_python_text(const std::string& path, std::string_view shown = {});

// str.splitlines(keepends=True) as file.readlines() returns it for text
// already in universal-newline form: each line keeps its "\n".
std::vector<std::string_view> readlines(std::string_view text);

// os.path.exists / os.path.isfile (symlinks followed; errors mean false).
bool path_exists(const std::string& p);
bool path_isfile(const std::string& p);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_PYTHON_TEXT_H_
