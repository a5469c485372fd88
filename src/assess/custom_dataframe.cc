// CustomDataFrame, the data model: from_flow, the column groups, their
// columns and shape, and save_flows. The focus cursor is in
// custom_dataframe_focus.cc.
#include "assess/custom_dataframe.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "assess/compute.h"  // the compute hook in from_flow
#include "assess/frame_labels.h"

namespace lyn::assess {

namespace {

const std::vector<std::string> kInput = {"input", "data", "constants", "global_consts"};
const std::vector<std::string> kOutput = {"output", "writedata", "writeseries", "parameters",
                                          "globals"};
const std::vector<std::string> kParameters = {"constants", "global_consts",   "parameters",
                                              "globals",   "parameter_cache", "global_cache"};
const std::vector<std::string> kCache = {"cache", "series_cache", "parameter_cache",
                                         "global_cache"};
const std::vector<std::string> kSeries = {"series", "writeseries", "series_cache"};

bool in(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// str(KeyError(msg)) is repr(msg).
void drop_duplicate_index(Frame& f) {
  if (!f.index) return;
  std::unordered_set<std::string> seen;
  std::vector<size_t> keep;
  const std::vector<Value> vals = f.index->values();
  for (size_t i = 0; i < vals.size(); ++i)
    if (seen.insert(label_key(vals[i])).second) keep.push_back(i);
  if (keep.size() == vals.size()) return;
  f = take_rows(f, keep, true);
}

// pandas' upcast when one cell of a typed column is assigned.
std::vector<Value> labels_of(const Value* v) {
  if (!v || v->is_null()) return {};
  if (v->is_list()) return v->as_list();
  return {*v};
}

Result<bool> data_exists(const Value& item, const access::IoContext& io) {
  if (!item.is_map() || !item.as_map().contains("filename")) return true;
  auto path = access::resolve_data_file(item.as_map(), io);
  if (!path.ok()) return path.error();
  std::error_code ec;
  return std::filesystem::exists(*path, ec);
}

// lynguine's _finalize_df: `index` is required and becomes the index.
Result<Frame> finalize_group(Frame f, const Value& item) {
  const Value* idx = item.get("index");
  if (!idx)
    return Error::value("Missing index field in data frame specification in interface file");
  if (!idx->is_string()) return Error::value("\"index\" should be a string in interface.");
  if (f.find(idx->as_string())) f.set_index(idx->as_string());
  return f;
}

// One row of a parameter group: the `select`ed index, or the first row.
Result<Frame> parameter_row(const Frame& f, const Value& item) {
  std::vector<size_t> rows;
  if (const Value* sel = item.get("select")) {
    auto matches = rows_with(f, *sel);
    if (matches.empty()) return key_error(py_str(*sel));
    rows.push_back(matches.front());
  } else if (f.num_rows() > 0) {
    rows.push_back(0);
  }
  Frame out = take_rows(f, rows, false);
  if (rows.empty())
    for (auto& c : out.columns) c.push_back(Value::nan());
  return out;
}

// lynguine joins a directory reader's relative `source` directories to the
// interface's base directory; for an interface loaded from the server's
// working directory that is absolute, so sourceRoot is that directory.
Value with_base_directory(Value item, const std::string& base) {
  if (base.empty() || base[0] != '/' || !item.is_map()) return item;
  Map& m = item.as_map();
  if (Value* src = m.find("source")) {
    auto fix = [&](Value& entry) {
      if (!entry.is_map()) return;
      Value* dir = entry.as_map().find("directory");
      std::string d = dir && dir->is_string() ? dir->as_string() : ".";
      if (dir && !dir->is_string() && !dir->is_null()) return;
      if (!d.empty() && (d[0] == '/' || d[0] == '$' || d[0] == '~')) return;
      entry.as_map().set("directory", Value(path_join(base, d)));
    };
    if (src->is_list())
      for (auto& e : src->as_list()) fix(e);
    else
      fix(*src);
  }
  if (Value* specs = m.find("specifications"); specs && specs->is_list())
    for (auto& spec : specs->as_list()) spec = with_base_directory(std::move(spec), base);
  return item;
}

}  // namespace

bool is_input_type(std::string_view t) {
  return in(kInput, t);
}
bool is_output_type(std::string_view t) {
  return in(kOutput, t);
}
bool is_parameter_type(std::string_view t) {
  return in(kParameters, t);
}
bool is_cache_type(std::string_view t) {
  return in(kCache, t);
}
bool is_series_type(std::string_view t) {
  return in(kSeries, t);
}

const std::vector<std::string>& valid_data_types() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (const auto* list : {&kInput, &kOutput, &kParameters, &kCache, &kSeries})
      for (const auto& t : *list)
        if (!in(out, t)) out.push_back(t);
    return out;
  }();
  return all;
}

