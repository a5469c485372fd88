// Value printing as Python prints: str(), repr(), float repr.
#include "core/value.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace lyn {
namespace {

TEST(ValueTest, FloatReprMatchesPython) {
  EXPECT_EQ(py_float_repr(3.0), "3.0");
  EXPECT_EQ(py_float_repr(0.1), "0.1");
  EXPECT_EQ(py_float_repr(1e20), "1e+20");
  EXPECT_EQ(py_float_repr(1e16), "1e+16");
  EXPECT_EQ(py_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(py_float_repr(0.0001), "0.0001");
  EXPECT_EQ(py_float_repr(0.00001), "1e-05");
  EXPECT_EQ(py_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(py_float_repr(-0.0), "-0.0");
  EXPECT_EQ(py_float_repr(45.5), "45.5");
  EXPECT_EQ(py_float_repr(6.02e23), "6.02e+23");
  EXPECT_EQ(py_float_repr(1.5e-300), "1.5e-300");
  EXPECT_EQ(py_float_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(py_float_repr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(py_float_repr(std::nan("")), "nan");
}

// Python's float repr by its definition: the shortest round-trip digits
// (std::to_chars gives them), in fixed notation when -4 <= exponent < 16.
std::string reference_float_repr(double d) {
  char buf[64];
  char* end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific).ptr;
  std::string s(buf, end), sign;
  if (s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e))
    if (c != '.') digits += c;
  int exp = std::stoi(s.substr(e + 1));
  if (exp < -4 || exp >= 16) return "";  // only the fixed layout is compared here
  int point = exp + 1;
  if (point <= 0) return sign + "0." + std::string(-point, '0') + digits;
  if (point >= static_cast<int>(digits.size()))
    return sign + digits + std::string(point - digits.size(), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

TEST(ValueTest, FloatReprShortDecimalsMatchTheDefinition) {
  std::mt19937_64 rng(7);
  std::vector<double> cases = {
      1e-4,    0.00012, 1e14,   999999999999999.0,     123456789012345.6, 0.1 + 0.2, 1.0 / 3,
      2.0 / 3, 100.0,   5e-324, 1.7976931348623157e308};
  for (int i = 0; i < 200000; ++i) {
    int digits = static_cast<int>(rng() % 16);
    double scale = std::pow(10.0, static_cast<int>(rng() % 20) - 8);
    cases.push_back(static_cast<double>(rng() % 100000) / 100 * scale);  // prices, scores
    cases.push_back(
        std::round(std::ldexp(static_cast<double>(rng() >> 11), -53) * std::pow(10.0, digits)) /
        std::pow(10.0, static_cast<int>(rng() % 16)));
    double any;
    uint64_t bits = rng();
    std::memcpy(&any, &bits, sizeof any);
    cases.push_back(any);
  }
  size_t compared = 0;
  for (double d : cases) {
    for (double v : {d, -d}) {
      if (!std::isfinite(v) || v == 0) continue;
      std::string want = reference_float_repr(v);
      if (want.empty()) continue;
      ++compared;
      ASSERT_EQ(py_float_repr(v), want) << std::hexfloat << v;
    }
  }
  EXPECT_GT(compared, 400000u);
}

TEST(ValueTest, StrOfScalars) {
  EXPECT_EQ(py_str(Value(true)), "True");
  EXPECT_EQ(py_str(Value(false)), "False");
  EXPECT_EQ(py_str(Value()), "None");
  EXPECT_EQ(py_str(Value(int64_t{-42})), "-42");
  EXPECT_EQ(py_str(Value("plain")), "plain");
  EXPECT_EQ(py_str(Value(Date{2025, 12, 10})), "2025-12-10");
  DateTime t{2025, 6, 2, 8, 0, 0, 0, true, 0};
  EXPECT_EQ(py_str(Value(t)), "2025-06-02 08:00:00+00:00");
  DateTime frac{2024, 1, 2, 3, 4, 5, 250000, false, 0};
  EXPECT_EQ(py_str(Value(frac)), "2024-01-02 03:04:05.250000");
}

TEST(ValueTest, StrOfContainersUsesRepr) {
  Value list(List{Value("a"), Value("b")});
  EXPECT_EQ(py_str(list), "['a', 'b']");
  Value m(Map{{"family", Value("Lawrence")}, {"given", Value("Neil D.")}});
  EXPECT_EQ(py_str(m), "{'family': 'Lawrence', 'given': 'Neil D.'}");
  Value mixed(List{Value(int64_t{1}), Value(), Value(true), Value(2.5), Value(Date{2025, 6, 2})});
  EXPECT_EQ(py_str(mixed), "[1, None, True, 2.5, datetime.date(2025, 6, 2)]");
  DateTime t{2025, 6, 2, 8, 0, 0, 0, true, 0};
  EXPECT_EQ(py_str(Value(List{Value(t)})),
            "[datetime.datetime(2025, 6, 2, 8, 0, tzinfo=datetime.timezone.utc)]");
  DateTime east{2025, 6, 2, 8, 0, 30, 0, true, 3600};
  EXPECT_EQ(py_repr(Value(east)),
            "datetime.datetime(2025, 6, 2, 8, 0, 30, "
            "tzinfo=datetime.timezone(datetime.timedelta(seconds=3600)))");
}

TEST(ValueTest, StringReprChoosesQuotesAndEscapes) {
  EXPECT_EQ(py_string_repr("Bayes' rule"), "\"Bayes' rule\"");
  EXPECT_EQ(py_string_repr("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(py_string_repr("both ' and \""), "'both \\' and \"'");
  EXPECT_EQ(py_string_repr("tab\there\nnew"), "'tab\\there\\nnew'");
  EXPECT_EQ(py_string_repr("back\\slash"), "'back\\\\slash'");
  EXPECT_EQ(py_string_repr("\x01"), "'\\x01'");
  EXPECT_EQ(py_string_repr("caf\xc3\xa9 \xe2\x88\x9e"), "'caf\xc3\xa9 \xe2\x88\x9e'");
  EXPECT_EQ(py_string_repr("nbsp\xc2\xa0"), "'nbsp\\xa0'");
}

TEST(ValueTest, MapKeepsInsertionOrderAndReplacesInPlace) {
  Map m;
  m.set("b", Value(int64_t{1}));
  m.set("a", Value(int64_t{2}));
  m.set("b", Value(int64_t{3}));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.begin()->first, "b");
  EXPECT_EQ(m.find("b")->as_int(), 3);
  EXPECT_TRUE(m.erase("b"));
  EXPECT_FALSE(m.contains("b"));
}

TEST(ValueTest, NanIsMissingAndEqualToItself) {
  Value n = Value::nan();
  EXPECT_TRUE(n.is_nan());
  EXPECT_TRUE(n.is_missing());
  EXPECT_TRUE(Value().is_missing());
  EXPECT_FALSE(Value(0.0).is_missing());
  EXPECT_EQ(n, Value::nan());
}

}  // namespace
}  // namespace lyn
