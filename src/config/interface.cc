#include "config/interface.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/budget.h"
#include "core/text.h"
#include "core/yaml.h"

namespace lyn {

namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool list_contains(const Value* list, std::string_view key) {
  if (!list || !list->is_list()) return false;
  for (const auto& v : list->as_list())
    if (v.is_string() && v.as_string() == key) return true;
  return false;
}

bool is_under_any(const std::string& canon, const std::vector<std::string>& roots) {
  if (roots.empty()) return true;
  for (const auto& r : roots)
    if (path_is_under(canon, r)) return true;
  return false;
}

// The TypeError Interface.__init__ raises for loaded data that is not a
// mapping (it tests `"base_directory" not in data`, then assigns to it).
Error not_a_mapping(const Value& data) {
  if (data.is_list())
    return Error{"TypeError", "list indices must be integers or slices, not str", 400};
  if (data.is_string())
    return Error{"TypeError", "'str' object does not support item assignment", 400};
  return Error{"TypeError", "argument of type '" + py_type_name(data) + "' is not iterable", 400};
}

// "stack horizontally" two descriptions the way lynguine's Interface does
// for inherited `input` and `constants`.
Value hstack_of(const Value& parent, const Value& child, bool with_index) {
  auto type_of = [](const Value& v) -> std::string {
    const Value* t = v.get("type");
    return t && t->is_string() ? t->as_string() : "";
  };
  auto specs_of = [](const Value& v) -> List {
    const Value* s = v.get("specifications");
    return s && s->is_list() ? s->as_list() : List{};
  };
  Map out;
  out.set("type", Value("hstack"));
  if (with_index) {
    const Value* idx = parent.get("index");
    out.set("index", idx ? *idx : Value());
    Map mapping;
    for (const Value* src : {parent.get("mapping"), child.get("mapping")})
      if (src && src->is_map())
        for (const auto& [k, v] : src->as_map()) mapping.set(k, v);
    out.set("mapping", Value(std::move(mapping)));
  }
  List specs;
  bool ph = type_of(parent) == "hstack", ch = type_of(child) == "hstack";
  if (ph)
    specs = specs_of(parent);
  else
    specs.push_back(parent);
  if (ch) {
    for (auto& s : specs_of(child)) specs.push_back(s);
  } else {
    specs.push_back(child);
  }
  out.set("specifications", Value(std::move(specs)));
  return Value(std::move(out));
}

// Takes `mapping` and `columns` out of a description.
std::pair<Map, List> extract_mapping_columns(Value& v) {
  Map mapping;
  List columns;
  if (!v.is_map()) return {mapping, columns};
  Map& m = v.as_map();
  if (Value* mp = m.find("mapping"); mp && mp->is_map()) mapping = mp->as_map();
  if (Value* c = m.find("columns"); c && c->is_list()) columns = c->as_list();
  m.erase("mapping");
  m.erase("columns");
  return {mapping, columns};
}

void merge_mapping_columns(Value& target, const Map& mapping, const List& columns,
                           bool with_columns = true) {
  if (!target.is_map()) return;
  Map& t = target.as_map();
  Value& mp = t["mapping"];
  if (!mp.is_map()) mp = Value(Map{});
  for (const auto& [k, v] : mapping) mp.as_map().set(k, v);
  if (!with_columns) return;
  Value& cols = t["columns"];
  if (!cols.is_list()) cols = Value(List{});
  for (const auto& c : columns) cols.as_list().push_back(c);
}

}  // namespace

