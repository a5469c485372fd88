// Over 500 lines: hstack, vstack and series share pandas' join and concat rules.
#include "access/stack_formats.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "access/finalize.h"

namespace lyn::access {

namespace {

constexpr ptrdiff_t kNone = -1;
using RowPairs = std::vector<std::pair<ptrdiff_t, ptrdiff_t>>;

bool is_nullable_dtype(const std::string& d) {
  return d == "Int32" || d == "Int64" || d == "boolean" || d == "Float64" || d == "string";
}

// The dtype a column takes once missing values are put into it.
std::string promote_for_gaps(const std::string& dtype) {
  if (dtype == "int64" || dtype == "uint64" || dtype == "int32") return "float64";
  if (dtype == "bool") return "object";
  return dtype;
}

Value gap_value(const std::string& dtype) {
  return is_nullable_dtype(dtype) ? Value() : Value::nan();
}

void to_float_values(std::vector<Value>& values) {
  for (auto& v : values) {
    if (v.is_int())
      v = Value(static_cast<double>(v.as_int()));
    else if (v.kind() == Value::Kind::kBigInt)
      v = Value(v.to_double());
  }
}

// Hash key under which pandas treats index labels as equal (2 == 2.0).
std::string label_key(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return "i" + std::to_string(v.as_int());
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) return "n";
      if (d == std::floor(d) && std::fabs(d) < 9.2e18)
        return "i" + std::to_string(static_cast<int64_t>(d));
      return "f" + py_float_repr(d);
    }
    case Value::Kind::kNull:
      return "n";
    case Value::Kind::kString:
      return "s" + v.as_string();
    case Value::Kind::kBool:
      return v.as_bool() ? "b1" : "b0";
    default:
      return "o" + py_repr(v);
  }
}

std::string index_dtype(const Frame& f) {
  return f.index ? f.index->dtype : "int64";
}

Result<RowPairs> match_rows(const std::vector<std::string>& lkeys,
                            const std::vector<std::string>& rkeys, const std::string& how) {
  if (how != "left" && how != "right" && how != "inner" && how != "outer")
    return Error::value("do not recognize join method " + how);
  RowPairs pairs;
  if (how == "right") {
    std::unordered_map<std::string, std::vector<ptrdiff_t>> lmap;
    for (size_t i = 0; i < lkeys.size(); ++i) lmap[lkeys[i]].push_back(static_cast<ptrdiff_t>(i));
    for (size_t j = 0; j < rkeys.size(); ++j) {
      auto it = lmap.find(rkeys[j]);
      if (it == lmap.end()) {
        pairs.emplace_back(kNone, static_cast<ptrdiff_t>(j));
      } else {
        for (ptrdiff_t i : it->second) pairs.emplace_back(i, static_cast<ptrdiff_t>(j));
      }
    }
    return pairs;
  }
  std::unordered_map<std::string, std::vector<ptrdiff_t>> rmap;
  for (size_t j = 0; j < rkeys.size(); ++j) rmap[rkeys[j]].push_back(static_cast<ptrdiff_t>(j));
  std::vector<bool> used(rkeys.size(), false);
  for (size_t i = 0; i < lkeys.size(); ++i) {
    auto it = rmap.find(lkeys[i]);
    if (it == rmap.end()) {
      if (how != "inner") pairs.emplace_back(static_cast<ptrdiff_t>(i), kNone);
      continue;
    }
    for (ptrdiff_t j : it->second) {
      pairs.emplace_back(static_cast<ptrdiff_t>(i), j);
      used[static_cast<size_t>(j)] = true;
    }
  }
  if (how == "outer") {
    for (size_t j = 0; j < rkeys.size(); ++j)
      if (!used[j]) pairs.emplace_back(kNone, static_cast<ptrdiff_t>(j));
  }
  return pairs;
}

