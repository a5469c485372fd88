#include "assess/lamd/header_field.h"

#include "access/markdown_format.h"
#include "assess/lamd/python_text.h"
#include "config/paths.h"
#include "core/text.h"

namespace lyn::lamd {

const std::vector<std::string>& lamd_config_files() {
  static const std::vector<std::string> kFiles = {"_lamd.yml", "_config.yml"};
  return kFiles;
}

Result<Map> header_fields(const ToolContext& ctx, const std::string& filename) {
  auto text = ctx.read_text(filename);
  if (!text.ok()) return text.error();
  auto fm = parse_front_matter(*text, filename);
  if (!fm.ok() && fm.error().type != "FileFormatError") return fm.error();
  // lynguine's read_markdown_file logs a YAML error and reads no fields.
  if (!fm.ok()) return Map{};
  return std::move(fm->fields);
}

Result<Interface> load_config(const ToolContext& ctx, const std::vector<std::string>& user_files,
                              const std::string& directory, const std::string& default_file,
                              bool raise_if_not_found) {
  // effective_roots refuses an empty directory outright.
  if (directory.empty()) return Error::path_escape("Path '' is not under allowed roots []");
  const std::string& cwd = ctx.cwd();
  // effective_roots: the expanded directory, resolved, is the only root.
  std::string jail = ctx.path(ctx.expand_vars(directory));
  PathPolicy policy(cwd, {path_canonical(jail)});
  Interface::LoadOptions opts;
  opts.user_files = user_files;
  opts.directory = directory;
  opts.default_file = default_file;
  opts.raise_if_not_found = raise_if_not_found;
  opts.env = ctx.env_lookup();
  return Interface::from_file(opts, policy);
}

const Result<Interface>& ConfigFallback::get() {
  if (!loaded_) loaded_.emplace(load_config(ctx_, user_files_, ".", default_file_));
  return *loaded_;
}

Result<Value> header_field(const std::string& field, const Map& fields, ConfigFallback& config) {
  if (const Value* v = fields.find(field)) return *v;
  const Result<Interface>& iface = config.get();
  if (!iface.ok()) return iface.error();
  if (iface->contains(field)) {
    if (auto v = iface->get(field)) return *v;
  }
  return Error{kFileFormatError, "Field not found in file or defaults. field: " + field, 404};
}

bool is_field_not_found(const Error& e) {
  return e.type == kFileFormatError;
}

}  // namespace lyn::lamd
