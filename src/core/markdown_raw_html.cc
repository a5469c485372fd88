#include "core/markdown_raw_html.h"

#include <algorithm>
#include <cctype>

#include "core/case.h"
#include "core/html.h"

namespace lyn {

namespace {

// Python-Markdown's block_level_elements.
bool is_block_level(std::string_view tag) {
  static const char* kTags[] = {
      "address",    "article",  "aside",  "blockquote", "details", "div",      "dl",     "fieldset",
      "figcaption", "figure",   "footer", "form",       "h1",      "h2",       "h3",     "h4",
      "h5",         "h6",       "header", "hgroup",     "hr",      "main",     "menu",   "nav",
      "ol",         "p",        "pre",    "section",    "table",   "ul",       "canvas", "colgroup",
      "dd",         "body",     "dt",     "group",      "iframe",  "li",       "legend", "math",
      "map",        "noscript", "output", "object",     "option",  "progress", "script", "style",
      "summary",    "tbody",    "td",     "textarea",   "tfoot",   "th",       "thead",  "tr",
      "video"};
  for (const char* t : kTags)
    if (tag == t) return true;
  return false;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// blank_line_re: `^([ ]*\n){2}`, the rest of the line and the next are blank.
bool blank_lines_follow(std::string_view rest) {
  size_t i = 0;
  for (int n = 0; n < 2; ++n) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (i >= rest.size() || rest[i] != '\n') return false;
    ++i;
  }
  return true;
}

class Extractor {
 public:
  explicit Extractor(std::string_view s) : s_(s) {}

  RawHtmlBlocks run() {
    size_t i = 0;
    while (i < s_.size()) {
      if (s_[i] == '&') {
        i = reference_at(i);
        continue;
      }
      if (s_[i] != '<') {
        size_t j = s_.find_first_of("<&", i);
        if (j == std::string_view::npos) j = s_.size();
        data(i, j);
        i = j;
        continue;
      }
      size_t next = tag_at(i);
      if (next == 0) {  // not markup: a '<' of text
        data(i, i + 1);
        i = i + 1;
        continue;
      }
      i = next;
    }
    if (!cache_.empty()) store();
    return {std::move(out_), std::move(stash_)};
  }

 private:
  // Text from [b, e): raw or markdown.
  void data(size_t b, size_t e) {
    std::string_view d = s_.substr(b, e - b);
    if (intail_ && d.find('\n') != std::string_view::npos) intail_ = false;
    (inraw_ ? cache_ : out_).append(d);
    consumed(b, e);
  }

  void consumed(size_t b, size_t e) {
    size_t nl = s_.substr(b, e - b).rfind('\n');
    if (nl != std::string_view::npos) line_start_ = b + nl + 1;
  }

  // html.parser's at_line_start: at most three blanks before `pos`.
  bool at_line_start(size_t pos) const {
    size_t off = pos - line_start_;
    if (off == 0) return true;
    if (off > 3) return false;
    for (size_t k = line_start_; k < pos; ++k)
      if (!is_space(s_[k])) return false;
    return true;
  }

  void store() {
    out_ += raw_html_placeholder(stash_.size());
    stash_.push_back(std::move(cache_));
    cache_.clear();
  }

  // An entity or character reference at `i` ('&', a name or number, ';';
  // a number's ';' is added when missing): with the raw block or the tail
  // of one, else text. Anything else is a '&' of text.
  size_t reference_at(size_t i) {
    bool num;
    size_t k = html_reference_end(s_, i, num);
    if (k == std::string_view::npos) {
      data(i, i + 1);
      return i + 1;
    }
    if (num && s_[k] != ';') {  // html.parser completes a character reference
      (inraw_ || intail_ ? cache_ : out_).append(s_.substr(i, k - i)).append(";");
      consumed(i, k);
      return k;
    }
    if (s_[k] != ';') {  // an entity without its ';' is text
      data(i, i + 1);
      return i + 1;
    }
    empty_tag(i, k + 1, false);
    return k + 1;
  }

  // A comment, <hr> or a self-closed tag (`block`: a block on its own when
  // it starts a line).
  void empty_tag(size_t b, size_t e, bool block) {
    std::string_view text = s_.substr(b, e - b);
    if (inraw_ || intail_) {
      cache_.append(text);
    } else if (block && at_line_start(b)) {
      std::string html(text);
      if (blank_lines_follow(s_.substr(e)))
        html += '\n';
      else
        intail_ = true;
      if (out_.size() >= 1 && out_.back() == '\n' &&
          !(out_.size() >= 2 && out_[out_.size() - 2] == '\n'))
        out_ += '\n';
      cache_ = std::move(html);
      store();
      out_ += "\n\n";
    } else {
      out_.append(text);
    }
    consumed(b, e);
  }

