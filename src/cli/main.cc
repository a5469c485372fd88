// lynguine: the command-line front end. Subcommands:
//   field    a talk's field as lamd's mdfield prints it
//   mdfield  lamd's mdfield argument layout (also when invoked as `mdfield`)
//   read     POST /api/read_data, printed as its JSON body
//   write    POST /api/write_data
//   call     any API request (METHOD PATH [BODY])
//   serve    the HTTP server and its lifecycle
// Each data command runs in this process (direct mode) or through a server
// (--server or LYNGUINE_USE_SERVER=1); the output is the same either way.
#include <unistd.h>

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

std::string_view base_name(const char* argv0) {
  std::string_view s(argv0);
  size_t k = s.rfind('/');
  return k == std::string_view::npos ? s : s.substr(k + 1);
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
  const std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "--version" || cmd == "-V" || cmd == "version") {
    std::printf("lynguine %s\n", LYNGUINE_VERSION);
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    print_usage(stdout);
    return 0;
  }
  if (cmd == "field") return lyn::cli::run_field(rest);
  if (cmd == "mdfield") return lyn::cli::run_mdfield(rest);
  if (cmd == "read") return lyn::cli::run_read(rest);
  if (cmd == "write") return lyn::cli::run_write(rest);
  if (cmd == "call") return lyn::cli::run_call(rest);
  if (cmd == "serve") return lyn::cli::run_serve_command(rest);
  if (cmd == "completion") return lyn::cli::run_completion(rest);  // bash completion script
  std::fprintf(stderr, "lynguine: unknown command '%s'\n\n", cmd.c_str());
  print_usage(stderr);
  return 2;
}
