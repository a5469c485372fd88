// Tests for python-liquid's decimal arithmetic (src/assess/liquid/decimal):
// sum and the math filters with floats go through Python's Decimal with 28
// significant digits, rounding half to even.
#include <gtest/gtest.h>

#include <string>

#include "assess/liquid/decimal.h"
#include "assess/liquid/filters.h"
#include "assess/liquid/liquid.h"
#include "core/json.h"

namespace lyn::liquid {
namespace {

std::string run(std::string_view tpl, std::string_view ctx_json = "{}") {
  auto ctx = parse_json(ctx_json);
  EXPECT_TRUE(ctx.ok());
  auto r = render_liquid(tpl, ctx->as_map());
  if (auto* e = std::get_if<Error>(&r)) return "ERR " + e->type;
  return std::get<std::string>(r);
}

TEST(LiquidDecimal, SumAddsDecimals) {
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [0.1, 0.2]})"), "0.3");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [1, 2, 3]})"), "6");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [1, 0.1, "0.2", true]})"), "2.3");
  EXPECT_EQ(run("{{ a | sum: 'p' }}", R"({"a": [{"p": 0.1}, {"p": 0.2}, {"q": 1}]})"), "0.3");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [[0.1, 0.2], [0.3]]})"), "0.6");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": ["123456789012345678901234567890123", 1]})"),
            "123456789012345678901234567890124");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [-0.0, -0.0]})"), "0.0");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [1, "x"]})"), "ERR InvalidOperation");
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": ["inf", "-inf"]})"), "ERR InvalidOperation");
}

TEST(LiquidDecimal, TwentyEightSignificantDigits) {
  // The exact sum 1.00000000000000011102230246251565 lies below the midpoint
  // between 1 and the next double; rounded to 28 digits first, it lies above.
  EXPECT_EQ(run("{{ a | sum }}", R"({"a": [1, 1.1102230246251565e-16]})"), "1.0000000000000002");
  EXPECT_EQ(run("{{ x | plus: y }}", R"({"x": 1, "y": 1.1102230246251565e-16})"),
            "1.0000000000000002");
}

TEST(LiquidDecimal, MathFilters) {
  EXPECT_EQ(run("{{ x | minus: y }}", R"({"x": 0.3, "y": 0.1})"), "0.2");
  EXPECT_EQ(run("{{ x | times: y }}", R"({"x": 1.1, "y": 1.1})"), "1.21");
  EXPECT_EQ(run("{{ x | times: 3 }}", R"({"x": -0.0})"), "-0.0");
  EXPECT_EQ(run("{{ x | modulo: 2 }}", R"({"x": -4.0})"), "-0.0");
  EXPECT_EQ(run("{{ x | modulo: -3 }}", R"({"x": 5.5})"), "2.5");
  EXPECT_EQ(run("{{ x | modulo: 0.001 }}", R"({"x": 1e20})"), "0.0");
  // The quotient would need more than 28 digits: DivisionImpossible.
  EXPECT_EQ(run("{{ x | modulo: 0.7 }}", R"({"x": 1e30})"), "ERR InvalidOperation");
}

TEST(LiquidDecimal, TextSyntax) {
  auto d = decimal_from_text(" 1_0.5_5 ");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->coefficient, "1055");
  EXPECT_EQ(d->exponent, -2);
  EXPECT_FALSE(decimal_from_text("1e").has_value());
  EXPECT_FALSE(decimal_from_text("0x10").has_value());
  EXPECT_EQ(decimal_from_text("-Infinity")->kind, Decimal::Kind::kInfinity);
  EXPECT_EQ(decimal_from_text("nan")->kind, Decimal::Kind::kNaN);
}

}  // namespace
}  // namespace lyn::liquid
