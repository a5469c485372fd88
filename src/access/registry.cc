#include "access/registry.h"

#include <sys/stat.h>

#include <mutex>

#include "core/budget.h"
#include "core/text.h"

namespace lyn::access {

Registry& Registry::instance() {
  static Registry registry;
  static std::once_flag once;
  std::call_once(once, [] {
    register_core_formats(registry);
    register_tabular_formats(registry);
    register_file_formats(registry);
  });
  return registry;
}

void Registry::add_reader(std::string type, ReaderFn fn) {
  readers_.emplace_back(std::move(type), std::move(fn));
}

void Registry::add_writer(std::string type, WriterFn fn) {
  writers_.emplace_back(std::move(type), std::move(fn));
}

const ReaderFn* Registry::reader(std::string_view type) const {
  for (const auto& [name, fn] : readers_)
    if (name == type) return &fn;
  return nullptr;
}

const WriterFn* Registry::writer(std::string_view type) const {
  for (const auto& [name, fn] : writers_)
    if (name == type) return &fn;
  return nullptr;
}

std::vector<std::string> Registry::reader_types() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : readers_) out.push_back(name);
  return out;
}

namespace {

// lynguine names the keys of a description in its error messages.
std::string joined_keys(const Map& m) {
  std::string s;
  for (const auto& [k, _] : m) {
    if (!s.empty()) s += "\", \"";
    s += k;
  }
  return s;
}

}  // namespace

std::string under_base_directory(const Map& details, const std::string& dir) {
  const Value* base = details.find("base_directory");
  if (!base || !base->is_string() || base->as_string().empty()) return dir;
  if (!dir.empty() && dir[0] == '/') return dir;
  return path_join(base->as_string(), dir);
}

Status IoContext::charge_read(const std::string& path, std::string_view shown) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Ok{};
  return Budget::current().charge_read(static_cast<uint64_t>(st.st_size), shown);
}

Result<std::string> resolve_data_file(const Map& details, const IoContext& ctx) {
  const Value* fn = details.find("filename");
  if (!fn || !fn->is_string())
    return Error::value("Field \"filename\" missing or not a string in data source details.");
  std::string name = fn->as_string();
  VarExpansion dir{"", {}};
  if (const Value* d = details.find("directory"); d && d->is_string()) {
    dir = configured_path(d->as_string(), ctx);
    name = path_join(under_base_directory(details, dir.text), name);
  }
  auto r = ctx.paths.resolve(name);
  if (!r.ok()) return dir.hide_values(r.error());
  return r;
}

VarExpansion configured_path(const std::string& written, const IoContext& ctx) {
  if (ctx.expand_vars) return expand_path_vars(written);
  return VarExpansion{written, {}};
}

Result<std::string> resolve_input_file(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  // The error shows the file as the description names it (no $VAR values).
  if (auto st = ctx.charge_read(path, details.find("filename")->as_string()); !st.ok())
    return st.error();
  return path;
}

Result<Frame> read_data(const Value& details, const IoContext& ctx) {
  if (!details.is_map())
    return Error::value("Data source details for read_data must be a mapping.");
  const Map& m = details.as_map();
  const Value* type = m.find("type");
  if (!type)
    return Error::value(
        "Field \"type\" missing in data source details for read_data, details "
        "are given as \"" +
        joined_keys(m) + "\".");
  std::string t = type->is_string() ? type->as_string() : py_str(*type);
  const ReaderFn* fn = Registry::instance().reader(t);
  if (!fn) return Error::value("Unknown type \"" + t + "\" in read_data.");
  auto frame = (*fn)(m, ctx);
  if (!frame.ok()) return frame.error();
  if (auto st = Budget::current().charge_rows(frame->num_rows()); !st.ok()) return st.error();
  return finalize_frame(std::move(frame).value(), m);
}

Status write_data(const Frame& frame, const Value& details, const IoContext& ctx) {
  if (!details.is_map()) return Error::value("Output details for write_data must be a mapping.");
  const Map& m = details.as_map();
  const Value* type = m.find("type");
  if (!type)
    return Error::value(
        "Field \"type\" missing in output details for write_data, details are "
        "given as \"" +
        joined_keys(m) + "\".");
  std::string t = type->is_string() ? type->as_string() : py_str(*type);
  const WriterFn* fn = Registry::instance().writer(t);
  if (!fn) return Error::value("Unknown type \"" + t + "\" in write_data.");
  return (*fn)(frame, m, ctx);
}

}  // namespace lyn::access
