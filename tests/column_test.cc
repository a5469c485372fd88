// Tests for the typed column store (core/column.h), the frame JSON writer
// (core/frame_json.h) and the CSV reader's typed builders
// (access/csv_infer.h): cells read back as the Values stored whatever the
// storage, writes that do not fit the storage keep their Values, copies
// share storage until written, and answers written in pieces equal the
// answer written at once.
#include "core/column.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "access/csv_format.h"
#include "access/csv_infer.h"
#include "core/frame.h"
#include "core/frame_json.h"
#include "core/json.h"

namespace lyn {
namespace {

// Values that compare equal the way the contract means: NaN equals NaN,
// None is not NaN, an int is not a float.
void expect_same(const std::vector<Value>& a, const std::vector<Value>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind(), b[i].kind()) << i << ": " << py_repr(a[i]) << " vs " << py_repr(b[i]);
    EXPECT_TRUE(a[i] == b[i]) << i << ": " << py_repr(a[i]) << " vs " << py_repr(b[i]);
  }
}

TEST(Column, EachKindReadsBackTheValuesStored) {
  struct Case {
    std::vector<Value> cells;
    ColumnKind kind;
  };
  const std::vector<Case> cases = {
      {{Value(1), Value(int64_t{-5}), Value::nan(), Value(7)}, ColumnKind::kInt},
      {{Value(1), Value(), Value(3)}, ColumnKind::kInt},
      {{Value(1.5), Value::nan(), Value(-0.0), Value(1e300)}, ColumnKind::kFloat},
      {{Value(1.5), Value(), Value::nan()}, ColumnKind::kFloat},
      {{Value(true), Value(false), Value::nan()}, ColumnKind::kBool},
      {{Value("a"), Value(""), Value::nan(), Value("\xC3\xA9t\xC3\xA9")}, ColumnKind::kString},
      {{Value("a"), Value()}, ColumnKind::kString},
      {{Value(Date{2024, 2, 29}), Value(Date{1, 1, 1}), Value()}, ColumnKind::kDate},
      {{Value(DateTime{2024, 9, 9, 8, 30, 5, 123456}), Value(DateTime{1969, 12, 31, 23, 59, 59, 1}),
        Value::nan()},
       ColumnKind::kDateTime},
      // Mixed cells, or missing markers of both kinds, stay Values.
      {{Value(1), Value("a")}, ColumnKind::kObject},
      {{Value(1), Value(), Value::nan()}, ColumnKind::kObject},
      {{Value(List{Value(1)}), Value(Map{{"a", 1}})}, ColumnKind::kObject},
      {{Value(BigInt{"123456789012345678901234567890"})}, ColumnKind::kObject},
      {{Value(Date{2024, 2, 30})}, ColumnKind::kObject},  // not a real date
  };
  for (const auto& c : cases) {
    Column col(Value("x"), "object", c.cells);
    EXPECT_EQ(col.kind(), c.kind) << py_repr(Value(List(c.cells)));
    expect_same(col.values(), c.cells);
    for (size_t i = 0; i < c.cells.size(); ++i) EXPECT_TRUE(col.at(i) == c.cells[i]);
  }
}

TEST(Column, DatetimesWithDifferentOffsetsStayValues) {
  DateTime utc{2024, 1, 1, 0, 0, 0, 0, true, 0};
  DateTime cet{2024, 1, 1, 0, 0, 0, 0, true, 3600};
  Column same(Value("t"), "object", {Value(utc), Value(utc)});
  EXPECT_EQ(same.kind(), ColumnKind::kDateTime);
  EXPECT_TRUE(same.view().has_tz);
  Column mixed(Value("t"), "object", {Value(utc), Value(cet)});
  EXPECT_EQ(mixed.kind(), ColumnKind::kObject);
  expect_same(mixed.values(), {Value(utc), Value(cet)});
}

TEST(Column, WritesThatFitKeepTheStorageOthersTurnToValues) {
  Column c(Value("n"), "int64", {Value(1), Value(2), Value(3)});
  c.set(1, Value(20));
  c.push_back(Value(4));
  c.set(0, Value::nan());  // the first missing cell sets the marker
  EXPECT_EQ(c.kind(), ColumnKind::kInt);
  expect_same(c.values(), {Value::nan(), Value(20), Value(3), Value(4)});
  c.push_back(Value());  // a None where missing cells read as NaN
  EXPECT_EQ(c.kind(), ColumnKind::kObject);
  expect_same(c.values(), {Value::nan(), Value(20), Value(3), Value(4), Value()});

  Column s(Value("s"), "object", {Value("a"), Value("b")});
  s.push_back(Value("c"));
  EXPECT_EQ(s.kind(), ColumnKind::kString);
  s.set(0, Value("z"));  // text is not replaced inside the arena
  EXPECT_EQ(s.kind(), ColumnKind::kObject);
  expect_same(s.values(), {Value("z"), Value("b"), Value("c")});

  Column f(Value("f"), "float64", {Value(1.0)});
  f.set(0, Value(2));  // an int in a float column: kept as the int given
  expect_same(f.values(), {Value(2)});

  Column e;
  e.push_back(Value(true));
  e.push_back(Value(false));
  EXPECT_EQ(e.kind(), ColumnKind::kBool);
  e.resize(4, Value::nan());
  expect_same(e.values(), {Value(true), Value(false), Value::nan(), Value::nan()});
  e.resize(1, Value());
  expect_same(e.values(), {Value(true)});
}

