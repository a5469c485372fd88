// Over 500 lines: RValue's conversions and Python's str, repr, == and < over them, which share
// helpers.
#include "assess/liquid/rvalue.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "assess/liquid/filters.h"
#include "assess/liquid/loop_state.h"
#include "core/text.h"
#include "core/utf8.h"

namespace lyn::liquid {

namespace {

bool parse_int128(std::string_view s, Int& out) {
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == s.size()) return false;
  Int v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (__builtin_mul_overflow(v, static_cast<Int>(10), &v)) return false;
    if (__builtin_add_overflow(v, static_cast<Int>(s[i] - '0'), &v)) return false;
  }
  out = neg ? -v : v;
  return true;
}

}  // namespace

RValue RValue::from(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return RValue(Nil{});
    case Value::Kind::kBool:
      return RValue(v.as_bool());
    case Value::Kind::kInt:
      return RValue(static_cast<Int>(v.as_int()));
    case Value::Kind::kFloat:
      return RValue(v.as_float());
    case Value::Kind::kString:
      return borrow(v.as_string());
    case Value::Kind::kBigInt:
      return int_from_digits(v.as_bigint().digits);
    default:
      break;
  }
  RValue r;
  r.v_ = &v;
  return r;
}

double RValue::to_double() const {
  switch (kind()) {
    case Kind::kInt:
      return static_cast<double>(as_int());
    case Kind::kFloat:
      return as_float();
    case Kind::kBig:
      return std::strtod(big_digits().c_str(), nullptr);
    default:
      return 0;
  }
}

std::string integral_str(const RValue& v) {
  return v.is_big() ? v.big_digits() : int_str(v.as_int());
}

RValue int_from_digits(std::string digits) {
  Int i;
  if (parse_int128(digits, i)) return RValue(i);
  return RValue(BigNum{std::move(digits)});
}

bool RValue::is_list() const {
  auto k = kind();
  if (k == Kind::kList || k == Kind::kRange || k == Kind::kTuple) return true;
  return k == Kind::kRef && ref()->is_list();
}

RList RValue::items() const {
  switch (kind()) {
    case Kind::kList:
    case Kind::kTuple:
      return *list_ptr();
    case Kind::kRange: {
      RList out;
      const Range& r = range();
      // A guard against templates that would exhaust memory.
      if (static_cast<Int>(r.stop) - r.start > 10'000'000) throw FilterError{"range too large"};
      for (Int i = r.start; i <= r.stop; ++i) out.emplace_back(i);
      return out;
    }
    case Kind::kRef:
      if (ref()->is_list()) {
        RList out;
        out.reserve(ref()->as_list().size());
        for (const Value& v : ref()->as_list()) out.push_back(from(v));
        return out;
      }
      return {};
    default:
      return {};
  }
}

size_t RValue::size() const {
  switch (kind()) {
    case Kind::kList:
    case Kind::kTuple:
      return list_ptr()->size();
    case Kind::kRange:
      return range().stop >= range().start
                 ? static_cast<size_t>(static_cast<Int>(range().stop) - range().start + 1)
                 : 0;
    case Kind::kStr:
    case Kind::kStrRef:
      return utf8::length(str());
    case Kind::kRef:
      if (ref()->is_list()) return ref()->as_list().size();
      if (ref()->is_map()) return ref()->as_map().size();
      return 0;
    default:
      return 0;
  }
}

std::string int_str(Int i) {
  if (i == 0) return "0";
  bool neg = i < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(i) : static_cast<unsigned __int128>(i);
  char buf[48];
  int p = 48;
  while (u) {
    buf[--p] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) buf[--p] = '-';
  return std::string(buf + p, 48 - p);
}

namespace {

void append_value_repr(std::string& out, const Value& v) {
  out += lyn::py_repr(v);
}

void append_loop_str(std::string& out, const LoopState* l) {
  out += l->tablerow ? "TableRow(" : "ForLoop(";
  out += l->name;
  out += ")";
}

}  // namespace

