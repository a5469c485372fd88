// Tests for markdownify's converter (src/core/markdown_html.cc) where it
// follows Python-Markdown 3.4.1's raw HTML blocks (src/core/
// markdown_raw_html.cc) and block quotes; each expectation was checked
// against markdown.markdown() (the recorded cases in
// tests/conformance/liquid/extra_cases.json hold more).
#include "core/markdown_html.h"

#include <gtest/gtest.h>

#include "core/markdown_raw_html.h"

namespace lyn {
namespace {

TEST(MarkdownRawHtml, BlockEndsWithTheLineThatClosesIt) {
  EXPECT_EQ(markdown_to_html("<div>x  \ny</div>  \nz  "), "<div>x  \ny</div>\n<p>z  </p>");
  EXPECT_EQ(markdown_to_html("<div>a</div> tail\nmore"), "<div>a</div>\n<p>tail\nmore</p>");
  EXPECT_EQ(markdown_to_html("<div>\n<div>x</div>\n</div>\npara"),
            "<div>\n<div>x</div>\n</div>\n<p>para</p>");
  // A blank line inside the block does not end it; an unclosed block runs
  // to the end.
  EXPECT_EQ(markdown_to_html("<div>a\n\nb</div>\nc"), "<div>a\n\nb</div>\n<p>c</p>");
  EXPECT_EQ(markdown_to_html("<div>\nx\n\ny"), "<div>\nx\n\ny");
  // A blank line after the block stays in it.
  EXPECT_EQ(markdown_to_html("<div>a</div>\n\nc"), "<div>a</div>\n\n<p>c</p>");
}

TEST(MarkdownRawHtml, WhereABlockStarts) {
  EXPECT_EQ(markdown_to_html("  <div>a</div>\nc"), "<div>a</div>\n<p>c</p>");
  EXPECT_EQ(markdown_to_html("text <div>a</div>\nc"), "<p>text <div>a</div>\nc</p>");
  EXPECT_EQ(markdown_to_html("<div>a</div>\n    code"),
            "<div>a</div>\n<pre><code>code\n</code></pre>");
  // Right after a block, on the same line, another block starts.
  EXPECT_EQ(markdown_to_html("<p>a</p><p>b</p>\nc"), "<p>a</p>\n<p>b</p>\n<p>c</p>");
  // Comments and <hr> are blocks alone; a span is inline.
  EXPECT_EQ(markdown_to_html("<!-- c -->\nd"), "<!-- c -->\n<p>d</p>");
  EXPECT_EQ(markdown_to_html("<hr/> x\nc"), "<hr/>\n<p>x\nc</p>");
  EXPECT_EQ(markdown_to_html("<span>a</span>\nb"), "<p><span>a</span>\nb</p>");
}

TEST(MarkdownRawHtml, DeclarationsAreBlocksButBogusCommentsAreText) {
  EXPECT_EQ(markdown_to_html("<!doctype html>\n# h"), "<!doctype html>\n<h1>h</h1>");
  EXPECT_EQ(markdown_to_html("<!DOCTYPE html>"), "<!DOCTYPE html>");
  // <! not starting a comment, a marked section or a doctype: html.parser's
  // bogus comment, inline for Python-Markdown (escaped as text), raw inside
  // a block.
  EXPECT_EQ(markdown_to_html("<! c >\n# h"), "<p>&lt;! c &gt;</p>\n<h1>h</h1>");
  EXPECT_EQ(markdown_to_html("<!x>"), "<p>&lt;!x&gt;</p>");
  EXPECT_EQ(markdown_to_html("a <! c > b"), "<p>a &lt;! c &gt; b</p>");
  EXPECT_EQ(markdown_to_html("<div>\n<! c >\n</div>\n\n# h"),
            "<div>\n<! c >\n</div>\n\n<h1>h</h1>");
}

TEST(MarkdownRawHtml, ScriptContentIsNotMarkup) {
  EXPECT_EQ(markdown_to_html("<script>\nif (a < b) { x = '</div>'; }\n</script>\nafter"),
            "<script>\nif (a < b) { x = '</div>'; }\n</script>\n<p>after</p>");
}

TEST(MarkdownRawHtml, ExtractsPlaceholders) {
  RawHtmlBlocks r = extract_raw_html("a\n<div>b</div>\nc\n\n");
  ASSERT_EQ(r.stash.size(), 1u);
  EXPECT_EQ(r.stash[0], "<div>b</div>");
  EXPECT_EQ(r.text, "a\n\n" + raw_html_placeholder(0) + "\n\n\nc\n\n");
}

TEST(MarkdownBlockQuote, EmptyInterruptingAndContinued) {
  EXPECT_EQ(markdown_to_html(">"), "<blockquote></blockquote>");
  EXPECT_EQ(markdown_to_html("x\n>"), "<p>x</p>\n<blockquote></blockquote>");
  EXPECT_EQ(markdown_to_html("> a\n>"), "<blockquote>\n<p>a\n</p>\n</blockquote>");
  EXPECT_EQ(markdown_to_html("> a\n\n> b"), "<blockquote>\n<p>a</p>\n<p>b</p>\n</blockquote>");
}

}  // namespace
}  // namespace lyn
