// Column: one named column of a Frame, stored by type as pandas stores it.
//
// Cells live in one contiguous vector per column, chosen by what the cells
// hold (the storage kind), independently of the pandas dtype name the column
// reports:
//   kInt       int64 cells
//   kFloat     double cells (NaN is a float, as in pandas)
//   kBool      one byte per cell
//   kString    UTF-8 text in one arena with 32-bit offsets, or
//              dictionary-encoded (32-bit codes into the distinct strings)
//              when few distinct strings repeat
//   kDate      days since 1970-01-01
//   kDateTime  microseconds since 1970-01-01T00:00 of the wall-clock fields,
//              with one UTC offset (or none) for the whole column
//   kObject    Values: mixed Python objects, lists, maps, big integers
// Typed kinds carry a validity bitmap; an invalid cell reads back as the
// column's missing marker (NaN, or None for pandas' nullable dtypes).
//
// The contract: a cell reads back (at(), values()) as exactly the Value
// that was stored, whatever the storage. A Value that does not fit the
// typed storage (a string set into an int column, a None where missing
// cells read as NaN) turns the column into kObject storage first, so
// callers never need to know the kind; the kind only matters to code that
// reads cells fast (the JSON and CSV writers).
//
// Storage is shared between copies and copied on the first write (copying
// a Frame out of the parsed-file cache copies no cells).
//
// Thread safety: a value type. Concurrent const access is safe, also to
// copies sharing storage; writing to one Column object needs external
// synchronisation, as for std::vector, and never affects its copies.
#ifndef LYNGUINE_CORE_COLUMN_H_
#define LYNGUINE_CORE_COLUMN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace lyn {

enum class ColumnKind : uint8_t { kObject, kInt, kFloat, kBool, kString, kDate, kDateTime };

// What an invalid cell of a typed column reads as.
enum class Missing : uint8_t { kNaN, kNone };

// One bit per cell, set when the cell holds a value. Empty (no bits pushed)
// means every cell is valid.
class Validity {
 public:
  bool all_valid() const { return words_.empty(); }
  // The bits, one word per 64 cells; null when every cell is valid.
  const uint64_t* words() const { return words_.empty() ? nullptr : words_.data(); }
  bool operator[](size_t i) const {
    return words_.empty() || ((words_[i >> 6] >> (i & 63)) & 1) != 0;
  }
  // Appends cell `size` (the count so far) as valid or not; materialises
  // the bits when the first invalid cell arrives.
  void push_back(size_t size, bool valid) {
    if (!(valid && words_.empty())) set(size, size, valid);
  }
  // Sets cell i of a column of `size` cells (i == size: the next cell).
  void set(size_t i, size_t size, bool valid);
  void reserve(size_t n) { words_.reserve((n + 63) / 64); }
  size_t bytes() const { return words_.capacity() * sizeof(uint64_t); }

 private:
  void fill_valid(size_t size);
  std::vector<uint64_t> words_;
};

// Text cells: plain (cell i is bytes[offsets[i], offsets[i+1])) or, when
// `codes` is non-empty, dictionary-encoded (cell i is entry codes[i], entry
// k being bytes[offsets[k], offsets[k+1])).
struct StringCells {
  std::string bytes;
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> codes;
  bool dictionary = false;

  std::string_view entry(size_t k) const {
    return std::string_view(bytes).substr(offsets[k], offsets[k + 1] - offsets[k]);
  }
  size_t entries() const { return offsets.size() - 1; }
  // Cell i's text; "" for a missing cell (whose code may be kNoEntry).
  std::string_view cell(size_t i) const {
    if (!dictionary) return entry(i);
    return codes[i] < entries() ? entry(codes[i]) : std::string_view();
  }
  static constexpr uint32_t kNoEntry = 0xFFFFFFFF;
};

// Read-only access to a column's typed cells for code that reads every
// cell (the JSON and CSV writers): plain pointers, no calls. Only the
// pointer for the view's kind is set. Valid until the column is written.
struct ColumnView {
  ColumnKind kind = ColumnKind::kObject;
  Missing missing = Missing::kNaN;
  size_t size = 0;
  const uint64_t* valid_bits = nullptr;  // null: every cell valid
  const int64_t* ints = nullptr;         // kInt; kDate days; kDateTime microseconds
  const double* floats = nullptr;
  const uint8_t* bools = nullptr;
  const StringCells* strings = nullptr;
  const Value* objects = nullptr;
  bool has_tz = false;  // kDateTime: the column's UTC offset, if any
  int tz_offset_seconds = 0;

  // False when cell i is the missing marker (never for kObject).
  bool valid(size_t i) const { return !valid_bits || ((valid_bits[i >> 6] >> (i & 63)) & 1) != 0; }
  std::string_view text(size_t i) const { return strings->cell(i); }
};

class Column {
 public:
  Value name;         // a string, or an int for CSV files read with header: null
  std::string dtype;  // pandas dtype name: "int64", "float64", "bool", "object", "Int32", ...

  Column() = default;
  // Cells from Values, stored typed when they all fit one kind.
  Column(Value name, std::string dtype, std::vector<Value> values = {});
  // Cells from Values with the dtype pandas infers for them (infer_dtype in
  // frame.h: ints with gaps become floats, ...).
  static Column inferred(Value name, std::vector<Value> values);

  // Typed columns straight from a reader. `valid` empty: all cells valid.
  static Column of_ints(Value name, std::string dtype, std::vector<int64_t> cells,
                        Validity valid = {}, Missing missing = Missing::kNaN);
  static Column of_floats(Value name, std::string dtype, std::vector<double> cells,
                          Validity valid = {}, Missing missing = Missing::kNone);
  static Column of_bools(Value name, std::string dtype, std::vector<uint8_t> cells,
                         Validity valid = {}, Missing missing = Missing::kNaN);
  static Column of_strings(Value name, std::string dtype, StringCells cells, size_t size,
                           Validity valid = {}, Missing missing = Missing::kNaN);

  // 0, 1, ..., n-1 as int64 (pandas' RangeIndex, as a column).
  static Column range(Value name, size_t n);

  // The name as a record key: str(name).
  std::string key() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  // Cell i as a Value (the API edge: allocates for strings).
  Value at(size_t i) const;
  // Every cell as a Value.
  std::vector<Value> values() const;

  // Writes (copy on write; see the contract above).
  void set(size_t i, Value v);
  void push_back(Value v);
  void resize(size_t n, const Value& fill);
  // The cells at `rows` (in that order), same name and dtype.
  Column take(const std::vector<size_t>& rows) const;
  // Appends other's cells (names and dtypes are the caller's business).
  void append(const Column& other);

  // The storage kind, and plain pointers to the typed cells (see
  // ColumnView) for code that reads every cell.
  ColumnKind kind() const;
  ColumnView view() const;

  // Heap and inline bytes held (the cache budgets charge this).
  size_t approx_bytes() const;

  // The storage; defined in core/column_data.h, for core's own use.
  struct Data;

 private:
  static Column with_data(Value name, std::string dtype, std::shared_ptr<Data> data);
  // Whether `v` can be written into typed storage `d`, as a value or as
  // its missing marker (*is_missing).
  static bool fits(Data& d, const Value& v, bool& is_missing);
  Data& mut();
  void to_objects();
  std::shared_ptr<Data> data_;
};

// Calendar conversions for date cells (proleptic Gregorian, as Python's).
int64_t days_from_civil(int year, int month, int day);
Date civil_from_days(int64_t days);

}  // namespace lyn

#endif  // LYNGUINE_CORE_COLUMN_H_
