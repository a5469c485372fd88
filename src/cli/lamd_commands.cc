// flags, dependencies and lamd-resolve-diagrams-dir: lamd's parsers and
// printing around the library's tools (src/assess/lamd).
#include "cli/lamd_commands.h"

#include <strings.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "assess/lamd/dependencies.h"
#include "assess/lamd/flags.h"
#include "assess/lamd/lynguine_import.h"
#include "assess/lamd/tools.h"
#include "cli/argparse_compat.h"
#include "cli/commands.h"
#include "config/paths.h"
#include "core/json.h"

extern char** environ;

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
  if (type == "TomlDecodeError") return "toml.decoder.TomlDecodeError";
  return type;
}

bool env_true(const char* name) {
  const char* v = std::getenv(name);
  return v && (std::strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

// Server mode as the other commands choose it (client/fallback.h):
// LYNGUINE_USE_SERVER=1, LYNGUINE_NO_FALLBACK=1 or LYNGUINE_SERVER_URL.
bool server_mode() {
  const char* url = std::getenv("LYNGUINE_SERVER_URL");
  return env_true("LYNGUINE_USE_SERVER") || env_true("LYNGUINE_NO_FALLBACK") || (url && *url);
}

Value environment() {
  Map env;
  for (char** e = environ; *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) env.set(std::string(*e, static_cast<size_t>(eq - *e)), Value(std::string(eq + 1)));
  }
  return Value(std::move(env));
}

// Runs `tool` here, or in the server (POST /api/lamd/ENDPOINT with `body`,
// this directory and this environment) in server mode; prints the run.
template <typename Direct>
int run_tool(const std::string& endpoint, Map body, Direct direct, const std::string& prog) {
  if (!server_mode()) return emit_tool_run(direct(lamd::ToolContext::of_process()), prog);
  body.set("working_directory", Value(current_directory()));
  body.set("env", environment());
  client::CallerOptions options;
  // Direct mode, when the server cannot serve: lamd's tools read wherever
  // they are told, as the Python ones do.
  options.extra_roots = {"/"};
  auto caller = make_caller(options);
  auto r = caller->call("POST", "/api/lamd/" + endpoint, to_json(Value(std::move(body))));
  if (r.status == 0) return fail("ConnectionError", r.body);
  auto parsed = parse_json(r.body);
  if (!parsed.ok()) return fail("ValueError", "the server's answer is not JSON");
  if (r.status != 200) {
    const Value* type = parsed->get("error_type");
    const Value* message = parsed->get("error_message");
    return fail(type && type->is_string() ? type->as_string() : "Error",
                message && message->is_string() ? message->as_string() : r.body);
  }
  auto run = lamd::tool_run_from(*parsed);
  if (!run.ok()) return fail("ValueError", run.error().message);
  return emit_tool_run(*run, prog);
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
  const std::string output = ns.get("output"), base = ns.get("base");
  return run_tool(
      "flags", Map{{"output", Value(output)}, {"base", Value(base)}},
      [&](const lamd::ToolContext& ctx) { return lamd::flags_run(ctx, output, base); }, prog);
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
  const std::string type = ns.get("dependency"), filename = ns.get("filename");
  const auto diagrams_dir = opt("diagrams_dir"), snippets_path = opt("snippets_path");
  Map body{{"type", Value(type)}, {"filename", Value(filename)}};
  if (diagrams_dir) body.set("diagrams_dir", Value(*diagrams_dir));
  if (snippets_path) body.set("snippets_path", Value(*snippets_path));
  return run_tool(
      "dependencies", std::move(body),
      [&](const lamd::ToolContext& ctx) {
        return lamd::dependencies_run(ctx, type, filename, diagrams_dir, snippets_path);
      },
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
  lamd::ResolveArgs a;
  a.filesystem = ns.flag("filesystem");
  a.web = ns.flag("web");
  a.diagrams_dir = ns.get("diagrams_dir");
  a.diagrams_web_dir = ns.get("diagrams_web_dir");
  if (ns.has("cwd")) a.cwd = ns.get("cwd");
  Map body{{"filesystem", Value(a.filesystem)},
           {"web", Value(a.web)},
           {"diagrams_dir", Value(a.diagrams_dir)},
           {"diagrams_web_dir", Value(a.diagrams_web_dir)}};
  if (a.cwd) body.set("cwd", Value(*a.cwd));
  return run_tool(
      "resolve-diagrams-dir", std::move(body),
      [&](const lamd::ToolContext& ctx) { return lamd::resolve_diagrams_dir_run(ctx, a); }, prog);
}

}  // namespace

int run_mdfield_direct_or_server(const std::vector<std::string>& fields,
                                 const std::string& filename, bool batch, const std::string& prog) {
  List names;
  for (const auto& f : fields) names.push_back(Value(f));
  return run_tool(
      "mdfield",
      Map{{"fields", Value(std::move(names))},
          {"filename", Value(filename)},
          {"batch", Value(batch)}},
      [&](const lamd::ToolContext& ctx) { return lamd::mdfield_run(ctx, fields, filename, batch); },
      prog);
}

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
  // Importing lynguine reads _lynguine.yml before any lamd tool starts
  // (before its arguments are parsed).
  if (auto st = lamd::lynguine_import_check(lamd::ToolContext::of_process()); !st.ok())
    return print_python_exception(st.error());
  if (tool == "mdfield") return run_mdfield_tool(args, prog);
  if (tool == "flags") return run_flags(args, prog);
  if (tool == "dependencies") return run_dependencies(args, prog);
  return run_resolve_diagrams_dir(args, prog);
}

}  // namespace lyn::cli
