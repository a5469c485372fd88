// Tests for "safe to leave running": the Guard's decisions (Host, Origin,
// cross-site forms, token and API keys, rights, rate limit, response size),
// API key file parsing, the constant-time comparison and secrets, the token
// bucket, the server-URL parser, the transport's cap on concurrent requests
// and a TLS round trip (server: Beast over ssl::stream; client: HttpClient's
// OpenSSL path).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/api_adapter.h"
#include "client/api_caller.h"
#include "client/http_client.h"
#include "core/utf8.h"
#include "server/api_keys.h"
#include "server/guard.h"
#include "server/http_server.h"
#include "server/rate_limit.h"
#include "server/secrets.h"
#include "service/routes.h"

namespace {

using namespace lyn::server;
using lyn::client::ClientOptions;
using lyn::client::http_request;
using lyn::client::HttpClient;
using namespace std::chrono_literals;

// Guard options for a server of lynguine's API: the rights come from the
// service's route table (as `lynguine serve` wires them).
GuardOptions api_guard() {
  GuardOptions o;
  o.describe = [routes = lyn::service::api_routes()](std::string_view m, std::string_view t) {
    return lyn::app::route_info(*routes, m, t);
  };
  return o;
}

// The value, or `fallback` on an error.
std::string value_or(const lyn::Result<std::string>& r, std::string fallback) {
  return r.ok() ? *r : fallback;
}

HttpRequest req(std::string method, std::string target,
                std::vector<std::pair<std::string, std::string>> headers = {{"Host",
                                                                             "127.0.0.1:8765"}},
                unsigned version = 11) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.version = version;
  r.remote = "127.0.0.1:40000";
  return r;
}

int status_of(Guard& g, const HttpRequest& r) {
  auto out = g.check(r);
  return out ? out->status : 0;  // 0: let through
}

std::string type_of(Guard& g, const HttpRequest& r) {
  auto out = g.check(r);
  if (!out) return "";
  auto p = out->body.find("\"error_type\":\"");
  if (p == std::string::npos) return "?";
  p += 14;
  return out->body.substr(p, out->body.find('"', p) - p);
}

std::shared_ptr<const ApiKeys> test_keys() {
  auto k = ApiKeys::parse(
      "- {name: alice, key: alice-key-0123456789abcdef, rights: write}\n"
      "- {name: bob, key: bob-key-0123456789abcdef, rights: read}\n");
  EXPECT_TRUE(k.ok());
  return std::make_shared<const ApiKeys>(*k);
}

// --- secrets ------------------------------------------------------------------

TEST(Secrets, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_FALSE(constant_time_equals("abc", ""));
  std::string a(1000, 'x'), b = a;
  b[999] = 'y';
  EXPECT_FALSE(constant_time_equals(a, b));
  b[999] = 'x';
  EXPECT_TRUE(constant_time_equals(a, b));
}

