#include "assess/lamd/talk_scan.h"

#include "assess/lamd/header_field.h"
#include "assess/lamd/python_text.h"
#include "assess/lamd/tex_scan.h"
#include "config/paths.h"
#include "core/text.h"

namespace lyn::lamd {

namespace {

// Python's recursion limit, less the frames below extract_inputs.
constexpr int kMaxDepth = 990;

Error recursion_error() {
  return Error{"RecursionError", "maximum recursion depth exceeded while calling a Python object",
               500};
}

}  // namespace

bool TalkScanner::exists(const std::string& path) {
  auto it = exists_.find(path);
  if (it != exists_.end()) return it->second;
  return exists_[path] = path_exists(ctx_.path(path));
}

bool TalkScanner::isfile(const std::string& path) {
  auto it = isfile_.find(path);
  if (it != isfile_.end()) return it->second;
  return isfile_[path] = path_isfile(ctx_.path(path));
}

Result<std::string> TalkScanner::text_of(const std::string& path) {
  auto it = texts_.find(path);
  if (it != texts_.end()) return it->second;
  auto text = ctx_.read_text(path);
  if (!text.ok()) return text.error();
  return texts_.emplace(path, std::move(text).value()).first->second;
}

Result<std::vector<std::string>> TalkScanner::extract_inputs(const std::string& name) {
  auto list = inputs_of(name);
  if (!list.ok()) return list.error();
  return **list;
}

Result<const std::vector<std::string>*> TalkScanner::inputs_of(const std::string& name) {
  // Entering a name still being scanned repeats the same scan forever:
  // Python's recursion limit ends it.
  if (in_progress_[name] || depth_ >= kMaxDepth) return recursion_error();
  if (auto it = inputs_.find(name); it != inputs_.end()) return &it->second;
  const std::string snippets = ctx_.expand_vars(snippets_path_);
  std::vector<std::string>& list_files = inputs_[name];  // std::map: stable
  if (name == "\\filename.svg") return &list_files;
  std::string filename = name;
  if (!exists(filename)) {
    std::string snipname = path_join(snippets, filename);
    if (!exists(snipname)) {
      list_files.push_back(filename);
      return &list_files;
    }
    filename = snipname;
  }
  auto fail = [&](Error e) {
    inputs_.erase(name);
    return e;
  };
  auto text = text_of(filename);
  if (!text.ok()) return fail(text.error());
  std::vector<std::string> not_present;
  for (auto& inc : extract_tex_inputs(*text)) {
    std::string includepos = path_join(snippets, inc);
    if (isfile(inc))
      list_files.push_back(inc);
    else if (isfile(includepos))
      list_files.push_back(std::move(includepos));
    else if (inc != "\\filename.svg")
      not_present.push_back(inc);
  }
  // lynguine inserts each file's own inputs after it while iterating over
  // the same list, so the inserted files are scanned again in turn.
  in_progress_[name] = true;
  ++depth_;
  for (size_t i = 0; i < list_files.size(); ++i) {
    if (!exists(list_files[i])) continue;
    auto sub = inputs_of(list_files[i]);
    if (!sub.ok()) {
      --depth_;
      in_progress_[name] = false;
      return fail(sub.error());
    }
    list_files.insert(list_files.begin() + static_cast<long>(i) + 1, (*sub)->begin(),
                      (*sub)->end());
  }
  --depth_;
  in_progress_[name] = false;
  list_files.insert(list_files.end(), not_present.begin(), not_present.end());
  return &list_files;
}

Result<std::optional<std::vector<std::string>>> TalkScanner::extract_diagrams(
    const std::string& filename, bool absolute_path, const std::vector<std::string>& exts,
    const std::optional<std::string>& diagrams_dir, Warnings& warnings) {
  const std::string snippets = ctx_.expand_vars(snippets_path_);
  if (!exists(filename)) {
    warnings.warn("talk.extract_diagrams:missing",
                  "Warning, input file \"" + filename + "\" does not exist.");
    return std::optional<std::vector<std::string>>();
  }
  auto inputs = inputs_of(filename);
  if (!inputs.ok()) return inputs.error();
  std::vector<std::string> filenames = {filename};
  filenames.insert(filenames.end(), (*inputs)->begin(), (*inputs)->end());

  std::vector<std::string> list;
  // lynguine scans a file again each time the include list repeats it; the
  // answer is the same, so each file is scanned once here.
  std::map<std::string, std::vector<std::string>> per_file;
  for (std::string filen : filenames) {
    if (filen.compare(0, 14, "../talk-macros") == 0 && filen.size() >= 14) continue;
    if (filen == "\\filename.svg") continue;
    if (!exists(filen)) {
      std::string exname = path_join(snippets, filen);
      if (!exists(exname)) {
        warnings.warn(
            "talk.extract_diagrams:input",
            "Input file \"" + filen + "\" does not exist with snippets path \"" + snippets + "\".");
        continue;
      }
      filen = exname;
    }
    if (auto seen = per_file.find(filen); seen != per_file.end()) {
      list.insert(list.end(), seen->second.begin(), seen->second.end());
      continue;
    }
    const size_t first = list.size();
    auto text = text_of(filen);
    if (!text.ok()) return text.error();
    std::vector<std::string_view> lines = readlines(*text);
    Macros macros = collect_define_macros(*text);
    auto expand = [&](std::string d) {
      if (diagrams_dir)
        d = [&] {
          std::string out;
          size_t i = 0;
          const std::string from = "\\diagramsDir";
          while (true) {
            size_t j = d.find(from, i);
            if (j == std::string::npos) return out + d.substr(i);
            out += d.substr(i, j - i) + *diagrams_dir;
            i = j + from.size();
          }
        }();
      return expand_diagram_path(d, macros);
    };
    for (const char* ext : {"png", "jpg", "gif"}) {
      for (const auto& arg : extract_diagram_args(lines, ext)) {
        std::string d = expand(arg);
        if (d.find('\\') == std::string::npos) list.push_back(d + "." + ext);
      }
    }
    std::vector<std::vector<std::string>> by_ext(exts.size());
    for (const auto& arg : extract_diagram_args(lines, "diagram")) {
      std::string d = expand(arg);
      if (d.find('\\') != std::string::npos) continue;
      for (size_t k = 0; k < exts.size(); ++k) by_ext[k].push_back(d + "." + exts[k]);
    }
    for (auto& v : by_ext) list.insert(list.end(), v.begin(), v.end());
    per_file.emplace(filen,
                     std::vector<std::string>(list.begin() + static_cast<long>(first), list.end()));
  }
  if (absolute_path) {
    for (auto& d : list) d = path_normalize(path_join(ctx_.cwd(), d));
  }
  return std::optional<std::vector<std::string>>(std::move(list));
}

Result<std::vector<std::string>> extract_all(const std::string& filename, const Map& fields,
                                             ConfigFallback& config) {
  std::string base = path_basename(filename);
  // os.path.splitext: the last dot, unless the name is all leading dots.
  size_t dot = base.rfind('.');
  if (dot != std::string::npos && base.find_first_not_of('.') < dot) base = base.substr(0, dot);
  std::vector<std::string> out;
  const std::pair<const char*, const char*> kinds[] = {
      {"posts", ".posts.html"},   {"ipynb", ".ipynb"},        {"docx", ".docx"},
      {"notespdf", ".notes.pdf"}, {"reveal", ".slides.html"}, {"slidesipynb", ".slides.ipynb"},
      {"pptx", ".pptx"}};
  for (const auto& [field, suffix] : kinds) {
    auto v = header_field(field, fields, config);
    if (!v.ok()) return v.error();
    if (py_truthy(*v)) out.push_back(base + suffix);
  }
  return out;
}

}  // namespace lyn::lamd
