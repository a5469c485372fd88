// Small text utilities with Python's exact semantics, used wherever
// lynguine's output must match byte for byte.
//
// Thread safety: free functions; expand_vars reads the process environment,
// which nothing in this program modifies after start-up.
#ifndef LYNGUINE_CORE_TEXT_H_
#define LYNGUINE_CORE_TEXT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lyn {

// os.path.expandvars (POSIX): `$name` and `${name}` are replaced by the
// variable's value when it is set; unknown variables, a lone `$` and `$$`
// stay as they are. `lookup` defaults to getenv.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
std::string expand_vars(std::string_view s, const EnvLookup& lookup = {});

// Python's str.isspace for one code point.
bool py_isspace(char32_t c);

// A size limit as error messages give it: "384 MB" (MB of 2^20 bytes) when
// a whole number of them, else "1000 bytes".
std::string size_text(uint64_t bytes);

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim_ows(std::string_view s);

// os.path.expanduser for a leading `~` or `~/`.
std::string expand_user(std::string_view s);

// What Python's text-mode read gives for `raw`: "\r\n" and lone "\r"
// become "\n" (universal newlines).
std::string universal_newlines(std::string_view raw);

}  // namespace lyn

#endif  // LYNGUINE_CORE_TEXT_H_