// Sorts outer-join rows by their labels, as pandas does, when the labels
// are all numbers or all strings.
void sort_outer(RowPairs& pairs, const std::vector<Value>& labels) {
  bool all_num = std::all_of(labels.begin(), labels.end(),
                             [](const Value& v) { return v.is_int() || v.is_float(); });
  bool all_str =
      std::all_of(labels.begin(), labels.end(), [](const Value& v) { return v.is_string(); });
  if (!all_num && !all_str) return;
  std::vector<size_t> order(pairs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (all_num) return labels[a].to_double() < labels[b].to_double();
    return labels[a].as_string() < labels[b].as_string();
  });
  RowPairs sorted;
  sorted.reserve(pairs.size());
  for (size_t i : order) sorted.push_back(pairs[i]);
  pairs = std::move(sorted);
}

Column take(const Column& src, const RowPairs& pairs, bool left_side) {
  std::vector<Value> cells;
  cells.reserve(pairs.size());
  bool gaps = false;
  for (const auto& p : pairs) {
    ptrdiff_t r = left_side ? p.first : p.second;
    if (r == kNone) {
      gaps = true;
      cells.push_back(gap_value(src.dtype));
    } else {
      cells.push_back(src.at(static_cast<size_t>(r)));
    }
  }
  std::string dtype = gaps ? promote_for_gaps(src.dtype) : src.dtype;
  if (dtype == "float64" && src.dtype != "float64") to_float_values(cells);
  return Column(src.name, std::move(dtype), std::move(cells));
}

Status apply_suffixes(const Frame& left, const Frame& right, const std::vector<std::string>& skip,
                      const std::string& lsuffix, const std::string& rsuffix,
                      std::vector<std::string>& lnames, std::vector<std::string>& rnames) {
  std::vector<Value> overlap;
  for (const auto& c : left.columns) {
    std::string k = c.key();
    lnames.push_back(k);
    if (std::find(skip.begin(), skip.end(), k) == skip.end() && right.find(k))
      overlap.push_back(c.name);
  }
  for (const auto& c : right.columns) rnames.push_back(c.key());
  if (overlap.empty()) return Ok{};
  if (lsuffix.empty() && rsuffix.empty())
    return Error::value("columns overlap but no suffix specified: " + pandas_index_repr(overlap));
  for (const auto& o : overlap) {
    std::string k = py_str(o);
    for (auto& n : lnames)
      if (n == k) n += lsuffix;
    for (auto& n : rnames)
      if (n == k) n += rsuffix;
  }
  return Ok{};
}

Status set_index_or_error(Frame& f, const Value& label) {
  if (!f.set_index(py_str(label)))
    return Error::key(py_string_repr("None of [" + py_repr(label) + "] are in the columns"), 400);
  return Ok{};
}

std::string option_string(const Map& m, const char* key, const char* fallback) {
  const Value* v = m.find(key);
  if (!v || v->is_null()) return fallback;
  return py_str(*v);
}

Result<std::vector<Frame>> read_specifications(const Map& details, const IoContext& ctx,
                                               const char* type) {
  const Value* specs = details.find("specifications");
  if (!specs) return Error::value("Details must include \"specifications\".");
  std::vector<Frame> frames;
  if (specs->is_list()) {
    for (const auto& s : specs->as_list()) {
      auto f = read_data(s, ctx);
      if (!f.ok()) return f.error();
      frames.push_back(std::move(f).value());
    }
  } else {
    return Error::value(std::string("\"specifications\" for ") + type + " must be a list.");
  }
  return frames;
}

