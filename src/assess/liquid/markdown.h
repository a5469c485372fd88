// Markdown to HTML for the `markdownify` filter: a subset of
// Python-Markdown 3.4's markdown.markdown() (paragraphs, ATX and setext
// headers, lists, block quotes, indented code, rules, raw HTML blocks;
// emphasis, strong, code spans, links, images, autolinks, escapes and
// line breaks), with its HTML escaping and no trailing newline.
//
// Thread safety: pure function.
#ifndef LYNGUINE_ASSESS_LIQUID_MARKDOWN_H_
#define LYNGUINE_ASSESS_LIQUID_MARKDOWN_H_

#include <string>
#include <string_view>

namespace lyn::liquid {

std::string markdown_to_html(std::string_view text);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_MARKDOWN_H_
