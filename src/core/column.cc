#include "core/column.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/column_data.h"
#include "core/frame.h"  // infer_dtype

namespace lyn {

using namespace column_storage;

// ---------------------------------------------------------------------------
// Validity and calendar helpers.

void Validity::fill_valid(size_t size) {
  words_.assign((size >> 6) + 1, ~uint64_t{0});
}

void Validity::set(size_t i, size_t size, bool valid) {
  if (valid && words_.empty()) return;
  if (words_.empty()) fill_valid(size);
  if ((i >> 6) >= words_.size()) words_.resize((i >> 6) + 1, 0);
  uint64_t bit = uint64_t{1} << (i & 63);
  if (valid)
    words_[i >> 6] |= bit;
  else
    words_[i >> 6] &= ~bit;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int year, int month, int day) {
  int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

namespace column_storage {

Value marker(Missing m) {
  return m == Missing::kNaN ? Value::nan() : Value();
}

bool encode_date(const Date& d, int64_t& out) {
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return false;
  out = days_from_civil(d.year, d.month, d.day);
  return civil_from_days(out) == d;
}

DateTime decode_datetime(int64_t us, bool tz, int offset) {
  int64_t days = us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay);
  int64_t rest = us - days * kMicrosPerDay;
  Date d = civil_from_days(days);
  DateTime t;
  t.year = d.year;
  t.month = d.month;
  t.day = d.day;
  t.microsecond = static_cast<int>(rest % 1000000);
  rest /= 1000000;
  t.second = static_cast<int>(rest % 60);
  rest /= 60;
  t.minute = static_cast<int>(rest % 60);
  t.hour = static_cast<int>(rest / 60);
  t.has_tz = tz;
  t.tz_offset_seconds = tz ? offset : 0;
  return t;
}

bool encode_datetime(const DateTime& t, int64_t& out) {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour < 0 || t.hour > 23 ||
      t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59 || t.microsecond < 0 ||
      t.microsecond > 999999 || t.year < -200000 || t.year > 200000)
    return false;
  int64_t secs = (static_cast<int64_t>(t.hour) * 60 + t.minute) * 60 + t.second;
  out = days_from_civil(t.year, t.month, t.day) * kMicrosPerDay + secs * 1000000 + t.microsecond;
  return decode_datetime(out, t.has_tz, t.tz_offset_seconds) == t;
}

void append_text(StringCells& s, std::string_view v) {
  s.bytes.append(v);
  s.offsets.push_back(static_cast<uint32_t>(s.bytes.size()));
}

void undictionary(StringCells& s) {
  if (!s.dictionary) return;
  StringCells plain;
  plain.offsets.reserve(s.codes.size() + 1);
  for (size_t i = 0; i < s.codes.size(); ++i) append_text(plain, s.cell(i));
  s = std::move(plain);
}

}  // namespace column_storage

