#include "access/markdown_format.h"

#include "core/json.h"
#include "core/text.h"
#include "core/toml.h"
#include "core/utf8.h"
#include "core/yaml.h"

namespace lyn {

namespace {

bool is_py_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= '\x1c' && c <= '\x1f');
}

std::string_view py_strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_py_space(s[b])) ++b;
  while (e > b && is_py_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// python-frontmatter's boundary: a line of three or more dashes, optionally
// followed by whitespace. Returns the end of the boundary line (after its
// newline) when `pos` starts one, else npos.
size_t boundary_at(std::string_view s, size_t pos, char mark = '-') {
  size_t i = pos;
  while (i < s.size() && s[i] == mark) ++i;
  if (i - pos < 3) return std::string_view::npos;
  while (i < s.size() && s[i] != '\n' && is_py_space(s[i])) ++i;
  if (i == s.size()) return i;
  if (s[i] != '\n') return std::string_view::npos;
  return i + 1;
}

// python-frontmatter's JSON handler: a line that is exactly "{" or "}".
bool json_boundary_at(std::string_view s, size_t pos) {
  return pos < s.size() && (s[pos] == '{' || s[pos] == '}') &&
         (pos + 1 == s.size() || s[pos + 1] == '\n');
}

// The header keys python-frontmatter cannot take: Post(content, handler,
// **metadata) makes a key that is not a string (`1:`, `true:`) a TypeError,
// whatever its place, and then `content` or `handler` one.
Status check_post_keys(const Map& fields) {
  for (const auto& [key, value] : fields)
    if (key.typed()) return Error{"TypeError", "keywords must be strings", 400};
  for (const auto& [key, value] : fields)
    if (key == "content" || key == "handler")
      return Error{"TypeError", "Post.__init__() got multiple values for argument '" + key + "'",
                   400};
  return Ok{};
}

// A JSON header: "{" + the text between the first two boundary lines + "}".
Result<FrontMatter> parse_json_front_matter(std::string_view text) {
  FrontMatter out;
  size_t second = std::string_view::npos;
  for (size_t line = text.find('\n'); line != std::string_view::npos;
       line = text.find('\n', line + 1)) {
    if (json_boundary_at(text, line + 1)) {
      second = line + 1;
      break;
    }
  }
  if (second == std::string_view::npos) {
    out.content = std::string(text);
    return out;
  }
  std::string json = "{" + std::string(text.substr(1, second - 1)) + "}";
  auto parsed = parse_json(json);
  if (!parsed.ok()) return Error{"JSONDecodeError", parsed.error().message, 400};
  if (parsed->is_map()) {
    if (auto st = check_post_keys(parsed->as_map()); !st.ok()) return st.error();
    out.fields = std::move(parsed->as_map());
  }
  out.content = std::string(py_strip(text.substr(second + 1)));
  return out;
}

}  // namespace

size_t approx_bytes(const FrontMatter& fm) {
  return sizeof(FrontMatter) + approx_value_bytes(Value(fm.fields)) + fm.content.capacity();
}

