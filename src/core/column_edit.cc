// Column's writes: set, push_back, resize, take and append, keeping the
// typed storage when the new cells fit it (see the contract in column.h).
#include <limits>
#include <stdexcept>

#include "core/column.h"
#include "core/column_data.h"

namespace lyn {

using namespace column_storage;

// A typed column with no missing cell yet adopts the marker `v` brings.
bool Column::fits(Data& d, const Value& v, bool& is_missing) {
  is_missing = false;
  if (d.kind == ColumnKind::kObject) return true;
  if (d.kind == ColumnKind::kFloat) {
    if (v.is_float()) return true;
    if (v.is_null() && (d.missing == Missing::kNone || d.valid.all_valid())) {
      d.missing = Missing::kNone;
      is_missing = true;
      return true;
    }
    return false;
  }
  if (v.is_null() || v.is_nan()) {
    Missing m = v.is_null() ? Missing::kNone : Missing::kNaN;
    if (d.valid.all_valid()) d.missing = m;
    is_missing = d.missing == m;
    return is_missing;
  }
  int64_t enc;
  switch (d.kind) {
    case ColumnKind::kInt:
      return v.is_int();
    case ColumnKind::kBool:
      return v.is_bool();
    case ColumnKind::kString:
      return v.is_string() &&
             d.strings.bytes.size() + v.as_string().size() < std::numeric_limits<uint32_t>::max();
    case ColumnKind::kDate:
      return v.is_date() && encode_date(v.as_date(), enc);
    case ColumnKind::kDateTime:
      return v.is_datetime() && v.as_datetime().has_tz == d.tz &&
             (!d.tz || v.as_datetime().tz_offset_seconds == d.tz_offset) &&
             encode_datetime(v.as_datetime(), enc);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Writes.

Column::Data& Column::mut() {
  if (!data_)
    data_ = std::make_shared<Data>();
  else if (data_.use_count() > 1)
    data_ = std::make_shared<Data>(*data_);
  return *data_;
}

void Column::to_objects() {
  Data& d = mut();
  if (d.kind == ColumnKind::kObject) return;
  std::vector<Value> vals = values();
  size_t n = d.size;
  d = Data{};
  d.size = n;
  d.objects = std::move(vals);
}

void Column::set(size_t i, Value v) {
  if (!data_ || i >= data_->size) throw std::out_of_range("Column::set");
  Data& d = mut();
  bool missing = false;
  // Text cannot be replaced inside the arena: a string write goes to Values.
  if (d.kind == ColumnKind::kString && !(v.is_null() || v.is_nan())) to_objects();
  if (!fits(d, v, missing)) to_objects();
  if (d.kind == ColumnKind::kObject) {
    d.objects[i] = std::move(v);
    return;
  }
  d.valid.set(i, d.size, !missing);
  if (missing) return;
  int64_t enc = 0;
  switch (d.kind) {
    case ColumnKind::kInt:
      d.ints[i] = v.as_int();
      break;
    case ColumnKind::kFloat:
      d.floats[i] = v.as_float();
      break;
    case ColumnKind::kBool:
      d.bools[i] = v.as_bool() ? 1 : 0;
      break;
    case ColumnKind::kDate:
      encode_date(v.as_date(), enc);
      d.ints[i] = enc;
      break;
    case ColumnKind::kDateTime:
      encode_datetime(v.as_datetime(), enc);
      d.ints[i] = enc;
      break;
    default:
      break;
  }
}

void Column::push_back(Value v) {
  Data& d = mut();
  if (d.size == 0 && d.kind == ColumnKind::kObject && d.objects.empty()) {
    // An empty column takes the kind of its first cell.
    Column first(Value(), std::string(), std::vector<Value>{std::move(v)});
    Value keep_name = std::move(name);
    std::string keep_dtype = std::move(dtype);
    *this = std::move(first);
    name = std::move(keep_name);
    dtype = std::move(keep_dtype);
    return;
  }
  bool missing = false;
  if (!fits(d, v, missing)) to_objects();
  if (d.kind == ColumnKind::kObject) {
    d.objects.push_back(std::move(v));
    ++d.size;
    return;
  }
  d.valid.push_back(d.size, !missing);
  int64_t enc = 0;
  switch (d.kind) {
    case ColumnKind::kInt:
      d.ints.push_back(missing ? 0 : v.as_int());
      break;
    case ColumnKind::kFloat:
      d.floats.push_back(missing ? 0.0 : v.as_float());
      break;
    case ColumnKind::kBool:
      d.bools.push_back(!missing && v.as_bool() ? 1 : 0);
      break;
    case ColumnKind::kString:
      undictionary(d.strings);
      append_text(d.strings, missing ? std::string_view() : std::string_view(v.as_string()));
      break;
    case ColumnKind::kDate:
      if (!missing) encode_date(v.as_date(), enc);
      d.ints.push_back(enc);
      break;
    case ColumnKind::kDateTime:
      if (!missing) encode_datetime(v.as_datetime(), enc);
      d.ints.push_back(enc);
      break;
    default:
      break;
  }
  ++d.size;
}

void Column::resize(size_t n, const Value& fill) {
  if (n >= size()) {
    while (size() < n) push_back(fill);
    return;
  }
  to_objects();
  Data& d = mut();
  d.objects.resize(n);
  d.size = n;
}

Column Column::take(const std::vector<size_t>& rows) const {
  Column out;
  out.name = name;
  out.dtype = dtype;
  if (!data_) {
    if (!rows.empty()) throw std::out_of_range("Column::take");
    return out;
  }
  const Data& s = *data_;
  auto d = std::make_shared<Data>();
  d->kind = s.kind;
  d->missing = s.missing;
  d->tz = s.tz;
  d->tz_offset = s.tz_offset;
  d->size = rows.size();
  for (size_t r : rows)
    if (r >= s.size) throw std::out_of_range("Column::take");
  switch (s.kind) {
    case ColumnKind::kObject:
      d->objects.reserve(rows.size());
      for (size_t r : rows) d->objects.push_back(s.objects[r]);
      break;
    case ColumnKind::kInt:
    case ColumnKind::kDate:
    case ColumnKind::kDateTime:
      d->ints.reserve(rows.size());
      for (size_t r : rows) d->ints.push_back(s.ints[r]);
      break;
    case ColumnKind::kFloat:
      d->floats.reserve(rows.size());
      for (size_t r : rows) d->floats.push_back(s.floats[r]);
      break;
    case ColumnKind::kBool:
      d->bools.reserve(rows.size());
      for (size_t r : rows) d->bools.push_back(s.bools[r]);
      break;
    case ColumnKind::kString:
      if (s.strings.dictionary) {
        d->strings.bytes = s.strings.bytes;
        d->strings.offsets = s.strings.offsets;
        d->strings.dictionary = true;
        d->strings.codes.reserve(rows.size());
        for (size_t r : rows) d->strings.codes.push_back(s.strings.codes[r]);
      } else {
        d->strings.offsets.reserve(rows.size() + 1);
        for (size_t r : rows) append_text(d->strings, s.strings.cell(r));
      }
      break;
  }
  if (s.kind != ColumnKind::kObject && !s.valid.all_valid())
    for (size_t k = 0; k < rows.size(); ++k) d->valid.push_back(k, s.valid[rows[k]]);
  out.data_ = std::move(d);
  return out;
}

void Column::append(const Column& other) {
  if (other.size() == 0) return;
  if (size() == 0) {
    data_ = other.data_;
    return;
  }
  const Data& o = *other.data_;
  const Data& cur = *data_;
  bool same = cur.kind == o.kind && cur.kind != ColumnKind::kObject &&
              (cur.missing == o.missing || o.valid.all_valid() || cur.valid.all_valid()) &&
              cur.tz == o.tz && cur.tz_offset == o.tz_offset;
  if (same && cur.kind == ColumnKind::kString &&
      cur.strings.bytes.size() + o.strings.bytes.size() >= std::numeric_limits<uint32_t>::max())
    same = false;
  if (!same) {
    to_objects();
    Data& d = mut();
    std::vector<Value> more = other.values();
    d.objects.insert(d.objects.end(), std::make_move_iterator(more.begin()),
                     std::make_move_iterator(more.end()));
    d.size = d.objects.size();
    return;
  }
  Data& d = mut();
  if (d.valid.all_valid() && !o.valid.all_valid()) d.missing = o.missing;
  const size_t base = d.size;
  switch (d.kind) {
    case ColumnKind::kInt:
    case ColumnKind::kDate:
    case ColumnKind::kDateTime:
      d.ints.insert(d.ints.end(), o.ints.begin(), o.ints.end());
      break;
    case ColumnKind::kFloat:
      d.floats.insert(d.floats.end(), o.floats.begin(), o.floats.end());
      break;
    case ColumnKind::kBool:
      d.bools.insert(d.bools.end(), o.bools.begin(), o.bools.end());
      break;
    case ColumnKind::kString:
      undictionary(d.strings);
      for (size_t i = 0; i < o.size; ++i) append_text(d.strings, o.strings.cell(i));
      break;
    default:
      break;
  }
  if (!o.valid.all_valid() || !d.valid.all_valid())
    for (size_t i = 0; i < o.size; ++i) d.valid.push_back(base + i, o.valid[i]);
  d.size = base + o.size;
}

}  // namespace lyn
