// YAML as lynguine reads it: PyYAML's yaml.load(text, Loader=SafeLoader)
// (python-frontmatter uses CSafeLoader, the same loader on libyaml). libyaml
// parses the text; our composer, resolver and constructor on top follow
// PyYAML 1.1: yes/no/on/off booleans, ~/null/empty as None, 0x/0b/leading-
// zero octal, `_` separators and base-60 ints and floats, .inf/.nan,
// dates and timestamps, `<<` merge keys, anchors and aliases, a repeated
// key taking the last value in the first place, `!!binary` (bytes),
// `!!set`, `!!omap` and `!!pairs`, `!!python/...` refused. Quoted scalars
// stay strings (unless tagged `!`).
//
// Errors are values with PyYAML's class (ScannerError, ParserError,
// ComposerError, ConstructorError, ReaderError; or ValueError, KeyError,
// ... where PyYAML lets a Python exception through) and its message as
// CSafeLoader words it. safe_load follows the pure-Python SafeLoader
// instead (lynguine's yaml.safe_load of a file) where it accepts or words
// a document differently.
//
// Budgets (YamlLimits) bound the work and memory of any input: its size,
// its nesting depth, and the nodes that aliases and merge keys may add
// (a 516-byte "billion laughs" fails at once). A recursive structure (an
// alias inside its own anchor), which PyYAML builds, is refused.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_YAML_H_
#define LYNGUINE_CORE_YAML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

// Generous for any real document (a front matter is a few KB, a large
// data file a few MB), small enough that no input exhausts memory or
// stack. Each refusal names its limit.
struct YamlLimits {
  size_t max_bytes = size_t{32} << 20;  // yaml max_bytes
  int max_depth = 512;                  // yaml max_depth: nesting, aliases expanded
  size_t max_alias_nodes = 1000000;     // yaml max_alias_nodes: nodes added by aliases and merges
};

// Parses a single YAML document (an empty text is None). Error marks name
// `source_name` (PyYAML: "<unicode string>" for a string).
Result<Value> parse_yaml(std::string_view text, std::string_view source_name = "<unicode string>",
                         const YamlLimits& limits = {});

// yaml.safe_load(stream) of a file, as lynguine reads every YAML file it
// opens itself (data files, directory entries, interface and config
// files): parse_yaml, except that PyYAML's pure-Python scanner refuses a
// tab between tokens or in a plain scalar (ScannerError "found character
// '\t' that cannot start any token"; libyaml skips it), and errors are
// worded as pure_python_wording words them. Front matter is not read this
// way (python-frontmatter uses CSafeLoader, i.e. parse_yaml).
Result<Value> safe_load(std::string_view text, std::string_view source_name = "<unicode string>",
                        const YamlLimits& limits = {});

// True when `e` is one of yaml.YAMLError's classes (what lynguine's
// readers catch: a front matter that fails so reads as empty), false for
// the Python exceptions PyYAML lets through (ValueError of `0x_`, ...).
bool is_yaml_error(const Error& e);

// True when `e` is a refusal by YamlLimits (or of a recursive structure):
// a document PyYAML would have loaded, so no reader may take it for one
// PyYAML rejects. These, and only these, have the base class YAMLError.
bool is_yaml_refusal(const Error& e);

// `e` (an error of parse_yaml on `text`) as lynguine's yaml.safe_load of a
// file words it: PyYAML's pure-Python parser says "expected ',' or ']', but
// got ':'" (the token at the problem mark) where libyaml says "did not find
// expected ',' or ']'". Other errors come back unchanged.
Error pure_python_wording(Error e, std::string_view text);

// Resolves one plain (unquoted) scalar as PyYAML would; a scalar that
// PyYAML could not construct (`2024-13-45`) comes back as its text.
Value resolve_plain_scalar(std::string_view text);

// Dumps a value as block-style YAML the way lynguine writes it
// (yaml.safe_dump(sort_keys=False, allow_unicode=True)): key order kept,
// unicode kept, multi-line strings as `|` blocks, strings that would
// resolve to another type quoted.
std::string dump_yaml(const Value& v);

}  // namespace lyn

#endif  // LYNGUINE_CORE_YAML_H_
