// libFuzzer target: the BibTeX parser, the frame built from it, and the
// writer round trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "access/bibtex_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entries = lyn::access::parse_bibtex(text, "fuzz.bib");
  if (!entries.ok()) return 0;
  (void)lyn::access::bibtex_frame(*entries);
  auto dumped = lyn::access::dump_bibtex(*entries);
  if (dumped.ok()) (void)lyn::access::parse_bibtex(*dumped, "roundtrip.bib");
  return 0;
}
