// The "local" reader: data written inline in the description under `data`
// (a list of records, a mapping of columns, or a mapping of scalars, which
// lynguine reads as one row), as lynguine's read_local does.
//
// Thread safety: a pure function of its arguments; safe from any thread.
#ifndef LYNGUINE_ACCESS_LOCAL_FORMAT_H_
#define LYNGUINE_ACCESS_LOCAL_FORMAT_H_

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// Missing `data` is lynguine's ValueError "Could not create data frame from
// details specified in "local" entry. Missing key 'data'."
Result<Frame> read_local(const Map& details, const IoContext& ctx);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_LOCAL_FORMAT_H_
