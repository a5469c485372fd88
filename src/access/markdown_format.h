// Markdown with YAML (or JSON, or TOML) front matter, as python-frontmatter
// reads it: an optional `---` line, YAML, a closing `---` line, then the body, which
// lynguine keeps as the `content` field.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_ACCESS_MARKDOWN_FORMAT_H_
#define LYNGUINE_ACCESS_MARKDOWN_FORMAT_H_

#include <memory>
#include <string>
#include <string_view>

#include "access/file_cache.h"
#include "config/paths.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct FrontMatter {
  Map fields;                  // the YAML header (empty when there is none)
  std::string content;         // the body, stripped as python-frontmatter strips it
  bool header_broken = false;  // the header was not valid YAML
};

// What a cached FrontMatter costs (access/file_cache.h).
size_t approx_bytes(const FrontMatter& fm);

// Splits and parses as python-frontmatter does: a YAML header between
// `---` lines, or a JSON one between `{` and `}` lines. A YAML header that
// does not parse is an error of type "FileFormatError" (lynguine reads it as
// no header), JSON that does not parse a JSONDecodeError. One that PyYAML
// fails on with a Python exception (ValueError of `n: 0x_`) keeps that
// exception's class; a mapping with a key that is not a string is
// python-frontmatter's TypeError "keywords must be strings", one with a
// `content` or `handler` key its "got multiple values" TypeError. A header
// that is not a mapping reads as no fields. A TOML header between `+++`
// lines is read as python-frontmatter reads it with the toml module
// (core/toml.h); TOML that does not parse is its TomlDecodeError.
Result<FrontMatter> parse_front_matter(std::string_view text, std::string_view source_name);

// Reads a markdown file (through `cache` when given). As lynguine does, a
// header that is not valid YAML reads as no fields and no content, with
// header_broken set. Errors: missing file, unreadable, not UTF-8, and the
// Python exceptions of parse_front_matter, which lynguine does not catch.
// `path` is resolved by `paths`, which confines the open.
Result<std::shared_ptr<const FrontMatter>> load_markdown_file(const PathPolicy& paths,
                                                              const std::string& path,
                                                              std::string_view shown,
                                                              FileCache* cache);

// Writes front matter and content back, byte for byte as lynguine's
// write_markdown_file does (python-frontmatter's dumps).
std::string dump_front_matter(const Map& fields, std::string_view content);

}  // namespace lyn

#endif  // LYNGUINE_ACCESS_MARKDOWN_FORMAT_H_
