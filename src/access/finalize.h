// lynguine's finalize_data: the item options applied to every frame
// read_data returns (`index`, `add_columns`, `rename_columns`,
// `ignore_columns`, `select_columns`, `columns`), plus pandas' column
// selection (df[cols] / df.loc[:, cols]) with its KeyError messages, which
// write_data also uses for a request's `columns`.
//
// finalize_frame itself is declared in registry.h.
//
// Thread safety: pure functions of their arguments; safe from any thread.
#ifndef LYNGUINE_ACCESS_FINALIZE_H_
#define LYNGUINE_ACCESS_FINALIZE_H_

#include <string>
#include <vector>

#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// repr() of a pandas Index of these labels in pandas 1.5:
// "Index(['a', 'b'], dtype='object')" or "Int64Index([0, 1], dtype='int64')".
std::string pandas_index_repr(const std::vector<Value>& labels);

// df.loc[:, labels]: the columns in the order asked (repeats allowed).
// KeyError (400) "None of [Index([...], dtype='object')] are in the
// [columns]" when none exist, "['x'] not in index" when some do not.
Result<Frame> select_frame_columns(const Frame& frame, const std::vector<Value>& labels);

// What lynguine's server builds for write_data: pd.DataFrame(records),
// then df[columns] when `columns` is given (a list, or null for all).
Result<Frame> frame_for_write(const List& records, const Value* columns);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_FINALIZE_H_
