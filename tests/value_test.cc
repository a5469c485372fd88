// Value printing as Python prints: str(), repr(), float repr.
#include "core/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
