// flags, dependencies and lamd-resolve-diagrams-dir: lamd's parsers and
// printing around the library's tools (src/assess/lamd).
#include "cli/lamd_commands.h"

#include <cstdio>

#include "assess/lamd/dependencies.h"
#include "assess/lamd/diagram_paths.h"
#include "assess/lamd/flags.h"
#include "assess/lamd/lynguine_import.h"
#include "cli/argparse_compat.h"

namespace lyn::cli {

namespace {

void write(FILE* f, const std::string& s) {
  if (!s.empty()) std::fwrite(s.data(), 1, s.size(), f);
}

// The class name Python's traceback prints: builtins bare, others with
// their module.
std::string python_class(const std::string& type) {
  if (type == "PathEscapeError") return "lynguine.access.paths.PathEscapeError";
  if (type == "JSONDecodeError") return "json.decoder.JSONDecodeError";
  return type;
}

using argparse::Argument;
using argparse::Nargs;

// The parse of lamd's argparse parser, or the exit it asks for.
bool parse(const argparse::Parser& p, const std::vector<std::string>& args, argparse::Namespace* ns,
           int* exit_code) {
  argparse::Outcome o = argparse::parse_args(p, args, argparse::terminal_columns());
  if (!o.exited) {
    *ns = std::move(o.args);
    return true;
  }
  write(stdout, o.out);
  write(stderr, o.err);
  *exit_code = o.exit_code;
  return false;
}

Argument positional(std::string dest, std::string help, std::vector<std::string> choices = {}) {
  Argument a;
  a.dest = std::move(dest);
  a.help = std::move(help);
  a.choices = std::move(choices);
  return a;
}

Argument option(std::vector<std::string> names, std::string dest, std::string help,
                Nargs nargs = Nargs::kOne) {
  Argument a;
  a.option_strings = std::move(names);
  a.dest = std::move(dest);
  a.help = std::move(help);
  a.nargs = nargs;
  return a;
}

int run_flags(const std::vector<std::string>& args, const std::string& prog) {
  argparse::Parser p = argparse::make_parser(prog);
  p.arguments.push_back(positional("output",
                                   "The type of output file (post is for a jekyll post, docx for "
                                   "word, pptx for powerpoint, manim for manim-slides flags)",
                                   lamd::flags_outputs()));
  p.arguments.push_back(positional("base", "The base part of the filename"));
  argparse::Namespace ns;
  int rc = 0;
  if (!parse(p, args, &ns, &rc)) return rc;
  auto out = lamd::flags_output(ns.get("output"), ns.get("base"));
  if (!out.ok()) return print_python_exception(out.error());
  write(stdout, *out);
  return 0;
}

int run_dependencies(const std::vector<std::string>& args, const std::string& prog) {
  argparse::Parser p = argparse::make_parser(prog);
  p.arguments.push_back(positional("dependency", "The type of dependency that is required",
                                   lamd::dependency_types()));
  p.arguments.push_back(
      positional("filename", "The filename where dependencies are being searched"));
  p.arguments.push_back(
      option({"-d", "--diagrams-dir"}, "diagrams_dir", "Directory to find the diagrams in"));
  p.arguments.push_back(
      option({"-S", "--snippets-path"}, "snippets_path", "Directory to find the snippets in"));
  argparse::Namespace ns;
  int rc = 0;
  if (!parse(p, args, &ns, &rc)) return rc;
  auto opt = [&](const char* dest) {
    return ns.has(dest) ? std::optional<std::string>(ns.get(dest)) : std::nullopt;
  };
  return emit_tool_run(lamd::dependencies(ns.get("dependency"), ns.get("filename"),
                                          opt("diagrams_dir"), opt("snippets_path")),
                       prog);
}

int run_resolve_diagrams_dir(const std::vector<std::string>& args, const std::string& prog) {
  argparse::Parser p = argparse::make_parser(prog);
  p.description = "Resolve diagram directory paths from _lamd.yml (CIP-0010)";
  p.arguments.push_back(option({"--filesystem"}, "filesystem",
                               "Print filesystem diagrams root (default)", Nargs::kFlag));
  p.arguments.push_back(
      option({"--web"}, "web", "Print web URL prefix for HTML/ipynb", Nargs::kFlag));
  p.arguments.push_back(
      option({"-d", "--diagrams-dir"}, "diagrams_dir", "Override filesystem diagrams root"));
  p.arguments.push_back(
      option({"--diagrams-web-dir"}, "diagrams_web_dir", "Override web diagrams URL prefix"));
  p.arguments.push_back(
      option({"--cwd"}, "cwd", "Build working directory (default: current directory)"));
  argparse::Namespace ns;
  int rc = 0;
  if (!parse(p, args, &ns, &rc)) return rc;
  std::string cwd = ns.has("cwd") ? ns.get("cwd") : ".";
  lamd::Warnings warnings;
  auto config = lamd::load_path_config(cwd);
  if (!config.ok()) return emit_tool_run(lamd::ToolRun::raised(config.error()), prog);
  std::string path;
  if (ns.flag("web") && !ns.flag("filesystem"))
    path = lamd::resolve_diagrams_web(*config, cwd, ns.get("diagrams_dir"),
                                      ns.get("diagrams_web_dir"), warnings);
  else
    path = lamd::resolve_diagrams_filesystem(*config, cwd, ns.get("diagrams_dir"), warnings);
  lamd::ToolRun run;
  run.out = path + "\n";
  run.warnings = warnings.messages;
  return emit_tool_run(run, prog);
}

}  // namespace

int print_python_exception(const Error& e) {
  std::string line = python_class(e.type);
  if (!e.message.empty()) line += ": " + e.message;
  line += "\n";
  write(stderr, line);
  return 1;
}

int emit_tool_run(const lamd::ToolRun& run, const std::string& prog) {
  // Python writes warnings and errors as they happen and its buffered
  // stdout at exit: on a shared pipe stderr comes first.
  for (const auto& w : run.warnings) write(stderr, prog + ": UserWarning: " + w + "\n");
  write(stderr, run.err);
  int rc = run.exception ? print_python_exception(*run.exception) : run.exit_code;
  write(stdout, run.out);
  return rc;
}

std::string lamd_tool_named(std::string_view name, bool subcommand) {
  if (name == "mdfield" || name == "flags" || name == "dependencies") return std::string(name);
  if (subcommand ? name == "resolve-diagrams-dir" : name == "lamd-resolve-diagrams-dir")
    return "lamd-resolve-diagrams-dir";
  return "";
}

int run_lamd_tool(const std::string& tool, const std::vector<std::string>& args,
                  const std::string& prog) {
  // Importing lynguine reads _lynguine.yml before any lamd tool starts.
  if (auto st = lamd::lynguine_import_check(); !st.ok()) return print_python_exception(st.error());
  if (tool == "mdfield") return run_mdfield_tool(args, prog);
  if (tool == "flags") return run_flags(args, prog);
  if (tool == "dependencies") return run_dependencies(args, prog);
  return run_resolve_diagrams_dir(args, prog);
}

}  // namespace lyn::cli
