// talk_field: front matter first, then the first existing config file.
#include "assess/talk_field.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "access/markdown_format.h"

namespace lyn {
namespace {

namespace fs = std::filesystem;

struct Project {
  std::string root;
  Project() {
    std::string tmpl = (fs::temp_directory_path() / "lyn-talk-XXXXXX").string();
    root = path_canonical(mkdtemp(tmpl.data()));
  }
  ~Project() { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(root + "/" + rel) << text;
  }
  TalkFieldAnswer ask(const std::string& field, const std::string& md,
                      std::vector<std::string> configs = {"_lamd.yml"}) const {
    PathPolicy p(root, {root});
    auto a = lookup_talk_field({field, md, configs}, p, nullptr);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : TalkFieldAnswer{};
  }
};

TEST(FrontMatterTest, SplitsLikePythonFrontmatter) {
  auto fm = parse_front_matter("\n---\ntitle: T\nn: 3\n---\n\nBody text.\n\n", "t.md");
  ASSERT_TRUE(fm.ok());
  EXPECT_EQ(fm->fields.find("title")->as_string(), "T");
  EXPECT_EQ(fm->content, "Body text.");
  auto none = parse_front_matter("# Just a body\n", "t.md");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->fields.empty());
  EXPECT_EQ(none->content, "# Just a body");
  auto unclosed = parse_front_matter("---\ntitle: T\n", "t.md");
  ASSERT_TRUE(unclosed.ok());
  EXPECT_TRUE(unclosed->fields.empty());
  auto list = parse_front_matter("---\n- a\n---\nbody", "t.md");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->fields.empty());  // a header that is not a mapping counts as none
  EXPECT_FALSE(parse_front_matter("---\nt: [x\n---\nbody", "t.md").ok());
}

TEST(TalkFieldTest, FrontMatterThenConfigThenEmpty) {
  Project p;
  p.write("_lamd.yml", "venue: Config Venue\nsnippets: $HOME/s\nwhen: 2024-09-09\n");
  p.write("talk.md",
          "---\ntitle: A Talk\nvenue: Talk Venue\ncategories: [a, b]\nreveal: yes\n"
          "published: 2024-09-09 09:30:00\nlist: [2025-06-02]\ncontent: not a field\n---\nBody\n");
  setenv("HOME", "/home/tester", 1);
  EXPECT_EQ(mdfield_text(p.ask("title", "talk.md")), "A Talk");
  EXPECT_EQ(mdfield_text(p.ask("venue", "talk.md")), "Talk Venue");
  EXPECT_EQ(mdfield_text(p.ask("snippets", "talk.md")), "/home/tester/s");
  EXPECT_EQ(mdfield_text(p.ask("reveal", "talk.md")), "True");
  EXPECT_EQ(mdfield_text(p.ask("categories", "talk.md")), "['a', 'b']");
  EXPECT_EQ(mdfield_text(p.ask("published", "talk.md")), "2024-09-09 09:30:00");
  EXPECT_EQ(mdfield_text(p.ask("list", "talk.md")), "[datetime.date(2025, 6, 2)]");
  EXPECT_EQ(mdfield_text(p.ask("content", "talk.md")), "");
  EXPECT_EQ(mdfield_text(p.ask("nothing", "talk.md")), "");

  auto json = [&](const std::string& f) { return talk_field_json_value(f, p.ask(f, "talk.md")); };
  EXPECT_EQ(json("published")->as_string(), "2024-09-09T09:30:00");
  EXPECT_EQ(json("categories")->as_string(), "['a', 'b']");
  EXPECT_EQ(json("when")->as_string(), "2024-09-09");
  EXPECT_EQ(json("nothing")->as_string(), "");
}

TEST(TalkFieldTest, MissingMarkdownUsesConfigOnlyForJson) {
  Project p;
  p.write("_config.yml", "title: From Config\n");
  auto a = p.ask("title", "missing.md", {"_config.yml"});
  EXPECT_EQ(a.outcome, TalkLookup::kMarkdownMissing);
  EXPECT_EQ(mdfield_text(a), "");  // lamd's mdfield prints an empty line
  EXPECT_EQ(talk_field_json_value("title", a)->as_string(), "From Config");
}

TEST(TalkFieldTest, MarkdownOutsideTheRootIsRefused) {
  Project p;
  PathPolicy policy(p.root, {p.root});
  auto a = lookup_talk_field({"title", "/etc/passwd", {}}, policy, nullptr);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().type, "PathEscapeError");
}

}  // namespace
}  // namespace lyn
