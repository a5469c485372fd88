// tex_scan: the text scanners of lynguine 0.1.2's util/tex.py that lamd's
// dependency scan uses: the files a text includes (\include, \input,
// \includetalkfile, \newsection, \newsubsection), the arguments of the
// diagram macros (\includediagram, \includediagramclass, \inlinediagram,
// \inputdiagram; \includepng, \includejpg, \includegif, \includeimg) with
// their optional [..] and <..> modifiers and balanced braces, gpp's
// \define{name}{value} macros, and the bounded expansion of \name and
// \concat{a}{b} in diagram paths.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LAMD_TEX_SCAN_H_
#define LYNGUINE_ASSESS_LAMD_TEX_SCAN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lyn::lamd {

// tex.extract_inputs(text): the included names, comma lists split, in
// lynguine's order (per line: \newsection, \newsubsection,
// \includetalkfile, \input, \include).
std::vector<std::string> extract_tex_inputs(std::string_view text);

// tex.extract_diagrams(lines, type) for type "diagram", "img", "png",
// "gif", "jpg" or "all".
std::vector<std::string> extract_diagram_args(const std::vector<std::string_view>& lines,
                                              std::string_view type);

// tex.collect_define_macros: name (without a leading backslash) -> value,
// in first-definition order, later definitions winning.
using Macros = std::vector<std::pair<std::string, std::string>>;
Macros collect_define_macros(std::string_view text);

// tex.expand_diagram_path(path, macros).
std::string expand_diagram_path(const std::string& path, const Macros& macros, int max_depth = 20);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_TEX_SCAN_H_
