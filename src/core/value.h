// Value: one datum as lynguine holds it after reading YAML, JSON, CSV or a
// request body: null (Python None), bool, int, an integer beyond 64 bits,
// float (NaN and infinities included), string, date, datetime, list and an
// insertion-ordered map; plus the three Python types that only YAML's
// explicit tags produce: bytes (`!!binary`), tuple (the pairs of `!!omap`
// and `!!pairs`) and set (`!!set`).
//
// It prints as Python prints the same object (`str()` for lamd output,
// `repr()` inside containers) and encodes as JSON the way lynguine's server
// does, except that non-finite floats become `null` (see json.h).
//
// Thread safety: a Value is a plain value type. Concurrent const access is
// safe; mutation needs external synchronisation, as for std::vector.
#ifndef LYNGUINE_CORE_VALUE_H_
#define LYNGUINE_CORE_VALUE_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace lyn {

struct Date {
  int year = 1970, month = 1, day = 1;
  bool operator==(const Date&) const = default;
  auto operator<=>(const Date&) const = default;
};

struct DateTime {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  bool has_tz = false;
  int tz_offset_seconds = 0;  // east of UTC, when has_tz
  bool operator==(const DateTime&) const = default;
};

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// Integers too large for int64, kept as their decimal digits (with sign).
struct BigInt {
  std::string digits;
  bool operator==(const BigInt&) const = default;
};

// Python bytes (YAML's `!!binary`).
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

class Value;
using List = std::vector<Value>;

// A Python tuple or set, items in the order read (a set's items are
// distinct). Python prints a set in hash order, which for strings changes
// from run to run; we print the order read.
struct Tuple {
  List items;
  bool operator==(const Tuple& other) const;
};
struct Set {
  List items;
  bool operator==(const Set& other) const;
};

// A map key. Nearly always a string. A YAML key that is not a string
// (`1:`, `true:`, `null:`, `2024-01-01:`) keeps its typed value as well, so
// that it prints as Python prints it (`{1: 'a'}`) and, as in Python, never
// matches a lookup by string; the string itself holds Python's str() of the
// key for callers that only know string keys (column names, messages).
class MapKey : public std::string {
 public:
  MapKey() = default;
  MapKey(std::string s) : std::string(std::move(s)) {}
  MapKey(const char* s) : std::string(s) {}
  MapKey(std::string_view s) : std::string(s) {}
  // A key that is not a string (never a string, list or map value).
  static MapKey typed(const Value& key);
  // The typed key; nullptr for a string key.
  const Value* typed() const { return typed_.get(); }
  // Python's `==` between keys: 1, 1.0 and True are the same key; a string
  // key never equals a typed one.
  bool same_key(const MapKey& other) const;
  // The key as a value, as pandas labels a column by it: the typed key, or
  // the string.
  Value as_value() const;

 private:
  std::shared_ptr<const Value> typed_;
};

// An insertion-ordered map, as Python's dict. Linear lookup: the maps
// lynguine handles (front matter, records) are small.
class Map {
 public:
  using Item = std::pair<MapKey, Value>;
  Map() = default;
  Map(std::initializer_list<Item> items);

  // Lookups by string see only string keys.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Inserts a null value at the end when the key is new.
  Value& operator[](std::string_view key);
  // Replaces in place (keeping position) or appends.
  void set(std::string_view key, Value v);
  // Python's `d[key]` for any key: a typed key finds an equal typed key
  // (1, 1.0, True), a string key only the same string.
  const Value* find_key(const MapKey& key) const;
  Value* find_key(const MapKey& key);
  // Python's `d[key] = v` for any key: an equal key keeps its place and its
  // first spelling (`{1: 'a', True: 'b'}` is `{1: 'b'}`).
  void assign(MapKey key, Value v);
  bool erase(std::string_view key);

  // size/empty/reserve are defined after Value (clang instantiates
  // vector<Item> members eagerly and needs Value complete there).
  size_t size() const;
  bool empty() const;
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  void reserve(size_t n);
  bool operator==(const Map& other) const;

 private:
  friend class MapBuilder;
  std::vector<Item> items_;
};

// Appends the keys of `m` that `keys` lacks (Python's ==): the union of
// several dicts' keys, first seen first, as pandas collects columns.
void add_new_keys(const Map& m, std::vector<MapKey>& keys);

// Builds a Map as Python builds a dict from a parser's key/value pairs (a
// repeated key keeps its first place and spelling and takes the last
// value), in time linear in the number of pairs, so that a document with a
// million keys costs a million steps, not a trillion.
class MapBuilder {
 public:
  void assign(MapKey key, Value v);
  Map finish() &&;

