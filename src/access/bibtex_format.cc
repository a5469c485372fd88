#include "access/bibtex_format.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/case.h"

namespace lyn::access {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Characters allowed in entry types, field names and macro names.
bool is_name_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '-' || c == ':' || c == '.' || c == '+' || c == '/' ||
         c == '\'' || u >= 0x80;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : s_(text), source_(source) {}

  Result<List> run() {
    List entries;
    while (true) {
      size_t at = s_.find('@', pos_);
      if (at == std::string_view::npos) break;
      advance_to(at + 1);
      size_t entry_line = line_;
      skip_space();
      std::string type = ascii_lower(read_name());
      if (type.empty()) continue;  // a stray '@' in free text
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '{' && s_[pos_] != '(')) continue;
      char close = s_[pos_] == '{' ? '}' : ')';
      advance_to(pos_ + 1);
      if (type == "comment" || type == "preamble") {
        auto st = skip_balanced(close, entry_line);
        if (!st.ok()) return st.error();
        continue;
      }
      if (type == "string") {
        auto st = parse_string_macro(close, entry_line);
        if (!st.ok()) return st.error();
        continue;
      }
      auto e = parse_entry(type, close, entry_line);
      if (!e.ok()) return e.error();
      entries.push_back(std::move(e).value());
    }
    return entries;
  }

 private:
  Error error(std::string what, size_t line) const {
    return Error::value("BibTeX error in " + py_string_repr(source_) + " at line " +
                        std::to_string(line) + ": " + what);
  }

  void advance_to(size_t p) {
    p = std::min(p, s_.size());
    for (size_t i = pos_; i < p; ++i)
      if (s_[i] == '\n') ++line_;
    pos_ = p;
  }

  void skip_space() {
    size_t p = pos_;
    while (p < s_.size() && is_space(s_[p])) ++p;
    advance_to(p);
  }

  std::string read_name() {
    size_t b = pos_;
    size_t p = pos_;
    while (p < s_.size() && is_name_char(s_[p])) ++p;
    advance_to(p);
    return std::string(s_.substr(b, p - b));
  }

  // Skips to just after the `close` that balances the opener already read.
  Status skip_balanced(char close, size_t entry_line) {
    int depth = 0;
    for (size_t p = pos_; p < s_.size(); ++p) {
      char c = s_[p];
      if (c == '{')
        ++depth;
      else if (c == '}' && depth > 0)
        --depth;
      else if (c == close && depth == 0) {
        advance_to(p + 1);
        return Ok{};
      }
    }
    advance_to(s_.size());
    return error("unbalanced braces in the entry starting at line " + std::to_string(entry_line),
                 entry_line);
  }

  // One delimited or bare piece of a value; `pos_` is on its first char.
  Result<std::string> read_piece(char close, size_t entry_line) {
    if (pos_ >= s_.size()) return error("unexpected end of file in a value", entry_line);
    char c = s_[pos_];
    if (c == '{') {
      size_t start = pos_ + 1, start_line = line_;
      int depth = 0;
      for (size_t p = pos_; p < s_.size(); ++p) {
        if (s_[p] == '{')
          ++depth;
        else if (s_[p] == '}') {
          if (--depth == 0) {
            std::string v(s_.substr(start, p - start));
            advance_to(p + 1);
            return v;
          }
        }
      }
      return error("unbalanced braces in a value starting at line " + std::to_string(start_line) +
                       " (entry starting at line " + std::to_string(entry_line) + ")",
                   start_line);
    }
    if (c == '"') {
      size_t start = pos_ + 1, start_line = line_;
      int depth = 0;
      for (size_t p = start; p < s_.size(); ++p) {
        if (s_[p] == '{')
          ++depth;
        else if (s_[p] == '}') {
          if (depth == 0)
            return error("unbalanced braces in a quoted value starting at line " +
                             std::to_string(start_line),
                         start_line);
          --depth;
        } else if (s_[p] == '"' && depth == 0 && s_[p - 1] != '\\') {
          std::string v(s_.substr(start, p - start));
          advance_to(p + 1);
          return v;
        }
      }
      return error("unterminated quoted value starting at line " + std::to_string(start_line),
                   start_line);
    }
    size_t b = pos_;
    size_t p = pos_;
    while (p < s_.size() && is_name_char(s_[p])) ++p;
    if (p == b) {
      return error(std::string("unexpected character '") + c + "' in a value", line_);
    }
    advance_to(p);
    std::string word(s_.substr(b, p - b));
    bool numeric = std::all_of(word.begin(), word.end(), [](char ch) {
      return std::isdigit(static_cast<unsigned char>(ch));
    });
    if (numeric) return word;
    auto it = macros_.find(ascii_lower(word));
    if (it != macros_.end()) return it->second;
    (void)close;
    return word;  // an undefined macro (e.g. a month name) stays as written
  }

  Result<std::string> read_value(char close, size_t entry_line) {
    std::string value;
    while (true) {
      skip_space();
      auto piece = read_piece(close, entry_line);
      if (!piece.ok()) return piece.error();
      value += *piece;
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == '#') {
        advance_to(pos_ + 1);
        continue;
      }
      return value;
    }
  }

  Status parse_string_macro(char close, size_t entry_line) {
    skip_space();
    std::string name = ascii_lower(read_name());
    skip_space();
    if (name.empty() || pos_ >= s_.size() || s_[pos_] != '=')
      return error("malformed @string definition", entry_line);
    advance_to(pos_ + 1);
    auto v = read_value(close, entry_line);
    if (!v.ok()) return v.error();
    macros_[name] = *v;
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == ',') advance_to(pos_ + 1), skip_space();
    if (pos_ >= s_.size() || s_[pos_] != close)
      return error(
          "unbalanced braces in the @string starting at line " + std::to_string(entry_line),
          entry_line);
    advance_to(pos_ + 1);
    return Ok{};
  }

  Result<Value> parse_entry(const std::string& type, char close, size_t entry_line) {
    Map entry;
    entry.set("ENTRYTYPE", Value(type));
    // The key runs to the first comma (or the end of the entry).
    size_t b = pos_, p = pos_;
    while (p < s_.size() && s_[p] != ',' && s_[p] != close && s_[p] != '{' && s_[p] != '}' &&
           s_[p] != '@')
      ++p;
    if (p >= s_.size() || s_[p] == '{' || s_[p] == '}' || s_[p] == '@') {
      if (p < s_.size() && s_[p] == close) {
      } else {
        advance_to(p);
        return error(
            "unbalanced braces in the entry starting at line " + std::to_string(entry_line),
            entry_line);
      }
    }
    entry.set("ID", Value(std::string(trim(s_.substr(b, p - b)))));
    advance_to(p);
    while (true) {
      skip_space();
      if (pos_ >= s_.size())
        return error(
            "unbalanced braces in the entry starting at line " + std::to_string(entry_line),
            entry_line);
      char c = s_[pos_];
      if (c == close) {
        advance_to(pos_ + 1);
        return Value(std::move(entry));
      }
      if (c == ',') {
        advance_to(pos_ + 1);
        continue;
      }
      size_t field_line = line_;
      std::string name = ascii_lower(read_name());
      if (name.empty()) {
        if (c == '@')
          return error(
              "unbalanced braces in the entry starting at line " + std::to_string(entry_line),
              entry_line);
        return error(std::string("unexpected character '") + c +
                         "' in the entry starting at line " + std::to_string(entry_line),
                     field_line);
      }
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=')
        return error("expected '=' after field \"" + name + "\"", field_line);
      advance_to(pos_ + 1);
      auto v = read_value(close, entry_line);
      if (!v.ok()) return v.error();
      entry.set(name, Value(std::string(trim(*v))));
    }
  }

  std::string_view s_;
  std::string_view source_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::unordered_map<std::string, std::string> macros_;
};

