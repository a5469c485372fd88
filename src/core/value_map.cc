// Map, MapKey and MapBuilder (declared in core/value.h): Python's dict
// semantics for the keys a YAML or JSON document can hold.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "core/value.h"

namespace lyn {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// One string per class of Python-equal hashable values: 1, 1.0 and True
// share "i1"; aware datetimes that are the same instant share one form.
// nullopt for NaN (never equal, not even to itself) and for unhashable
// kinds.
std::optional<std::string> key_form(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "n";
    case Value::Kind::kBool:
      return v.as_bool() ? "i1" : "i0";
    case Value::Kind::kInt:
      return "i" + std::to_string(v.as_int());
    case Value::Kind::kBigInt:
      return "i" + v.as_bigint().digits;
    case Value::Kind::kFloat: {
      double d = v.as_float();
      // PyYAML's `.nan` is one shared object, so the same key each time;
      // we give it the sign bit (as its -inf/inf has on x86). Any other
      // NaN equals nothing.
      if (std::isnan(d)) return std::signbit(d) ? std::optional<std::string>("N") : std::nullopt;
      if (std::isfinite(d) && d == std::floor(d)) {
        // The exact integer, as an int equal to it would have.
        char buf[400];
        std::snprintf(buf, sizeof buf, "%.0f", d);
        std::string s = buf;
        return "i" + (s == "-0" ? std::string("0") : s);
      }
      return "f" + py_float_repr(d);
    }
    case Value::Kind::kString:
      return "s" + v.as_string();
    case Value::Kind::kBytes:
      return "b" + v.as_bytes().data;
    case Value::Kind::kDate:
      return "d" + iso_date(v.as_date());
    case Value::Kind::kDateTime: {
      const DateTime& t = v.as_datetime();
      if (!t.has_tz) return "t" + iso_datetime(t);
      int64_t days =
          days_from_civil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
      int64_t secs = ((days * 24 + t.hour) * 60 + t.minute) * 60 + t.second - t.tz_offset_seconds;
      return "z" + std::to_string(secs) + "." + std::to_string(t.microsecond);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

// ---- MapKey ----

MapKey MapKey::typed(const Value& key) {
  MapKey k(py_str(key));
  k.typed_ = std::make_shared<const Value>(key);
  return k;
}

bool MapKey::same_key(const MapKey& other) const {
  if (!typed_ || !other.typed_) return !typed_ && !other.typed_ && compare(other) == 0;
  auto a = key_form(*typed_);
  return a && a == key_form(*other.typed_);
}

Value MapKey::as_value() const {
  return typed_ ? *typed_ : Value(static_cast<const std::string&>(*this));
}

// ---- Map ----

Map::Map(std::initializer_list<Item> items) : items_(items) {}

const Value* Map::find(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (!k.typed() && k == key) return &v;
  return nullptr;
}

Value* Map::find(std::string_view key) {
  for (auto& [k, v] : items_)
    if (!k.typed() && k == key) return &v;
  return nullptr;
}

Value& Map::operator[](std::string_view key) {
  if (Value* v = find(key)) return *v;
  items_.emplace_back(MapKey(key), Value());
  return items_.back().second;
}

void Map::set(std::string_view key, Value v) {
  (*this)[key] = std::move(v);
}

const Value* Map::find_key(const MapKey& key) const {
  for (const auto& [k, v] : items_)
    if (k.same_key(key)) return &v;
  return nullptr;
}

Value* Map::find_key(const MapKey& key) {
  for (auto& [k, v] : items_)
    if (k.same_key(key)) return &v;
  return nullptr;
}

void Map::assign(MapKey key, Value v) {
  if (Value* old = find_key(key)) {
    *old = std::move(v);
    return;
  }
  items_.emplace_back(std::move(key), std::move(v));
}

void add_new_keys(const Map& m, std::vector<MapKey>& keys) {
  for (const auto& item : m)
    if (std::none_of(keys.begin(), keys.end(),
                     [&](const MapKey& k) { return k.same_key(item.first); }))
      keys.push_back(item.first);
}

bool Map::erase(std::string_view key) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (!it->first.typed() && it->first == key) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

bool Map::operator==(const Map& other) const {
  if (items_.size() != other.items_.size()) return false;
  for (size_t i = 0; i < items_.size(); ++i) {
    const MapKey &a = items_[i].first, &b = other.items_[i].first;
    if (a.compare(b) != 0 || !a.typed() != !b.typed()) return false;
    if (a.typed() && !(*a.typed() == *b.typed())) return false;
    if (!(items_[i].second == other.items_[i].second)) return false;
  }
  return true;
}

bool Tuple::operator==(const Tuple& other) const {
  return items == other.items;
}

bool Set::operator==(const Set& other) const {
  return items == other.items;
}

// ---- MapBuilder ----

void MapBuilder::assign(MapKey key, Value v) {
  // Small maps (nearly all) are searched; a hash index is built once the
  // map grows past kLinear items.
  constexpr size_t kLinear = 16;
  if (items_.size() < kLinear) {
    for (auto& item : items_) {
      if (item.first.same_key(key)) {
        item.second = std::move(v);
        return;
      }
    }
    items_.emplace_back(std::move(key), std::move(v));
    return;
  }
  if (!indexed_) {
    for (size_t i = 0; i < items_.size(); ++i) index(i);
    indexed_ = true;
  }
  if (auto found = lookup(key)) {
    items_[*found].second = std::move(v);
    return;
  }
  items_.emplace_back(std::move(key), std::move(v));
  index(items_.size() - 1);
}

std::optional<size_t> MapBuilder::lookup(const MapKey& key) const {
  if (!key.typed()) {
    auto it = string_index_.find(key);
    if (it != string_index_.end()) return it->second;
    return std::nullopt;
  }
  auto form = key_form(*key.typed());
  if (!form) return std::nullopt;  // NaN: a key of its own
  auto it = typed_index_.find(*form);
  if (it != typed_index_.end()) return it->second;
  return std::nullopt;
}

void MapBuilder::index(size_t i) {
  const MapKey& key = items_[i].first;
  if (!key.typed()) {
    string_index_.emplace(key, i);
  } else if (auto form = key_form(*key.typed())) {
    typed_index_.emplace(std::move(*form), i);
  }
}

Map MapBuilder::finish() && {
  Map m;
  m.items_ = std::move(items_);
  return m;
}

}  // namespace lyn
