// libFuzzer target: the TOML reader (core/toml.h) on any bytes, alone and as
// a `+++` front-matter header through the markdown reader.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "access/markdown_format.h"
#include "core/toml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lyn::parse_toml(text);
  (void)lyn::parse_front_matter("+++\n" + std::string(text) + "\n+++\nbody\n", "in.md");
  return 0;
}