 private:
  std::optional<size_t> lookup(const MapKey& key) const;
  void index(size_t i);

  std::vector<Map::Item> items_;
  bool indexed_ = false;
  std::unordered_map<std::string, size_t> string_index_;
  std::unordered_map<std::string, size_t> typed_index_;  // by the key's Python equality class
};

class Value {
 public:
  enum class Kind {
    kNull,
    kBool,
    kInt,
    kBigInt,
    kFloat,
    kString,
    kDate,
    kDateTime,
    kList,
    kMap,
    kBytes,
    kTuple,
    kSet
  };
  // How many kinds there are (kSet is the last): the size of a table indexed
  // by Kind.
  static constexpr size_t kKindCount = static_cast<size_t>(Kind::kSet) + 1;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Date d) : v_(d) {}
  Value(DateTime d) : v_(d) {}
  Value(BigInt b) : v_(std::move(b)) {}
  Value(List l) : v_(std::move(l)) {}
  Value(Map m) : v_(std::move(m)) {}
  Value(Bytes b) : v_(std::move(b)) {}
  Value(Tuple t) : v_(std::move(t)) {}
  Value(Set s) : v_(std::move(s)) {}

  static Value nan();

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_float() const { return kind() == Kind::kFloat; }
  bool is_number() const { return is_int() || is_float() || kind() == Kind::kBigInt; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_date() const { return kind() == Kind::kDate; }
  bool is_datetime() const { return kind() == Kind::kDateTime; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_bytes() const { return kind() == Kind::kBytes; }
  // NaN float: pandas' marker for a missing value.
  bool is_nan() const;
  // Null or NaN: what pandas' isna() reports.
  bool is_missing() const { return is_null() || is_nan(); }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  // Int, BigInt or float as a double.
  double to_double() const;
  const BigInt& as_bigint() const { return std::get<BigInt>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const Date& as_date() const { return std::get<Date>(v_); }
  const DateTime& as_datetime() const { return std::get<DateTime>(v_); }
  const List& as_list() const { return std::get<List>(v_); }
  List& as_list() { return std::get<List>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  Map& as_map() { return std::get<Map>(v_); }
  const Bytes& as_bytes() const { return std::get<Bytes>(v_); }
  const Tuple& as_tuple() const { return std::get<Tuple>(v_); }
  const Set& as_set() const { return std::get<Set>(v_); }

  // Map field lookup; nullptr when not a map or the key is absent.
  const Value* get(std::string_view key) const;

  // Structural equality; NaN equals NaN here (used by tests and caches).
  bool operator==(const Value& other) const;

 private:
  std::variant<std::monostate, bool, int64_t, BigInt, double, std::string, Date, DateTime, List,
               Map, Bytes, Tuple, Set>
      v_;
};

inline size_t Map::size() const {
  return items_.size();
}
inline bool Map::empty() const {
  return items_.empty();
}
inline void Map::reserve(size_t n) {
  items_.reserve(n);
}

// Python's str() of the value: strings bare, containers with repr() items.
std::string py_str(const Value& v);
// Python's repr() of the value.
std::string py_repr(const Value& v);
// Python's truthiness: None, False, 0, 0.0, "", [] and {} are false.
bool py_truthy(const Value& v);
// type(v).__name__ as Python's error messages name it: `str`, `int`,
// `NoneType`, `list`, `dict`, `datetime.date`, ...
std::string py_type_name(const Value& v);
// Python's repr() of a float: shortest round-trip, `3.0`, `1e+20`, `inf`.
std::string py_float_repr(double d);
void append_py_float_repr(std::string& out, double d);
// The same written to raw memory with room for kMaxFloatRepr bytes; returns
// the end.
inline constexpr size_t kMaxFloatRepr = 32;
char* write_py_float_repr(char* p, double d);
// Python's repr() of a string, with its choice of quotes and escapes.
std::string py_string_repr(std::string_view s);
// Python's repr() of bytes: `b'\x00a'`.
std::string py_bytes_repr(std::string_view b);
// The value with dates and datetimes replaced by their isoformat() strings,
// inside lists and maps too (lynguine's _make_json_serializable).
Value with_iso_dates(const Value& v);

// Heap and inline bytes a Value holds (for cache budgets; approximate:
// allocator overhead is not counted).
size_t approx_value_bytes(const Value& v);

// ISO forms as Python's isoformat(): `2025-06-02`, `2025-06-02T08:00:00+00:00`.
std::string iso_date(const Date& d);
std::string iso_datetime(const DateTime& d, char sep = 'T');

}  // namespace lyn

#endif  // LYNGUINE_CORE_VALUE_H_
