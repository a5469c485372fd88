// tool_run: what one run of a lamd tool printed, for the CLI to write out:
// stdout, the UserWarnings (which Python prints as they are raised, before
// anything else these tools write to stderr), other stderr text, and the
// exception that ended the run, if any (Python's traceback; exit status 1).
//
// Thread safety: a plain value; free functions.
#ifndef LYNGUINE_ASSESS_LAMD_TOOL_RUN_H_
#define LYNGUINE_ASSESS_LAMD_TOOL_RUN_H_

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/value.h"

namespace lyn::lamd {

struct ToolRun {
  std::string out;
  std::vector<std::string> warnings;  // UserWarning messages
  std::string err;                    // stderr text after the warnings
  std::optional<Error> exception;     // uncaught: the traceback's last line
  int exit_code = 0;

  static ToolRun raised(Error e, std::vector<std::string> warnings = {}) {
    ToolRun r;
    r.warnings = std::move(warnings);
    r.exception = std::move(e);
    r.exit_code = 1;
    return r;
  }
};

// A run as JSON (the server's answer): {"stdout", "warnings": [...],
// "stderr", "exception": {"type", "message"} or null, "exit_code"}.
Map tool_run_fields(const ToolRun& run);
// Back from that shape; a ValueError when it is not one.
Result<ToolRun> tool_run_from(const Value& v);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_TOOL_RUN_H_