Result<Frame> merge_frames(const Frame& left, const Frame& right,
                           const std::vector<std::string>& on, const std::string& how,
                           const std::string& lsuffix, const std::string& rsuffix) {
  std::vector<const Column*> lk, rk;
  for (const auto& k : on) {
    const Column* l = left.find(k);
    const Column* r = right.find(k);
    if (!l || !r) return Error::key(py_string_repr(k), 400);
    lk.push_back(l);
    rk.push_back(r);
  }
  auto keys_of = [](const std::vector<const Column*>& cols, size_t n) {
    std::vector<std::string> keys(n);
    for (size_t i = 0; i < n; ++i)
      for (const Column* c : cols) keys[i] += label_key(c->at(i)) + '\x1f';
    return keys;
  };
  auto pairs = match_rows(keys_of(lk, left.num_rows()), keys_of(rk, right.num_rows()), how);
  if (!pairs.ok()) return pairs.error();
  if (how == "outer" && on.size() == 1) {
    std::vector<Value> labels;
    for (const auto& [i, j] : *pairs)
      labels.push_back(i != kNone ? lk[0]->at(static_cast<size_t>(i))
                                  : rk[0]->at(static_cast<size_t>(j)));
    sort_outer(*pairs, labels);
  }
  std::vector<std::string> lnames, rnames;
  if (auto st = apply_suffixes(left, right, on, lsuffix, rsuffix, lnames, rnames); !st.ok())
    return st.error();
  Frame out;
  for (size_t c = 0; c < left.columns.size(); ++c) {
    const Column& src = left.columns[c];
    bool is_key = std::find(on.begin(), on.end(), src.key()) != on.end();
    Column col = take(src, *pairs, true);
    if (is_key) {
      // Key values come from whichever side has the row.
      const Column* rsrc = right.find(src.key());
      bool gaps = false;
      for (size_t r = 0; r < pairs->size(); ++r) {
        auto [i, j] = (*pairs)[r];
        if (i == kNone) col.set(r, rsrc->at(static_cast<size_t>(j)));
        if (i == kNone) gaps = true;
      }
      if (gaps && src.dtype == rsrc->dtype)
        col.dtype = src.dtype;
      else if (gaps)
        col = Column::inferred(std::move(col.name), col.values());
    }
    col.name = Value(lnames[c]);
    out.columns.push_back(std::move(col));
  }
  for (size_t c = 0; c < right.columns.size(); ++c) {
    const Column& src = right.columns[c];
    if (std::find(on.begin(), on.end(), src.key()) != on.end()) continue;
    Column col = take(src, *pairs, false);
    col.name = Value(rnames[c]);
    out.columns.push_back(std::move(col));
  }
  return out;
}

}  // namespace

Result<Frame> join_frames(const Frame& left, const Frame& right, const std::string& how,
                          const std::string& lsuffix, const std::string& rsuffix) {
  std::vector<Value> llabels = left.row_labels(), rlabels = right.row_labels();
  std::vector<std::string> lkeys, rkeys;
  lkeys.reserve(llabels.size());
  rkeys.reserve(rlabels.size());
  for (const auto& v : llabels) lkeys.push_back(label_key(v));
  for (const auto& v : rlabels) rkeys.push_back(label_key(v));
  auto pairs = match_rows(lkeys, rkeys, how);
  if (!pairs.ok()) return pairs.error();
  std::vector<Value> labels;
  labels.reserve(pairs->size());
  bool from_right = false, from_left = false;
  for (const auto& [i, j] : *pairs) {
    if (i != kNone) {
      labels.push_back(llabels[static_cast<size_t>(i)]);
      from_left = true;
    } else {
      labels.push_back(rlabels[static_cast<size_t>(j)]);
      from_right = true;
    }
  }
  if (how == "outer") {
    sort_outer(*pairs, labels);
    labels.clear();
    for (const auto& [i, j] : *pairs)
      labels.push_back(i != kNone ? llabels[static_cast<size_t>(i)]
                                  : rlabels[static_cast<size_t>(j)]);
  }
  std::vector<std::string> lnames, rnames;
  if (auto st = apply_suffixes(left, right, {}, lsuffix, rsuffix, lnames, rnames); !st.ok())
    return st.error();
  Frame out;
  out.columns.reserve(left.columns.size() + right.columns.size());
  for (size_t c = 0; c < left.columns.size(); ++c) {
    Column col = take(left.columns[c], *pairs, true);
    if (lnames[c] != col.key()) col.name = Value(lnames[c]);
    out.columns.push_back(std::move(col));
  }
  for (size_t c = 0; c < right.columns.size(); ++c) {
    Column col = take(right.columns[c], *pairs, false);
    if (rnames[c] != col.key()) col.name = Value(rnames[c]);
    out.columns.push_back(std::move(col));
  }
  std::string idx_dtype;
  // pandas joins an index of numbers with one of strings as object.
  auto numeric = [](const std::string& d) {
    return d == "int64" || d == "float64" || d == "uint64" || d == "int32";
  };
  const std::string ld = index_dtype(left), rd = index_dtype(right);
  if (ld != rd && !(numeric(ld) && numeric(rd)))
    idx_dtype = "object";
  else if (from_left && !from_right)
    idx_dtype = index_dtype(left);
  else if (from_right && !from_left)
    idx_dtype = index_dtype(right);
  if (labels.empty())
    idx_dtype = index_dtype(left);
  else if (idx_dtype.empty())
    idx_dtype = infer_dtype(labels);
  out.index =
      Column(left.index ? left.index->name : Value(), std::move(idx_dtype), std::move(labels));
  return out;
}

