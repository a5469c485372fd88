// Small helpers shared by the libFuzzer targets in fuzz/.
#ifndef LYNGUINE_FUZZ_FUZZ_UTIL_H_
#define LYNGUINE_FUZZ_FUZZ_UTIL_H_

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace lyn_fuzz {

// A private directory under $TMPDIR (or /tmp), created once per process and
// removed at a normal exit (a crash leaves it behind).
inline const std::string& temp_root() {
  static const std::string root = [] {
    const char* t = getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/lyn-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      perror("mkdtemp");
      abort();
    }
    char* real = realpath(tmpl.c_str(), nullptr);
    std::string r = real ? real : tmpl;
    free(real);
    static std::string to_remove = r;
    atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    return r;
  }();
  return root;
}

inline void write_file(const std::string& path, std::string_view data) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) {
    perror("fopen");
    abort();
  }
  if (!data.empty()) fwrite(data.data(), 1, data.size(), f);
  fclose(f);
}

}  // namespace lyn_fuzz

#endif  // LYNGUINE_FUZZ_FUZZ_UTIL_H_
