// Hand-written matchers for tex.py's regular expressions: each pattern
// starts with a literal command name and its character classes stop at
// one delimiter, so a left-to-right scan gives re.findall's matches.
#include "assess/lamd/tex_scan.h"

#include <algorithm>

namespace lyn::lamd {

namespace {

void split_commas(std::string_view s, std::vector<std::string>& out) {
  size_t i = 0;
  while (true) {
    size_t j = s.find(',', i);
    if (j == std::string_view::npos) {
      out.emplace_back(s.substr(i));
      return;
    }
    out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
}

// At `p` (just after the command name): ` *{` ; returns the index after
// '{' or npos.
size_t open_brace(std::string_view line, size_t p, bool spaces) {
  if (spaces)
    while (p < line.size() && line[p] == ' ') ++p;
  if (p < line.size() && line[p] == '{') return p + 1;
  return std::string_view::npos;
}

// re.findall for `\\CMD *{([^}]*)}` (spaces allowed when `spaces`) or,
// with `two_groups`, `\\CMD *{[^}]*} *{([^}]*)}`.
void find_command(std::string_view line, std::string_view cmd, bool spaces, bool two_groups,
                  std::vector<std::string>& out) {
  size_t pos = 0;
  while ((pos = line.find(cmd, pos)) != std::string_view::npos) {
    size_t p = open_brace(line, pos + cmd.size(), spaces);
    if (p != std::string_view::npos && two_groups) {
      size_t close = line.find('}', p);
      p = close == std::string_view::npos ? close : open_brace(line, close + 1, true);
    }
    if (p == std::string_view::npos) {
      ++pos;
      continue;
    }
    size_t close = line.find('}', p);
    if (close == std::string_view::npos) {
      ++pos;
      continue;
    }
    split_commas(line.substr(p, close - p), out);
    pos = close + 1;
  }
}

// _extract_balanced_brace_content
bool balanced(std::string_view text, size_t open, std::string_view* content) {
  if (open >= text.size() || text[open] != '{') return false;
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') {
      ++depth;
    } else if (text[i] == '}') {
      if (--depth == 0) {
        *content = text.substr(open + 1, i - open - 1);
        return true;
      }
    }
  }
  return false;
}

size_t skip_blanks(std::string_view line, size_t pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  return pos;
}

// _extract_braced_command_arguments(line, command)
void braced_arguments(std::string_view line, std::string_view command,
                      std::vector<std::string>& out) {
  size_t start = 0;
  while (true) {
    size_t index = line.find(command, start);
    if (index == std::string_view::npos) return;
    size_t pos = skip_blanks(line, index + command.size());
    bool skip = false;
    auto modifier = [&](char open, char close) {
      if (skip || pos >= line.size() || line[pos] != open) return;
      size_t c = line.find(close, pos);
      if (c == std::string_view::npos) {
        skip = true;
        return;
      }
      pos = skip_blanks(line, c + 1);
    };
    modifier('[', ']');
    if (!skip && pos < line.size() && line[pos] == '<') {
      modifier('<', '>');
      modifier('[', ']');
    }
    if (!skip) {
      std::string_view content;
      if (balanced(line, pos, &content)) split_commas(content, out);
    }
    start = index + 1;
  }
}

}  // namespace

std::vector<std::string> extract_tex_inputs(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t nl = text.find('\n', i);
    std::string_view line = text.substr(i, nl == std::string_view::npos ? text.npos : nl - i);
    if (line.find('\\') != std::string_view::npos) {
      find_command(line, "\\newsection", true, true, out);
      find_command(line, "\\newsubsection", true, true, out);
      find_command(line, "\\includetalkfile", false, false, out);
      find_command(line, "\\input", true, false, out);
      find_command(line, "\\include", true, false, out);
    }
    if (nl == std::string_view::npos) break;
    i = nl + 1;
  }
  return out;
}

std::vector<std::string> extract_diagram_args(const std::vector<std::string_view>& lines,
                                              std::string_view type) {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kRebases = {
      {"diagram",
       {"\\includediagram", "\\includediagramclass", "\\inlinediagram", "\\inputdiagram"}},
      {"img", {"\\includeimg"}},
      {"png", {"\\includepng"}},
      {"gif", {"\\includegif"}},
      {"jpg", {"\\includejpg"}}};
  std::vector<std::string_view> commands;
  for (const auto& [key, cmds] : kRebases)
    if (type == "all" || type == key) commands.insert(commands.end(), cmds.begin(), cmds.end());
  std::vector<std::string> out;
  for (auto cmd : commands)
    for (auto line : lines)
      if (line.find(cmd) != std::string_view::npos) braced_arguments(line, cmd, out);
  return out;
}

Macros collect_define_macros(std::string_view text) {
  auto strip = [](std::string_view s) {
    auto space = [](unsigned char c) {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    };
    size_t b = 0, e = s.size();
    while (b < e && space(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && space(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
  };
  Macros macros;
  const std::string_view cmd = "\\define{";
  size_t pos = 0;
  while ((pos = text.find(cmd, pos)) != std::string_view::npos) {
    size_t n = pos + cmd.size();
    size_t close = text.find('}', n);
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != '{') {
      ++pos;
      continue;
    }
    size_t v = close + 2;
    size_t vclose = text.find('}', v);
    if (vclose == std::string_view::npos) {
      ++pos;
      continue;
    }
    std::string name = strip(text.substr(n, close - n));
    if (!name.empty() && name[0] == '\\') name.erase(0, 1);
    std::string value = strip(text.substr(v, vclose - v));
    auto it = std::find_if(macros.begin(), macros.end(), [&](auto& m) { return m.first == name; });
    if (it != macros.end())
      it->second = value;
    else
      macros.emplace_back(name, value);
    pos = vclose + 1;
  }
  return macros;
}

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(from, i);
    if (j == std::string::npos) {
      out.append(s, i, std::string::npos);
      return out;
    }
    out.append(s, i, j - i);
    out += to;
    i = j + from.size();
  }
}

// `\\concat\{([^}]*)\}\{([^}]*)}`: the first match.
bool find_concat(const std::string& s, size_t* start, size_t* end, std::string* left,
                 std::string* right) {
  const std::string cmd = "\\concat{";
  size_t pos = 0;
  while ((pos = s.find(cmd, pos)) != std::string::npos) {
    size_t a = pos + cmd.size();
    size_t ac = s.find('}', a);
    if (ac != std::string::npos && ac + 1 < s.size() && s[ac + 1] == '{') {
      size_t b = ac + 2;
      size_t bc = s.find('}', b);
      if (bc != std::string::npos) {
        *start = pos;
        *end = bc + 1;
        *left = s.substr(a, ac - a);
        *right = s.substr(b, bc - b);
        return true;
      }
    }
    ++pos;
  }
  return false;
}

}  // namespace

std::string expand_diagram_path(const std::string& path, const Macros& macros, int max_depth) {
  if (macros.empty() && path.find("\\concat") == std::string::npos) return path;
  if (max_depth <= 0) return path;
  // Longest names first (a stable sort keeps definition order for ties).
  Macros sorted = macros;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string p = path;
  for (const auto& [name, value] : sorted) p = replace_all(p, "\\" + name, value);
  size_t start, end;
  std::string left, right;
  if (find_concat(p, &start, &end, &left, &right)) {
    std::string l = expand_diagram_path(left, macros, max_depth - 1);
    std::string r = expand_diagram_path(right, macros, max_depth - 1);
    p = p.substr(0, start) + l + r + p.substr(end);
    return expand_diagram_path(p, macros, max_depth - 1);
  }
  return p;
}

}  // namespace lyn::lamd
