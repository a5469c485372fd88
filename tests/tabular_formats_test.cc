// Tests for the tabular formats: the CSV parser and pandas-style inference,
// the JSON and local readers, finalize options, hstack/vstack/stack/series,
// the csv/json writers, errors, and the recorded read_data conformance
// cases for these formats.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "access/csv_format.h"
#include "access/file_cache.h"
#include "access/finalize.h"
#include "access/json_format.h"
#include "access/registry.h"
#include "access/stack_formats.h"
#include "core/frame_json.h"
#include "core/json.h"

namespace lyn::access {
namespace {

namespace fs = std::filesystem;

Frame parse_ok(std::string_view text, CsvOptions opts = {}) {
  auto f = parse_csv(text, opts, "test.csv");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().type + ": " + f.error().message);
  return f.ok() ? std::move(f).value() : Frame{};
}

// The {records, columns, shape, dtypes} answer, through its JSON text.
Value data_json(const Frame& f) {
  std::string text;
  append_frame_data_json(text, f);
  return *parse_json(text);
}

const Column& col(const Frame& f, std::string_view key) {
  const Column* c = f.find(key);
  EXPECT_NE(c, nullptr) << "no column " << key;
  static Column empty;
  return c ? *c : empty;
}

std::vector<std::string> keys(const Frame& f) {
  std::vector<std::string> out;
  for (const auto& c : f.columns) out.push_back(c.key());
  return out;
}

Value details(std::string_view json) {
  auto v = parse_json(json);
  EXPECT_TRUE(v.ok()) << json;
  return v.ok() ? *v : Value();
}

class TabularFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lyn_tabular_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ctx_.paths = PathPolicy(dir_, {dir_});
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << content;
  }
  std::string slurp(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  Result<Frame> read(std::string_view json) { return read_data(details(json), ctx_); }

  std::string dir_;
  IoContext ctx_;
};

// ---------------------------------------------------------------------------
// CSV tokenizing.

TEST(TabularCsv, QuotedFieldsKeepDelimitersNewlinesAndDoubledQuotes) {
  Frame f = parse_ok(
      "id,notes\n1,\"Analyst, engine designer\"\n2,\"Works on \"\"morphogenesis\"\"\"\n"
      "3,\"Translated Newton's\nPrincipia\"\n4,\"\"\n");
  ASSERT_EQ(f.num_rows(), 4u);
  const Column& n = col(f, "notes");
  EXPECT_EQ(n.at(0), Value("Analyst, engine designer"));
  EXPECT_EQ(n.at(1), Value("Works on \"morphogenesis\""));
  EXPECT_EQ(n.at(2), Value("Translated Newton's\nPrincipia"));
  EXPECT_TRUE(n.at(3).is_nan());  // a quoted empty field is still missing
  EXPECT_EQ(col(f, "id").dtype, "int64");
}

TEST(TabularCsv, TextAfterClosingQuoteJoinsTheFieldAndMidFieldQuotesAreLiteral) {
  Frame f = parse_ok("a\n\"ab\"cd\nx\"y\"\n");
  EXPECT_EQ(col(f, "a").at(0), Value("abcd"));
  EXPECT_EQ(col(f, "a").at(1), Value("x\"y\""));
}

TEST(TabularCsv, CrlfAndBareCrLineEndsAndCrlfInsideQuotes) {
  Frame f = parse_ok("a,b\r\n1,\"x\r\ny\"\r\n2,z\r3,w");
  ASSERT_EQ(f.num_rows(), 3u);
  EXPECT_EQ(col(f, "b").at(0), Value("x\r\ny"));
  EXPECT_EQ(col(f, "b").at(2), Value("w"));
  EXPECT_EQ(col(f, "a").at(2), Value(int64_t{3}));
}

TEST(TabularCsv, Utf8BomIsStrippedFromTheFirstColumnName) {
  Frame f = parse_ok("\xEF\xBB\xBFid,name\n1,\xC3\x89milie\n");
  EXPECT_EQ(keys(f), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(col(f, "name").at(0), Value("\xC3\x89milie"));
}

TEST(TabularCsv, BlankAndWhitespaceOnlyLinesAreSkipped) {
  Frame f = parse_ok("\n\na,b\n1,2\n   \n\n3,4\n\n");
  EXPECT_EQ(f.num_rows(), 2u);
  EXPECT_EQ(col(f, "a").at(1), Value(int64_t{3}));
}

TEST(TabularCsv, ShortRowsAreFilledWithNaN) {
  Frame f = parse_ok("a,b,c\n1,2,3\n4\n");
  EXPECT_EQ(col(f, "b").dtype, "float64");
  EXPECT_TRUE(col(f, "c").at(1).is_nan());
  EXPECT_EQ(col(f, "a").dtype, "int64");
}

TEST(TabularCsv, RowWithTooManyFieldsIsAParserErrorNamingTheLine) {
  auto f = parse_csv("a,b\n1,2\n3,4,5\n", {}, "x.csv");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().type, "ParserError");
  EXPECT_EQ(f.error().http_status, 400);
  EXPECT_NE(f.error().message.find("Expected 2 fields in line 3, saw 3"), std::string::npos)
      << f.error().message;
}

