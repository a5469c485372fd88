// Tests for the server's observability pieces: lyn::ops::Metrics (labels
// from the route table, the Prometheus exposition, thread safety), Logger
// (text and JSON lines), the OpenAPI document (valid JSON, every listed route
// described) and the status page. tests/routes_test.cc proves they all read
// one route table.
#include "ops/metrics.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "ops/logging.h"
#include "ops/openapi.h"
#include "ops/status_page.h"
#include "service/routes.h"

namespace {

using lyn::Value;
using lyn::ops::LogFormat;
using lyn::ops::Logger;
using lyn::ops::LogLevel;
using lyn::ops::Metrics;
using lyn::ops::MetricsSources;
using lyn::ops::normalise_method;

// The label `lynguine serve` gives a request: its route in the API's table.
std::string label(std::string_view method, std::string_view target) {
  return lyn::service::api_routes()->describe(method, target).metric_label;
}

// Metrics labelled as `lynguine serve` labels them.
Metrics api_metrics(double start = 0) {
  return Metrics(start, label);
}

Value parse(const std::string& text) {
  auto v = lyn::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

// The value of the sample line `series` (exact text before the space), or -1.
double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

TEST(MetricsTest, LabelsAreRouteTemplates) {
  EXPECT_EQ(label("GET", "/api/ping"), "/api/ping");
  EXPECT_EQ(label("GET", "/api/ping?verbose=1"), "/api/ping");
  EXPECT_EQ(label("DELETE", "/api/ping"), "/api/ping");
  EXPECT_EQ(label("GET", "/api/sessions"), "/api/sessions");
  EXPECT_EQ(label("GET", "/api/sessions/0b6f-uuid"), "/api/sessions/{id}");
  EXPECT_EQ(label("GET", "/api/sessions/0b6f-uuid/get_shape"), "/api/sessions/{id}/get_shape");
  EXPECT_EQ(label("POST", "/api/sessions/x/get_value/extra"), "/api/sessions/{id}/get_value");
  EXPECT_EQ(label("POST", "/api/sessions/x/drop_tables"), "/api/sessions/{id}/{operation}");
  EXPECT_EQ(label("GET", "/wp-admin/login.php"), "other");
  EXPECT_EQ(label("POST", "/api/nothing"), "other");
  EXPECT_EQ(label("GET", "/api/ping/"), "other");
  EXPECT_EQ(normalise_method("GET"), "GET");
  EXPECT_EQ(normalise_method("BREW"), "OTHER");
  // Told no labels, every request is "other": never one series per path.
  Metrics bare;
  bare.observe("GET", "/api/ping", 200, 0.001);
  EXPECT_NE(bare.render({}).find("endpoint=\"other\""), std::string::npos);
}

TEST(MetricsTest, RendersCountersAndHistograms) {
  Metrics m = api_metrics(1000.0);
  m.observe("GET", "/api/ping", 200, 0.00007);
  m.observe("GET", "/api/ping?x=1", 200, 0.0003);
  m.observe("POST", "/api/sessions/abc/get_shape", 404, 0.002);
  m.observe("POST", "/api/sessions/def/get_shape", 404, 20.0);  // beyond the last bucket
  MetricsSources src;
  src.cache_hits = [] { return std::uint64_t{7}; };
  src.cache_misses = [] { return std::uint64_t{3}; };
  src.sessions = [] { return std::size_t{2}; };
  src.version = "9.9.9";
  std::string text = m.render(src);

  EXPECT_EQ(
      sample(text, "lynguine_requests_total{endpoint=\"/api/ping\",method=\"GET\",status=\"200\"}"),
      2);
  EXPECT_EQ(sample(text,
                   "lynguine_requests_total{endpoint=\"/api/sessions/{id}/get_shape\","
                   "method=\"POST\",status=\"404\"}"),
            2);
  // Cumulative buckets: 70 us is in le=0.0001, 300 us joins at le=0.0005.
  EXPECT_EQ(
      sample(text,
             "lynguine_request_duration_seconds_bucket{endpoint=\"/api/ping\",le=\"0.00005\"}"),
      0);
  EXPECT_EQ(
      sample(text,
             "lynguine_request_duration_seconds_bucket{endpoint=\"/api/ping\",le=\"0.0001\"}"),
      1);
  EXPECT_EQ(
      sample(text,
             "lynguine_request_duration_seconds_bucket{endpoint=\"/api/ping\",le=\"0.0005\"}"),
      2);
  EXPECT_EQ(
      sample(text, "lynguine_request_duration_seconds_bucket{endpoint=\"/api/ping\",le=\"+Inf\"}"),
      2);
  EXPECT_EQ(sample(text, "lynguine_request_duration_seconds_count{endpoint=\"/api/ping\"}"), 2);
  EXPECT_NEAR(sample(text, "lynguine_request_duration_seconds_sum{endpoint=\"/api/ping\"}"),
              0.00037, 1e-12);
  EXPECT_EQ(sample(text,
                   "lynguine_request_duration_seconds_bucket{endpoint=\"/api/sessions/{id}/"
                   "get_shape\",le=\"10\"}"),
            1);
  EXPECT_EQ(sample(text,
                   "lynguine_request_duration_seconds_bucket{endpoint=\"/api/sessions/{id}/"
                   "get_shape\",le=\"+Inf\"}"),
            2);
  EXPECT_EQ(sample(text, "lynguine_cache_hits_total"), 7);
  EXPECT_EQ(sample(text, "lynguine_cache_misses_total"), 3);
  EXPECT_EQ(sample(text, "lynguine_sessions"), 2);
  EXPECT_EQ(sample(text, "process_start_time_seconds"), 1000);
  EXPECT_EQ(sample(text, "lynguine_build_info{version=\"9.9.9\"}"), 1);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 0);
  EXPECT_GE(sample(text, "lynguine_uptime_seconds"), 0);
  EXPECT_EQ(m.requests_total(), 4u);

  // Every line is a comment or `name{labels} value` (the exposition grammar).
  std::regex line_re(
      R"(^(# (HELP|TYPE) .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{(\w+="([^"\\]|\\.)*",?)*\})? \S+)$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) EXPECT_TRUE(std::regex_match(line, line_re)) << line;
}

