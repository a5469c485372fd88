// The foundation's text pieces: the one UTF-8 codec (what Python's utf-8
// codec accepts, nothing more), ASCII case folding, Python's Unicode case
// mapping, and the secure random source.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/case.h"
#include "core/random.h"
#include "core/utf8.h"

namespace lyn {
namespace {

TEST(Utf8, AcceptsWhatPythonAccepts) {
  EXPECT_TRUE(utf8::is_valid(""));
  EXPECT_TRUE(utf8::is_valid("plain ascii, long enough for the 8-byte path"));
  EXPECT_TRUE(utf8::is_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(utf8::is_valid("\xed\x9f\xbf\xee\x80\x80"));  // U+D7FF, U+E000: around surrogates
}

TEST(Utf8, RefusesOverlongsSurrogatesAndOutOfRange) {
  struct Case {
    std::string text;
    size_t at;
  };
  for (const Case& c :
       {Case{"\xff", 0}, Case{"ab\xc3", 2}, Case{"\xc0\xaf", 0}, Case{"\xc1\xbf", 0},
        Case{"x\xe0\x80\xaf", 1}, Case{"\xed\xa0\x80", 0}, Case{"\xf0\x80\x80\xaf", 0},
        Case{"\xf4\x90\x80\x80", 0}, Case{"\xf5\x80\x80\x80", 0},
        Case{"a\x80"
             "b",
             1},
        Case{"12345678\xe2\x82", 8}}) {
    EXPECT_FALSE(utf8::is_valid(c.text)) << c.text;
    EXPECT_EQ(utf8::first_invalid(c.text), c.at) << c.text;
  }
}

TEST(Utf8, DecodeAndEncodeRoundTrip) {
  std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  char32_t cp = 0;
  EXPECT_EQ(utf8::decode(s, 0, &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(utf8::decode(s, 1, &cp), 2u);
  EXPECT_EQ(cp, U'\u00e9');
  EXPECT_EQ(utf8::decode(s, 3, &cp), 3u);
  EXPECT_EQ(cp, U'\u20ac');
  EXPECT_EQ(utf8::decode(s, 6, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(utf8::decode(s, 2, &cp), 0u);  // a continuation byte
  EXPECT_EQ(utf8::length(s), 4u);
  EXPECT_EQ(utf8::encode(utf8::decode_all(s)), s);
  std::string out;
  utf8::append(out, 0x110000);  // out of range
  EXPECT_EQ(out, "\xef\xbf\xbd");
}

TEST(Utf8, IllFormedBytesStandForThemselves) {
  std::u32string cps = utf8::decode_all("a\xff");
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[1], 0xFFu);
  EXPECT_EQ(utf8::length("a\xff\xc3"), 3u);
}

TEST(Case, AsciiFoldLeavesOtherBytesAlone) {
  EXPECT_EQ(ascii_lower("Content-TYPE \xc3\x89"), "content-type \xc3\x89");
  EXPECT_TRUE(ascii_iequals("Bearer ", "bEARER "));
  EXPECT_FALSE(ascii_iequals("Bearer", "Bearer "));
  EXPECT_FALSE(ascii_iequals("\xc3\xa9", "\xc3\x89"));  // é vs É: not ASCII
  EXPECT_EQ(ascii_ifind("<p></SCRIPT>", "</script"), 3u);
  EXPECT_EQ(ascii_ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(ascii_upper('q'), 'Q');
}

TEST(Case, PythonUnicodeMappings) {
  EXPECT_EQ(py_upper("stra\xc3\x9f"
                     "e"),
            "STRASSE");
  EXPECT_EQ(py_lower("\xc3\x89T\xc3\x89"), "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(py_capitalize("hELLO w\xc3\x96RLD"), "Hello w\xc3\xb6rld");
}

TEST(Random, HexAndUuidShapes) {
  auto hex = random_hex(32);
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(hex->size(), 64u);
  EXPECT_EQ(hex->find_first_not_of("0123456789abcdef"), std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = random_uuid();
    ASSERT_TRUE(id.ok());
    ASSERT_EQ(id->size(), 36u);
    EXPECT_EQ((*id)[14], '4');
    EXPECT_NE(std::string("89ab").find((*id)[19]), std::string::npos);
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace lyn