void append_py_str(std::string& out, const RValue& v) {
  switch (v.kind()) {
    case RValue::Kind::kUndefined:
      return;
    case RValue::Kind::kNil:
      out += "None";
      return;
    case RValue::Kind::kBool:
      out += v.as_bool() ? "True" : "False";
      return;
    case RValue::Kind::kInt:
      out += int_str(v.as_int());
      return;
    case RValue::Kind::kFloat:
      out += lyn::py_float_repr(v.as_float());
      return;
    case RValue::Kind::kStr:
    case RValue::Kind::kStrRef:
      out += v.str();
      return;
    case RValue::Kind::kRange:
      out.append("range(").append(std::to_string(v.range().start)).append(", ");
      out.append(std::to_string(v.range().stop + 1)).append(")");
      return;
    case RValue::Kind::kRef:
      out += lyn::py_str(*v.ref());
      return;
    case RValue::Kind::kList: {
      out += '[';
      bool first = true;
      for (const RValue& item : *v.list_ptr()) {
        if (!first) out += ", ";
        first = false;
        append_py_repr(out, item);
      }
      out += ']';
      return;
    }
    case RValue::Kind::kTuple: {
      const RList& items = *v.list_ptr();
      out += '(';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        append_py_repr(out, items[i]);
      }
      out += items.size() == 1 ? ",)" : ")";
      return;
    }
    case RValue::Kind::kLoop:
      append_loop_str(out, v.loop());
      return;
    case RValue::Kind::kEmpty:
    case RValue::Kind::kBlank:
      return;
    case RValue::Kind::kBig: {
      // Python refuses str() of an int past sys.get_int_max_str_digits().
      const std::string& d = v.big_digits();
      if (d.size() - (d[0] == '-') > kMaxStrDigits)
        throw FatalError{"ValueError",
                         "Exceeds the limit (4300 digits) for integer string conversion; use "
                         "sys.set_int_max_str_digits() to increase the limit"};
      out += d;
      return;
    }
  }
}

void append_py_repr(std::string& out, const RValue& v) {
  switch (v.kind()) {
    case RValue::Kind::kUndefined:
      // Only map puts one in a list (python-liquid's _NULL, for a missing
      // property): a null, whose repr python-liquid leaves as the object's
      // address; we write Python's None.
      out += "None";
      return;
    case RValue::Kind::kStr:
    case RValue::Kind::kStrRef:
      out += lyn::py_string_repr(v.str());
      return;
    case RValue::Kind::kRef:
      append_value_repr(out, *v.ref());
      return;
    default:
      append_py_str(out, v);
  }
}

std::string py_str(const RValue& v) {
  if (v.is_string()) return std::string(v.str());
  std::string out;
  append_py_str(out, v);
  return out;
}

void append_output(std::string& out, const RValue& v) {
  switch (v.kind()) {
    case RValue::Kind::kNil:
      return;
    case RValue::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case RValue::Kind::kRange:
      out += std::to_string(v.range().start) + ".." + std::to_string(v.range().stop);
      return;
    case RValue::Kind::kList:
      for (const RValue& item : *v.list_ptr()) append_py_str(out, item);
      return;
    case RValue::Kind::kRef:
      if (v.ref()->is_list()) {
        for (const Value& item : v.ref()->as_list()) out += lyn::py_str(item);
        return;
      }
      out += lyn::py_str(*v.ref());
      return;
    default:
      append_py_str(out, v);
  }
}

namespace {

// Python's `not s or s.isspace()`.
bool is_blank_string(std::string_view s) {
  for (char32_t c : utf8::decode_all(s))
    if (!py_isspace(c)) return false;
  return true;
}

// python-liquid's Empty.__eq__: an empty list, dict or str (not a range).
bool equals_empty(const RValue& v) {
  if (v.is_range()) return false;
  if (v.is_string()) return v.str().empty();
  if (v.is_list() || v.is_map()) return v.size() == 0;
  return false;
}

// Blank.__eq__: an empty or all-whitespace str, an empty list or dict (nil
// and false are not blank).
bool equals_blank(const RValue& v) {
  if (v.is_range()) return false;
  if (v.is_string()) return is_blank_string(v.str());
  if (v.is_list() || v.is_map()) return v.size() == 0;
  return false;
}

// A bool as the int Python sees in arithmetic comparisons.
RValue as_py_number(const RValue& v) {
  return v.is_bool() ? RValue(Int(v.as_bool() ? 1 : 0)) : v;
}

bool num_eq(const RValue& a, const RValue& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  if (a.is_integral() && b.is_integral()) return integral_str(a) == integral_str(b);
  double x = a.to_double(), y = b.to_double();
  return x == y;
}

// Python's `a < b` for two ints (any size): by sign, length, then digits.
bool integral_less(const RValue& a, const RValue& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int();
  std::string x = integral_str(a), y = integral_str(b);
  bool nx = !x.empty() && x[0] == '-', ny = !y.empty() && y[0] == '-';
  if (nx != ny) return nx;
  std::string_view dx = std::string_view(x).substr(nx), dy = std::string_view(y).substr(ny);
  bool less = dx.size() != dy.size() ? dx.size() < dy.size() : dx < dy;
  bool same = dx == dy;
  return nx ? (!less && !same) : less;
}

// Python range equality: the same sequence (all empty ranges are equal).
bool range_eq(const Range& x, const Range& y) {
  bool ex = x.stop < x.start, ey = y.stop < y.start;
  if (ex || ey) return ex && ey;
  return x.start == y.start && x.stop == y.stop;
}

bool map_eq(const RValue& a, const RValue& b) {
  const auto& x = a.ref()->as_map();
  const auto& y = b.ref()->as_map();
  if (x.size() != y.size()) return false;
  for (const auto& [k, v] : x) {
    const Value* w = y.find(k);
    if (!w || !py_eq(RValue::from(v), RValue::from(*w))) return false;
  }
  return true;
}

}  // namespace