Result<Interface> Interface::from_file(const LoadOptions& opts, const PathPolicy& policy) {
  // The directory and names as given: a request's paths are literal (an
  // inherited directory was expanded where the file names it).
  const std::string& directory = opts.directory;
  // lynguine's from_file checks each candidate file against the roots;
  // from_cwd_file (and every file it inherits) checks the directory first.
  if (opts.cwd_sandbox) {
    std::string dir_abs = path_canonical(path_join(policy.base_dir(), directory));
    if (!is_under_any(dir_abs, policy.roots())) return policy.escape_error(directory);
  }

  std::vector<std::string> names = opts.user_files;
  if (names.empty()) names.push_back(opts.default_file);
  std::string fname, ufile;
  for (const auto& name : names) {
    std::string candidate =
        path_canonical(path_join(path_join(policy.base_dir(), directory), name));
    if (!is_under_any(candidate, policy.roots())) return policy.escape_error(name);
    ufile = name;
    if (file_exists(candidate)) {
      fname = candidate;
      break;
    }
  }
  if (fname.empty()) {
    ufile = names.back();
    fname = path_canonical(path_join(path_join(policy.base_dir(), directory), ufile));
  }

  std::vector<std::string> chain = opts.inherited_by;
  if (std::find(chain.begin(), chain.end(), fname) != chain.end()) {
    std::string cycle;
    for (auto it = std::find(chain.begin(), chain.end(), fname); it != chain.end(); ++it)
      cycle += py_string_repr(*it) + " -> ";
    return Error::value("Interface file " + py_string_repr(fname) + " inherits itself: " + cycle +
                        py_string_repr(fname));
  }
  if (uint64_t max = Budget::current().limits().inherit_depth; max && chain.size() >= max)
    return limit_error(Limit::kInheritDepth, max,
                       "interface inheritance too deep: " + py_string_repr(fname) +
                           " is inherited through more than " + std::to_string(max) + " files");
  chain.push_back(fname);

  Value data = Value(Map{});
  if (file_exists(fname)) {
    LYN_TRY_ASSIGN(text, policy.read_file(fname, fname, size_t{64} << 20));
    // Python opens the file as UTF-8 text: other bytes fail before YAML.
    if (auto bad = py_utf8_error(text)) return Error{"UnicodeDecodeError", *bad, 400};
    auto parsed = safe_load(text, fname);
    // Interface.from_file words a yaml.YAMLError; what PyYAML lets through
    // (a ValueError of `2024-02-30`) reaches the caller as it is.
    if (!parsed.ok() && !is_yaml_error(parsed.error())) return parsed.error();
    if (!parsed.ok())
      return Error::value("Error reading yaml file \"" + fname +
                          "\", error: " + parsed.error().message);
    data = std::move(parsed).value();
    if (opts.field) {
      const Value* sub = data.get(*opts.field);
      if (!sub)
        return Error::value("Field \"" + *opts.field + "\" specified but not found in file \"" +
                            fname + "\"");
      // A copy first: `sub` lives inside `data`, which the assignment
      // overwrites (libc++ reads freed memory otherwise).
      Value picked = *sub;
      data = std::move(picked);
    }
  } else if (opts.raise_if_not_found) {
    return Error{"ValueError", "No configuration file found at \"" + fname + "\".", 404};
  }
  bool empty = data.is_map() && data.as_map().empty();
  if (empty && opts.raise_if_not_found) return Error::value("No data found in \"" + fname + "\".");
  // An empty file loads as None: lynguine fails on it whether or not a
  // missing file would have been an error.
  if (!data.is_map()) return not_a_mapping(data);
  return construct(std::move(data.as_map()), directory, ufile, policy, opts, chain);
}

Result<Interface> Interface::from_base_file(const LoadOptions& opts, const PathPolicy& policy) {
  std::string base = path_canonical(policy.base_dir());
  std::string joined = path_canonical(path_join(base, opts.directory));
  if (!is_under_any(joined, policy.roots())) return policy.escape_error(opts.directory);
  LoadOptions abs = opts;
  abs.directory = joined;
  abs.cwd_sandbox = true;
  return from_file(abs, policy);
}

Result<Interface> Interface::from_data(Map data, std::string directory, std::string user_file,
                                       const PathPolicy& policy) {
  return construct(std::move(data), std::move(directory), std::move(user_file), policy,
                   LoadOptions());
}

