// parse_yaml: PyYAML 1.1 (SafeLoader) on libyaml, its budgets, the Python
// types only YAML produces (bytes, tuple, set, non-string keys) and
// dump_yaml. The exhaustive comparison with PyYAML is tests/yaml/cases.json
// (yaml_cases_test.cc); these are the behaviours worth a name.
#include "core/yaml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/json.h"

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

TEST(YamlTest, KeepChompingKeepsEveryTrailingNewline) {
  EXPECT_EQ(*parse_yaml("a: >+\n  x\n\nb: 1\n")->get("a"), Value("x\n\n"));
  EXPECT_EQ(*parse_yaml("a: |+\n  x\n\n\nb: 1\n")->get("a"), Value("x\n\n\n"));
  EXPECT_EQ(*parse_yaml("a: |+\n  x\n\n")->get("a"), Value("x\n\n"));
  EXPECT_EQ(*parse_yaml("a: |-\n  x\n\n")->get("a"), Value("x"));
  EXPECT_EQ(*parse_yaml("a: |\n  x\n\n")->get("a"), Value("x\n"));
}

TEST(YamlTest, BinaryIsBytesPrintedAsPythonDoes) {
  auto v = parse_yaml("a: !!binary aGVsbG8=\nb: !!binary AAEC/ydc\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_TRUE(v->get("a")->is_bytes());
  EXPECT_EQ(v->get("a")->as_bytes().data, "hello");
  EXPECT_EQ(py_str(*v->get("a")), "b'hello'");  // what mdfield prints
  EXPECT_EQ(py_repr(*v->get("b")), "b\"\\x00\\x01\\x02\\xff'\\\\\"");
  // json.dumps cannot; a correct server sends what mdfield prints.
  EXPECT_EQ(to_json(*v), R"({"a": "b'hello'", "b": "b\"\\x00\\x01\\x02\\xff'\\\\\""})");
  auto bad = parse_yaml("a: !!binary ab\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "ConstructorError");
  EXPECT_EQ(bad.error().message,
            "failed to decode base64 data: Incorrect padding\n  in \"<unicode string>\", line 1, "
            "column 4");
}

TEST(YamlTest, NonStringKeysStayTypedAndNeverMatchAStringLookup) {
  auto v = parse_yaml("1: a\ntrue: b\nnull: c\n1.5: d\n2024-01-02: e\ntitle: f\n'1': g\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  // 1 and True are one key in Python: the first spelling, the last value.
  EXPECT_EQ(py_str(*v),
            "{1: 'b', None: 'c', 1.5: 'd', datetime.date(2024, 1, 2): 'e', "
            "'title': 'f', '1': 'g'}");
  EXPECT_EQ(v->get("title")->as_string(), "f");
  EXPECT_EQ(v->get("1")->as_string(), "g");  // the string key only
  EXPECT_EQ(v->get("None"), nullptr);
  EXPECT_EQ(to_json(*v), R"({"1": "b", "null": "c", "1.5": "d", "2024-01-02": "e", )"
                         R"("title": "f", "1": "g"})");
  Map m = v->as_map();
  EXPECT_TRUE(m.erase("1"));
  EXPECT_EQ(m.size(), 5u);                        // the typed 1 is still there
  EXPECT_FALSE(parse_yaml("? [1]\n: x\n").ok());  // unhashable, as in Python
}

TEST(YamlTest, SetsTuplesAndOrderedMaps) {
  auto v = parse_yaml("s: !!set {x, 1, 1.0}\no: !!omap [{a: 1}, {b: 2}]\ne: !!set {}\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(py_repr(*v->get("s")), "{'x', 1}");
  EXPECT_EQ(py_repr(*v->get("o")), "[('a', 1), ('b', 2)]");
  EXPECT_EQ(py_repr(*v->get("e")), "set()");
  EXPECT_EQ(to_json(*v), R"({"s": ["x", 1], "o": [["a", 1], ["b", 2]], "e": []})");
}

TEST(YamlTest, PythonTagsAreRefusedAsSafeLoaderDoes) {
  auto v = parse_yaml("a: !!python/object/apply:os.system [ls]\n");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().type, "ConstructorError");
  EXPECT_NE(v.error().message.find("could not determine a constructor for the tag "
                                   "'tag:yaml.org,2002:python/object/apply:os.system'"),
            std::string::npos)
      << v.error().message;
}

// The classic "billion laughs" (342 bytes): 9 levels of 9 aliases, 387 million
// nodes once expanded. Refused from the sizes alone, before any copying.
TEST(YamlTest, AnAliasBombIsRefusedNamingTheLimit) {
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += (i ? ",*" : "*") + prev;
    bomb += "]\n";
  }
  EXPECT_LE(bomb.size(), 520u);
  auto v = parse_yaml(bomb);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().type, "YAMLError");
  EXPECT_TRUE(is_yaml_refusal(v.error()));  // PyYAML loads it: no reader takes it as broken
  EXPECT_FALSE(is_yaml_refusal(parse_yaml("a: [1\n").error()));
  EXPECT_NE(v.error().message.find("yaml max_alias_nodes"), std::string::npos) << v.error().message;
  // The same shape, three levels deep, is an ordinary document.
  std::string small = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n";
  auto ok = parse_yaml(small);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->get("c")->as_list().size(), 3u);
  // A smaller budget refuses it too.
  YamlLimits tight;
  tight.max_alias_nodes = 10;
  EXPECT_FALSE(parse_yaml(small, "<unicode string>", tight).ok());
}

