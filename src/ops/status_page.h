// status_page: the HTML status page `lynguine serve` answers GET / with.
// One self-contained document (HTML + CSS + a little JavaScript, embedded as
// a raw string in status_page.cc; no build step, no external assets, not
// even a favicon request). In the browser it polls GET /api/status, GET
// /api/server, GET /api/sessions and GET /metrics every few seconds and
// shows what an
// operator asks first: the root, the address it serves, its security mode,
// uptime and idle countdown, sessions (interface, age, idle), the cache's
// bytes and hit rate, request counts, latency charts drawn on <canvas> from
// the lynguine_request_duration_seconds histograms, and the last errors.
//
// Its polls carry `X-Lynguine-Poll: status-page`: the server leaves them out
// of its activity (idle timeout) and its request counts, so watching a
// server never keeps it alive or changes the figures watched. The page itself
// is public (it holds no data); a server that requires a token gets it from
// a login form, kept in the tab's sessionStorage and sent as
// "Authorization: Bearer", never in a URL.
//
// Every figure is also in a data-value attribute (raw number) for tests
// (tests/browser/), and the page reports its own layout (body data-scroll-
// width / data-client-width, the charts' label boxes) for them.
//
// Thread safety: free functions returning constants or pure results; any thread.
#ifndef LYNGUINE_OPS_STATUS_PAGE_H_
#define LYNGUINE_OPS_STATUS_PAGE_H_

#include <string_view>

namespace lyn::ops {

std::string_view status_page_html();

// The header the page's polls carry, and its value.
inline constexpr std::string_view kStatusPollHeader = "X-Lynguine-Poll";
inline constexpr std::string_view kStatusPollValue = "status-page";

// Whether a request is one of the page's polls: `poll_header` (the value of
// kStatusPollHeader, "" if absent) is kStatusPollValue and the request is a
// GET of /api/status, /api/server, /api/sessions or /metrics (any query
// string ignored).
// Anything else -- another method or path with the header -- counts as use.
bool is_status_page_poll(std::string_view method, std::string_view target,
                         std::string_view poll_header);

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_STATUS_PAGE_H_
