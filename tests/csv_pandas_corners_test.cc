// pandas 1.5 read_csv corners the CSV reader matches (each expectation was
// taken from pandas itself): integers beyond int64 through pandas'
// converter order, mangled and "Unnamed" header names and their dtypes,
// leading index columns, lines of whitespace, and dtype keys compared as
// Python compares dict keys.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "access/csv_format.h"
#include "core/frame.h"

namespace lyn::access {
namespace {

Frame parse_ok(std::string_view text, CsvOptions opts = {}) {
  auto f = parse_csv(text, opts, "test.csv");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().type + ": " + f.error().message);
  return f.ok() ? std::move(f).value() : Frame{};
}

std::vector<std::string> keys(const Frame& f) {
  std::vector<std::string> out;
  for (const auto& c : f.columns) out.push_back(c.key());
  return out;
}

const Column& first(const Frame& f) {
  static Column empty;
  EXPECT_FALSE(f.columns.empty());
  return f.columns.empty() ? empty : f.columns[0];
}

TEST(CsvPandasCorners, BeyondInt64BesideAMissingValueOrASignKeepsEveryFieldAsText) {
  // uint64 cannot hold the gap (pandas' ValueError): the text, "NA" included.
  Frame f = parse_ok("a\n9223372036854775808\nNA\n");
  EXPECT_EQ(first(f).dtype, "object");
  EXPECT_EQ(first(f).at(1), Value("NA"));
  Frame g = parse_ok("a\n9223372036854775808\n-1.5\n");
  EXPECT_EQ(first(g).dtype, "object");
  EXPECT_EQ(first(g).at(1), Value("-1.5"));
}

TEST(CsvPandasCorners, BelowInt64IsTextWithGapsOrAFloatBesideFloats) {
  Frame f = parse_ok("a\n-9223372036854775809\n1\nNA\n");
  EXPECT_EQ(first(f).dtype, "object");
  EXPECT_EQ(first(f).at(0), Value("-9223372036854775809"));
  EXPECT_TRUE(first(f).at(2).is_nan());
  Frame g = parse_ok("a\n-9223372036854775809\n1.5\n");
  EXPECT_EQ(first(g).dtype, "float64");
  EXPECT_EQ(first(g).at(0), Value(-9.223372036854778e+18));  // pandas, not the nearest double
  Frame h = parse_ok("a\n9223372036854775808\n1.5\n");
  EXPECT_EQ(first(h).dtype, "float64");
}

TEST(CsvPandasCorners, BeyondUint64IsTextWithGaps) {
  Frame f = parse_ok("a\n18446744073709551616\nNA\n");
  EXPECT_EQ(first(f).dtype, "object");
  EXPECT_TRUE(first(f).at(1).is_nan());
  Frame g = parse_ok("a\n 9223372036854775808 \n+1\n");
  EXPECT_EQ(first(g).dtype, "uint64");
  EXPECT_EQ(first(g).at(1), Value(int64_t{1}));
}

TEST(CsvPandasCorners, FloatsAreReadAsPandasPreciseXstrtodReadsThem) {
  // Seventeen digits at most, leading zeros included; one scaling step.
  Frame f = parse_ok("a\n00000000000000000001.5\n0.2772040560865690702931375\n1e-400\n");
  EXPECT_EQ(first(f).dtype, "float64");
  EXPECT_EQ(first(f).at(0), Value(0.0));
  EXPECT_EQ(first(f).at(1), Value(0.277204056086569));  // not ...906, the nearest double
  EXPECT_EQ(first(f).at(2), Value(0.0));
  Frame g = parse_ok("a\n1e309\n");
  EXPECT_EQ(first(g).dtype, "object");
  // An integer that overflows int64 before its '.' sends the column to text.
  Frame h = parse_ok("a\n99999999999999999999.5\n");
  EXPECT_EQ(first(h).dtype, "object");
}

TEST(CsvPandasCorners, ForcedDtypesFollowToNumericThenOneSafeCast) {
  CsvOptions i32;
  i32.dtypes = {{"a", "int_type"}};
  auto wide = parse_csv("a\n2147483648\n", i32, "x");
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().type, "TypeError");
  EXPECT_EQ(wide.error().message, "cannot safely cast non-equivalent int64 to int32");
  auto gap = parse_csv("a\n9223372036854775808\nNA\n", i32, "x");
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.error().type, "OverflowError");
  CsvOptions f64;
  f64.dtypes = {{"a", "float_type"}};
  // Integers convert exactly (pandas' float parser would give ...778e18).
  Frame f = parse_ok("a\n9223372036854775808\n1\n", f64);
  EXPECT_EQ(first(f).at(0), Value(9.223372036854776e+18));
  Frame g = parse_ok("a\n9223372036854775808\n1.5\n", f64);
  EXPECT_EQ(first(g).at(0), Value(9.223372036854778e+18));
}

