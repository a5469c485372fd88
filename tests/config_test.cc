// Interfaces, path confinement and $VAR expansion.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/interface.h"
#include "config/paths.h"
#include "core/budget.h"
#include "core/text.h"

namespace lyn {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lyn-config-XXXXXX").string();
    path_ = path_canonical(mkdtemp(tmpl.data()));
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(path_ + "/" + rel).parent_path());
    std::ofstream(path_ + "/" + rel) << text;
  }

 private:
  std::string path_;
};

TEST(TextTest, ExpandVarsLikeOsPath) {
  auto env = [](std::string_view n) -> std::optional<std::string> {
    if (n == "HOME") return std::string("/home/u");
    if (n == "E") return std::string("");
    return std::nullopt;
  };
  EXPECT_EQ(expand_vars("$HOME/x", env), "/home/u/x");
  EXPECT_EQ(expand_vars("${HOME}/x", env), "/home/u/x");
  EXPECT_EQ(expand_vars("$UNSET/x", env), "$UNSET/x");
  EXPECT_EQ(expand_vars("${UNSET}", env), "${UNSET}");
  EXPECT_EQ(expand_vars("$$ and $ alone", env), "$$ and $ alone");
  EXPECT_EQ(expand_vars("a$E-b", env), "a-b");
  EXPECT_EQ(expand_vars("${}", env), "${}");
  EXPECT_EQ(expand_vars("$HOMEx", env), "$HOMEx");
}

TEST(PathsTest, NormaliseAndConfine) {
  EXPECT_EQ(path_normalize("a/./b/../c//d/"), "a/c/d");
  EXPECT_EQ(path_normalize("/../x"), "/x");
  EXPECT_EQ(path_normalize("../x"), "../x");
  TempDir t;
  t.write("in/file.yml", "a: 1\n");
  PathPolicy p(t.path(), {t.path()});
  auto ok = p.resolve("in/file.yml");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, t.path() + "/in/file.yml");
  auto out = p.resolve("../../etc/passwd");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().type, "PathEscapeError");
  EXPECT_EQ(out.error().http_status, 403);
  EXPECT_EQ(out.error().message,
            "Path '../../etc/passwd' is not under allowed roots ['" + t.path() + "']");
  EXPECT_FALSE(p.resolve("/etc/passwd").ok());
  // A sibling that shares the root's prefix is outside it.
  EXPECT_FALSE(p.resolve(t.path() + "-evil/x").ok());
  // A symlink that leaves the root is refused.
  ASSERT_EQ(symlink("/etc", (t.path() + "/link").c_str()), 0);
  EXPECT_FALSE(p.resolve("link/passwd").ok());
  // Not existing yet (a write target) but inside: fine.
  EXPECT_TRUE(p.resolve("new/dir/out.csv").ok());
}

TEST(InterfaceTest, FirstExistingFileWinsAndVarsExpand) {
  TempDir t;
  setenv("LYN_TEST_VAR", "/expanded", 1);
  t.write("_config.yml", "title: from config\n");
  t.write("_lamd.yml", "title: from lamd\nsnippets: $LYN_TEST_VAR/s\nnested: {p: $LYN_TEST_VAR}\n");
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  o.user_files = {"_missing.yml", "_lamd.yml", "_config.yml"};
  auto i = Interface::from_file(o, p);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->get("title")->as_string(), "from lamd");
  EXPECT_EQ(i->get("snippets")->as_string(), "/expanded/s");
  EXPECT_EQ(i->get("nested")->get("p")->as_string(), "$LYN_TEST_VAR");  // top level only
  EXPECT_EQ(i->get("base_directory")->as_string(), ".");
  EXPECT_EQ(i->get("user_file")->as_string(), "_lamd.yml");
  EXPECT_FALSE(i->get("absent").has_value());
}

