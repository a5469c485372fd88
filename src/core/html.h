// HTML helpers with Python's semantics: html.escape (quote=True),
// html.unescape (numeric references and the common named entities), and
// python-liquid's strip_html. The one HTML/XML escaper: Liquid's filters,
// the markdown renderer and the xlsx writer all escape through here.
//
// Thread safety: pure functions over immutable tables.
#ifndef LYNGUINE_CORE_HTML_H_
#define LYNGUINE_CORE_HTML_H_

#include <string>
#include <string_view>

namespace lyn {

// Appends `s` with &, < and > escaped, and " (&quot;) and ' (&#x27;) when
// asked: Python-Markdown escapes attributes with quote only, html.escape
// with both.
void append_html_escaped(std::string& out, std::string_view s, bool quote, bool apostrophe);
// html.escape(s, quote=True).
std::string html_escape(std::string_view s);
std::string html_unescape(std::string_view s);
// Drops <script> / <style> elements with their content, comments and tags.
std::string strip_html(std::string_view s);
// html.parser's end of the start tag at s[i] ('<' and a letter): just after
// the first '>' outside an attribute value quoted right after '='; npos if
// the tag is not closed.
size_t html_start_tag_end(std::string_view s, size_t i);
// html.parser's reading of a reference at s[i] ('&'): `&#` and decimal or
// `x` hex digits (not followed by another hex digit), or `&` and a name
// ([A-Za-z][-.A-Za-z0-9]*), with some character after it. Returns where
// the digits or the name end (s[end] is that character; ';' or not), or
// npos; `numeric` says which kind.
size_t html_reference_end(std::string_view s, size_t i, bool& numeric);

}  // namespace lyn

#endif  // LYNGUINE_CORE_HTML_H_
