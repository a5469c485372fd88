// lynguine_import: what importing lynguine does before any of lamd's tools
// runs. lynguine/util/tex.py loads `_lynguine.yml` from the working
// directory at import time (a missing file is fine) and splits its
// `bibinputs` and `texinputs` strings; a file that fails to load, or one
// of those entries that is not a string, stops mdfield, flags,
// dependencies and lamd-resolve-diagrams-dir with that exception before
// they parse their arguments.
//
// Thread safety: reads ctx's directory; safe from any thread.
#ifndef LYNGUINE_ASSESS_LAMD_LYNGUINE_IMPORT_H_
#define LYNGUINE_ASSESS_LAMD_LYNGUINE_IMPORT_H_

#include "assess/lamd/tool_context.h"
#include "core/status.h"

namespace lyn::lamd {

Status lynguine_import_check(const ToolContext& ctx);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_LYNGUINE_IMPORT_H_