// pandas sort_values ordering for one key: present values by Python string
// order (byte order of UTF-8 is code point order), missing last.
int compare_key(const Value* a, const Value* b) {
  bool am = !a || a->is_missing(), bm = !b || b->is_missing();
  if (am || bm) return am == bm ? 0 : (am ? 1 : -1);
  std::string sa = a->is_string() ? a->as_string() : py_str(*a);
  std::string sb = b->is_string() ? b->as_string() : py_str(*b);
  return sa < sb ? -1 : (sa == sb ? 0 : 1);
}

bool balanced(std::string_view s) {
  int depth = 0;
  for (char c : s) {
    if (c == '{')
      ++depth;
    else if (c == '}' && --depth < 0)
      return false;
  }
  return depth == 0;
}

}  // namespace

Result<List> parse_bibtex(std::string_view text, std::string_view source_name) {
  return Parser(text, source_name).run();
}

const std::vector<std::string>& bibtex_column_order() {
  static const std::vector<std::string> order = {
      "ENTRYTYPE", "ID",      "title",     "author", "editor", "abstract",
      "year",      "journal", "booktitle", "volume", "issue",  "pages",
      "publisher", "address", "doi",       "url",    "note"};
  return order;
}

List sort_bibtex_entries(List entries) {
  static const char* keys[] = {"author", "year", "title"};
  std::stable_sort(entries.begin(), entries.end(), [](const Value& a, const Value& b) {
    for (const char* k : keys) {
      int c = compare_key(a.get(k), b.get(k));
      if (c != 0) return c < 0;
    }
    return false;
  });
  return entries;
}