TEST(Secrets, Sha256KnownAnswer) {
  std::string d = sha256("abc");
  ASSERT_EQ(d.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(d[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(d[31]), 0xad);
}

TEST(Secrets, RandomTokensAreHexAndDistinct) {
  auto a = random_token(32), b = random_token(32);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(*a, *b);
  for (char c : *a) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
}

TEST(Secrets, SecretFileIsWrittenMode0600AndReadBack) {
  auto dir = std::filesystem::temp_directory_path() / ("lyn-sec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "token").string();
  ::umask(022);
  ASSERT_TRUE(write_secret_file(path, "s3cret"));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(value_or(read_secret_file(path), ""), "s3cret");
  { std::ofstream(path) << "  padded \n second line\n"; }
  EXPECT_EQ(value_or(read_secret_file(path), ""), "padded");
  { std::ofstream(path) << "\n"; }
  EXPECT_FALSE(read_secret_file(path).ok());
  std::filesystem::remove_all(dir);
}

// --- API key files ------------------------------------------------------------

TEST(ApiKeysFile, ParsesYamlAndJson) {
  auto y = ApiKeys::parse(
      "- name: alice\n  key: alice-key-0123456789abcdef\n  rights: write\n"
      "- name: bob\n  key: bob-key-0123456789abcdef\n  rights: read\n");
  ASSERT_TRUE(y);
  ASSERT_EQ(y->size(), 2u);
  auto j = ApiKeys::parse(
      R"([{"name":"ci","key":"ci-key-0123456789abcdef","rights":"read"},
          {"name":"ed","key":"ed-key-0123456789abcdef","rights":"write"}])");
  ASSERT_TRUE(j);
  const ApiKeyEntry* e = j->find("ed-key-0123456789abcdef");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "ed");
  EXPECT_EQ(e->rights, Rights::write);
  EXPECT_EQ(j->find("ci-key-0123456789abcdef")->rights, Rights::read);
  EXPECT_EQ(j->find("ci-key-0123456789abcdeF"), nullptr);
  EXPECT_EQ(j->find(""), nullptr);
  // No rights given: read.
  auto r = ApiKeys::parse("- {name: x, key: x-key-0123456789abcdef}\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->entries()[0].rights, Rights::read);
  // The key itself is not kept in memory, only its digest.
  EXPECT_EQ(r->entries()[0].digest, sha256("x-key-0123456789abcdef"));
}

TEST(ApiKeysFile, RejectsBadFiles) {
  const char* bad[] = {
      "",                                                       // nothing
      "{name: a, key: a-key-0123456789abcdef}",                 // not a list
      "- {key: a-key-0123456789abcdef}",                        // no name
      "- {name: a}",                                            // no key
      "- {name: a, key: short}",                                // key too short
      "- {name: a, key: a-key-0123456789abcdef, rights: all}",  // unknown rights
      "- {name: a, key: a-key-0123456789abcdef}\n- {name: a, key: b-key-0123456789abcdef}",
      "- {name: a, key: a-key-0123456789abcdef}\n- {name: b, key: a-key-0123456789abcdef}",
      "- [1, 2]",
      "- {name: a, key: [x]}",
  };
  for (const char* text : bad) {
    auto keys = ApiKeys::parse(text);
    ASSERT_FALSE(keys.ok()) << text;
    EXPECT_FALSE(keys.error().message.empty()) << text;
  }
}

// --- decisions ------------------------------------------------------------------

TEST(GuardDecisions, HostNames) {
  EXPECT_EQ(host_name_of("LocalHost:8765").value_or("!"), "localhost");
  EXPECT_EQ(host_name_of("[::1]:8765").value_or("!"), "::1");
  EXPECT_EQ(host_name_of("[::1]").value_or("!"), "::1");
  EXPECT_EQ(host_name_of("localhost.").value_or("!"), "localhost");
  EXPECT_EQ(host_name_of(" 127.0.0.1 ").value_or("!"), "127.0.0.1");
  for (const char* bad : {"", ":80", "localhost:", "localhost:abc", "localhost:123456", "[::1",
                          "[::1]x", "::1", "a b", "evil.example@127.0.0.1", "x/y", "[nothost]:1"})
    EXPECT_FALSE(host_name_of(bad).has_value()) << bad;
  EXPECT_TRUE(is_loopback_name("localhost"));
  EXPECT_TRUE(is_loopback_name("127.0.0.1"));
  EXPECT_TRUE(is_loopback_name("127.1.2.3"));
  EXPECT_TRUE(is_loopback_name("::1"));
  EXPECT_TRUE(is_loopback_name("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback_name("128.0.0.1"));
  EXPECT_FALSE(is_loopback_name("0.0.0.0"));
  EXPECT_FALSE(is_loopback_name("localhost.evil.example"));
  EXPECT_FALSE(is_loopback_name("10.0.0.1"));
}

TEST(GuardDecisions, HostAllowedTable) {
  GuardOptions local;
  local.allowed_hosts = {"lyn.example.org", "Other.Example:443"};
  GuardOptions remote;
  remote.remote = true;
  remote.allowed_hosts = {"lyn.example.org", "Other.Example:443"};
  struct Case {
    const char* host;
    unsigned version;
    bool local_ok, remote_ok;
  } cases[] = {
      {"localhost", 11, true, true},
      {"localhost:8765", 11, true, true},
      {"127.0.0.1:8765", 11, true, true},
      {"[::1]:8765", 11, true, true},
      {"evil.example", 11, false, false},
      {"evil.example:8765", 11, false, false},
      {"lyn.example.org", 11, true, true},  // explicit names count on loopback too
      {"LYN.example.org:8443", 11, true, true},
      {"other.example", 11, true, true},
      {"192.168.1.5:8765", 11, false, true},  // IP literals cannot be rebound
      {"", 11, false, false},                 // HTTP/1.1 needs a Host
      {"", 10, true, false},                  // HTTP/1.0 without Host: loopback only
      {"localhost.evil.example", 11, false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(host_allowed(c.host, c.version, local), c.local_ok) << c.host;
    EXPECT_EQ(host_allowed(c.host, c.version, remote), c.remote_ok) << c.host;
  }
}

TEST(GuardDecisions, OriginsAndContentTypes) {
  GuardOptions o = api_guard();
  EXPECT_FALSE(origin_allowed("http://localhost:8765", o));  // none by default
  o.allowed_origins = {"https://app.example.org"};
  EXPECT_TRUE(origin_allowed("https://app.example.org", o));
  EXPECT_TRUE(origin_allowed("HTTPS://App.Example.org/", o));
  EXPECT_FALSE(origin_allowed("https://app.example.org.evil", o));
  EXPECT_FALSE(origin_allowed("http://app.example.org", o));
  EXPECT_FALSE(origin_allowed("null", o));
  EXPECT_TRUE(is_form_content_type("text/plain"));
  EXPECT_TRUE(is_form_content_type("text/plain;charset=UTF-8"));
  EXPECT_TRUE(is_form_content_type("application/x-www-form-urlencoded"));
  EXPECT_TRUE(is_form_content_type("Multipart/Form-Data; boundary=x"));
  EXPECT_FALSE(is_form_content_type("application/json"));
  EXPECT_FALSE(is_form_content_type(""));
}

TEST(GuardDecisions, WhatNeedsWriteRights) {
  // The route table says; the Guard only asks.
  GuardOptions o = api_guard();
  auto needs_write = [&o](const char* method, const char* target) {
    return needed_rights(method, target, o) == Rights::write;
  };
  EXPECT_TRUE(needs_write("POST", "/api/write_data"));
  EXPECT_TRUE(needs_write("POST", "/api/write_data?x=1"));
  EXPECT_TRUE(needs_write("post", "/api/write_data"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_value"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/SET_VALUE"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_value/extra"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/save"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/save_to_file"));
  EXPECT_TRUE(needs_write("DELETE", "/api/sessions/abc"));
  EXPECT_TRUE(needs_write("DELETE", "/api/ping"));
  EXPECT_TRUE(needs_write("PUT", "/api/read_data"));
  EXPECT_FALSE(needs_write("POST", "/api/read_data"));
  EXPECT_FALSE(needs_write("POST", "/api/sessions"));
  EXPECT_FALSE(needs_write("POST", "/api/sessions/abc"));
  EXPECT_FALSE(needs_write("POST", "/api/sessions/abc/get_value"));
  // Moving a session's cursor redirects its owner's next set_value: write.
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_index"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_column"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_selector"));
  EXPECT_TRUE(needs_write("POST", "/api/sessions/abc/set_subindex"));
  EXPECT_FALSE(needs_write("GET", "/api/sessions/abc/set_value"));
  EXPECT_FALSE(needs_write("GET", "/api/write_data"));
  EXPECT_FALSE(needs_write("POST", "/api/talk/field"));
  EXPECT_FALSE(needs_write("POST", "/api/nothing"));
  // The liveness probe is public; nothing else is.
  EXPECT_EQ(needed_rights("GET", "/api/health", o), Rights::none);
  EXPECT_EQ(needed_rights("HEAD", "/api/health?x", o), Rights::none);
  EXPECT_EQ(needed_rights("POST", "/api/health", o), Rights::read);
  EXPECT_EQ(needed_rights("OPTIONS", "/api/health", o), Rights::read);
  // A server told nothing of its routes: only GET, HEAD and OPTIONS read.
  GuardOptions bare;
  EXPECT_EQ(needed_rights("GET", "/api/health", bare), Rights::read);
  EXPECT_EQ(needed_rights("POST", "/api/read_data", bare), Rights::write);
}

TEST(GuardDecisions, Utf8) {
  EXPECT_TRUE(lyn::utf8::is_valid(""));
  EXPECT_TRUE(lyn::utf8::is_valid("{\"a\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}"));
  for (const char* bad :
       {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "a\x80"
        "b"})
    EXPECT_FALSE(lyn::utf8::is_valid(bad)) << bad;
  Guard g(api_guard());
  auto r = req("POST", "/api/read_data");
  r.body = "{\"x\": \"\xff\"}";
  EXPECT_EQ(type_of(g, r), "UnicodeDecodeError");
}

TEST(GuardDecisions, PresentedSecret) {
  EXPECT_EQ(presented_secret(req("GET", "/", {{"Authorization", "Bearer abc"}})), "abc");
  EXPECT_EQ(presented_secret(req("GET", "/", {{"authorization", "bearer  abc "}})), "abc");
  EXPECT_EQ(presented_secret(req("GET", "/", {{"X-API-Key", "k1"}})), "k1");
  EXPECT_EQ(presented_secret(req("GET", "/", {{"Authorization", "Basic eDp5"}})), "");
  EXPECT_EQ(presented_secret(req("GET", "/")), "");
}

// --- the Guard as a whole ----------------------------------------------------------

TEST(GuardCheck, DefaultLoopbackServer) {
  Guard g(api_guard());
  EXPECT_FALSE(g.auth_required());
  EXPECT_EQ(status_of(g, req("GET", "/api/ping")), 0);
  EXPECT_EQ(type_of(g, req("GET", "/api/ping", {{"Host", "evil.example"}})), "HostNotAllowed");
  EXPECT_EQ(status_of(g, req("GET", "/api/ping", {{"Host", "evil.example"}})), 403);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping", {{"Host", "localhost"}, {"Host", "evil"}})), 403);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping", {}, 10)), 0);    // HTTP/1.0, no Host
  EXPECT_EQ(status_of(g, req("GET", "/api/ping", {}, 11)), 403);  // HTTP/1.1, no Host
  // Any Origin is foreign by default.
  EXPECT_EQ(type_of(g, req("POST", "/api/write_data",
                           {{"Host", "localhost"}, {"Origin", "http://evil.example"}})),
            "OriginNotAllowed");
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost"}, {"Origin", "http://localhost:8765"}})),
            403);
  // The server's own origin (scheme://Host) is not cross-origin.
  EXPECT_EQ(status_of(g, req("POST", "/api/read_data",
                             {{"Host", "localhost:8765"},
                              {"Origin", "http://localhost:8765"},
                              {"Content-Type", "application/json"}})),
            0);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost:8765"}, {"Origin", "http://localhost:8766"}})),
            403);
  EXPECT_TRUE(same_origin("HTTPS://LocalHost:8765/", "localhost:8765"));
  EXPECT_FALSE(same_origin("http://localhost:8765.evil", "localhost:8765"));
  EXPECT_FALSE(same_origin("ftp://localhost:8765", "localhost:8765"));
  EXPECT_FALSE(same_origin("http://localhost", ""));
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost"}, {"Sec-Fetch-Site", "cross-site"}})),
            403);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost"}, {"Sec-Fetch-Site", "same-origin"}})),
            0);
  // curl -d sends application/x-www-form-urlencoded without an Origin: fine.
  EXPECT_EQ(status_of(g, req("POST", "/api/read_data",
                             {{"Host", "localhost"},
                              {"Content-Type", "application/x-www-form-urlencoded"}})),
            0);
}

