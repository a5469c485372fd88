// Index and column labels of a CustomDataFrame's groups, compared as
// Python compares them (numbers by value: 3 == 3.0 == True is 1; anything
// else exactly, so "3" and 3 differ), looked up in frames without turning
// their cells into Values, and the KeyErrors lynguine raises for them.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ASSESS_FRAME_LABELS_H_
#define LYNGUINE_ASSESS_FRAME_LABELS_H_

#include <string>
#include <vector>

#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::assess {

// Python equality of two index or column labels.
bool label_equal(const Value& a, const Value& b);
// A hash key that equal labels share.
std::string label_key(const Value& v);
// label_equal(c.at(i), label), without a Value for text and int cells.
bool cell_equals(const Column& c, size_t i, const Value& label);
// The rows whose index label equals `label` (positions when there is no index).
std::vector<size_t> rows_with(const Frame& f, const Value& label);
// The column named `name` (by label_equal), or nullptr.
Column* column_of(Frame& f, const Value& name);
const Column* column_of(const Frame& f, const Value& name);
// The frame's `rows`, in that order; the index too when asked.
Frame take_rows(const Frame& f, const std::vector<size_t>& rows, bool keep_index);

// str(KeyError(msg)) is repr(msg).
Error key_error(const std::string& msg);
// "Key (index, column) not found in the CustomDataFrame".
Error key_not_found(const Value& index, const Value& column);

}  // namespace lyn::assess

#endif  // LYNGUINE_ASSESS_FRAME_LABELS_H_