TEST(TabularCsv, OneExtraFieldInTheFirstRowBecomesTheIndexAsInPandas) {
  Frame f = parse_ok("a,b\nx,1,2\ny,3,4\n");
  EXPECT_EQ(keys(f), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(f.index.has_value());
  EXPECT_EQ(f.index->at(1), Value("y"));
  EXPECT_EQ(col(f, "b").at(1), Value(int64_t{4}));
}

TEST(TabularCsv, EofInsideQuotedFieldIsAParserError) {
  auto f = parse_csv("a\n\"never closed\n", {}, "x.csv");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().type, "ParserError");
  EXPECT_NE(f.error().message.find("EOF inside string"), std::string::npos);
}

TEST(TabularCsv, EmptyFileIsEmptyDataError) {
  for (std::string text : {"", "\n\n", "\r\n  \n"}) {
    auto f = parse_csv(text, {}, "empty.csv");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().type, "EmptyDataError");
    EXPECT_EQ(f.error().message, "No columns to parse from file");
    EXPECT_EQ(f.error().http_status, 400);
  }
}

TEST(TabularCsv, HeaderNullGivesIntegerColumnNamesAndObjectColumns) {
  CsvOptions o;
  o.header.reset();
  Frame f = parse_ok("id,session,attended,minutes\n1,2024-09-09,True,45\n", o);
  ASSERT_EQ(f.num_columns(), 4u);
  EXPECT_EQ(f.columns[0].name, Value(int64_t{0}));
  EXPECT_EQ(f.columns[3].key(), "3");
  for (const auto& c : f.columns) EXPECT_EQ(c.dtype, "object");
  EXPECT_EQ(f.columns[2].at(1), Value("True"));
  Value out = data_json(f);
  EXPECT_EQ(to_json(*out.get("columns")), "[0, 1, 2, 3]");
  EXPECT_EQ(to_json(*out.get("records")->as_list()[0].get("0")), "\"id\"");
}

TEST(TabularCsv, HeaderRowNumberSkipsEarlierRows) {
  CsvOptions o;
  o.header = 1;
  Frame f = parse_ok("title line\na,b\n1,2\n", o);
  EXPECT_EQ(keys(f), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.num_rows(), 1u);
  o.header = 5;
  EXPECT_EQ(parse_csv("a\n1\n", o, "x").error().type, "ParserError");
}

TEST(TabularCsv, DuplicateAndEmptyHeaderNamesAreMangledAsPandasDoes) {
  Frame f = parse_ok("a,a,,a.1,a\n1,2,3,4,5\n");
  EXPECT_EQ(keys(f), (std::vector<std::string>{"a", "a.2", "Unnamed: 2", "a.1", "a.3"}));
}

TEST(TabularCsv, DelimiterAndQuotecharOptions) {
  CsvOptions o;
  o.delimiter = ';';
  o.quotechar = '\'';
  Frame f = parse_ok("a;b\n'x;y';'it''s'\n", o);
  EXPECT_EQ(col(f, "a").at(0), Value("x;y"));
  EXPECT_EQ(col(f, "b").at(0), Value("it's"));
}

TEST(TabularCsv, FiftyMegabyteSingleLineIsHandled) {
  std::string big(50u << 20, 'x');
  Frame f = parse_ok("a\n" + big);
  ASSERT_EQ(f.num_rows(), 1u);
  EXPECT_EQ(col(f, "a").at(0).as_string().size(), big.size());
  // The same as a quoted field, and as a header line with no rows.
  Frame q = parse_ok("a\n\"" + big + "\"\n");
  EXPECT_EQ(col(q, "a").at(0).as_string().size(), big.size());
  Frame h = parse_ok(big + "\n");
  EXPECT_EQ(h.num_rows(), 0u);
  EXPECT_EQ(h.columns[0].key().size(), big.size());
}

TEST(TabularCsv, InvalidUtf8IsAClearErrorNamingTheFile) {
  auto f = parse_csv("a\n\xff\xfe\n", {}, "data/bad.csv");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().type, "UnicodeDecodeError");
  EXPECT_EQ(f.error().http_status, 400);
  EXPECT_NE(f.error().message.find("'data/bad.csv'"), std::string::npos) << f.error().message;
  EXPECT_NE(f.error().message.find("0xff"), std::string::npos);
  // Overlong encodings and surrogates are invalid too.
  EXPECT_FALSE(parse_csv("a\n\xC0\xAF\n", {}, "x").ok());
  EXPECT_FALSE(parse_csv("a\n\xED\xA0\x80\n", {}, "x").ok());
}

// ---------------------------------------------------------------------------
// Inference.