TEST(GuardCheck, AllowedOriginGetsCorsButNoForms) {
  GuardOptions o = api_guard();
  o.allowed_origins = {"https://app.example.org"};
  Guard g(o);
  std::vector<std::pair<std::string, std::string>> cors;
  auto r = req("POST", "/api/read_data",
               {{"Host", "localhost"},
                {"Origin", "https://app.example.org"},
                {"Content-Type", "application/json"}});
  EXPECT_FALSE(g.check(r, &cors).has_value());
  ASSERT_FALSE(cors.empty());
  EXPECT_EQ(cors[0].first, "Access-Control-Allow-Origin");
  EXPECT_EQ(cors[0].second, "https://app.example.org");  // never "*"
  // The same origin posting a form (no preflight): refused.
  auto form = req("POST", "/api/write_data",
                  {{"Host", "localhost"},
                   {"Origin", "https://app.example.org"},
                   {"Content-Type", "text/plain"}});
  EXPECT_EQ(type_of(g, form), "CrossSiteFormRejected");
  EXPECT_EQ(status_of(g, form), 415);
  // Preflight.
  auto pre = g.check(req("OPTIONS", "/api/read_data",
                         {{"Host", "localhost"}, {"Origin", "https://app.example.org"}}));
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  for (const auto& [k, v] : pre->headers)
    if (k == "Access-Control-Allow-Origin") EXPECT_NE(v, "*");
}

