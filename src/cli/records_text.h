// Records as text for scripts: how `lynguine read --format` prints the
// records of a read_data answer, and how `lynguine write --data` takes them
// back, so that `lynguine read ... | lynguine write --data - ...` round-trips
// (json and ndjson carry every value and the column order; csv and table are
// for people and other tools).
//
// Thread safety: pure functions; any thread.
#ifndef LYNGUINE_CLI_RECORDS_TEXT_H_
#define LYNGUINE_CLI_RECORDS_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn::cli {

enum class RecordsFormat {
  json,    // the answer's JSON body, as the server sent it
  ndjson,  // one record per line, compact JSON objects in column order
  csv,     // pandas' to_csv(index=False) of the records
  table,   // aligned columns under a header, for a terminal
};

// "json", "ndjson", "csv", "table"; nullopt for anything else.
std::optional<RecordsFormat> parse_records_format(std::string_view name);

// The answer of POST /api/read_data (`body`, JSON text) in `format`, ending
// in a newline. A ValueError if the body is not a successful answer.
Result<std::string> format_read_answer(std::string_view body, RecordsFormat format);

// The `data` object of a write_data request ({"records": [...]} with
// "columns" when known) from what `write --data` was given: a JSON list of
// records, a {"records": ...} object, a whole read_data answer
// ({"status": "success", "data": {...}}), one record object, or NDJSON (one
// record object per line). A JSONDecodeError or ValueError saying which.
Result<Value> write_data_from_text(std::string_view text);

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_RECORDS_TEXT_H_