TEST(TabularInference, IntFloatBoolAndObjectColumns) {
  Frame f = parse_ok(
      "i,f,gap,b,bgap,s,mixed\n"
      "1,1.5,36,True,True,x,1\n"
      "-2,2,,FALSE,,y,True\n"
      "+3,1e3,41,true,false,z,2.5\n");
  EXPECT_EQ(col(f, "i").dtype, "int64");
  EXPECT_EQ(col(f, "i").at(2), Value(int64_t{3}));
  EXPECT_EQ(col(f, "f").dtype, "float64");
  EXPECT_EQ(col(f, "f").at(1), Value(2.0));
  EXPECT_EQ(col(f, "f").at(2), Value(1000.0));
  EXPECT_EQ(col(f, "gap").dtype, "float64");
  EXPECT_EQ(col(f, "gap").at(0), Value(36.0));
  EXPECT_TRUE(col(f, "gap").at(1).is_nan());
  EXPECT_EQ(col(f, "b").dtype, "bool");
  EXPECT_EQ(col(f, "b").at(1), Value(false));
  EXPECT_EQ(col(f, "bgap").dtype, "object");
  EXPECT_EQ(col(f, "bgap").at(0), Value(true));
  EXPECT_TRUE(col(f, "bgap").at(1).is_nan());
  EXPECT_EQ(col(f, "s").dtype, "object");
  // A column that is not all one type keeps every value as its text.
  EXPECT_EQ(col(f, "mixed").dtype, "object");
  EXPECT_EQ(col(f, "mixed").at(0), Value("1"));
  EXPECT_EQ(col(f, "mixed").at(2), Value("2.5"));
}

TEST(TabularInference, MissingMarkersAreNaNButNoneStaysAString) {
  const char* markers[] = {"",       "NA",      "N/A",     "NaN",      "nan",      "null",
                           "NULL",   "#N/A",    "n/a",     "-NaN",     "-nan",     "<NA>",
                           "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN", "#N/A N/A", "#NA"};
  std::string text = "a,b\n";
  for (const char* m : markers) text += std::string(m) + ",None\n";
  Frame f = parse_ok(text);
  ASSERT_EQ(f.num_rows(), std::size(markers));
  EXPECT_EQ(col(f, "a").dtype, "float64");
  for (const auto& v : col(f, "a").values()) EXPECT_TRUE(v.is_nan());
  EXPECT_EQ(col(f, "b").dtype, "object");
  EXPECT_EQ(col(f, "b").at(0), Value("None"));
  // Near misses are ordinary strings.
  Frame g = parse_ok("a\n NA\nNone\nnil\n");
  EXPECT_EQ(col(g, "a").at(0), Value(" NA"));
}

TEST(TabularInference, InfinitiesSpacesAndNumberForms) {
  Frame f = parse_ok("a,b,c\ninf,  12 ,.5\n-Infinity,+3,5.\nINF,7,1E-2\n");
  EXPECT_EQ(col(f, "a").dtype, "float64");
  EXPECT_EQ(col(f, "a").at(0).as_float(), INFINITY);
  EXPECT_EQ(col(f, "a").at(1).as_float(), -INFINITY);
  EXPECT_EQ(col(f, "b").dtype, "int64");
  EXPECT_EQ(col(f, "b").at(0), Value(int64_t{12}));
  EXPECT_EQ(col(f, "c").at(0), Value(0.5));
  EXPECT_EQ(col(f, "c").at(2), Value(0.01));
  Frame g = parse_ok("a\n0x10\n1e\n");
  EXPECT_EQ(col(g, "a").dtype, "object");
  // Out of double range is not a float to pandas either.
  Frame h = parse_ok("a\n1e400\n1e-400\n");
  EXPECT_EQ(col(h, "a").dtype, "object");
  EXPECT_EQ(col(h, "a").at(0), Value("1e400"));
}

TEST(TabularInference, HugeIntegersGiveUint64OrStrings) {
  Frame f = parse_ok("u,o\n18446744073709551615,99999999999999999999999\n1,1\n");
  EXPECT_EQ(col(f, "u").dtype, "uint64");
  EXPECT_EQ(col(f, "u").at(1), Value(int64_t{1}));
  EXPECT_EQ(col(f, "o").dtype, "object");
  EXPECT_EQ(col(f, "o").at(0), Value("99999999999999999999999"));
}

TEST(TabularInference, AllMissingIsFloatAndNoRowsIsObject) {
  Frame f = parse_ok("a,b\n,\n,\n");
  EXPECT_EQ(col(f, "a").dtype, "float64");
  Frame g = parse_ok("a,b\n");
  EXPECT_EQ(g.num_rows(), 0u);
  EXPECT_EQ(col(g, "a").dtype, "object");
}