TEST(GuardCheck, LocalToken) {
  GuardOptions o = api_guard();
  o.token = "tok-0123456789";
  Guard g(o);
  EXPECT_TRUE(g.auth_required());
  EXPECT_EQ(status_of(g, req("GET", "/api/ping")), 401);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost"}, {"Authorization", "Bearer wrong"}})),
            401);
  EXPECT_EQ(status_of(g, req("GET", "/api/ping",
                             {{"Host", "localhost"}, {"Authorization", "Bearer tok-0123456789"}})),
            0);
  EXPECT_EQ(status_of(g, req("POST", "/api/write_data",
                             {{"Host", "localhost"}, {"X-API-Key", "tok-0123456789"}})),
            0);
  EXPECT_EQ(status_of(g, req("GET", "/api/health")), 0);  // the liveness probe is exempt
  EXPECT_EQ(status_of(g, req("POST", "/api/health")), 401);
  auto r = g.check(req("GET", "/api/status"));
  ASSERT_TRUE(r);
  bool www = false;
  for (const auto& [k, v] : r->headers) www |= k == "WWW-Authenticate";
  EXPECT_TRUE(www);
}

TEST(GuardCheck, ApiKeysAndRights) {
  GuardOptions o = api_guard();
  o.remote = true;
  o.api_keys = test_keys();
  Guard g(o);
  auto with = [](const char* key, const char* method, const char* path) {
    return req(method, path, {{"Host", "lyn.example.org"}, {"X-API-Key", key}});
  };
  EXPECT_EQ(type_of(g, with("alice-key-0123456789abcdef", "GET", "/api/ping")), "HostNotAllowed");
  auto r = req("GET", "/api/ping", {{"Host", "10.0.0.2:8765"}});
  EXPECT_EQ(status_of(g, r), 401);
  r.headers.emplace_back("Authorization", "Bearer nope-nope-nope-nope");
  EXPECT_EQ(status_of(g, r), 401);
  auto at = [](const char* key, const char* method, const char* path) {
    return req(method, path,
               {{"Host", "10.0.0.2"}, {"Authorization", std::string("Bearer ") + key}});
  };
  const char* alice = "alice-key-0123456789abcdef";
  const char* bob = "bob-key-0123456789abcdef";
  EXPECT_EQ(status_of(g, at(bob, "POST", "/api/read_data")), 0);
  EXPECT_EQ(status_of(g, at(bob, "GET", "/api/sessions")), 0);
  EXPECT_EQ(status_of(g, at(bob, "POST", "/api/write_data")), 403);
  EXPECT_EQ(type_of(g, at(bob, "POST", "/api/write_data")), "Forbidden");
  EXPECT_EQ(status_of(g, at(bob, "POST", "/api/sessions/s1/set_value")), 403);
  EXPECT_EQ(status_of(g, at(bob, "DELETE", "/api/sessions/s1")), 403);
  EXPECT_EQ(status_of(g, at(alice, "POST", "/api/write_data")), 0);
  EXPECT_EQ(status_of(g, at(alice, "DELETE", "/api/sessions/s1")), 0);
}

