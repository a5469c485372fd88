#include "server/guard.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

#include "core/case.h"
#include "core/text.h"
#include "core/utf8.h"
#include "server/client_address.h"
#include "server/secrets.h"

namespace lyn::server {

namespace {

std::string_view trim(std::string_view s) {
  return trim_ows(s);
}

HttpResponse refusal(int status, std::string_view type, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.error_type = std::string(type);
  r.body = json_error_body(type, message);
  return r;
}

// The refusal's label in logs and metrics (a bounded set).
std::string reason_of(const HttpResponse& r) {
  const std::string& t = r.error_type;
  if (t == "HostNotAllowed") return "host";
  if (t == "OriginNotAllowed") return "origin";
  if (t == "CrossSiteFormRejected") return "cross_site_form";
  if (t == "UnicodeDecodeError") return "bad_utf8";
  if (t == "Unauthorized") return "unauthorized";
  if (t == "Forbidden") return "forbidden";
  if (t == "TooManyRequests") return "rate_limited";
  if (t == "ResponseTooLarge") return "response_too_large";
  return "other";
}

std::string path_of(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

}  // namespace

std::optional<std::string> host_name_of(std::string_view host) {
  host = trim(host);
  if (host.empty()) return std::nullopt;
  std::string_view name, port;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    name = host.substr(1, close - 1);
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
    in6_addr a6{};
    if (::inet_pton(AF_INET6, std::string(name).c_str(), &a6) != 1) return std::nullopt;
  } else {
    auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      if (host.find(':', colon + 1) != std::string_view::npos) return std::nullopt;  // bare v6
      name = host.substr(0, colon);
      port = host.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    } else {
      name = host;
    }
  }
  if (port.size() > 5) return std::nullopt;
  for (char c : port)
    if (c < '0' || c > '9') return std::nullopt;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  for (unsigned char c : name)  // no spaces, slashes, '@', control bytes
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%'))
      return std::nullopt;
  return ascii_lower(name);
}

bool is_ip_literal(std::string_view name) {
  std::string n(name);
  in_addr a4{};
  in6_addr a6{};
  return ::inet_pton(AF_INET, n.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, n.c_str(), &a6) == 1;
}

