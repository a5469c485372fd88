// Replays tests/yaml/cases.json (recorded from the oracle's PyYAML by
// tests/yaml/record.py) against parse_yaml: the value with its Python
// types, its repr() and str(), lynguine's server JSON and mdfield's str()
// of each field; or the exception's class and message, as
// yaml.load(text, Loader=CSafeLoader) gives them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "access/markdown_format.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/value.h"
#include "core/yaml.h"

namespace lyn {
namespace {

// The recorder's typed form of a value.
Value typed(const Value& v) {
  auto pair = [](const char* kind, Value x) { return Value(List{Value(kind), std::move(x)}); };
  auto each = [](const List& items) {
    List out;
    for (const auto& i : items) out.push_back(typed(i));
    return out;
  };
  switch (v.kind()) {
    case Value::Kind::kNull:
      return Value(List{Value("none")});
    case Value::Kind::kBool:
      return pair("bool", v);
    case Value::Kind::kInt:
      return pair("int", Value(std::to_string(v.as_int())));
    case Value::Kind::kBigInt:
      return pair("int", Value(v.as_bigint().digits));
    case Value::Kind::kFloat:
      return pair("float", Value(py_float_repr(v.as_float())));
    case Value::Kind::kString:
      return pair("str", v);
    case Value::Kind::kBytes:
      return pair("bytes", Value(base64_encode(v.as_bytes().data)));
    case Value::Kind::kDate:
      return pair("date", Value(iso_date(v.as_date())));
    case Value::Kind::kDateTime:
      return pair("datetime", Value(iso_datetime(v.as_datetime())));
    case Value::Kind::kList:
      return pair("list", Value(each(v.as_list())));
    case Value::Kind::kTuple:
      return pair("tuple", Value(each(v.as_tuple().items)));
    case Value::Kind::kSet: {
      List items = each(v.as_set().items);
      std::sort(items.begin(), items.end(),
                [](const Value& a, const Value& b) { return to_json(a) < to_json(b); });
      return pair("set", Value(std::move(items)));
    }
    case Value::Kind::kMap: {
      List items;
      for (const auto& [k, x] : v.as_map())
        items.push_back(
            Value(List{k.typed() ? typed(*k.typed()) : typed(Value(std::string(k))), typed(x)}));
      return pair("dict", Value(std::move(items)));
    }
  }
  return Value();
}

std::string text_of(const Value& v) {
  return v.is_string() ? v.as_string() : "";
}

// tests/yaml/cases.json, read once.
const Value& recorded() {
  static const Value doc = [] {
    std::ifstream f(std::string(LYN_SOURCE_DIR) + "/tests/yaml/cases.json", std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    auto v = parse_json(ss.str());
    return v.ok() ? *v : Value();
  }();
  return doc;
}

const Value& cases() {
  static const Value none;
  const Value* c = recorded().get("cases");
  return c ? *c : none;
}

TEST(YamlCases, RecordedFromPyYamlAreReplayed) {
  ASSERT_TRUE(cases().is_list());
  ASSERT_GT(cases().as_list().size(), 3000u);
  size_t checked = 0;
  for (const Value& c : cases().as_list()) {
    const std::string& input = c.get("input")->as_string();
    const Value& want = *c.get("c");
    SCOPED_TRACE(py_string_repr(input));
    auto got = parse_yaml(input);
    if (const Value* unprintable = want.get("unprintable")) {
      // PyYAML builds it but cannot print it: a recursive structure, or an
      // int beyond Python's 4300-digit print limit. We refuse both.
      if (got.ok()) {
        ADD_FAILURE() << "expected a refusal, got " << py_repr(*got);
        continue;
      }
      std::string u = text_of(*unprintable);
      if (u.rfind("ValueError", 0) == 0)
        EXPECT_EQ("ValueError: " + got.error().message, u);
      else
        EXPECT_NE(got.error().message.find("recursive"), std::string::npos) << got.error().message;
      ++checked;
      continue;
    }
    if (const Value* error = want.get("error")) {
      if (got.ok()) {
        ADD_FAILURE() << "expected " << text_of(*error) << ", got " << py_repr(*got);
        continue;
      }
      EXPECT_EQ(got.error().type, text_of(*error));
      EXPECT_EQ(got.error().message, text_of(*want.get("message")));
      ++checked;
      continue;
    }
    if (!got.ok()) {
      ADD_FAILURE() << got.error().type << ": " << got.error().message;
      continue;
    }
    EXPECT_EQ(to_json(typed(*got)), to_json(*want.get("value")));
    bool unordered = want.get("unordered") != nullptr;
    if (!unordered) {
      EXPECT_EQ(py_repr(*got), text_of(*want.get("repr")));
      EXPECT_EQ(py_str(*got), text_of(*want.get("str")));
    }
    if (const Value* json = want.get("json"))
      EXPECT_EQ(to_json(with_iso_dates(*got)), text_of(*json));
    if (const Value* fields = want.get("fields")) {
      for (const Value& f : fields->as_list()) {
        const std::string& key = f.as_list()[0].as_string();
        const Value* v = got->get(key);
        if (!v) {
          ADD_FAILURE() << "no field " << key;
          continue;
        }
        EXPECT_EQ(py_str(*v), f.as_list()[1].as_string()) << key;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, cases().as_list().size());
}

// A pure-Python PyYAML message without the line it quotes and its caret
// (recorded from a str; lynguine reads files, whose marks quote nothing).
std::string without_snippet(const std::string& m) {
  std::string out;
  std::stringstream in(m);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("    ", 0) == 0) {
      // Mark.__str__ puts a ':' before the snippet.
      if (!out.empty() && out.back() == ':') out.pop_back();
      continue;
    }
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

// safe_load against yaml.SafeLoader, lynguine's loader of YAML files: the
// recorded pure-Python answer where it differs from CSafeLoader's (`py`:
// tabs its scanner refuses, `!` with no value, unknown directives), the
// same outcome as CSafeLoader elsewhere.
TEST(YamlCases, SafeLoadAsPyYamlsPurePythonLoader) {
  size_t differing = 0;
  for (const Value& c : cases().as_list()) {
    const std::string& input = c.get("input")->as_string();
    const Value* py = c.get("py");
    const Value& want = py ? *py : *c.get("c");
    if (want.get("unprintable")) continue;  // refused, as parse_yaml refuses it
    SCOPED_TRACE(py_string_repr(input));
    differing += py != nullptr;
    auto got = safe_load(input);
    if (const Value* error = want.get("error")) {
      if (got.ok()) {
        ADD_FAILURE() << "expected " << text_of(*error) << ", got " << py_repr(*got);
        continue;
      }
      EXPECT_EQ(got.error().type, text_of(*error));
      if (py && text_of(*want.get("message")).find("'\\t'") != std::string::npos)
        EXPECT_EQ(got.error().message, without_snippet(text_of(*want.get("message"))));
      continue;
    }
    if (!got.ok()) {
      ADD_FAILURE() << got.error().type << ": " << got.error().message;
      continue;
    }
    EXPECT_EQ(to_json(typed(*got)), to_json(*want.get("value")));
  }
  EXPECT_GT(differing, 150u);
}

// python-frontmatter's load() of a markdown text: the fields and the
// stripped body, or the exception (a YAML error reaches lynguine as a broken
// header, FileFormatError here).
TEST(YamlCases, FrontMatterAsPythonFrontmatterLoadsIt) {
  const Value* all = recorded().get("front_matter");
  ASSERT_TRUE(all && all->is_list());
  ASSERT_GT(all->as_list().size(), 30u);
  for (const Value& c : all->as_list()) {
    const std::string& input = c.get("input")->as_string();
    const Value& want = *c.get("load");
    SCOPED_TRACE(py_string_repr(input));
    auto got = parse_front_matter(input, "<unicode string>");
    if (const Value* error = want.get("error")) {
      if (got.ok()) {
        ADD_FAILURE() << "expected " << text_of(*error);
        continue;
      }
      Error as_python{text_of(*error), "", 400};
      if (is_yaml_error(as_python)) {
        // lynguine catches it and reads no fields; its line numbers (which
        // count python-frontmatter's leading newline) are never shown.
        EXPECT_EQ(got.error().type, "FileFormatError");
        continue;
      }
      EXPECT_EQ(got.error().type, text_of(*error));
      EXPECT_EQ(got.error().message, text_of(*want.get("message")));
      continue;
    }
    if (!got.ok()) {
      ADD_FAILURE() << got.error().type << ": " << got.error().message;
      continue;
    }
    EXPECT_EQ(to_json(typed(Value(got->fields))), to_json(*want.get("fields")));
    EXPECT_EQ(got->content, text_of(*want.get("content")));
  }
}

// Where our budgets (YamlLimits) refuse what PyYAML loads: the recording
// shows PyYAML loaded each one; we fail naming the limit.
TEST(YamlCases, BeyondTheBudgetsPyYamlLoadsAndWeRefuseNamingTheLimit) {
  const Value* all = recorded().get("beyond_budget");
  ASSERT_TRUE(all && all->is_list());
  ASSERT_GE(all->as_list().size(), 4u);
  for (const Value& c : all->as_list()) {
    const std::string& input = c.get("input")->as_string();
    SCOPED_TRACE(input.substr(0, 60));
    ASSERT_NE(c.get("c")->get("loaded"), nullptr) << "PyYAML refused it too";
    auto got = parse_yaml(input);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().message.find(text_of(*c.get("limit"))), std::string::npos)
        << got.error().message;
  }
}

}  // namespace
}  // namespace lyn
