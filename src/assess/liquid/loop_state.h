// LoopState: the `forloop` / `tablerowloop` drop a template sees inside a
// `for` or `tablerow` block.
//
// Thread safety: lives on the stack of one render; not shared.
#ifndef LYNGUINE_ASSESS_LIQUID_LOOP_STATE_H_
#define LYNGUINE_ASSESS_LIQUID_LOOP_STATE_H_

#include <cstdint>
#include <string>

namespace lyn::liquid {

struct LoopState {
  std::string name;  // "item-collection", as python-liquid names loops
  int64_t index0 = 0;
  int64_t length = 0;
  const LoopState* parent = nullptr;
  // tablerow only
  bool tablerow = false;
  int64_t cols = 0;  // 0: all items on one row
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_LOOP_STATE_H_
