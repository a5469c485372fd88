// core/toml.h: values as python's toml 0.10.2 `toml.loads` builds them
// (checked against the oracle; the lamd recordings replay whole talks), its
// error wording, and malformed input of every shape (no crash, an error).
#include "core/toml.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using lyn::Map;
using lyn::parse_toml;
using lyn::Value;

Value one(const std::string& text) {
  auto m = parse_toml(text);
  EXPECT_TRUE(m.ok()) << text << ": " << (m.ok() ? "" : m.error().message);
  if (!m.ok()) return Value();
  const Value* v = m->find("a");
  return v ? *v : Value();
}

std::string error_of(const std::string& text) {
  auto m = parse_toml(text);
  EXPECT_FALSE(m.ok()) << text;
  if (m.ok()) return "";
  EXPECT_EQ(m.error().type, "TomlDecodeError");
  return m.error().message;
}

TEST(Toml, ValuesAsPythonsTomlBuildsThem) {
  EXPECT_EQ(one("a = \"x\\u00e9\\t\""), Value("x\xc3\xa9\t"));
  EXPECT_EQ(one("a = 'C:\\path'"), Value("C:\\path"));
  EXPECT_EQ(one("a = \"\"\"\nline1\nline2\\\n   joined\"\"\""), Value("line1\nline2joined"));
  EXPECT_EQ(one("a = '''\nraw\\n'''"), Value("raw\\n"));
  EXPECT_EQ(one("a = 1_000"), Value(1000));
  EXPECT_EQ(one("a = 0xdead_beef"), Value(int64_t{3735928559}));
  EXPECT_EQ(one("a = 0o755"), Value(493));
  EXPECT_EQ(one("a = 0b1101"), Value(13));
  EXPECT_EQ(one("a = 9223372036854775808"), Value(lyn::BigInt{"9223372036854775808"}));
  EXPECT_EQ(one("a = -9223372036854775808"), Value(INT64_MIN));
  // 0 - v: a minus zero is a zero.
  Value z = one("a = -0.0");
  ASSERT_TRUE(z.is_float());
  EXPECT_FALSE(std::signbit(z.as_float()));
  EXPECT_TRUE(std::isinf(one("a = -inf").as_float()));
  EXPECT_TRUE(one("a = nan").is_nan());
  EXPECT_EQ(one("a = +1_000.5e-3"), Value(1.0005));
  EXPECT_EQ(one("a = true"), Value(true));
  // Dates and datetimes at the package's fixed positions; `Z` is +00:00;
  // digits beyond six are cut.
  EXPECT_EQ(one("a = 1979-05-27"), Value(lyn::Date{1979, 5, 27}));
  lyn::DateTime dt{1979, 5, 27, 7, 32, 0, 123456, true, 0};
  EXPECT_EQ(one("a = 1979-05-27T07:32:00.1234567Z"), Value(dt));
  lyn::DateTime off{1979, 5, 27, 7, 32, 0, 0, true, -8 * 3600};
  EXPECT_EQ(one("a = 1979-05-27T07:32:00-08:00"), Value(off));
  lyn::DateTime local{1979, 5, 27, 7, 32, 0, 500000, false, 0};
  EXPECT_EQ(one("a = 1979-05-27 07:32:00.5"), Value(local));
  // Times are str(datetime.time); 3 to 6 fraction digits are microseconds
  // as they stand, fewer are dropped (the package's TIME_RE).
  EXPECT_EQ(one("a = 07:32:00"), Value("07:32:00"));
  EXPECT_EQ(one("a = 00:32:00.123"), Value("00:32:00.000123"));
  EXPECT_EQ(one("a = 00:32:00.5"), Value("00:32:00"));
  EXPECT_EQ(one("a = [[1, 2], [\"a\"]]"),
            Value(lyn::List{Value(lyn::List{Value(1), Value(2)}), Value(lyn::List{Value("a")})}));
  EXPECT_EQ(one("a = [1,,2]"), Value(lyn::List{Value(1), Value(2)}));
  EXPECT_EQ(one("a = [,]"), Value(lyn::List{}));
  EXPECT_EQ(one("a = { x = 1, y.z = \"two\" }"),
            Value(Map{{"x", Value(1)}, {"y", Value(Map{{"z", Value("two")}})}}));
}

