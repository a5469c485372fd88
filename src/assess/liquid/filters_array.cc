// Array filters: python-liquid's, with Python's sorting and equality.
#include <algorithm>

#include "assess/liquid/bigint.h"
#include "assess/liquid/decimal.h"
#include "assess/liquid/filter_util.h"
#include "assess/liquid/limits.h"
#include "assess/liquid/number.h"
#include "core/case.h"

namespace lyn::liquid {

namespace {

// Python's chr(0x10FFFF): the sort key of items missing the sort property.
const std::string kMaxChar = "\xF4\x8F\xBF\xBF";

RValue item_get(const RValue& item, std::string_view key) {
  if (item.is_map()) {
    if (const Value* v = item.ref()->as_map().find(key)) return RValue::from(*v);
  }
  return RValue();
}

bool has_key(const RValue& item, std::string_view key) {
  return item.is_map() && item.ref()->as_map().contains(key);
}

// python-liquid's FilterItemTypeError: reading a property of None makes the
// whole sequence filter return None.
struct NilItem {};

// python-liquid's _getitem(item, key, default) for a string key: a mapping's
// value or `dflt`; a string that contains the key gives the key; lists give
// `dflt`; None is NilItem; a number or bool cannot be read (an error LAX
// mode swallows).
RValue attr_of(const RValue& item, std::string_view key, const RValue& dflt) {
  if (item.is_map()) return has_key(item, key) ? item_get(item, key) : dflt;
  if (item.is_string())
    return item.str().find(key) != std::string_view::npos ? RValue(std::string(key)) : dflt;
  if (item.is_nil()) throw NilItem{};
  // Nor can numbers, bools, the empty/blank keywords or map's missing item
  // (undefined here, python-liquid's _Null) be read.
  if (item.is_number() || item.is_bool() || item.kind() == RValue::Kind::kEmpty ||
      item.kind() == RValue::Kind::kBlank || item.is_undefined())
    throw FilterError{"'" + py_str(item) + "' object is not subscriptable"};
  return dflt;
}

// Python ordering for sort: numbers with numbers, strings with strings.
void check_sortable(const RList& keys) {
  bool any_num = false, any_str = false;
  for (const RValue& k : keys) {
    if (k.is_number() || k.is_bool())
      any_num = true;
    else if (k.is_string())
      any_str = true;
    else if (keys.size() > 1)
      throw FilterError{"can't sort sequence"};
  }
  if (any_num && any_str) throw FilterError{"can't sort sequence"};
}

bool key_less(const RValue& a, const RValue& b) {
  if (a.is_string() && b.is_string()) return a.str() < b.str();
  auto num = [](const RValue& v) { return v.is_bool() ? RValue(Int(v.as_bool())) : v; };
  bool ok;
  return less_than(num(a), num(b), ok);
}

RList sorted_by(const RList& items, RList keys, bool natural) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (natural) {
    std::vector<std::string> lowered;
    // python-liquid's _lower: str(key).lower(), numbers and None included.
    for (const RValue& k : keys) lowered.push_back(py_lower(py_str(k)));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return lowered[x] < lowered[y]; });
  } else {
    check_sortable(keys);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return key_less(keys[x], keys[y]); });
  }
  RList out;
  out.reserve(items.size());
  for (size_t i : order) out.push_back(items[i]);
  return out;
}

// Python's truth of a filter argument (`if key:`): '', 0 and empty
// sequences are false too.
bool py_arg_truthy(const RValue& v) {
  if (!v.truthy()) return false;
  if (v.is_number()) return v.to_double() != 0;
  if (v.is_string() || v.is_list() || v.is_map()) return v.size() != 0;
  return true;
}

RValue sort_impl(const RValue& in, const Args& a, bool natural) {
  RList items = in_list(in);
  RList keys;
  if (!a.empty() && py_arg_truthy(a[0])) {
    std::string key = py_str(a[0]);
    for (const RValue& item : items) keys.push_back(attr_of(item, key, RValue(kMaxChar)));
  } else {
    keys = items;
  }
  return RValue(sorted_by(items, std::move(keys), natural));
}

RValue f_sort(const RValue& in, const Args& a, const KwArgs&) {
  return sort_impl(in, a, false);
}
RValue f_sort_natural(const RValue& in, const Args& a, const KwArgs&) {
  return sort_impl(in, a, true);
}

