// Tests for the request Budget (src/core/budget.h): its counters, its
// refusals and how a scope installs it on a thread.
#include "core/budget.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace lyn {
namespace {

TEST(Budget, StepsRunOutWithANamedRefusal) {
  Limits limits;
  limits.work_steps = 100;
  Budget b(limits);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b.spend());
  EXPECT_FALSE(b.spend());
  EXPECT_TRUE(b.exhausted());
  EXPECT_EQ(b.error().type, "ResourceLimitError");
  EXPECT_EQ(b.error().http_status, 422);
  EXPECT_NE(b.error().message.find("work_steps = 100 steps"), std::string::npos)
      << b.error().message;
  EXPECT_FALSE(b.spend(0)) << "a refusal is sticky";
  EXPECT_FALSE(b.check().ok());
}

TEST(Budget, MemoryIsHeldAndGivenBack) {
  Limits limits;
  limits.memory_bytes = 1000;
  Budget b(limits);
  ASSERT_TRUE(b.allocate(600));
  b.release(600);
  ASSERT_TRUE(b.allocate(1000));
  EXPECT_EQ(b.bytes(), 1000u);
  EXPECT_FALSE(b.allocate(1));
  EXPECT_EQ(b.error().type, "MemoryError");
  EXPECT_NE(b.error().message.find("memory_bytes = 1000 bytes"), std::string::npos);
}

