// libFuzzer target: the YAML loader (libyaml + our PyYAML 1.1 composer,
// resolver and constructor, within its budgets), safe_load (the same with
// PyYAML's pure-Python scanner rules: tabs, directives), the markdown
// front-matter splitter on top of it, and the dumper's round trip. Every
// input is fed as it comes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "access/markdown_format.h"
#include "core/json.h"
#include "core/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = lyn::parse_yaml(text, "fuzz.yml");
  if (v.ok()) {
    (void)lyn::to_json(*v);  // whatever parses must serialise
    (void)lyn::py_repr(*v);
    // What we write must read back.
    if (!lyn::parse_yaml(lyn::dump_yaml(*v), "dumped.yml").ok()) __builtin_trap();
  }
  auto safe = lyn::safe_load(text, "fuzz.yml");
  if (safe.ok()) (void)lyn::to_json(*safe);
  auto fm = lyn::parse_front_matter(text, "fuzz.md");
  if (fm.ok()) (void)lyn::dump_front_matter(fm->fields, fm->content);
  return 0;
}
