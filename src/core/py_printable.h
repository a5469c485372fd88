// Python's str.isprintable() of one code point: what repr() leaves as it
// is rather than escaping (from Python 3.11's Unicode 14.0.0 database).
//
// Thread safety: a pure function; safe from any thread.
#ifndef LYNGUINE_CORE_PY_PRINTABLE_H_
#define LYNGUINE_CORE_PY_PRINTABLE_H_

#include <cstdint>

namespace lyn {

bool py_printable(uint32_t cp);

}  // namespace lyn

#endif  // LYNGUINE_CORE_PY_PRINTABLE_H_
