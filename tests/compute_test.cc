// Compute entries (precompute/compute/postcompute) as from_flow runs them.
#include "assess/compute.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "assess/custom_dataframe.h"
#include "config/interface.h"
#include "config/paths.h"

namespace {

namespace fs = std::filesystem;
using lyn::Interface;
using lyn::Map;
using lyn::PathPolicy;
using lyn::Result;
using lyn::Value;
using lyn::assess::CustomDataFrame;

// A temporary directory holding an interface and its data; removed after.
class ComputeDir {
 public:
  ComputeDir() {
    std::string tmpl = (fs::temp_directory_path() / "lyn-compute-XXXXXX").string();
    char* d = ::mkdtemp(tmpl.data());
    root_ = d ? fs::canonical(d).string() : std::string();
  }
  ~ComputeDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(root_ + "/" + name) << text;
  }
  // _lynguine.yml: two people as a local input, an output csv, then `extra`.
  Result<CustomDataFrame> load(const std::string& extra) const {
    write("_lynguine.yml",
          "input:\n"
          "  type: local\n"
          "  index: id\n"
          "  data:\n"
          "    - {id: 1, first: Ada, last: Lovelace}\n"
          "    - {id: 2, first: Alan, last: Turing}\n"
          "output:\n"
          "  type: csv\n"
          "  filename: out.csv\n"
          "  index: id\n"
          "  columns: [greeting, notes, stamp]\n" +
              extra);
    PathPolicy policy(root_, {root_});
    Interface::LoadOptions opts;
    opts.user_files = {"_lynguine.yml"};
    auto iface = Interface::from_base_file(opts, policy);
    if (!iface.ok()) return iface.error();
    lyn::access::IoContext io;
    io.paths = policy;
    return CustomDataFrame::from_flow(*iface, io);
  }

 private:
  std::string root_;
};

Value at(CustomDataFrame& cdf, int index, const char* column) {
  auto r = cdf.get_value_at(Value(index), Value(column));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Value();
}

TEST(Compute, RenderLiquidWithRowArgs) {
  ComputeDir dir;
  auto cdf = dir.load(
      "compute:\n"
      "  field: greeting\n"
      "  function: render_liquid\n"
      "  args: {template: 'Hello {{ f }} {{ l | upcase }}{{ first }}!'}\n"
      "  row_args: {f: first, l: last}\n");
  ASSERT_TRUE(cdf.ok()) << cdf.error().message;
  // Only the keyword arguments are the context (as lynguine): `first` is not.
  EXPECT_EQ(at(*cdf, 1, "greeting"), Value("Hello Ada LOVELACE!"));
  EXPECT_EQ(at(*cdf, 2, "greeting"), Value("Hello Alan TURING!"));
  // The focus is where from_flow leaves it without computes.
  EXPECT_EQ(cdf->get_index(), Value(1));
  EXPECT_EQ(cdf->get_column(), Value("first"));
}

TEST(Compute, AppendAndPrependWithSeparator) {
  ComputeDir dir;
  dir.write("out.csv", "id,greeting,notes,stamp\n1,hi,old,\n2,,,\n");
  auto cdf = dir.load(
      "compute:\n"
      "  - field: notes\n"
      "    function: render_liquid\n"
      "    mode: append\n"
      "    separator: ' | '\n"
      "    args: {template: 'note {{ n }}'}\n"
      "    row_args: {n: first}\n"
      "  - field: greeting\n"
      "    function: render_liquid\n"
      "    mode: prepend\n"
      "    separator: '; '\n"
      "    args: {template: 'pre'}\n"
      "postcompute:\n"
      "  - field: notes\n"
      "    function: render_liquid\n"
      "    mode: append\n"
      "    args: {template: 'end'}\n");
  ASSERT_TRUE(cdf.ok()) << cdf.error().message;
  EXPECT_EQ(at(*cdf, 1, "notes"), Value("old | note Ada\n\n---\n\nend"));
  EXPECT_EQ(at(*cdf, 2, "notes"), Value("note Alan\n\n---\n\nend"));
  EXPECT_EQ(at(*cdf, 1, "greeting"), Value("pre; hi"));
  EXPECT_EQ(at(*cdf, 2, "greeting"), Value("pre"));
}