Frame concat_frames(const std::vector<Frame>& frames, bool ignore_index) {
  std::vector<std::string> order;
  std::vector<Value> names;
  for (const auto& f : frames)
    for (const auto& c : f.columns) {
      std::string k = c.key();
      if (std::find(order.begin(), order.end(), k) == order.end()) {
        order.push_back(k);
        names.push_back(c.name);
      }
    }
  Frame out;
  for (size_t n = 0; n < order.size(); ++n) {
    const std::string& key = order[n];
    std::vector<std::string> dtypes;
    bool gaps = false;
    for (const auto& f : frames) {
      const Column* c = f.find(key);
      if (c)
        dtypes.push_back(c->dtype);
      else if (f.num_rows() > 0)
        gaps = true;
    }
    std::string dtype = dtypes.empty() ? "object" : dtypes[0];
    for (const auto& d : dtypes) {
      if (d == dtype) continue;
      bool num_a = dtype == "int64" || dtype == "float64" || dtype == "uint64";
      bool num_b = d == "int64" || d == "float64" || d == "uint64";
      dtype = num_a && num_b ? "float64" : "object";
    }
    if (gaps) dtype = promote_for_gaps(dtype);
    std::vector<Value> cells;
    for (const auto& f : frames) {
      const Column* c = f.find(key);
      if (c) {
        std::vector<Value> more = c->values();
        cells.insert(cells.end(), std::make_move_iterator(more.begin()),
                     std::make_move_iterator(more.end()));
      } else {
        cells.insert(cells.end(), f.num_rows(), gap_value(dtype));
      }
    }
    if (dtype == "float64") to_float_values(cells);
    out.columns.push_back(Column(names[n], dtype, std::move(cells)));
  }
  bool any_index =
      std::any_of(frames.begin(), frames.end(), [](const Frame& f) { return f.index.has_value(); });
  if (!ignore_index && any_index) {
    Value idx_name = frames.front().index ? frames.front().index->name : Value();
    std::vector<Value> labels;
    for (const auto& f : frames) {
      if (!f.index || !(f.index->name == idx_name)) idx_name = Value();
      auto more = f.row_labels();
      labels.insert(labels.end(), more.begin(), more.end());
    }
    out.index = Column::inferred(std::move(idx_name), std::move(labels));
  }
  return out;
}

