#include "access/fake_format.h"

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "access/fake_generators.h"
#include "access/local_format.h"

namespace lyn::access {

namespace {

// lynguine would try to build any number of rows; a server must not.
constexpr int64_t kMaxFakeRows = 1000000;

const char* const kGenerateClass = "lynguine.util.fake.Generate";

// `person` is the one attribute of lynguine's Generate that is not a
// generator (a mimesis provider).
bool is_generate_attribute(const Value& v) {
  return v.is_string() && (is_fake_generator(v.as_string()) || v.as_string() == "person");
}

Error not_callable(const std::string& gen) {
  return Error::value("\"fake\" specified in config but \"" + gen +
                      "\" is not a callable function attribute of " + kGenerateClass + ".");
}

// The (column, generator) pairs `cols` asks for, checked as lynguine does:
// a list's entries must all be attributes of Generate (named together in
// one error); anything but a list or a mapping is refused.
Result<std::vector<std::pair<std::string, std::string>>> requested_columns(const Value& cols) {
  std::vector<std::pair<std::string, std::string>> out;
  if (cols.is_list()) {
    std::string wrong;
    for (const auto& c : cols.as_list()) {
      if (is_generate_attribute(c)) continue;
      if (!wrong.empty()) wrong += ", ";
      wrong += py_str(c);
    }
    if (!wrong.empty())
      return Error::value(
          "\"fake\" specified as the type and columns are provided as a list, but the following "
          "columns are not attributes of " +
          std::string(kGenerateClass) + ": \"" + wrong + "\"");
    // {col: col for col in cols}: a repeated name is one column.
    for (const auto& c : cols.as_list()) {
      bool seen = false;
      for (const auto& [name, _] : out) seen = seen || name == c.as_string();
      if (!seen) out.emplace_back(c.as_string(), c.as_string());
    }
    return out;
  }
  if (!cols.is_map())
    return Error::value(
        "\"fake\" specified in config which requires that cols are specified as a dictionary, "
        "with dictionary entries representing the type of fake data to be generated.");
  for (const auto& [col, gen] : cols.as_map()) out.emplace_back(col, py_str(gen));
  return out;
}

Result<int64_t> requested_rows(const Value& nrows) {
  // Python's isinstance(x, int) holds for bools too.
  int64_t n = nrows.is_bool()  ? static_cast<int64_t>(nrows.as_bool())
              : nrows.is_int() ? nrows.as_int()
                               : -1;
  bool big = nrows.kind() == Value::Kind::kBigInt;
  if (n < 0 && !(big && nrows.as_bigint().digits[0] != '-'))
    return Error::value("\"nrows\" must be a non-negative integer.");
  if (big || n > kMaxFakeRows)
    return Error::value("\"nrows\" is larger than the " + std::to_string(kMaxFakeRows) +
                        " rows a fake source may have.");
  return n;
}

uint64_t seed_for(const Map& details) {
  const Value* seed = details.find("seed");
  if (seed && seed->is_int()) return static_cast<uint64_t>(seed->as_int());
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

Result<Frame> read_fake(const Map& details, const IoContext& /*ctx*/) {
  for (const char* key : {"nrows", "cols"}) {
    if (!details.find(key))
      return Error::value(std::string("\"fake\" specified in config but missing \"") + key +
                          "\" key.");
  }
  LYN_TRY_ASSIGN(columns, requested_columns(*details.find("cols")));
  LYN_TRY_ASSIGN(rows, requested_rows(*details.find("nrows")));
  for (const auto& [col, gen] : columns) {
    if (gen == "person") return not_callable(gen);
    if (!is_fake_generator(gen))
      return Error::value("\"" + gen + "\" specified as column's fake function, \"" + gen +
                          "\" is not an attribute of " + kGenerateClass + ".");
  }
  FakeRng rng(seed_for(details));
  Frame f;
  // pd.DataFrame([]) has no columns at all.
  if (rows == 0) return f;
  for (const auto& [col, gen] : columns) {
    f.columns.emplace_back(Value(col), fake_dtype(gen),
                           fake_column(gen, static_cast<size_t>(rows), rng));
  }
  if (f.columns.empty()) return frame_of_empty_rows(static_cast<size_t>(rows));
  return f;
}

}  // namespace lyn::access