Result<Interface> Interface::construct(Map data, std::string directory, std::string user_file,
                                       const PathPolicy& policy, const LoadOptions& opts,
                                       const std::vector<std::string>& chain) {
  Interface iface;
  if (!data.contains("base_directory")) data.set("base_directory", Value(directory));
  if (!data.contains("user_file")) data.set("user_file", Value(user_file));
  iface.data_ = std::move(data);
  iface.directory_ = directory;
  iface.user_file_ = user_file;
  iface.policy_ = policy.with_base(path_join(policy.base_dir(), directory));

  if (Value* inherit = iface.data_.find("inherit")) {
    if (!inherit->is_map() || !inherit->as_map().contains("directory"))
      return Error::value("Inherit specified in interface file " + user_file + " in directory " +
                          directory + " but no directory to inherit from is specified.");
    Map& inh = inherit->as_map();
    // A directory the file names is expanded (with the client's environment
    // when a lamd tool runs through the server); the request's own are not.
    VarExpansion expanded = expand_path_vars(py_str(*inh.find("directory")), opts.env);
    std::string inherit_dir = expanded.text;
    if (inherit_dir.empty() || inherit_dir[0] != '/')
      inherit_dir = path_join(directory, inherit_dir);
    LoadOptions popts;
    const Value* fn = inh.find("filename");
    popts.user_files = {fn ? py_str(*fn) : opts.default_file};
    popts.default_file = opts.default_file;
    popts.cwd_sandbox = opts.cwd_sandbox;
    popts.env = opts.env;
    popts.directory = inherit_dir;
    popts.inherited_by = chain;
    auto loaded = from_file(popts, policy);
    if (!loaded.ok()) return expanded.hide_values(loaded.error());
    Interface parent = std::move(loaded).value();
    iface.parent_ = std::make_shared<Interface>(std::move(parent));
    iface.parent_->writable_ = false;
    const Value* w = inh.find("writable");
    if (iface.data_.contains("writable") && w && w->is_bool() && w->as_bool())
      iface.parent_->writable_ = true;
    if (!inh.contains("ignore")) inh.set("ignore", Value(List{}));
    if (!inh.contains("append")) inh.set("append", Value(List{}));
    auto st = iface.process_parent();
    if (!st.ok()) return st.error();
  }
  for (auto& [k, v] : iface.data_)
    if (v.is_string()) v = Value(expand_vars(v.as_string(), opts.env));
  return iface;
}

