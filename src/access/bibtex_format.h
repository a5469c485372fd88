// BibTeX: our own parser and writer for the entries lynguine reads with
// bibtexparser. Entries become maps with `ENTRYTYPE` (lower-cased), `ID`
// and their fields (names lower-cased); values may be brace- or
// quote-delimited (inner braces kept verbatim), bare numbers or @string
// macro names, joined with `#`. @comment and @preamble are skipped, text
// outside entries is ignored. Malformed input (unbalanced braces, a missing
// `=`) is a ValueError naming the file and line; the scanner only moves
// forward, so no input makes it loop.
//
// Thread safety: free functions on caller-owned data; safe from any thread.
#ifndef LYNGUINE_ACCESS_BIBTEX_FORMAT_H_
#define LYNGUINE_ACCESS_BIBTEX_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// The entries of a .bib text in file order.
Result<List> parse_bibtex(std::string_view text, std::string_view source_name);

// lynguine's display order: ENTRYTYPE, ID, title, author, ... note; other
// fields follow, sorted by name.
const std::vector<std::string>& bibtex_column_order();

// Entries sorted by author, year, title (missing values last; stable).
List sort_bibtex_entries(List entries);

// The frame read_bibtex answers: columns in display order, rows sorted.
Frame bibtex_frame(List entries);

// Writes entries as BibTeX (sorted, fields in display order, values in
// braces). Missing values are left out. Errors: an entry without an ID,
// repeated IDs, IDs with characters BibTeX cannot hold, values with
// unbalanced braces.
Result<std::string> dump_bibtex(const List& entries);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_BIBTEX_FORMAT_H_
