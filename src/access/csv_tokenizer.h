// CsvTokenizer: splits CSV text into rows of fields as pandas' C tokenizer
// does: RFC 4180 quoting (delimiters, newlines and doubled quotes inside
// quoted fields; text after a closing quote joins the field), CRLF, CR or
// LF line ends, blank lines (and lines of only spaces or tabs other than
// the delimiter) skipped.
//
// Fields are string_views into the text, or into the tokenizer's own
// buffer for quoted fields it had to unescape; both stay valid for the
// tokenizer's lifetime, so a caller may keep them across rows.
//
// Thread safety: one tokenizer per thread; the text must outlive it.
#ifndef LYNGUINE_ACCESS_CSV_TOKENIZER_H_
#define LYNGUINE_ACCESS_CSV_TOKENIZER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lyn::access {

class CsvTokenizer {
 public:
  CsvTokenizer(std::string_view text, char delimiter, char quotechar);

  // The next row's fields into `fields` (cleared first). False at the end
  // of the text; a ParserError for end of file inside a quoted field.
  Result<bool> next(std::vector<std::string_view>& fields);

  // Where the row last returned starts, as pandas counts lines (from 1).
  size_t line_of_row() const;
  // Rows returned so far.
  size_t rows() const { return rows_; }

 private:
  // Where the unquoted field starting at s[i] ends (a delimiter, a line
  // end, or n).
  size_t field_end(const char* s, size_t i, size_t n) const;

  std::string_view text_;
  char delim_, quote_;
  bool special_[256] = {};
  uint64_t delim_mask_;
  size_t pos_ = 0, row_pos_ = 0, rows_ = 0;
  // Unescaped copies of quoted fields; reserved to the text's size when
  // first needed, so it never moves (each byte copied comes from a
  // distinct byte of the text).
  std::string side_;
};

// pandas' ParserError.
Error csv_parser_error(std::string message);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_CSV_TOKENIZER_H_
