// Over 500 lines: the directory, glob and list readers and the writer share lynguine's path and
// store-field rules.
#include "access/directory_formats.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

#include "access/bibtex_format.h"
#include "access/markdown_format.h"
#include "config/paths.h"
#include "core/json.h"
#include "core/regex.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/yaml.h"

namespace lyn::access {

namespace {

std::string as_text(const Value& v) {
  return v.is_string() ? v.as_string() : py_str(v);
}

Result<std::string> read_utf8(const IoContext& ctx, const std::string& path,
                              const std::string& shown) {
  auto text = ctx.paths.read_file(path, shown);
  if (!text.ok()) return text.error();
  if (!utf8::is_valid(*text))
    return Error::value("File " + py_string_repr(shown) + " is not valid UTF-8 text");
  return text;
}

Result<List> one_mapping(const Value& v, const std::string& shown, std::string_view what) {
  if (v.is_null()) return List{Value(Map{})};
  if (!v.is_map())
    return Error::value(std::string(what) + " file " + py_string_repr(shown) +
                        " does not hold a mapping of fields");
  return List{v};
}

bool has_magic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

// os.path.split
std::pair<std::string, std::string> py_split(std::string_view p) {
  size_t i = p.rfind('/');
  std::string head = i == std::string_view::npos ? "" : std::string(p.substr(0, i + 1));
  std::string tail(i == std::string_view::npos ? p : p.substr(i + 1));
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return {head, tail};
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::string absolute_base(const IoContext& ctx) {
  const std::string& b = ctx.paths.base_dir();
  if (!b.empty() && b[0] == '/') return path_normalize(b);
  return path_normalize(path_join(current_directory(), b));
}

std::vector<std::string> split_components(std::string_view p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool lexists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status add_store_fields(Map& record, const StoreFields& sf, const std::string& text,
                        std::string_view cwd) {
  auto [head, tail] = py_split(text);
  auto [root, dir] = split_root_directory(head, cwd);
  const std::pair<const std::string*, std::string> fields[] = {
      {&sf.root, root}, {&sf.directory, dir}, {&sf.filename, tail}};
  const char* names[] = {"root", "directory", "filename"};
  for (int i = 0; i < 3; ++i) {
    if (record.contains(*fields[i].first))
      return Error::value("The field \"" + *fields[i].first +
                          "\" is already in the data and is registered for setting as the " +
                          names[i] + " field.");
    record.set(*fields[i].first, Value(fields[i].second));
  }
  return Ok{};
}

struct Found {
  std::string text;
  std::string path;
};

Result<Frame> read_found(std::vector<Found> files, const StoreFields& sf, const IoContext& ctx,
                         const FileReader& reader) {
  std::sort(files.begin(), files.end(),
            [](const Found& a, const Found& b) { return a.text < b.text; });
  for (size_t i = 1; i < files.size(); ++i)
    if (files[i].text == files[i - 1].text)
      return Error::value("There are repeated files listed in the file list.");
  std::string cwd = absolute_base(ctx);
  List records;
  records.reserve(files.size());
  for (const auto& f : files) {
    if (auto st = ctx.charge_read(f.path, f.text); !st.ok()) return st.error();
    auto recs = reader(f.path, f.text, ctx);
    if (!recs.ok()) return recs.error();
    for (auto& r : *recs) {
      if (!r.is_map())
        return Error::value("File " + py_string_repr(f.text) +
                            " does not hold a mapping of fields");
      Map m = std::move(r.as_map());
      if (auto st = add_store_fields(m, sf, f.text, cwd); !st.ok()) return st.error();
      records.emplace_back(flatten_record(m));
    }
  }
  return Frame::from_records(records);
}

void flatten_into(Map& out, const Map& m, const std::string& prefix) {
  for (const auto& [k, v] : m) {
    std::string key = prefix + "." + k;
    if (v.is_map())
      flatten_into(out, v.as_map(), key);
    else
      out.set(key, v);
  }
}

}  // namespace

StoreFields store_fields_from(const Map& details) {
  StoreFields sf;
  const Value* s = details.find("store_fields");
  if (s && s->is_map()) {
    if (const Value* v = s->get("root"); v && !v->is_null()) sf.root = as_text(*v);
    if (const Value* v = s->get("directory"); v && !v->is_null()) sf.directory = as_text(*v);
    if (const Value* v = s->get("filename"); v && !v->is_null()) sf.filename = as_text(*v);
  }
  return sf;
}

Result<List> read_markdown_records(const std::string& path, const std::string& shown,
                                   const IoContext& ctx) {
  auto fm = load_markdown_file(ctx.paths, path, shown, ctx.cache);
  if (!fm.ok()) return fm.error();
  // lynguine reads a file whose header is not valid YAML as no fields.
  if ((*fm)->header_broken) return List{Value(Map{})};
  Map m = (*fm)->fields;
  m.set("content", Value((*fm)->content));
  return List{Value(std::move(m))};
}

Result<List> read_yaml_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx) {
  auto load = [&]() -> Result<Value> {
    auto text = read_utf8(ctx, path, shown);
    if (!text.ok()) return text.error();
    auto v = safe_load(*text, shown);
    // read_yaml_file logs a YAMLError and reads the file as {}; what PyYAML
    // lets through (a ValueError of `2024-02-30`) and our budgets' refusals
    // fail the read.
    if (!v.ok() && is_yaml_error(v.error()) && !is_yaml_refusal(v.error())) return Value(Map{});
    return v;
  };
  if (ctx.cache) {
    auto v = ctx.cache->get<Value>(path, "yaml-record", load);
    if (!v.ok()) return v.error();
    return one_mapping(**v, shown, "YAML");
  }
  auto v = load();
  if (!v.ok()) return v.error();
  return one_mapping(*v, shown, "YAML");
}

Result<List> read_json_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx) {
  auto text = read_utf8(ctx, path, shown);
  if (!text.ok()) return text.error();
  auto v = parse_json(*text);
  // read_json_file logs a JSONDecodeError and reads the file as {}.
  if (!v.ok()) return List{Value(Map{})};
  return one_mapping(*v, shown, "JSON");
}

Result<List> read_bibtex_records(const std::string& path, const std::string& shown,
                                 const IoContext& ctx) {
  auto text = read_utf8(ctx, path, shown);
  if (!text.ok()) return text.error();
  return parse_bibtex(*text, shown);
}

Result<List> read_txt_records(const std::string& path, const std::string& shown,
                              const IoContext& ctx) {
  auto text = read_utf8(ctx, path, shown);
  if (!text.ok()) return text.error();
  // read_txt_file: the whole text, as Python's text mode reads it.
  Map m;
  m.set("content", Value(universal_newlines(*text)));
  return List{Value(std::move(m))};
}

Result<List> read_meta_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx) {
  auto meta = ctx.paths.resolve_as(path + ".yml", shown + ".yml");
  if (!meta.ok()) return meta.error();
  if (!lexists(*meta)) return List{Value(Map{})};
  return read_yaml_records(*meta, shown + ".yml", ctx);
}