TEST(TabularInference, DtypesOption) {
  CsvOptions o;
  o.dtypes = {{"s", "str_type"},
              {"i", "int_type"},
              {"f", "float_type"},
              {"b", "bool_type"},
              {"absent", "int_type"}};
  Frame f = parse_ok("s,i,f,b\n45,36,1,True\n,,,\n7,41.0,2.5,0\n", o);
  EXPECT_EQ(col(f, "s").dtype, "object");
  EXPECT_EQ(col(f, "s").at(0), Value("45"));
  EXPECT_TRUE(col(f, "s").at(1).is_nan());
  EXPECT_EQ(col(f, "i").dtype, "Int32");
  EXPECT_EQ(col(f, "i").at(0), Value(int64_t{36}));
  EXPECT_TRUE(col(f, "i").at(1).is_null());  // pd.NA answers null
  EXPECT_EQ(col(f, "i").at(2), Value(int64_t{41}));
  EXPECT_EQ(col(f, "f").dtype, "Float64");
  EXPECT_EQ(col(f, "f").at(0), Value(1.0));
  EXPECT_EQ(col(f, "b").dtype, "boolean");
  EXPECT_EQ(col(f, "b").at(0), Value(true));
  EXPECT_TRUE(col(f, "b").at(1).is_null());
  EXPECT_EQ(col(f, "b").at(2), Value(false));

  CsvOptions bad;
  bad.dtypes = {{"a", "no_such_type"}};
  EXPECT_EQ(parse_csv("a\n1\n", bad, "x").error().type, "KeyError");
  bad.dtypes = {{"a", "bool_type"}};
  EXPECT_EQ(parse_csv("a\nmaybe\n", bad, "x").error().type, "ValueError");
  bad.dtypes = {{"a", "int_type"}};
  EXPECT_EQ(parse_csv("a\n1.5\n", bad, "x").error().type, "TypeError");
}

// ---------------------------------------------------------------------------
// Reading files through read_data.

TEST_F(TabularFiles, CsvThroughReadDataWithDirectoryAndOptions) {
  fs::create_directory(dir_ + "/data");
  write("data/t.tsv", "a\tb\n1\t'x\ty'\n");
  auto f = read(R"({"type": "csv", "directory": "data", "filename": "t.tsv",
                    "delimiter": "\t", "quotechar": "'"})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(col(*f, "b").at(0), Value("x\ty"));
  auto g = read(R"({"type": "csv", "filename": "data/t.tsv", "delimiter": ";;"})");
  EXPECT_EQ(g.error().type, "ValueError");
}

TEST_F(TabularFiles, MissingFileIsFileNotFoundNamingTheFile) {
  auto f = read(R"({"type": "csv", "filename": "data/nothing.csv"})");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().type, "FileNotFoundError");
  EXPECT_EQ(f.error().http_status, 404);
  EXPECT_EQ(f.error().message, "[Errno 2] No such file or directory: 'data/nothing.csv'");
  auto j = read(R"({"type": "json", "filename": "nothing.json"})");
  EXPECT_EQ(j.error().type, "FileNotFoundError");
}

TEST_F(TabularFiles, PathOutsideRootIsPathEscapeError) {
  for (const char* d : {R"({"type": "csv", "filename": "../../../../etc/passwd"})",
                        R"({"type": "json", "filename": "/etc/passwd"})"}) {
    auto f = read(d);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().type, "PathEscapeError");
    EXPECT_EQ(f.error().http_status, 403);
  }
  auto w = write_data(Frame::from_records({Value(Map{{"a", 1}})}),
                      details(R"({"type": "csv", "filename": "../escape.csv"})"), ctx_);
  EXPECT_EQ(w.error().type, "PathEscapeError");
  EXPECT_FALSE(fs::exists(fs::path(dir_).parent_path() / "escape.csv"));
}

TEST_F(TabularFiles, CacheServesUnchangedFilesAndRereadsChangedOnes) {
  FileCache cache;
  ctx_.cache = &cache;
  write("c.csv", "a\n1\n");
  ASSERT_TRUE(read(R"({"type": "csv", "filename": "c.csv"})").ok());
  auto again = read(R"({"type": "csv", "filename": "c.csv"})");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(cache.hits(), 1u);
  // Different options are a different entry.
  ASSERT_TRUE(read(R"({"type": "csv", "filename": "c.csv", "header": null})").ok());
  EXPECT_EQ(cache.hits(), 1u);
  write("c.csv", "a\n1\n2\n");
  auto changed = read(R"({"type": "csv", "filename": "c.csv"})");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->num_rows(), 2u);
  // The JSON reader caches too; finalize options apply to each copy.
  write("c.json", R"([{"a": 1, "b": 2}])");
  ASSERT_TRUE(read(R"({"type": "json", "filename": "c.json"})").ok());
  auto j = read(R"({"type": "json", "filename": "c.json", "ignore_columns": ["b"]})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(keys(*j), (std::vector<std::string>{"a"}));
  auto whole = read(R"({"type": "json", "filename": "c.json"})");
  EXPECT_EQ(whole->num_columns(), 2u);
}