TEST(Budget, DeadlineAndCancellationStopTheWork) {
  Budget late{Limits()};
  late.set_deadline(std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  bool stopped = false;
  for (int i = 0; i < 100000 && !stopped; ++i) stopped = !late.spend();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(late.error().type, "TimeoutError");
  EXPECT_EQ(late.error().http_status, 503);

  Budget b{Limits()};
  std::thread([&] { b.cancel(); }).join();  // from another thread
  EXPECT_FALSE(b.check().ok());
  EXPECT_EQ(b.error().type, "TimeoutError");
}

// A Budget following another's cancel flag (a server's: set when it has
// answered the request 503 at its deadline) stops once the flag is set.
TEST(Budget, FollowsACancelFlag) {
  Limits unbounded;
  unbounded.deadline_ms = 0;
  unbounded.work_steps = 0;
  Budget b(unbounded);
  auto flag = std::make_shared<std::atomic<bool>>(false);
  b.follow(flag);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(b.spend());
  std::thread([&] { flag->store(true); }).join();
  bool stopped = false;
  for (int i = 0; i < 100000 && !stopped; ++i) stopped = !b.spend();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(b.error().type, "TimeoutError");
  EXPECT_TRUE(b.cancelled());
}

TEST(Budget, ZeroMeansUnlimited) {
  Limits limits;
  limits.work_steps = 0;
  limits.memory_bytes = 0;
  limits.deadline_ms = 0;
  Budget b(limits);
  EXPECT_TRUE(b.spend(uint64_t{1} << 40));
  EXPECT_TRUE(b.allocate(uint64_t{1} << 40));
  EXPECT_FALSE(b.deadline().has_value());
}

TEST(BudgetScope, InstallsPerThreadAndNests) {
  EXPECT_FALSE(BudgetScope::active());
  Budget& fallback = Budget::current();
  EXPECT_TRUE(fallback.spend(uint64_t{1} << 50)) << "the fallback meters nothing";
  Budget outer{Limits()};
  {
    BudgetScope a(outer);
    EXPECT_EQ(&Budget::current(), &outer);
    Budget inner{Limits()};
    {
      BudgetScope b(inner);
      EXPECT_EQ(&Budget::current(), &inner);
      std::thread([&] {
        EXPECT_FALSE(BudgetScope::active()) << "a scope is one thread's";
        EXPECT_NE(&Budget::current(), &inner);
      }).join();
    }
    EXPECT_EQ(&Budget::current(), &outer);
  }
  EXPECT_FALSE(BudgetScope::active());
}

TEST(LimitTable, EveryLimitHasOneRowNamedAfterItsField) {
  std::set<std::string> names;
  Limits limits;
  for (size_t i = 0; i < limit_table().size(); ++i) {
    const LimitInfo& row = limit_table()[i];
    EXPECT_EQ(static_cast<size_t>(row.id), i);
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_EQ(find_limit(row.name), &row);
    EXPECT_GT(limits.*row.field, 0u) << row.name << " has a default";
    EXPECT_TRUE(row.http_status == 413 || row.http_status == 422 || row.http_status == 503);
    Error e = limit_error(row.id, 7, "too much");
    EXPECT_EQ(e.type, row.error_type);
    EXPECT_EQ(e.message, std::string("too much (limit ") + row.name + " = 7 " + row.unit + "; " +
                             limit_option_hint(row) + ")");
  }
  EXPECT_EQ(find_limit("nonesuch"), nullptr);
  EXPECT_EQ(limit_option_hint(limit_info(Limit::kInheritDepth)),
            "raise it with `lynguine serve --limit inherit_depth=N`, N at most 1000");
  EXPECT_EQ(limit_option_hint(limit_info(Limit::kDeadline)),
            "raise it with `lynguine serve --limit deadline_ms=N`, 0 for none");
}

TEST(LimitTable, SetLimitTakesNameEqualsWholeNumber) {
  Limits limits;
  ASSERT_TRUE(set_limit(limits, "inherit_depth=64").ok());
  EXPECT_EQ(limits.inherit_depth, 64u);
  ASSERT_TRUE(set_limit(limits, "deadline_ms=0").ok());
  EXPECT_EQ(limits.deadline_ms, 0u);
  for (const char* bad : {"inherit_depth", "inherit_depth=", "inherit_depth=-1",
                          "inherit_depth=1.5", "inherit_depth=64x", "nonesuch=1", "=1"}) {
    Status st = set_limit(limits, bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().type, "ValueError");
    EXPECT_NE(st.error().message.find("--limit"), std::string::npos) << st.error().message;
  }
  EXPECT_EQ(limits.inherit_depth, 64u);  // refusals change nothing
  EXPECT_NE(set_limit(limits, "x=1").error().message.find("liquid_loop_iterations"),
            std::string::npos);
}

// A limit that bounds recursion on the stack can never be removed: 0 and
// values over the stack's ceiling are refused by name, and a Budget built
// from Limits that say otherwise keeps the ceiling.
TEST(LimitTable, RecursionLimitsKeepABound) {
  for (Limit id : {Limit::kLiquidNestingDepth, Limit::kInheritDepth}) {
    const LimitInfo& row = limit_info(id);
    uint64_t ceiling = stack_ceiling(id);
    ASSERT_GT(ceiling, 0u) << row.name;
    Limits limits;
    uint64_t before = limits.*row.field;
    for (std::string v :
         {std::string("0"), std::to_string(ceiling + 1), std::string("18446744073709551615")}) {
      Status st = set_limit(limits, std::string(row.name) + "=" + v);
      ASSERT_FALSE(st.ok()) << row.name << "=" << v;
      EXPECT_EQ(st.error().type, "ValueError");
      EXPECT_NE(st.error().message.find(std::string("--limit ") + row.name), std::string::npos)
          << st.error().message;
      EXPECT_EQ(limits.*row.field, before);
    }
    ASSERT_TRUE(set_limit(limits, std::string(row.name) + "=" + std::to_string(ceiling)).ok());
    EXPECT_EQ(limits.*row.field, ceiling);
    for (uint64_t v : {uint64_t{0}, ceiling + 1, ~uint64_t{0}}) {
      limits.*row.field = v;
      Budget budget(limits);
      EXPECT_EQ(budget.limits().*row.field, ceiling) << row.name << "=" << v;
    }
  }
  EXPECT_EQ(stack_ceiling(Limit::kLiquidLoopIterations), 0u);
  Limits limits;
  ASSERT_TRUE(set_limit(limits, "liquid_loop_iterations=0").ok());  // no recursion: may be none
}

}  // namespace
}  // namespace lyn
