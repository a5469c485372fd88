// The building blocks of lamd's tools (src/assess/lamd): Python's int(),
// str.format, lynguine's tex scanners and include order, paths.py. The
// tools as a whole are replayed against lamd's recordings in
// tests/wire/test_lamd_tools.py.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "assess/lamd/diagram_paths.h"
#include "assess/lamd/int_cast.h"
#include "assess/lamd/reference_doc.h"
#include "assess/lamd/str_format.h"
#include "assess/lamd/talk_scan.h"
#include "assess/lamd/tex_scan.h"
#include "assess/lamd/tool_context.h"
#include "config/paths.h"
#include "core/text.h"

namespace lyn::lamd {
namespace {

namespace fs = std::filesystem;

std::string int_of(const Value& v) {
  auto r = py_int(v);
  return r.ok() ? int_str(*r) : r.error().type + ": " + r.error().message;
}

TEST(LamdIntCast, FollowsPythonInt) {
  EXPECT_EQ(int_of(Value(int64_t{3})), "3");
  EXPECT_EQ(int_of(Value(true)), "1");
  EXPECT_EQ(int_of(Value(2.7)), "2");
  EXPECT_EQ(int_of(Value(-0.5)), "0");
  EXPECT_EQ(int_of(Value(1e20)), "100000000000000000000");
  EXPECT_EQ(int_of(Value(9223372036854775808.0)), "9223372036854775808");
  std::string huge = int_of(Value(-1e300));  // int(-1e300): 301 digits and a sign
  EXPECT_EQ(huge.size(), 302u);
  EXPECT_EQ(huge.substr(0, 5), "-1000");
  EXPECT_EQ(huge.substr(huge.size() - 20), "96386865459400540160");
  EXPECT_EQ(int_of(Value(" +05 ")), "5");
  EXPECT_EQ(int_of(Value("1_0")), "10");
  EXPECT_EQ(int_of(Value("123456789012345678901234567890")), "123456789012345678901234567890");
  EXPECT_EQ(int_of(Value("1__0")), "ValueError: invalid literal for int() with base 10: '1__0'");
  EXPECT_EQ(int_of(Value("")), "ValueError: invalid literal for int() with base 10: ''");
  EXPECT_EQ(int_of(Value::nan()), "ValueError: cannot convert float NaN to integer");
  EXPECT_EQ(int_of(Value()),
            "TypeError: int() argument must be a string, a bytes-like object or a real number, "
            "not 'NoneType'");
  EXPECT_EQ(int_of(Value(Date{2024, 1, 1})).substr(0, 9), "TypeError");
  EXPECT_EQ(int_format02(Value(int64_t{3})), "03");
  EXPECT_EQ(int_format02(Value(int64_t{-3})), "-3");
  EXPECT_EQ(int_format02(Value(int64_t{123})), "123");
}

std::string fmt(const std::string& f, std::optional<std::string> date = std::nullopt) {
  auto r = py_format(f, {{"out", std::string("2024-intro")}, {"date", date}});
  return r.ok() ? *r : r.error().type + ": " + r.error().message;
}

TEST(LamdStrFormat, FollowsPythonStrFormat) {
  EXPECT_EQ(fmt("a {out} {{b}} }}"), "a 2024-intro {b} }");
  EXPECT_EQ(fmt("{date}"), "None");
  EXPECT_EQ(fmt("{date}", "2024"), "2024");
  EXPECT_EQ(fmt("{out!r:>14}|{out[0]}|{out:.4}|{out:*^12}"), "  '2024-intro'|2|2024|*2024-intro*");
  EXPECT_EQ(fmt("{x}"), "KeyError: 'x'");
  EXPECT_EQ(fmt("{}"), "IndexError: Replacement index 0 out of range for positional args tuple");
  EXPECT_EQ(fmt("a}b"), "ValueError: Single '}' encountered in format string");
  EXPECT_EQ(fmt("a{"), "ValueError: Single '{' encountered in format string");
  EXPECT_EQ(fmt("{out"), "ValueError: expected '}' before end of string");
  EXPECT_EQ(fmt("{date:5}"), "TypeError: unsupported format string passed to NoneType.__format__");
  EXPECT_EQ(fmt("{out:d}"), "ValueError: Unknown format code 'd' for object of type 'str'");
  EXPECT_EQ(fmt("{out:{out}}").substr(0, 10), "ValueError");
  EXPECT_EQ(fmt("{out:0>12}"), "002024-intro");
  EXPECT_EQ(fmt("{out:012}"), "2024-intro00");
}

TEST(LamdTexScan, ExtractsInputsInLynguineOrder) {
  auto inputs = extract_tex_inputs(
      "\\include{b.md}\\newsection {T} {s.md}\\input {c,d}\n"
      "\\includetalkfile{t.md} \\include {e.md}\\inputdiagram{no}\n");
  EXPECT_EQ(inputs, (std::vector<std::string>{"s.md", "c", "d", "b.md", "t.md", "e.md"}));
}

TEST(LamdTexScan, DiagramArgumentsSkipModifiersAndBalanceBraces) {
  std::vector<std::string_view> lines = {"\\includediagram[w]{a}\\includediagramclass{k}{50%}\n",
                                         "\\includediagram <1-> [x] {\\concat{p}{q},r}\n",
                                         "\\includediagram[broken{lost}\n",
                                         "\\includepng{png}\\includeimg{img}\n"};
  EXPECT_EQ(extract_diagram_args(lines, "diagram"),
            (std::vector<std::string>{"a", "\\concat{p}{q}", "r", "k"}));
  EXPECT_EQ(extract_diagram_args(lines, "png"), (std::vector<std::string>{"png"}));
  EXPECT_EQ(extract_diagram_args(lines, "all").size(), 6u);
}

TEST(LamdTexScan, ExpandsDefinesAndConcat) {
  Macros m = collect_define_macros("\\define{\\base}{B}\\define{\\baselong}{L}\\define{base}{B2}");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].second, "B2");  // redefined in place
  EXPECT_EQ(expand_diagram_path("\\baselong/\\base", m), "L/B2");
  EXPECT_EQ(expand_diagram_path("\\concat{\\base}{/x}", m), "B2/x");
  EXPECT_EQ(expand_diagram_path("\\concat{a}{b}", {}), "ab");
  EXPECT_EQ(expand_diagram_path("\\other/x", m), "\\other/x");
}

