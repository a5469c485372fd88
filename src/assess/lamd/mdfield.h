// mdfield: lamd 0.1.3's `mdfield FIELD FILE` in direct mode: the field
// from the front matter, else from the config files (lynguine's
// header_field, then lamd's own Interface when lynguine's finds nothing),
// as str() with $VARs expanded; "" when not found. A talk or config that
// cannot be read gives "" and the "Error accessing configuration: ..."
// line lamd writes to stderr.
//
// Thread safety: reads the files of ctx's directory; no shared state.
#ifndef LYNGUINE_ASSESS_LAMD_MDFIELD_H_
#define LYNGUINE_ASSESS_LAMD_MDFIELD_H_

#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/header_field.h"
#include "assess/lamd/tool_context.h"

namespace lyn::lamd {

// One mdfield run over a talk: extract_field_direct(field, filename,
// config_files) for each field asked, the talk and its configs read once
// (lamd reads them again per field; they do not change in between).
class MdfieldRun {
 public:
  // `ctx` must outlive this.
  MdfieldRun(const ToolContext& ctx, std::string filename, std::vector<std::string> config_files);
  // str(answer); lamd's stderr lines are appended to *err.
  std::string extract_field_direct(const std::string& field, std::string* err);

 private:
  const ToolContext& ctx_;
  std::string filename_;
  std::optional<Result<Map>> fields_;
  ConfigFallback lynguine_config_;  // header_field's lynguine Interface
  ConfigFallback lamd_config_;      // lamd's own Interface (inherit: _lamd.yml)
};

// format_field_value for the str extract_field_direct returns.
std::string format_field_text(const ToolContext& ctx, const std::string& text);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_MDFIELD_H_
