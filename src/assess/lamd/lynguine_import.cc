#include "assess/lamd/lynguine_import.h"

#include <sys/stat.h>

#include "assess/lamd/header_field.h"

namespace lyn::lamd {

Status lynguine_import_check(const ToolContext& ctx) {
  struct stat st;
  // Nothing named _lynguine.yml: nothing to load (the common case, one lstat).
  if (::lstat(ctx.path("_lynguine.yml").c_str(), &st) != 0) return Ok{};
  auto iface = load_config(ctx, {}, ".", "_lynguine.yml", /*raise_if_not_found=*/false);
  if (!iface.ok()) return iface.error();
  for (const char* key : {"bibinputs", "texinputs"}) {
    auto v = iface->get(key);
    if (v && !v->is_string())
      return Error{"AttributeError", "'" + py_type_name(*v) + "' object has no attribute 'split'",
                   500};
  }
  return Ok{};
}

}  // namespace lyn::lamd
