// Over 500 lines: one port of Python-Markdown, whose block and inline passes share helpers.
#include "core/markdown_html.h"

#include <cctype>
#include <initializer_list>
#include <vector>

#include "core/case.h"
#include "core/html.h"
#include "core/markdown_raw_html.h"

namespace lyn {

namespace {

using Lines = std::vector<std::string>;

// Concatenation without `"literal" + std::string&&`, which GCC 12 -O3
// misdiagnoses (-Wrestrict).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

size_t indent_of(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

std::string strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

void escape_into(std::string& out, std::string_view s, bool quotes) {
  append_html_escaped(out, s, quotes, false);
}

// ` name="url" title="title"` (no title attribute when there is none), as
// links and images share it.
void link_attrs_into(std::string& out, const char* name, std::string_view url,
                     std::string_view title) {
  out += cat({" ", name, "=\""});
  escape_into(out, url, true);
  out += "\"";
  if (!title.empty()) {
    out += " title=\"";
    escape_into(out, title, true);
    out += "\"";
  }
}

bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

const char* kEscapable = "\\`*_{}[]()#+-.!<>";

std::string inline_md(std::string_view s);

// Parses `(url "title")` at s[i] == '('; returns the end index or npos.
size_t parse_link_target(std::string_view s, size_t i, std::string& url, std::string& title) {
  size_t depth = 0, j = i;
  for (; j < s.size(); ++j) {
    if (s[j] == '(') ++depth;
    if (s[j] == ')' && --depth == 0) break;
  }
  if (j >= s.size()) return std::string_view::npos;
  std::string inner = strip(s.substr(i + 1, j - i - 1));
  url = inner;
  title.clear();
  size_t sp = inner.find_first_of(" \t");
  if (sp != std::string::npos) {
    std::string rest = strip(inner.substr(sp));
    if (rest.size() >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest.back() == rest[0]) {
      url = inner.substr(0, sp);
      title = rest.substr(1, rest.size() - 2);
    }
  }
  if (url.size() >= 2 && url.front() == '<' && url.back() == '>')
    url = url.substr(1, url.size() - 2);
  return j;
}

// Finds the closing `]` matching s[i] == '['.
size_t match_bracket(std::string_view s, size_t i) {
  int depth = 0;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] == '\\') {
      ++j;
      continue;
    }
    if (s[j] == '[') ++depth;
    if (s[j] == ']' && --depth == 0) return j;
  }
  return std::string_view::npos;
}

// NOT_STRONG_RE: a lone `*` or `_` with whitespace (or the text's end) on
// both sides is text, taken out before emphasis is looked for.
bool not_strong(std::string_view s, size_t j) {
  bool ws_before = j == 0 || std::isspace(static_cast<unsigned char>(s[j - 1]));
  bool ws_after = j + 1 >= s.size() || std::isspace(static_cast<unsigned char>(s[j + 1]));
  return ws_before && ws_after;
}

// Python-Markdown's emphasis: `*` pairs anywhere (a `*` or `_` between
// spaces is literal), `_` only at word boundaries; `***x***` is strong+em.
bool try_emphasis(std::string_view s, size_t& i, std::string& out) {
  char d = s[i];
  if (not_strong(s, i)) return false;
  if (d == '_' && i > 0 && is_word(s[i - 1])) return false;
  size_t n = 0;
  while (i + n < s.size() && s[i + n] == d && n < 3) ++n;
  for (size_t len = n; len >= 1; --len) {
    std::string delim(len, d);
    size_t from = i + len + 1;
    while (from <= s.size()) {
      size_t j = s.find(delim, from);
      if (j == std::string_view::npos) break;
      if (len == 1 && not_strong(s, j)) {  // text, not a closing delimiter
        from = j + 1;
        continue;
      }
      std::string_view inner = s.substr(i + len, j - i - len);
      bool ok = !inner.empty();
      bool star_inside = false;
      for (size_t k = i + len; k < j; ++k)
        if (s[k] == '*' && !not_strong(s, k)) star_inside = true;
      if (len == 1 && d == '*' && star_inside) break;
      if (d == '_') {
        if (j + len < s.size() && (is_word(s[j + len]) || s[j + len] == '_')) ok = false;
        if (!inner.empty() && (inner.front() == '_' || inner.back() == '_')) ok = false;
      }
      if (ok) {
        std::string body = inline_md(inner);
        if (len == 3)
          out += cat({"<strong><em>", body, "</em></strong>"});
        else if (len == 2)
          out += cat({"<strong>", body, "</strong>"});
        else
          out += cat({"<em>", body, "</em>"});
        i = j + len;
        return true;
      }
      from = j + 1;
    }
  }
  return false;
}

