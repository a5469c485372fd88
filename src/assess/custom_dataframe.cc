// CustomDataFrame, the data model: from_flow, the column groups, their
// columns and shape, and save_flows. The focus cursor is in
// custom_dataframe_focus.cc.
#include "assess/custom_dataframe.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "access/finalize.h"
#include "assess/column_names.h"
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

// CustomDataFrame holds a group as df.loc[:, list(df.columns)]: pandas
// selects every column of a label once for each time the label is listed,
// so a label the frame holds k times (an hstack's repeated `_right`
// suffixes) comes out k*k times, each run in the frame's order.
void select_own_labels(Frame& f) {
  bool repeated = false;
  for (size_t i = 0; i < f.columns.size() && !repeated; ++i)
    for (size_t j = i + 1; j < f.columns.size() && !repeated; ++j)
      repeated = label_equal(f.columns[i].name, f.columns[j].name);
  if (!repeated) return;
  std::vector<Column> out;
  for (const auto& listed : f.columns)
    for (const auto& c : f.columns)
      if (label_equal(listed.name, c.name)) out.push_back(c);
  f.columns = std::move(out);
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
  if (f.find(idx->as_string())) {
    f.set_index(idx->as_string());
  } else if (f.index) {
    // io.finalize_data names an unnamed index after `index` even when no
    // column has that name.
    if (f.index->name.is_null()) f.index->name = *idx;
  } else {
    f.index = Column::range(*idx, f.num_rows());
  }
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

// CustomDataFrame.from_flow stamps the interface's base_directory on each
// data item that has none (not on the items nested in it); the readers take
// the item's relative `directory` and `source` directories under it
// (access::under_base_directory).
Value with_base_directory(Value item, const Value* base) {
  if (!base || !item.is_map() || item.as_map().find("base_directory")) return item;
  item.as_map().set("base_directory", *base);
  return item;
}

// Interface.get_output_columns / get_cache_columns: the output's (cache's)
// `columns`, else the compute and review fields not starting with "_" (for
// the cache: those that do, and compute `cache` names).
List default_columns(const Interface& iface, bool cache) {
  auto section = iface.get(cache ? "cache" : "output");
  if (section && section->is_map())
    if (const Value* cols = section->get("columns"); cols && cols->is_list())
      return cols->as_list();
  List out;
  for (const char* key : {"compute", "review"}) {
    if (cache && std::string_view(key) == "review") continue;
    auto entries = iface.get(key);
    if (!entries || !entries->is_list()) continue;
    for (const auto& e : entries->as_list()) {
      const Value* f = e.get("field");
      if (f && f->is_string() && !f->as_string().empty() && (f->as_string()[0] == '_') == cache)
        out.push_back(*f);
      else if (cache && e.get("cache"))
        out.push_back(*e.get("cache"));
    }
  }
  return out;
}

// _finalize_df on a data item as read: its whole mapping, then its columns
// (the index column is one still) get variable names.
Status name_read_columns(ColumnNames& names, const Frame& read, const Value& item) {
  if (auto st = names.add_mapping(item.get("mapping")); !st.ok()) return st;
  std::vector<Value> labels;
  for (const auto& c : read.columns) labels.push_back(c.name);
  return names.add_columns(labels);
}

// lynguine's session shows the data as one frame (CustomDataFrame.to_pandas:
// the groups outer-joined in order, parameters assigned): two groups with a
// column of the same name make pandas' join fail, and with it the session.
Status check_joinable(const std::vector<DataGroup>& groups) {
  std::vector<Value> seen;
  for (const auto& g : groups) {
    if (is_parameter_type(g.type)) continue;
    std::vector<Value> overlap;
    for (const auto& c : g.frame.columns)
      if (std::any_of(seen.begin(), seen.end(),
                      [&](const Value& s) { return label_equal(s, c.name); }))
        overlap.push_back(c.name);
    if (!overlap.empty())
      return Error::value(
          "columns overlap but no suffix specified: " + access::pandas_index_repr(overlap), 422);
    for (const auto& c : g.frame.columns) seen.push_back(c.name);
  }
  return Ok{};
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
  ColumnNames names;
  for (const auto& key : order) {
    auto item = iface.get(key);
    if (!item) continue;
    auto base = iface.get("base_directory");
    item = with_base_directory(std::move(*item), base ? &*base : nullptr);
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
        if (auto st = name_read_columns(names, read, *item); !st.ok()) return st.error();
        LYN_TRY_ASSIGN(fin, finalize_group(std::move(read), *item));
        frame = std::move(fin);
      } else {
        // Created empty on the frame's index, with the listed columns; without
        // a list, lynguine takes the interface's cache or output columns
        // (output also for series and the other writable types).
        if (const DataGroup* p = cdf.primary(); p && p->frame.index) frame.index = p->frame.index;
        size_t rows = frame.index ? frame.index->size() : 0;
        Value listed = item->get("columns") ? *item->get("columns")
                                            : Value(default_columns(iface, is_cache_type(key)));
        for (const auto& name : labels_of(&listed))
          frame.columns.push_back(Column{name, "object", std::vector<Value>(rows, Value::nan())});
      }
    } else {
      LYN_TRY_ASSIGN(read, access::read_data(*item, io));
      if (auto st = name_read_columns(names, read, *item); !st.ok()) return st.error();
      LYN_TRY_ASSIGN(fin, finalize_group(std::move(read), *item));
      frame = std::move(fin);
    }
    if (is_parameter_type(key)) {
      LYN_TRY_ASSIGN(row, parameter_row(frame, *item));
      frame = std::move(row);
    } else {
      select_own_labels(frame);
      if (!is_series_type(key)) drop_duplicate_index(frame);
    }
    // lynguine builds its frame from the first group and adds the others,
    // except that while what it holds is empty (no rows or no columns) the
    // next group starts it afresh: the groups before and the variable names
    // given so far (this group's first pass too) are dropped.
    if (auto [rows, cols] = cdf.shape(); rows == 0 || cols == 0) {
      cdf.groups_.clear();
      names = ColumnNames();
    }
    // lynguine gives every column a variable name (assess/column_names.h);
    // a column it cannot name fails the session.
    std::vector<Value> labels;
    for (const auto& c : frame.columns) labels.push_back(c.name);
    if (auto st = names.add_mapping(item->get("mapping"), &labels); !st.ok()) return st.error();
    if (auto st = names.add_columns(labels); !st.ok()) return st.error();
    cdf.groups_.push_back(DataGroup{key, std::move(frame), *item});
  }
  if (auto st = check_joinable(cdf.groups_); !st.ok()) return st.error();
  cdf.init_focus();
  // from_flow ends with set_selector(series.selector): a column the data
  // lacks, or one that is not a series column, fails the session.
  if (auto series = iface.get("series"); series && series->is_map()) {
    if (const Value* sel = series->as_map().find("selector"); sel && !sel->is_null()) {
      auto cols = cdf.columns();
      if (std::none_of(cols.begin(), cols.end(),
                       [&](const Value& c) { return label_equal(c, *sel); }))
        return key_error("Invalid selector set.");
      if (cdf.column_type(*sel) != std::optional<std::string>("series"))
        return key_error("Column \"" + py_str(*sel) + "\" is not a series column.");
    }
  }
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
  if (const DataGroup* p = primary()) {
    std::vector<Value> labels = p->frame.row_labels();
    if (!is_series_type(p->type)) return labels;
    // A series repeats its index labels; the frame's index lists each once.
    std::vector<Value> unique;
    for (auto& l : labels)
      if (std::none_of(unique.begin(), unique.end(),
                       [&](const Value& u) { return label_equal(u, l); }))
        unique.push_back(std::move(l));
    return unique;
  }
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
