#include "core/process_memory.h"

#include <unistd.h>

#include <cstdio>

#include "core/fs.h"

namespace lyn {

double resident_memory_bytes() {
  auto statm = read_file("/proc/self/statm", {}, 4096);
  if (!statm.ok()) return 0;
  long pages_total = 0, pages_resident = 0;
  if (std::sscanf(statm->c_str(), "%ld %ld", &pages_total, &pages_resident) != 2) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace lyn
