// tools: lamd's four tools as runs over arguments already parsed -- what
// `mdfield`, `flags`, `dependencies` and `lamd-resolve-diagrams-dir` print
// and their exit status, in a ToolContext. The command line runs them in
// its own process; the server runs them for a client (service/lamd).
// Each starts as the Python tools do, by importing lynguine (which reads
// `_lynguine.yml`: lynguine_import.h).
//
// Thread safety: one run per ToolContext at a time; no shared state.
#ifndef LYNGUINE_ASSESS_LAMD_TOOLS_H_
#define LYNGUINE_ASSESS_LAMD_TOOLS_H_

#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/tool_context.h"
#include "assess/lamd/tool_run.h"

namespace lyn::lamd {

// `mdfield FIELD FILE` (batch: `mdfield batch FILE --fields F...`, one
// `field:value` line each) in direct mode.
ToolRun mdfield_run(const ToolContext& ctx, const std::vector<std::string>& fields,
                    const std::string& filename, bool batch);

// `flags OUTPUT BASE`.
ToolRun flags_run(const ToolContext& ctx, const std::string& output, const std::string& base);

// `dependencies TYPE FILE [-d DIR] [-S DIR]` (dependencies.h).
ToolRun dependencies_run(const ToolContext& ctx, const std::string& type,
                         const std::string& filename,
                         const std::optional<std::string>& diagrams_dir,
                         const std::optional<std::string>& snippets_path);

// `lamd-resolve-diagrams-dir [--filesystem] [--web] [-d DIR]
// [--diagrams-web-dir URL] [--cwd DIR]` (empty strings: not given).
struct ResolveArgs {
  bool filesystem = false, web = false;
  std::string diagrams_dir, diagrams_web_dir;
  std::optional<std::string> cwd;  // --cwd (default ".")
};
ToolRun resolve_diagrams_dir_run(const ToolContext& ctx, const ResolveArgs& args);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_TOOLS_H_