TEST(MetricsTest, LabelCardinalityIsBounded) {
  Metrics m = api_metrics();
  for (int i = 0; i < 500; ++i) {
    m.observe("GET", "/api/sessions/" + std::to_string(i), 404, 0.001);
    m.observe("GET", "/random/" + std::to_string(i), 404, 0.001);
  }
  std::string text = m.render({});
  size_t series = 0;
  for (size_t k = text.find("\nlynguine_requests_total{"); k != std::string::npos;
       k = text.find("\nlynguine_requests_total{", k + 1))
    ++series;
  EXPECT_EQ(series, 2u);
}

TEST(MetricsTest, ObserveIsThreadSafe) {
  Metrics m = api_metrics();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 5000; ++i) {
        m.observe(t % 2 ? "GET" : "POST", "/api/ping", 200, 0.0001 * (i % 7));
        if (i % 1000 == 0) (void)m.render({});
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(m.requests_total(), 40000u);
  std::string text = m.render({});
  EXPECT_EQ(sample(text, "lynguine_request_duration_seconds_count{endpoint=\"/api/ping\"}"), 40000);
}

TEST(MetricsTest, LoggerWritesJsonLines) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Logger log(LogLevel::kInfo, LogFormat::kJson, f);
    log.access("GET", "/api/ping?q=\"x\"\xff", 200, 0.000123, 35, "127.0.0.1:5000");
    log.log(LogLevel::kDebug, "not written");
    log.log(LogLevel::kError, "boom", {lyn::ops::log_field("code", 7LL)});
  }
  std::rewind(f);
  std::vector<Value> lines;
  char buf[1024];
  while (std::fgets(buf, sizeof buf, f)) lines.push_back(parse(buf));
  std::fclose(f);
  ASSERT_EQ(lines.size(), 2u);
  auto text = [](const Value& line, const char* key) {
    const Value* v = line.get(key);
    return v && v->is_string() ? v->as_string() : std::string("<missing>");
  };
  auto number = [](const Value& line, const char* key) {
    const Value* v = line.get(key);
    if (!v) return -1.0;
    return v->is_int() ? static_cast<double>(v->as_int()) : v->is_float() ? v->as_float() : -1.0;
  };
  EXPECT_EQ(text(lines[0], "level"), "info");
  EXPECT_EQ(text(lines[0], "msg"), "request");
  EXPECT_EQ(text(lines[0], "method"), "GET");
  EXPECT_EQ(text(lines[0], "path"), "/api/ping?q=\"x\"\xef\xbf\xbd");
  EXPECT_EQ(number(lines[0], "status"), 200);
  EXPECT_DOUBLE_EQ(number(lines[0], "duration_ms"), 0.123);
  EXPECT_EQ(number(lines[0], "bytes"), 35);
  EXPECT_EQ(text(lines[0], "remote"), "127.0.0.1:5000");
  EXPECT_TRUE(text(lines[0], "ts").ends_with("Z"));
  EXPECT_EQ(text(lines[1], "level"), "error");
  EXPECT_EQ(number(lines[1], "code"), 7);
}