Result<List> read_any_records(const std::string& path, const std::string& shown,
                              const IoContext& ctx) {
  std::string base = path_basename(shown);
  size_t dot = base.rfind('.');
  std::string ext;
  if (dot != std::string::npos && base.find_first_not_of('.') < dot) ext = base.substr(dot + 1);
  if (ext == "md" || ext == "mmd" || ext == "markdown" || ext == "html")
    return read_markdown_records(path, shown, ctx);
  if (ext == "yml" || ext == "yaml") return read_yaml_records(path, shown, ctx);
  if (ext == "json") return read_json_records(path, shown, ctx);
  if (ext == "bib" || ext == "bibtex") return read_bibtex_records(path, shown, ctx);
  if (ext == "txt") return read_txt_records(path, shown, ctx);
  if (ext == "csv") return Error::value("Unrecognised type of file \"csv\".");
  if (ext == "xls" || ext == "xlsx") return Error::value("Unrecognised type of file \"excel\".");
  if (ext == "docx")
    return Error::value("Reading docx files is not supported (" + py_string_repr(shown) + ").");
  return Error::value("Unrecognised type of file in \"" + shown + "\"");
}

Status write_yaml_record(const std::string& path, const Map& record, const std::string& shown,
                         const IoContext& ctx) {
  return ctx.paths.write_file(path, dump_yaml(Value(record)), shown);
}

Status write_markdown_record(const std::string& path, const Map& record, const std::string& shown,
                             const IoContext& ctx) {
  Map fields;
  std::string content;
  for (const auto& [k, v] : record) {
    if (k == "content") {
      if (!v.is_missing()) content = as_text(v);
    } else {
      fields.set(k, v);
    }
  }
  return ctx.paths.write_file(path, dump_front_matter(fields, content), shown);
}

Status write_meta_record(const std::string& path, const Map& record, const std::string& shown,
                         const IoContext& ctx) {
  return ctx.paths.write_file(path + ".yml", dump_yaml(Value(record)), shown + ".yml");
}