TEST(GuardCheck, RateLimitPerKeyAnd429) {
  GuardOptions o = api_guard();
  o.rate_limit = 2;  // burst 2
  Guard g(o);
  auto r = req("GET", "/api/ping");
  EXPECT_EQ(status_of(g, r), 0);
  EXPECT_EQ(status_of(g, r), 0);
  EXPECT_EQ(type_of(g, r), "TooManyRequests");
  auto other = r;
  other.remote = "127.0.0.2:5000";  // another address has its own bucket
  EXPECT_EQ(status_of(g, other), 0);
}

TEST(GuardCheck, WrapCapsResponseSizeAndAddsCors) {
  GuardOptions o = api_guard();
  o.max_response_bytes = 10;
  o.allowed_origins = {"https://app.example.org"};
  int calls = 0;
  Handler h = Guard::wrap(std::make_shared<Guard>(o), [&calls](const HttpRequest& r) {
    ++calls;
    HttpResponse out;
    out.body = r.target == "/big" ? std::string(100, 'x') : "{}";
    return out;
  });
  EXPECT_EQ(h(req("GET", "/small")).status, 200);
  EXPECT_EQ(h(req("GET", "/big")).status, 507);
  auto refused = h(req("GET", "/small", {{"Host", "evil.example"}}));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(calls, 2);  // the refused request never reached the handler
  auto cors =
      h(req("GET", "/small", {{"Host", "localhost"}, {"Origin", "https://app.example.org"}}));
  bool acao = false;
  for (const auto& [k, v] : cors.headers) acao |= k == "Access-Control-Allow-Origin";
  EXPECT_TRUE(acao);
}

