// Liquid filter registry: python-liquid's standard filters plus lynguine's
// (url_escape, markdownify, relative_url, absolute_url, to_i). A filter
// receives the evaluated input, positional and keyword arguments.
//
// Filters signal a LAX-swallowed failure by throwing FilterError and an
// error that aborts the whole render (Python's ValueError, OverflowError,
// decimal.InvalidOperation) by throwing FatalError.
//
// Thread safety: the registry is an immutable static table; filters are
// pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_FILTERS_H_
#define LYNGUINE_ASSESS_LIQUID_FILTERS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assess/liquid/rvalue.h"

namespace lyn::liquid {

// A render error that LAX mode swallows (python-liquid's LiquidError).
struct FilterError {
  std::string message;
};

// A render error that propagates to the caller: a Python exception
// lynguine would raise (400), or a budget refusal (limits.h) with its own
// status.
struct FatalError {
  std::string type;
  std::string message;
  int http_status = 400;
};

using Args = std::vector<RValue>;
using KwArgs = std::vector<std::pair<std::string, RValue>>;
using FilterFn = RValue (*)(const RValue& input, const Args& args, const KwArgs& kwargs);

struct FilterDef {
  const char* name;
  FilterFn fn;
  int min_args;
  int max_args;
};

// nullptr when there is no such filter.
const FilterDef* find_filter(std::string_view name);

// Definitions, one table per family (filters_*.cc).
const std::vector<FilterDef>& string_filters();
const std::vector<FilterDef>& array_filters();
const std::vector<FilterDef>& math_filters();
const std::vector<FilterDef>& misc_filters();

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_FILTERS_H_
