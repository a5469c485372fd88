#include "access/local_format.h"

#include <algorithm>

#include "access/json_format.h"

namespace lyn::access {

Result<Frame> read_local(const Map& details, const IoContext& /*ctx*/) {
  const std::string prefix =
      "Could not create data frame from details specified in \"local\" entry. ";
  const Value* data = details.find("data");
  if (!data) return Error::value(prefix + "Missing key 'data'.");
  if (data->is_map()) {
    const Map& m = data->as_map();
    bool all_scalar = std::all_of(m.begin(), m.end(), [](const auto& kv) {
      return !kv.second.is_list() && !kv.second.is_map();
    });
    if (all_scalar) {
      // pd.DataFrame(data, index=[details.get("index", "value")]): one row.
      Frame f;
      for (const auto& [k, v] : m) f.columns.push_back(Column::inferred(Value(k), {v}));
      const Value* name = details.find("index");
      f.index = Column::inferred(Value("index"), {name ? *name : Value("value")});
      return f;
    }
  }
  auto f = frame_from_python_data(*data);
  if (!f.ok()) return Error::value(prefix + f.error().message);
  return f;
}

}  // namespace lyn::access
