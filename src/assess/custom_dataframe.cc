// CustomDataFrame: from_flow, the column groups and the focus API.
#include "assess/custom_dataframe.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "assess/compute.h"  // the compute hook in from_flow

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
Error key_error(const std::string& msg) {
  return Error::key(py_string_repr(msg));
}

std::string key_repr(const Value& index, const Value& column) {
  return "(" + py_repr(index) + ", " + py_repr(column) + ")";
}

Error key_not_found(const Value& index, const Value& column) {
  return key_error("Key " + key_repr(index, column) + " not found in the CustomDataFrame");
}

bool numeric_label(const Value& v) {
  return v.is_int() || v.is_float() || v.is_bool() || v.kind() == Value::Kind::kBigInt;
}

double label_number(const Value& v) {
  return v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.to_double();
}

// A hash key that equal labels share (3, 3.0 and True == 1 as in Python).
std::string label_key(const Value& v) {
  if (v.is_bool()) return v.as_bool() ? "n1" : "n0";
  if (v.is_int()) return "n" + std::to_string(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) return "nan";
    if (d == std::floor(d) && std::fabs(d) < 9e15)
      return "n" + std::to_string(static_cast<int64_t>(d));
    return "f" + py_float_repr(d);
  }
  if (v.kind() == Value::Kind::kBigInt) return "n" + v.as_bigint().digits;
  if (v.is_string()) return "s" + v.as_string();
  return "o" + py_repr(v);
}

// label_equal(c.at(i), label), without making a Value of text and int cells.
bool cell_equals(const Column& c, size_t i, const Value& label) {
  if (c.kind() == ColumnKind::kString && c.valid(i))
    return label.is_string() && c.string_at(i) == label.as_string();
  if (c.kind() == ColumnKind::kInt && c.valid(i) && label.is_int())
    return c.int_at(i) == label.as_int();
  return label_equal(c.at(i), label);
}

std::vector<size_t> rows_with(const Frame& f, const Value& label) {
  std::vector<size_t> out;
  if (f.index) {
    for (size_t i = 0; i < f.index->size(); ++i)
      if (cell_equals(*f.index, i, label)) out.push_back(i);
    return out;
  }
  if (label.is_int() && label.as_int() >= 0 && static_cast<size_t>(label.as_int()) < f.num_rows())
    out.push_back(static_cast<size_t>(label.as_int()));
  return out;
}

Column* column_of(Frame& f, const Value& name) {
  for (auto& c : f.columns)
    if (label_equal(c.name, name)) return &c;
  return nullptr;
}

const Column* column_of(const Frame& f, const Value& name) {
  for (const auto& c : f.columns)
    if (label_equal(c.name, name)) return &c;
  return nullptr;
}

Frame take_rows(const Frame& f, const std::vector<size_t>& rows, bool keep_index) {
  Frame out;
  out.columns.reserve(f.columns.size());
  for (const auto& c : f.columns) out.columns.push_back(c.take(rows));
  if (keep_index && f.index) out.index = f.index->take(rows);
  return out;
}

// Drops rows whose index repeats an earlier one (pandas
// d[~d.index.duplicated(keep="first")]).
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
void assign_cell(Column& c, size_t row, Value v) {
  const std::string& dt = c.dtype;
  if (dt == "object") {
  } else if (dt == "int64") {
    if (v.is_float()) {
      std::vector<Value> cells = c.values();
      for (auto& x : cells)
        if (x.is_int()) x = Value(static_cast<double>(x.as_int()));
      c = Column(std::move(c.name), "float64", std::move(cells));
    } else if (!v.is_int()) {
      c.dtype = "object";
    }
  } else if (dt == "float64") {
    if (v.is_int())
      v = Value(static_cast<double>(v.as_int()));
    else if (!v.is_float())
      c.dtype = "object";
  } else if (dt == "bool") {
    if (!v.is_bool()) c.dtype = "object";
  } else {
    c.dtype = "object";
  }
  c.set(row, std::move(v));
}

