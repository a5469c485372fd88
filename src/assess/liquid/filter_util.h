// Helpers shared by the filter families: python-liquid's input coercions
// (string_filter: `str(x)`, undefined as ""; array_filter: sequences as
// lists, undefined as [], anything else as a one-item list) and keyword
// argument lookup.
//
// Thread safety: pure functions.
#ifndef LYNGUINE_ASSESS_LIQUID_FILTER_UTIL_H_
#define LYNGUINE_ASSESS_LIQUID_FILTER_UTIL_H_

#include <string>
#include <string_view>

#include "assess/liquid/filters.h"

namespace lyn::liquid {

inline std::string in_str(const RValue& v) {
  return py_str(v);
}

inline RList in_list(const RValue& v) {
  if (v.is_list()) return v.items();
  if (v.is_none()) return {};
  return RList{v};
}

inline const RValue* kwarg(const KwArgs& kw, std::string_view name) {
  for (const auto& kv : kw)
    if (kv.first == name) return &kv.second;
  return nullptr;
}

inline const RValue& arg(const Args& a, size_t i) {
  static const RValue undefined;
  return i < a.size() ? a[i] : undefined;
}

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_FILTER_UTIL_H_