TEST(Column, CopiesShareStorageUntilOneIsWritten) {
  Column a(Value("n"), "int64", {Value(1), Value(2)});
  Column b = a;
  b.set(0, Value(9));
  expect_same(a.values(), {Value(1), Value(2)});
  expect_same(b.values(), {Value(9), Value(2)});
  Frame f;
  f.columns.push_back(a);
  Frame g = f;
  g.columns[0].push_back(Value(3));
  EXPECT_EQ(f.num_rows(), 2u);
  EXPECT_EQ(g.num_rows(), 3u);
}

TEST(Column, TakeAndAppendKeepCellsAndValidity) {
  Column c(Value("s"), "object", {Value("a"), Value::nan(), Value("c")});
  Column t = c.take({2, 1, 1, 0});
  EXPECT_EQ(t.dtype, "object");
  expect_same(t.values(), {Value("c"), Value::nan(), Value::nan(), Value("a")});
  t.append(c);
  expect_same(t.values(), {Value("c"), Value::nan(), Value::nan(), Value("a"), Value("a"),
                           Value::nan(), Value("c")});
  EXPECT_EQ(t.kind(), ColumnKind::kString);
  Column n(Value("n"), "int64", {Value(1)});
  n.append(Column(Value("n"), "object", {Value("x")}));  // kinds differ: Values
  EXPECT_EQ(n.kind(), ColumnKind::kObject);
  expect_same(n.values(), {Value(1), Value("x")});
  EXPECT_THROW(c.take({3}), std::out_of_range);
  EXPECT_THROW(c.at(3), std::out_of_range);
}

