// This process's memory, as /proc reports it (Linux; 0 elsewhere): what
// /api/status and the /metrics scrape show.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_PROCESS_MEMORY_H_
#define LYNGUINE_CORE_PROCESS_MEMORY_H_

namespace lyn {

// Resident set size in bytes (/proc/self/statm), 0 when unknown.
double resident_memory_bytes();

}  // namespace lyn

#endif  // LYNGUINE_CORE_PROCESS_MEMORY_H_