TEST(Toml, TablesAndArraysOfTables) {
  auto m = parse_toml(
      "top = 1 # comment\n[t]\nk = 'v'\n[t.sub]\nz = 1\n[[fruit]]\nname = \"apple\"\n"
      "[fruit.colour]\nc = 'red'\n[[fruit]]\nname = \"banana\"\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(lyn::py_repr(Value(*m)),
            "{'top': 1, 't': {'k': 'v', 'sub': {'z': 1}}, 'fruit': [{'name': 'apple', "
            "'colour': {'c': 'red'}}, {'name': 'banana'}]}");
}

TEST(Toml, ErrorsInThePackagesWords) {
  EXPECT_EQ(error_of("a = \"x\"\nb = 1\na = 2"), "Duplicate keys! (line 3 column 1 char 14)");
  EXPECT_EQ(error_of("a.b = 1\n[a]\nc=2"),
            "What? a already exists?{'a': {'b': 1}} (line 2 column 1 char 8)");
  EXPECT_EQ(error_of("a = [1, \"x\"]"), "Not a homogeneous array (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("a = 007"),
            "Weirdness with leading zeroes or underscores in your number. (line 1 column 1 "
            "char 0)");
  EXPECT_EQ(error_of("a = 1."),
            "This float is missing digits after the point (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("a = True"), "Only all lowercase booleans allowed (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("a = 2024-02-30"),
            "invalid literal for int() with base 0: '2024-02-30' (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("a= 24:00:00"), "hour must be in 0..23 (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("= 1"), "Found empty keyname.  (line 1 column 1 char 0)");
  EXPECT_EQ(error_of("a = 1 2"),
            "invalid literal for int() with base 0: '1 2' (line 1 column 1 char 0)");
  // A statement left open is named at the end of its line (or file).
  EXPECT_EQ(error_of("a"),
            "Key name found without value. Reached end of file. (line 1 column 2 char 1)");
  EXPECT_EQ(error_of("x = 1\nb = 'open"),
            "Unterminated string found. Reached end of file. (line 2 column 10 char 15)");
  EXPECT_EQ(error_of("\na = \"open\n"), "Unbalanced quotes (line 2 column 10 char 10)");
  // Python counts characters: the é before the statement is one.
  EXPECT_EQ(error_of("a = \"\xc3\xa9\"\na = 1"), "Duplicate keys! (line 2 column 1 char 8)");
}

TEST(Toml, NestingIsBounded) {
  std::string deep = "a = " + std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(error_of(deep).find("nested too deeply"), std::string::npos);
  std::string keys = "a";
  for (int i = 0; i < 1000; ++i) keys += ".a";
  EXPECT_NE(error_of(keys + " = 1").find("nested too deeply"), std::string::npos);
  EXPECT_TRUE(parse_toml("a = [[[[1]]]]").ok());
}

// Malformed input of every shape: truncations and byte flips of valid TOML,
// and random bytes from TOML's alphabet, end in a value or an error.
TEST(Toml, MalformedInputNeverCrashes) {
  const std::string seed =
      "title = \"A \\\"q\\\" \\u00e9\"\nlit = 'x'\nml = \"\"\"\nl1\\\n  l2\"\"\"\n"
      "mll = '''\nraw'''\ni = 0x_ff\nf = -1.5e-3\nd = 1979-05-27T07:32:00.5+01:00\n"
      "t = 07:32:00.123\narr = [ [1], [\"a\"], ]\nit = { x = 1, y = { z = [] } }\n"
      "[tab.le]\nk = true\n[[aot]]\nn = 1\n[[aot]]\n";
  size_t errors = 0, runs = 0;
  for (size_t n = 0; n <= seed.size(); ++n, ++runs) errors += !parse_toml(seed.substr(0, n)).ok();
  std::mt19937 rng(12345);
  const std::string alphabet =
      "[]{}=,.\"'\\#+-_:0123456789eExobTZtrufalsenai \t\n\r\x01\xc3\xa9\xff";
  for (int k = 0; k < 20000; ++k, ++runs) {
    std::string s = seed;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    errors += !parse_toml(s).ok();
  }
  for (int k = 0; k < 20000; ++k, ++runs) {
    std::string s(rng() % 64, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    errors += !parse_toml(s).ok();
  }
  // Most such inputs are errors; every one came back.
  EXPECT_GT(errors, runs / 2);
}

}  // namespace
