// str_format: Python's str.format(**kwargs) for keyword arguments that are
// strings or None. lamd's flags builds its `post` line as a format string
// into which talk fields (the layout, the GitHub edit URL) are pasted
// before `.format(out=..., date=...)` runs over the whole line, so braces
// in those fields are format fields, with Python's results and errors.
//
// Supported: `{{`/`}}`, named and positional fields (positional ones are
// out of range: no positional arguments), `[index]` and `.attribute` on
// the value (indexing a str; attributes are reported missing), `!r`/`!s`/
// `!a`, and str format specs (fill, align, zero, width, precision, `s`),
// with nested fields in the spec.
//
// Thread safety: pure function.
#ifndef LYNGUINE_ASSESS_LAMD_STR_FORMAT_H_
#define LYNGUINE_ASSESS_LAMD_STR_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lyn::lamd {

// A keyword argument: a str, or None (nullopt).
using FormatArg = std::pair<std::string, std::optional<std::string>>;

Result<std::string> py_format(std::string_view fmt, const std::vector<FormatArg>& kwargs);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_STR_FORMAT_H_