TEST_F(TabularFiles, JsonRecordsInference) {
  write("p.json", R"([{"k": "a", "year": 2006, "c": 30000, "ok": true, "authors": ["x", "y"]},
                      {"k": "b", "year": 2009, "c": 2000.5, "ok": false, "venue": {"n": 5}},
                      {"k": "c", "year": 2013, "c": null, "ok": true, "note": null}])");
  auto f = read(R"({"type": "json", "filename": "p.json"})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(keys(*f),
            (std::vector<std::string>{"k", "year", "c", "ok", "authors", "venue", "note"}));
  EXPECT_EQ(col(*f, "year").dtype, "int64");
  EXPECT_EQ(col(*f, "c").dtype, "float64");
  EXPECT_EQ(col(*f, "c").at(0), Value(30000.0));
  EXPECT_TRUE(col(*f, "c").at(2).is_nan());
  EXPECT_EQ(col(*f, "ok").dtype, "bool");
  EXPECT_EQ(col(*f, "authors").dtype, "object");
  EXPECT_TRUE(col(*f, "authors").at(1).is_nan());  // absent key: NaN
  // Absent keys (NaN) with an explicit null: pandas makes the column float64.
  EXPECT_EQ(col(*f, "note").dtype, "float64");
  EXPECT_TRUE(col(*f, "note").at(2).is_nan());
}

