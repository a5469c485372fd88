// mdfield: lamd 0.1.3's `mdfield FIELD FILE` in direct mode: the field
// from the front matter, else from the config files (lynguine's
// header_field, then lamd's own Interface when lynguine's finds nothing),
// as str() with $VARs expanded; "" when not found. A talk or config that
// cannot be read gives "" and the "Error accessing configuration: ..."
// line lamd writes to stderr.
//
// Thread safety: reads the current directory; no shared state.
#ifndef LYNGUINE_ASSESS_LAMD_MDFIELD_H_
#define LYNGUINE_ASSESS_LAMD_MDFIELD_H_

#include <string>
#include <vector>

namespace lyn::lamd {

// extract_field_direct(field, filename, config_files): str(answer).
// Appends lamd's stderr lines to *err.
std::string extract_field_direct(const std::string& field, const std::string& filename,
                                 const std::vector<std::string>& config_files, std::string* err);

// format_field_value for the str extract_field_direct returns.
std::string format_field_text(const std::string& text);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_MDFIELD_H_
