// Frames as JSON text, written from the typed columns: no row is ever built
// as a Value, and the text can be produced in pieces of bounded size, so an
// answer of any size is never held whole (a caller may send each piece to
// a socket or a file as it comes).
//
// The layout is json.dumps': ", " and ": " separators, non-ASCII escaped,
// NaN and None cells as null (core/json.h), dates in ISO form.
//
// Thread safety: a FrameJsonWriter is one cursor over one frame; use it
// from one thread at a time. The frame must outlive the writer and must not
// change while it is written. The free functions are safe from any thread.
#ifndef LYNGUINE_CORE_FRAME_JSON_H_
#define LYNGUINE_CORE_FRAME_JSON_H_

#include <cstddef>
#include <string>
#include <vector>

#include "core/frame.h"

namespace lyn {

class FrameJsonWriter {
 public:
  enum class Layout {
    kDataObject,  // {"records": [...], "columns": [...], "shape": [r, c], "dtypes": {...}}
    kRecords,     // [{...}, ...], as to_dict('records') dumped
  };

  FrameJsonWriter(const Frame& frame, Layout layout);

  // Appends the next piece of the text to `out`: the opening, then whole
  // rows until at least `piece_bytes` were appended, then the closing.
  // Returns false, appending nothing, once the text is complete.
  bool next(std::string& out, size_t piece_bytes = 64 * 1024);

  // A guess at the whole text's size from the rows written so far (exact
  // once complete); used to reserve a buffer once instead of regrowing it.
  size_t estimated_size() const;

 private:
  class Cursor;
  void append_row(Cursor& c, size_t row);
  void append_tail(std::string& out);

  const Frame& frame_;
  Layout layout_;
  enum class Stage { kHead, kRows, kTail, kDone } stage_ = Stage::kHead;
  size_t row_ = 0;
  size_t written_ = 0, rows_bytes_ = 0;
  // '"key": ' per column, escaped once, after "{" (first column) or ", ".
  std::vector<std::string> keys_;
  std::vector<ColumnView> views_;
  // Dictionary-encoded text columns: each entry escaped once.
  std::vector<std::vector<std::string>> dict_json_;
  std::string scratch_;  // cells written as Values
};

// The whole text at once.
void append_frame_data_json(std::string& out, const Frame& frame);
void append_records_json(std::string& out, const Frame& frame);

// One cell as JSON (NaN and None as null).
void append_cell_json(std::string& out, const Column& column, size_t row);

}  // namespace lyn

#endif  // LYNGUINE_CORE_FRAME_JSON_H_
