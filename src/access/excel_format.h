// Excel (.xlsx) without third-party spreadsheet libraries: the zip container
// is read from its central directory and inflated with zlib, the sheet XML
// parsed with pugixml. Reads shared and inline strings, numbers (ints where
// the cell text has no '.' or exponent, as openpyxl), booleans, errors and
// dates (numbers whose cell style has a date format become datetimes, as
// pandas.read_excel gives them), with pandas' header and NA-string rules.
// Zip bombs are refused: at most 256 MB inflated in all, a compression
// ratio of at most 500:1 for entries over 1 MB, and no entry may inflate
// past its declared size. The writer produces a minimal valid workbook
// (inline strings, one sheet, deflated entries).
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ACCESS_EXCEL_FORMAT_H_
#define LYNGUINE_ACCESS_EXCEL_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

struct ExcelReadOptions {
  Value sheet;                    // a name, an index, or null for "Sheet1" (else the first)
  std::optional<int> header = 0;  // the header row (0-based); nullopt: no header
};

struct ZipLimits {
  uint64_t max_total_uncompressed = uint64_t{256} << 20;
  uint64_t max_ratio = 500;  // for entries larger than ratio_floor
  uint64_t ratio_floor = uint64_t{1} << 20;
};

// The named entries of a zip archive, inflated (all of them, or only those
// in `wanted` when it is non-empty). Errors name `shown`.
Result<std::map<std::string, std::string>> read_zip(std::string_view bytes, std::string_view shown,
                                                    const ZipLimits& limits = {},
                                                    const std::vector<std::string>& wanted = {});
// A zip archive of `entries` (deflated), in the given order.
std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries);

Result<Frame> read_xlsx(std::string_view bytes, const ExcelReadOptions& options,
                        std::string_view shown, const ZipLimits& limits = {});

// One sheet named `sheet`, the header row at `start_row` (0-based), no index.
Result<std::string> write_xlsx(const Frame& frame, std::string_view sheet, int start_row = 0);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_EXCEL_FORMAT_H_