TEST(Column, CivilDaysRoundTrip) {
  for (int64_t d = -800000; d <= 800000; d += 997) {
    Date c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
}

// ------------------------------------------------------ CSV builders ---

Column build(const std::vector<std::string_view>& fields) {
  access::CsvColumnBuilder b(fields.size());
  for (auto f : fields) b.add(f);
  if (b.deferred()) return access::infer_csv_column(Value("c"), fields);
  return b.finish(Value("c"));
}

TEST(CsvColumnBuilder, InfersAsPandasAndDefersTextAfterNumbers) {
  Column ints = build({"1", "", "3"});
  EXPECT_EQ(ints.dtype, "float64");
  expect_same(ints.values(), {Value(1.0), Value::nan(), Value(3.0)});
  Column late_text = build({"1", "2", "x", ""});
  EXPECT_EQ(late_text.dtype, "object");
  expect_same(late_text.values(), {Value("1"), Value("2"), Value("x"), Value::nan()});
  Column late_float = build({"", "1", "2.5"});
  EXPECT_EQ(late_float.dtype, "float64");
  expect_same(late_float.values(), {Value::nan(), Value(1.0), Value(2.5)});
  Column bools = build({"", "True", "false"});
  EXPECT_EQ(bools.dtype, "object");
  expect_same(bools.values(), {Value::nan(), Value(true), Value(false)});
  Column big = build({"1", "18446744073709551615"});
  EXPECT_EQ(big.dtype, "uint64");
  expect_same(big.values(), {Value(1), Value(BigInt{"18446744073709551615"})});
  Column none = build({"", "NA"});
  EXPECT_EQ(none.dtype, "float64");
  Column empty = build({});
  EXPECT_EQ(empty.dtype, "object");
  EXPECT_EQ(empty.size(), 0u);
  // pandas skips the spaces around a number, but takes inf/infinity only
  // untrimmed (pandas 1.5.3 in the oracle).
  Column inf = build({"+inf", "-Infinity", " 2.5", "12\t"});
  EXPECT_EQ(inf.dtype, "float64");
  Column padded_inf = build({"Infinity\t", "2"});
  EXPECT_EQ(padded_inf.dtype, "object");
  expect_same(padded_inf.values(), {Value("Infinity\t"), Value("2")});
  EXPECT_EQ(build({" inf"}).dtype, "object");
}

TEST(InferDtype, NatStringsBesideDatetimesAreNaT) {
  // pandas reads '', 'NaT', 'nan', 'NaN' (and their case variants it
  // lists) beside datetimes as NaT; other strings keep the column object.
  DateTime t{2001, 12, 15, 2, 59, 43, 100000, true, 0};
  std::vector<Value> cells{Value(""), Value(t), Value("NaT"), Value("nan")};
  EXPECT_EQ(infer_dtype(cells), "datetime64[ns, UTC]");
  EXPECT_TRUE(cells[0].is_nan() && cells[2].is_nan() && cells[3].is_nan());
  std::vector<Value> other{Value("none"), Value(t)};
  EXPECT_EQ(infer_dtype(other), "object");
  std::vector<Value> only{Value(""), Value("NaT")};
  EXPECT_EQ(infer_dtype(only), "object");
}

TEST(CsvColumnBuilder, DictionaryWhileFewDistinctThenPlainText) {
  std::vector<std::string> owned;
  for (int i = 0; i < 1000; ++i) owned.push_back(i % 7 == 0 ? "" : "v" + std::to_string(i % 5));
  std::vector<std::string_view> few(owned.begin(), owned.end());
  Column d = build(few);
  ASSERT_EQ(d.kind(), ColumnKind::kString);
  EXPECT_TRUE(d.view().strings->dictionary);
  EXPECT_EQ(d.view().strings->entries(), 5u);
  for (size_t i = 0; i < few.size(); ++i)
    EXPECT_TRUE(d.at(i) == (few[i].empty() ? Value::nan() : Value(few[i]))) << i;

  std::vector<std::string> many_owned;
  for (int i = 0; i < 1000; ++i) many_owned.push_back(i < 100 ? "same" : "v" + std::to_string(i));
  std::vector<std::string_view> many(many_owned.begin(), many_owned.end());
  Column p = build(many);
  ASSERT_EQ(p.kind(), ColumnKind::kString);
  EXPECT_FALSE(p.view().strings->dictionary);
  for (size_t i = 0; i < many.size(); ++i) EXPECT_TRUE(p.at(i) == Value(many[i])) << i;
}

// ------------------------------------------------------ frame JSON ---

Frame mixed_frame(size_t rows) {
  std::string csv = "id,name,score,ok,when,note\n";
  for (size_t i = 0; i < rows; ++i)
    csv += std::to_string(i) + ",N" + std::to_string(i % 3) + "," +
           (i % 4 ? std::to_string(i) + ".25" : "") + "," + (i % 2 ? "True" : "False") +
           ",2024-01-0" + std::to_string(1 + i % 9) + ",\"caf\xC3\xA9 \"\"" + std::to_string(i) +
           "\"\"\"\n";
  auto f = access::parse_csv(csv, {}, "t.csv");
  EXPECT_TRUE(f.ok());
  return f.ok() ? std::move(f).value() : Frame{};
}

// The answer built from Values, as the writer's reference.
std::string reference_json(const Frame& f) {
  Map data;
  List records;
  for (size_t i = 0; i < f.num_rows(); ++i) records.push_back(f.record(i));
  data.set("records", Value(std::move(records)));
  List cols;
  Map dtypes;
  for (const auto& c : f.columns) {
    cols.push_back(c.name);
    dtypes.set(c.key(), Value(c.dtype));
  }
  data.set("columns", Value(std::move(cols)));
  data.set("shape", Value(List{Value(static_cast<int64_t>(f.num_rows())),
                               Value(static_cast<int64_t>(f.num_columns()))}));
  data.set("dtypes", Value(std::move(dtypes)));
  return to_json(Value(std::move(data)));
}

TEST(FrameJson, WholeAndPiecesEqualTheValueReference) {
  Frame f = mixed_frame(3000);
  Column extra(Value("misc"), "object", {});
  for (size_t i = 0; i < f.num_rows(); ++i)
    extra.push_back(i % 2 ? Value(List{Value(1), Value("x")}) : Value(Date{2024, 5, 6}));
  f.columns.push_back(extra);
  std::string whole;
  append_frame_data_json(whole, f);
  EXPECT_EQ(whole, reference_json(f));

  FrameJsonWriter w(f, FrameJsonWriter::Layout::kDataObject);
  std::string pieced, piece;
  size_t pieces = 0, largest = 0;
  while (true) {
    piece.clear();
    if (!w.next(piece, 4096)) break;
    ++pieces;
    largest = std::max(largest, piece.size());
    pieced += piece;
  }
  EXPECT_EQ(pieced, whole);
  EXPECT_GT(pieces, 10u);
  EXPECT_LT(largest, 4096u + 1024u);  // a piece ends at the first row past the size
  EXPECT_EQ(w.estimated_size(), whole.size());

  std::string records;
  append_records_json(records, f);
  EXPECT_EQ(records, to_json(*parse_json(whole)->get("records")));
}

TEST(FrameJson, EmptyFrames) {
  std::string out;
  append_frame_data_json(out, Frame{});
  EXPECT_EQ(out, "{\"records\": [], \"columns\": [], \"shape\": [0, 0], \"dtypes\": {}}");
  Frame no_rows;
  no_rows.columns.push_back(Column(Value("a"), "object"));
  out.clear();
  append_frame_data_json(out, no_rows);
  EXPECT_EQ(out,
            "{\"records\": [], \"columns\": [\"a\"], \"shape\": [0, 1], \"dtypes\": {\"a\": "
            "\"object\"}}");
}

}  // namespace
}  // namespace lyn