  // The markup at `i` ('<'): handled, returning where it ends; 0 if it is
  // text.
  size_t tag_at(size_t i) {
    std::string_view rest = s_.substr(i);
    if (rest.substr(0, 4) == "<!--") {
      size_t end = s_.find("-->", i + 4);
      if (end == std::string_view::npos) return 0;
      empty_tag(i, end + 3, true);
      return end + 3;
    }
    if (rest.size() > 1 && (rest[1] == '?' || rest[1] == '!')) {
      // A processing instruction, a declaration (<!doctype ...>) or a
      // marked section (<![...): a block at a line start or after a block,
      // else text. Any other <!...> is html.parser's bogus comment, which
      // Python-Markdown keeps inline: raw only inside a block, else text.
      size_t gt = s_.find('>', i + 2);
      if (gt == std::string_view::npos) return 0;
      bool bogus = rest[1] == '!' && rest.substr(0, 3) != "<![" &&
                   ascii_lower(std::string(rest.substr(0, 9))) != "<!doctype";
      if (bogus) {
        if (!(inraw_ || intail_)) return 0;
        empty_tag(i, gt + 1, false);
        return gt + 1;
      }
      if (!(intail_ || at_line_start(i))) return 0;
      empty_tag(i, gt + 1, true);
      return gt + 1;
    }
    bool closing = rest.size() > 1 && rest[1] == '/';
    size_t n = i + (closing ? 2 : 1);
    if (n >= s_.size() || !std::isalpha(static_cast<unsigned char>(s_[n]))) return 0;
    size_t k = n;
    while (k < s_.size() && !is_space(s_[k]) && s_[k] != '/' && s_[k] != '>' && s_[k] != '\0') ++k;
    std::string name = ascii_lower(std::string(s_.substr(n, k - n)));
    size_t end = closing ? s_.find('>', k) : html_start_tag_end(s_, i);
    if (end == std::string_view::npos) return 0;
    if (closing) {
      end_tag(i, end + 1, name);
      return end + 1;
    }
    bool self_closed = s_.substr(i, end - i).ends_with("/>");
    if (self_closed || name == "hr") {
      empty_tag(i, end, is_block_level(name));
      return end;
    }
    start_tag(i, end, name);
    if (inraw_ && (name == "script" || name == "style")) {
      // Their content is text up to the end tag.
      std::string lower = ascii_lower(std::string(s_.substr(end)));
      size_t at = lower.find("</" + name);
      size_t close = at == std::string::npos ? s_.size() : end + at;
      data(end, close);
      return close;
    }
    return end;
  }

  void start_tag(size_t b, size_t e, const std::string& name) {
    if (is_block_level(name) && (intail_ || (at_line_start(b) && !inraw_))) {
      inraw_ = true;
      out_ += '\n';
    }
    if (inraw_) {
      stack_.push_back(name);
      cache_.append(s_.substr(b, e - b));
    } else {
      out_.append(s_.substr(b, e - b));
    }
    consumed(b, e);
  }

  void end_tag(size_t b, size_t e, const std::string& name) {
    std::string_view text = s_.substr(b, e - b);
    consumed(b, e);
    if (!inraw_) {
      out_.append(text);
      return;
    }
    cache_.append(text);
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      while (!stack_.empty()) {
        std::string top = std::move(stack_.back());
        stack_.pop_back();
        if (top == name) break;
      }
    }
    if (!stack_.empty()) return;
    if (blank_lines_follow(s_.substr(e)))
      cache_ += '\n';
    else
      intail_ = true;
    inraw_ = false;
    store();
    out_ += "\n\n";
  }

  std::string_view s_;
  std::string out_, cache_;
  std::vector<std::string> stash_;
  std::vector<std::string> stack_;
  size_t line_start_ = 0;
  bool inraw_ = false, intail_ = false;
};

}  // namespace

std::string raw_html_placeholder(size_t index) {
  std::string out(1, '\x02');
  out += std::to_string(index);
  out += '\x03';
  return out;
}

bool raw_html_is_block_level(std::string_view html) {
  // re.match(r'^\<\/?([^ >]+)', html)
  if (html.empty() || html[0] != '<') return false;
  size_t b = html.size() > 1 && html[1] == '/' ? 2 : 1;
  size_t e = b;
  while (e < html.size() && html[e] != ' ' && html[e] != '>') ++e;
  if (e == b) return false;
  char first = html[b];
  if (first == '!' || first == '?' || first == '@' || first == '%') return true;
  std::string tag = ascii_lower(std::string(html.substr(b, e - b)));
  while (!tag.empty() && tag.back() == '/') tag.pop_back();  // is_block_level's rstrip('/')
  return is_block_level(tag);
}

RawHtmlBlocks extract_raw_html(std::string_view source) {
  return Extractor(source).run();
}

}  // namespace lyn
