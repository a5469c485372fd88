// core/yaml.h's pure_python_wording: libyaml's "did not find expected ..."
// reworded as lynguine's pure-Python PyYAML words it (expected texts
// recorded from the oracle: yaml.load(text, Loader=yaml.SafeLoader)).
#include <gtest/gtest.h>

#include <string>

#include "core/yaml.h"

namespace {

// The middle line of the message: "expected ..., but got/found ...".
std::string problem(const std::string& text) {
  auto parsed = lyn::parse_yaml(text, "<unicode string>");
  EXPECT_FALSE(parsed.ok()) << text;
  if (parsed.ok()) return "";
  std::string m = lyn::pure_python_wording(parsed.error(), text).message;
  size_t b = m.find("\nexpected ");
  if (b == std::string::npos) b = m.find("\ndid not find");
  if (b == std::string::npos) return m;
  size_t e = m.find('\n', b + 1);
  return m.substr(b + 1, e == std::string::npos ? std::string::npos : e - b - 1);
}

TEST(YamlWording, FlowCollectionsSayButGot) {
  EXPECT_EQ(problem("a: [1, 2\nb: 3\n"), "expected ',' or ']', but got ':'");
  EXPECT_EQ(problem("a: {x: 1\nb: 2\n"), "expected ',' or '}', but got ':'");
  EXPECT_EQ(problem("a: [1, 2\n"), "expected ',' or ']', but got '<stream end>'");
}

TEST(YamlWording, BlockCollectionsSayButFound) {
  // PyYAML's scanner puts a KEY token ('?') before a simple key's scalar.
  EXPECT_EQ(problem("- a\nb: 1\n"), "expected <block end>, but found '?'");
  EXPECT_EQ(problem("a: 1\n- b\n"), "expected <block end>, but found '-'");
  // The KEY token comes before an anchor or tag of the key, and a quoted
  // key's ':' inside its quotes does not count.
  EXPECT_EQ(problem("- a\n&x b: 1\n"), "expected <block end>, but found '?'");
  EXPECT_EQ(problem("- a\n!!str b: 1\n"), "expected <block end>, but found '?'");
  EXPECT_EQ(problem("- a\n'q:x': 1\n"), "expected <block end>, but found '?'");
  EXPECT_EQ(problem("- a\n\"k\\\" :\": 1\n"), "expected <block end>, but found '?'");
  // Lone \r line breaks are lines to libyaml as to Python's text mode.
  EXPECT_EQ(problem("a: 1\r- b\r"), "expected <block end>, but found '-'");
}

TEST(YamlWording, OtherErrorsUnchanged) {
  lyn::Error e{"ScannerError", "mapping values are not allowed here", 400};
  EXPECT_EQ(lyn::pure_python_wording(e, "a: b: c").message, e.message);
  // A mark that names no number is left as it is (no exception).
  lyn::Error odd{"ParserError",
                 "while parsing\ndid not find expected key\n  in \"x\", line L, column C", 400};
  EXPECT_EQ(lyn::pure_python_wording(odd, "a").message, odd.message);
}

}  // namespace