// --- rate limiter ---------------------------------------------------------------

TEST(RateLimiter, TokenBucket) {
  RateLimiter off;
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.allow("a"));

  RateLimiter rl(10, 3);  // 10/s, burst 3
  auto t = RateLimiter::Clock::now();
  EXPECT_TRUE(rl.allow("a", t));
  EXPECT_TRUE(rl.allow("a", t));
  EXPECT_TRUE(rl.allow("a", t));
  EXPECT_FALSE(rl.allow("a", t));
  EXPECT_TRUE(rl.allow("b", t));          // per identity
  EXPECT_FALSE(rl.allow("a", t + 50ms));  // half a token
  EXPECT_TRUE(rl.allow("a", t + 100ms));  // one token back
  EXPECT_FALSE(rl.allow("a", t + 100ms));
  EXPECT_TRUE(rl.allow("a", t + 10s));  // refilled, but capped at the burst
  EXPECT_TRUE(rl.allow("a", t + 10s));
  EXPECT_TRUE(rl.allow("a", t + 10s));
  EXPECT_FALSE(rl.allow("a", t + 10s));
  EXPECT_FALSE(rl.allow("a", t + 5s));  // a clock going backwards adds nothing
}

// --- client URL parsing ----------------------------------------------------------

TEST(ServerUrl, Parse) {
  using lyn::client::parse_server_url;
  auto a = parse_server_url("https://127.0.0.1:8443");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8443);
  auto b = parse_server_url("http://lyn.example.org/");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->host, "lyn.example.org");
  EXPECT_EQ(b->port, 80);
  auto c = parse_server_url("https://[::1]:9");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9);
  auto d = parse_server_url("https://h");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 443);
  for (const char* bad : {"ftp://h", "h:1", "https://", "https://h:0", "https://h:99999",
                          "https://h:x", "https://u@h", "https://h/api", "https://[::1"})
    EXPECT_FALSE(parse_server_url(bad)) << bad;
}