TEST(InterfaceTest, ErrorsForMissingFieldsAndEscapes) {
  TempDir t;
  t.write("flows.yml", "seminars: {input: {type: yaml}}\n");
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  o.user_files = {"nothing.yml"};
  auto missing = Interface::from_base_file(o, p);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "No configuration file found at \"" + t.path() + "/nothing.yml\".");
  o.user_files = {"flows.yml"};
  o.field = "nothing";
  auto nofield = Interface::from_base_file(o, p);
  ASSERT_FALSE(nofield.ok());
  EXPECT_EQ(nofield.error().message,
            "Field \"nothing\" specified but not found in file \"" + t.path() + "/flows.yml\"");
  o.field = "seminars";
  auto sub = Interface::from_base_file(o, p);
  ASSERT_TRUE(sub.ok());
  EXPECT_TRUE(sub->get("input")->is_map());
  EXPECT_EQ(sub->get("base_directory")->as_string(), t.path());
  o.field.reset();
  o.user_files = {"../../etc/passwd"};
  auto esc = Interface::from_base_file(o, p);
  ASSERT_FALSE(esc.ok());
  EXPECT_EQ(esc.error().type, "PathEscapeError");
}

TEST(InterfaceTest, InheritIgnoresAppendsAndStacksInputs) {
  TempDir t;
  t.write("_lynguine.yml",
          "title: parent\ncontact: c\nkeywords: [a]\n"
          "input: {type: csv, filename: p.csv, index: id, mapping: {A: a}}\n"
          "output: {type: csv, filename: out.csv, columns: [score], mapping: {S: score}}\n"
          "parameters: {type: local, data: [{k: 1}]}\n");
  t.write(
      "child/_lynguine.yml",
      "inherit: {directory: .., filename: _lynguine.yml, ignore: [contact], append: [keywords]}\n"
      "title: child\nkeywords: [b]\ninput: {type: local, index: id, data: [{id: 1}]}\n");
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  o.directory = "child";
  auto i = Interface::from_base_file(o, p);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->get("title")->as_string(), "child");
  EXPECT_FALSE(i->get("contact").has_value());
  EXPECT_FALSE(i->contains("contact"));
  EXPECT_EQ(py_str(*i->get("keywords")), "['a', 'b']");
  // The parent's output became part of its input; then both inputs stack.
  Value input = *i->get("input");
  EXPECT_EQ(input.get("type")->as_string(), "hstack");
  const List& specs = input.get("specifications")->as_list();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[1].get("filename")->as_string(), "out.csv");
  EXPECT_EQ(input.get("mapping")->get("S")->as_string(), "score");
  // Parameters became constants.
  EXPECT_TRUE(i->get("constants").has_value());
  EXPECT_FALSE(i->get("parameters").has_value());
  // Inheriting from outside the root is refused.
  o.directory = ".";
  o.user_files = {"child/_lynguine.yml"};
  auto esc = Interface::from_base_file(o, p);
  ASSERT_FALSE(esc.ok());
  EXPECT_EQ(esc.error().type, "PathEscapeError");
}

// lynguine recurses until Python's stack runs out; we name the cycle.
TEST(InterfaceInheritTest, AFileThatInheritsItselfIsAValueError) {
  TempDir t;
  t.write("_lynguine.yml", "inherit: {directory: .}\ntitle: me\n");
  t.write("a/_lynguine.yml", "inherit: {directory: ../b}\n");
  t.write("b/_lynguine.yml", "inherit: {directory: ../c}\n");
  t.write("c/_lynguine.yml", "inherit: {directory: ../a}\n");
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  auto self = Interface::from_base_file(o, p);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().type, "ValueError");
  EXPECT_EQ(self.error().http_status, 400);
  std::string f = "'" + t.path() + "/_lynguine.yml'";
  EXPECT_EQ(self.error().message, "Interface file " + f + " inherits itself: " + f + " -> " + f);

  o.directory = "a";
  auto ring = Interface::from_base_file(o, p);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().type, "ValueError");
  std::string a = "'" + t.path() + "/a/_lynguine.yml'";
  std::string b = "'" + t.path() + "/b/_lynguine.yml'";
  std::string c = "'" + t.path() + "/c/_lynguine.yml'";
  EXPECT_EQ(ring.error().message, "Interface file " + a + " inherits itself: " + a + " -> " + b +
                                      " -> " + c + " -> " + a);
}