TEST_F(TabularFiles, JsonOtherShapesAndInvalidText) {
  write("cols.json", R"({"a": [1, 2], "b": ["x", "y"]})");
  auto c = read(R"({"type": "json", "filename": "cols.json"})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->num_rows(), 2u);
  write("nested.json", R"({"a": {"x": 1, "y": 2}, "b": {"y": 3}})");
  auto n = read(R"({"type": "json", "filename": "nested.json"})");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->num_rows(), 2u);
  EXPECT_EQ(col(*n, "b").dtype, "float64");
  EXPECT_EQ(n->index->at(1), Value("y"));
  write("scalars.json", "[1, 2, 3]");
  auto s = read(R"({"type": "json", "filename": "scalars.json"})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->columns[0].name, Value(int64_t{0}));
  write("scalar-dict.json", R"({"a": 1})");
  EXPECT_EQ(read(R"({"type": "json", "filename": "scalar-dict.json"})").error().message,
            "If using all scalar values, you must pass an index");
  // lynguine logs a JSONDecodeError and carries on with {}.
  write("bad.json", "{not json");
  auto b = read(R"({"type": "json", "filename": "bad.json"})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num_columns(), 0u);
  EXPECT_EQ(b->num_rows(), 0u);
}

TEST_F(TabularFiles, LocalReader) {
  auto r = read(R"({"type": "local", "index": "talk", "data": [
      {"talk": "gp-intro", "views": 10, "ok": true},
      {"talk": "deep-gp", "views": null, "ok": false},
      {"talk": "kernels", "note": "x"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys(*r), (std::vector<std::string>{"talk", "views", "ok", "note"}));
  EXPECT_EQ(col(*r, "views").dtype, "float64");
  EXPECT_EQ(col(*r, "views").at(0), Value(10.0));
  EXPECT_EQ(col(*r, "ok").dtype, "object");
  auto s =
      read(R"({"type": "local", "data": {"venue": "Sheffield", "year": 2024, "online": false}})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->num_rows(), 1u);
  EXPECT_EQ(col(*s, "year").dtype, "int64");
  EXPECT_EQ(col(*s, "online").dtype, "bool");
  auto m = read(R"({"type": "local"})");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().type, "ValueError");
  EXPECT_EQ(m.error().message,
            "Could not create data frame from details specified in \"local\" entry. Missing key "
            "'data'.");
}

// ---------------------------------------------------------------------------
// finalize options.

TEST_F(TabularFiles, FinalizeIndexKeepsTheColumn) {
  auto f = read(R"({"type": "local", "index": "id", "data": [{"id": 1, "a": 2}]})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(keys(*f), (std::vector<std::string>{"id", "a"}));
  // The index stays read_local's RangeIndex, named "index" (not the column).
  ASSERT_TRUE(f->index.has_value());
  EXPECT_EQ(f->index->name, Value("index"));
  EXPECT_EQ(f->index->values(), (std::vector<Value>{Value(int64_t{0})}));
}

TEST_F(TabularFiles, FinalizeColumnOptions) {
  const char* base = R"({"type": "local", "data": [{"a": 1, "b": 2, "c": 3}], )";
  auto add = read(std::string(base) + R"("add_columns": ["d", "a"]})");
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(keys(*add), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(col(*add, "d").dtype, "object");
  EXPECT_TRUE(col(*add, "d").at(0).is_null());

  auto ren = read(std::string(base) + R"("rename_columns": {"a": "x"}})");
  ASSERT_TRUE(ren.ok());
  EXPECT_EQ(keys(*ren), (std::vector<std::string>{"x", "b", "c"}));
  auto ren_bad = read(std::string(base) + R"("rename_columns": {"q": "x"}})");
  EXPECT_EQ(ren_bad.error().message,
            "rename_columns contains key \"q\" which is not a column in the loaded DataFrame. "
            "Columns are \"Index(['a', 'b', 'c'], dtype='object')\"");

  auto ign = read(std::string(base) + R"("ignore_columns": ["b"]})");
  ASSERT_TRUE(ign.ok());
  EXPECT_EQ(keys(*ign), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(read(std::string(base) + R"("ignore_columns": ["q"]})").error().type, "ValueError");

  auto sel = read(std::string(base) + R"("select_columns": ["c", "a"]})");
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(keys(*sel), (std::vector<std::string>{"c", "a"}));
  auto none = read(std::string(base) + R"("select_columns": ["q"]})");
  EXPECT_EQ(none.error().type, "KeyError");
  EXPECT_EQ(none.error().message,
            "\"None of [Index(['q'], dtype='object')] are in the [columns]\"");
  auto some = read(std::string(base) + R"("select_columns": ["a", "q"]})");
  EXPECT_EQ(some.error().message, "\"['q'] not in index\"");

  auto cols = read(std::string(base) + R"("columns": ["a", "z"]})");
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(keys(*cols), (std::vector<std::string>{"a", "b", "c", "z"}));
}

// ---------------------------------------------------------------------------
// hstack / vstack / stack / series.

TEST_F(TabularFiles, HstackJoinsOnTheIndexAndPutsTheIndexColumnLast) {
  write("people.csv", "id,name,age\n1,Ada,36\n2,Alan,41\n3,Grace,\n");
  auto f = read(R"({"type": "hstack", "index": "id", "specifications": [
      {"type": "csv", "filename": "people.csv", "index": "id"},
      {"type": "local", "index": "id", "data": [{"id": 2, "room": "LT1", "n": 1},
                                                 {"id": 3, "room": "LT2", "n": 2}]}]})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(keys(*f), (std::vector<std::string>{"name", "age", "room", "n", "id"}));
  EXPECT_EQ(col(*f, "id").dtype, "int64");
  EXPECT_EQ(col(*f, "id").at(2), Value(int64_t{3}));
  EXPECT_EQ(col(*f, "room").dtype, "object");
  EXPECT_TRUE(col(*f, "room").at(0).is_nan());
  EXPECT_EQ(col(*f, "room").at(1), Value("LT1"));
  EXPECT_EQ(col(*f, "n").dtype, "float64");  // int64 with a gap
  EXPECT_EQ(col(*f, "n").at(2), Value(2.0));
  EXPECT_FALSE(f->index.has_value());
}

TEST_F(TabularFiles, HstackSuffixesHowAndMergeOn) {
  const char* spec = R"({"type": "hstack", "index": "k", "specifications": [
      {"type": "local", "index": "k", "data": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]},
      {"type": "local", "index": "k", "how": "%s", "data": [{"k": "b", "v": 20}, {"k": "c", "v": 30}]}]})";
  char buf[1024];
  std::snprintf(buf, sizeof buf, spec, "inner");
  auto inner = read(buf);
  ASSERT_TRUE(inner.ok()) << inner.error().message;
  EXPECT_EQ(keys(*inner), (std::vector<std::string>{"v", "v_right", "k"}));
  EXPECT_EQ(inner->num_rows(), 1u);
  EXPECT_EQ(col(*inner, "v_right").at(0), Value(int64_t{20}));
  std::snprintf(buf, sizeof buf, spec, "outer");
  auto outer = read(buf);
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(outer->num_rows(), 3u);
  EXPECT_EQ(col(*outer, "k").at(2), Value("c"));
  EXPECT_EQ(col(*outer, "v").dtype, "float64");

  auto merged = read(R"({"type": "hstack", "specifications": [
      {"type": "local", "data": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]},
      {"type": "local", "on": "k", "data": [{"k": "b", "w": true}]}]})");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(keys(*merged), (std::vector<std::string>{"k", "v", "w"}));
  EXPECT_EQ(col(*merged, "w").dtype, "object");

  auto bad = read(R"({"type": "hstack", "index": "nope", "specifications": [
      {"type": "local", "data": [{"k": 1}]}, {"type": "local", "data": [{"k": 1}]}]})");
  EXPECT_EQ(bad.error().type, "KeyError");
  EXPECT_EQ(read(R"({"type": "hstack"})").error().message,
            "Details must include \"specifications\".");
}

