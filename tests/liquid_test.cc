// Tests for the Liquid engine (src/assess/liquid): the recorded lynguine
// conformance cases, then focused tests of the parser, filters and errors.
#include "assess/liquid/liquid.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/value.h"

namespace lyn::liquid {
namespace {

// Renders through lynguine's path; errors come back as "ERR <type>".
std::string run(std::string_view tpl, const Map& ctx = {}) {
  auto r = render_liquid(tpl, ctx);
  if (auto* e = std::get_if<Error>(&r)) return "ERR " + e->type;
  return std::get<std::string>(r);
}

// Checks every case of a recorded file (cases.json's format); returns how
// many passed of how many.
std::pair<int, int> check_recorded(const std::string& path);

TEST(LiquidConformance, RecordedCases) {
  auto [passed, total] = check_recorded(LYN_SOURCE_DIR "/tests/conformance/liquid/cases.json");
  EXPECT_EQ(passed, total);
  EXPECT_EQ(total, 261);
  std::printf("liquid conformance: %d/%d cases pass\n", passed, total);
}

// python-liquid's own limits as lynguine shows them (record_limits.py).
TEST(LiquidConformance, RecordedLimitCases) {
  auto [passed, total] =
      check_recorded(LYN_SOURCE_DIR "/tests/conformance/liquid/limits_cases.json");
  EXPECT_EQ(passed, total);
  EXPECT_GT(total, 90);
}

std::pair<int, int> check_recorded(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  // lyn::parse_json keeps ints, floats and >64-bit ints apart, as Python's
  // json module does (nlohmann would turn the big int into a double).
  auto doc = parse_json(ss.str());
  EXPECT_TRUE(doc.ok());
  const Value* cases = doc.ok() ? doc->get("cases") : nullptr;
  if (!cases || !cases->is_list()) {
    ADD_FAILURE() << "no cases in " << path;
    return {0, 1};
  }
  int passed = 0, total = 0;
  for (const Value& c : cases->as_list()) {
    ++total;
    std::string name = c.get("name")->as_string();
    std::string tpl = c.get("template")->as_string();
    const Value* ctx = c.get("context");
    Map context = ctx && ctx->is_map() ? ctx->as_map() : Map{};
    auto r = render_liquid(tpl, context);
    const Value* err = c.get("error");
    if (err && err->is_bool() && err->as_bool()) {
      const Error* e = std::get_if<Error>(&r);
      EXPECT_TRUE(e) << name << ": expected " << c.get("error_type")->as_string();
      if (e) {
        EXPECT_EQ(e->type, c.get("error_type")->as_string()) << name;
        ++passed;
      }
      continue;
    }
    const std::string* out = std::get_if<std::string>(&r);
    if (!out) {
      ADD_FAILURE() << name << ": unexpected error " << std::get<Error>(r).type << ": "
                    << std::get<Error>(r).message;
      continue;
    }
    EXPECT_EQ(*out, c.get("output")->as_string()) << name << "\ntemplate: " << tpl;
    if (*out == c.get("output")->as_string()) ++passed;
  }
  return {passed, total};
}

TEST(LiquidParser, UnterminatedTagsAreSyntaxErrors) {
  EXPECT_EQ(run("a {{ b"), "ERR LiquidSyntaxError");
  EXPECT_EQ(run("a {% if b %}"), "a ");
  EXPECT_EQ(run("{% if b"), "ERR LiquidSyntaxError");
  auto p = parse("{{ x }");
  ASSERT_TRUE(std::holds_alternative<Error>(p));
  EXPECT_EQ(std::get<Error>(p).message, "expected '}}', found end of file");
}

TEST(LiquidParser, LaxRecovery) {
  EXPECT_EQ(run("a{% nosuch %}b"), "ab");
  EXPECT_EQ(run("a{% if %}b{% endif %}c"), "ac");
  EXPECT_EQ(run("a{% for x in (1..2) %}{{ x }}"), "a");
  EXPECT_EQ(run("x{{ 1e3 }}y"), "xy");
  EXPECT_EQ(run("{% if true %}{% bogus %}in{% endif %}"), "in");
}

TEST(LiquidParser, WhitespaceControlAndRaw) {
  EXPECT_EQ(run("a \n{%- if true -%}\n b \n{%- endif -%}\n c"), "abc");
  EXPECT_EQ(run("{% raw %}{{ a }}{% endraw %}"), "{{ a }}");
  EXPECT_EQ(run("x{%- comment -%} hidden {%- endcomment -%} y"), "xy");
}

// python-liquid's doc tag (recorded: extra liquid/doc-tag).
TEST(LiquidParser, DocTag) {
  EXPECT_EQ(run("a{% doc %}b{% raw %}{% enddoc %}{% endraw %}c"), "ac");
  EXPECT_EQ(run("a {%- doc %} b {% enddoc -%} c"), "ac");
  EXPECT_EQ(run("a{% doc x %}b{% enddoc %}c"), "ac");  // an expression: dropped to enddoc
  EXPECT_EQ(run("a{% doc %}b{{ x }}c"), "a");          // never closed: the rest is dropped
  EXPECT_EQ(run("{% liquid\ndoc\necho 1\nenddoc\necho 2\n%}"), "2");
}

// python-liquid's range literal: Python int() of each bound, clamped.
TEST(LiquidTags, RangeBounds) {
  EXPECT_EQ(run("{{ (a..3) | join: ',' }}", Map{{"a", Value("4.5")}}), "0,1,2,3");
  EXPECT_EQ(run("{{ (5..2) | size }}"), "0");
  EXPECT_EQ(run("{{ (1..5000) | size }} {{ (-5000..1) | first }}"), "1023 -1024");
  EXPECT_EQ(run("{{ (a..3) }}", Map{{"a", Value(Map{})}}), "ERR TypeError");
}

TEST(LiquidParser, BlankBlocksPrintNothing) {
  EXPECT_EQ(run("{% for i in (1..3) %}\n  {% assign x = i %}\n{% endfor %}{{ x }}"), "3");
}

TEST(LiquidTags, LiquidTagAndCase) {
  EXPECT_EQ(run("{% liquid\nfor i in (1..3)\n echo i\nendfor %}"), "123");
  EXPECT_EQ(run("{% case 2 %}{% when 1, 2 %}a{% when 2 %}b{% else %}c{% endcase %}"), "ab");
}

TEST(LiquidTags, LoopDropsAndBuiltins) {
  EXPECT_EQ(run("{% for i in (1..2) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}"
                "{{ forloop.index }} {% endfor %}{% endfor %}[{{ forloop }}]"),
            "11 12 21 22 []");
  EXPECT_EQ(run("{{ today | date: '%Y' | size }}"), "4");
  EXPECT_EQ(run("{% cycle 'g': 'a', 'b' %}{% cycle 'g': 'x', 'y' %}{% cycle 'g': 'a', 'b' %}"),
            "axb");
  EXPECT_EQ(run("{% increment n %}{{ n }}"), "01");
}

TEST(LiquidTags, TablerowEmptyAndCycle) {
  EXPECT_EQ(run("{% tablerow x in (1..2) %}{{ x }}{% endtablerow %}"),
            "<tr class=\"row1\">\n<td class=\"col1\">1</td><td class=\"col2\">2</td></tr>\n");
  EXPECT_EQ(run("{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}"), "aba");
}

TEST(LiquidFilters, Strings) {
  EXPECT_EQ(run("{{ 'a-b' | replace: '-', '+' | upcase }}"), "A+B");
  EXPECT_EQ(run("{{ 'x y  z' | split: ' ' | size }}"), "3");
  EXPECT_EQ(run("{{ 'Hello World' | truncate: 2 }}"), "Hello Worl...");
  EXPECT_EQ(run("{{ 'abcdef' | truncate: 6 }}"), "abc...");
  EXPECT_EQ(run("{{ '<b>' | escape }}"), "&lt;b&gt;");
  EXPECT_EQ(run("{{ 'aGVsbG8=' | base64_decode }}"), "hello");
}

TEST(LiquidFilters, Math) {
  EXPECT_EQ(run("{{ 9223372036854775807 | plus: 1 }}"), "9223372036854775808");
  EXPECT_EQ(run("{{ 0.1 | plus: 0.2 }}"), "0.3");
  EXPECT_EQ(run("{{ -7.5 | modulo: 2 }}"), "-1.5");
  EXPECT_EQ(run("{{ 2.5 | round }}|{{ 2.675 | round: 2 }}"), "2|2.67");
  EXPECT_EQ(run("{{ 7.5 | modulo: 0 }}"), "ERR InvalidOperation");
  EXPECT_EQ(run("a{{ 1 | divided_by: 0 }}b"), "ab");
}

TEST(LiquidFilters, UnboundedInts) {
  Map ctx{{"a", Value(BigInt{"123456789012345678901234567890"})}};
  EXPECT_EQ(run("{{ a | times: a }}", ctx),
            "15241578753238836750495351562536198787501905199875019052100");
  EXPECT_EQ(run("{{ a | plus: 1 | divided_by: -7 }}|{{ a | plus: 1 | modulo: -7 }}", ctx),
            "-17636684144620811271604938271|-6");
  EXPECT_EQ(run("{{ 170141183460469231731687303715884105727 | plus: 1 }}"),
            "170141183460469231731687303715884105728");
}

TEST(LiquidFilters, Lynguine) {
  EXPECT_EQ(run("{{ 'a b' | url_escape }}"), "a%20b");
  EXPECT_EQ(run("{{ '/x' | relative_url }}"), "/notebooks/x");
  EXPECT_EQ(run("{{ '1e3' | to_i }}"), "1000");
  EXPECT_EQ(run("{{ 'inf' | to_i }}"), "ERR OverflowError");
  EXPECT_EQ(run("{{ 'x' | to_i }}"), "ERR ValueError");
  EXPECT_EQ(run("{{ '**b** and `c<d`' | markdownify }}"),
            "<p><strong>b</strong> and <code>c&lt;d</code></p>");
  EXPECT_EQ(run("{{ '1. a\n2. b' | markdownify }}"), "<ol>\n<li>a</li>\n<li>b</li>\n</ol>");
}

TEST(LiquidFilters, Date) {
  Map ctx{{"d", Value("2024-03-05T14:30:00+01:00")}};
  EXPECT_EQ(run("{{ d | date: '%Y-%m-%d %H:%M %z' }}", ctx), "2024-03-05 14:30 +0100");
  EXPECT_EQ(run("{{ 'March 5, 2024' | date: '%-d/%-m/%Y' }}"), "5/3/2024");
}

TEST(LiquidContext, RemoveNanAndUndefined) {
  Map ctx{
      {"a", Value("")}, {"b", Value()}, {"n", Value::nan()}, {"h", Value(Map{{"k", Value("")}})}};
  EXPECT_EQ(
      run("{{ a | default: 'A' }}{{ b | default: 'B' }}{{ n | default: 'N' }}{{ h.size }}", ctx),
      "ABN0");
}

TEST(LiquidRender, ConcurrentRendersShareOneTemplate) {
  auto parsed = parse("{% for i in (1..n) %}{{ i | times: k }},{% endfor %}");
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const Template>>(parsed));
  auto tpl = std::get<std::shared_ptr<const Template>>(parsed);
  std::vector<std::thread> threads;
  std::vector<std::string> outs(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Map ctx{{"n", Value(3)}, {"k", Value(t)}};
      for (int i = 0; i < 200; ++i) outs[t] = std::get<std::string>(render(*tpl, ctx));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(outs[2], "2,4,6,");
  EXPECT_EQ(outs[3], "3,6,9,");
}

}  // namespace
}  // namespace lyn::liquid
