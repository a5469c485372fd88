// Regression cases from the libFuzzer targets in fuzz/: every input here once
// crashed (or is an edge case kept next to those that did). Each helper
// drives the same code the matching fuzz target does; the test passes when
// nothing crashes and results are well-formed (ASan/UBSan in
// `make test-sanitize` check the rest).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "access/bibtex_format.h"
#include "access/csv_format.h"
#include "access/markdown_format.h"
#include "access/registry.h"
#include "assess/liquid/liquid.h"
#include "config/paths.h"
#include "core/json.h"
#include "core/yaml.h"
#include "service/api.h"

namespace lyn {
namespace {

using namespace std::literals;

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "lyn-fuzzreg-XXXXXX").string();
    if (!mkdtemp(t.data())) ADD_FAILURE() << "mkdtemp";
    path_ = std::filesystem::canonical(t).string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void write(const std::string& name, std::string_view data) const {
    FILE* f = fopen((path_ + "/" + name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    if (!data.empty()) fwrite(data.data(), 1, data.size(), f);
    fclose(f);
  }

 private:
  std::string path_;
};

// As fuzz/yaml_fuzz.cc.
void yaml_case(std::string_view text) {
  auto v = parse_yaml(text, "fuzz.yml");
  if (v.ok()) {
    (void)to_json(*v);
    (void)py_repr(*v);
    auto again = parse_yaml(dump_yaml(*v), "dumped.yml");
    EXPECT_TRUE(again.ok()) << dump_yaml(*v) << "\n" << again.error().message;
  }
  auto fm = parse_front_matter(text, "fuzz.md");
  if (fm.ok()) (void)dump_front_matter(fm->fields, fm->content);
}

std::string read_file(const std::filesystem::path& p) {
  std::string out;
  FILE* f = fopen(p.c_str(), "rb");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

// As fuzz/csv_fuzz.cc: first byte selects the options, the rest is the file.
void csv_case(std::string_view input) {
  TempDir dir;
  uint8_t sel = input.empty() ? 0 : static_cast<uint8_t>(input[0]);
  std::string_view text = input.empty() ? input : input.substr(1);
  dir.write("in.csv", text);
  Map details{{"type", "csv"}, {"filename", "in.csv"}};
  if (sel & 1) details.set("delimiter", ";");
  if (sel & 2) details.set("header", Value());
  if (sel & 4) details.set("quotechar", "'");
  if (sel & 8) details.set("index", "a");
  if (sel & 16) {
    List dt{Map{{"field", "a"}, {"type", "int_type"}}, Map{{"field", "b"}, {"type", "float_type"}},
            Map{{"field", "c"}, {"type", "bool_type"}}};
    details.set("dtypes", Value(dt));
  }
  access::IoContext ctx{PathPolicy(dir.path(), {dir.path()}), nullptr};
  auto frame = access::read_data(Value(details), ctx);
  if (frame.ok()) (void)access::format_csv(*frame);
  auto direct = access::parse_csv(text, access::CsvOptions{}, "in.csv");
  if (direct.ok()) (void)access::format_csv(*direct);
}

// As fuzz/bibtex_fuzz.cc.
void bibtex_case(std::string_view text) {
  auto entries = access::parse_bibtex(text, "fuzz.bib");
  if (!entries.ok()) return;
  (void)access::bibtex_frame(*entries);
  auto dumped = access::dump_bibtex(*entries);
  if (dumped.ok()) EXPECT_TRUE(access::parse_bibtex(*dumped, "roundtrip.bib").ok());
}

// As fuzz/json_fuzz.cc.
void json_case(std::string_view text) {
  auto v = parse_json(text);
  if (v.ok()) EXPECT_TRUE(parse_json(to_json(*v)).ok()) << to_json(*v);
  TempDir dir;
  dir.write("people.csv", "name,age\nAda,36\nAlan,41\n");
  service::ApiOptions o;
  o.root = dir.path();
  service::Api api(o);
  auto reply = api.handle("POST", "/api/read_data", text);
  EXPECT_GE(reply.status, 200);
  EXPECT_LE(reply.status, 599);
  EXPECT_TRUE(parse_json(reply.body).ok()) << reply.body;
}

// As fuzz/liquid_fuzz.cc (with an empty context, or the JSON before a NUL).
void liquid_case(std::string_view in) {
  Map context{{"name", "Ada"}, {"n", 42}, {"list", List{1, 2, "three"}}};
  std::string_view source = in;
  if (size_t at = in.find('\0'); at != std::string_view::npos) {
    auto v = parse_json(in.substr(0, at));
    if (v.ok() && v->is_map()) context = v->as_map();
    source = in.substr(at + 1);
  }
  auto parsed = liquid::parse(source);
  if (auto* t = std::get_if<std::shared_ptr<const liquid::Template>>(&parsed))
    (void)liquid::render(**t, context);
}

TEST(FuzzRegressions, Yaml) {
  for (std::string_view s :
       {""sv, "- ["sv, "{"sv, "&a [*a, *a]"sv, "a: !!binary x"sv, "---\n...\n"sv, "\xff\xfe"sv,
        "---\n: \n---\n"sv, "---\na: [\n---\nbody"sv, "? [a]\n: b\n"sv, "a: 1e9999\n"sv,
        "a: 0x\n"sv, "a: 2024-13-45\n"sv, "a: 99999999999999999999999\n"sv})
    yaml_case(s);
  yaml_case(std::string(5000, '['));
  yaml_case(std::string(5000, '-') + " x");
}

// fuzz_yaml: yaml-cpp's map iterator yields a temporary; yaml.cc kept a
// reference to its key (ASan stack-use-after-scope on every mapping).
TEST(FuzzRegressions, YamlMappingKeysOutliveTheIterator) {
  auto v = parse_yaml("title: Keynote speaker\nkind: speaker\nname: Zoubin Ghahramani\n");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(to_json(*v),
            R"({"title": "Keynote speaker", "kind": "speaker", "name": "Zoubin Ghahramani"})");
}

// fuzz_yaml under yaml-cpp 0.7: a document whose first token is ',' (and a
// ',' after an anchor) made it allocate without bound. libyaml answers
// PyYAML's own error (the exact messages are in tests/yaml/cases.json).
TEST(FuzzRegressions, YamlLeadingCommaIsAnError) {
  for (std::string_view s : {",a"sv, " ,a"sv, ",m-k"sv,
                             ",m-\x0f\x00\x00\x00k\xf6\x8b\x96\x8c"
                             "alk"sv,
                             "---\n,a"sv, "# c\n,a"sv, "a: 1\n---\n,a"sv, "--- ,a"sv, "&a ,"sv,
                             "&\xff\xff\xff\xff\xff\xff\xff,\x0e"sv}) {
    auto v = parse_yaml(s, "x.yml");
    ASSERT_FALSE(v.ok()) << s;
    EXPECT_TRUE(is_yaml_error(v.error())) << v.error().type;
    yaml_case(s);
  }
  auto fm = parse_front_matter("---\ntitle: x\n---\n\n,include{a}\n", "x.md");
  ASSERT_TRUE(fm.ok());
  EXPECT_EQ(py_str(Value(fm->fields)), "{'title': 'x'}");
  // Commas elsewhere are untouched.
  auto ok = parse_yaml("a: [1, 2]\nb: x, y\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(to_json(*ok), R"({"a": [1, 2], "b": "x, y"})");
}

// Every input a fuzz target once broke (tests/fuzz_regressions/<target>/,
// the two yaml-cpp reproducers that were fuzz/known_issues among them).
TEST(FuzzRegressions, SavedInputs) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(LYN_SOURCE_DIR) / "tests" / "fuzz_regressions";
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string target = e.path().parent_path().filename().string();
    std::string data = read_file(e.path());
    SCOPED_TRACE(e.path().string());
    if (target == "yaml")
      yaml_case(data);
    else if (target == "json")
      json_case(data);
    else if (target == "csv")
      csv_case(data);
    else if (target == "bibtex")
      bibtex_case(data);
    else if (target == "liquid")
      liquid_case(data);
    else
      ADD_FAILURE() << "no fuzz target " << target;
    ++n;
  }
  EXPECT_GE(n, 2u);
}

// The inputs issue 12 named, as saved in tests/fuzz_regressions/yaml/ (and
// seeded into fuzz/corpus/yaml, so every fuzz smoke run feeds them): each
// parses or fails with an error that names what it broke.
TEST(FuzzRegressions, Issue12InputsFailNamingTheLimit) {
  auto refused_naming = [](const auto& r, std::string_view limit) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(limit), std::string::npos) << r.error().message;
  };
  auto saved = [](const char* name) {
    return read_file(std::filesystem::path(LYN_SOURCE_DIR) / "tests" / "fuzz_regressions" / "yaml" /
                     name);
  };
  // 13 bytes of front matter holding `&a ,`: libyaml's parser error, which
  // lynguine sees as a broken header (python-frontmatter raises ParserError).
  std::string comma = saved("front-matter-anchor-comma.md");
  ASSERT_EQ(comma.size(), 13u);
  auto fm = parse_front_matter(comma, "x.md");
  ASSERT_FALSE(fm.ok());
  EXPECT_EQ(fm.error().type, "FileFormatError");
  auto body = parse_yaml(comma, "x.yml");
  ASSERT_FALSE(body.ok());
  EXPECT_TRUE(is_yaml_error(body.error())) << body.error().type;
  yaml_case(comma);

