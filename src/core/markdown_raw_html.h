// Python-Markdown 3.4's HtmlBlockPreprocessor for `markdownify`: raw HTML
// blocks are cut out of the (whitespace-normalised) source before block
// parsing. A block starts at a block-level start tag at the start of a line
// (up to three spaces in) or right after another block on the same line, and
// ends with the end tag that closes it: the rest of that line is markdown
// again, in a block of its own. Comments and block-level empty tags (<hr>,
// <div/>) at the start of a line are blocks alone. An unclosed block runs to
// the end of the text.
//
// Thread safety: pure function.
#ifndef LYNGUINE_CORE_MARKDOWN_RAW_HTML_H_
#define LYNGUINE_CORE_MARKDOWN_RAW_HTML_H_

#include <string>
#include <string_view>
#include <vector>

namespace lyn {

struct RawHtmlBlocks {
  // The source with each raw block replaced by its placeholder, on a line
  // of its own, followed by a blank line.
  std::string text;
  // The blocks' HTML, by placeholder number.
  std::vector<std::string> stash;
};

// `source` must hold no '\x02' or '\x03' (Python-Markdown drops them too):
// a placeholder is '\x02' + number + '\x03'.
RawHtmlBlocks extract_raw_html(std::string_view source);
// RawHtmlPostprocessor.isblocklevel: the HTML starts with a block-level tag
// (or `<!`, `<?`, `<@`, `<%`); only then does it replace the paragraph its
// placeholder stands in.
bool raw_html_is_block_level(std::string_view html);
std::string raw_html_placeholder(size_t index);

}  // namespace lyn

#endif  // LYNGUINE_CORE_MARKDOWN_RAW_HTML_H_
