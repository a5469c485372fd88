// Compute: parsing compute entries, the function registry and the runner.
#include "assess/compute.h"

#include <ctime>
#include <functional>

#include "assess/liquid/date_format.h"
#include "assess/liquid/liquid.h"

namespace lyn::assess {

namespace {

const char* const kPhases[] = {"precompute", "compute", "postcompute"};

Error type_error(std::string msg) {
  return Error{"TypeError", std::move(msg), 400};
}

bool is_blank(const std::string& s) {
  return s.find_first_not_of(" \t\n\r\f\v") == std::string::npos;
}

struct ComputeFunction {
  std::string name;
  Map default_args;
  std::function<Result<Value>(const Map&)> fn;
};

// datetime.datetime.now().strftime(format=...).
Result<Value> today(const Map& kwargs) {
  std::string format = "%Y-%m-%d";
  for (const auto& [k, v] : kwargs) {
    if (k != "format")
      return type_error("strftime() got an unexpected keyword argument '" + k + "'");
    if (!v.is_string()) return type_error("strftime() argument 1 must be str, not " + py_repr(v));
    format = v.as_string();
  }
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  liquid::ParsedDate d;
  d.dt = DateTime{
      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0, false, 0};
  return Value(liquid::py_strftime(d, format));
}

// lynguine.util.text.render_liquid: `template` is rendered with the other
// keyword arguments (NaN/None removed) as its context.
Result<Value> render_liquid(const Map& kwargs) {
  const Value* tmpl = kwargs.find("template");
  if (!tmpl)
    return type_error("render_liquid() missing 1 required positional argument: 'template'");
  if (!tmpl->is_string())
    return type_error("render_liquid() template must be a string, not " + py_repr(*tmpl));
  Map context;
  for (const auto& [k, v] : kwargs)
    if (k != "template") context.set(k, v);
  auto r = liquid::render_liquid(tmpl->as_string(), context);
  if (auto* e = std::get_if<liquid::Error>(&r)) return *e;
  return Value(std::get<std::string>(std::move(r)));
}

const std::vector<ComputeFunction>& registry() {
  static const std::vector<ComputeFunction> fns = {
      {"render_liquid", Map{}, render_liquid},
      {"today", Map{{"format", Value("%Y-%m-%d")}}, today},
  };
  return fns;
}

const ComputeFunction* find_function(const std::string& name) {
  for (const auto& f : registry())
    if (f.name == name) return &f;
  return nullptr;
}

// A mapping-valued entry key (`args`, `row_args`, ...); absent or null is {}.
Result<Map> map_arg(const Map& entry, const char* key) {
  const Value* v = entry.find(key);
  if (!v || v->is_null()) return Map{};
  if (!v->is_map())
    return Error::value(std::string("Compute entry \"") + key + "\" must be a mapping, got " +
                        py_repr(*v));
  return v->as_map();
}

Result<ComputeSpec> parse_entry(const std::string& phase, const Value& raw) {
  if (!raw.is_map())
    return Error::value("Compute entries in \"" + phase + "\" must be mappings, got " +
                        py_repr(raw));
  const Map& e = raw.as_map();
  static const char* const kKnown[] = {
      "function",      "field",          "refresh",     "args", "row_args", "view_args",
      "function_args", "subseries_args", "column_args", "mode", "separator"};
  for (const auto& [k, v] : e) {
    bool known = false;
    for (const char* n : kKnown) known = known || k == n;
    if (!known) return type_error("gca_() got an unexpected keyword argument '" + k + "'");
  }
  ComputeSpec s;
  s.phase = phase;
  const Value* fn = e.find("function");
  if (!fn) return Error::key("'function'");
  s.function = py_str(*fn);
  if (!find_function(s.function))
    return Error::value("Function \"" + s.function + "\" not found in list_functions.");
  for (const char* unsupported : {"view_args", "function_args", "subseries_args"}) {
    const Value* v = e.find(unsupported);
    if (v && py_truthy(*v))
      return Error::value(std::string("Compute entry for \"") + s.function + "\": \"" +
                          unsupported + "\" is not supported");
  }
  if (const Value* f = e.find("field"); f && !f->is_null()) {
    s.has_field = true;
    if (f->is_list()) {
      s.multi_output = true;
      s.fields = f->as_list();
    } else {
      s.fields = {*f};
    }
  }
  if (const Value* r = e.find("refresh")) s.refresh = py_truthy(*r);
  LYN_TRY_ASSIGN(args, map_arg(e, "args"));
  LYN_TRY_ASSIGN(row_args, map_arg(e, "row_args"));
  LYN_TRY_ASSIGN(column_args, map_arg(e, "column_args"));
  s.args = std::move(args);
  s.row_args = std::move(row_args);
  s.column_args = std::move(column_args);
  if (const Value* m = e.find("mode"); m && !m->is_null()) s.mode = py_str(*m);
  if (s.mode != "replace" && s.mode != "append" && s.mode != "prepend")
    return Error::value("Invalid mode '" + s.mode +
                        "' specified for compute operation. Valid modes are: 'replace', "
                        "'append', 'prepend'.");
  if (const Value* sep = e.find("separator"); sep && !sep->is_null()) s.separator = py_str(*sep);
  return s;
}

bool has_column(const CustomDataFrame& cdf, const Value& column) {
  for (const auto& c : cdf.columns())
    if (label_equal(c, column)) return true;
  return false;
}

bool is_discard(const Value& column) {
  return column.is_string() && column.as_string() == "_";
}

// The focused row's value of `column` (error when it has none).
Result<Value> value_in_row(CustomDataFrame& cdf, const Value& column) {
  if (auto st = cdf.set_column(column); !st.ok()) return st.error();
  return cdf.get_value();
}

// lynguine's compute_function: default_args, then args, column_args and
// row_args, later ones overriding.
Result<Map> build_kwargs(const ComputeSpec& s, const ComputeFunction& f, CustomDataFrame& cdf) {
  Map kwargs = f.default_args;
  for (const auto& [k, v] : s.args) kwargs.set(k, v);
  if (!s.column_args.empty()) {
    const Value index = cdf.get_index();
    for (const auto& [k, column] : s.column_args) {
      if (!has_column(cdf, column))
        return Error::value("Invalid column name " + py_repr(column) + " in column_args for key '" +
                            k + "'. Available columns: " + py_repr(Value(List(cdf.columns()))) +
                            ".");
      List vals;
      for (const auto& idx : cdf.indices()) {
        auto st = cdf.set_index(idx);
        if (!st.ok()) return st.error();
        auto v = value_in_row(cdf, column);
        vals.push_back(v.ok() ? std::move(v).value() : Value::nan());
      }
      kwargs.set(k, Value(std::move(vals)));
      if (auto st = cdf.set_index(index); !st.ok()) return st.error();
    }
  }
  for (const auto& [k, column] : s.row_args) {
    if (!column.is_string() || !has_column(cdf, column))
      return Error::value("Invalid column name " + py_repr(column) + " in row_args for key '" + k +
                          "'. Available columns: " + py_repr(Value(List(cdf.columns()))) + ". If " +
                          py_repr(column) +
                          " is meant to be a parameter value, it should not be in row_args.");
    LYN_TRY_ASSIGN(v, value_in_row(cdf, column));
    kwargs.set(k, std::move(v));
  }
  return kwargs;
}

bool labels_contain(const std::vector<Value>& labels, const Value& v) {
  for (const auto& l : labels)
    if (label_equal(l, v)) return true;
  return false;
}

// A group to hold a new column: the first row-indexed output group, else a
// cache group, else a new "cache" group on the frame's index.
DataGroup& group_for_new_column(const CustomDataFrame& cdf, std::vector<DataGroup>& groups) {
  auto plain = [](const DataGroup& g) {
    return !is_parameter_type(g.type) && !is_series_type(g.type) && g.frame.index.has_value();
  };
  for (auto& g : groups)
    if (plain(g) && is_output_type(g.type)) return g;
  for (auto& g : groups)
    if (plain(g) && is_cache_type(g.type)) return g;
  DataGroup g{"cache", Frame{}, Value(Map{})};
  Column idx{cdf.index_name(), "object", cdf.indices()};
  g.frame.index = std::move(idx);
  groups.push_back(std::move(g));
  return groups.back();
}

// Makes sure the row-indexed group holding `column` has a row for `index`
// (an output file read from disk may lack some of the input's rows).
void ensure_row(std::vector<DataGroup>& groups, const Value& column, const Value& index) {
  for (auto& g : groups) {
    bool holds = false;
    for (const auto& c : g.frame.columns) holds = holds || label_equal(c.name, column);
    if (!holds) continue;
    if (is_parameter_type(g.type) || is_series_type(g.type) || !g.frame.index) return;
    if (labels_contain(g.frame.index->values(), index)) return;
    g.frame.index->push_back(index);
    for (auto& c : g.frame.columns) {
      c.push_back(Value::nan());
      if (c.dtype == "int64" || c.dtype == "bool") c.dtype = "object";
    }
    return;
  }
}

Error with_context(const Error& e, const ComputeSpec& s, const Value& index) {
  std::string where = "Compute function \"" + s.function + "\" (" + s.phase;
  if (s.has_field) {
    where += ", field ";
    where += s.multi_output ? py_repr(Value(List(s.fields))) : py_repr(s.fields.front());
  }
  where += ", index " + py_repr(index) + ") failed: ";
  return Error{e.type, where + e.message, e.http_status};
}

// lynguine's Compute.run for the focused index.
Status run_one(const ComputeSpec& s, CustomDataFrame& cdf, std::vector<DataGroup>& groups) {
  const ComputeFunction& f = *find_function(s.function);
  const Value index = cdf.get_index();
  const bool accumulate = s.mode == "append" || s.mode == "prepend";
  std::vector<bool> missing(s.fields.size(), true);
  if (!s.refresh) {
    for (size_t i = 0; i < s.fields.size(); ++i) {
      const Value& column = s.fields[i];
      if (is_discard(column)) {
        missing[i] = false;
      } else if (has_column(cdf, column)) {
        auto v = value_in_row(cdf, column);
        missing[i] = !v.ok() || (!v->is_list() && v->is_missing());
      }
    }
  }
  bool any_missing = false;
  for (bool m : missing) any_missing = any_missing || m;
  if (s.has_field && !s.refresh && !any_missing && !accumulate) return Ok{};

  auto kwargs = build_kwargs(s, f, cdf);
  if (!kwargs.ok()) return with_context(kwargs.error(), s, index);
  auto result = f.fn(*kwargs);
  if (!result.ok()) return with_context(result.error(), s, index);
  if (!s.has_field) return Ok{};
  if (s.multi_output)
    return with_context(Error::value("Multiple columns provided for return values of \"" +
                                     s.function + "\" but return value given is not a tuple."),
                        s, index);

  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Value& column = s.fields[i];
    if (is_discard(column)) continue;
    if (!(accumulate || s.refresh || missing[i])) continue;
    if (!has_column(cdf, column)) {
      DataGroup& g = group_for_new_column(cdf, groups);
      size_t rows = g.frame.index ? g.frame.index->size() : g.frame.num_rows();
      g.frame.columns.push_back(Column{column, "object", std::vector<Value>(rows, Value::nan())});
    } else if (cdf.column_type(column) == std::optional<std::string>("input")) {
      continue;  // immutable: lynguine's ismutable() is false for inputs
    }
    Value new_val = *result;
    if (accumulate) {
      auto cur = value_in_row(cdf, column);
      if (cur.ok() && py_truthy(*cur) && !cur->is_missing() && !is_blank(py_str(*cur)))
        new_val = s.mode == "append" ? Value(py_str(*cur) + s.separator + py_str(new_val))
                                     : Value(py_str(new_val) + s.separator + py_str(*cur));
    }
    ensure_row(groups, column, index);
    if (auto st = cdf.set_column(column); !st.ok()) return with_context(st.error(), s, index);
    if (auto st = cdf.set_value(std::move(new_val)); !st.ok())
      return with_context(st.error(), s, index);
  }
  return Ok{};
}

}  // namespace

