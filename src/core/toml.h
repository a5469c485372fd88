// TOML as python-frontmatter reads a `+++` header: with the `toml` package
// (0.10.2), `toml.loads`. The values are the ones that package builds:
// strings (basic, literal, multi-line), integers (decimal with underscores,
// 0x/0o/0b; beyond int64 a BigInt, as Python's int), floats (inf, nan;
// `0 - v` for a minus sign, so -0.0 is 0.0), booleans, offset datetimes
// (DateTime with its offset; `Z` is +00:00), local datetimes, dates, arrays
// (of one type each, as that package insists), inline tables, tables and
// arrays of tables. A time has no Value kind of its own: it is the text
// Python's str() gives the datetime.time (`07:32:00`, `00:32:00.000123`; the
// package reads 3 to 6 fraction digits as a count of microseconds).
//
// Errors are values: type "TomlDecodeError" with the package's wording and
// its "(line L column C char P)" suffix naming the start of the statement.
// Nesting (arrays, inline tables, dotted keys, table paths) is bounded by
// `max_depth`, an error beyond it.
//
// Thread safety: a pure function; safe from any thread.
#ifndef LYNGUINE_CORE_TOML_H_
#define LYNGUINE_CORE_TOML_H_

#include <cstddef>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct TomlLimits {
  size_t max_depth = 64;
};

Result<Map> parse_toml(std::string_view text, const TomlLimits& limits = {});

}  // namespace lyn

#endif  // LYNGUINE_CORE_TOML_H_
