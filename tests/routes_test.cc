// Tests for the one route table (service/route_table.h, service/routes.cc):
// a route declared once is routed by the Api, listed by /api/status, guarded
// by the server's Guard, labelled by the metrics and described by the
// OpenAPI document -- each of those reads the table, none keeps a copy.
#include "service/routes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/api_adapter.h"
#include "app/observability.h"
#include "core/json.h"
#include "ops/logging.h"
#include "ops/metrics.h"
#include "ops/openapi.h"
#include "server/api_keys.h"
#include "server/guard.h"
#include "service/api.h"
#include "service/route_table.h"

namespace {

using lyn::Map;
using lyn::Value;
using namespace lyn::service;

Value parse(const std::string& text) {
  auto v = lyn::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

const Value& at(const Value& v, std::string_view key) {
  static const Value kNone;
  const Value* found = v.is_map() ? v.get(key) : nullptr;
  return found ? *found : kNone;
}

std::vector<std::string> endpoints(const Api& api) {
  std::vector<std::string> out;
  Value status = parse(api.handle("GET", "/api/status", "").body);
  for (const auto& e : at(status, "endpoints").as_list()) out.push_back(e.as_string());
  return out;
}

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("lyn-routes-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  ApiOptions options() {
    ApiOptions o;
    o.root = root_.string();
    return o;
  }

  std::filesystem::path root_;
};

// The one place the extra route is written.
void add_extra(RouteTable& t) {
  RouteMethod post;
  post.method = "POST";
  post.right = Right::write;
  post.listed = true;
  post.handler = [](const RequestContext&, const RouteRequest& r) {
    return HandlerReply(200, Value(Map{{"status", Value("success")},
                                       {"name", Value(std::string(r.params.at(0)))}}));
  };
  post.openapi = R"({"operationId": "extraPost", "responses": {"200": {"description": "ok"}}})";
  t.add({"/api/extra/{name}", {post}});
}

TEST_F(RoutesTest, ARouteDeclaredOnceIsRoutedListedGuardedCountedAndDocumented) {
  ApiOptions o = options();
  o.add_routes = add_extra;
  auto api = std::make_shared<const Api>(std::move(o));

  // The router answers it (query string ignored) and only with its method.
  auto r = api->handle("POST", "/api/extra/abc?x=1", "{}");
  EXPECT_EQ(r.status, 200) << r.body;
  Value answer = parse(r.body);
  EXPECT_EQ(at(answer, "name"), Value("abc"));
  EXPECT_EQ(api->handle("GET", "/api/extra/abc", "").status, 405);
  EXPECT_EQ(api->handle("POST", "/api/extra/abc/def", "{}").status, 404);

  // /api/status lists it, after lynguine's own.
  auto listed = endpoints(*api);
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.back(), "POST /api/extra/{name}");