bool is_html_tag_at(std::string_view s, size_t i, size_t& end) {
  // <tag ...>, </tag>, <!-- ... -->
  if (s.substr(i, 4) == "<!--") {
    size_t e = s.find("-->", i + 4);
    if (e == std::string_view::npos) return false;
    end = e + 3;
    return true;
  }
  size_t j = i + 1;
  if (j < s.size() && s[j] == '/') ++j;
  if (j >= s.size() || !std::isalpha(static_cast<unsigned char>(s[j]))) return false;
  size_t e = s.find('>', j);
  if (e == std::string_view::npos) return false;
  end = e + 1;
  return true;
}

std::string inline_md(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() &&
        std::string_view(kEscapable).find(s[i + 1]) != std::string_view::npos) {
      escape_into(out, s.substr(i + 1, 1), false);
      i += 2;
      continue;
    }
    if (c == '`') {
      size_t n = 0;
      while (i + n < s.size() && s[i + n] == '`') ++n;
      size_t j = s.find(std::string(n, '`'), i + n);
      if (j != std::string_view::npos) {
        out += "<code>";
        escape_into(out, strip(s.substr(i + n, j - i - n)), false);
        out += "</code>";
        i = j + n;
        continue;
      }
      out.append(n, '`');
      i += n;
      continue;
    }
    if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t rb = match_bracket(s, i + 1);
      std::string url, title;
      size_t end;
      if (rb != std::string_view::npos && rb + 1 < s.size() && s[rb + 1] == '(' &&
          (end = parse_link_target(s, rb + 1, url, title)) != std::string_view::npos) {
        out += "<img alt=\"";
        escape_into(out, s.substr(i + 2, rb - i - 2), true);
        out += "\"";
        link_attrs_into(out, "src", url, title);
        out += " />";
        i = end + 1;
        continue;
      }
    }
    if (c == '[') {
      size_t rb = match_bracket(s, i);
      std::string url, title;
      size_t end;
      if (rb != std::string_view::npos && rb + 1 < s.size() && s[rb + 1] == '(' &&
          (end = parse_link_target(s, rb + 1, url, title)) != std::string_view::npos) {
        out += "<a";
        link_attrs_into(out, "href", url, title);
        out += cat({">", inline_md(s.substr(i + 1, rb - i - 1)), "</a>"});
        i = end + 1;
        continue;
      }
    }
    if (c == '<') {
      size_t gt = s.find('>', i);
      if (gt != std::string_view::npos) {
        std::string_view inner = s.substr(i + 1, gt - i - 1);
        if ((inner.substr(0, 7) == "http://" || inner.substr(0, 8) == "https://" ||
             inner.substr(0, 6) == "ftp://") &&
            inner.find(' ') == std::string_view::npos) {
          out += "<a href=\"";
          escape_into(out, inner, true);
          out += "\">";
          escape_into(out, inner, false);
          out += "</a>";
          i = gt + 1;
          continue;
        }
      }
      size_t end;
      if (is_html_tag_at(s, i, end)) {
        out.append(s.substr(i, end - i));
        i = end;
        continue;
      }
      out += "&lt;";
      ++i;
      continue;
    }
    if (c == '&') {
      size_t j = i + 1;
      if (j < s.size() && s[j] == '#') ++j;
      size_t k = j;
      while (k < s.size() && std::isalnum(static_cast<unsigned char>(s[k]))) ++k;
      if (k > j && k < s.size() && s[k] == ';') {
        out.append(s.substr(i, k + 1 - i));
        i = k + 1;
        continue;
      }
      out += "&amp;";
      ++i;
      continue;
    }
    if (c == '>') {
      out += "&gt;";
      ++i;
      continue;
    }
    if ((c == '*' || c == '_') && try_emphasis(s, i, out)) continue;
    if (c == '\n') {
      // Two trailing spaces make a hard break.
      size_t k = out.size();
      while (k > 0 && out[k - 1] == ' ') --k;
      if (out.size() - k >= 2) {
        out.resize(k);
        out += "<br />\n";
        ++i;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

bool atx_header(const std::string& line, std::string& html) {
  size_t n = 0;
  while (n < line.size() && line[n] == '#' && n < 7) ++n;
  if (n == 0 || n > 6) return false;
  std::string text = line.substr(n);
  size_t e = text.size();
  while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  while (e > 0 && text[e - 1] == '#') --e;
  text = strip(text.substr(0, e));
  std::string level = std::to_string(n);
  html = cat({"<h", level, ">", inline_md(text), "</h", level, ">"});
  return true;
}

bool is_hr(const std::string& line) {
  std::string s = strip(line);
  if (s.size() < 3 || indent_of(line) > 3) return false;
  char c = s[0];
  if (c != '-' && c != '*' && c != '_') return false;
  int count = 0;
  for (char ch : s) {
    if (ch == c)
      ++count;
    else if (ch != ' ')
      return false;
  }
  return count >= 3;
}

// Returns the content after a list marker, or npos; sets `ordered`.
size_t list_marker(const std::string& line, bool& ordered) {
  size_t i = indent_of(line);
  if (i > 3 || i >= line.size()) return std::string::npos;
  if ((line[i] == '*' || line[i] == '-' || line[i] == '+') && i + 1 < line.size() &&
      (line[i + 1] == ' ' || line[i + 1] == '\t')) {
    ordered = false;
    size_t j = i + 1;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    return j;
  }
  size_t j = i;
  while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
  if (j > i && j + 1 < line.size() && line[j] == '.' &&
      (line[j + 1] == ' ' || line[j + 1] == '\t')) {
    ordered = true;
    j += 1;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    return j;
  }
  return std::string::npos;
}

// A block-quote line: up to three spaces, then '>'.
bool is_quote_line(std::string_view line) {
  size_t i = indent_of(line);
  return i <= 3 && i < line.size() && line[i] == '>';
}

// BlockQuoteProcessor.clean: the line without its `>` and one space after.
std::string quote_content(const std::string& line) {
  if (strip(line) == ">") return "";
  if (!is_quote_line(line)) return line;  // a lazy continuation
  size_t i = indent_of(line) + 1;
  if (i < line.size() && line[i] == ' ') ++i;
  return line.substr(i);
}

std::string render_blocks(const Lines& lines);

std::string render_list(const Lines& lines, size_t& i) {
  bool ordered = false;
  list_marker(lines[i], ordered);
  struct Item {
    Lines body;
  };
  std::vector<Item> items;
  bool loose = false;
  bool pending_blank = false;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    bool o;
    size_t m = list_marker(line, o);
    if (is_blank(line)) {
      pending_blank = true;
      ++i;
      continue;
    }
    if (m != std::string::npos && indent_of(line) < 4) {
      if (pending_blank && !items.empty()) loose = true;
      pending_blank = false;
      items.push_back({{line.substr(m)}});
      ++i;
      continue;
    }
    if (indent_of(line) >= 4) {
      if (pending_blank) items.back().body.push_back("");
      pending_blank = false;
      items.back().body.push_back(line.substr(4));
      ++i;
      continue;
    }
    if (pending_blank) break;
    items.back().body.push_back(line);  // lazy continuation
    ++i;
  }
  if (pending_blank) {
    // Leave the blank for the caller; nothing to do.
  }
  std::string out = ordered ? "<ol>\n" : "<ul>\n";
  for (const Item& item : items) {
    bool item_loose = loose;
    // A blank line inside the item loosens it (not its marker's own line,
    // which is empty for a bare marker).
    for (size_t k = 1; k < item.body.size(); ++k)
      if (is_blank(item.body[k])) item_loose = true;
    if (item_loose) {
      out += cat({"<li>\n", render_blocks(item.body), "\n</li>\n"});
    } else {
      // The first lines up to a nested block are inline text.
      Lines text, rest;
      bool in_rest = false;
      for (const auto& l : item.body) {
        bool o2;
        if (!in_rest && !text.empty() && (list_marker(l, o2) != std::string::npos)) in_rest = true;
        (in_rest ? rest : text).push_back(l);
      }
      std::string joined;
      for (size_t k = 0; k < text.size(); ++k) joined += (k ? "\n" : "") + text[k];
      // An item keeps its trailing spaces, as a paragraph does.
      size_t b = joined.find_first_not_of(" \t\n");
      out += cat({"<li>", inline_md(b == std::string::npos ? "" : joined.substr(b))});
      if (!rest.empty()) out += cat({"\n", render_blocks(rest), "\n"});
      out += "</li>\n";
    }
  }
  out += ordered ? "</ol>" : "</ul>";
  return out;
}

std::string render_blocks(const Lines& lines) {
  std::vector<std::string> blocks;
  size_t quote_block = std::string::npos;  // the last block, when a quote
  Lines quote_lines;                       // and what it quotes
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (is_blank(line)) {
      ++i;
      continue;
    }
    std::string html;
    if (indent_of(line) >= 4) {
      std::string code;
      size_t last = i;
      size_t j = i;
      while (j < lines.size() && (is_blank(lines[j]) || indent_of(lines[j]) >= 4)) {
        if (!is_blank(lines[j])) last = j;
        ++j;
      }
      // Python-Markdown joins the code's blocks (runs of lines between blank
      // lines) each with its end stripped (block.rstrip()).
      for (size_t k = i; k <= last; ++k) {
        std::string l = lines[k].size() >= 4 ? lines[k].substr(4) : "";
        if (k == last || is_blank(lines[k + 1]))
          while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.pop_back();
        code += l + "\n";
      }
      std::string esc;
      escape_into(esc, code, false);
      blocks.push_back(cat({"<pre><code>", esc, "</code></pre>"}));
      i = last + 1;
      continue;
    }
    if (atx_header(line, html)) {
      blocks.push_back(html);
      ++i;
      continue;
    }
    if (is_hr(line)) {
      blocks.push_back("<hr />");
      ++i;
      continue;
    }
    bool ordered;
    if (list_marker(line, ordered) != std::string::npos) {
      blocks.push_back(render_list(lines, i));
      continue;
    }
    if (is_quote_line(line)) {
      // The rest of the block (up to a blank line) is quoted; a quote right
      // after another continues it (Python-Markdown's sibling blockquote).
      Lines inner;
      bool continues = quote_block != std::string::npos && quote_block + 1 == blocks.size();
      if (continues) {
        inner = quote_lines;
        inner.push_back("");
      }
      while (i < lines.size() && !is_blank(lines[i])) inner.push_back(quote_content(lines[i++]));
      // A chunk that ends in one blank line ends its last paragraph with a
      // newline, as Python-Markdown's "\n\n" split leaves it.
      if (i + 1 == lines.size() && lines[i].empty()) inner.push_back("");
      std::string body = render_blocks(inner);
      std::string html = body.empty() ? "<blockquote></blockquote>"
                                      : cat({"<blockquote>\n", body, "\n</blockquote>"});
      if (continues)
        blocks.back() = html;
      else
        blocks.push_back(html);
      quote_block = blocks.size() - 1;
      quote_lines = std::move(inner);
      continue;
    }
    // Paragraph, possibly a setext header.
    Lines para;
    while (i < lines.size() && !is_blank(lines[i])) {
      const std::string& l = lines[i];
      if (!para.empty()) {
        std::string s = strip(l);
        bool setext = !s.empty() && (s.find_first_not_of('=') == std::string::npos ||
                                     s.find_first_not_of('-') == std::string::npos);
        if (setext) {
          std::string text;
          for (size_t k = 0; k < para.size(); ++k) text += (k ? "\n" : "") + para[k];
          const char* tag = s[0] == '=' ? "h1" : "h2";
          blocks.push_back(std::string("<") + tag + ">" + inline_md(strip(text)) + "</" + tag +
                           ">");
          para.clear();
          ++i;
          break;
        }
        std::string h;
        if (l[0] == '#' && atx_header(l, h)) break;
        if (is_quote_line(l)) break;  // a quote interrupts a paragraph
      }
      para.push_back(l);
      ++i;
    }
    if (para.empty()) continue;
    std::string text;
    for (size_t k = 0; k < para.size(); ++k) text += (k ? "\n" : "") + para[k];
    // The chunk's one trailing blank line stays in its last paragraph.
    if (i + 1 == lines.size() && lines[i].empty()) text += "\n";
    // Python-Markdown keeps a paragraph's trailing spaces (no break at the
    // end: a break needs a newline after them); leading ones go.
    size_t b = 0;
    while (b < text.size() && text[b] == ' ') ++b;
    blocks.push_back(cat({"<p>", inline_md(text.substr(b)), "</p>"}));
  }
  std::string out;
  for (size_t k = 0; k < blocks.size(); ++k) out += (k ? "\n" : "") + blocks[k];
  return out;
}

}  // namespace

