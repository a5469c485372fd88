// pandas 1.5's read_csv type inference, one column at a time, straight
// into typed columns (core/column.h).
//
// A column's kind follows its first non-missing field: int64 (ints with
// gaps become float64), float64 (inf/Infinity in any case), bool
// (True/TRUE/true, False/FALSE/false; with gaps: object), uint64 for
// integers beyond int64, otherwise object strings. pandas' default NA
// markers are missing values ("", "NA", "N/A", "NaN", "null", ...; "None"
// stays a string). lynguine's `dtypes` entries force a nullable dtype.
//
// Thread safety: free functions and a builder owned by one parse; safe
// from any thread.
#ifndef LYNGUINE_ACCESS_CSV_INFER_H_
#define LYNGUINE_ACCESS_CSV_INFER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"
#include "core/status.h"

namespace lyn::access {

// pandas' default na_values (keep_default_na=True).
bool is_csv_na(std::string_view field);

// Builds one column as its fields arrive, row by row. When a column turns
// out to be text after numbers (or holds integers beyond int64) its cells
// so far cannot be recovered from what was kept: it is then `deferred`,
// ignores further fields, and the caller rebuilds it with
// infer_csv_column() from all of its fields.
class CsvColumnBuilder {
 public:
  // `expected_rows`: an upper bound used to reserve storage once.
  explicit CsvColumnBuilder(size_t expected_rows = 0) : expected_(expected_rows) {}

  void add(std::string_view field);
  bool deferred() const { return state_ == State::kDeferred; }
  // Marks the column for rebuilding from all its fields (forced dtypes).
  void defer() { state_ = State::kDeferred; }
  // The column (not for deferred builders).
  Column finish(Value name);

 private:
  enum class State { kNone, kInt, kFloat, kBool, kText, kDeferred };
  void start(std::string_view field);
  void add_text(std::string_view field, bool na);
  void to_floats();

  size_t expected_;
  State state_ = State::kNone;
  size_t rows_ = 0;
  bool any_na_ = false;
  Validity valid_;
  std::vector<int64_t> ints_;
  std::vector<double> floats_;
  std::vector<uint8_t> bools_;
  StringCells text_;
  // Text is dictionary-encoded while few distinct strings repeat: an
  // open-addressing table of code + 1 (0: empty slot).
  void undictionary();
  bool dict_on_ = true;
  std::vector<uint32_t> slots_;
};

// The column from all of its fields at once.
Column infer_csv_column(Value name, const std::vector<std::string_view>& fields);

// A column whose type lynguine's `dtypes` forces: str_type (object),
// int_type (Int32), float_type (Float64), bool_type (boolean). ValueError
// or TypeError as pandas' astype raises them; KeyError for other names.
Result<Column> forced_csv_column(Value name, const std::vector<std::string_view>& fields,
                                 const std::string& type);

// pandas' mangle_dupe_cols as its C parser applies it to a header: a
// repeat becomes name.N, skipping any N already present in the header.
// The names flagged in `unnamed` (empty header fields, already named
// "Unnamed: N") are mangled after all the others, so a given name is kept.
void dedupe_csv_names(std::vector<std::string>& names, const std::vector<bool>& unnamed = {});

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_CSV_INFER_H_
