// core/yaml.h's safe_load: lynguine's yaml.safe_load (PyYAML's pure-Python
// loader) where its scanner and parser differ from libyaml's. Expected
// texts from the oracle's PyYAML (yaml.safe_load of a str; the quoted line
// and caret it adds for a str are left out, as for a file).
#include <gtest/gtest.h>

#include <string>

#include "core/yaml.h"

namespace lyn {
namespace {

std::string error_of(const std::string& text) {
  auto v = safe_load(text);
  EXPECT_FALSE(v.ok()) << text;
  return v.ok() ? "" : v.error().type + ": " + v.error().message;
}

TEST(YamlSafeLoad, TabsBetweenTokensAreScannerErrors) {
  EXPECT_EQ(error_of("a: [1,\t2]\n"),
            "ScannerError: while scanning for the next token\nfound character '\\t' that cannot "
            "start any token\n  in \"<unicode string>\", line 1, column 7");
  EXPECT_EQ(error_of("a: 1\t\n"),
            "ScannerError: while scanning for the next token\nfound character '\\t' that cannot "
            "start any token\n  in \"<unicode string>\", line 1, column 5");
  EXPECT_EQ(error_of("- a\n-\tb\n"),
            "ScannerError: while scanning for the next token\nfound character '\\t' that cannot "
            "start any token\n  in \"<unicode string>\", line 2, column 2");
  // libyaml (front matter) takes these two.
  EXPECT_TRUE(parse_yaml("a: [1,\t2]\n").ok());
  EXPECT_TRUE(parse_yaml("a: 1\t\n").ok());
  // libyaml refuses this one too; PyYAML names the character.
  EXPECT_EQ(parse_yaml("- a\n-\tb\n").error().message,
            "while scanning for the next token\nfound character that cannot start any "
            "token\n  in \"<unicode string>\", line 2, column 2");
}

TEST(YamlSafeLoad, TabsInQuotedScalarsBlockScalarsAndCommentsAreText) {
  auto v = safe_load("a: | # c\t\n  x\ty\nb: x # c\td\nc: \"x\ty\"\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->get("a")->as_string(), "x\ty\n");
  EXPECT_EQ(v->get("b")->as_string(), "x");
  EXPECT_EQ(v->get("c")->as_string(), "x\ty");
}

TEST(YamlSafeLoad, TabOnABlockScalarsHeaderLine) {
  EXPECT_EQ(error_of("a: |\t\n  x\n"),
            "ScannerError: while scanning a block scalar\n  in \"<unicode string>\", line 1, "
            "column 4\nexpected chomping or indentation indicators, but found '\\t'\n  in "
            "\"<unicode string>\", line 1, column 5");
}

TEST(YamlSafeLoad, UnknownDirectivesAreIgnoredButStillWantADocumentStart) {
  auto v = safe_load("%FOO bar\n---\na: 1\n");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->get("a")->as_int(), 1);
  EXPECT_FALSE(parse_yaml("%FOO bar\n---\na: 1\n").ok());  // libyaml refuses the name
  EXPECT_EQ(error_of("%FOO\na: 1\n"),
            "ParserError: expected '<document start>', but found '<scalar>'\n  in "
            "\"<unicode string>\", line 2, column 1");
  EXPECT_EQ(error_of("%FOO\n"),
            "ParserError: expected '<document start>', but found '<stream end>'\n  in "
            "\"<unicode string>\", line 2, column 1");
}

TEST(YamlSafeLoad, ANodeTaggedBangWithNoValueIsNone) {
  auto v = safe_load("a: !\nb: ! x\n");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->get("a")->is_null());
  EXPECT_EQ(v->get("b")->as_string(), "x");
  auto c = parse_yaml("a: !\n");  // CSafeLoader: ''
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->get("a")->as_string(), "");
}

}  // namespace
}  // namespace lyn
