// Tests for the `fake` reader (src/access/fake_format, fake_generators):
// lynguine's validation texts, the shapes and dtypes pandas gives its
// generated frames, our `seed` option, and realistic values.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "access/registry.h"
#include "core/frame_json.h"
#include "core/json.h"

namespace lyn::access {
namespace {

// The {records, columns, shape, dtypes} answer, through its JSON text.
Value frame_to_data_json(const Frame& f) {
  std::string text;
  append_frame_data_json(text, f);
  return *parse_json(text);
}

Result<Frame> fake(const std::string& json) {
  auto details = parse_json(json);
  EXPECT_TRUE(details.ok());
  IoContext ctx;
  return read_data(*details, ctx);
}

const Column& col(const Frame& f, std::string_view key) {
  const Column* c = f.find(key);
  EXPECT_NE(c, nullptr) << key;
  static Column none;
  return c ? *c : none;
}

TEST(FakeReader, ListOfGeneratorsGivesColumnsWithPandasDtypes) {
  auto f = fake(R"({"type": "fake", "nrows": 6, "cols": ["name", "email", "date", "age",
                    "birthdate", "phone", "city", "state", "address", "givenName",
                    "familyName", "prefix", "suffix"], "seed": 1})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->num_rows(), 6u);
  EXPECT_EQ(f->num_columns(), 13u);
  EXPECT_EQ(col(*f, "date").dtype, "datetime64[ns]");
  EXPECT_EQ(col(*f, "age").dtype, "int64");
  EXPECT_EQ(col(*f, "birthdate").dtype, "object");
  EXPECT_EQ(col(*f, "name").dtype, "object");
  for (const auto& v : col(*f, "email").values())
    EXPECT_TRUE(std::regex_match(v.as_string(), std::regex(R"([a-z]+\d{4}@[a-z.]+)")))
        << v.as_string();
  for (const auto& v : col(*f, "birthdate").values()) {
    ASSERT_TRUE(v.is_date());
    EXPECT_GE(v.as_date().year, 1934);
    EXPECT_LE(v.as_date().year, 2006);
  }
  for (const auto& v : col(*f, "age").values()) {
    EXPECT_GE(v.as_int(), 17);
    EXPECT_LE(v.as_int(), 100);
  }
  for (const auto& v : col(*f, "phone").values())
    EXPECT_TRUE(std::regex_match(v.as_string(), std::regex(R"(\+1(\d{10}|-\d{3}-\d{3}-\d{4}))")))
        << v.as_string();
}

TEST(FakeReader, SeedMakesReadsReproducible) {
  const char* src = R"({"type": "fake", "nrows": 20, "cols": ["name", "email", "age"], "seed": 7})";
  auto a = fake(src), b = fake(src);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(frame_to_data_json(*a), frame_to_data_json(*b));
  auto c = fake(R"({"type": "fake", "nrows": 20, "cols": ["name", "email", "age"], "seed": 8})");
  EXPECT_NE(frame_to_data_json(*a), frame_to_data_json(*c));
}

TEST(FakeReader, NamesStayUniqueForAnIndex) {
  // The interface lynguine's tests use: name is the index.
  auto f = fake(R"({"type": "fake", "nrows": 50, "cols": ["name", "email"], "index": "name"})");
  ASSERT_TRUE(f.ok());
  std::set<std::string> names;
  for (const auto& v : col(*f, "name").values()) names.insert(v.as_string());
  EXPECT_EQ(names.size(), 50u);
}

TEST(FakeReader, MappingOfColumnsAndRepeats) {
  auto f = fake(R"({"type": "fake", "nrows": 2, "cols": {"who": "name", "mail": "email"}})");
  ASSERT_TRUE(f.ok());
  EXPECT_NE(f->find("who"), nullptr);
  EXPECT_NE(f->find("mail"), nullptr);
  auto g = fake(R"({"type": "fake", "nrows": 2, "cols": ["city", "city"]})");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->num_columns(), 1u);
}

TEST(FakeReader, ShapesPandasGives) {
  auto none = fake(R"({"type": "fake", "nrows": 0, "cols": ["name"]})");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(frame_to_data_json(*none).get("shape")->as_list()[1].as_int(), 0);  // no columns
  auto empty = fake(R"({"type": "fake", "nrows": 3, "cols": []})");
  ASSERT_TRUE(empty.ok());
  Value data = frame_to_data_json(*empty);
  EXPECT_EQ(data.get("shape")->as_list()[0].as_int(), 3);
  EXPECT_TRUE(data.get("records")->as_list().empty());
  auto one = fake(R"({"type": "fake", "nrows": true, "cols": ["state"]})");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->num_rows(), 1u);
}

TEST(FakeReader, LynguinesErrors) {
  struct Case {
    const char* src;
    const char* message;
  } cases[] = {
      {R"({"type": "fake", "cols": ["name"]})",
       "\"fake\" specified in config but missing \"nrows\" key."},
      {R"({"type": "fake", "nrows": 2})", "\"fake\" specified in config but missing \"cols\" key."},
      {R"({"type": "fake", "nrows": 2, "cols": ["name", "nope", "x"]})",
       "\"fake\" specified as the type and columns are provided as a list, but the following "
       "columns are not attributes of lynguine.util.fake.Generate: \"nope, x\""},
      {R"({"type": "fake", "nrows": 2, "cols": {"a": "nope"}})",
       "\"nope\" specified as column's fake function, \"nope\" is not an attribute of "
       "lynguine.util.fake.Generate."},
      {R"({"type": "fake", "nrows": 2, "cols": "name"})",
       "\"fake\" specified in config which requires that cols are specified as a dictionary, "
       "with dictionary entries representing the type of fake data to be generated."},
      {R"({"type": "fake", "nrows": -1, "cols": ["name"]})",
       "\"nrows\" must be a non-negative integer."},
      {R"({"type": "fake", "nrows": 2.0, "cols": ["name"]})",
       "\"nrows\" must be a non-negative integer."},
  };
  for (const auto& c : cases) {
    auto f = fake(c.src);
    ASSERT_FALSE(f.ok()) << c.src;
    EXPECT_EQ(f.error().type, "ValueError");
    EXPECT_EQ(f.error().message, c.message);
    EXPECT_EQ(f.error().http_status, 400);
  }
  auto huge = fake(R"({"type": "fake", "nrows": 100000000000, "cols": ["name"]})");
  ASSERT_FALSE(huge.ok());  // a server refuses what lynguine would try to build
}

}  // namespace
}  // namespace lyn::access
