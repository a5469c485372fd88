// PyYAML (YAML 1.1) typing on top of yaml-cpp.
#include "core/yaml.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lyn {
namespace {

Value scalar(const std::string& text) {
  auto v = parse_yaml("k: " + text + "\n");
  EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v->get("k") : Value();
}

TEST(YamlTest, BooleansInYaml11Spellings) {
  for (const char* t : {"yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})
    EXPECT_EQ(scalar(t), Value(true)) << t;
  for (const char* f : {"no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})
    EXPECT_EQ(scalar(f), Value(false)) << f;
  EXPECT_EQ(scalar("y"), Value("y"));
  EXPECT_EQ(scalar("n"), Value("n"));
  EXPECT_EQ(scalar("\"yes\""), Value("yes"));
}

TEST(YamlTest, NullSpellings) {
  EXPECT_TRUE(scalar("~").is_null());
  EXPECT_TRUE(scalar("null").is_null());
  EXPECT_TRUE(scalar("NULL").is_null());
  EXPECT_TRUE(scalar("").is_null());
  EXPECT_EQ(scalar("None"), Value("None"));
}

TEST(YamlTest, IntegersOfYaml11) {
  EXPECT_EQ(scalar("0755"), Value(int64_t{493}));
  EXPECT_EQ(scalar("007"), Value(int64_t{7}));
  EXPECT_EQ(scalar("0x1F"), Value(int64_t{31}));
  EXPECT_EQ(scalar("0b1010"), Value(int64_t{10}));
  EXPECT_EQ(scalar("1_000_000"), Value(int64_t{1000000}));
  EXPECT_EQ(scalar("14:30"), Value(int64_t{870}));
  EXPECT_EQ(scalar("1:30:00"), Value(int64_t{5400}));
  EXPECT_EQ(scalar("-12"), Value(int64_t{-12}));
  EXPECT_EQ(scalar("+12"), Value(int64_t{12}));
  EXPECT_EQ(scalar("08:30"), Value("08:30"));
  EXPECT_EQ(scalar("09"), Value("09"));
  EXPECT_EQ(scalar("0o17"), Value("0o17"));  // not a YAML 1.1 int: PyYAML keeps the string
  EXPECT_EQ(scalar("1,000"), Value("1,000"));
  Value big = scalar("123456789012345678901234567890");
  ASSERT_EQ(big.kind(), Value::Kind::kBigInt);
  EXPECT_EQ(big.as_bigint().digits, "123456789012345678901234567890");
  EXPECT_EQ(scalar("0xFFFFFFFFFFFFFFFFFF").as_bigint().digits, "4722366482869645213695");
}

TEST(YamlTest, FloatsOfYaml11) {
  EXPECT_EQ(scalar("45.5"), Value(45.5));
  EXPECT_EQ(scalar(".5"), Value(0.5));
  EXPECT_EQ(scalar("-.5"), Value("-.5"));
  EXPECT_EQ(scalar("6.02e+23"), Value(6.02e23));
  EXPECT_EQ(scalar("1e-3"), Value("1e-3"));
  EXPECT_EQ(scalar("1.0e5"), Value("1.0e5"));  // YAML 1.1 needs a signed exponent
  EXPECT_EQ(scalar("1_000.5"), Value(1000.5));
  EXPECT_EQ(scalar("3."), Value(3.0));
  EXPECT_TRUE(scalar(".nan").is_nan());
  EXPECT_EQ(scalar(".inf").as_float(), INFINITY);
  EXPECT_EQ(scalar("-.Inf").as_float(), -INFINITY);
  EXPECT_DOUBLE_EQ(scalar("1:30.5").as_float(), 90.5);
}

TEST(YamlTest, DatesAndTimestamps) {
  EXPECT_EQ(scalar("2025-12-10"), Value(Date{2025, 12, 10}));
  EXPECT_EQ(scalar("2025-6-5"), Value("2025-6-5"));
  EXPECT_EQ(scalar("2025-06-05 14:30"), Value("2025-06-05 14:30"));
  Value t = scalar("2025-06-02T08:00:00Z");
  ASSERT_TRUE(t.is_datetime());
  EXPECT_EQ(iso_datetime(t.as_datetime()), "2025-06-02T08:00:00+00:00");
  Value f = scalar("2024-01-02 03:04:05.25 -05:00");
  ASSERT_TRUE(f.is_datetime());
  EXPECT_EQ(iso_datetime(f.as_datetime()), "2024-01-02T03:04:05.250000-05:00");
  EXPECT_EQ(scalar("\"2024-09-10\""), Value("2024-09-10"));
  EXPECT_FALSE(parse_yaml("d: 2025-02-30\n").ok());  // PyYAML fails to build it
}

TEST(YamlTest, KeyOrderAnchorsAndMergeKeys) {
  auto v = parse_yaml(
      "base: &b {x: 1, y: 2}\n"
      "derived:\n  <<: *b\n  y: 3\n  z: 4\n"
      "zeta: 1\nalpha: 2\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  const Map& d = v->get("derived")->as_map();
  std::vector<std::string> keys;
  for (const auto& [k, _] : d) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(d.find("y")->as_int(), 3);
  std::vector<std::string> top;
  for (const auto& [k, _] : v->as_map()) top.push_back(k);
  EXPECT_EQ(top, (std::vector<std::string>{"base", "derived", "zeta", "alpha"}));
}

TEST(YamlTest, ErrorsAreValuesNotCrashes) {
  EXPECT_FALSE(parse_yaml("a: [1, 2\n").ok());
  EXPECT_FALSE(parse_yaml("title: \"Unterminated\nauthor: x\n").ok());
  EXPECT_FALSE(parse_yaml("a: 1\n---\nb: 2\n").ok());  // a single document only
  EXPECT_FALSE(parse_yaml("a: !!python/object x\n").ok());
  EXPECT_TRUE(parse_yaml("").ok());
  EXPECT_TRUE(parse_yaml("")->is_null());
  std::string deep(5000, '[');
  EXPECT_FALSE(parse_yaml(deep).ok());
}

TEST(YamlTest, DumpReadsBackTheSameValue) {
  Value v(List{Value(Map{{"name", Value("Sheffield")},
                         {"notes", Value("line one\nline two\n")},
                         {"capacity", Value(int64_t{60})},
                         {"yes_string", Value("yes")},
                         {"date_string", Value("2024-09-10")},
                         {"when", Value(Date{2024, 9, 10})},
                         {"ratio", Value(0.5)},
                         {"tags", Value(List{Value("a"), Value("b")})},
                         {"empty", Value(List{})},
                         {"none", Value()},
                         {"unicode", Value("\xc3\x9cn\xc3\xaf")},
                         {"colon", Value("a: b")}}),
               Value(Map{{"name", Value("Cambridge")}})});
  std::string text = dump_yaml(v);
  auto back = parse_yaml(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(*back, v) << text;
  EXPECT_NE(text.find("notes: |"), std::string::npos) << text;
  EXPECT_NE(text.find("\xc3\x9cn\xc3\xaf"), std::string::npos) << text;
}

}  // namespace
}  // namespace lyn
