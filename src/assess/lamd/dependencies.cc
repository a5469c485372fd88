#include "assess/lamd/dependencies.h"

#include "assess/lamd/diagram_paths.h"
#include "assess/lamd/header_field.h"
#include "assess/lamd/talk_scan.h"

namespace lyn::lamd {

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ' ';
    out += v[i];
  }
  return out;
}

std::vector<std::string> ending_with(const std::vector<std::string>& v, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& s : v)
    if (s.size() >= ext.size() && s.compare(s.size() - ext.size(), ext.size(), ext) == 0)
      out.push_back(s);
  return out;
}

// The files the talk creates, after lamd's check that a posts build has
// a `postsdir` in the config. nullopt with `*stop` set when lamd exits.
struct Created {
  std::vector<std::string> files;
  bool postsdir_missing = false;
};
Result<Created> created_files(const ToolContext& ctx, const std::string& filename) {
  auto fields = header_fields(ctx, filename);
  if (!fields.ok()) return fields.error();
  // One load serves lamd's three reads of the same config files.
  ConfigFallback config(ctx);
  auto posts = header_field("posts", *fields, config);
  if (!posts.ok() && !is_field_not_found(posts.error())) return posts.error();
  if (posts.ok() && py_truthy(*posts)) {
    const Result<Interface>& iface = config.get();
    if (!iface.ok()) return iface.error();
    if (!iface->contains("postsdir")) {
      Created c;
      c.postsdir_missing = true;
      return c;
    }
  }
  auto all = extract_all(filename, *fields, config);
  if (!all.ok()) return all.error();
  return Created{std::move(all).value(), false};
}

}  // namespace

const std::vector<std::string>& dependency_types() {
  static const std::vector<std::string> kTypes = {"all",          "diagrams",      "inputs",
                                                  "bibinputs",    "slidediagrams", "texdiagrams",
                                                  "docxdiagrams", "batch"};
  return kTypes;
}

ToolRun dependencies(const ToolContext& ctx, const std::string& type, const std::string& filename,
                     const std::optional<std::string>& diagrams_dir_cli,
                     const std::optional<std::string>& snippets_path_cli) {
  Warnings warnings;
  auto raised = [&](Error e) { return ToolRun::raised(std::move(e), warnings.messages); };

  // resolve_diagrams_dir: -d wins; else the config (which must exist).
  std::string diagrams_dir;
  if (diagrams_dir_cli && !diagrams_dir_cli->empty()) {
    diagrams_dir = resolve_diagrams_filesystem(ctx, PathConfig{}, "", *diagrams_dir_cli, warnings);
  } else {
    auto config = load_path_config(ctx, ".");
    if (!config.ok()) return raised(config.error());
    diagrams_dir = resolve_diagrams_filesystem(ctx, *config, "", "", warnings);
  }
  std::string snippets_path = "..";
  if (snippets_path_cli && !snippets_path_cli->empty()) snippets_path = *snippets_path_cli;
  TalkScanner scanner(ctx, snippets_path);

  ToolRun run;
  auto finish = [&](std::string out) {
    run.out = std::move(out);
    run.warnings = warnings.messages;
    return run;
  };

  if (type == "all") {
    auto created = created_files(ctx, filename);
    if (!created.ok()) {
      if (!is_field_not_found(created.error())) return raised(created.error());
      run.exit_code = 1;
      return finish("Error: " + created.error().message + "\n");
    }
    if (created->postsdir_missing) {
      run.exit_code = 1;
      return finish(
          "Error: 'postsdir' is not defined in your _lamd.yml configuration file.\n"
          "Please add a 'postsdir' entry pointing to your posts directory.\n"
          "Example:\n"
          "postsdir: ../_posts\n");
    }
    return finish(joined(created->files) + "\n");
  }

  if (type == "diagrams" || type == "slidediagrams" || type == "texdiagrams" ||
      type == "docxdiagrams") {
    bool absolute = type == "diagrams";
    std::vector<std::string> exts = type == "diagrams"
                                        ? std::vector<std::string>{"svg", "png", "emf", "pdf"}
                                    : type == "slidediagrams" ? std::vector<std::string>{"svg"}
                                    : type == "texdiagrams"   ? std::vector<std::string>{"pdf"}
                                                              : std::vector<std::string>{"emf"};
    auto list = scanner.extract_diagrams(filename, absolute, exts, diagrams_dir, warnings);
    if (!list.ok()) return raised(list.error());
    if (!*list) return raised(Error{"TypeError", "can only join an iterable", 500});
    return finish(joined(**list) + "\n");
  }

  if (type == "inputs") {
    auto list = scanner.extract_inputs(filename);
    if (!list.ok()) return raised(list.error());
    return finish(joined(*list) + "\n");
  }

  if (type == "bibinputs") return raised(Error{"NotImplementedError", "", 500});

  // batch: every kind in one run.
  auto inputs = scanner.extract_inputs(filename);
  if (!inputs.ok()) return raised(inputs.error());
  auto diagrams = scanner.extract_diagrams(filename, false, {"svg", "png", "pdf", "emf"},
                                           diagrams_dir, warnings);
  if (!diagrams.ok()) return raised(diagrams.error());
  std::vector<std::string> all_diagrams = *diagrams ? **diagrams : std::vector<std::string>{};
  auto created = created_files(ctx, filename);
  if (!created.ok()) {
    if (!is_field_not_found(created.error())) return raised(created.error());
    run.exit_code = 1;
    run.err = "Error: " + created.error().message + "\n";
    return finish("");
  }
  if (created->postsdir_missing) {
    run.exit_code = 1;
    run.err = "Error: 'postsdir' is not defined in your _lamd.yml configuration file.\n";
    return finish("");
  }
  std::vector<std::string> emf = ending_with(all_diagrams, ".emf");
  std::string out;
  out += "inputs:" + joined(*inputs) + "\n";
  out += "diagrams:" + joined(all_diagrams) + "\n";
  out += "docxdiagrams:" + joined(emf) + "\n";
  out += "pptxdiagrams:" + joined(emf) + "\n";
  out += "texdiagrams:" + joined(ending_with(all_diagrams, ".pdf")) + "\n";
  out += "all:" + joined(created->files) + "\n";
  return finish(out);
}

}  // namespace lyn::lamd