// Python's `a == b` as python-liquid's values see it: bools are ints, the
// `empty` and `blank` keywords compare by their __eq__ (from either side),
// Undefined equals None and Undefined.
bool py_eq(const RValue& a, const RValue& b) {
  using K = RValue::Kind;
  K ka = a.kind(), kb = b.kind();
  bool kwa = ka == K::kEmpty || ka == K::kBlank, kwb = kb == K::kEmpty || kb == K::kBlank;
  if (kwa && kwb) return ka == kb;
  if (kwa || kwb) {
    const RValue& other = kwa ? b : a;
    return (kwa ? ka : kb) == K::kEmpty ? equals_empty(other) : equals_blank(other);
  }
  if (a.is_none() || b.is_none()) {
    // None == None; Undefined == Undefined or None; nil and undefined both.
    return a.is_none() && b.is_none();
  }
  if ((a.is_number() || a.is_bool()) && (b.is_number() || b.is_bool()))
    return num_eq(as_py_number(a), as_py_number(b));
  if (a.is_string() || b.is_string()) return a.is_string() && b.is_string() && a.str() == b.str();
  if (ka == K::kRange || kb == K::kRange)
    return ka == K::kRange && kb == K::kRange && range_eq(a.range(), b.range());
  if (a.is_list() && b.is_list()) {
    if ((ka == K::kTuple) != (kb == K::kTuple)) return false;  // (1,) != [1]
    if (ka == K::kRef && kb == K::kRef && a.ref() == b.ref()) return true;
    RList x = a.items(), y = b.items();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!py_eq(x[i], y[i])) return false;
    return true;
  }
  if (a.is_map() && b.is_map()) return a.ref() == b.ref() || map_eq(a, b);
  if (ka == K::kLoop && kb == K::kLoop) return a.loop() == b.loop();
  return false;
}

// python-liquid's _eq (`==`, `!=`, case/when): the keyword or the bool goes
// left; a bool equals only a bool; else Python's ==.
bool equals(const RValue& a, const RValue& b) {
  using K = RValue::Kind;
  const RValue* l = &a;
  const RValue* r = &b;
  if (r->kind() == K::kEmpty || r->kind() == K::kBlank) std::swap(l, r);
  if (r->is_bool()) std::swap(l, r);
  if (l->is_bool()) return r->is_bool() && l->as_bool() == r->as_bool();
  return py_eq(*l, *r);
}

// python-liquid's _lt: str with str, numbers with numbers; a bool on either
// side is never less; anything else cannot be ordered (LiquidTypeError).
bool less_than(const RValue& a, const RValue& b, bool& ok) {
  ok = true;
  if (a.is_string() && b.is_string()) return a.str() < b.str();
  if (a.is_bool() || b.is_bool()) return false;
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return integral_less(a, b);
    return a.to_double() < b.to_double();
  }
  ok = false;
  return false;
}

// python-liquid's _contains: false unless both sides are truthy; a string
// holds str(right); a list or range holds an item == right; a dict holds
// the key (an unhashable list or dict is Python's TypeError); anything
// else cannot contain (LiquidTypeError: `ok` is false).
bool contains(const RValue& a, const RValue& b, bool& ok) {
  ok = true;
  if (!a.truthy() || !b.truthy()) return false;
  if (a.is_string()) {
    std::string needle = py_str(b);
    return a.str().find(needle) != std::string_view::npos;
  }
  if (a.is_map()) {
    if (b.is_map()) throw FatalError{"TypeError", "unhashable type: 'dict'"};
    if (b.is_list() && !b.is_range()) throw FatalError{"TypeError", "unhashable type: 'list'"};
    if (b.kind() == RValue::Kind::kEmpty) throw FatalError{"TypeError", "unhashable type: 'Empty'"};
    if (b.kind() == RValue::Kind::kBlank) throw FatalError{"TypeError", "unhashable type: 'Blank'"};
    return b.is_string() && a.ref()->as_map().contains(b.str());
  }
  if (a.is_range()) {
    if (!(b.is_number() || b.is_bool())) return false;
    RValue n = as_py_number(b);
    const Range& r = a.range();
    if (r.stop < r.start) return false;
    bool lo, hi;
    bool ok2;
    lo = !less_than(n, RValue(Int(r.start)), ok2);
    hi = !less_than(RValue(Int(r.stop)), n, ok2);
    if (!(lo && hi)) return false;
    // A float is in the range only when it equals one of its ints.
    return !n.is_float() || std::floor(n.as_float()) == n.as_float();
  }
  if (a.is_list()) {
    for (const RValue& item : a.items())
      if (py_eq(item, b)) return true;
    return false;
  }
  ok = false;
  return false;
}

