// header_field: how lamd's tools read a talk's fields, through lynguine
// 0.1.2's util.yaml: header_fields (the front matter, without `content`;
// a header that is not YAML reads as no fields) and header_field (the
// front matter's value, else the config's, else FileFormatError). The
// config is lynguine's Interface.from_file(user_file, directory=".") with
// the directory as its jail; its failures (no config file, a file that is
// not a YAML mapping, a path outside the jail) are the errors the Python
// tools raise.
//
// Thread safety: ConfigFallback is not thread-safe (one per command run);
// the free functions are.
#ifndef LYNGUINE_ASSESS_LAMD_HEADER_FIELD_H_
#define LYNGUINE_ASSESS_LAMD_HEADER_FIELD_H_

#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/tool_context.h"
#include "config/interface.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::lamd {

// The exception classes as Python's traceback names them.
inline constexpr const char* kFileFormatError = "lynguine.util.yaml.FileFormatError";

// ["_lamd.yml", "_config.yml"]: the config files lamd's tools fall back on.
const std::vector<std::string>& lamd_config_files();

// lynguine.util.yaml.header_fields(filename), `filename` relative to the
// run's working directory. Errors: those of reading the file.
Result<Map> header_fields(const ToolContext& ctx, const std::string& filename);

// Interface.from_file(user_files, directory) with lynguine's default jail
// (the directory itself). `default_file` is the Interface class's
// default_config_file() (lamd's subclass: "_lamd.yml").
Result<Interface> load_config(const ToolContext& ctx, const std::vector<std::string>& user_files,
                              const std::string& directory = ".",
                              const std::string& default_file = "_lynguine.yml",
                              bool raise_if_not_found = true);

// The config header_field falls back on, loaded on first use and kept:
// the Python tools load it again on every call, from files that do not
// change in between.
class ConfigFallback {
 public:
  // `ctx` must outlive this.
  explicit ConfigFallback(const ToolContext& ctx,
                          std::vector<std::string> user_files = lamd_config_files(),
                          std::string default_file = "_lynguine.yml")
      : ctx_(ctx), user_files_(std::move(user_files)), default_file_(std::move(default_file)) {}
  const Result<Interface>& get();

 private:
  const ToolContext& ctx_;
  std::vector<std::string> user_files_;
  std::string default_file_;
  std::optional<Result<Interface>> loaded_;
};

// lynguine.util.yaml.header_field(field, fields, user_file).
Result<Value> header_field(const std::string& field, const Map& fields, ConfigFallback& config);

// The FileFormatError header_field raises for a field found nowhere.
bool is_field_not_found(const Error& e);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_HEADER_FIELD_H_
