// Readers that combine other data sources, as lynguine's io.py does:
//   hstack  - pandas join of each specification on its index (or merge on
//             `on` columns), with `how`, `lsuffix`, `rsuffix`; with an
//             outer `index`, the index column ends up last;
//   vstack  - pd.concat of the specifications, `reset_index` optional;
//   stack   - single-row sources side by side in one row;
//   series  - rows grouped by a non-unique index, each other column a list.
// Each specification is read with read_data (so finalised) first.
//
// Thread safety: pure functions of their arguments (file access goes
// through read_data); safe from any thread.
#ifndef LYNGUINE_ACCESS_STACK_FORMATS_H_
#define LYNGUINE_ACCESS_STACK_FORMATS_H_

#include <string>

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

Result<Frame> read_hstack(const Map& details, const IoContext& ctx);
Result<Frame> read_vstack(const Map& details, const IoContext& ctx);
Result<Frame> read_stack(const Map& details, const IoContext& ctx);
Result<Frame> read_series(const Map& details, const IoContext& ctx);

// left.join(right, how, lsuffix, rsuffix) on the two indexes (a frame
// without one joins on row positions). `how`: left, right, inner, outer.
Result<Frame> join_frames(const Frame& left, const Frame& right, const std::string& how,
                          const std::string& lsuffix, const std::string& rsuffix);

// pd.concat(frames, axis=0, ignore_index=...): union of columns in order
// of appearance, gaps filled with NaN, dtypes promoted as pandas does.
Frame concat_frames(const std::vector<Frame>& frames, bool ignore_index);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_STACK_FORMATS_H_
