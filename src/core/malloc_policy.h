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

namespace lyn {

void apply_malloc_policy();

}  // namespace lyn

#endif  // LYNGUINE_CORE_MALLOC_POLICY_H_