// --- transport: concurrency cap and TLS -----------------------------------------

TEST(Transport, RequestsOverMaxConcurrentGet429) {
  ServerLimits limits;
  limits.max_concurrent = 1;
  std::atomic<bool> release{false};
  HttpServer server(
      [&](const HttpRequest& r) {
        if (r.target == "/slow")
          while (!release) std::this_thread::sleep_for(5ms);
        return HttpResponse{200, "application/json", "{}", {}};
      },
      limits);
  ASSERT_TRUE(server.listen("127.0.0.1", 0));
  std::thread runner([&] { server.run(2); });
  std::thread slow([&] {
    auto r = http_request("127.0.0.1", server.port(), "GET", "/slow");
    EXPECT_TRUE(r && r->status == 200);
  });
  // Deadlines, not counts: on a busy machine the slow request may take a
  // while to arrive, and its slot a while to be freed after its answer.
  auto wait_for_in_flight = [&server](bool busy) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while ((server.in_flight() > 0) != busy && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
  };
  wait_for_in_flight(true);
  auto r = http_request("127.0.0.1", server.port(), "GET", "/fast");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_NE(r->body.find("TooManyRequests"), std::string::npos);
  release = true;
  slow.join();
  wait_for_in_flight(false);  // the slow answer is read before its slot is freed
  auto after = http_request("127.0.0.1", server.port(), "GET", "/fast");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  server.stop();
  runner.join();
}

TEST(Transport, TlsRoundTripAndVerification) {
  auto dir = std::filesystem::temp_directory_path() / ("lyn-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl CLI not available";
  HttpServer server([](const HttpRequest& r) {
    return HttpResponse{200, "application/json", "{\"path\":\"" + r.target + "\"}", {}};
  });
  auto missing = server.enable_tls(cert, (dir / "missing.pem").string());
  ASSERT_FALSE(missing);
  EXPECT_FALSE(missing.error().message.empty());
  auto enabled = server.enable_tls(cert, key);
  ASSERT_TRUE(enabled) << enabled.error().message;
  ASSERT_TRUE(server.listen("127.0.0.1", 0));
  std::thread runner([&] { server.run(2); });

  ClientOptions co;
  co.tls = true;
  co.ca_file = cert;
  {
    HttpClient c("127.0.0.1", server.port(), co);
    for (int i = 0; i < 3; ++i) {  // keep-alive over TLS
      auto r = c.request("GET", "/x" + std::to_string(i));
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "{\"path\":\"/x" + std::to_string(i) + "\"}");
    }
    auto big = c.request("POST", "/big", std::string(200000, 'a'));
    ASSERT_TRUE(big) << big.error().message;
    EXPECT_EQ(big->status, 200);
  }
  {
    HttpClient c("localhost", server.port(), co);  // DNS name in the certificate
    auto r = c.request("GET", "/y");
    ASSERT_TRUE(r) << r.error().message;
  }
  {
    ClientOptions system_store = co;  // self-signed: not in the system store
    system_store.ca_file.clear();
    HttpClient c("127.0.0.1", server.port(), system_store);
    auto r = c.request("GET", "/z");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("verif"), std::string::npos) << r.error().message;
  }
  {
    ClientOptions plain;  // plain HTTP on the TLS port: no HTTP answer
    plain.request_timeout = 3s;
    HttpClient c("127.0.0.1", server.port(), plain);
    auto r = c.request("GET", "/plain");
    EXPECT_TRUE(!r || r->status != 200);
  }
  server.stop();
  runner.join();
  std::filesystem::remove_all(dir);
}

}  // namespace