bool is_loopback_name(std::string_view name) {
  std::string n = ascii_lower(name);
  if (n == "localhost") return true;
  in_addr a4{};
  if (::inet_pton(AF_INET, n.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (::inet_pton(AF_INET6, n.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) return a6.s6_addr[12] == 127;
  }
  return false;
}

bool host_allowed(std::string_view host, unsigned version, const GuardOptions& o) {
  if (trim(host).empty()) return version < 11 && !o.remote;
  auto name = host_name_of(host);
  if (!name) return false;
  if (is_loopback_name(*name)) return true;
  for (const auto& h : o.allowed_hosts) {  // explicit names (e.g. behind a reverse proxy)
    auto allowed = host_name_of(h);
    if (allowed && *allowed == *name) return true;
  }
  return o.remote && is_ip_literal(*name);
}

namespace {
// An origin as compared: lower case, trimmed, without a trailing "/".
std::string comparable_origin(std::string_view origin) {
  std::string o = ascii_lower(trim(origin));
  while (!o.empty() && o.back() == '/') o.pop_back();
  return o;
}
}  // namespace

bool origin_allowed(std::string_view origin, const GuardOptions& o) {
  std::string want = comparable_origin(origin);
  if (want.empty() || want == "null") return false;
  for (const auto& a : o.allowed_origins)
    if (comparable_origin(a) == want) return true;
  return false;
}

bool same_origin(std::string_view origin, std::string_view host) {
  std::string o = comparable_origin(origin);
  std::string h = ascii_lower(trim(host));
  if (h.empty()) return false;
  for (std::string_view scheme : {"http://", "https://"})
    if (o.size() > scheme.size() && o.compare(0, scheme.size(), scheme) == 0)
      return o.compare(scheme.size(), std::string::npos, h) == 0;
  return false;
}

bool is_form_content_type(std::string_view ct) {
  std::string t = ascii_lower(trim(ct.substr(0, ct.find(';'))));
  return t == "text/plain" || t == "application/x-www-form-urlencoded" ||
         t == "multipart/form-data";
}

Rights needed_rights(std::string_view method, std::string_view target, const GuardOptions& o) {
  return (o.describe ? o.describe(method, target) : describe_unknown_route(method, target)).right;
}

std::string presented_secret(const HttpRequest& req) {
  std::string auth(trim(req.header("Authorization")));
  if (auth.size() > 7 && ascii_iequals(std::string_view(auth).substr(0, 7), "bearer "))
    return std::string(trim(std::string_view(auth).substr(7)));
  return std::string(trim(req.header("X-API-Key")));
}

Guard::Guard(GuardOptions options) : options_(std::move(options)), limiter_(options_.rate_limit) {}

bool Guard::auth_required() const {
  return !options_.token.empty() || (options_.api_keys && !options_.api_keys->empty());
}

std::optional<HttpResponse> Guard::check(const HttpRequest& req,
                                         std::vector<std::pair<std::string, std::string>>* cors) {
  Caller caller;
  auto out = decide(req, cors, &caller);
  if (out && out->status >= 400) report(*out, req, caller.principal);
  return out;
}

void Guard::report(const HttpResponse& refused, const HttpRequest& req,
                   const std::string& principal) const {
  if (!options_.on_refusal) return;
  options_.on_refusal(Refusal{reason_of(refused), refused.status, principal,
                              client_address(req, options_.trusted_proxies)});
}

std::optional<HttpResponse> Guard::decide(const HttpRequest& req,
                                          std::vector<std::pair<std::string, std::string>>* cors,
                                          Caller* caller) {
  caller->principal.clear();  // nobody proved yet
  // 1. Host.
  int hosts = 0;
  for (const auto& [k, v] : req.headers) hosts += ascii_iequals(k, "Host") ? 1 : 0;
  if (hosts > 1 || !host_allowed(req.header("Host"), req.version, options_))
    return refusal(403, "HostNotAllowed",
                   "the Host header does not name this server (start it with --allowed-host "
                   "NAME to serve other names)");

  // 2. Origin and cross-site browser requests.
  std::string origin = req.header("Origin");
  std::string site = ascii_lower(trim(req.header("Sec-Fetch-Site")));
  bool has_origin = !trim(origin).empty();
  bool allowed_origin = has_origin && origin_allowed(origin, options_);
  // The server's own pages (the status page) send their origin too; the
  // Host it names passed check 1, so it is this server.
  bool own_origin = has_origin && !allowed_origin && same_origin(origin, req.header("Host"));
  if (has_origin && !allowed_origin && !own_origin)
    return refusal(403, "OriginNotAllowed",
                   "cross-origin requests are refused (start the server with --allow-origin "
                   "ORIGIN to allow one)");
  if (!allowed_origin && (site == "cross-site" || site == "same-site"))
    return refusal(403, "OriginNotAllowed", "cross-site requests are refused");
  if ((has_origin || site == "cross-site" || site == "same-site") &&
      !ascii_iequals(req.method, "GET") && !ascii_iequals(req.method, "HEAD") &&
      !ascii_iequals(req.method, "OPTIONS") && is_form_content_type(req.header("Content-Type")))
    return refusal(415, "CrossSiteFormRejected",
                   "a browser request must send Content-Type: application/json");
  std::vector<std::pair<std::string, std::string>> cors_headers;
  if (allowed_origin) {
    cors_headers.emplace_back("Access-Control-Allow-Origin", std::string(trim(origin)));
    cors_headers.emplace_back("Vary", "Origin");
    if (ascii_iequals(req.method, "OPTIONS")) {  // CORS preflight: no credentials sent
      HttpResponse r;
      r.status = 204;
      r.headers = cors_headers;
      r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, DELETE");
      r.headers.emplace_back("Access-Control-Allow-Headers",
                             "Content-Type, Authorization, X-API-Key");
      r.headers.emplace_back("Access-Control-Max-Age", "600");
      return r;
    }
  }

  // JSON is UTF-8 (RFC 8259): a body that is not never reaches a handler.
  if (!utf8::is_valid(req.body))
    return refusal(400, "UnicodeDecodeError", "the request body is not valid UTF-8");

  // 3. Authentication.
  std::string path = path_of(req.target);
  Rights needed = needed_rights(req.method, req.target, options_);
  bool exempt = needed == Rights::none;
  Rights rights = Rights::write;
  // Rate limits are keyed on who proved themselves (a key, the token),
  // else on the client's address (behind a trusted proxy, the forwarded one).
  std::string identity = "ip:" + client_address(req, options_.trusted_proxies);
  if (auth_required() && !exempt) {
    std::string secret = presented_secret(req);
    rights = Rights::none;
    if (!secret.empty()) {
      // Both are always compared: no shortcut that would time the token.
      bool token_ok = !options_.token.empty() && constant_time_equals(secret, options_.token);
      const ApiKeyEntry* key = options_.api_keys ? options_.api_keys->find(secret) : nullptr;
      if (token_ok) {
        rights = Rights::write;
        identity = "token";
      } else if (key) {
        rights = key->rights;
        identity = "key:" + key->name;
      }
    }
    if (rights != Rights::none) {
      caller->principal = identity;
      caller->keyed = identity.rfind("key:", 0) == 0;
    }
    if (rights == Rights::none) {
      // Failed attempts count against the address: guessing gets 429s.
      if (limiter_.enabled() && !limiter_.allow(identity))
        return refusal(429, "TooManyRequests", "rate limit exceeded");
      HttpResponse r = refusal(401, "Unauthorized",
                               secret.empty() ? "this server requires a token or API key "
                                                "(Authorization: Bearer KEY or X-API-Key: KEY)"
                                              : "the token or API key is not valid");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lynguine\"");
      return r;
    }
  }

  // 4. Rights.
  if (rights != Rights::write && needed == Rights::write)
    return refusal(403, "Forbidden",
                   "this API key has read rights only; " + std::string(req.method) + " " + path +
                       " needs write rights");

  // 5. Rate limit.
  if (limiter_.enabled() && !limiter_.allow(identity)) {
    HttpResponse r = refusal(429, "TooManyRequests", "rate limit exceeded; slow down");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (cors) *cors = std::move(cors_headers);
  // Who asks: who proved themselves, else the user's own (the per-user
  // Unix socket: the kernel checked the peer), else anybody (--auth none,
  // or a public route): one anonymous principal.
  caller->can_write = rights == Rights::write;
  if (req.remote == "unix")
    *caller = Caller{};
  else if (caller->principal.empty())
    caller->principal = "anonymous";
  return std::nullopt;
}

HttpResponse Guard::cap_response(const HttpRequest& req, HttpResponse out) const {
  std::size_t cap = options_.max_response_bytes;
  // A body in pieces is judged by its expected size before anything is
  // sent; one that outgrows the cap anyway is cut off there.
  std::size_t size = out.more ? std::max(out.body.size(), out.size_hint) : out.body.size();
  if (cap == 0 || size <= cap) {
    if (cap != 0 && out.more)
      out.more = [more = std::move(out.more), sent = out.body.size(),
                  cap](std::string& piece) mutable {
        std::size_t before = piece.size();
        bool going = more(piece);
        sent += piece.size() - before;
        if (sent > cap) throw std::length_error("answer over --max-response-bytes");
        return going;
      };
    return out;
  }
  out = refusal(507, "ResponseTooLarge",
                "the answer (" + std::string(out.more ? "about " : "") + std::to_string(size) +
                    " bytes) exceeds the server's limit of " + std::to_string(cap) +
                    " bytes (--max-response-bytes); ask for less");
  report(out, req, req.caller.principal);
  return out;
}

Handler Guard::wrap(std::shared_ptr<Guard> guard, Handler inner) {
  return [guard = std::move(guard), inner = std::move(inner)](const HttpRequest& req) {
    std::vector<std::pair<std::string, std::string>> cors;
    HttpRequest admitted = req;  // with its caller, as admission() gives it
    auto refused = guard->decide(admitted, &cors, &admitted.caller);
    if (refused) {
      if (refused->status >= 400) guard->report(*refused, req, admitted.caller.principal);
      return std::move(*refused);
    }
    HttpResponse out = guard->cap_response(admitted, inner(admitted));
    for (auto& h : cors) out.headers.push_back(std::move(h));
    return out;
  };
}

Admission Guard::admission(std::shared_ptr<Guard> guard,
                           std::function<bool(const HttpRequest&)> cheap) {
  return [guard = std::move(guard), cheap = std::move(cheap)](HttpRequest& req) {
    Admitted a;
    req.client = client_address(req, guard->options_.trusted_proxies);
    a.refusal = guard->decide(req, &req.answer_headers, &req.caller);
    if (a.refusal) {
      if (a.refusal->status >= 400) guard->report(*a.refusal, req, req.caller.principal);
      return a;
    }
    a.cheap = cheap && cheap(req);
    return a;
  };
}

Handler Guard::limit_response(std::shared_ptr<Guard> guard, Handler inner) {
  return [guard = std::move(guard), inner = std::move(inner)](const HttpRequest& req) {
    return guard->cap_response(req, inner(req));
  };
}

}  // namespace lyn::server