Result<std::vector<GlobMatch>> glob_confined(const std::string& directory,
                                             const std::string& pattern, const IoContext& ctx) {
  std::string full = path_join(directory, pattern);
  std::vector<std::string> comps = split_components(full);
  // Candidates as text; "" stands for the current directory.
  std::vector<std::string> cands = {full.size() && full[0] == '/' ? "/" : ""};
  size_t first = (full.size() && full[0] == '/') ? 1 : 0;
  for (size_t i = first; i < comps.size(); ++i) {
    const std::string& c = comps[i];
    bool last = i + 1 == comps.size();
    std::vector<std::string> next;
    if (c.empty()) {  // "a//b" or a trailing slash
      if (last) {
        for (auto& t : cands)
          if (!t.empty()) next.push_back(t + "/");
      } else {
        next = cands;
      }
    } else if (!has_magic(c)) {
      for (const auto& t : cands) next.push_back(t.empty() ? c : path_join(t, c));
    } else {
      for (const auto& t : cands) {
        std::string dir_text = t.empty() ? "." : t;
        auto dir = ctx.paths.resolve(dir_text);
        if (!dir.ok()) return dir.error();
        if (!is_dir(*dir)) continue;
        auto dir_fd = ctx.paths.open(*dir, O_RDONLY | O_DIRECTORY, dir_text);
        if (!dir_fd.ok()) continue;
        DIR* d = ::fdopendir(dir_fd->get());
        if (!d) continue;
        dir_fd->release();  // closedir closes it
        std::vector<std::string> names;
        while (dirent* e = ::readdir(d)) {
          std::string n = e->d_name;
          if (n == "." || n == "..") continue;
          if (::fnmatch(c.c_str(), n.c_str(), FNM_PERIOD | FNM_NOESCAPE) == 0) names.push_back(n);
        }
        ::closedir(d);
        for (auto& n : names) {
          std::string nt = t.empty() ? n : path_join(t, n);
          if (!last) {
            auto r = ctx.paths.resolve(nt);
            if (!r.ok() || !is_dir(*r)) continue;
          }
          next.push_back(std::move(nt));
        }
      }
    }
    cands = std::move(next);
    if (cands.empty()) break;
  }
  std::vector<GlobMatch> out;
  for (auto& t : cands) {
    if (t.empty()) continue;
    auto r = ctx.paths.resolve(t);
    if (!r.ok()) return r.error();
    // A literal pattern matches only when the path exists (os.path.lexists).
    std::string probe = path_join(ctx.paths.base_dir(), t);
    if (!lexists(probe) && !lexists(*r)) continue;
    out.push_back({t, std::move(r).value()});
  }
  return out;
}

std::pair<std::string, std::string> split_root_directory(std::string_view dir,
                                                         std::string_view cwd) {
  std::string d(dir);
  if (!cwd.empty() && d.find(cwd) != std::string::npos) {
    std::string rest = replace_all(replace_all(d, cwd, "."), "./", "");
    return {std::string(cwd), rest};
  }
  return py_split(d);
}

Map flatten_record(const Map& record) {
  Map out;
  out.reserve(record.size());
  for (const auto& [k, v] : record)
    if (!v.is_map()) out.set(k, v);
  for (const auto& [k, v] : record)
    if (v.is_map()) flatten_into(out, v.as_map(), k);
  return out;
}

Result<Frame> read_directory(const Map& details, const IoContext& ctx,
                             std::string_view default_glob, const FileReader& reader) {
  std::string glob_default(default_glob);
  if (const Value* g = details.find("glob"); g && g->is_string() && !g->as_string().empty())
    glob_default = g->as_string();
  StoreFields sf = store_fields_from(details);
  std::vector<Found> files;
  VarExpansion expanded;  // every source's substitutions, for errors
  const Value* source = details.find("source");
  if (source && !source->is_null()) {
    List sources = source->is_list() ? source->as_list() : List{*source};
    for (const auto& s : sources) {
      if (!s.is_map())
        return Error::value("Each entry of \"source\" must be a mapping with a \"directory\".");
      std::string glob_text = glob_default;
      if (const Value* g = s.get("glob"); g && !g->is_null()) glob_text = as_text(*g);
      VarExpansion dir{".", {}};
      if (const Value* d = s.get("directory"); d && !d->is_null()) {
        dir = configured_path(as_text(*d), ctx);
        dir.text = under_base_directory(details, dir.text);
      }
      for (const auto& v : dir.substituted) expanded.substituted.push_back(v);
      // Python's re.match, in linear time (core/regex.h).
      std::optional<PyRegex> re;
      if (const Value* r = s.get("regexp"); r && !r->is_null()) {
        auto compiled = PyRegex::compile(as_text(*r));
        if (!compiled.ok()) return compiled.error();
        re.emplace(std::move(compiled).value());
      }
      auto matches = glob_confined(dir.text, glob_text, ctx);
      if (!matches.ok()) return dir.hide_values(matches.error());
      bool dot = path_normalize(dir.text) == ".";
      for (auto& m : *matches) {
        if (re) {
          auto hit = re->match(path_basename(m.text));
          if (!hit.ok()) return hit.error();
          if (!*hit) continue;
        }
        // lynguine names a file found under "." as "./" + the glob's path,
        // which is where its sourceRoot "./." comes from.
        std::string text = dot ? path_join(dir.text, m.text) : m.text;
        files.push_back({std::move(text), std::move(m.path)});
      }
    }
  }
  auto frame = read_found(std::move(files), sf, ctx, reader);
  if (!frame.ok()) return expanded.hide_values(frame.error());
  return frame;
}