// The labels of a `columns` entry: a list, or one label.
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

bool label_equal(const Value& a, const Value& b) {
  if (numeric_label(a) && numeric_label(b)) {
    double x = label_number(a), y = label_number(b);
    if (std::isnan(x) && std::isnan(y)) return true;
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return x == y;
  }
  return a == b;
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

void CustomDataFrame::init_focus() {
  auto idx = indices();
  index_ = idx.empty() ? Value() : idx.front();
  auto cols = columns();
  column_ = cols.empty() ? Value() : cols.front();
  selector_ = Value();
  subindex_ = Value();
  auto series = series_columns();
  if (series.empty()) return;
  selector_ = series.front();
  for (const auto& g : groups_) {
    if (!is_series_type(g.type)) continue;
    if (const Value* sel = g.details.get("selector"))
      for (const auto& c : series)
        if (label_equal(c, *sel)) {
          selector_ = c;
          break;
        }
    break;
  }
  auto subs = get_subindices();
  if (!subs.empty()) subindex_ = subs.back();
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

Status CustomDataFrame::set_index(const Value& index) {
  if (index.is_null()) {
    index_ = Value();
    return Ok{};
  }
  for (const auto& v : indices())
    if (label_equal(v, index)) {
      index_ = index;
      keep_subindex_valid();
      return Ok{};
    }
  return key_error("Index \"" + py_str(index) + "\" not found in data");
}

void CustomDataFrame::keep_subindex_valid() {
  if (selector_.is_null()) return;
  auto subs = get_subindices();
  for (const auto& s : subs)
    if (label_equal(s, subindex_)) return;
  subindex_ = subs.empty() ? Value() : subs.back();
}

Status CustomDataFrame::set_column(const Value& column) {
  if (column.is_string() && column.as_string() == "_") {
    column_ = column;
    return Ok{};
  }
  auto cols = columns();
  if (column.is_null()) {
    if (cols.empty()) {
      column_ = Value();
      return Ok{};
    }
    return key_error("Was asked to set column to None.");
  }
  bool known = label_equal(column, index_name()) && !index_name().is_null();
  for (const auto& c : cols) known = known || label_equal(c, column);
  if (!known)
    return key_error("Attempting to add column \"" + py_str(column) +
                     "\" as a set request has been given to non existent column.");
  column_ = column;
  return Ok{};
}

Status CustomDataFrame::set_selector(const Value& column) {
  if (column.is_null()) {
    selector_ = Value();
    subindex_ = Value();
    return Ok{};
  }
  for (const auto& c : series_columns())
    if (label_equal(c, column)) {
      selector_ = c;
      auto subs = get_subindices();
      subindex_ = subs.empty() ? Value() : subs.back();
      return Ok{};
    }
  return key_error("Column \"" + py_str(column) + "\" is not a series column.");
}

Status CustomDataFrame::set_subindex(const Value& value) {
  if (value.is_null()) {
    subindex_ = Value();
    return Ok{};
  }
  for (const auto& s : get_subindices())
    if (label_equal(s, value)) {
      subindex_ = value;
      return Ok{};
    }
  return key_error("Invalid subindex set.");
}

Frame CustomDataFrame::get_subseries() const {
  // Outer join of the series groups' rows for the focused index.
  Frame out;
  bool first = true;
  for (const auto& g : groups_) {
    if (!is_series_type(g.type)) continue;
    std::vector<size_t> rows =
        index_.is_null() ? std::vector<size_t>{} : rows_with(g.frame, index_);
    Frame part = take_rows(g.frame, rows, false);
    if (first) {
      out = std::move(part);
      first = false;
      continue;
    }
    size_t a = out.num_rows(), b = part.num_rows();
    if (a == 0 || b == 0) {
      // One side is missing: keep the other's rows, NaN for the absent side.
      size_t n = std::max(a, b);
      for (auto& c : out.columns)
        if (c.size() < n) c.resize(n, Value::nan());
      for (auto& c : part.columns) {
        if (c.size() < n) c.resize(n, Value::nan());
        out.columns.push_back(std::move(c));
      }
      continue;
    }
    // The cross product of the two sides' rows.
    std::vector<size_t> left_rows, right_rows;
    for (size_t i = 0; i < a; ++i)
      for (size_t j = 0; j < b; ++j) {
        left_rows.push_back(i);
        right_rows.push_back(j);
      }
    Frame joined;
    for (const auto& c : out.columns) joined.columns.push_back(c.take(left_rows));
    for (const auto& c : part.columns) joined.columns.push_back(c.take(right_rows));
    out = std::move(joined);
  }
  return out;
}

std::vector<Value> CustomDataFrame::get_subindices() const {
  if (selector_.is_null()) return {};
  Frame sub = get_subseries();
  if (const Column* c = column_of(sub, selector_)) return c->values();
  return {};
}

Result<Value> CustomDataFrame::series_value(const DataGroup& g, const Value& column) const {
  if (selector_.is_null()) return key_error("Selector not set.");
  if (subindex_.is_null()) return key_error("Subindex not set.");
  const Column* sel = column_of(g.frame, selector_);
  const Column* col = column_of(g.frame, column);
  if (sel && col)
    for (size_t r : rows_with(g.frame, index_))
      if (cell_equals(*sel, r, subindex_)) return col->at(r);
  return key_not_found(index_, column);
}

Result<Value> CustomDataFrame::get_value() const {
  Value name = index_name();
  if (label_equal(column_, name)) return index_;
  const DataGroup* src = source_of(column_);
  if (src && is_series_type(src->type)) return series_value(*src, column_);
  for (const auto& g : groups_) {
    if (is_series_type(g.type)) continue;
    const Column* c = column_of(g.frame, column_);
    if (!c) continue;
    if (is_parameter_type(g.type)) return c->empty() ? Value::nan() : c->at(0);
    auto rows = rows_with(g.frame, index_);
    if (!rows.empty()) return c->at(rows.front());
  }
  return key_not_found(index_, column_);
}

Status CustomDataFrame::set_value(Value value) {
  for (const auto& g : groups_)
    if (is_input_type(g.type) && column_of(g.frame, column_))
      return key_error("Column \"" + py_str(column_) + "\" is immutable and cannot be modified.");
  const DataGroup* src = source_of(column_);
  if (src && is_series_type(src->type)) {
    if (selector_.is_null()) return key_error("Selector not set.");
    if (subindex_.is_null()) return key_error("Subindex not set.");
    DataGroup& g = groups_[static_cast<size_t>(src - groups_.data())];
    const Column* sel = column_of(g.frame, selector_);
    Column* col = column_of(g.frame, column_);
    if (sel && col)
      for (size_t r : rows_with(g.frame, index_))
        if (cell_equals(*sel, r, subindex_)) {
          assign_cell(*col, r, std::move(value));
          return Ok{};
        }
    return key_not_found(index_, column_);
  }
  for (auto& g : groups_) {
    if (is_series_type(g.type)) continue;
    Column* c = column_of(g.frame, column_);
    if (!c) continue;
    if (is_parameter_type(g.type))
      return key_error("Cannot modify individual elements in 'parameters' type data.");
    auto rows = rows_with(g.frame, index_);
    if (!rows.empty()) {
      assign_cell(*c, rows.front(), std::move(value));
      return Ok{};
    }
  }
  return key_not_found(index_, column_);
}

Result<Value> CustomDataFrame::get_value_at(const Value& index, const Value& column) {
  Value old_index = index_, old_column = column_, old_subindex = subindex_;
  Result<Value> out = Value();
  if (auto st = set_index(index); !st.ok()) {
    out = st.error();
  } else if (auto sc = set_column(column); !sc.ok()) {
    out = sc.error();
  } else {
    out = get_value();
  }
  index_ = std::move(old_index);
  column_ = std::move(old_column);
  subindex_ = std::move(old_subindex);
  return out;
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
