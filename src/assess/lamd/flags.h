// flags: lamd 0.1.3's `flags OUTPUT BASE`, the pandoc and preprocessor
// options lamd's makefiles read from a talk's front matter and config
// (`_lamd.yml`, then `_config.yml`): the output-file prefix from the
// layout (talk, lecture with week/session, topic, background, practical,
// ...), the post's --metadata line, the reveal.js variables, the
// --reference-doc for docx/pptx, the manim flags.
//
// Every step runs in lamd's order with lamd's defaults, int() casts and
// failures: a failure is the exception lamd raises (returned as the Error,
// type named as Python's traceback names it), after which lamd prints
// nothing on stdout and exits 1.
//
// Thread safety: reads the files of ctx's directory; no shared state.
#ifndef LYNGUINE_ASSESS_LAMD_FLAGS_H_
#define LYNGUINE_ASSESS_LAMD_FLAGS_H_

#include <string>
#include <vector>

#include "assess/lamd/tool_context.h"
#include "core/status.h"

namespace lyn::lamd {

// The OUTPUT choices of lamd's flags, in its order.
const std::vector<std::string>& flags_outputs();

// What `flags OUTPUT BASE` prints on stdout (newline included; empty for
// `cv` and for manim flags that are not a string).
Result<std::string> flags_output(const ToolContext& ctx, const std::string& output,
                                 const std::string& base);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_FLAGS_H_