Result<CustomDataFrame> CustomDataFrame::from_flow(const Interface& iface,
                                                   const access::IoContext& io) {
  std::vector<std::string> order;
  const auto keys = iface.keys();
  for (const auto& k : keys)
    if (is_input_type(k)) order.push_back(k);
  for (const auto& k : keys)
    if (!is_input_type(k) && in(valid_data_types(), k)) order.push_back(k);
  if (order.empty()) {
    std::string names;
    for (const auto& t : valid_data_types()) names += (names.empty() ? "" : ", ") + t;
    return Error::value(
        "No valid data found in interface. Data fields must be one of \"" + names + "\"", 422);
  }

  CustomDataFrame cdf;
  for (const auto& key : order) {
    auto item = iface.get(key);
    if (!item) continue;
    item = with_base_directory(std::move(*item), iface.directory());
    Frame frame;
    if (!is_input_type(key)) {
      if (!item->is_map())
        return Error::value(
            "Item data descriptions must be in the form of a dictionary unless they are of type "
            "\"input\", when a list is valid and implies an \"hstack\" type is needed. The type of "
            "item you have provided for the key \"" +
                key + "\" is \"<class '" + (item->is_list() ? "list" : "str") + "'>\".",
            422);
      auto exists = data_exists(*item, io);
      if (!exists.ok()) return exists.error();
      if (*exists) {
        LYN_TRY_ASSIGN(read, access::read_data(*item, io));
        LYN_TRY_ASSIGN(fin, finalize_group(std::move(read), *item));
        frame = std::move(fin);
      } else {
        // Created empty on the frame's index, with the listed columns.
        if (const DataGroup* p = cdf.primary(); p && p->frame.index) frame.index = p->frame.index;
        size_t rows = frame.index ? frame.index->size() : 0;
        for (const auto& name : labels_of(item->get("columns")))
          frame.columns.push_back(Column{name, "object", std::vector<Value>(rows, Value::nan())});
      }
    } else {
      LYN_TRY_ASSIGN(read, access::read_data(*item, io));
      LYN_TRY_ASSIGN(fin, finalize_group(std::move(read), *item));
      frame = std::move(fin);
    }
    if (is_parameter_type(key)) {
      LYN_TRY_ASSIGN(row, parameter_row(frame, *item));
      frame = std::move(row);
    } else if (!is_series_type(key)) {
      drop_duplicate_index(frame);
    }
    cdf.groups_.push_back(DataGroup{key, std::move(frame), *item});
  }
  cdf.init_focus();
  // Compute hook (assess/compute.h): run the interface's precompute, compute
  // and postcompute entries over every row, then reset the focus they moved.
  if (auto st = run_flow_computes(iface, cdf, cdf.groups_); !st.ok()) return st.error();
  cdf.init_focus();
  return cdf;
}

CustomDataFrame CustomDataFrame::from_groups(std::vector<DataGroup> groups) {
  CustomDataFrame cdf;
  cdf.groups_ = std::move(groups);
  for (auto& g : cdf.groups_)
    if (!is_parameter_type(g.type) && !is_series_type(g.type)) drop_duplicate_index(g.frame);
  cdf.init_focus();
  return cdf;
}

