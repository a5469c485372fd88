// Guard: the request checks that make a lynguine server safe to leave running
// ("Safe to leave running"). It wraps the API handler; a request it refuses
// never reaches the handler. In order:
//
//  1. Host: must name a loopback host (localhost, 127.0.0.0/8, [::1], with or
//     without a port) -- a DNS-rebinding page sends its own name. A server
//     started for remote use also accepts IP literals (a rebinding attack
//     needs a name); the --allowed-host names are accepted either way (e.g.
//     behind a reverse proxy). HTTP/1.0 without Host is
//     let through; HTTP/1.1 without Host, or with two, is not.
//     -> 403 HostNotAllowed
//  2. Origin / Sec-Fetch-Site: a request with an Origin neither in
//     --allow-origin nor the server's own (scheme://Host, Host as checked in 1), or with
//     "Sec-Fetch-Site: cross-site|same-site" and no allowed Origin, is refused (-> 403
//     OriginNotAllowed); a browser request with an (allowed) Origin whose Content-Type is a form
//     type (text/plain, application/x-www-form-urlencoded, multipart/form-data: the ones that skip
//     the CORS preflight) is refused too
//     (-> 415 CrossSiteFormRejected). Clients without Origin (curl, Python)
//     may send any content type. Allowed origins get
//     "Access-Control-Allow-Origin: <origin>" (never "*"); OPTIONS from an
//     allowed origin is answered as a CORS preflight (204).
//     A body that is not valid UTF-8 is refused (-> 400 UnicodeDecodeError).
//  3. Authentication, when a local token or API keys are configured:
//     "Authorization: Bearer SECRET" or "X-API-Key: SECRET", compared in
//     constant time. A route the route table marks public (right none: GET
//     or HEAD /api/health, a liveness probe that says nothing but "ok" and
//     the version) is exempt. -> 401 Unauthorized
//  4. Rights: a read-only key may not make a request the route table says
//     needs write rights (POST /api/write_data, DELETE of a session, a
//     session operation that writes; any method the route does not answer
//     but GET, HEAD, OPTIONS and POST). -> 403 Forbidden
//  5. Rate limit (token bucket per key name, else per client address: the
//     peer's, or behind a --trusted-proxy the forwarded one; see
//     client_address.h). -> 429 TooManyRequests
//  6. After the handler: a body over max_response_bytes becomes
//     -> 507 ResponseTooLarge
//
// Every refusal (4xx/5xx above) is reported to options.on_refusal with its
// reason, the key name if one was proved, and the client's address -- never
// the secret (issue 12.8).
//
// Two ways to put it in front of a handler: wrap() (checks and handler in
// one Handler), or admission() on the transport's I/O thread (refusals cost
// no worker) plus limit_response() around the handler.
//
// Thread safety: a Guard is immutable after construction except for its
// RateLimiter, which is internally synchronised; check() and the handler
// returned by wrap() may be called from any number of threads at once.
#ifndef LYNGUINE_SERVER_GUARD_H_
#define LYNGUINE_SERVER_GUARD_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_keys.h"
#include "server/http_server.h"
#include "server/rate_limit.h"
#include "server/refusal.h"
#include "server/route_info.h"

namespace lyn::server {

struct GuardOptions {
  bool remote = false;                       // started for remote use (non-loopback bind)
  std::vector<std::string> allowed_hosts;    // --allowed-host (names, no port)
  std::vector<std::string> allowed_origins;  // --allow-origin ("https://x.example[:port]")
  std::string token;                         // local token; empty: none
  std::shared_ptr<const ApiKeys> api_keys;   // nullptr or empty: none
  double rate_limit = 0;                     // requests per second per client; 0: off
  std::size_t max_response_bytes = std::size_t{256} << 20;  // 0: unlimited
  // The routes' rights, from the program; unset: describe_unknown_route
  // (every request but GET, HEAD and OPTIONS needs write rights; none is public).
  DescribeRoute describe;
  // --trusted-proxy: peers whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
  // Told of every refusal; unset: nobody.
  RefusalObserver on_refusal;
};

// --- the decisions, as pure functions (unit-tested) ---

// "Example.COM:80" -> "example.com"; "[::1]:8765" -> "::1"; "localhost." ->
// "localhost". nullopt if malformed (bad port, unbalanced brackets, empty).
std::optional<std::string> host_name_of(std::string_view host_header);
// localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z).
bool is_loopback_name(std::string_view name);
bool is_ip_literal(std::string_view name);
// Whether the Host header value `host` (possibly empty: none sent) is
// acceptable for a request of HTTP `version` (10, 11).
bool host_allowed(std::string_view host, unsigned version, const GuardOptions& o);
// Whether the Origin (exact, case-insensitive, trailing "/" ignored) is listed.
bool origin_allowed(std::string_view origin, const GuardOptions& o);
// Whether `origin` is http:// or https:// followed by the Host header
// `host` (case-insensitive, trailing "/" ignored): the server's own page.
bool same_origin(std::string_view origin, std::string_view host);
// text/plain, application/x-www-form-urlencoded or multipart/form-data
// (parameters ignored): what a cross-site <form> can send without preflight.
bool is_form_content_type(std::string_view content_type);
// The rights a request needs, as o.describe (or describe_unknown_route) says.
Rights needed_rights(std::string_view method, std::string_view target, const GuardOptions& o);
// The secret presented: "Authorization: Bearer X" or "X-API-Key: X"; "" if none.
std::string presented_secret(const HttpRequest& req);

class Guard {
 public:
  explicit Guard(GuardOptions options);

  // nullopt: let the request through (then *cors, if given, holds headers
  // to add to the answer). Otherwise the refusal to send.
  std::optional<HttpResponse> check(
      const HttpRequest& req, std::vector<std::pair<std::string, std::string>>* cors = nullptr);

  // A handler running check(), then `inner` (given the request with its
  // caller, as admission() fills it), then the response-size limit.
  static Handler wrap(std::shared_ptr<Guard> guard, Handler inner);

  // check() as the transport's Admission: it also fills the request's
  // client, caller (who proved what, and whether they may write) and
  // answer_headers (CORS); `cheap` (may be unset)
  // says which admitted requests to answer on the I/O thread.
  static Admission admission(std::shared_ptr<Guard> guard,
                             std::function<bool(const HttpRequest&)> cheap);
  // `inner`, then the response-size limit (to pair with admission()).
  static Handler limit_response(std::shared_ptr<Guard> guard, Handler inner);

  // `out`, or the 507 that replaces it when over max_response_bytes.
  HttpResponse cap_response(const HttpRequest& req, HttpResponse out) const;

  const GuardOptions& options() const { return options_; }
  bool auth_required() const;

 private:
  // The refusal, or nullopt and *caller filled in. While refusing,
  // caller->principal names who proved themselves ("" nobody) for the log.
  std::optional<HttpResponse> decide(const HttpRequest& req,
                                     std::vector<std::pair<std::string, std::string>>* cors,
                                     Caller* caller);
  void report(const HttpResponse& refused, const HttpRequest& req,
              const std::string& principal) const;

  GuardOptions options_;
  RateLimiter limiter_;
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_GUARD_H_