struct Dir {
  std::string root, old;
  Dir() {
    char tmpl[] = "/tmp/lyn-lamd-XXXXXX";
    root = path_canonical(mkdtemp(tmpl));
    old = current_directory();
    EXPECT_EQ(chdir(root.c_str()), 0);
  }
  ~Dir() {
    EXPECT_EQ(chdir(old.c_str()), 0);
    fs::remove_all(root);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(root + "/" + rel).parent_path());
    std::ofstream(root + "/" + rel) << text;
  }
};

TEST(LamdTalkScan, InsertsNestedInputsAndRescansThem) {
  Dir d;
  d.write("talk.md", "\\include{a.md}\\include{gone.md}\n");
  d.write("a.md", "\\include{b.md}\n");
  d.write("b.md", "\\include{c.md}\n");
  d.write("c.md", "x\n");
  const ToolContext ctx = ToolContext::of_process();
  TalkScanner s(ctx, "..");
  auto inputs = s.extract_inputs("talk.md");
  ASSERT_TRUE(inputs.ok());
  // lynguine inserts b's inputs after b and then scans them again in turn.
  EXPECT_EQ(*inputs, (std::vector<std::string>{"a.md", "b.md", "c.md", "c.md", "gone.md"}));
}

TEST(LamdTalkScan, IncludeCycleIsPythonsRecursionError) {
  Dir d;
  d.write("talk.md", "\\include{a.md}\n");
  d.write("a.md", "\\include{talk.md}\n");
  const ToolContext ctx = ToolContext::of_process();
  TalkScanner s(ctx, "..");
  auto inputs = s.extract_inputs("talk.md");
  ASSERT_FALSE(inputs.ok());
  EXPECT_EQ(inputs.error().type, "RecursionError");
}

TEST(LamdTalkScan, DiagramsWarnOnceForAMissingInput) {
  Dir d;
  d.write("talk.md", "\\include{gone.md}\\include{gone.md}\\includediagram{\\diagramsDir/x}\n");
  const ToolContext ctx = ToolContext::of_process();
  TalkScanner s(ctx, "snips");
  Warnings w;
  auto list = s.extract_diagrams("talk.md", false, {"svg", "pdf"}, std::string("D"), w);
  ASSERT_TRUE(list.ok() && *list);
  EXPECT_EQ(**list, (std::vector<std::string>{"D/x.svg", "D/x.pdf"}));
  ASSERT_EQ(w.messages.size(), 1u);
  EXPECT_EQ(w.messages[0], "Input file \"gone.md\" does not exist with snippets path \"snips\".");
}

TEST(LamdDiagramPaths, NormalisesAndJoinsLikePathsPy) {
  const ToolContext ctx = ToolContext::of_process();
  EXPECT_EQ(normalise_path(ctx, "a/../b//c/", "/base"), "/base/b/c");
  EXPECT_EQ(normalise_path(ctx, "//srv/x/..", "/base"), "//srv");
  EXPECT_EQ(normalise_path(ctx, "HTTPS://x//y", "/base"), "HTTPS://x//y");
  EXPECT_EQ(join_url({"https://e.org///", "/talks/", "", "d"}), "https://e.org/talks/d");
  Warnings w;
  PathConfig c;
  c.diagramsdir = "https://cdn/d";
  EXPECT_EQ(resolve_diagrams_filesystem(ctx, c, "/b", "", w), "https://cdn/d");
  EXPECT_EQ(w.messages.size(), 1u);
  c.diagramsdir = "diagrams";
  c.url = "https://e.org/";
  c.baseurl = "talks";
  EXPECT_EQ(resolve_diagrams_web(ctx, c, "/b", "", "", w), "https://e.org/talks/diagrams");
}