TEST_F(TabularFiles, VstackConcatenatesWithPandasDtypes) {
  write("a.csv", "id,session,attended,minutes\n1,x,True,45\n2,y,False,50\n");
  auto f = read(R"({"type": "vstack", "specifications": [
      {"type": "csv", "filename": "a.csv"},
      {"type": "local", "data": [{"id": 7, "session": "z", "minutes": 15.5, "extra": 1}]}]})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(keys(*f), (std::vector<std::string>{"id", "session", "attended", "minutes", "extra"}));
  EXPECT_EQ(f->num_rows(), 3u);
  EXPECT_EQ(col(*f, "id").dtype, "int64");
  EXPECT_EQ(col(*f, "attended").dtype, "object");
  EXPECT_TRUE(col(*f, "attended").at(2).is_nan());
  EXPECT_EQ(col(*f, "minutes").dtype, "float64");
  EXPECT_EQ(col(*f, "minutes").at(0), Value(45.0));
  EXPECT_EQ(col(*f, "extra").dtype, "float64");
  auto same = read(R"({"type": "vstack", "reset_index": true, "specifications": [
      {"type": "csv", "filename": "a.csv"},
      {"type": "local", "data": [{"id": 9, "session": "w", "attended": true, "minutes": 20}]}]})");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(col(*same, "attended").dtype, "bool");
  EXPECT_EQ(col(*same, "minutes").dtype, "int64");
}

TEST_F(TabularFiles, StackAndSeries) {
  auto s = read(R"({"type": "stack", "specifications": [
      {"type": "local", "data": {"a": 1, "b": "x"}},
      {"type": "local", "data": [{"c": 2.5}]}]})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(keys(*s), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(col(*s, "c").dtype, "float64");
  auto two = read(R"({"type": "stack", "specifications": [
      {"type": "local", "data": [{"a": 1}, {"a": 2}]}]})");
  EXPECT_EQ(two.error().message,
            "Each specification must result in a single row DataFrame. Got 2 rows");

  write("att.csv", "id,minutes\n1,45\n1,50\n2,30\n");
  auto r = read(R"({"type": "series", "index": "id",
                    "specifications": {"type": "csv", "filename": "att.csv"}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(keys(*r), (std::vector<std::string>{"id", "minutes"}));
  ASSERT_EQ(r->num_rows(), 2u);
  EXPECT_EQ(col(*r, "minutes").at(0), Value(List{Value(int64_t{45}), Value(int64_t{50})}));
  EXPECT_EQ(col(*r, "minutes").dtype, "object");
  EXPECT_EQ(read(R"({"type": "series", "specifications": {}})").error().message,
            "Field \"index\" missing in data source details for read_series.");
}

// ---------------------------------------------------------------------------
// Writers.

Frame review_frame() {
  return Frame::from_records({
      Value(Map{{"id", 1}, {"grade", "A"}, {"comment", "Clear, well argued"}, {"score", 9.5}}),
      Value(Map{{"id", 2}, {"grade", "B+"}, {"comment", "Two\nlines"}, {"score", Value()}}),
      Value(Map{{"id", 3}, {"grade", Value()}, {"comment", "Say \"hi\""}, {"score", 7}}),
  });
}

TEST(TabularWrite, CsvLayoutMatchesPandasToCsv) {
  EXPECT_EQ(format_csv(review_frame()),
            "id,grade,comment,score\n"
            "1,A,\"Clear, well argued\",9.5\n"
            "2,B+,\"Two\nlines\",\n"
            "3,,\"Say \"\"hi\"\"\",7.0\n");
  Frame one = Frame::from_records({Value(Map{{"a", ""}}), Value(Map{{"a", "x"}})});
  EXPECT_EQ(format_csv(one), "a\n\"\"\nx\n");
  EXPECT_EQ(format_csv(Frame{}), "\n");
  Frame misc = Frame::from_records({Value(Map{{"b", true}, {"f", 1e20}, {"l", List{Value("a")}}})});
  EXPECT_EQ(format_csv(misc, ';'), "b;f;l\nTrue;1e+20;['a']\n");
}

TEST(TabularWrite, JsonLayoutMatchesJsonDump) {
  Frame f = Frame::from_records({Value(Map{{"views", 3}, {"talk", "\xC3\xBC"}, {"x", 1.5}}),
                                 Value(Map{{"views", 4}, {"talk", "b"}})});
  EXPECT_EQ(format_json_records(f),
            "[{\"views\": 3, \"talk\": \"\\u00fc\", \"x\": 1.5}, "
            "{\"views\": 4, \"talk\": \"b\", \"x\": NaN}]");
}

TEST_F(TabularFiles, CsvAndJsonRoundTrips) {
  Frame f = review_frame();
  for (const char* type : {"csv", "json"}) {
    std::string name = std::string("out.") + type;
    std::string d = std::string(R"({"type": ")") + type + R"(", "filename": ")" + name + "\"}";
    ASSERT_TRUE(write_data(f, details(d), ctx_).ok()) << type;
    auto back = read(d);
    ASSERT_TRUE(back.ok()) << type << ": " << back.error().message;
    ASSERT_EQ(keys(*back), keys(f)) << type;
    for (size_t j = 0; j < f.num_columns(); ++j) {
      EXPECT_EQ(back->columns[j].dtype, f.columns[j].dtype) << type << " " << f.columns[j].key();
      for (size_t i = 0; i < f.num_rows(); ++i) {
        const Value a = f.columns[j].at(i);
        const Value b = back->columns[j].at(i);
        if (a.is_missing())
          EXPECT_TRUE(b.is_missing()) << type;
        else
          EXPECT_EQ(a, b) << type << " " << f.columns[j].key() << " row " << i;
      }
    }
  }
  EXPECT_EQ(slurp("out.csv"), format_csv(f));
}

