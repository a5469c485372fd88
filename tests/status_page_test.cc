// Tests for what the status page leans on in src/ops: which requests are its
// own polls (never activity, never counted), the activity clock that leaves
// them out, and the bounded list of recent errors. No timing assertions: the
// clock is only compared with itself (idle grows, or is 0 while in flight).
#include "ops/status_page.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ops/activity.h"
#include "ops/recent_errors.h"

namespace {

using lyn::ops::Activity;
using lyn::ops::is_status_page_poll;
using lyn::ops::RecentErrors;

TEST(StatusPagePoll, OnlyTheMarkedGetsOfTheThreeSourcesArePolls) {
  for (const char* target :
       {"/api/status", "/api/server", "/api/sessions", "/metrics", "/metrics?x=1"})
    EXPECT_TRUE(is_status_page_poll("GET", target, "status-page")) << target;
  // Unmarked, or marked with another value: a request like any other.
  EXPECT_FALSE(is_status_page_poll("GET", "/api/status", ""));
  EXPECT_FALSE(is_status_page_poll("GET", "/api/status", "yes"));
  // The header cannot hide real work from the idle timer or the counts.
  EXPECT_FALSE(is_status_page_poll("POST", "/api/sessions", "status-page"));
  EXPECT_FALSE(is_status_page_poll("POST", "/api/read_data", "status-page"));
  EXPECT_FALSE(is_status_page_poll("GET", "/api/sessions/abc", "status-page"));
  EXPECT_FALSE(is_status_page_poll("GET", "/", "status-page"));
}

TEST(StatusPage, IsSelfContainedAndKeepsTheTokenOutOfUrls) {
  std::string page(lyn::ops::status_page_html());
  EXPECT_NE(page.find("X-Lynguine-Poll"), std::string::npos);
  EXPECT_NE(page.find("sessionStorage"), std::string::npos);
  EXPECT_NE(page.find("\"Authorization\""), std::string::npos);
  // No favicon request (it would count as a request and an error).
  EXPECT_NE(page.find("rel=\"icon\" href=\"data:,\""), std::string::npos);
  // The token's input has no name: a form submitted without script sends nothing.
  auto input = page.find("id=\"token-input\"");
  ASSERT_NE(input, std::string::npos);
  auto tag_end = page.find('>', input);
  EXPECT_EQ(page.substr(input, tag_end - input).find("name="), std::string::npos);
}

TEST(Activity, IdleIsZeroWhileInFlightAndGrowsAfter) {
  Activity a;
  a.begin();
  EXPECT_EQ(a.idle_seconds(), 0.0);
  a.begin();
  a.end();
  EXPECT_EQ(a.idle_seconds(), 0.0);  // one still in flight
  a.end();
  double first = a.idle_seconds();
  EXPECT_GE(first, 0.0);
  // Idle never goes back without activity; a touch brings it back.
  double later = first;
  for (int i = 0; i < 1000 && later <= first; ++i) later = a.idle_seconds();
  EXPECT_GE(later, first);
  a.touch();
  EXPECT_LE(a.idle_seconds(), later);
}

TEST(Activity, ManyThreadsLeaveNothingInFlight) {
  Activity a;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&a] {
      for (int i = 0; i < 1000; ++i) {
        a.begin();
        a.end();
      }
    });
  for (auto& t : threads) t.join();
  // Not stuck at 0: nothing is in flight any more.
  double idle = 0;
  for (int i = 0; i < 100000 && idle == 0.0; ++i) idle = a.idle_seconds();
  EXPECT_GT(idle, 0.0);
}

TEST(RecentErrors, NewestFirstAndBounded) {
  RecentErrors errors(3);
  EXPECT_TRUE(errors.to_value().as_list().empty());
  for (int i = 0; i < 5; ++i)
    errors.add({0, 400 + i, "GET", "/api/x" + std::to_string(i), "ValueError"});
  lyn::Value shown = errors.to_value();
  const auto& list = shown.as_list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].get("status")->as_int(), 404);
  EXPECT_EQ(list[0].get("path")->as_string(), "/api/x4");
  EXPECT_EQ(list[2].get("status")->as_int(), 402);
  EXPECT_GT(list[0].get("at")->as_float(), 0.0);
  EXPECT_EQ(list[0].get("reason")->as_string(), "ValueError");
}

}  // namespace
