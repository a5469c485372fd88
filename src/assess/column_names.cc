#include "assess/column_names.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace lyn {

namespace {

bool is_keyword(std::string_view s) {
  static const std::array<std::string_view, 35> kw = {
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  return std::find(kw.begin(), kw.end(), s) != kw.end();
}

bool ascii_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// lynguine's to_valid_var for a column label that is not a string.
std::string label_text(const Value& column) {
  if (column.is_string()) return column.as_string();
  std::string s = py_str(column);
  std::string out;
  for (char c : s) {
    if (c == '-')
      out += "neg";
    else if (c == '.')
      out += 'p';
    else
      out += c;
  }
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out = "n" + out;
  return out;
}

}  // namespace

bool is_python_variable(std::string_view name) {
  if (name.empty() || is_keyword(name)) return false;
  // Identifiers: a letter or "_", then letters, digits or "_"; non-ASCII
  // characters are taken as letters (Python allows most of them).
  auto start = [](unsigned char c) { return c >= 0x80 || c == '_' || std::isalpha(c); };
  auto rest = [](unsigned char c) { return c >= 0x80 || c == '_' || std::isalnum(c); };
  if (!start(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return rest(static_cast<unsigned char>(c)); });
}

std::string to_camel_case(std::string_view text) {
  std::string t;
  for (char c : text) {
    if (c == '/')
      t += " or ";
    else if (c == '@')
      t += " at ";
    else
      t += ascii_alnum(c) ? c : ' ';
  }
  std::vector<std::string> words;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    size_t j = i;
    while (j < t.size() && t[j] != ' ') ++j;
    if (j > i) words.push_back(t.substr(i, j - i));
    i = j;
  }
  std::string out;
  for (size_t w = 0; w < words.size(); ++w) {
    std::string word = words[w];
    std::string upper = word, lower = word;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (w == 0)
      out += lower;
    else if (word == upper)
      out += word;  // camel_capitalize keeps an all-capitals word
    else
      out +=
          static_cast<char>(std::toupper(static_cast<unsigned char>(lower[0]))) + lower.substr(1);
  }
  return out;
}

const std::string* ColumnNames::name_of(const Value& column) const {
  for (const auto& [name, col] : names_)
    if (col == column) return &name;
  return nullptr;
}

Status ColumnNames::update(const std::string& name, const Value& column) {
  if (const std::string* old = name_of(column); old && *old != name)
    return Error::value(
        "Column \"" + py_str(column) +
            "\" already exists in the name-column map and there's an attempt to update its value "
            "to \"" +
            name + "\" when it's original value was \"" + *old +
            "\" and that would lead to unexpected behaviours. Try looking to see if you're setting "
            "column values to different names across different files and/or file loaders.",
        422);
  if (!name_of(column)) names_.emplace_back(name, column);
  return Ok{};
}

Status ColumnNames::add_mapping(const Value* mapping, const std::vector<Value>* only) {
  if (!mapping) return Ok{};
  List maps = mapping->is_list() ? mapping->as_list() : List{*mapping};
  for (const auto& m : maps) {
    if (!m.is_map()) continue;
    for (const auto& [name, column] : m.as_map()) {
      if (only && std::find(only->begin(), only->end(), column) == only->end()) continue;
      if (auto st = update(name, column); !st.ok()) return st;
    }
  }
  return Ok{};
}

Status ColumnNames::add_columns(const std::vector<Value>& columns) {
  for (const auto& column : columns) {
    if (name_of(column)) continue;
    if (column.is_string() && is_python_variable(column.as_string())) {
      if (auto st = update(column.as_string(), column); !st.ok()) return st;
      continue;
    }
    std::string text = label_text(column);
    if (text.empty())
      return Error::value("Provided a zero length string to convert to camel case.", 422);
    std::string name = to_camel_case(text);
    if (is_keyword(name)) name = text + "Field";
    if (name == "_") name = "__";
    if (!is_python_variable(name))
      return Error::value("Column \"" + py_str(column) +
                              "\" is not a valid variable name. Tried autogenerating a camel case "
                              "name \"" +
                              name +
                              "\" but it is also not valid. Please add a mapping entry to provide "
                              "an alternative to use as proxy for \"" +
                              py_str(column) + "\".",
                          422);
    if (auto st = update(name, column); !st.ok()) return st;
  }
  return Ok{};
}

}  // namespace lyn
