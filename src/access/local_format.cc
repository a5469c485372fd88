#include "access/local_format.h"

#include <algorithm>

#include "access/json_format.h"

namespace lyn::access {

Frame frame_of_empty_rows(size_t rows) {
  Frame f;
  f.index = Column::range(Value(), rows);
  return f;
}

Result<Frame> frame_from_data_or_scalars(const Value& data, const Map& details) {
  if (data.is_map()) {
    const Map& m = data.as_map();
    bool all_scalar = std::all_of(m.begin(), m.end(), [](const auto& kv) {
      return !kv.second.is_list() && !kv.second.is_map();
    });
    if (all_scalar) {
      // pd.DataFrame(data, index=[details.get("index", "value")]): one row
      // (an empty mapping is one row with no columns).
      Frame f;
      for (const auto& [k, v] : m)
        f.columns.push_back(Column::inferred(k.typed() ? *k.typed() : Value(k), {v}));
      const Value* label = details.find("index");
      f.index = Column::inferred(Value(), {label ? *label : Value("value")});
      return f;
    }
  }
  return frame_from_python_data(data);
}

Result<Frame> read_local(const Map& details, const IoContext& /*ctx*/) {
  const std::string prefix =
      "Could not create data frame from details specified in \"local\" entry. ";
  const Value* data = details.find("data");
  if (!data) return Error::value(prefix + "Missing key 'data'.");
  auto f = frame_from_data_or_scalars(*data, details);
  if (!f.ok()) return Error::value(prefix + f.error().message);
  // read_local names an unnamed index "index" (pandas' RangeIndex too, so a
  // session whose `index` column was not selected keeps it under that name).
  if (!f->index) f->index = frame_of_empty_rows(f->num_rows()).index;
  if (f->index->name.is_null()) f->index->name = Value("index");
  return f;
}

}  // namespace lyn::access
