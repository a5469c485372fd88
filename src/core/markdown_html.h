// Markdown to HTML for the `markdownify` filter: a subset of
// Python-Markdown 3.4's markdown.markdown() (paragraphs, ATX and setext
// headers, lists, block quotes, indented code, rules, raw HTML blocks;
// emphasis, strong, code spans, links, images, autolinks, escapes and
// line breaks), with its HTML escaping and no trailing newline.
// It lives in core beside the other text helpers (HTML, URLs) so that any
// floor may render markdown; reading markdown files with front matter is
// access/markdown_format.
//
// Thread safety: pure function.
#ifndef LYNGUINE_CORE_MARKDOWN_HTML_H_
#define LYNGUINE_CORE_MARKDOWN_HTML_H_

#include <string>
#include <string_view>

namespace lyn {

std::string markdown_to_html(std::string_view text);

}  // namespace lyn

#endif  // LYNGUINE_CORE_MARKDOWN_HTML_H_
