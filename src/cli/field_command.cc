// `lynguine field` and the mdfield-compatible entry: a talk's field printed
// exactly as lamd's `mdfield FIELD FILE` prints it.
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "config/paths.h"
#include "core/json.h"

namespace lyn::cli {

namespace {

struct FieldArgs {
  CommonOptions common;
  std::vector<std::string> fields;
  std::string markdown_file;
  std::vector<std::string> config_files;
  bool batch = false;
  bool json = false;
  bool help = false;
  std::string error;
};

const char* kFieldHelp =
    "usage: lynguine field FIELD FILE.md [--config FILE]... [--server] [--root DIR] [--json]\n"
    "       lynguine field --batch FILE.md --fields F1 F2 ...\n"
    "\n"
    "Prints FIELD of FILE.md's front matter, falling back to the first config\n"
    "file that exists (default: _lamd.yml, then _config.yml), as Python's str()\n"
    "with $VAR expansion -- byte for byte what lamd's mdfield prints.\n"
    "  --config FILE   a config file to fall back on (repeatable)\n"
    "  --batch FILE    print field:value lines for the --fields list\n"
    "  --json          print the JSON value of POST /api/talk/field instead\n"
    "                  (with --batch: one JSON object, field -> value)\n"
    "  --server        go through the lynguine server (LYNGUINE_USE_SERVER=1 too)\n"
    "  --no-fallback   the server or an error (exit 1), never direct mode\n"
    "  --root DIR      direct mode: confine paths to DIR\n";

FieldArgs parse_field_args(const std::vector<std::string>& a) {
  FieldArgs out;
  std::vector<std::string> positional;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    if (take_common(a, i, out.common)) continue;
    if (s == "--help" || s == "-h") {
      out.help = true;
    } else if (s == "--json") {
      out.json = true;
    } else if (s == "--config" || s == "-c") {
      if (i + 1 >= a.size())
        out.error = "--config needs a file";
      else
        out.config_files.push_back(a[++i]);
    } else if (s == "--batch") {
      out.batch = true;
      if (i + 1 < a.size() && a[i + 1].rfind("--", 0) != 0) out.markdown_file = a[++i];
    } else if (s == "--fields") {
      while (i + 1 < a.size() && a[i + 1].rfind("--", 0) != 0) out.fields.push_back(a[++i]);
    } else if (s.rfind("--", 0) == 0) {
      out.error = "unknown option " + s;
    } else {
      positional.push_back(s);
    }
  }
  if (out.batch) {
    if (out.markdown_file.empty() && !positional.empty()) {
      out.markdown_file = positional.front();
      positional.erase(positional.begin());
    }
    for (auto& p : positional) out.fields.push_back(p);
    if (out.markdown_file.empty()) out.error = "--batch needs a markdown file";
  } else {
    if (positional.size() != 2) {
      out.error = "expected FIELD FILE.md";
    } else {
      out.fields.push_back(positional[0]);
      out.markdown_file = positional[1];
    }
  }
  if (out.config_files.empty()) out.config_files = {"_lamd.yml", "_config.yml"};
  return out;
}

// Asks for one field; on success sets *text (mdfield form) and *value.
int ask(client::ApiCaller& caller, const FieldArgs& fa, const std::string& field, std::string* text,
        Value* value) {
  Map body;
  body.set("field", Value(field));
  // Paths as given, relative to this directory (a server resolves them from
  // working_directory), so a config's `user_file` reads as lamd prints it.
  List configs;
  for (const auto& c : fa.config_files) configs.push_back(Value(c));
  body.set("markdown_file", Value(fa.markdown_file));
  body.set("config_files", Value(std::move(configs)));
  body.set("format", Value("mdfield"));
  if (caller.remote()) body.set("working_directory", Value(current_directory()));
  auto r = caller.call("POST", "/api/talk/field", to_json(Value(std::move(body))));
  auto parsed = parse_json(r.body);
  if (r.status == 0) return fail("ConnectionError", r.body);
  if (!parsed.ok()) return fail("JSONDecodeError", parsed.error().message);
  const Value& v = *parsed;
  if (r.status != 200) {
    const Value* msg = v.get("error");
    return fail("ValueError", msg ? py_str(*msg) : r.body);
  }
  const Value* t = v.get("text");
  const Value* val = v.get("value");
  *text = t && t->is_string() ? t->as_string() : "";
  *value = val ? *val : Value();
  return 0;
}

int run(const std::vector<std::string>& args, bool mdfield_layout) {
  std::vector<std::string> a = args;
  // lamd's `mdfield batch FILE --fields ...`
  if (mdfield_layout && !a.empty() && a[0] == "batch") {
    a[0] = "--batch";
  }
  FieldArgs fa = parse_field_args(a);
  if (fa.help) {
    std::fputs(kFieldHelp, stdout);
    return 0;
  }
  if (!fa.error.empty()) {
    std::fprintf(stderr, "lynguine field: %s\n\n%s", fa.error.c_str(), kFieldHelp);
    return 2;
  }
  // Direct mode may read the markdown file's own folder too: the user named it.
  std::string md_dir = path_dirname(absolute_path(fa.markdown_file));
  if (!md_dir.empty()) fa.common.extra_roots.push_back(md_dir);
  auto caller = make_caller(fa.common);
  std::string out;
  Map values;  // --batch --json: one object, field -> value
  for (const auto& field : fa.fields) {
    std::string text;
    Value value;
    int rc = ask(*caller, fa, field, &text, &value);
    if (rc != 0) return rc;
    if (fa.batch && fa.json) {
      values.set(field, std::move(value));
      continue;
    }
    if (fa.batch) out += field + ":";
    out += fa.json ? to_json(value) : text;
    out += '\n';
  }
  if (fa.batch && fa.json) out = to_json(Value(std::move(values))) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int run_field(const std::vector<std::string>& args) {
  return run(args, false);
}
int run_mdfield(const std::vector<std::string>& args) {
  return run(args, true);
}

}  // namespace lyn::cli