const std::vector<std::string>& compute_function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : registry()) out.push_back(f.name);
    return out;
  }();
  return names;
}

Result<std::vector<ComputeSpec>> parse_compute_specs(const Interface& iface) {
  std::vector<ComputeSpec> out;
  for (const char* phase : kPhases) {
    auto v = iface.get(phase);
    if (!v || v->is_null()) continue;
    List entries = v->is_list() ? v->as_list() : List{*v};
    for (const auto& e : entries) {
      LYN_TRY_ASSIGN(spec, parse_entry(phase, e));
      out.push_back(std::move(spec));
    }
  }
  return out;
}

Result<Value> call_compute_function(const std::string& name, const Map& kwargs) {
  const ComputeFunction* f = find_function(name);
  if (!f) return Error::value("Function \"" + name + "\" not found in list_functions.");
  Map all = f->default_args;
  for (const auto& [k, v] : kwargs) all.set(k, v);
  return f->fn(all);
}

Status run_flow_computes(const Interface& iface, CustomDataFrame& cdf,
                         std::vector<DataGroup>& groups) {
  LYN_TRY_ASSIGN(specs, parse_compute_specs(iface));
  if (specs.empty()) return Ok{};
  for (const char* phase : kPhases) {
    bool any = false;
    for (const auto& s : specs) any = any || s.phase == phase;
    if (!any) continue;
    // lynguine's run_all: every entry of the phase for one index, then the next.
    for (const auto& index : cdf.indices()) {
      if (auto st = cdf.set_index(index); !st.ok()) return st.error();
      for (const auto& s : specs) {
        if (s.phase != phase) continue;
        if (auto st = run_one(s, cdf, groups); !st.ok()) return st.error();
      }
    }
  }
  return Ok{};
}

}  // namespace lyn::assess
