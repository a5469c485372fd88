// reference_doc: lamd's flags resolve_reference_doc (the pandoc
// --reference-doc for `flags docx` / `flags pptx`) and the place of lamd's
// bundled includes/ directory it falls back on.
//
// lamd finds includes/ next to its own Python module. A native binary has
// no module, so lamd_includes_dir() looks where a user's lamd installation
// is, in this order:
//   1. $LAMD_INCLUDESDIR, when set and not empty;
//   2. lamd's console scripts on $PATH (flags, mdfield, maketalk,
//      dependencies, lamd-resolve-diagrams-dir, mdpp, in that order, each
//      through $PATH in order), skipping anything that is not a Python
//      script (this binary under those names): a directory the script
//      names (a sys.path entry, a PYTHONPATH string) holding
//      lamd/includes, else the site-packages/dist-packages of its `#!`
//      interpreter's prefix (with .pth and editable-install entries);
//   3. python3 on $PATH: its prefix's and the user's (~/.local)
//      site-packages/dist-packages, then /usr/local and /usr.
// The first directory found is used; none found means no bundled
// fallback (the path is printed as configured, as lamd does when the
// bundled file is missing).
//
// Thread safety: reads the run's environment (ctx) and the file system; no
// state.
#ifndef LYNGUINE_ASSESS_LAMD_REFERENCE_DOC_H_
#define LYNGUINE_ASSESS_LAMD_REFERENCE_DOC_H_

#include <optional>
#include <string>

#include "assess/lamd/tool_context.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::lamd {

std::optional<std::string> lamd_includes_dir(const ToolContext& ctx);

// resolve_reference_doc(path): `path` with `~` expanded if that file
// exists; a bare file name from lamd's includes/ when it is there; else
// the expanded path. A value that is not a str is os.path.expanduser's
// TypeError.
Result<std::string> resolve_reference_doc(const ToolContext& ctx, const Value& path);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_REFERENCE_DOC_H_