TEST(YamlTest, AMergeBombIsRefusedNamingTheLimit) {
  std::string bomb = "a: &a {x0: 1, x1: 1, x2: 1, x3: 1}\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb +=
        std::string(1, c) + ": &" + c + " {<<: [*" + prev + ", *" + prev + ", *" + prev + "]}\n";
  }
  auto v = parse_yaml(bomb);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("yaml max_alias_nodes"), std::string::npos) << v.error().message;
}

TEST(YamlTest, NestingIsBoundedDirectlyAndThroughAliases) {
  auto deep = parse_yaml(std::string(600, '[') + std::string(600, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("yaml max_depth"), std::string::npos) << deep.error().message;
  EXPECT_TRUE(parse_yaml(std::string(500, '[') + std::string(500, ']')).ok());
  // Each anchor nests the previous one 100 deeper: 2,000 levels in all.
  std::string chain = "a0: &a0 1\n";
  for (int i = 1; i <= 20; ++i)
    chain += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " " + std::string(100, '[') +
             "*a" + std::to_string(i - 1) + std::string(100, ']') + "\n";
  auto through = parse_yaml(chain);
  ASSERT_FALSE(through.ok());
  EXPECT_NE(through.error().message.find("yaml max_depth"), std::string::npos)
      << through.error().message;
}

TEST(YamlTest, SizeIsBounded) {
  YamlLimits small;
  small.max_bytes = 64;
  auto v = parse_yaml(std::string(100, 'a'), "big.yml", small);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().http_status, 413);
  EXPECT_NE(v.error().message.find("yaml max_bytes"), std::string::npos) << v.error().message;
}

// PyYAML builds `&a [*a]` as a list that holds itself; a Value cannot.
TEST(YamlTest, ARecursiveStructureIsRefused) {
  for (const char* text : {"a: &x [*x]\n", "a: &x {b: *x}\n", "- &a [&b [*a]]\n"}) {
    auto v = parse_yaml(text);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_NE(v.error().message.find("recursive"), std::string::npos) << v.error().message;
  }
  // A mapping merged into itself is not recursive: PyYAML flattens it.
  auto self = parse_yaml("c: &a {x: 1, <<: *a}\n");
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_EQ(py_str(*self), "{'c': {'x': 1}}");
}

TEST(YamlTest, ErrorClassesAreYamlErrorsOrPythonExceptions) {
  auto scan = parse_yaml("a: 'x");
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.error().type, "ScannerError");
  EXPECT_TRUE(is_yaml_error(scan.error()));
  // PyYAML lets int()'s ValueError through: lynguine's readers do not catch it.
  auto value = parse_yaml("a: 0x_\n");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().type, "ValueError");
  EXPECT_EQ(value.error().message, "invalid literal for int() with base 16: ''");
  EXPECT_FALSE(is_yaml_error(value.error()));
}

TEST(YamlTest, DumpWritesBytesSetsAndTypedKeysThatReadBack) {
  auto v = parse_yaml("1: !!binary aGVsbG8=\nnull: x\ns: !!set {a, 2}\nt: !!omap [{a: 1}]\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  std::string text = dump_yaml(*v);
  auto back = parse_yaml(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(py_str(*back), "{1: b'hello', None: 'x', 's': {'a', 2}, 't': [['a', 1]]}") << text;
}

// What libyaml refuses raw (C1 controls, U+FFFE) or reads as a line break
// (NEL, LS, PS) is escaped; keys too long or too many lines for an
// implicit key are written as explicit `? ` keys.
TEST(YamlTest, DumpEscapesWhatYamlCannotCarryRaw) {
  Map m{{"c1", Value("a\xc2\x80"
                     "b\xc2\x9f")},
        {"breaks", Value("a\xc2\x85"
                         "b\xe2\x80\xa8"
                         "c\xe2\x80\xa9"
                         "d")},
        {"bom", Value("\xef\xbb\xbf"
                      "x")},
        {"nonchar", Value("\xef\xbf\xbe\xef\xbf\xbf")},
        {"block", Value("line\n\xc2\x80\n")},
        {std::string(2000, 'k'), Value(1)},
        {"two\nlines", Value(2)}};
  Value v(m);
  std::string text = dump_yaml(v);
  auto back = parse_yaml(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(*back, v) << text;
}

}  // namespace
}  // namespace lyn
