// The lamd tools this binary stands in for, under their own names (argv[0]
// `mdfield`, `flags`, `dependencies`, `lamd-resolve-diagrams-dir`) and as
// `lynguine mdfield|flags|dependencies|resolve-diagrams-dir`. Their command
// lines are lamd's argparse ones (see argparse_compat.h); their output,
// stderr diagnostics and exit codes are lamd's. An exception lamd would
// end with is written as its traceback's last line (`Type: message`),
// exit status 1; a Python UserWarning as `PROG: UserWarning: message`.
//
// Thread safety: single-threaded entry points.
#ifndef LYNGUINE_CLI_LAMD_COMMANDS_H_
#define LYNGUINE_CLI_LAMD_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "assess/lamd/tool_run.h"
#include "core/status.h"

namespace lyn::cli {

// The tool an argv[0] base name or a `lynguine` subcommand names, or "".
// ("resolve-diagrams-dir" is the subcommand for lamd-resolve-diagrams-dir.)
std::string lamd_tool_named(std::string_view name, bool subcommand);

// Runs `tool` (one of the four names above) with `prog` as argparse's prog.
int run_lamd_tool(const std::string& tool, const std::vector<std::string>& args,
                  const std::string& prog);

// mdfield's own entry (field_command.cc).
int run_mdfield_tool(const std::vector<std::string>& args, const std::string& prog);
// mdfield's direct mode: run here, or by our server (POST /api/lamd/mdfield)
// when LYNGUINE_USE_SERVER / LYNGUINE_NO_FALLBACK / LYNGUINE_SERVER_URL say so.
int run_mdfield_direct_or_server(const std::vector<std::string>& fields,
                                 const std::string& filename, bool batch, const std::string& prog);

// Writes a tool run (stdout, warnings, stderr, exception); returns its exit code.
int emit_tool_run(const lamd::ToolRun& run, const std::string& prog);
// The last line of the traceback Python prints for `e`; returns 1.
int print_python_exception(const Error& e);

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_LAMD_COMMANDS_H_
