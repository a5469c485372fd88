// RValue: the Liquid engine's runtime value. It wraps what a template sees
// while rendering: undefined, nil, bool, Python int (__int128, or decimal
// digits beyond that), float, strings (owned or borrowed
// from the render context), ranges, references to context lists / hashes /
// dates, lists built by filters, and the forloop drop.
//
// Conversions follow Python as python-liquid sees it: py_str() is `str()`,
// output() is what `{{ x }}` writes, truthy() is Liquid truthiness.
//
// Thread safety: a plain value type. Borrowed strings and references point
// into the render context, which must outlive the value; concurrent const
// access is safe.
#ifndef LYNGUINE_ASSESS_LIQUID_RVALUE_H_
#define LYNGUINE_ASSESS_LIQUID_RVALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/value.h"

namespace lyn::liquid {

using Int = __int128;

struct Undefined {};
struct Nil {};
// The `empty` and `blank` keywords.
struct EmptyKw {};
struct BlankKw {};
// A Python int beyond __int128, as signed decimal digits.
struct BigNum {
  std::string digits;
};
struct Range {
  int64_t start = 0, stop = 0;  // inclusive
};
struct LoopState;

class RValue;
using RList = std::vector<RValue>;
using RListPtr = std::shared_ptr<const RList>;
// A Python tuple: what iterating a mapping yields, (key, value). A sequence
// like a list, except that str() gives `('k', 1)` and a tuple never equals
// a list.
struct Tuple {
  RListPtr items;
};

class RValue {
 public:
  enum class Kind {
    kUndefined,
    kNil,
    kBool,
    kInt,
    kFloat,
    kStr,
    kStrRef,
    kRange,
    kRef,
    kList,
    kLoop,
    kEmpty,
    kBlank,
    kBig,
    kTuple
  };

  RValue() = default;
  RValue(Nil) : v_(Nil{}) {}
  RValue(EmptyKw) : v_(EmptyKw{}) {}
  RValue(BlankKw) : v_(BlankKw{}) {}
  RValue(bool b) : v_(b) {}
  RValue(Int i) : v_(i) {}
  RValue(int64_t i) : v_(static_cast<Int>(i)) {}
  RValue(int i) : v_(static_cast<Int>(i)) {}
  RValue(double d) : v_(d) {}
  RValue(std::string s) : v_(std::move(s)) {}
  static RValue borrow(std::string_view s) {
    RValue r;
    r.v_ = s;
    return r;
  }
  RValue(Range r) : v_(r) {}
  RValue(BigNum b) : v_(std::move(b)) {}
  RValue(RListPtr l) : v_(std::move(l)) {}
  RValue(RList l) : v_(std::make_shared<const RList>(std::move(l))) {}
  RValue(Tuple t) : v_(std::move(t)) {}
  RValue(const LoopState* l) : v_(l) {}
  // Scalars are unpacked; strings are borrowed; containers are referenced.
  static RValue from(const Value& v);

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_undefined() const { return kind() == Kind::kUndefined; }
  bool is_nil() const { return kind() == Kind::kNil; }
  // Nil or undefined: Python's None for filters.
  bool is_none() const { return is_undefined() || is_nil(); }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_float() const { return kind() == Kind::kFloat; }
  bool is_big() const { return kind() == Kind::kBig; }
  // int (any size) or float; bools are not numbers here.
  bool is_number() const { return is_int() || is_float() || is_big(); }
  bool is_integral() const { return is_int() || is_big(); }
  bool is_string() const { return kind() == Kind::kStr || kind() == Kind::kStrRef; }
  bool is_range() const { return kind() == Kind::kRange; }
  bool is_tuple() const { return kind() == Kind::kTuple; }
  // A sequence: a list from the context, a built list, a tuple or a range.
  bool is_list() const;
  bool is_map() const { return ref() && ref()->is_map(); }
  const Value* ref() const { return kind() == Kind::kRef ? std::get<const Value*>(v_) : nullptr; }

  bool as_bool() const { return std::get<bool>(v_); }
  Int as_int() const { return std::get<Int>(v_); }
  double as_float() const { return std::get<double>(v_); }
  double to_double() const;
  const std::string& big_digits() const { return std::get<BigNum>(v_).digits; }
  std::string_view str() const {
    return kind() == Kind::kStr ? std::string_view(std::get<std::string>(v_))
                                : std::get<std::string_view>(v_);
  }
  const Range& range() const { return std::get<Range>(v_); }
  // The items of a built list or a tuple.
  const RListPtr& list_ptr() const {
    return kind() == Kind::kTuple ? std::get<Tuple>(v_).items : std::get<RListPtr>(v_);
  }
  const LoopState* loop() const { return std::get<const LoopState*>(v_); }

  // Items of a sequence (list, range, context list) as RValues.
  RList items() const;
  // Number of items of a sequence, characters of a string, keys of a map.
  size_t size() const;

  // Liquid truthiness: everything but undefined, nil and false.
  bool truthy() const {
    auto k = kind();
    return !(k == Kind::kUndefined || k == Kind::kNil || (k == Kind::kBool && !as_bool()));
  }

 private:
  std::variant<Undefined, Nil, bool, Int, double, std::string, std::string_view, Range,
               const Value*, RListPtr, const LoopState*, EmptyKw, BlankKw, BigNum, Tuple>
      v_;
};

// Python's default sys.get_int_max_str_digits(): longer ints have no str().
constexpr size_t kMaxStrDigits = 4300;

// Decimal digits of a 128-bit integer.
std::string int_str(Int i);
// Decimal digits of any int RValue (int or big).
std::string integral_str(const RValue& v);
// An int RValue from digits: __int128 when it fits, else a BigNum.
RValue int_from_digits(std::string digits);
// Python str() and repr().
std::string py_str(const RValue& v);
void append_py_str(std::string& out, const RValue& v);
void append_py_repr(std::string& out, const RValue& v);
// What `{{ v }}` writes.
void append_output(std::string& out, const RValue& v);

// Python's `==` (bools are ints; `empty`/`blank` by their __eq__; undefined
// equals nil): what filters such as where and uniq compare with.
bool py_eq(const RValue& a, const RValue& b);
// python-liquid's _eq, the template's `==` and case/when.
bool equals(const RValue& a, const RValue& b);
// python-liquid's _lt; sets `ok` false when the two cannot be ordered (a
// LiquidTypeError: LAX mode drops the node).
bool less_than(const RValue& a, const RValue& b, bool& ok);
// python-liquid's `contains`; `ok` as for less_than. Throws FatalError
// (Python's TypeError) for a list or dict looked up in a dict.
bool contains(const RValue& a, const RValue& b, bool& ok);

// The (key, value) tuples of a mapping, in order: what `for` and `first`
// see of a hash.
RList map_items(const Value& map);

// Member lookup: `v.key` / `v[key]`, with size/first/last (a hash's first
// is its first (key, value) tuple). Undefined when missing.
RValue get_member(const RValue& v, std::string_view key);
RValue get_index(const RValue& v, const RValue& key);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_RVALUE_H_