// Sets an environment variable for one test and puts it back.
struct EnvVar {
  std::string name;
  std::optional<std::string> old;
  EnvVar(std::string n, const char* value) : name(std::move(n)) {
    if (const char* o = std::getenv(name.c_str())) old = o;
    if (value)
      setenv(name.c_str(), value, 1);
    else
      unsetenv(name.c_str());
  }
  ~EnvVar() {
    if (old)
      setenv(name.c_str(), old->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

TEST(LamdReferenceDoc, FindsLamdIncludesTheWayAUserHasIt) {
  Dir d;
  EnvVar no_override("LAMD_INCLUDESDIR", nullptr);
  EnvVar path("PATH", (d.root + "/bin").c_str());
  // A console script whose sys.path names lamd's source tree.
  d.write("src/lamd/includes/custom-reference.potx", "x");
  d.write("bin/flags", "#!/usr/bin/python3\nimport sys\nsys.path[0:0] = '" + d.root +
                           "/src:/elsewhere'.split(':')\nfrom lamd.flags import main\n");
  EXPECT_EQ(lamd_includes_dir(ToolContext::of_process()).value_or(""),
            d.root + "/src/lamd/includes");
  // A virtual environment: the script's interpreter's site-packages.
  fs::remove(d.root + "/bin/flags");
  d.write("venv/bin/python3", "");
  d.write("venv/lib/python3.11/site-packages/lamd/includes/judge-reference.potx", "x");
  d.write("bin/mdfield", "#!" + d.root + "/venv/bin/python3\nfrom lamd.mdfield import main\n");
  // A native program under lamd's name (as this binary is) is skipped.
  fs::create_symlink("/bin/true", d.root + "/bin/flags");
  EXPECT_EQ(lamd_includes_dir(ToolContext::of_process()).value_or(""),
            d.root + "/venv/lib/python3.11/site-packages/lamd/includes");
  // An editable install: a .pth line naming the repository.
  fs::remove_all(d.root + "/venv/lib/python3.11/site-packages/lamd");
  d.write("venv/lib/python3.11/site-packages/lamd.pth", d.root + "/src\n");
  EXPECT_EQ(lamd_includes_dir(ToolContext::of_process()).value_or(""),
            d.root + "/src/lamd/includes");
  EnvVar direct("LAMD_INCLUDESDIR", "/explicit/includes");
  EXPECT_EQ(lamd_includes_dir(ToolContext::of_process()).value_or(""), "/explicit/includes");
}

TEST(LamdReferenceDoc, ResolvesBareNamesAgainstTheBundledDirectory) {
  Dir d;
  d.write("inc/custom-reference.dotx", "x");
  d.write("local.dotx", "x");
  EnvVar inc("LAMD_INCLUDESDIR", (d.root + "/inc").c_str());
  EnvVar home("HOME", d.root.c_str());
  const ToolContext ctx = ToolContext::of_process();
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("custom-reference.dotx")),
            d.root + "/inc/custom-reference.dotx");
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("local.dotx")), "local.dotx");
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("~/local.dotx")), d.root + "/local.dotx");
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("./custom-reference.dotx")),
            "./custom-reference.dotx");
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("missing.dotx")), "missing.dotx");
  auto bad = resolve_reference_doc(ctx, Value(int64_t{5}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "expected str, bytes or os.PathLike object, not int");
}

TEST(LamdToolContext, AClientsDirectoryAndEnvironment) {
  Dir d;
  d.write("inc/custom-reference.dotx", "x");
  d.write("home/local.dotx", "x");
  // Not this process's: the client's directory and variables.
  ToolContext ctx(d.root,
                  std::map<std::string, std::string>{{"LAMD_INCLUDESDIR", d.root + "/inc"},
                                                     {"HOME", d.root + "/home"}},
                  {});
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("custom-reference.dotx")),
            d.root + "/inc/custom-reference.dotx");
  EXPECT_EQ(*resolve_reference_doc(ctx, Value("~/local.dotx")), d.root + "/home/local.dotx");
  EXPECT_EQ(ctx.expand_vars("$HOME/x $UNSET"), d.root + "/home/x $UNSET");
  EXPECT_EQ(ctx.path("a/b"), d.root + "/a/b");
  EXPECT_FALSE(ctx.escaped());
}

TEST(LamdToolContext, NotesTheFirstPathOutsideItsRoots) {
  Dir d;
  d.write("talks/t.md", "x");
  ToolContext ctx(d.root + "/talks", std::nullopt, {path_canonical(d.root + "/talks")});
  ctx.path("t.md");
  ctx.path("missing/later.md");
  EXPECT_FALSE(ctx.escaped());
  ctx.path("../outside.md");
  ctx.path("/etc/passwd");
  ASSERT_TRUE(ctx.escaped());
  EXPECT_EQ(*ctx.escaped(), "../outside.md");
}

}  // namespace
}  // namespace lyn::lamd