namespace {

std::vector<std::string> display_columns(const List& entries) {
  const auto& order = bibtex_column_order();
  std::vector<std::string> present, rest;
  for (const auto& e : entries) {
    if (!e.is_map()) continue;
    for (const auto& [k, _] : e.as_map()) {
      if (std::find(present.begin(), present.end(), k) != present.end()) continue;
      if (std::find(rest.begin(), rest.end(), k) != rest.end()) continue;
      if (std::find(order.begin(), order.end(), k) != order.end())
        present.push_back(k);
      else
        rest.push_back(k);
    }
  }
  std::vector<std::string> cols;
  for (const auto& k : order)
    if (std::find(present.begin(), present.end(), k) != present.end()) cols.push_back(k);
  std::sort(rest.begin(), rest.end());
  cols.insert(cols.end(), rest.begin(), rest.end());
  return cols;
}

}  // namespace

Frame bibtex_frame(List entries) {
  List sorted = sort_bibtex_entries(std::move(entries));
  return Frame::from_records(sorted, display_columns(sorted));
}

Result<std::string> dump_bibtex(const List& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) {
    const Value* id = e.is_map() ? e.get("ID") : nullptr;
    if (!id || id->is_missing())
      return Error::value("Entry " + py_str(e) + " does not have an ID field.");
    std::string s = id->is_string() ? id->as_string() : py_str(*id);
    if (std::find(ids.begin(), ids.end(), s) != ids.end())
      return Error::value("There are repeated IDs in the data.");
    if (s.find_first_of("@',#}{~% \t\n\r") != std::string::npos)
      return Error::value("The ID " + s + " contains invalid characters.");
    ids.push_back(s);
  }
  List sorted = sort_bibtex_entries(entries);
  std::vector<std::string> cols = display_columns(sorted);
  std::string out;
  for (const auto& e : sorted) {
    const Map& m = e.as_map();
    const Value* type = m.find("ENTRYTYPE");
    std::string t = (type && !type->is_missing()) ? py_str(*type) : "misc";
    const Value* id = m.find("ID");
    out += "@" + t + "{" + py_str(*id);
    for (const auto& c : cols) {
      if (c == "ENTRYTYPE" || c == "ID") continue;
      const Value* v = m.find(c);
      if (!v || v->is_missing()) continue;
      std::string s = v->is_string() ? v->as_string() : py_str(*v);
      if (!balanced(s))
        return Error::value("The value of field \"" + c + "\" in entry " + py_str(*id) +
                            " has unbalanced braces.");
      out += ",\n  " + c + " = {" + s + "}";
    }
    out += "\n}\n\n";
  }
  return out;
}

}  // namespace lyn::access