const DataGroup* CustomDataFrame::primary() const {
  for (const auto& g : groups_)
    if (!is_parameter_type(g.type)) return &g;
  return nullptr;
}

const DataGroup* CustomDataFrame::source_of(const Value& column) const {
  for (const auto& g : groups_)
    if (column_of(g.frame, column)) return &g;
  return nullptr;
}

std::pair<size_t, size_t> CustomDataFrame::shape() const {
  size_t cols = columns().size();
  bool any = false, params = false;
  // Outer join on the index: each label gives the product of its row counts.
  std::unordered_map<std::string, size_t> rows;
  std::vector<std::string> order;
  for (const auto& g : groups_) {
    if (is_parameter_type(g.type)) {
      params = true;
      continue;
    }
    any = true;
    std::unordered_map<std::string, size_t> counts;
    for (const auto& v : g.frame.row_labels()) ++counts[label_key(v)];
    for (const auto& [k, n] : counts) {
      auto it = rows.find(k);
      if (it == rows.end())
        rows.emplace(k, n);
      else
        it->second *= n;
    }
  }
  if (!any) return {params ? 1 : 0, cols};
  size_t total = 0;
  for (const auto& [k, n] : rows) total += n;
  return {total, cols};
}

std::vector<Value> CustomDataFrame::columns() const {
  std::vector<Value> out;
  for (const auto& g : groups_)
    for (const auto& c : g.frame.columns) out.push_back(c.name);
  return out;
}

std::vector<Value> CustomDataFrame::indices() const {
  if (const DataGroup* p = primary()) return p->frame.row_labels();
  if (!groups_.empty()) return {Value(0)};
  return {};
}

Value CustomDataFrame::index_name() const {
  const DataGroup* p = primary();
  return p && p->frame.index ? p->frame.index->name : Value();
}

std::vector<Value> CustomDataFrame::input_columns() const {
  std::vector<Value> out;
  for (const auto& g : groups_)
    if (is_input_type(g.type))
      for (const auto& c : g.frame.columns) out.push_back(c.name);
  return out;
}

std::vector<Value> CustomDataFrame::output_columns() const {
  std::vector<std::string> types;
  for (const auto* list : {&kOutput, &kSeries, &kCache})
    for (const auto& t : *list)
      if (!in(types, t)) types.push_back(t);
  std::vector<Value> out;
  for (const auto& t : types)
    for (const auto& g : groups_)
      if (g.type == t)
        for (const auto& c : g.frame.columns) out.push_back(c.name);
  return out;
}

std::vector<Value> CustomDataFrame::series_columns() const {
  std::vector<Value> out;
  for (const auto& g : groups_)
    if (is_series_type(g.type))
      for (const auto& c : g.frame.columns) out.push_back(c.name);
  return out;
}

std::optional<std::string> CustomDataFrame::column_type(const Value& column) const {
  const DataGroup* g = source_of(column);
  if (!g) return std::nullopt;
  if (is_input_type(g->type)) return "input";
  if (is_output_type(g->type)) return "output";
  if (is_parameter_type(g->type)) return "parameters";
  if (is_cache_type(g->type)) return "cache";
  return "series";
}

Status CustomDataFrame::save_flows(const access::IoContext& io) const {
  for (const auto& g : groups_) {
    if (!is_output_type(g.type)) continue;
    Frame f = g.frame;
    f.reset_index();
    auto st = access::write_data(f, g.details, io);
    if (!st.ok()) return st.error();
  }
  return Ok{};
}

size_t CustomDataFrame::approx_bytes() const {
  size_t n = sizeof(CustomDataFrame);
  for (const auto& g : groups_) {
    n += sizeof(DataGroup) + g.type.capacity() + approx_value_bytes(g.details);
    n += g.frame.approx_bytes();
  }
  return n;
}

}  // namespace lyn::assess