Result<Frame> read_file_list(const Map& details, const IoContext& ctx) {
  StoreFields sf{"sourceRoot", "sourceDirectory", "sourceFile"};
  List names;
  if (const Value* f = details.find("filename"); f && !f->is_null())
    names = f->is_list() ? f->as_list() : List{*f};
  std::vector<Found> files;
  // read_data's "list": each name under `base_directory` when given.
  std::string base;
  if (const Value* b = details.find("base_directory"); b && b->is_string()) base = b->as_string();
  VarExpansion expanded;  // every name's substitutions, for errors
  for (const auto& n : names) {
    VarExpansion name = configured_path(as_text(n), ctx);
    if (!base.empty()) name.text = path_join(base, name.text);
    auto r = ctx.paths.resolve(name.text);
    if (!r.ok()) return name.hide_values(r.error());
    files.push_back({name.text, std::move(r).value()});
    for (const auto& v : name.substituted) expanded.substituted.push_back(v);
  }
  auto frame = read_found(std::move(files), sf, ctx, read_any_records);
  if (!frame.ok()) return expanded.hide_values(frame.error());
  return frame;
}

List frame_records_with_index(const Frame& frame) {
  List records;
  records.reserve(frame.num_rows());
  const std::string key = frame.index ? frame.index->key() : std::string();
  for (size_t i = 0; i < frame.num_rows(); ++i) {
    Map m;
    if (frame.index) m.set(key, frame.index->at(i));
    for (const auto& c : frame.columns) {
      std::string k = c.key();
      if (!frame.index || k != key) m.set(k, c.at(i));
    }
    records.emplace_back(std::move(m));
  }
  return records;
}

Map remove_missing(const Map& record) {
  Map out;
  for (const auto& [k, v] : record) {
    if (v.is_map())
      out.set(k, Value(remove_missing(v.as_map())));
    else if (!v.is_missing())
      out.set(k, v);
  }
  return out;
}

Status write_directory(const Frame& frame, const Map& details, const IoContext& ctx,
                       const FileWriter& writer) {
  StoreFields sf = store_fields_from(details);
  List records = frame_records_with_index(frame);
  std::vector<std::string> written;
  for (size_t i = 0; i < records.size(); ++i) {
    const Map& row = records[i].as_map();
    if (std::all_of(row.begin(), row.end(), [](const auto& kv) { return kv.second.is_missing(); }))
      continue;
    std::string parts[3];
    const std::string* names[3] = {&sf.root, &sf.directory, &sf.filename};
    for (int k = 0; k < 3; ++k) {
      const Value* v = row.find(*names[k]);
      if (!v || v->is_missing())
        return Error::key(
            "Row " + std::to_string(i) + " has no value for the store field \"" + *names[k] + "\"",
            400);
      parts[k] = as_text(*v);
    }
    // `shown`: the path as the row gives it (under base_directory), which
    // messages quote.
    std::string written_dir = under_base_directory(details, path_join(parts[0], parts[1]));
    std::string shown = path_join(written_dir, parts[2]);
    VarExpansion dir = configured_path(path_join(parts[0], parts[1]), ctx);
    dir.text = under_base_directory(details, dir.text);
    auto path = ctx.paths.resolve_as(path_join(dir.text, parts[2]), shown);
    if (!path.ok()) return dir.hide_values(path.error());
    if (std::find(written.begin(), written.end(), *path) != written.end())
      return Error::value("The specified file name \"" + shown +
                          "\" has already been used for a different row of the data.");
    written.push_back(*path);
    if (auto made = ctx.paths.create_directories(path_dirname(*path), shown); !made.ok()) {
      if (made.error().type == "PathEscapeError") return made.error();
      return Error{
          "OSError",
          "Cannot create directory for " + py_string_repr(shown) + ": " + made.error().message,
          500};
    }
    Map record;
    for (const auto& [k, v] : row)
      if (k != sf.root && k != sf.directory && k != sf.filename) record.set(k, v);
    if (auto st = writer(*path, remove_missing(record), shown, ctx); !st.ok()) return st;
  }
  return Ok{};
}

}  // namespace lyn::access
