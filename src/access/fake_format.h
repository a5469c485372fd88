// The "fake" reader: lynguine's read_fake, generated data for trying out
// interfaces and for tests. `nrows` (a non-negative int) rows; `cols` is a
// list of generator names (each becomes a column of that name) or a mapping
// {column: generator}; the generators are fake_generator_names(). Errors
// carry lynguine's ValueError texts. Our own option `seed` (an int) makes
// the values reproducible; without it every read differs, as lynguine's do.
//
// Thread safety: a pure function of its arguments (each call has its own
// random source); safe from any thread.
#ifndef LYNGUINE_ACCESS_FAKE_FORMAT_H_
#define LYNGUINE_ACCESS_FAKE_FORMAT_H_

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

Result<Frame> read_fake(const Map& details, const IoContext& ctx);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_FAKE_FORMAT_H_