TEST_F(TabularFiles, WriteColumnsSelectionAndErrors) {
  List records{Value(Map{{"talk", "gp-intro"}, {"views", 3}, {"extra", true}}),
               Value(Map{{"talk", "deep-gp"}, {"views", 4}})};
  Value columns(List{Value("views"), Value("talk")});
  auto f = frame_for_write(records, &columns);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(write_data(*f, details(R"({"type": "json", "filename": "tv.json"})"), ctx_).ok());
  EXPECT_EQ(slurp("tv.json"),
            "[{\"views\": 3, \"talk\": \"gp-intro\"}, {\"views\": 4, \"talk\": \"deep-gp\"}]");
  Value bad(List{Value("b")});
  auto e = frame_for_write(records, &bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().type, "KeyError");
  EXPECT_EQ(e.error().http_status, 400);
  EXPECT_EQ(e.error().message, "\"None of [Index(['b'], dtype='object')] are in the [columns]\"");

  auto missing_dir =
      write_data(*f, details(R"({"type": "csv", "filename": "no-dir/o.csv"})"), ctx_);
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.error().type, "FileNotFoundError");
  EXPECT_NE(missing_dir.error().message.find("'no-dir/o.csv'"), std::string::npos);

  // Empty records write a file that reads back as EmptyDataError.
  ASSERT_TRUE(write_data(Frame{}, details(R"({"type": "csv", "filename": "e.csv"})"), ctx_).ok());
  EXPECT_EQ(read(R"({"type": "csv", "filename": "e.csv"})").error().type, "EmptyDataError");
}

// ---------------------------------------------------------------------------
// Recorded conformance cases for these formats.

bool same_json(const Value& got, const Value& want, std::string path, std::string& why) {
  if (got.is_number() && want.is_number() && !got.is_bool() && !want.is_bool()) {
    double a = got.to_double(), b = want.to_double();
    if (a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b))) return true;
  } else if (got.is_map() && want.is_map()) {
    if (got.as_map().size() != want.as_map().size()) {
      why = path + ": different keys";
      return false;
    }
    for (const auto& [k, v] : want.as_map()) {
      const Value* g = got.get(k);
      if (!g) {
        why = path + "/" + k + ": missing";
        return false;
      }
      if (!same_json(*g, v, path + "/" + k, why)) return false;
    }
    return true;
  } else if (got.is_list() && want.is_list()) {
    if (got.as_list().size() != want.as_list().size()) {
      why = path + ": different lengths";
      return false;
    }
    for (size_t i = 0; i < got.as_list().size(); ++i)
      if (!same_json(got.as_list()[i], want.as_list()[i], path + "/" + std::to_string(i), why))
        return false;
    return true;
  } else if (got == want) {
    return true;
  }
  why = path + ": got " + to_json(got) + ", want " + to_json(want);
  return false;
}

TEST(TabularConformance, RecordedReadDataCasesForTabularFormats) {
  const char* src = std::getenv("LYN_SOURCE_DIR");
  std::string root = std::string(src ? src : LYN_SOURCE_DIR) + "/tests/conformance";
  std::ifstream in(root + "/cases.json");
  ASSERT_TRUE(in) << root;
  auto cases = parse_json(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_TRUE(cases.ok());
  std::string fixtures = root + "/fixtures";
  IoContext ctx{PathPolicy(fixtures, {fixtures}), nullptr};
  const std::vector<std::string> mine = {"csv", "json", "local", "hstack", "vstack"};
  int checked = 0;
  for (const auto& c : cases->get("cases")->as_list()) {
    if (c.get("path")->as_string() != "/api/read_data" || c.get("seq")) continue;
    if (c.get("lynguine_bug")) continue;
    const Value* ds = c.get("body")->is_map() ? c.get("body")->get("data_source") : nullptr;
    if (!ds || !ds->get("type")) continue;
    const std::string& type = ds->get("type")->as_string();
    if (std::find(mine.begin(), mine.end(), type) == mine.end()) continue;
    const std::string& name = c.get("name")->as_string();
    auto f = read_data(*ds, ctx);
    const Value& resp = *c.get("response");
    if (resp.get("status")->as_string() == "error") {
      ASSERT_FALSE(f.ok()) << name;
      EXPECT_EQ(f.error().type, resp.get("error_type")->as_string()) << name;
    } else {
      ASSERT_TRUE(f.ok()) << name << ": " << f.error().message;
      // Through JSON text, as the server answers (NaN becomes null).
      auto got = data_json(*f);
      std::string why;
      EXPECT_TRUE(same_json(got, *resp.get("data"), "/data", why)) << name << ": " << why;
    }
    ++checked;
  }
  EXPECT_GE(checked, 9);
}

}  // namespace
}  // namespace lyn::access