std::string markdown_to_html(std::string_view text) {
  // Python-Markdown's NormalizeWhitespace: no STX/ETX, "\n" line ends, a
  // blank line appended, tabs expanded, lines of spaces emptied.
  std::string norm;
  std::string cur;
  bool first_line = true;
  auto end_line = [&] {
    if (!first_line && cur.find_first_not_of(' ') == std::string::npos) cur.clear();
    norm += cur;
    norm += '\n';
    cur.clear();
    first_line = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\x02' || c == '\x03') continue;
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      c = '\n';
    }
    if (c == '\n') {
      end_line();
    } else if (c == '\t') {
      cur.append(4 - cur.size() % 4, ' ');
    } else {
      cur += c;
    }
  }
  end_line();
  norm += '\n';
  // Raw HTML blocks come out before the block parser sees the text.
  RawHtmlBlocks raw = extract_raw_html(norm);
  Lines lines;
  size_t b = 0;
  for (size_t e; (e = raw.text.find('\n', b)) != std::string::npos; b = e + 1)
    lines.push_back(raw.text.substr(b, e - b));
  lines.push_back(raw.text.substr(b));
  std::string out = render_blocks(lines);
  // RawHtmlPostprocessor: a placeholder paragraph becomes its HTML, as does
  // any other placeholder.
  for (size_t k = raw.stash.size(); k-- > 0;) {
    std::string ph = raw_html_placeholder(k);
    std::string para = cat({"<p>", ph, "</p>"});
    // Inline HTML (a <br /> kept for the end) stays in its paragraph.
    bool block = raw_html_is_block_level(raw.stash[k]);
    for (const std::string* from : {&para, &ph}) {
      if (from == &para && !block) continue;
      for (size_t at = 0; (at = out.find(*from, at)) != std::string::npos;) {
        out.replace(at, from->size(), raw.stash[k]);
        at += raw.stash[k].size();
      }
    }
  }
  return strip(out);
}

}  // namespace lyn
