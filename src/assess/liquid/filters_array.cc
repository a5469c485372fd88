// Array filters: python-liquid's, with Python's sorting and equality.
#include <algorithm>

#include "assess/liquid/bigint.h"
#include "assess/liquid/decimal.h"
#include "assess/liquid/filter_util.h"
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
    for (const RValue& k : keys) lowered.push_back(k.is_string() ? py_lower(k.str()) : "");
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

RValue sort_impl(const RValue& in, const Args& a, bool natural) {
  RList items = in_list(in);
  RList keys;
  if (!a.empty() && a[0].truthy()) {
    std::string key = py_str(a[0]);
    for (const RValue& item : items)
      keys.push_back(has_key(item, key) ? item_get(item, key) : RValue(kMaxChar));
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
  }
  return RValue(out);
}

RValue f_first(const RValue& in, const Args&, const KwArgs&) {
  if (!in.is_list()) return RValue(Nil{});
  return get_member(in, "first");
}
RValue f_last(const RValue& in, const Args&, const KwArgs&) {
  if (!in.is_list()) return RValue(Nil{});
  return get_member(in, "last");
}

RValue f_concat(const RValue& in, const Args& a, const KwArgs&) {
  if (!a[0].is_list()) throw FilterError{"concat expected an array"};
  RList out = in_list(in);
  for (RValue& v : a[0].items()) out.push_back(std::move(v));
  return RValue(std::move(out));
}

RValue f_map(const RValue& in, const Args& a, const KwArgs&) {
  std::string key = py_str(a[0]);
  RList out;
  for (const RValue& item : in_list(in)) {
    if (item.is_map() || item.is_none() || item.is_string())
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
  auto num = [](const RValue& v) { return v.is_bool() ? RValue(Int(v.as_bool())) : v; };
  if ((a.is_number() || a.is_bool()) && (b.is_number() || b.is_bool()))
    return equals(num(a), num(b));
  return equals(a, b);
}

RValue f_uniq(const RValue& in, const Args& a, const KwArgs&) {
  RList out;
  std::string key = a.empty() ? "" : py_str(a[0]);
  RList seen;
  for (const RValue& item : in_list(in)) {
    if (item.is_list() || (item.is_map() && a.empty())) throw FilterError{"unhashable type"};
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
    const RValue v = a.empty() ? item : item_get(item, key);
    if (!v.is_none()) out.push_back(item);
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

RValue where_impl(const RValue& in, const Args& a, bool keep) {
  std::string key = py_str(a[0]);
  RList out;
  bool by_value = a.size() > 1 && py_truthy(a[1]);
  for (const RValue& item : in_list(in)) {
    RValue v = item_get(item, key);
    bool match = by_value ? equals(v, a[1]) : !py_falsy_none(v);
    if (match == keep) out.push_back(item);
  }
  return RValue(std::move(out));
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
    for (const RValue& item : items)
      vals.push_back(has_key(item, key) ? item_get(item, key) : RValue(0));
  } else {
    vals = items;
  }
  bool all_numeric = true;
  for (const RValue& v : vals)
    if (!(v.is_number() || v.is_bool())) all_numeric = false;
  if (all_numeric) {
    RValue acc(0);
    for (const RValue& v0 : vals) {
      RValue v = v0.is_bool() ? RValue(Int(v0.as_bool())) : v0;
      Int r;
      if (acc.is_int() && v.is_int() && !__builtin_add_overflow(acc.as_int(), v.as_int(), &r)) {
        acc = RValue(r);
      } else if (acc.is_integral() && v.is_integral()) {
        acc = int_from_digits(big_add(integral_str(acc), integral_str(v)));
      } else {
        acc = RValue(acc.to_double() + v.to_double());
      }
    }
    return acc;
  }
  // Python's sum() fails on a string: python-liquid retries with Decimal.
  RValue acc(0);
  bool is_float = false;
  for (const RValue& v : vals) {
    RValue n;
    if (v.is_number()) {
      n = v;
    } else if (v.is_bool()) {
      throw FatalError{"InvalidOperation", "[<class 'decimal.ConversionSyntax'>]"};
    } else {
      auto f = v.is_string() ? parse_py_float(v.str()) : std::nullopt;
      if (!f) throw FatalError{"InvalidOperation", "[<class 'decimal.ConversionSyntax'>]"};
      auto i = parse_py_int(v.str());
      n = i ? RValue(*i) : RValue(*f);
    }
    if (n.is_float()) is_float = true;
    acc = RValue(decimal_op(acc, n, DecimalOp::kAdd));
  }
  (void)is_float;
  return acc;
}

}  // namespace

const std::vector<FilterDef>& array_filters() {
  static const std::vector<FilterDef> defs = {
      {"join", f_join, 0, 1},   {"first", f_first, 0, 0},
      {"last", f_last, 0, 0},   {"concat", f_concat, 1, 1},
      {"map", f_map, 1, 1},     {"reverse", f_reverse, 0, 0},
      {"sort", f_sort, 0, 1},   {"sort_natural", f_sort_natural, 0, 1},
      {"uniq", f_uniq, 0, 1},   {"compact", f_compact, 0, 1},
      {"where", f_where, 1, 2}, {"reject", f_reject, 1, 2},
      {"sum", f_sum, 0, 1},
  };
  return defs;
}

}  // namespace lyn::liquid