TEST(InterfaceInheritTest, ChainsAreBoundedByInheritDepth) {
  TempDir t;
  // d0 inherits d1 inherits ... d9 (no cycle).
  for (int i = 0; i < 10; ++i) {
    std::string text = i < 9 ? "inherit: {directory: ../d" + std::to_string(i + 1) + "}\n" : "";
    t.write("d" + std::to_string(i) + "/_lynguine.yml",
            text + "level: " + std::to_string(i) + "\n");
  }
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  o.directory = "d0";
  {
    auto ok = Interface::from_base_file(o, p);  // default inherit_depth: 32
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->get("level")->as_int(), 0);
  }
  Limits limits;
  limits.inherit_depth = 5;
  Budget budget(limits);
  BudgetScope scope(budget);
  auto deep = Interface::from_base_file(o, p);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().type, "ResourceLimitError");
  EXPECT_EQ(deep.error().http_status, 422);
  EXPECT_NE(deep.error().message.find("inherit_depth = 5"), std::string::npos)
      << deep.error().message;
  o.directory = "d5";
  EXPECT_TRUE(Interface::from_base_file(o, p).ok()) << "d5..d9 is five files";
}

TEST(VarExpansionTest, ErrorsNameTheVariablesNotTheirValues) {
  setenv("LYN_TEST_HIDDEN", "/srv/s3cr3t", 1);
  setenv("LYN_TEST_EMPTY", "", 1);
  VarExpansion x =
      expand_path_vars("$LYN_TEST_HIDDEN/data/${LYN_TEST_HIDDEN}x$LYN_TEST_EMPTY$NOPE");
  EXPECT_EQ(x.text, "/srv/s3cr3t/data//srv/s3cr3tx$NOPE");
  Error e = x.hide_values(Error::value("Path '/srv/s3cr3t/data' is not under allowed roots"));
  EXPECT_EQ(e.message, "Path '${LYN_TEST_HIDDEN}/data' is not under allowed roots");
  EXPECT_EQ(e.type, "ValueError");
  VarExpansion none = expand_path_vars("plain/path");
  EXPECT_TRUE(none.substituted.empty());
}

TEST(InterfaceTest, RequestDirectoriesAreLiteralButInheritedOnesExpand) {
  TempDir t;
  setenv("LYN_TEST_PARENT", "parent", 1);
  t.write("parent/_lynguine.yml", "title: from parent\n");
  t.write("child/_lynguine.yml", "inherit: {directory: ../$LYN_TEST_PARENT}\n");
  PathPolicy p(t.path(), {t.path()});
  Interface::LoadOptions o;
  o.directory = "child";
  auto i = Interface::from_base_file(o, p);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->get("title")->as_string(), "from parent");
  o.directory = "$LYN_TEST_PARENT";  // a request's directory: no such directory
  auto literal = Interface::from_base_file(o, p);
  ASSERT_FALSE(literal.ok());
  EXPECT_NE(literal.error().message.find("$LYN_TEST_PARENT/_lynguine.yml"), std::string::npos)
      << literal.error().message;
  // An inherited directory that does not exist: the error names the variable.
  setenv("LYN_TEST_PARENT", "nowhere-s3cr3t", 1);
  o.directory = "child";
  auto hidden = Interface::from_base_file(o, p);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().message.find("nowhere-s3cr3t"), std::string::npos)
      << hidden.error().message;
}

}  // namespace
}  // namespace lyn
