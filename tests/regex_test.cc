// Tests for PyRegex (src/core/regex.h): Python's re.match recorded by
// tests/conformance/regex/record_regex.py, then the patterns a backtracking
// matcher never finishes, the constructs we refuse, and the budgets.
#include "core/regex.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/budget.h"
#include "core/json.h"

namespace lyn {
namespace {

TEST(PyRegexConformance, RecordedPythonMatches) {
  std::ifstream in(LYN_SOURCE_DIR "/tests/conformance/regex/cases.json");
  ASSERT_TRUE(in) << "cannot open cases.json";
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = parse_json(ss.str());
  ASSERT_TRUE(doc.ok());
  const Value* cases = doc->get("cases");
  ASSERT_TRUE(cases && cases->is_list());
  int checked = 0;
  for (const Value& c : cases->as_list()) {
    std::string pattern = c.get("pattern")->as_string();
    auto re = PyRegex::compile(pattern);
    if (const Value* err = c.get("error")) {
      ASSERT_FALSE(re.ok()) << "pattern " << pattern << " should be refused: " << err->as_string();
      EXPECT_EQ(re.error().type, "error") << pattern;
      EXPECT_EQ(re.error().message, err->as_string()) << pattern;
      EXPECT_EQ(re.error().http_status, 400);
      ++checked;
      continue;
    }
    ASSERT_TRUE(re.ok()) << pattern << ": " << re.error().message;
    std::string text = c.get("text")->as_string();
    auto hit = re->match(text);
    ASSERT_TRUE(hit.ok()) << hit.error().message;
    EXPECT_EQ(*hit, c.get("match")->as_bool()) << "re.match(" << pattern << ", " << text << ")";
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

// What a backtracking matcher (Python's, std::regex) takes exponential time
// on: ours answers, within a step count linear in the text. No timing is
// asserted; the step count is the proof.
TEST(PyRegex, CatastrophicPatternsRunInLinearSteps) {
  const std::string text = std::string(5000, 'a') + "!";
  for (const char* pattern : {"(a+)+$", "(a|aa)+$", "(a*)*$", "(a|a?)+$", "^(\\w+\\s?)*$"}) {
    Budget budget;
    BudgetScope scope(budget);
    auto re = PyRegex::compile(pattern);
    ASSERT_TRUE(re.ok()) << pattern;
    auto hit = re->match(text);
    ASSERT_TRUE(hit.ok()) << pattern << ": " << hit.error().message;
    EXPECT_FALSE(*hit) << pattern;
    EXPECT_LE(budget.steps(), re->program_size() * text.size()) << pattern;
  }
}

TEST(PyRegex, MatchesAtTheStartOnly) {
  auto re = PyRegex::compile("b");
  ASSERT_TRUE(re.ok());
  EXPECT_FALSE(*re->match("ab"));
  EXPECT_TRUE(*re->match("ba"));
}

TEST(PyRegex, RefusesWhatNeedsBacktrackingByName) {
  struct Case {
    const char* pattern;
    const char* names;
  };
  for (const Case& c :
       {Case{"(a)\\1", "backreferences"}, Case{"(?P<x>a)(?P=x)", "backreferences"},
        Case{"a(?=b)", "lookaround"}, Case{"a(?!b)", "lookaround"}, Case{"(?<=a)b", "lookaround"},
        Case{"(?<!a)b", "lookaround"}, Case{"(a)?(?(1)b|c)", "conditional"},
        Case{"(?>a+)b", "atomic"}, Case{"a*+", "possessive"}, Case{"\\N{DASH}", "\\N{...}"}}) {
    auto re = PyRegex::compile(c.pattern);
    ASSERT_FALSE(re.ok()) << c.pattern;
    EXPECT_EQ(re.error().type, "ValueError") << c.pattern;
    EXPECT_EQ(re.error().http_status, 400);
    EXPECT_NE(re.error().message.find(c.names), std::string::npos) << re.error().message;
    EXPECT_NE(re.error().message.find("linear time"), std::string::npos) << re.error().message;
  }
}

TEST(PyRegex, ProgramSizeIsBounded) {
  Limits limits;
  limits.regexp_program_size = 1000;
  Budget budget(limits);
  BudgetScope scope(budget);
  EXPECT_TRUE(PyRegex::compile("a{900}").ok());
  for (const char* pattern :
       {"a{1001}", "(a{100}){100}", "((a{10}){10}){11}", "a{4294967295}", "(?:a{999}|b{999})"}) {
    auto re = PyRegex::compile(pattern);
    ASSERT_FALSE(re.ok()) << pattern;
    EXPECT_EQ(re.error().type, "ResourceLimitError") << pattern;
    EXPECT_EQ(re.error().http_status, 413);
    EXPECT_NE(re.error().message.find("regexp_program_size = 1000"), std::string::npos)
        << re.error().message;
  }
}

TEST(PyRegex, DeepNestingNeedsNoStack) {
  std::string pattern = std::string(100000, '(') + "a" + std::string(100000, ')');
  auto re = PyRegex::compile(pattern);
  ASSERT_TRUE(re.ok()) << re.error().message;
  EXPECT_TRUE(*re->match("a"));
  auto open = PyRegex::compile(std::string(100000, '('));
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().message, "missing ), unterminated subpattern at position 99999");
}

TEST(PyRegex, MatchingStopsWhenTheWorkBudgetIsSpent) {
  Limits limits;
  limits.work_steps = 10000;
  Budget budget(limits);
  BudgetScope scope(budget);
  auto re = PyRegex::compile("(a|aa|aaa|aaaa)+$");
  ASSERT_TRUE(re.ok());
  auto hit = re->match(std::string(100000, 'a') + "b");
  ASSERT_FALSE(hit.ok());
  EXPECT_EQ(hit.error().type, "ResourceLimitError");
  EXPECT_EQ(hit.error().http_status, 422);
  EXPECT_NE(hit.error().message.find("work_steps"), std::string::npos) << hit.error().message;
}

TEST(PyRegex, IllFormedUtf8IsTakenAsOsFsdecodeTakesIt) {
  auto re = PyRegex::compile("a.b$");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(
      *re->match("a\xff"
                 "b"));  // one surrogate-escaped code point
  auto wide = PyRegex::compile("a\\udcffb");
  ASSERT_TRUE(wide.ok());
  EXPECT_TRUE(
      *wide->match("a\xff"
                   "b"));
}

}  // namespace
}  // namespace lyn
