// The process's allocator policy. lynguine reads whole files into frames of
// many small values; glibc's defaults hand large freed blocks straight back
// to the kernel, so the next read of the same file page-faults tens of MB
// afresh. Keeping up to 128 MB of freed memory makes repeated reads (the
// server's whole job) about 1.5x faster, at the price of not shrinking below
// the largest recent read until the process ends.
//
// Thread safety: call once at start-up, before other threads exist.
#ifndef LYNGUINE_CORE_MALLOC_POLICY_H_
#define LYNGUINE_CORE_MALLOC_POLICY_H_

#include <cstddef>

namespace lyn {

void apply_malloc_policy();

// Asks the kernel to back the whole 2 MiB blocks inside [p, p + n) with
// huge pages (Linux transparent huge pages, "madvise" mode): a large buffer
// about to be filled (a read_data answer, a file's bytes) then costs one
// page fault per 2 MiB instead of one per 4 KiB, which at tens of MB is a
// third of the time spent writing it. Memory use is unchanged but for the
// last, partly filled block. A no-op where unsupported or for small n.
// Thread safety: any thread.
void advise_huge_pages(const void* p, size_t n);

}  // namespace lyn

#endif  // LYNGUINE_CORE_MALLOC_POLICY_H_
