// The Liquid engine's side of the request Budget (core/budget.h): the
// named limits it checks and the steps and bytes it charges, each refusal
// thrown as a FatalError (never swallowed by LAX mode) carrying the
// limit's error type, message and HTTP status.
//
// Which limit bounds what:
//   liquid_template_bytes   a template's source, checked before parsing
//   liquid_nesting_depth    ( and [ nesting in one expression, checked while
//                           parsing (block tags nest at most 30 deep, as in
//                           python-liquid, whose LAX recovery we copy), and
//                           the blockquote / list nesting of markdownify's
//                           input
//   liquid_loop_iterations  for / tablerow iterations in one render
//   liquid_output_bytes     bytes one render writes (captures included), and
//                           the largest value (string or list) a filter may
//                           build
//   liquid_integer_digits   decimal digits of any int arithmetic produces
//   work_steps              nodes rendered, filter calls, loop iterations
//   memory_bytes            what a render holds: its variables, the lists
//                           its loops walk, its output
//   deadline_ms             the wall clock, read with the steps
//
// Thread safety: reads the Budget installed on the calling thread.
#ifndef LYNGUINE_ASSESS_LIQUID_LIMITS_H_
#define LYNGUINE_ASSESS_LIQUID_LIMITS_H_

#include <cstdint>
#include <string_view>

#include "assess/liquid/rvalue.h"
#include "core/budget.h"

namespace lyn::liquid {

// Throws limit_error(id, value, what) as a FatalError.
[[noreturn]] void throw_limit(Limit id, uint64_t value, std::string_view what);
// Throws the Budget's refusal as a FatalError.
[[noreturn]] void throw_budget(const Budget& b);

// Charges `b`; throws its refusal when the request must stop.
inline void spend(Budget& b, uint64_t steps) {
  if (!b.spend(steps)) throw_budget(b);
}
inline void allocate(Budget& b, uint64_t bytes) {
  if (!b.allocate(bytes)) throw_budget(b);
}

// Refuses a value of `bytes` that `what` (a filter) is about to build when
// it would outgrow liquid_output_bytes.
void check_value_size(uint64_t bytes, std::string_view what);

// What a value built while rendering holds: a string's bytes, a built
// list's items (values borrowed from the context count nothing).
uint64_t value_bytes(const RValue& v);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_LIMITS_H_