RValue f_join(const RValue& in, const Args& a, const KwArgs&) {
  std::string sep = a.empty() ? " " : py_str(a[0]);
  std::string out;
  bool first = true;
  for (const RValue& item : in_list(in)) {
    if (!first) out += sep;
    first = false;
    append_py_str(out, item);
    check_value_size(out.size(), "join");  // each step adds at most one value
  }
  return RValue(out);
}

RValue f_first(const RValue& in, const Args&, const KwArgs&) {
  // A hash's first item is its first (key, value) tuple; undefined[0] is
  // undefined.
  if (in.is_undefined()) return in;
  if (!in.is_list() && !in.is_map()) return RValue(Nil{});
  RValue v = get_member(in, "first");
  return v.is_undefined() ? RValue(Nil{}) : v;
}
RValue f_last(const RValue& in, const Args&, const KwArgs&) {
  if (in.is_undefined()) return in;
  if (!in.is_list()) return RValue(Nil{});
  RValue v = get_member(in, "last");  // an empty list's is None here
  return v.is_undefined() ? RValue(Nil{}) : v;
}

RValue f_concat(const RValue& in, const Args& a, const KwArgs&) {
  if (!a[0].is_list()) throw FilterError{"concat expected an array"};
  RList out = in_list(in);
  check_value_size((out.size() + a[0].size()) * sizeof(RValue), "concat");
  for (RValue& v : a[0].items()) out.push_back(std::move(v));
  return RValue(std::move(out));
}

RValue f_map(const RValue& in, const Args& a, const KwArgs&) {
  std::string key = py_str(a[0]);
  RList out;
  for (const RValue& item : in_list(in)) {
    if (item.is_nil()) throw NilItem{};  // the filter's result is None
    if (item.is_string())                // a string that contains the key gives the key
      out.push_back(item.str().find(key) != std::string_view::npos ? RValue(key) : RValue());
    else if (item.is_map())
      out.push_back(item_get(item, key));
    else if (item.is_list())
      out.push_back(get_member(item, key));
    else
      throw FilterError{"can't map sequence"};
  }
  return RValue(std::move(out));
}

RValue f_reverse(const RValue& in, const Args&, const KwArgs&) {
  RList out = in_list(in);
  std::reverse(out.begin(), out.end());
  return RValue(std::move(out));
}

// Python hash equality for uniq: 1 == 1.0 == True, "1" differs.
bool hash_equal(const RValue& a, const RValue& b) {
  return py_eq(a, b);
}

RValue f_uniq(const RValue& in, const Args& a, const KwArgs&) {
  RList out;
  std::string key = a.empty() ? "" : py_str(a[0]);
  RList seen;
  // Compared with ==, as list.index does (nothing is hashed).
  for (const RValue& item : in_list(in)) {
    // obj[key]: only a mapping can be read (a missing key is MISSING).
    if (!a.empty() && !item.is_map()) throw FilterError{"can't read property of " + py_str(item)};
    RValue k = a.empty() ? item : item_get(item, key);
    bool dup = false;
    for (const RValue& s : seen)
      if (hash_equal(s, k)) {
        dup = true;
        break;
      }
    if (!dup) {
      seen.push_back(k);
      out.push_back(item);
    }
  }
  return RValue(std::move(out));
}

RValue f_compact(const RValue& in, const Args& a, const KwArgs&) {
  RList out;
  std::string key = a.empty() ? "" : py_str(a[0]);
  for (const RValue& item : in_list(in)) {
    if (a.empty()) {
      if (!item.is_nil()) out.push_back(item);
      continue;
    }
    // itm[key]: only a mapping can be read, and a key it lacks is Python's
    // KeyError, which python-liquid does not catch (the render fails).
    if (!item.is_map()) throw FilterError{"can't read property '" + key + "'"};
    if (!has_key(item, key)) throw FatalError{"KeyError", py_string_repr(key)};
    if (!item_get(item, key).is_nil()) out.push_back(item);
  }
  return RValue(std::move(out));
}

// Python's `x not in (False, None)`: 0 and 0.0 equal False.
bool py_falsy_none(const RValue& v) {
  if (v.is_none()) return true;
  if (v.is_bool()) return !v.as_bool();
  if (v.is_number()) return v.to_double() == 0;
  return false;
}

