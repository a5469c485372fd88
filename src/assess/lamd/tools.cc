#include "assess/lamd/tools.h"

#include "assess/lamd/dependencies.h"
#include "assess/lamd/diagram_paths.h"
#include "assess/lamd/flags.h"
#include "assess/lamd/lynguine_import.h"
#include "assess/lamd/mdfield.h"

namespace lyn::lamd {

ToolRun mdfield_run(const ToolContext& ctx, const std::vector<std::string>& fields,
                    const std::string& filename, bool batch) {
  if (auto st = lynguine_import_check(ctx); !st.ok()) return ToolRun::raised(st.error());
  ToolRun run;
  MdfieldRun talk(ctx, filename, lamd_config_files());
  for (const auto& field : fields) {
    std::string text = talk.extract_field_direct(field, &run.err);
    if (batch) run.out += field + ":";
    run.out += format_field_text(ctx, text) + "\n";
  }
  return run;
}

ToolRun flags_run(const ToolContext& ctx, const std::string& output, const std::string& base) {
  if (auto st = lynguine_import_check(ctx); !st.ok()) return ToolRun::raised(st.error());
  auto out = flags_output(ctx, output, base);
  if (!out.ok()) return ToolRun::raised(out.error());
  ToolRun run;
  run.out = std::move(out).value();
  return run;
}

ToolRun dependencies_run(const ToolContext& ctx, const std::string& type,
                         const std::string& filename,
                         const std::optional<std::string>& diagrams_dir,
                         const std::optional<std::string>& snippets_path) {
  if (auto st = lynguine_import_check(ctx); !st.ok()) return ToolRun::raised(st.error());
  return dependencies(ctx, type, filename, diagrams_dir, snippets_path);
}

ToolRun resolve_diagrams_dir_run(const ToolContext& ctx, const ResolveArgs& args) {
  if (auto st = lynguine_import_check(ctx); !st.ok()) return ToolRun::raised(st.error());
  const std::string cwd = args.cwd.value_or(".");
  auto config = load_path_config(ctx, cwd);
  if (!config.ok()) return ToolRun::raised(config.error());
  Warnings warnings;
  std::string path;
  if (args.web && !args.filesystem)
    path =
        resolve_diagrams_web(ctx, *config, cwd, args.diagrams_dir, args.diagrams_web_dir, warnings);
  else
    path = resolve_diagrams_filesystem(ctx, *config, cwd, args.diagrams_dir, warnings);
  ToolRun run;
  run.out = path + "\n";
  run.warnings = warnings.messages;
  return run;
}

}  // namespace lyn::lamd