namespace {

RValue loop_member(const LoopState& l, std::string_view key) {
  // forloop and tablerowloop share these; then each has its own.
  int64_t i = l.index0;
  if (key == "index") return RValue(i + 1);
  if (key == "index0") return RValue(i);
  if (key == "rindex") return RValue(l.length - i);
  if (key == "rindex0") return RValue(l.length - i - 1);
  if (key == "first") return RValue(i == 0);
  if (key == "last") return RValue(i == l.length - 1);
  if (key == "length") return RValue(l.length);
  if (!l.tablerow) {
    if (key == "name") return RValue(l.name);
    if (key == "parentloop") return l.parent ? RValue(l.parent) : RValue();
    return RValue();
  }
  int64_t cols = l.cols > 0 ? l.cols : l.length;
  if (cols <= 0) cols = 1;
  int64_t col0 = i % cols;
  if (key == "col") return RValue(col0 + 1);
  if (key == "col0") return RValue(col0);
  if (key == "col_first") return RValue(col0 == 0);
  if (key == "col_last") return RValue(col0 == cols - 1 || i == l.length - 1);
  if (key == "row") return RValue(i / cols + 1);
  return RValue();
}

template <typename KV>
RValue pair_tuple(const KV& kv) {
  return RValue(Tuple{
      std::make_shared<const RList>(RList{RValue::borrow(kv.first), RValue::from(kv.second)})});
}

RValue list_member(const RValue& v, std::string_view key) {
  if (key == "size") return RValue(static_cast<int64_t>(v.size()));
  if (key == "first" || key == "last") {
    size_t n = v.size();
    if (n == 0) return RValue();  // Python's IndexError: undefined
    size_t idx = key == "first" ? 0 : n - 1;
    if (v.kind() == RValue::Kind::kRef) return RValue::from(v.ref()->as_list()[idx]);
    if (v.is_range()) return RValue(v.range().start + static_cast<int64_t>(idx));
    return (*v.list_ptr())[idx];
  }
  return RValue();
}

}  // namespace

RList map_items(const Value& map) {
  RList out;
  out.reserve(map.as_map().size());
  for (const auto& kv : map.as_map()) out.push_back(pair_tuple(kv));
  return out;
}

RValue get_member(const RValue& v, std::string_view key) {
  switch (v.kind()) {
    case RValue::Kind::kRef: {
      const Value& r = *v.ref();
      if (r.is_map()) {
        if (const Value* f = r.as_map().find(key)) return RValue::from(*f);
        if (key == "size") return RValue(static_cast<int64_t>(r.as_map().size()));
        if (key == "first" && !r.as_map().empty()) return pair_tuple(*r.as_map().begin());
        return RValue();
      }
      if (r.is_list()) return list_member(v, key);
      return RValue();
    }
    case RValue::Kind::kList:
    case RValue::Kind::kTuple:
    case RValue::Kind::kRange:
      return list_member(v, key);
    case RValue::Kind::kStr:
    case RValue::Kind::kStrRef:
      if (key == "size") return RValue(static_cast<int64_t>(v.size()));
      return RValue();
    case RValue::Kind::kLoop:
      return loop_member(*v.loop(), key);
    default:
      return RValue();
  }
}

RValue get_index(const RValue& v, const RValue& key) {
  if (key.is_string()) return get_member(v, key.str());
  if (!key.is_int() || !v.is_list()) return RValue();
  Int n = static_cast<Int>(v.size());
  Int i = key.as_int();
  if (i < 0) i += n;
  if (i < 0 || i >= n) return RValue();
  switch (v.kind()) {
    case RValue::Kind::kRef:
      return RValue::from(v.ref()->as_list()[static_cast<size_t>(i)]);
    case RValue::Kind::kRange:
      return RValue(v.range().start + static_cast<int64_t>(i));
    default:
      return (*v.list_ptr())[static_cast<size_t>(i)];
  }
}

}  // namespace lyn::liquid
