// JSON in and out of Value, with Python's json module as the model: the
// parser accepts what json.loads accepts (NaN and Infinity literals
// included) and reports errors in its words ("Expecting value: line 1
// column 37 (char 36)"); the writer lays out as json.dumps does, except
// that non-finite floats become `null` so that the output is valid JSON.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_CORE_JSON_H_
#define LYNGUINE_CORE_JSON_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct JsonWriteOptions {
  bool ensure_ascii = true;  // \uXXXX for non-ASCII, as json.dumps by default
  bool compact = false;      // "," and ":" instead of ", " and ": "
  // >= 0: one item per line, nested `indent` spaces deeper, as
  // json.dumps(indent=N) lays out (items end in "," then; keys ": ").
  int indent = -1;
};

// Budgets: generous for any real document, small enough that no input can
// exhaust the stack or memory.
inline constexpr int kJsonMaxDepth = 512;
inline constexpr size_t kJsonMaxBytes = size_t{256} << 20;

// Parses one JSON document in time linear in its size (repeated keys
// included). A text over `max_bytes` or nesting deeper than `max_depth` is
// an error naming the limit.
Result<Value> parse_json(std::string_view text, int max_depth = kJsonMaxDepth,
                         size_t max_bytes = kJsonMaxBytes);

std::string to_json(const Value& v, JsonWriteOptions options = {});

// json.dumps' text for a dict key that is not a string: true, false, null,
// the int, float.__repr__ (NaN, Infinity); dates and bytes, which
// json.dumps refuses, as their values are written (dates in ISO form).
std::string json_key(const Value& k);
void append_json(std::string& out, const Value& v, JsonWriteOptions options = {});
// A JSON string literal for `s`.
void append_json_string(std::string& out, std::string_view s, bool ensure_ascii = true);
// The same written to raw memory with room for json_string_bound(s.size())
// bytes; returns the end.
char* write_json_string(char* p, std::string_view s, bool ensure_ascii = true);
constexpr size_t json_string_bound(size_t n) {
  return 6 * n + 2;  // a byte may become \u00XX; quotes
}

}  // namespace lyn

#endif  // LYNGUINE_CORE_JSON_H_
