// Records as text for scripts: how `lynguine read --format` prints the
// records of a read_data answer, and how `lynguine write --data` takes them
// back, so that `lynguine read ... | lynguine write --data - ...` round-trips
// (json and ndjson carry every value and the column order; csv and table are
// for people and other tools).
//
// Thread safety: pure functions; any thread.
#ifndef LYNGUINE_CLI_RECORDS_TEXT_H_
#define LYNGUINE_CLI_RECORDS_TEXT_H_

#include <cstdio>
#include <functional>
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

// Hands the body of a successful read_data answer over in pieces, from its
// start, each time it is called: a format may read the answer twice (csv
// and table measure it first). An error when the answer could not be had
// (its own message already reported by the callee).
using AnswerReplay =
    std::function<Status(const std::function<void(std::string_view piece)>& piece)>;

// What format_read_answer() gives, written to `out` as the answer's pieces
// come: byte for byte the same text, but of a large answer no more than a
// record at a time is held (json: each piece as it is; ndjson: each record
// as it completes; csv and table: a first pass finds the columns' dtypes
// or widths, a second one prints 4,096 records at a time). An answer under
// 1 MiB is formatted whole by format_read_answer(). On an error nothing,
// or only part of the text, was written.
Status print_read_answer(const AnswerReplay& replay, RecordsFormat format, std::FILE* out);

// The `data` object of a write_data request ({"records": [...]} with
// "columns" when known) from what `write --data` was given: a JSON list of
// records, a {"records": ...} object, a whole read_data answer
// ({"status": "success", "data": {...}}), one record object, or NDJSON (one
// record object per line). A JSONDecodeError or ValueError saying which.
Result<Value> write_data_from_text(std::string_view text);

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_RECORDS_TEXT_H_
