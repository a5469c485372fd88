// Public API of lynguine's Liquid engine: python-liquid 2.3.0 in LAX mode
// with lynguine's filters (url_escape, markdownify, relative_url,
// absolute_url, to_i), as lynguine.util.text.render_liquid uses it.
//
// Thread safety: a Template is immutable once parsed; render() may run on
// many threads at once. render_liquid()'s template cache is guarded by a
// mutex.
#ifndef LYNGUINE_ASSESS_LIQUID_LIQUID_H_
#define LYNGUINE_ASSESS_LIQUID_LIQUID_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"
#include "core/value.h"

namespace lyn::liquid {

// `type` is the Python exception class name (e.g. "LiquidSyntaxError");
// http_status is 400 for what lynguine raises, and the limit's status for a
// budget refusal (limits.h).
using Error = lyn::Error;

class Template;

// Parses `source`; only an unterminated `{{` / `{%` is an error (LAX mode
// drops other malformed statements), besides the budget's limits.
std::variant<std::shared_ptr<const Template>, Error> parse(std::string_view source);

// Renders against `context` as given (no preprocessing).
std::variant<std::string, Error> render(const Template& t, const lyn::Map& context);

// lynguine's render_liquid: removes null and "" values from `context` (and
// nested maps, not lists), then parses (through a bounded, thread-safe cache
// keyed by source) and renders.
std::variant<std::string, Error> render_liquid(std::string_view source, const lyn::Map& context);

// The template cache render_liquid() uses: a byte budget with least
// recently used entries dropped first. Each template is charged
// template_bytes(source), an estimate of its parsed size; one larger than
// the budget is not kept.
inline constexpr size_t kDefaultTemplateCacheBytes = size_t{16} << 20;
size_t template_bytes(std::string_view source);
void set_template_cache_budget(size_t bytes);
struct TemplateCacheStats {
  size_t entries = 0, bytes = 0, budget = 0;
  uint64_t evictions = 0;
};
TemplateCacheStats template_cache_stats();

// lynguine's remove_nan applied to a render context.
lyn::Map remove_nan(const lyn::Map& context);

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_LIQUID_H_