namespace {

// Which typed storage holds every value of `vals`, if any.
struct Plan {
  ColumnKind kind = ColumnKind::kObject;
  Missing missing = Missing::kNaN;
  bool tz = false;
  int tz_offset = 0;
};

Plan plan_for(const std::vector<Value>& vals) {
  size_t nulls = 0, nans = 0, kinds = 0;
  bool seen[Value::kKindCount] = {};
  bool tz_set = false, tz_mixed = false;
  Plan p;
  size_t text = 0;
  for (const auto& v : vals) {
    Value::Kind k = v.kind();
    if (k == Value::Kind::kNull) {
      ++nulls;
      continue;
    }
    if (k == Value::Kind::kFloat && std::isnan(v.as_float())) {
      ++nans;
      continue;
    }
    auto idx = static_cast<size_t>(k);
    if (!seen[idx]) {
      seen[idx] = true;
      ++kinds;
    }
    if (k == Value::Kind::kString) text += v.as_string().size();
    if (k == Value::Kind::kDateTime) {
      const DateTime& t = v.as_datetime();
      if (!tz_set) {
        p.tz = t.has_tz;
        p.tz_offset = t.has_tz ? t.tz_offset_seconds : 0;
        tz_set = true;
      } else if (p.tz != t.has_tz || (t.has_tz && p.tz_offset != t.tz_offset_seconds)) {
        tz_mixed = true;
      }
    }
  }
  if (kinds == 0) {
    // Only missing cells: all-NaN is a float column; anything else stays Values.
    if (nans > 0 && nulls == 0) p.kind = ColumnKind::kFloat;
    return p;
  }
  if (kinds > 1 || tz_mixed) return p;
  if (seen[static_cast<size_t>(Value::Kind::kFloat)]) {
    // NaN cells are floats; None cells are the missing marker.
    p.kind = ColumnKind::kFloat;
    p.missing = Missing::kNone;
    return p;
  }
  if (nulls > 0 && nans > 0) return p;
  p.missing = nulls > 0 ? Missing::kNone : Missing::kNaN;
  if (seen[static_cast<size_t>(Value::Kind::kInt)])
    p.kind = ColumnKind::kInt;
  else if (seen[static_cast<size_t>(Value::Kind::kBool)])
    p.kind = ColumnKind::kBool;
  else if (seen[static_cast<size_t>(Value::Kind::kString)] &&
           text < std::numeric_limits<uint32_t>::max())
    p.kind = ColumnKind::kString;
  else if (seen[static_cast<size_t>(Value::Kind::kDate)])
    p.kind = ColumnKind::kDate;
  else if (seen[static_cast<size_t>(Value::Kind::kDateTime)])
    p.kind = ColumnKind::kDateTime;
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction.

Column::Column(Value n, std::string dt, std::vector<Value> vals)
    : name(std::move(n)), dtype(std::move(dt)) {
  auto d = std::make_shared<Data>();
  d->size = vals.size();
  Plan p = plan_for(vals);
  d->kind = p.kind;
  d->missing = p.missing;
  d->tz = p.tz;
  d->tz_offset = p.tz_offset;
  const size_t n_cells = vals.size();
  auto push_valid = [&](size_t i, bool ok) { d->valid.push_back(i, ok); };
  bool ok = true;
  switch (p.kind) {
    case ColumnKind::kObject:
      d->objects = std::move(vals);
      break;
    case ColumnKind::kInt:
      d->ints.reserve(n_cells);
      for (size_t i = 0; i < n_cells; ++i) {
        bool has = vals[i].is_int();
        d->ints.push_back(has ? vals[i].as_int() : 0);
        push_valid(i, has);
      }
      break;
    case ColumnKind::kFloat:
      d->floats.reserve(n_cells);
      for (size_t i = 0; i < n_cells; ++i) {
        bool has = vals[i].is_float();
        d->floats.push_back(has ? vals[i].as_float() : 0.0);
        push_valid(i, has);
      }
      break;
    case ColumnKind::kBool:
      d->bools.reserve(n_cells);
      for (size_t i = 0; i < n_cells; ++i) {
        bool has = vals[i].is_bool();
        d->bools.push_back(has && vals[i].as_bool() ? 1 : 0);
        push_valid(i, has);
      }
      break;
    case ColumnKind::kString:
      d->strings.offsets.reserve(n_cells + 1);
      for (size_t i = 0; i < n_cells; ++i) {
        bool has = vals[i].is_string();
        append_text(d->strings, has ? std::string_view(vals[i].as_string()) : std::string_view());
        push_valid(i, has);
      }
      break;
    case ColumnKind::kDate:
    case ColumnKind::kDateTime:
      d->ints.reserve(n_cells);
      for (size_t i = 0; i < n_cells && ok; ++i) {
        int64_t enc = 0;
        bool has = vals[i].is_date() || vals[i].is_datetime();
        if (has)
          ok = vals[i].is_date() ? encode_date(vals[i].as_date(), enc)
                                 : encode_datetime(vals[i].as_datetime(), enc);
        d->ints.push_back(enc);
        push_valid(i, has);
      }
      if (!ok) {
        // A field out of range: keep the Values as given.
        *d = Data{};
        d->size = n_cells;
        d->objects = std::move(vals);
      }
      break;
  }
  data_ = std::move(d);
}

Column Column::range(Value name, size_t n) {
  std::vector<int64_t> cells(n);
  for (size_t i = 0; i < n; ++i) cells[i] = static_cast<int64_t>(i);
  return of_ints(std::move(name), "int64", std::move(cells));
}

Column Column::inferred(Value name, std::vector<Value> values) {
  std::string dt = infer_dtype(values);
  return Column(std::move(name), std::move(dt), std::move(values));
}

Column Column::with_data(Value n, std::string dt, std::shared_ptr<Data> d) {
  Column c;
  c.name = std::move(n);
  c.dtype = std::move(dt);
  c.data_ = std::move(d);
  return c;
}

Column Column::of_ints(Value n, std::string dt, std::vector<int64_t> cells, Validity valid,
                       Missing missing) {
  auto d = std::make_shared<Data>();
  d->kind = ColumnKind::kInt;
  d->size = cells.size();
  d->ints = std::move(cells);
  d->valid = std::move(valid);
  d->missing = missing;
  return with_data(std::move(n), std::move(dt), std::move(d));
}

Column Column::of_floats(Value n, std::string dt, std::vector<double> cells, Validity valid,
                         Missing missing) {
  auto d = std::make_shared<Data>();
  d->kind = ColumnKind::kFloat;
  d->size = cells.size();
  d->floats = std::move(cells);
  d->valid = std::move(valid);
  d->missing = missing;
  return with_data(std::move(n), std::move(dt), std::move(d));
}

Column Column::of_bools(Value n, std::string dt, std::vector<uint8_t> cells, Validity valid,
                        Missing missing) {
  auto d = std::make_shared<Data>();
  d->kind = ColumnKind::kBool;
  d->size = cells.size();
  d->bools = std::move(cells);
  d->valid = std::move(valid);
  d->missing = missing;
  return with_data(std::move(n), std::move(dt), std::move(d));
}

Column Column::of_strings(Value n, std::string dt, StringCells cells, size_t size, Validity valid,
                          Missing missing) {
  auto d = std::make_shared<Data>();
  d->kind = ColumnKind::kString;
  d->size = size;
  d->strings = std::move(cells);
  d->valid = std::move(valid);
  d->missing = missing;
  return with_data(std::move(n), std::move(dt), std::move(d));
}

// ---------------------------------------------------------------------------
// Reads.

std::string Column::key() const {
  return py_str(name);
}

size_t Column::size() const {
  return data_ ? data_->size : 0;
}

ColumnKind Column::kind() const {
  return data_ ? data_->kind : ColumnKind::kObject;
}

ColumnView Column::view() const {
  ColumnView v;
  if (!data_) return v;
  const Data& d = *data_;
  v.kind = d.kind;
  v.missing = d.missing;
  v.size = d.size;
  switch (d.kind) {
    case ColumnKind::kObject:
      v.objects = d.objects.data();
      return v;
    case ColumnKind::kInt:
    case ColumnKind::kDate:
    case ColumnKind::kDateTime:
      v.ints = d.ints.data();
      break;
    case ColumnKind::kFloat:
      v.floats = d.floats.data();
      break;
    case ColumnKind::kBool:
      v.bools = d.bools.data();
      break;
    case ColumnKind::kString:
      v.strings = &d.strings;
      break;
  }
  v.valid_bits = d.valid.words();
  v.has_tz = d.tz;
  v.tz_offset_seconds = d.tz_offset;
  return v;
}

Value Column::at(size_t i) const {
  if (!data_ || i >= data_->size) throw std::out_of_range("Column::at");
  const Data& d = *data_;
  if (d.kind == ColumnKind::kObject) return d.objects[i];
  if (!d.valid[i]) return marker(d.missing);
  switch (d.kind) {
    case ColumnKind::kInt:
      return Value(d.ints[i]);
    case ColumnKind::kFloat:
      return Value(d.floats[i]);
    case ColumnKind::kBool:
      return Value(d.bools[i] != 0);
    case ColumnKind::kString:
      return Value(d.strings.cell(i));
    case ColumnKind::kDate:
      return Value(civil_from_days(d.ints[i]));
    case ColumnKind::kDateTime:
      return Value(decode_datetime(d.ints[i], d.tz, d.tz_offset));
    default:
      return Value();
  }
}

std::vector<Value> Column::values() const {
  if (!data_) return {};
  if (data_->kind == ColumnKind::kObject) return data_->objects;
  std::vector<Value> out;
  out.reserve(data_->size);
  for (size_t i = 0; i < data_->size; ++i) out.push_back(at(i));
  return out;
}

size_t Column::approx_bytes() const {
  size_t n = sizeof(Column) + dtype.capacity();
  if (!data_) return n;
  // Cells in use, not capacity: readers reserve generously, and pages never
  // touched cost no memory.
  const Data& d = *data_;
  n += sizeof(Data) + d.valid.bytes() + d.ints.size() * sizeof(int64_t) +
       d.floats.size() * sizeof(double) + d.bools.size() + d.strings.bytes.size() +
       d.strings.offsets.size() * sizeof(uint32_t) + d.strings.codes.size() * sizeof(uint32_t);
  for (const auto& v : d.objects) n += approx_value_bytes(v);
  return n;
}

}  // namespace lyn