bool py_truthy(const RValue& v) {
  if (v.is_none()) return false;
  if (v.is_bool()) return v.as_bool();
  if (v.is_number()) return v.to_double() != 0;
  if (v.is_string() || v.is_list() || v.is_map()) return v.size() != 0;
  return true;
}

// python-liquid's where / reject / find / find_index / has: items whose
// `attr` equals `value` when one is given (not nil or undefined: false and
// 0 are values), else whose `attr` is not in (False, None).
bool attr_matches(const RValue& item, const std::string& key, const Args& a) {
  RValue v = attr_of(item, key, RValue(Nil{}));
  bool by_value = a.size() > 1 && !a[1].is_none();
  return by_value ? py_eq(v, a[1]) : !py_falsy_none(v);
}

RValue where_impl(const RValue& in, const Args& a, bool keep) {
  if (!keep && a[0].is_none()) return RValue(RList{});  // reject without attr
  std::string key = py_str(a[0]);
  RList out;
  for (const RValue& item : in_list(in))
    if (attr_matches(item, key, a) == keep) out.push_back(item);
  return RValue(std::move(out));
}

RValue f_find(const RValue& in, const Args& a, const KwArgs&) {
  std::string key = py_str(a[0]);
  for (const RValue& item : in_list(in))
    if (attr_matches(item, key, a)) return item;
  return RValue(Nil{});
}

RValue f_find_index(const RValue& in, const Args& a, const KwArgs&) {
  std::string key = py_str(a[0]);
  Int i = 0;
  for (const RValue& item : in_list(in)) {
    if (attr_matches(item, key, a)) return RValue(i);
    ++i;
  }
  return RValue(Nil{});
}

RValue f_has(const RValue& in, const Args& a, const KwArgs&) {
  std::string key = py_str(a[0]);
  for (const RValue& item : in_list(in))
    // any(items that match): a matching item counts only when truthy.
    if (attr_matches(item, key, a) && py_truthy(item)) return RValue(true);
  return RValue(false);
}

RValue f_where(const RValue& in, const Args& a, const KwArgs&) {
  return where_impl(in, a, true);
}
RValue f_reject(const RValue& in, const Args& a, const KwArgs&) {
  return where_impl(in, a, false);
}

RValue f_sum(const RValue& in, const Args& a, const KwArgs&) {
  RList items = in_list(in);
  RList vals;
  if (!a.empty() && a[0].truthy()) {
    std::string key = py_str(a[0]);
    for (const RValue& item : items) {
      try {
        vals.push_back(attr_of(item, key, RValue(0)));
      } catch (...) {  // FilterError or NilItem
        // Python converts each value as it reads it: a value before this
        // item that is no number fails first (InvalidOperation).
        decimal_sum(vals);
        throw;
      }
    }
  } else {
    vals = items;
  }
  // python-liquid adds decimal_arg() of each item: [0.1, 0.2] sums to 0.3.
  return decimal_sum(vals);
}

}  // namespace

// The filters that read items' properties, returning None on NilItem.
template <RValue (*F)(const RValue&, const Args&, const KwArgs&)>
RValue nil_on_none_item(const RValue& in, const Args& a, const KwArgs& kw) {
  try {
    return F(in, a, kw);
  } catch (const NilItem&) {
    return RValue(Nil{});
  }
}

const std::vector<FilterDef>& array_filters() {
  static const std::vector<FilterDef> defs = {
      {"join", f_join, 0, 1},
      {"first", f_first, 0, 0},
      {"last", f_last, 0, 0},
      {"concat", f_concat, 1, 1},
      {"map", nil_on_none_item<f_map>, 1, 1},
      {"reverse", f_reverse, 0, 0},
      {"sort", nil_on_none_item<f_sort>, 0, 1},
      {"sort_natural", nil_on_none_item<f_sort_natural>, 0, 1},
      {"uniq", f_uniq, 0, 1},
      {"compact", f_compact, 0, 1},
      {"where", nil_on_none_item<f_where>, 1, 2},
      {"reject", nil_on_none_item<f_reject>, 1, 2},
      {"sum", nil_on_none_item<f_sum>, 0, 1},
      {"find", nil_on_none_item<f_find>, 1, 2},
      {"find_index", nil_on_none_item<f_find_index>, 1, 2},
      {"has", nil_on_none_item<f_has>, 1, 2},
  };
  return defs;
}

}  // namespace lyn::liquid