TEST(CsvPandasCorners, UnnamedColumnsAreMangledAfterTheNamedOnes) {
  Frame f = parse_ok(",Unnamed: 0,Unnamed: 0.1\n1,2,3\n");
  EXPECT_EQ(keys(f), (std::vector<std::string>{"Unnamed: 0.2", "Unnamed: 0", "Unnamed: 0.1"}));
  EXPECT_EQ(f.columns[1].at(0), Value(int64_t{2}));
}

TEST(CsvPandasCorners, AMangledDuplicateTakesItsNamesDtypeUnlessItHasItsOwn) {
  CsvOptions o;
  o.dtypes = {{"a", "str_type"}};
  Frame f = parse_ok("a,a\n1,2\n", o);
  EXPECT_EQ(f.columns[1].key(), "a.1");
  EXPECT_EQ(f.columns[1].at(0), Value("2"));
  o.dtypes = {{"a", "str_type"}, {"a.1", "int_type"}};
  Frame g = parse_ok("a,a\n1,2\n", o);
  EXPECT_EQ(g.columns[1].dtype, "Int32");
}

TEST(CsvPandasCorners, SeveralExtraLeadingFieldsBecomeAMultiIndex) {
  Frame f = parse_ok("a,b\n1,2,x,y\n3,4,z,w\n");
  EXPECT_EQ(keys(f), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.columns[0].at(1), Value("z"));
  ASSERT_TRUE(f.index.has_value());
  EXPECT_EQ(f.index->at(1), Value(Tuple{{Value(int64_t{3}), Value(int64_t{4})}}));
  auto bad = parse_csv("a,b\n1,2,x,y\n3,4,z,w,v\n", {}, "x.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Expected 4 fields in line 3, saw 5"), std::string::npos);
}

TEST(CsvPandasCorners, OnlyWhitespaceOtherThanTheDelimiterMakesABlankLine) {
  CsvOptions tab;
  tab.delimiter = '\t';
  EXPECT_EQ(parse_csv(" \r\n", tab, "x").error().type, "EmptyDataError");
  // "\t" is a row of two empty fields: one more than the header, an index.
  Frame f = parse_ok("a\n \n\t\n1\n", tab);
  EXPECT_EQ(f.num_rows(), 2u);
  ASSERT_TRUE(f.index.has_value());
  EXPECT_EQ(f.index->at(1), Value(1.0));
  CsvOptions space;
  space.delimiter = ' ';
  Frame g = parse_ok("a b\n  \n\t\t\n1 2\n", space);
  EXPECT_EQ(g.num_rows(), 2u);
}

TEST(CsvPandasCorners, DtypeKeysCompareAsPythonDictKeys) {
  CsvOptions o;
  o.header.reset();
  o.dtypes = {{"0", "bool_type"}};  // the string never names int column 0
  Frame f = parse_ok("FALSE\n", o);
  EXPECT_EQ(first(f).dtype, "bool");
  o.dtypes = {{Value(int64_t{0}), "str_type"}};
  Frame g = parse_ok("1,2\n", o);
  EXPECT_EQ(g.columns[0].dtype, "object");
  EXPECT_EQ(g.columns[1].dtype, "int64");
  // An int also names the column at that position; True equals 1.
  CsvOptions p;
  p.dtypes = {{Value(true), "str_type"}};
  Frame h = parse_ok("x,y\n1,2\n", p);
  EXPECT_EQ(h.columns[0].dtype, "int64");
  EXPECT_EQ(h.columns[1].at(0), Value("2"));
}

}  // namespace
}  // namespace lyn::access
