// Column's storage (core/column.h), shared by column.cc (construction and
// reads) and column_edit.cc (writes). Internal to core/.
#ifndef LYNGUINE_CORE_COLUMN_DATA_H_
#define LYNGUINE_CORE_COLUMN_DATA_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/column.h"

namespace lyn {

struct Column::Data {
  ColumnKind kind = ColumnKind::kObject;
  Missing missing = Missing::kNaN;
  size_t size = 0;
  Validity valid;
  std::vector<int64_t> ints;  // kInt, kDate, kDateTime
  std::vector<double> floats;
  std::vector<uint8_t> bools;
  StringCells strings;
  std::vector<Value> objects;
  bool tz = false;
  int tz_offset = 0;
};

namespace column_storage {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

// What an invalid cell reads as.
Value marker(Missing m);
// Dates and datetimes are stored only when they read back unchanged (the
// Value types could hold out-of-range fields): false otherwise.
bool encode_date(const Date& d, int64_t& out);
bool encode_datetime(const DateTime& t, int64_t& out);
DateTime decode_datetime(int64_t us, bool tz, int offset);
// Appends one plain text cell.
void append_text(StringCells& s, std::string_view v);
// Plain storage from dictionary storage (before an append or a gather).
void undictionary(StringCells& s);

}  // namespace column_storage

}  // namespace lyn

#endif  // LYNGUINE_CORE_COLUMN_DATA_H_
