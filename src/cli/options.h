// Option parsing for the subcommands, with CLI11: each command builds its
// own CLI::App (only the chosen command's options are ever built), typed and
// range-checked values, errors that name the option in one line, and
// `--help` printed from the declared options under the command's own usage
// lines.
//
// Thread safety: single-threaded entry points.
#ifndef LYNGUINE_CLI_OPTIONS_H_
#define LYNGUINE_CLI_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace lyn::cli {

// A command's parser: `name` as in "lynguine read" (used in errors),
// `usage` the "usage: ..." lines (ending in a newline) and `description`
// the paragraph under them; --help/-h prints all of it and the options.
std::unique_ptr<CLI::App> make_command(const std::string& name, const std::string& usage,
                                       const std::string& description);

// Parses `args` (the words after the command's name). nullopt: carry on;
// otherwise the exit code to return at once -- 0 after printing the help,
// 2 after a one-line error (and a pointer to --help) on stderr.
std::optional<int> parse_command(CLI::App& app, const std::vector<std::string>& args);

// --server, --no-fallback, --root (an existing directory), --server-url,
// --api-key, --ca-file.
void add_common_options(CLI::App& app, CommonOptions& options);

// Validators (their messages say what is wanted and what was given). Use
// them with ->transform(): the whole-number ones also drop leading zeros,
// which CLI11 would otherwise read as octal.
// A port: a whole number 0..65535 (leading zeros allowed; no signs, hex).
CLI::Validator port_number();
// A whole number >= min (no sign, fraction or exponent).
CLI::Validator whole_number(unsigned long long min);
// A number of seconds (or per second) >= 0; > 0 when `positive`.
CLI::Validator non_negative_number(bool positive = false);

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_OPTIONS_H_
