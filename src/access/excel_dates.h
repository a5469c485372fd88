// Excel's date serials and date formats, as openpyxl reads and writes them:
// days since 1899-12-30 (or 1904-01-01 for date1904 workbooks), with
// Excel's phantom 1900-02-29; a number format is a date format when it has
// d, m, y, h or s outside quotes, brackets and escapes, or is one of the
// built-in date formats.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ACCESS_EXCEL_DATES_H_
#define LYNGUINE_ACCESS_EXCEL_DATES_H_

#include <string_view>

#include "core/value.h"

namespace lyn::access {

// openpyxl's from_excel: serials below 60 are shifted past the phantom
// 1900-02-29; the time of day is rounded to the millisecond.
DateTime excel_serial_to_datetime(double serial, bool date1904);

// The 1900-system serial of a date and time (openpyxl's to_excel).
double excel_serial(int y, int mo, int d, int h, int mi, int s, int us);

// Whether a custom number format code formats dates or times.
bool is_excel_date_format(std::string_view code);
// Whether built-in number format `id` is a date or time format.
bool is_builtin_excel_date_format(int id);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_EXCEL_DATES_H_
