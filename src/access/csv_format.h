// CSV reading and writing as lynguine does it through pandas 1.5:
// pd.read_csv(filename, dtype=..., header=..., delimiter=..., quotechar=...)
// and df.to_csv(sep=..., quotechar=..., header=True, index=False).
//
// The reader tokenizes the text once (csv_tokenizer.h: RFC 4180 quoting,
// CRLF, CR or LF line ends, a leading UTF-8 BOM, blank lines skipped) and
// feeds each field straight into its typed column with pandas' inference
// (csv_infer.h: int64, float64, bool, uint64, object text; pandas' NA
// markers). No cell is ever a Value: columns are contiguous vectors and
// text arenas (core/column.h). A column that turns to text after numbers,
// or has a forced dtype, is rebuilt from a second tokenizing pass over its
// fields only.
//
// Thread safety: free functions on caller-owned data; safe from any
// thread. The FileCache passed through IoContext synchronises itself.
#ifndef LYNGUINE_ACCESS_CSV_FORMAT_H_
#define LYNGUINE_ACCESS_CSV_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

struct CsvOptions {
  char delimiter = ',';
  char quotechar = '"';
  // Row (counting non-blank lines from 0) holding the column names;
  // nullopt (`header: null`) means none: columns are the ints 0..n-1.
  std::optional<int64_t> header = 0;
  // lynguine `dtypes` entries: field -> lynguine type function name
  // (str_type, int_type, float_type, bool_type). The field is a key of
  // pandas' dtype dict: it names a column by Python equality (the string
  // "0" never names the int column 0 of a `header: null` file), and an int
  // also names the column at that position, as pandas' C parser looks up
  // `dtype[name]`, then `dtype[i]`.
  std::vector<std::pair<Value, std::string>> dtypes;
};

// Reads `header`, `delimiter`, `quotechar` and `dtypes` from a description.
Result<CsvOptions> csv_options_from_details(const Map& details);

// Parses CSV text held in memory. `shown` names the file in error messages.
// Errors: EmptyDataError "No columns to parse from file", ParserError
// (ragged rows with too many fields, EOF inside a quoted field),
// UnicodeDecodeError (invalid UTF-8), ValueError (bad dtype conversions),
// KeyError (unknown dtype name).
Result<Frame> parse_csv(std::string_view text, const CsvOptions& options,
                        std::string_view shown = "<string>");

// The "csv" reader: resolves and confines `filename` (+ `directory`), reads
// through ctx.cache when set.
Result<Frame> read_csv(const Map& details, const IoContext& ctx);

// pandas' to_csv(index=False) text: header line, "\n" line ends, minimal
// quoting, floats as Python repr, missing values empty.
std::string format_csv(const Frame& frame, char delimiter = ',', char quotechar = '"');
// The same text in parts, for a caller that writes a table in slices of
// rows: the header line, then each slice's rows (one slice's frame has
// the whole table's columns and dtypes).
void append_csv_header(std::string& out, const Frame& frame, char delimiter = ',',
                       char quotechar = '"');
void append_csv_rows(std::string& out, const Frame& frame, char delimiter = ',',
                     char quotechar = '"');

// The "csv" writer (atomic write).
Status write_csv(const Frame& frame, const Map& details, const IoContext& ctx);

// The path text lynguine shows for a description: os.path.join(directory,
// filename) or the bare filename.
std::string shown_filename(const Map& details);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_CSV_FORMAT_H_
