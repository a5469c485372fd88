// HTML helpers with Python's semantics: html.escape (quote=True),
// html.unescape (numeric references and the common named entities), and
// python-liquid's strip_html.
//
// Thread safety: pure functions over immutable tables.
#ifndef LYNGUINE_ASSESS_LIQUID_HTML_H_
#define LYNGUINE_ASSESS_LIQUID_HTML_H_

#include <string>
#include <string_view>

namespace lyn::liquid {

std::string html_escape(std::string_view s);
std::string html_unescape(std::string_view s);
// Drops <script> / <style> elements with their content, comments and tags.
std::string strip_html(std::string_view s);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_HTML_H_
