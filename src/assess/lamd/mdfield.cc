#include "assess/lamd/mdfield.h"

#include "assess/lamd/header_field.h"
#include "core/text.h"

namespace lyn::lamd {

namespace {

std::string config_error(const Error& e) {
  return "Error accessing configuration: " + e.message + "\n";
}

}  // namespace

MdfieldRun::MdfieldRun(const ToolContext& ctx, std::string filename,
                       std::vector<std::string> config_files)
    : ctx_(ctx),
      filename_(std::move(filename)),
      lynguine_config_(ctx, config_files),
      lamd_config_(ctx, config_files, "_lamd.yml") {}

std::string MdfieldRun::extract_field_direct(const std::string& field, std::string* err) {
  if (!fields_) fields_.emplace(header_fields(ctx_, filename_));
  const Result<Map>& fields = *fields_;
  if (!fields.ok()) {
    *err += config_error(fields.error());
    return "";
  }
  auto v = header_field(field, *fields, lynguine_config_);
  if (v.ok()) return py_str(*v);
  if (!is_field_not_found(v.error())) {
    *err += config_error(v.error());
    return "";
  }
  // lamd retries with its own Interface class (whose inherited file
  // defaults to _lamd.yml).
  const Result<Interface>& iface = lamd_config_.get();
  if (!iface.ok()) {
    *err += config_error(iface.error());
    return "";
  }
  if (!iface->contains(field)) return "";
  auto value = iface->get(field);
  return value ? py_str(*value) : "";
}

std::string format_field_text(const ToolContext& ctx, const std::string& text) {
  return ctx.expand_vars(text);
}

}  // namespace lyn::lamd
