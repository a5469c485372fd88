// lynguine: the command-line front end (CLI11 dispatch; each command parses
// its own options). Subcommands:
//   field    a talk's field as lamd's mdfield prints it
//   mdfield  lamd's mdfield argument layout (also when invoked as `mdfield`)
//   read     POST /api/read_data, printed as its JSON body
//   write    POST /api/write_data
//   call     any API request (METHOD PATH [BODY])
//   serve    the HTTP server and its lifecycle
// Each data command runs in this process (direct mode) or through a server
// (--server or LYNGUINE_USE_SERVER=1); the output is the same either way.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/malloc_policy.h"

namespace {

void print_usage(FILE* out) {
  std::fputs(
      "usage: lynguine <command> [options]\n"
      "\n"
      "commands:\n"
      "  field FIELD FILE.md [--config F]...   print a talk field as lamd's mdfield does\n"
      "  field --batch FILE.md --fields F...   one field:value line per field\n"
      "  mdfield FIELD FILE | mdfield batch FILE --fields F...\n"
      "  read --source JSON | --interface FILE [--field NAME] [--directory DIR]\n"
      "  write --output JSON --data FILE|JSON\n"
      "  call METHOD PATH [BODY]              any API request, JSON answer on stdout\n"
      "  serve [--host H] [--port P] [--root DIR] [--idle-timeout S] [--daemon]\n"
      "  serve --status | --stop\n"
      "  completion bash                      print the bash completion script\n"
      "\n"
      "common options:\n"
      "  --server        use (and start if needed) the lynguine server\n"
      "  --no-fallback   the server or an error, never direct mode (LYNGUINE_NO_FALLBACK=1)\n"
      "  --root DIR      direct mode: confine paths to DIR (default: current directory)\n"
      "  --version       print the version\n"
      "Run `lynguine COMMAND --help` for a command's options.\n",
      out);
}

int print_version() {
  std::printf("lynguine %s\n", LYNGUINE_VERSION);
  return 0;
}

std::string_view base_name(const char* argv0) {
  std::string_view s(argv0);
  size_t k = s.rfind('/');
  return k == std::string_view::npos ? s : s.substr(k + 1);
}

// Every command but field/mdfield, dispatched by CLI11: the command's
// words go to its own parser (cli/options.h), built only for that command.
int dispatch(const std::vector<std::string>& args) {
  using Runner = int (*)(const std::vector<std::string>&);
  struct Command {
    const char* name;
    const char* description;
    Runner run;
  };
  static const Command kCommands[] = {
      {"field", "print a talk field as lamd's mdfield does", lyn::cli::run_field},
      {"mdfield", "lamd's mdfield argument layout", lyn::cli::run_mdfield},
      {"read", "POST /api/read_data, printed as its JSON body", lyn::cli::run_read},
      {"write", "POST /api/write_data", lyn::cli::run_write},
      {"call", "any API request, JSON answer on stdout", lyn::cli::run_call},
      {"serve", "the HTTP server and its lifecycle", lyn::cli::run_serve_command},
      {"completion", "print the bash completion script", lyn::cli::run_completion},
      {"version", "print the version", nullptr},
      {"help", "print this help", nullptr},
  };
  CLI::App app{"", "lynguine"};
  app.set_help_flag();  // the usage above is the help
  bool version = false, help = false;
  app.add_flag("--version,-V", version);
  app.add_flag("--help,-h", help);
  app.require_subcommand(0, 1);
  for (const auto& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    sub->set_help_flag();  // `lynguine read --help` is read's
    sub->prefix_command();
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (!args.empty() && !args[0].empty() && args[0][0] != '-')
      std::fprintf(stderr, "lynguine: unknown command '%s'\n", args[0].c_str());
    else
      std::fprintf(stderr, "lynguine: %s\n", e.what());
    std::fputs("Run `lynguine --help` for the commands.\n", stderr);
    return 2;
  }
  if (version) return print_version();
  if (help) {
    print_usage(stdout);
    return 0;
  }
  for (const auto& c : kCommands) {
    const CLI::App* sub = app.get_subcommand(c.name);
    if (!sub->parsed()) continue;
    if (!c.run) {
      if (std::string_view(c.name) == "version") return print_version();
      print_usage(stdout);
      return 0;
    }
    return c.run(sub->remaining());
  }
  print_usage(stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  lyn::apply_malloc_policy();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (base_name(argv[0]) == "mdfield") return lyn::cli::run_mdfield(args);
  if (args.empty()) {
    print_usage(stderr);
    return 2;
  }
  // lamd's hot path: field and mdfield parse their own words and are started
  // before any CLI11 object is built (a process start is their whole budget).
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "field") return lyn::cli::run_field(rest);
  if (args[0] == "mdfield") return lyn::cli::run_mdfield(rest);
  return dispatch(args);
}
