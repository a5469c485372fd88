#include "assess/lamd/mdfield.h"

#include "assess/lamd/header_field.h"
#include "core/text.h"

namespace lyn::lamd {

namespace {

std::string config_error(const Error& e) {
  return "Error accessing configuration: " + e.message + "\n";
}

}  // namespace

std::string extract_field_direct(const std::string& field, const std::string& filename,
                                 const std::vector<std::string>& config_files, std::string* err) {
  auto fields = header_fields(filename);
  if (!fields.ok()) {
    *err += config_error(fields.error());
    return "";
  }
  ConfigFallback config(config_files);
  auto v = header_field(field, *fields, config);
  if (v.ok()) return py_str(*v);
  if (!is_field_not_found(v.error())) {
    *err += config_error(v.error());
    return "";
  }
  // lamd retries with its own Interface class (whose inherited file
  // defaults to _lamd.yml).
  auto iface = load_config(config_files, ".", "_lamd.yml");
  if (!iface.ok()) {
    *err += config_error(iface.error());
    return "";
  }
  if (!iface->contains(field)) return "";
  auto value = iface->get(field);
  return value ? py_str(*value) : "";
}

std::string format_field_text(const std::string& text) {
  return expand_vars(text);
}

}  // namespace lyn::lamd
