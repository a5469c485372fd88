// JSON parsing (Python json's acceptance and messages) and writing.
#include "core/json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lyn {
namespace {

TEST(JsonTest, ParsesTypesAndKeepsKeyOrder) {
  auto v =
      parse_json(R"({"b": 1, "a": [true, null, 2.5, "x\u00e9"], "big": 123456789012345678901234})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  const Map& m = v->as_map();
  EXPECT_EQ(m.begin()->first, "b");
  EXPECT_EQ(m.find("b")->as_int(), 1);
  const List& a = m.find("a")->as_list();
  EXPECT_TRUE(a[0].as_bool());
  EXPECT_TRUE(a[1].is_null());
  EXPECT_DOUBLE_EQ(a[2].as_float(), 2.5);
  EXPECT_EQ(a[3].as_string(), "x\xc3\xa9");
  EXPECT_EQ(m.find("big")->as_bigint().digits, "123456789012345678901234");
}

TEST(JsonTest, ErrorsUsePythonWording) {
  auto e1 = parse_json("{\"field\": \"title\", \"markdown_file\": ");
  ASSERT_FALSE(e1.ok());
  EXPECT_EQ(e1.error().type, "JSONDecodeError");
  EXPECT_EQ(e1.error().message, "Expecting value: line 1 column 37 (char 36)");
  EXPECT_EQ(e1.error().http_status, 400);
  auto e2 = parse_json("{oops");
  EXPECT_EQ(e2.error().message,
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
  auto e3 = parse_json("[1, 2] x");
  EXPECT_EQ(e3.error().message, "Extra data: line 1 column 8 (char 7)");
  auto e4 = parse_json("\"abc");
  EXPECT_EQ(e4.error().message, "Unterminated string starting at: line 1 column 1 (char 0)");
}

TEST(JsonTest, AcceptsPythonNonFiniteLiterals) {
  auto v = parse_json("[NaN, Infinity, -Infinity]");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(std::isnan(v->as_list()[0].as_float()));
  EXPECT_TRUE(std::isinf(v->as_list()[2].as_float()));
}

TEST(JsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto v = parse_json(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().http_status, 400);
}

TEST(JsonTest, WritesLikeJsonDumpsWithNullForNonFinite) {
  Value v(Map{{"a", Value(36.0)},
              {"b", Value::nan()},
              {"c", Value("\xc3\x89mile\n")},
              {"d", Value(Date{2024, 9, 9})},
              {"e", Value(List{Value(int64_t{1}), Value(1e20)})}});
  EXPECT_EQ(to_json(v),
            R"({"a": 36.0, "b": null, "c": "\u00c9mile\n", "d": "2024-09-09", "e": [1, 1e+20]})");
  JsonWriteOptions raw;
  raw.ensure_ascii = false;
  raw.compact = true;
  EXPECT_EQ(to_json(Value(List{Value("\xc3\x89")}), raw), "[\"\xc3\x89\"]");
}

TEST(JsonTest, IndentsLikeJsonDumpsIndent) {
  // json.dumps({'a': [1, {'b': []}], 'c': {}, 'd': 'x'}, indent=2)
  Value v(Map{{"a", Value(List{Value(int64_t{1}), Value(Map{{"b", Value(List{})}})})},
              {"c", Value(Map{})},
              {"d", Value("x")}});
  JsonWriteOptions o;
  o.indent = 2;
  EXPECT_EQ(to_json(v, o),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n"
            "  \"d\": \"x\"\n}");
}

TEST(JsonTest, RoundTripsAstralCharactersAndInvalidUtf8Safely) {
  auto v = parse_json(R"("\ud83d\ude00")");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(to_json(*v), R"("\ud83d\ude00")");
  EXPECT_EQ(to_json(Value(std::string("bad\xff"))), R"("bad\ufffd")");
}

TEST(JsonTest, DepthAndSizeLimitsNameTheLimit) {
  auto deep = parse_json(std::string(600, '[') + std::string(600, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("json max_depth"), std::string::npos) << deep.error().message;
  EXPECT_TRUE(parse_json(std::string(500, '[') + std::string(500, ']')).ok());
  auto big = parse_json("[1, 2, 3]", kJsonMaxDepth, 4);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().http_status, 413);
  EXPECT_NE(big.error().message.find("json max_bytes"), std::string::npos) << big.error().message;
}

// Keys are checked for repeats through a hash index once an object grows:
// 200,000 keys, many repeated, parse as Python's dict would hold them.
TEST(JsonTest, ManyAndRepeatedKeysKeepPythonsOrder) {
  std::string text = "{";
  for (int i = 0; i < 200000; ++i)
    text += "\"k" + std::to_string(i % 150000) + "\": " + std::to_string(i) + ",";
  text += "\"k0\": -1}";
  auto v = parse_json(text);
  ASSERT_TRUE(v.ok()) << v.error().message;
  const Map& m = v->as_map();
  EXPECT_EQ(m.size(), 150000u);
  EXPECT_EQ(m.begin()->first, "k0");
  EXPECT_EQ(m.begin()->second.as_int(), -1);
  EXPECT_EQ(m.find("k1")->as_int(), 150001);
  EXPECT_EQ(m.find("k149999")->as_int(), 149999);
}

TEST(JsonTest, EnsureAsciiEscapesDelAsJsonDumps) {
  EXPECT_EQ(to_json(Value("a\x7f")), "\"a\\u007f\"");
  EXPECT_EQ(to_json(Value("a\x7f"), {.ensure_ascii = false}), "\"a\x7f\"");
}

}  // namespace
}  // namespace lyn
