// The CLI's subcommands. Each takes the arguments after its name and
// returns the process exit code. Errors go to stderr as lynguine-shaped
// JSON ({"status":"error","error_type","error_message"}).
//
// Thread safety: single-threaded entry points.
#ifndef LYNGUINE_CLI_COMMANDS_H_
#define LYNGUINE_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "client/fallback.h"

namespace lyn::cli {

int run_field(const std::vector<std::string>& args);
int run_mdfield(const std::vector<std::string>& args);
int run_read(const std::vector<std::string>& args);
int run_write(const std::vector<std::string>& args);
int run_call(const std::vector<std::string>& args);
int run_serve_command(const std::vector<std::string>& args);
int run_completion(const std::vector<std::string>& args);  // `completion bash`

// Options every data command accepts (client/fallback.h says what they do).
using CommonOptions = client::CallerOptions;

// Takes --server-url / --api-key / --ca-file at a[i] (advancing i past the
// value). True if taken; --server-url also sets c.server.
bool take_remote_option(const std::vector<std::string>& a, size_t& i, CommonOptions& c);
// Takes the options every data command shares (--server, --no-fallback,
// --root and the remote ones) at a[i]; true when it consumed one.
bool take_common(const std::vector<std::string>& a, size_t& i, CommonOptions& c);

// The caller for these options: the server when asked (falling back to
// direct mode with a warning, unless no_fallback), else direct mode.
using client::make_caller;

// Prints an error in lynguine's shape on stderr; returns the exit code 1.
int fail(const std::string& type, const std::string& message);

// The absolute form of `p` relative to the current directory.
std::string absolute_path(const std::string& p);

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_COMMANDS_H_
