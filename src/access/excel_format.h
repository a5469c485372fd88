// Excel (.xlsx) without third-party spreadsheet libraries: lynguine's
// "excel" type. The pieces: zip_archive (the container, bounded),
// xlsx_reader.cc (workbook, shared strings, styles, one sheet, into a
// Frame), xlsx_writer.cc (a minimal valid workbook: inline strings, one
// sheet, deflated entries) and excel_dates (date serials and formats).
//
// Reading is budgeted (XlsxLimits) so that a small hostile file cannot take
// much memory: besides the zip limits (at most 256 MB inflated in all, a
// compression ratio of at most 500:1 for entries over 1 MB, no entry past
// its declared size), the XML trees, the shared strings, the cells and the
// text they hold are each bounded; a refusal is a 413 ValueError naming the
// file and the limit.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ACCESS_EXCEL_FORMAT_H_
#define LYNGUINE_ACCESS_EXCEL_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "access/zip_archive.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

struct ExcelReadOptions {
  Value sheet;                    // a name, an index, or null for "Sheet1" (else the first)
  std::optional<int> header = 0;  // the header row (0-based); nullopt: no header
};

struct XlsxLimits {
  ZipLimits zip;
  // pugixml's trees of the entries read, together: about 180 bytes a cell
  // with shared strings, 320 with inline strings (measured), so room for
  // max_cells of the former.
  uint64_t max_xml_memory = uint64_t{384} << 20;
  uint64_t max_shared_strings = 1000000;
  uint64_t max_shared_string_bytes = uint64_t{64} << 20;
  // Cell slots of the sheet (a row grows to its rightmost cell), and cells
  // of the frame built from it (its widest row times its rows).
  uint64_t max_cells = 2000000;
  // Bytes of text held in cells (a shared string counts once per cell).
  uint64_t max_text_bytes = uint64_t{128} << 20;
};

Result<Frame> read_xlsx(std::string_view bytes, const ExcelReadOptions& options,
                        std::string_view shown, const XlsxLimits& limits = {});

// One sheet named `sheet`, the header row at `start_row` (0-based), no index.
Result<std::string> write_xlsx(const Frame& frame, std::string_view sheet, int start_row = 0);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_EXCEL_FORMAT_H_