  // Billion laughs: 9 anchors of 9 aliases each, 9^9 strings once expanded.
  std::string bomb = saved("billion-laughs.yml");
  refused_naming(parse_yaml(bomb, "bomb.yml"), "yaml max_alias_nodes");
  refused_naming(parse_front_matter("---\n" + bomb + "---\nbody\n", "bomb.md"),
                 "yaml max_alias_nodes");
  yaml_case(bomb);

  // 5,000 nested flow sequences: refused at the depth budget, not by the stack.
  std::string deep = saved("deep-nesting.yml");
  refused_naming(parse_yaml(deep, "deep.yml"), "yaml max_depth");
  yaml_case(deep);
}

TEST(FuzzRegressions, Csv) {
  for (std::string_view s : {""sv, "\x00"sv, "\x00\""sv,
                             "\x00"
                             "a\n\""sv,
                             "\x00"
                             "a,b\n1,2,3\n"sv,
                             "\x02\n\n\n"sv,
                             "\x08"
                             "a\n1\n1\n"sv,
                             "\x10"
                             "a,b,c\nx,y,z\n"sv,
                             "\x10"
                             "a,b,c\n9999999999999999999999,1e400,maybe\n"sv,
                             "\x00\xff\xfe\n"sv,
                             "\x01"
                             "a;b\n\"x;y\";2\n"sv,
                             "\x04"
                             "a,b\n'x,y',2\n"sv,
                             "\x1f"sv})
    csv_case(s);
}

