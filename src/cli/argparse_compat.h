// argparse_compat: the command lines of lamd's Python tools, parsed and
// printed as Python 3.11's argparse does. lamd's users and makefiles see
// argparse's behaviour (long options abbreviated to a unique prefix,
// `--opt=value`, `-dVALUE`, `--`, its usage line wrapped to the terminal,
// its `prog: error: ...` texts and exit status 2, `-h` on stdout), which
// CLI11 cannot reproduce; the lynguine-native commands use CLI11.
//
// Only what lamd's parsers use is modelled: positionals taking one value
// (with or without choices), options taking one value or one-or-more
// values, store_true flags, required options and `-h/--help`.
//
// Thread safety: pure functions of their arguments (terminal_columns reads
// the environment and the terminal).
#ifndef LYNGUINE_CLI_ARGPARSE_COMPAT_H_
#define LYNGUINE_CLI_ARGPARSE_COMPAT_H_

#include <map>
#include <string>
#include <vector>

namespace lyn::cli::argparse {

enum class Nargs {
  kOne,        // nargs=None
  kOneOrMore,  // nargs='+'
  kFlag,       // action='store_true'
  kHelp        // the -h/--help action
};

struct Argument {
  std::vector<std::string> option_strings;  // empty for a positional
  std::string dest;
  Nargs nargs = Nargs::kOne;
  std::vector<std::string> choices;
  bool required = false;  // options only; positionals are always required
  std::string help;
};

struct Parser {
  std::string prog;
  std::string description;
  std::string epilog;
  bool raw_description = false;     // RawDescriptionHelpFormatter
  std::vector<Argument> arguments;  // in add_argument order; -h/--help is added first
};

// A Parser with argparse's automatic -h/--help action.
Parser make_parser(std::string prog);

struct Namespace {
  std::map<std::string, std::vector<std::string>> values;  // dest -> value(s)
  bool flag(const std::string& dest) const { return values.count(dest) > 0; }
  // The value of a one-value argument, or "" when absent.
  std::string get(const std::string& dest) const;
  bool has(const std::string& dest) const { return values.count(dest) > 0; }
  const std::vector<std::string>& list(const std::string& dest) const;
};

// What parse_args did: either a namespace, or an exit (help or an error)
// with the text argparse writes to stdout/stderr.
struct Outcome {
  bool exited = false;
  int exit_code = 0;
  std::string out, err;
  Namespace args;
};

// argparse's ArgumentParser.parse_args(argv) for argv without the program
// name. `columns` is the terminal width argparse would use.
Outcome parse_args(const Parser& p, const std::vector<std::string>& argv, int columns);

std::string format_usage(const Parser& p, int columns);
std::string format_help(const Parser& p, int columns);

// shutil.get_terminal_size().columns: $COLUMNS when a positive integer,
// else the width of the terminal on stdout, else 80.
int terminal_columns();

// textwrap.wrap(text, width) for ASCII text (break_on_hyphens, long words
// broken).
std::vector<std::string> textwrap(const std::string& text, int width);

}  // namespace lyn::cli::argparse

#endif  // LYNGUINE_CLI_ARGPARSE_COMPAT_H_
