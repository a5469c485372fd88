// Helpers shared by the filter families: python-liquid's input coercions
// (string_filter: `str(x)`, nil and undefined as ""; array_filter: sequences as
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

// string_filter: nil and undefined are "", anything else str().
inline std::string in_str(const RValue& v) {
  return v.is_none() ? std::string() : py_str(v);
}

// python-liquid's sequence_filter input: a list is flattened (nested lists
// up to five levels deep), a range iterated, undefined empty, anything
// else (nil too) a one-item list.
inline void flatten_into(RList& out, const RValue& v, int level) {
  for (RValue& item : v.items()) {
    if (level > 0 && item.is_list() && !item.is_range())
      flatten_into(out, item, level - 1);
    else
      out.push_back(std::move(item));
  }
}

inline RList in_list(const RValue& v) {
  if (v.is_range()) return v.items();
  if (v.is_list()) {
    RList out;
    flatten_into(out, v, 5);
    return out;
  }
  if (v.is_undefined()) return {};  // nil (Python's None) is one item
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