TEST(FuzzRegressions, Bibtex) {
  for (std::string_view s :
       {""sv, "@"sv, "@article{"sv, "@article{x, title={"sv, "@string{"sv, "}}}"sv,
        "@article{x, title = \"a\" # \"b\"}"sv, "@comment{"sv, "@article(x, title={a})"sv,
        "@article{x, author={A and and B}}"sv, "@article{,}"sv, "@article{x, title={\\}}"sv})
    bibtex_case(s);
}

TEST(FuzzRegressions, Json) {
  for (std::string_view s :
       {""sv, "-"sv, "\"\\ud800\""sv, "1e99999"sv, "[1,]"sv, "{\"a\":}"sv,
        "123456789012345678901234567890"sv, "{\"data_source\": null}"sv,
        "{\"data_source\": {\"type\": \"csv\", \"filename\": \"people.csv\", \"index\": 7}}"sv,
        "{\"data_source\": {\"type\": \"csv\", \"filename\": \"../../etc/passwd\"}}"sv,
        "{\"interface_file\": 5}"sv, "\"\\u0000\""sv})
    json_case(s);
  json_case(std::string(100000, '['));
}

TEST(FuzzRegressions, Liquid) {
  for (std::string_view s :
       {""sv, "{{"sv, "{%"sv, "{% for %}"sv, "{{ x | "sv, "{% if %}{% endif %}"sv,
        "{% for i in (1..3) %}{% break %}{% endfor %}"sv, "{{ n | divided_by: 0 }}"sv,
        "{{ n | modulo: 0 }}"sv, "{{ list | slice: -99999999999 }}"sv,
        "{{ 9223372036854775807 | plus: 1 }}"sv, "{{ -9223372036854775808 | times: -1 }}"sv,
        "{% capture %}{% endcapture %}"sv, "{% cycle %}"sv, "{{ name | truncate: -5 }}"sv})
    liquid_case(s);
  // `begin + limit` overflowed int64 (UB) before render.cc compared instead.
  liquid_case("{% for x in list offset: 1 limit: 9223372036854775807 %}{{x}}{% endfor %}");
  auto t =
      liquid::parse("{% for x in list offset: 1 limit: 9223372036854775807 %}{{x}}{% endfor %}");
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const liquid::Template>>(t));
  auto out = liquid::render(*std::get<std::shared_ptr<const liquid::Template>>(t),
                            Map{{"list", List{1, 2, 3}}});
  ASSERT_TRUE(std::holds_alternative<std::string>(out));
  EXPECT_EQ(std::get<std::string>(out), "23");
}

}  // namespace
}  // namespace lyn
