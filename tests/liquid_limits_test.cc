// Hostile templates against the request Budget (src/assess/liquid/limits.h):
// each must end in the named refusal (or a correct answer), never a stack
// overflow, a frozen thread or gigabytes. The checks are on the errors, not
// on time.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>
#include <string>

#include "assess/liquid/liquid.h"
#include "core/budget.h"

namespace lyn::liquid {
namespace {

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The error of a render that must fail, under `limits`.
Error refusal(std::string_view tpl, const Limits& limits = Limits(), const Map& ctx = {}) {
  Budget budget(limits);
  BudgetScope scope(budget);
  auto r = render_liquid(tpl, ctx);
  if (auto* e = std::get_if<Error>(&r)) return *e;
  ADD_FAILURE() << "rendered " << std::get<std::string>(r).size()
                << " bytes: " << std::get<std::string>(r).substr(0, 80);
  return Error{};
}

std::string rendered(std::string_view tpl, const Limits& limits = Limits(), const Map& ctx = {}) {
  Budget budget(limits);
  BudgetScope scope(budget);
  auto r = render_liquid(tpl, ctx);
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << e->type << ": " << e->message;
    return "";
  }
  return std::get<std::string>(r);
}

void expect_names(const Error& e, std::string_view type, std::string_view limit, int status) {
  EXPECT_EQ(e.type, type) << e.message;
  EXPECT_EQ(e.http_status, status) << e.message;
  EXPECT_NE(e.message.find(std::string(limit) + " = "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("raise it"), std::string::npos) << e.message;
}

TEST(LiquidLimits, FiftyThousandNestedParenthesesAreRefusedNotOverflowed) {
  // The 100 KB template.
  std::string tpl = "{{ " + repeat("(", 50000) + "1..2" + repeat(")", 50000) + " }}";
  ASSERT_GT(tpl.size(), 100000u);
  expect_names(refusal(tpl), "ResourceLimitError", "liquid_nesting_depth", 422);
  for (std::string t : {"{% if " + repeat("(", 50000) + " %}x{% endif %}",
                        "{% for i in " + repeat("(", 50000) + " %}x{% endfor %}",
                        "{{ " + repeat("a[", 50000) + "'k'" + repeat("]", 50000) + " }}",
                        "{{ " + repeat("[", 50000) + " }}",
                        "{% assign x = 1 | plus: " + repeat("(", 50000) + " %}"})
    expect_names(refusal(t), "ResourceLimitError", "liquid_nesting_depth", 422);
}

TEST(LiquidLimits, MarkdownNestedTooDeeplyIsRefusedNotOverflowed) {
  Map quotes{{"s", Value(repeat("> ", 50000) + "x")}};
  Map lists{{"s", Value(repeat("  ", 50000) + "- a")}};
  for (const Map* ctx : {&quotes, &lists})
    expect_names(refusal("{{ s | markdownify }}", Limits(), *ctx), "ResourceLimitError",
                 "liquid_nesting_depth", 422);
  Map shallow{{"s", Value(repeat("> ", 100) + "x")}};
  EXPECT_NE(rendered("{{ s | markdownify }}", Limits(), shallow).find("<blockquote>"),
            std::string::npos);
}

TEST(LiquidLimits, NestingUpToTheLimitStillRenders) {
  Limits limits;
  limits.liquid_nesting_depth = 1000;
  Map ctx{{"a", Value(Map{{"k", Value("v")}})}};
  std::string tpl = "{{ " + repeat("a[", 998) + "'k'" + repeat("]", 998) + " }}";
  EXPECT_EQ(rendered(tpl, limits, ctx), "");  // as python-liquid: a['v'] is undefined
  std::string deeper = "{{ " + repeat("a[", 1000) + "'k'" + repeat("]", 1000) + " }}";
  expect_names(refusal(deeper, limits, ctx), "ResourceLimitError", "liquid_nesting_depth", 422);
}

TEST(LiquidLimits, LongAndOrChainsNeedNoStack) {
  EXPECT_EQ(rendered("{% if " + repeat("true and ", 50000) + "true %}y{% endif %}"), "y");
  EXPECT_EQ(rendered("{% if " + repeat("false or ", 50000) + "true %}y{% endif %}"), "y");
  EXPECT_EQ(rendered("{% if " + repeat("true and ", 50000) + "false %}y{% else %}n{% endif %}"),
            "n");
}

TEST(LiquidLimits, DeeplyNestedBlocksAndLiquidTagsAreBoundedLikePythonLiquid) {
  // Blocks nest at most 30 deep; deeper ones are dropped in LAX mode.
  EXPECT_EQ(
      rendered("a" + repeat("{% if true %}", 50000) + "x" + repeat("{% endif %}", 50000) + "b"),
      "ab");
  EXPECT_EQ(rendered("a{% liquid " + repeat("liquid ", 50000) + "echo 'x' %}b"), "ab");
  EXPECT_EQ(rendered("a" + repeat("{% for i in (1..1) %}", 5000) + "x" +
                     repeat("{% endfor %}", 5000) + "b"),
            "ab");
}

TEST(LiquidLimits, TemplateSizeIsBounded) {
  Limits limits;
  limits.liquid_template_bytes = 1000;
  expect_names(refusal(std::string(1001, 'x'), limits), "ResourceLimitError",
               "liquid_template_bytes", 413);
  EXPECT_EQ(rendered(std::string(1000, 'x'), limits), std::string(1000, 'x'));
}

TEST(LiquidLimits, NestedLoopsStopAtTheIterationLimit) {
  std::string tpl =
      "{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}"
      "{% endfor %}{% endfor %}{% endfor %}";
  Limits limits;
  limits.liquid_loop_iterations = 100000;
  Error e = refusal(tpl, limits);
  expect_names(e, "LoopIterationLimitError", "liquid_loop_iterations", 422);
  EXPECT_NE(e.message.find("loop iteration limit reached"), std::string::npos);
  // The default stops the same template too (10^9 iterations asked for).
  expect_names(refusal(tpl), "LoopIterationLimitError", "liquid_loop_iterations", 422);
}

TEST(LiquidLimits, StringDoublingStopsAtTheValueLimit) {
  std::string doubling =
      "{% assign s = 'ab' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}"
      "{{ s | size }}";
  expect_names(refusal(doubling), "OutputStreamLimitError", "liquid_output_bytes", 422);
  std::string capture =
      "{% assign s = 'ab' %}{% for i in (1..64) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}"
      "{% endfor %}{{ s | size }}";
  expect_names(refusal(capture), "OutputStreamLimitError", "liquid_output_bytes", 422);
  std::string lists =
      "{% assign l = 'a,b' | split: ',' %}{% for i in (1..64) %}{% assign l = l | concat: l %}"
      "{% endfor %}{{ l | size }}";
  expect_names(refusal(lists), "OutputStreamLimitError", "liquid_output_bytes", 422);
  // One replace that would square its input is refused before it is built.
  Limits limits;
  limits.liquid_output_bytes = 1 << 20;
  std::string square =
      "{% assign s = '" + std::string(2000, 'a') + "' %}{{ s | replace: 'a', s | size }}";
  expect_names(refusal(square, limits), "OutputStreamLimitError", "liquid_output_bytes", 422);
  std::string join =
      "{% assign s = '" + std::string(2000, 'a') + "' %}{{ (1..1000) | join: s | size }}";
  expect_names(refusal(join, limits), "OutputStreamLimitError", "liquid_output_bytes", 422);
  std::string split =
      "{% assign s = '" + std::string(200000, 'a') + "' %}{{ s | split: '' | size }}";
  expect_names(refusal(split, limits), "OutputStreamLimitError", "liquid_output_bytes", 422);
}

TEST(LiquidLimits, OutputIsBounded) {
  Limits limits;
  limits.liquid_output_bytes = 10000;
  Error e = refusal("{% for i in (1..100000) %}0123456789{% endfor %}", limits);
  expect_names(e, "OutputStreamLimitError", "liquid_output_bytes", 422);
  EXPECT_NE(e.message.find("output stream limit reached"), std::string::npos);
  EXPECT_EQ(rendered("{% for i in (1..1000) %}0123456789{% endfor %}", limits).size(), 10000u);
}

TEST(LiquidLimits, RepeatedSquaringStopsAtTheDigitLimit) {
  std::string tpl =
      "{% assign x = 3 %}{% for i in (1..64) %}{% assign x = x | times: x %}{% endfor %}"
      "{{ x | modulo: 7 }}";
  Error e = refusal(tpl);
  expect_names(e, "ResourceLimitError", "liquid_integer_digits", 422);
  EXPECT_NE(e.message.find("integer too large"), std::string::npos);
  Limits limits;
  limits.liquid_integer_digits = 50;
  expect_names(refusal("{{ 99999999999999999999999999999999 | times: "
                       "99999999999999999999999999999999 }}",
                       limits),
               "ResourceLimitError", "liquid_integer_digits", 422);
  EXPECT_EQ(rendered("{{ 9999999999999999999999999 | times: 9999999999999999999999999 }}", limits),
            "99999999999999999999999980000000000000000000000001");
}

// python-liquid clamps a range literal to 1024 items, so a long render
// nests its loops (about 10^6 iterations).
constexpr const char* kLongRender =
    "{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}";

TEST(LiquidLimits, WorkStepsAndDeadlineStopARender) {
  Limits limits;
  limits.work_steps = 1000;
  expect_names(refusal("{% for i in (1..10000) %}x{% endfor %}", limits), "ResourceLimitError",
               "work_steps", 422);

  // A deadline already passed: the next clock reading stops the work.
  Budget late{Limits()};
  late.set_deadline(std::chrono::steady_clock::now() - std::chrono::seconds(1));
  {
    BudgetScope scope(late);
    auto r = render_liquid(kLongRender, {});
    const Error* e = std::get_if<Error>(&r);
    ASSERT_TRUE(e);
    expect_names(*e, "TimeoutError", "deadline_ms", 503);
  }
  Budget cancelled{Limits()};
  cancelled.cancel();
  BudgetScope scope(cancelled);
  auto r = render_liquid(kLongRender, {});
  ASSERT_TRUE(std::get_if<Error>(&r));
  EXPECT_EQ(std::get<Error>(r).type, "TimeoutError");
}

TEST(LiquidLimits, VariablesAreHeldAgainstTheMemoryBudget) {
  Limits limits;
  limits.memory_bytes = 1 << 20;
  std::string tpl = "{% assign s = '" + std::string(100000, 'a') + "' %}";
  for (int i = 0; i < 20; ++i) tpl += "{% assign s" + std::to_string(i) + " = s | append: i %}";
  expect_names(refusal(tpl, limits), "MemoryError", "memory_bytes", 422);
  // Reassigning one variable gives its old value back.
  std::string reuse = "{% assign s = '" + std::string(100000, 'a') + "' %}";
  for (int i = 0; i < 20; ++i) reuse += "{% assign t = s | append: " + std::to_string(i) + " %}";
  EXPECT_EQ(rendered(reuse + "{{ t | size }}", limits), "100002");
}

TEST(LiquidLimits, BudgetRefusalsAreNotSwallowedByLaxMode) {
  Limits limits;
  limits.liquid_loop_iterations = 10;
  // A LAX render goes on after a failing node; a refusal ends the render.
  Error e = refusal("a{{ x | nosuchfilter }}b{% for i in (1..100) %}{% endfor %}c", limits);
  EXPECT_EQ(e.type, "LoopIterationLimitError");
}

// The default limits keep the deepest recursion they allow within a 1 MiB
// stack: a worker pool may give its threads that little.
TEST(LiquidLimits, DefaultLimitsFitInAOneMegabyteStack) {
  std::function<void()> work = [] {
    Map ctx{{"a", Value(Map{{"k", Value("v")}})}, {"q", Value(repeat("> ", 1000) + "x")}};
    Limits limits;  // the defaults
    EXPECT_EQ(rendered("{{ " + repeat("a[", 999) + "'k'" + repeat("]", 999) + " }}", limits, ctx),
              "");
    EXPECT_EQ(rendered("{{ " + repeat("(", 999) + "1..2" + repeat(")", 999) + " }}", limits), "");
    EXPECT_FALSE(rendered("{{ q | markdownify }}", limits, ctx).empty());
    EXPECT_EQ(rendered(repeat("{% if true %}{% for i in (1..1) %}", 13) + "x" +
                           repeat("{% endfor %}{% endif %}", 13),
                       limits),
              "x");
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* f) -> void* {
                  (*static_cast<std::function<void()>*>(f))();
                  return nullptr;
                },
                &work),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace
}  // namespace lyn::liquid
