// ToolContext: where one run of a lamd tool happens -- the working directory
// its relative paths start from (Python's os.getcwd()) and the environment
// its $VARs, HOME and LAMD_INCLUDESDIR come from (os.environ). On the
// command line both are the process's own; in a server request they are
// the client's (sent with the request), so that a server answers exactly as
// the tool would have in the client's shell.
//
// A server also confines the run: `roots` set, every file the run looks at
// must lie under one of them, and the first one that does not is kept in
// `escaped` (the handler then refuses the whole request with a 403 rather
// than answer from a partial view of the files).
//
// Thread safety: a ToolContext is used by one run (one thread) at a time.
#ifndef LYNGUINE_ASSESS_LAMD_TOOL_CONTEXT_H_
#define LYNGUINE_ASSESS_LAMD_TOOL_CONTEXT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/file_cache.h"
#include "core/status.h"
#include "core/text.h"

namespace lyn::lamd {

class ToolContext {
 public:
  // This process: its current directory and environment, nothing confined.
  static ToolContext of_process();
  // A client's: `cwd` absolute, `env` its whole environment (nullopt: this
  // process's), reads confined to `roots` (canonical directories).
  ToolContext(std::string cwd, std::optional<std::map<std::string, std::string>> env,
              std::vector<std::string> roots);

  const std::string& cwd() const { return cwd_; }
  // `p` as the file system sees it: joined to cwd() when relative. Notes a
  // path outside the roots (see escaped()).
  std::string path(std::string_view p) const;
  // open(p).read() as Python's text mode gives it (python_text.h); a path
  // outside the roots is not opened (a PathEscapeError: the run is refused).
  Result<std::string> read_text(const std::string& p) const;
  // A server's parsed-file cache: the texts a run reads are kept there
  // (never stale: see FileCache), so a repeated scan costs a stat per file.
  void use_cache(FileCache* cache) { cache_ = cache; }
  // os.environ.get(name).
  std::optional<std::string> getenv(std::string_view name) const;
  // os.path.expandvars / expanduser with this environment.
  std::string expand_vars(std::string_view s) const;
  std::string expand_user(std::string_view s) const;
  // The lookup for code below (Interface loads); empty for the process's.
  const EnvLookup& env_lookup() const { return lookup_; }

  // The first path the run looked at outside the roots, if any.
  const std::optional<std::string>& escaped() const { return escaped_; }

 private:
  ToolContext() = default;
  bool outside_roots(const std::string& abs) const;

  std::string cwd_;
  // The client's environment; null: the process's.
  std::shared_ptr<const std::map<std::string, std::string, std::less<>>> env_;
  EnvLookup lookup_;
  std::vector<std::string> roots_;
  FileCache* cache_ = nullptr;
  mutable std::optional<std::string> escaped_;
};

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_TOOL_CONTEXT_H_
