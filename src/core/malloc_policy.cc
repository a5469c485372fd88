#include "core/malloc_policy.h"

#include <malloc.h>

namespace lyn {

void apply_malloc_policy() {
  constexpr int kKeep = 128 << 20;
  mallopt(M_MMAP_THRESHOLD, kKeep);
  mallopt(M_TRIM_THRESHOLD, kKeep);
}

}  // namespace lyn