Result<Frame> read_hstack(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(frames, read_specifications(details, ctx, "hstack"));
  if (frames.empty()) return Error::value("No data sources provided for hstack.");
  const List& specs = details.find("specifications")->as_list();
  const Value* outer_index = details.find("index");
  Frame result = std::move(frames[0]);
  for (size_t k = 1; k < frames.size(); ++k) {
    const Map empty;
    const Map& spec = specs[k].is_map() ? specs[k].as_map() : empty;
    std::string how = option_string(spec, "how", "left");
    std::string lsuffix = option_string(spec, "lsuffix", "");
    std::string rsuffix = option_string(spec, "rsuffix", "_right");
    const Value* on = spec.find("on");
    if (!on || (on->is_string() && on->as_string() == "index")) {
      Frame right = std::move(frames[k]);
      if (const Value* idx = spec.find("index"))
        if (auto st = set_index_or_error(right, *idx); !st.ok()) return st.error();
      if (outer_index)
        if (auto st = set_index_or_error(result, *outer_index); !st.ok()) return st.error();
      LYN_TRY_ASSIGN(joined, join_frames(result, right, how, lsuffix, rsuffix));
      result = std::move(joined);
      if (outer_index) {
        // final_df[index] = final_df.index; reset_index(drop=True)
        Column idx = std::move(*result.index);
        result.index.reset();
        idx.name = Value(py_str(*outer_index));
        result.set_column(std::move(idx));
      }
    } else {
      std::vector<std::string> keys;
      if (on->is_list())
        for (const auto& v : on->as_list()) keys.push_back(py_str(v));
      else
        keys.push_back(py_str(*on));
      LYN_TRY_ASSIGN(merged, merge_frames(result, frames[k], keys, how, lsuffix, rsuffix));
      result = std::move(merged);
    }
  }
  return result;
}

Result<Frame> read_vstack(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(frames, read_specifications(details, ctx, "vstack"));
  if (frames.empty()) return Error::value("No data sources provided for vstack.");
  // details.get("reset_index", False), taken for its truth value.
  const Value* reset = details.find("reset_index");
  bool ignore_index = false;
  if (reset) {
    if (reset->is_bool())
      ignore_index = reset->as_bool();
    else if (reset->is_int())
      ignore_index = reset->as_int() != 0;
    else if (reset->is_string())
      ignore_index = !reset->as_string().empty();
    else
      ignore_index = !reset->is_missing();
  }
  return concat_frames(frames, ignore_index);
}

Result<Frame> read_stack(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(frames, read_specifications(details, ctx, "stack"));
  Frame out;
  for (const auto& f : frames) {
    if (f.num_rows() != 1)
      return Error::value("Each specification must result in a single row DataFrame. Got " +
                          std::to_string(f.num_rows()) + " rows");
    for (const auto& c : f.columns) {
      // final_df[col] = value: a scalar assignment infers the dtype anew.
      std::vector<Value> cell{c.at(0)};
      std::string dtype = is_nullable_dtype(c.dtype) ? c.dtype : infer_dtype(cell);
      if (cell[0].is_null() && !is_nullable_dtype(c.dtype)) dtype = "object";
      out.set_column(Column(c.name, std::move(dtype), std::move(cell)));
    }
  }
  if (out.columns.empty()) return Error::value("No data sources provided for stack.");
  return out;
}

Result<Frame> read_series(const Map& details, const IoContext& ctx) {
  const Value* index = details.find("index");
  if (!index)
    return Error::value("Field \"index\" missing in data source details for read_series.");
  const Value* specs = details.find("specifications");
  if (!specs) return Error::key("'specifications'", 400);
  LYN_TRY_ASSIGN(df, read_data(*specs, ctx));
  if (auto st = set_index_or_error(df, *index); !st.ok()) return st.error();
  // Unique labels in order of first appearance, with their rows.
  std::vector<Value> labels;
  std::vector<std::vector<size_t>> rows;
  std::unordered_map<std::string, size_t> seen;
  const std::vector<Value> index_labels = df.index->values();
  for (size_t i = 0; i < index_labels.size(); ++i) {
    const Value& v = index_labels[i];
    auto [it, inserted] = seen.emplace(label_key(v), labels.size());
    if (inserted) {
      labels.push_back(v);
      rows.emplace_back();
    }
    rows[it->second].push_back(i);
  }
  Frame out;
  out.columns.push_back(Column(Value(py_str(*index)), "object", labels));
  for (const auto& c : df.columns) {
    std::vector<Value> cells;
    cells.reserve(labels.size());
    for (const auto& rs : rows) {
      List items;
      items.reserve(rs.size());
      for (size_t r : rs) items.push_back(c.at(r));
      cells.emplace_back(std::move(items));
    }
    out.set_column(Column(c.name, "object", std::move(cells)));
  }
  return out;
}

}  // namespace lyn::access
