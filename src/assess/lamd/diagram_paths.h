// diagram_paths: lamd 0.1.3's paths.py (CIP-0010): where a talk's diagrams
// live on disk (`diagramsdir`, default "diagrams", relative to the build
// directory) and the URL prefix HTML uses for them (`diagramsurl`, else
// `url` + `baseurl` + `diagramswebpath` or the diagrams folder's name),
// read from `_lamd.yml` / `_config.yml`. Used by `dependencies` and by
// `lamd-resolve-diagrams-dir`.
//
// Thread safety: reads the environment and the current directory; the
// warnings go to the caller's list.
#ifndef LYNGUINE_ASSESS_LAMD_DIAGRAM_PATHS_H_
#define LYNGUINE_ASSESS_LAMD_DIAGRAM_PATHS_H_

#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/tool_context.h"
#include "core/status.h"

namespace lyn::lamd {

// The path keys of the config, as strings ("" for a null value).
struct PathConfig {
  std::string diagramsdir = "diagrams";
  std::string diagramsurl, diagramswebpath, url, baseurl;
};

// Python warnings (UserWarning) raised along the way, in order, each once
// per warning site as Python's default filter shows them.
struct Warnings {
  std::vector<std::string> messages;
  // `site` names the warnings.warn call (Python keys its registry by the
  // message and the calling line).
  void warn(const std::string& site, const std::string& message);

 private:
  std::vector<std::string> seen_;
};

// load_config(cwd): the keys from the config in `cwd` with their defaults.
// A config file that cannot be opened (an OSError) gives the defaults; any
// other failure (no config at all, bad YAML) is the error lamd raises.
Result<PathConfig> load_path_config(const ToolContext& ctx, const std::string& cwd = ".");

// normalise_path(path, base): $VARs expanded; URLs unchanged; absolute
// paths normalised; relative ones joined to `base` and normalised.
std::string normalise_path(const ToolContext& ctx, const std::string& path,
                           const std::string& base);
bool looks_like_url(const std::string& value);
std::string join_url(const std::vector<std::string>& parts);

// resolve_diagrams_filesystem(config, cwd, cli). `cwd` empty: the run's
// working directory. Warns when diagramsdir looks like a URL.
std::string resolve_diagrams_filesystem(const ToolContext& ctx, const PathConfig& config,
                                        const std::string& cwd, const std::string& cli,
                                        Warnings& warnings);

// resolve_diagrams_web(config, cwd, cli_fs, cli_web).
std::string resolve_diagrams_web(const ToolContext& ctx, const PathConfig& config,
                                 const std::string& cwd, const std::string& cli_fs,
                                 const std::string& cli_web, Warnings& warnings);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_DIAGRAM_PATHS_H_
