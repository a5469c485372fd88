// status_page: the HTML status page `lynguine serve` answers GET / with.
// One self-contained document (HTML + CSS + a little JavaScript, embedded as
// a raw string in status_page.cc; no build step, no external assets). In the
// browser it polls GET /api/status, GET /api/sessions and GET /metrics every
// few seconds and shows the version, pid, uptime, idle countdown, sessions,
// cache hit rate, request counts and latency charts drawn on <canvas> from
// the lynguine_request_duration_seconds histograms. Every figure is also in
// a data-value attribute (raw number) for tests (tests/browser/).
//
// Thread safety: status_page_html() returns a constant; any thread.
#ifndef LYNGUINE_OPS_STATUS_PAGE_H_
#define LYNGUINE_OPS_STATUS_PAGE_H_

#include <string_view>

namespace lyn::ops {

std::string_view status_page_html();

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STATUS_PAGE_H_
