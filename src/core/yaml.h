// YAML with PyYAML's typing. yaml-cpp parses the text; we resolve plain
// scalars as PyYAML's SafeLoader (YAML 1.1) does: yes/no/on/off booleans,
// ~/null/empty as None, 0x/0o/0b/leading-zero octal, `_` separators and
// base-60 ints and floats, .inf/.nan, dates and timestamps. Quoted scalars
// stay strings; map key order is kept; `<<` merge keys are applied.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_YAML_H_
#define LYNGUINE_CORE_YAML_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

// Parses a single YAML document (an empty text is None). Errors are
// ValueErrors whose message mentions `source_name`.
Result<Value> parse_yaml(std::string_view text, std::string_view source_name = "<string>");

// Resolves one plain (unquoted) scalar as PyYAML would.
Value resolve_plain_scalar(std::string_view text);

// Dumps a value as block-style YAML the way lynguine writes it
// (yaml.safe_dump(sort_keys=False, allow_unicode=True)): key order kept,
// unicode kept, multi-line strings as `|` blocks, strings that would
// resolve to another type quoted.
std::string dump_yaml(const Value& v);

}  // namespace lyn

#endif  // LYNGUINE_CORE_YAML_H_