Status Interface::process_parent() {
  const Value* inherit = data_.find("inherit");
  const Value* ignore = inherit->get("ignore");
  Map& pdata = parent_->data_;
  std::vector<std::string> delete_keys;
  if (ignore && ignore->is_list())
    for (const auto& k : ignore->as_list())
      if (k.is_string() && parent_->contains(k.as_string())) delete_keys.push_back(k.as_string());
  auto deleted = [&](std::string_view k) {
    return std::find(delete_keys.begin(), delete_keys.end(), k) != delete_keys.end();
  };

  // lynguine builds the hstack of a parent's input and output with the
  // input's own mapping dict, not a copy: later mapping merges show in that
  // first specification too.
  bool first_spec_shares_mapping = false;
  auto share_mapping = [&](const Map& mapping) {
    if (!first_spec_shares_mapping || mapping.empty()) return;
    Value* specs = pdata.find("input")->as_map().find("specifications");
    if (specs && specs->is_list() && !specs->as_list().empty())
      merge_mapping_columns(specs->as_list().front(), mapping, {}, /*columns=*/false);
  };

  // The parent's outputs become part of its inputs.
  if (!parent_->writable_ && pdata.contains("output") && !deleted("output")) {
    Value output = *pdata.find("output");
    auto [mapping, columns] = extract_mapping_columns(output);
    Value* input = pdata.find("input");
    if (!input) {
      pdata.set("input", output);
    } else if (const Value* t = input->get("type");
               t && t->is_string() && t->as_string() == "hstack") {
      Value& specs = input->as_map()["specifications"];
      if (!specs.is_list()) specs = Value(List{});
      specs.as_list().push_back(output);
    } else {
      Map h;
      h.set("type", Value("hstack"));
      const Value* idx = input->get("index");
      h.set("index", idx ? *idx : Value());
      h.set("specifications", Value(List{*input, output}));
      const Value* mp = input->get("mapping");
      first_spec_shares_mapping = mp != nullptr;
      h.set("mapping", mp ? *mp : Value(Map{}));
      *input = Value(std::move(h));
    }
    merge_mapping_columns(*pdata.find("input"), mapping, columns);
    share_mapping(mapping);
    delete_keys.push_back("output");
  }

  // The parent's series become inputs of type series.
  if (pdata.contains("series") && !list_contains(ignore, "series")) {
    Value series_spec = *pdata.find("series");
    auto [mapping, columns] = extract_mapping_columns(series_spec);
    Map series;
    series.set("type", Value("series"));
    const Value* sidx = series_spec.get("index");
    series.set("index", sidx ? *sidx : Value());
    series.set("specifications", series_spec);
    Value* input = pdata.find("input");
    if (!input) {
      pdata.set("input", Value(series));
    } else if (const Value* t = input->get("type");
               t && t->is_string() && t->as_string() == "hstack") {
      Value& specs = input->as_map()["specifications"];
      if (!specs.is_list()) specs = Value(List{});
      specs.as_list().push_back(Value(series));
    } else {
      Map h;
      h.set("type", Value("hstack"));
      const Value* idx = input->get("index");
      h.set("index", idx ? *idx : Value());
      h.set("specifications", Value(List{*input, Value(series)}));
      *input = Value(std::move(h));
    }
    merge_mapping_columns(*pdata.find("input"), mapping, columns);
    share_mapping(mapping);
    delete_keys.push_back("series");
  }

  // The parent's parameters become constants.
  if (pdata.contains("parameters")) {
    Value params = *pdata.find("parameters");
    auto [mapping, columns] = extract_mapping_columns(params);
    Value* constants = pdata.find("constants");
    if (!constants) {
      pdata.set("constants", params);
    } else if (const Value* t = constants->get("type");
               t && t->is_string() && t->as_string() == "hstack") {
      Value& specs = constants->as_map()["specifications"];
      if (!specs.is_list()) specs = Value(List{});
      specs.as_list().push_back(params);
    } else {
      Map h;
      h.set("type", Value("hstack"));
      h.set("specifications", Value(List{*constants, params}));
      *constants = Value(std::move(h));
    }
    merge_mapping_columns(*pdata.find("constants"), mapping, columns);
    delete_keys.push_back("parameters");
  }

  for (const auto& k : delete_keys) pdata.erase(k);
  return Ok{};
}

std::optional<Value> Interface::get(std::string_view key) const {
  if (!parent_) {
    const Value* v = data_.find(key);
    return v ? std::optional<Value>(*v) : std::nullopt;
  }
  if (key == "input" || key == "constants") {
    auto pv = parent_->get(key);
    const Value* own = data_.find(key);
    if (!pv) return own ? std::optional<Value>(*own) : std::nullopt;
    if (!own) return pv;
    return hstack_of(*pv, *own, key == "input");
  }
  const Value* inherit = data_.find("inherit");
  if (const Value* own = data_.find(key)) {
    if (parent_->contains(key) && list_contains(inherit->get("append"), key)) {
      Value pv = *parent_->get(key);
      if (pv.is_map() && own->is_map()) {
        Map merged = pv.as_map();
        for (const auto& [k, v] : own->as_map()) merged.set(k, v);
        return Value(std::move(merged));
      }
      if (pv.is_list() && own->is_list()) {
        List merged = pv.as_list();
        for (const auto& v : own->as_list()) merged.push_back(v);
        return Value(std::move(merged));
      }
    }
    return *own;
  }
  if (parent_->contains(key)) {
    if (list_contains(inherit->get("ignore"), key)) return std::nullopt;
    return parent_->get(key);
  }
  return std::nullopt;
}

bool Interface::contains(std::string_view key) const {
  if (data_.contains(key)) return true;
  return parent_ && parent_->contains(key);
}

std::vector<std::string> Interface::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : data_) out.push_back(k);
  if (parent_)
    for (const auto& k : parent_->keys())
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

}  // namespace lyn