TEST(Compute, RefreshFalseKeepsExistingValues) {
  ComputeDir dir;
  dir.write("out.csv", "id,greeting,notes,stamp\n1,keep,,\n2,,,\n");
  const std::string entry =
      "compute:\n"
      "  field: greeting\n"
      "  function: render_liquid\n"
      "  args: {template: 'new {{ x }}'}\n"
      "  row_args: {x: last}\n";
  auto kept = dir.load(entry);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(at(*kept, 1, "greeting"), Value("keep"));
  EXPECT_EQ(at(*kept, 2, "greeting"), Value("new Turing"));

  auto refreshed = dir.load(entry + "  refresh: true\n");
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().message;
  EXPECT_EQ(at(*refreshed, 1, "greeting"), Value("new Lovelace"));
  EXPECT_EQ(at(*refreshed, 2, "greeting"), Value("new Turing"));
}

TEST(Compute, TodayAndNewColumnsAndInputsUntouched) {
  ComputeDir dir;
  auto cdf = dir.load(
      "precompute:\n"
      "  - {field: stamp, function: today}\n"
      "  - {field: year, function: today, args: {format: '%Y'}}\n"
      "  - {field: first, function: today, refresh: true}\n"
      "  - {field: _, function: today}\n");
  ASSERT_TRUE(cdf.ok()) << cdf.error().message;
  const std::regex iso("\\d{4}-\\d{2}-\\d{2}");
  for (int i : {1, 2}) {
    Value stamp = at(*cdf, i, "stamp");
    ASSERT_TRUE(stamp.is_string());
    EXPECT_TRUE(std::regex_match(stamp.as_string(), iso)) << stamp.as_string();
    Value year = at(*cdf, i, "year");
    ASSERT_TRUE(year.is_string());
    EXPECT_TRUE(std::regex_match(year.as_string(), std::regex("\\d{4}")));
    EXPECT_EQ(year.as_string(), stamp.as_string().substr(0, 4));
  }
  // `year` did not exist: it is created among the outputs.
  EXPECT_EQ(cdf->column_type(Value("year")), std::optional<std::string>("output"));
  // Input columns are immutable: never written.
  EXPECT_EQ(at(*cdf, 1, "first"), Value("Ada"));
}

TEST(Compute, UnknownFunctionIsAClearError) {
  ComputeDir dir;
  auto cdf = dir.load("compute:\n  field: greeting\n  function: no_such_fn\n");
  ASSERT_FALSE(cdf.ok());
  EXPECT_EQ(cdf.error().type, "ValueError");
  EXPECT_EQ(cdf.error().message, "Function \"no_such_fn\" not found in list_functions.");
}

TEST(Compute, BadEntriesAreClearErrors) {
  ComputeDir dir;
  auto mode = dir.load("compute:\n  {field: notes, function: today, mode: sideways}\n");
  ASSERT_FALSE(mode.ok());
  EXPECT_NE(mode.error().message.find("Invalid mode 'sideways'"), std::string::npos);
  auto row = dir.load(
      "compute:\n  {field: notes, function: render_liquid, args: {template: x}, "
      "row_args: {a: shoe_size}}\n");
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.error().message.find("Invalid column name 'shoe_size' in row_args for key 'a'"),
            std::string::npos)
      << row.error().message;
  auto key = dir.load("compute:\n  {field: notes, function: today, colour: red}\n");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().type, "TypeError");
}

TEST(Compute, LiquidSyntaxErrorIsAClearError) {
  ComputeDir dir;
  auto cdf = dir.load(
      "compute:\n"
      "  field: greeting\n"
      "  function: render_liquid\n"
      "  args: {template: 'Hello {{ name'}\n");
  ASSERT_FALSE(cdf.ok());
  EXPECT_NE(cdf.error().type.find("Liquid"), std::string::npos) << cdf.error().type;
  EXPECT_NE(cdf.error().message.find("render_liquid"), std::string::npos);
  EXPECT_NE(cdf.error().message.find("greeting"), std::string::npos) << cdf.error().message;
}

TEST(Compute, ColumnArgsAndDirectCall) {
  ComputeDir dir;
  auto cdf = dir.load(
      "compute:\n"
      "  field: greeting\n"
      "  function: render_liquid\n"
      "  args: {template: \"{{ everyone | join: ', ' }}\"}\n"
      "  column_args: {everyone: first}\n");
  ASSERT_TRUE(cdf.ok()) << cdf.error().message;
  EXPECT_EQ(at(*cdf, 2, "greeting"), Value("Ada, Alan"));

  auto r = lyn::assess::call_compute_function("render_liquid",
                                              Map{{"template", Value("{{ a }}")}, {"a", Value(3)}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Value("3"));
  EXPECT_FALSE(lyn::assess::call_compute_function("nope", Map{}).ok());
}

}  // namespace