Result<FrontMatter> parse_front_matter(std::string_view raw, std::string_view source_name) {
  std::string_view text = py_strip(raw);
  FrontMatter out;
  size_t fm_start = boundary_at(text, 0);
  // python-frontmatter tries its handlers in order: YAML, JSON, TOML.
  char mark = '-';
  if (fm_start == std::string_view::npos) {
    if (json_boundary_at(text, 0)) return parse_json_front_matter(text);
    fm_start = boundary_at(text, 0, '+');
    mark = '+';
  }
  if (fm_start == std::string_view::npos) {
    out.content = std::string(text);
    return out;
  }
  // Find the closing boundary at the start of a later line.
  size_t line = fm_start;
  size_t fm_end = std::string_view::npos, body_start = 0;
  while (line < text.size()) {
    size_t after = boundary_at(text, line, mark);
    if (after != std::string_view::npos) {
      fm_end = line;
      body_start = after;
      break;
    }
    size_t nl = text.find('\n', line);
    if (nl == std::string_view::npos) break;
    line = nl + 1;
  }
  if (fm_end == std::string_view::npos) {
    // No closing line: python-frontmatter treats the whole text as content.
    out.content = std::string(text);
    return out;
  }
  std::string_view header = text.substr(fm_start, fm_end - fm_start);
  if (mark == '+') {
    // The boundary regex `^\+{3,}\s*$` ends its match before the last
    // newline of the blank run after the pluses, so the header toml.loads
    // gets starts with that newline (its error positions count from there).
    size_t q = 0;
    while (q < text.size() && text[q] == '+') ++q;
    size_t header_start = fm_start;
    for (size_t k = q; k < text.size() && is_py_space(text[k]); ++k)
      if (text[k] == '\n') header_start = k;
    header = text.substr(header_start, fm_end - header_start);
    // toml.loads' TomlDecodeError is no YAML error: lynguine lets it through.
    auto table = parse_toml(header);
    if (!table.ok()) return table.error();
    if (auto st = check_post_keys(*table); !st.ok()) return st.error();
    out.fields = std::move(*table);
    out.content = std::string(py_strip(text.substr(body_start)));
    return out;
  }
  auto parsed = parse_yaml(header, source_name);
  if (!parsed.ok()) {
    // A yaml.YAMLError is a broken header to lynguine's readers; a Python
    // exception PyYAML lets through (int()'s ValueError on `0x_`) is not
    // caught there, so it keeps its class.
    if (!is_yaml_error(parsed.error())) return parsed.error();
    return Error{"FileFormatError", parsed.error().message, 400};
  }
  if (parsed->is_map()) {
    if (auto st = check_post_keys(parsed->as_map()); !st.ok()) return st.error();
    out.fields = std::move(parsed->as_map());
  }
  out.content = std::string(py_strip(text.substr(body_start)));
  return out;
}

Result<std::shared_ptr<const FrontMatter>> load_markdown_file(const PathPolicy& paths,
                                                              const std::string& path,
                                                              std::string_view shown,
                                                              FileCache* cache) {
  auto load = [&]() -> Result<FrontMatter> {
    auto text = paths.read_file(path, shown);
    if (!text.ok()) return text.error();
    if (!utf8::is_valid(*text))
      return Error::value("File " + py_string_repr(shown) + " is not valid UTF-8 text");
    // python-frontmatter reads in text mode: universal newlines.
    auto fm = parse_front_matter(universal_newlines(*text), path);
    if (!fm.ok()) {
      if (fm.error().type != "FileFormatError") return fm.error();  // lynguine lets it through
      FrontMatter broken;
      broken.header_broken = true;
      return broken;
    }
    return fm;
  };
  if (cache) return cache->get<FrontMatter>(path, "markdown", load);
  auto r = load();
  if (!r.ok()) return r.error();
  return std::make_shared<const FrontMatter>(std::move(r).value());
}

namespace {

// Python's str.isspace for one byte of ASCII (the whitespace str.strip drops).
bool py_ascii_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

}  // namespace

std::string dump_front_matter(const Map& fields, std::string_view content) {
  // python-frontmatter's dumps, which lynguine's write_markdown_file calls:
  // "---\n{yaml}\n---\n\n{content}\n".strip(), the YAML itself stripped
  // ("{}" for no fields). So nothing follows the content, and an empty
  // content leaves nothing after the closing "---". (Trailing non-ASCII
  // Unicode spaces, which Python would strip too, are kept.)
  std::string meta = fields.empty() ? std::string("{}") : dump_yaml(Value(fields));
  while (!meta.empty() && py_ascii_space(meta.back())) meta.pop_back();
  std::string out = "---\n" + meta + "\n---\n\n";
  out += content;
  while (!out.empty() && py_ascii_space(out.back())) out.pop_back();
  return out;
}

}  // namespace lyn
