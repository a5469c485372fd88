#include "assess/liquid/limits.h"

#include <string>

#include "assess/liquid/filters.h"

namespace lyn::liquid {

void throw_limit(Limit id, uint64_t value, std::string_view what) {
  Error e = limit_error(id, value, what);
  throw FatalError{std::move(e.type), std::move(e.message), e.http_status};
}

void throw_budget(const Budget& b) {
  const Error& e = b.error();
  throw FatalError{e.type, e.message, e.http_status};
}

void check_value_size(uint64_t bytes, std::string_view what) {
  uint64_t max = Budget::current().limits().liquid_output_bytes;
  if (max && bytes > max)
    throw_limit(Limit::kLiquidOutputBytes, max,
                "value too large: " + std::string(what) + " would build " + std::to_string(bytes) +
                    " bytes");
}

uint64_t value_bytes(const RValue& v) {
  switch (v.kind()) {
    case RValue::Kind::kStr:
      return v.str().size();
    case RValue::Kind::kBig:
      return v.big_digits().size();
    case RValue::Kind::kList:
    case RValue::Kind::kTuple: {
      // Lists built from lists share nothing: each item is counted.
      uint64_t n = 0;
      for (const RValue& item : *v.list_ptr()) {
        n += sizeof(RValue);
        if (item.kind() == RValue::Kind::kStr)
          n += item.str().size();
        else if (item.kind() == RValue::Kind::kList || item.kind() == RValue::Kind::kTuple)
          n += item.list_ptr()->size() * sizeof(RValue);
      }
      return n;
    }
    default:
      return 0;
  }
}

}  // namespace lyn::liquid
