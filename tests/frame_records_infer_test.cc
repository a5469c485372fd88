// pandas 1.5's dtype inference for frames built from records (DataFrame of
// records, json_normalize, a mapping of lists): ints beyond int64 and
// date-like values beside datetimes. Each expectation was taken from
// pandas itself.
#include <gtest/gtest.h>

#include <vector>

#include "core/frame.h"

namespace lyn {
namespace {

const Value kBelow = Value(BigInt{"-9223372036854775809"});
const Value kAbove = Value(BigInt{"9223372036854775808"});
const Value kBeyond = Value(BigInt{"18446744073709551616"});

std::string dtype_of(std::vector<Value> cells) {
  return infer_dtype(cells);
}

TEST(FrameRecordsInfer, IntsBeyondInt64AreCheckedOnlyUntilTheFirstNone) {
  EXPECT_EQ(dtype_of({kAbove}), "uint64");
  EXPECT_EQ(dtype_of({kAbove, Value(int64_t{1})}), "uint64");
  EXPECT_EQ(dtype_of({kAbove, Value(int64_t{-1})}), "object");
  EXPECT_EQ(dtype_of({kBelow}), "object");
  EXPECT_EQ(dtype_of({kBelow, Value()}), "object");
  EXPECT_EQ(dtype_of({kBeyond, Value(1.5)}), "object");
  // After a None nothing is range-checked: floats.
  std::vector<Value> after{Value(), kBelow};
  EXPECT_EQ(infer_dtype(after), "float64");
  EXPECT_EQ(after[1], Value(-9223372036854775809.0));
  EXPECT_EQ(dtype_of({Value(), kAbove, Value(int64_t{-1})}), "float64");
  // A NaN (an absent key) is no None: the range is still checked.
  EXPECT_EQ(dtype_of({Value::nan(), kBelow}), "object");
  EXPECT_EQ(dtype_of({Value::nan(), kAbove}), "float64");
  EXPECT_EQ(dtype_of({kAbove, Value(1.5)}), "float64");
}

TEST(FrameRecordsInfer, DatesAndIsoTextBesideDatetimesBecomeDatetimes) {
  DateTime noon{2001, 1, 1, 12, 0, 0, 0, false, 0};
  std::vector<Value> naive{Value(Date{2002, 12, 14}), Value(noon), Value("2024-1-5 10:30")};
  EXPECT_EQ(infer_dtype(naive), "datetime64[ns]");
  EXPECT_EQ(naive[0], Value(DateTime{2002, 12, 14, 0, 0, 0, 0, false, 0}));
  EXPECT_EQ(naive[2], Value(DateTime{2024, 1, 5, 10, 30, 0, 0, false, 0}));

  // Beside offset-aware datetimes, naive values are UTC shown at the offset.
  DateTime aware{2001, 12, 14, 21, 59, 43, 100000, true, -5 * 3600};
  std::vector<Value> tz{Value("2025-6-5"), Value(aware), Value()};
  EXPECT_EQ(infer_dtype(tz), "datetime64[ns, UTC-05:00]");
  EXPECT_EQ(tz[0], Value(DateTime{2025, 6, 4, 19, 0, 0, 0, true, -5 * 3600}));
  EXPECT_TRUE(tz[2].is_nan());
}

TEST(FrameRecordsInfer, TextWithAnOffsetSetsTheColumnsOffset) {
  DateTime noon{2001, 1, 1, 12, 0, 0, 0, false, 0};
  std::vector<Value> two{Value("2024-01-01T00:00:00+02:00"), Value(noon)};
  EXPECT_EQ(infer_dtype(two), "datetime64[ns, pytz.FixedOffset(120)]");
  EXPECT_EQ(two[1], Value(DateTime{2001, 1, 1, 14, 0, 0, 0, true, 7200}));
  std::vector<Value> z{Value("2024-01-01T00:00:00Z"), Value(noon)};
  EXPECT_EQ(infer_dtype(z), "datetime64[ns, UTC]");
  EXPECT_EQ(dtype_of({Value("2024-01-01T00:00:00+02:00"), Value("2024-01-01"), Value(noon)}),
            "object");
  EXPECT_EQ(dtype_of({Value("2024-01-01T00:00:00+02:00"), Value("2024-01-01T00:00:00+03:00"),
                      Value(noon)}),
            "object");
}

TEST(FrameRecordsInfer, AThirdStringBeforeAnyDatetimeLeavesObject) {
  DateTime noon{2001, 1, 1, 12, 0, 0, 0, false, 0};
  EXPECT_EQ(dtype_of({Value("2024-01-01"), Value("2024-01-02"), Value("nan"), Value(noon)}),
            "object");
  EXPECT_EQ(dtype_of({Value("2024-01-01"), Value("2024-01-02"), Value(noon), Value("nan")}),
            "datetime64[ns]");
}

TEST(FrameRecordsInfer, WhatIsNotDatetimeLikeStaysObject) {
  DateTime noon{2001, 1, 1, 12, 0, 0, 0, false, 0};
  EXPECT_EQ(dtype_of({Value("x"), Value(noon)}), "object");
  EXPECT_EQ(dtype_of({Value(noon), Value(int64_t{5})}), "object");
  EXPECT_EQ(dtype_of({Value(Date{2002, 12, 14}), Value("")}), "object");
  EXPECT_EQ(dtype_of({Value("2024-01-01")}), "object");  // text alone is never converted
  EXPECT_EQ(dtype_of({Value("2024-13-01"), Value(noon)}), "object");
}

}  // namespace
}  // namespace lyn