  // The Guard refuses it to a read-only key, through the route description.
  auto keys = lyn::server::ApiKeys::parse(
      "- {name: reader, key: reader-key-0123456789, rights: read}\n"
      "- {name: writer, key: writer-key-0123456789, rights: write}\n");
  ASSERT_TRUE(keys);
  lyn::server::GuardOptions g;
  g.api_keys = std::make_shared<const lyn::server::ApiKeys>(*keys);
  g.describe = lyn::app::describe_routes(api);
  lyn::server::Guard guard(g);
  auto request = [](const char* key) {
    lyn::server::HttpRequest q;
    q.method = "POST";
    q.target = "/api/extra/abc";
    q.headers = {{"Host", "127.0.0.1"}, {"X-API-Key", key}};
    q.remote = "127.0.0.1:1";
    return q;
  };
  auto refused = guard.check(request("reader-key-0123456789"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_FALSE(guard.check(request("writer-key-0123456789")).has_value());

  // The metrics label it by its template.
  lyn::ops::Metrics metrics(0, [api](std::string_view m, std::string_view t) {
    return lyn::app::route_info(api->routes(), m, t).metric_label;
  });
  metrics.observe("POST", "/api/extra/abc", 200, 0.001);
  metrics.observe("POST", "/api/extra/def", 200, 0.001);
  EXPECT_NE(metrics.render({}).find("lynguine_requests_total{endpoint=\"/api/extra/{name}\","
                                    "method=\"POST\",status=\"200\"} 2"),
            std::string::npos);

  // The OpenAPI document describes it.
  auto doc = lyn::ops::render_openapi(api->routes(), "1.2.3");
  ASSERT_TRUE(doc) << doc.error().message;
  Value parsed = parse(*doc);
  EXPECT_EQ(at(at(at(at(parsed, "paths"), "/api/extra/{name}"), "post"), "operationId"),
            Value("extraPost"));
}

TEST_F(RoutesTest, StatusListsLynguinesEndpointsInItsOrder) {
  Api api(options());
  std::vector<std::string> want = {"GET  /api/health",
                                   "GET  /api/ping",
                                   "GET  /api/status",
                                   "POST /api/read_data",
                                   "POST /api/write_data",
                                   "POST /api/compute",
                                   "POST /api/talk/field",
                                   "POST /api/interface/read",
                                   "POST /api/sessions",
                                   "GET  /api/sessions",
                                   "GET  /api/sessions/{id}",
                                   "DELETE /api/sessions/{id}",
                                   "POST /api/sessions/{id}/{operation}"};
  EXPECT_EQ(endpoints(api), want);
}

TEST_F(RoutesTest, RouterAnswersUnknownPathsAndMethodsAsLynguine) {
  Api api(options());
  EXPECT_EQ(api.handle("GET", "/api/nothing", "").status, 405);  // lynguine: 405, not 404
  EXPECT_EQ(api.handle("DELETE", "/api/nothing", "").status, 405);
  EXPECT_EQ(api.handle("POST", "/api/nothing", "{}").status, 404);
  EXPECT_EQ(api.handle("PUT", "/api/ping", "").status, 405);
  EXPECT_EQ(api.handle("DELETE", "/api/ping", "").status, 405);
  EXPECT_EQ(api.handle("POST", "/api/ping", "{}").status, 200);
  EXPECT_EQ(api.handle("GET", "/api/ping?x=1", "").status, 200);
  EXPECT_EQ(api.handle("GET", "/api/read_data", "").status, 405);
  EXPECT_EQ(api.handle("DELETE", "/api/sessions", "").status, 405);
  EXPECT_EQ(api.handle("DELETE", "/api/sessions/abc/get_shape", "").status, 405);
  EXPECT_EQ(api.handle("GET", "/api/sessions/", "").status, 400);  // "Session ID required"
  EXPECT_EQ(api.handle("GET", "/api/sessions/nope", "").status, 404);
  // The server's own pages are not the service's: direct mode does not know
  // them, and outside /api an unknown path does not exist.
  EXPECT_EQ(api.handle("GET", "/metrics", "").status, 404);
  EXPECT_EQ(api.handle("DELETE", "/nothing", "").status, 404);
  EXPECT_EQ(api.handle("PUT", "/nothing", "").status, 404);
  // Every 405 says what is allowed; HEAD goes wherever GET goes.
  auto allow = [](const Reply& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "Allow") return v;
    return std::string("(none)");
  };
  EXPECT_EQ(allow(api.handle("DELETE", "/api/ping", "")), "GET, HEAD, POST");
  EXPECT_EQ(allow(api.handle("PUT", "/api/read_data", "")), "POST");
  EXPECT_EQ(allow(api.handle("GET", "/api/nothing", "")), "");
  EXPECT_EQ(api.handle("HEAD", "/api/ping", "").status, 200);
  EXPECT_EQ(api.handle("HEAD", "/api/read_data", "").status, 405);
  auto bad = api.handle("POST", "/api/nothing", "{");
  EXPECT_EQ(bad.status, 400);  // the body is read before the path is matched
}

TEST_F(RoutesTest, ComputeOperationsComeFromTheTable) {
  Api api(options());
  auto r = api.handle("POST", "/api/compute", R"({"operation": "nope"})");
  EXPECT_EQ(r.status, 400);
  std::string known;
  for (const auto& op : compute_operations())
    known += (known.empty() ? "" : ", ") + std::string(op.name);
  EXPECT_NE(r.body.find("(known: " + known + ")"), std::string::npos) << r.body;
  auto today = api.handle("POST", "/api/compute", R"({"operation": "today"})");
  EXPECT_EQ(today.status, 200) << today.body;
}

TEST_F(RoutesTest, TheServersOwnPagesJoinTheTable) {
  lyn::app::ServeInfo info;
  info.version = "1.2.3";
  info.root = root_.string();
  auto log = std::make_shared<lyn::ops::Logger>(lyn::ops::LogLevel::kError,
                                                lyn::ops::LogFormat::kText, stderr);
  lyn::app::Observability obs(info, log);
  ApiOptions o = options();
  o.add_routes = [&obs](RouteTable& t) { obs.add_routes(t); };
  auto api = std::make_shared<const Api>(std::move(o));
  ASSERT_TRUE(obs.attach(api));
  auto page = api->handle("GET", "/", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  auto metrics = api->handle("GET", "/metrics?x", "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("lynguine_build_info{version=\"1.2.3\"} 1"), std::string::npos);
  EXPECT_EQ(api->handle("POST", "/metrics", "{}").status, 405);
  Value doc = parse(api->handle("GET", "/api/openapi.json", "").body);
  for (const char* p : {"/", "/metrics", "/api/openapi.json", "/api/ping"})
    EXPECT_TRUE(at(at(at(doc, "paths"), p), "get").is_map()) << p;
  // Not listed by /api/status (lynguine's list is the API's), but labelled.
  for (const auto& e : endpoints(*api)) EXPECT_EQ(e.find("/metrics"), std::string::npos);
  EXPECT_EQ(api->routes().describe("GET", "/metrics").metric_label, "/metrics");
  EXPECT_EQ(api->routes().describe("GET", "/").metric_label, "/");
}

}  // namespace
