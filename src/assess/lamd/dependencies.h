// dependencies: lamd 0.1.3's `dependencies TYPE FILE [-d DIR] [-S DIR]`,
// the files a talk depends on and creates, as lamd's makefiles read them:
// all, diagrams, slidediagrams, texdiagrams, docxdiagrams, inputs,
// bibinputs and batch (one line per kind: inputs, diagrams, docxdiagrams,
// pptxdiagrams, texdiagrams, all).
//
// The diagrams directory comes from -d, else from the config's
// `diagramsdir` (paths.py); the snippets path from -S, else "..".
// Output, warnings, errors and exit codes are lamd's, including its
// failures (a missing config without -d, `bibinputs`, which lynguine does
// not implement, a missing talk for `diagrams`).
//
// Thread safety: reads the files of ctx's directory; no shared state.
#ifndef LYNGUINE_ASSESS_LAMD_DEPENDENCIES_H_
#define LYNGUINE_ASSESS_LAMD_DEPENDENCIES_H_

#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/tool_context.h"
#include "assess/lamd/tool_run.h"

namespace lyn::lamd {

// The TYPE choices, in lamd's order.
const std::vector<std::string>& dependency_types();

ToolRun dependencies(const ToolContext& ctx, const std::string& type, const std::string& filename,
                     const std::optional<std::string>& diagrams_dir,
                     const std::optional<std::string>& snippets_path);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_DEPENDENCIES_H_
