// Zip archives, our own reader and writer (the xlsx container): the reader
// reads the central directory and inflates with zlib, bounded so that a
// small hostile archive cannot make us allocate much: an entry count, an
// uncompressed size per entry and in total (the declared sizes are checked
// before anything is inflated, and no entry may inflate past its declared
// size), and a compression ratio for large entries. Every refusal names the
// limit. No ZIP64, no encryption. The writer deflates every entry.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ACCESS_ZIP_ARCHIVE_H_
#define LYNGUINE_ACCESS_ZIP_ARCHIVE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lyn::access {

struct ZipLimits {
  uint64_t max_entries = 10000;  // central directory records
  uint64_t max_entry_uncompressed = uint64_t{256} << 20;
  uint64_t max_total_uncompressed = uint64_t{256} << 20;
  uint64_t max_ratio = 500;  // for entries larger than ratio_floor
  uint64_t ratio_floor = uint64_t{1} << 20;
};

// The named entries of a zip archive, inflated (all of them, or only those
// in `wanted` when it is non-empty). Errors are ValueErrors "File 'shown' is
// not a valid <kind>: ..." (kind: "zip archive", "xlsx file").
Result<std::map<std::string, std::string>> read_zip(std::string_view bytes, std::string_view shown,
                                                    std::string_view kind,
                                                    const ZipLimits& limits = {},
                                                    const std::vector<std::string>& wanted = {});

// A zip archive of `entries` (deflated), in the given order.
std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_ZIP_ARCHIVE_H_