TEST(MetricsTest, LoggerWritesTextLines) {
  Logger log(LogLevel::kInfo, LogFormat::kText, nullptr);
  std::string line =
      log.format_line(LogLevel::kInfo, "request",
                      {lyn::ops::log_field("path", "/a b"), lyn::ops::log_field("status", 404LL)});
  EXPECT_TRUE(std::regex_match(
      line, std::regex(
                R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO request path="/a b" status=404\n)")))
      << line;
  EXPECT_EQ(lyn::ops::parse_log_level("warning"), LogLevel::kWarning);
  EXPECT_FALSE(lyn::ops::parse_log_level("loud").has_value());
  EXPECT_EQ(lyn::ops::parse_log_format("json"), LogFormat::kJson);
}

TEST(MetricsTest, OpenApiDescribesEveryRoute) {
  const auto& routes = *lyn::service::api_routes();
  auto rendered = lyn::ops::render_openapi(routes, "9.9.9");
  ASSERT_TRUE(rendered) << rendered.error().message;
  Value doc = parse(*rendered);
  ASSERT_TRUE(doc.is_map());
  auto at = [](const Value& v, std::string_view key) -> const Value& {
    static const Value kNone;
    const Value* found = v.is_map() ? v.get(key) : nullptr;
    return found ? *found : kNone;
  };
  EXPECT_EQ(at(doc, "openapi"), Value("3.0.3"));
  EXPECT_EQ(at(at(doc, "info"), "version"), Value("9.9.9"));
  const Value& paths = at(doc, "paths");
  for (const std::string& e : routes.endpoint_list()) {
    // "GET  /api/health" -> get, /api/health
    std::istringstream in(e);
    std::string method, path;
    in >> method >> path;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(at(paths, path).is_map()) << e;
    EXPECT_TRUE(at(at(paths, path), method).is_map()) << e;
  }
  // The session operations' enum is the table of operations.
  const Value& params = at(at(paths, "/api/sessions/{id}/{operation}"), "parameters");
  ASSERT_TRUE(params.is_list());
  const Value& ops = at(at(params.as_list().at(1), "schema"), "enum");
  ASSERT_TRUE(ops.is_list());
  EXPECT_EQ(ops.as_list().size(), lyn::service::session_operations().size());
  // Every $ref points at something that exists.
  std::string text = *rendered;
  std::regex ref_re("\"\\$ref\": \"#/components/(\\w+)/(\\w+)\"");
  int refs = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref_re);
       it != std::sregex_iterator(); ++it, ++refs)
    EXPECT_TRUE(at(at(at(doc, "components"), (*it)[1].str()), (*it)[2].str()).is_map()) << (*it)[0];
  EXPECT_GT(refs, 20);
}

TEST(MetricsTest, StatusPageIsOneDocument) {
  std::string_view page = lyn::ops::status_page_html();
  EXPECT_EQ(page.substr(0, 15), "<!DOCTYPE html>");
  EXPECT_NE(page.find("<canvas id=\"hist\""), std::string_view::npos);
  EXPECT_NE(page.find("/metrics"), std::string_view::npos);
  EXPECT_TRUE(page.ends_with("</html>\n"));
}

}  // namespace
