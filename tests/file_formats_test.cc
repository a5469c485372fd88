// Tests of the file-collection formats: directory readers and writers, the
// list and auto readers, BibTeX and Excel, against small fixtures made in
// a temporary directory and against the recorded conformance cases.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "access/bibtex_format.h"
#include "access/directory_formats.h"
#include "access/excel_format.h"
#include "access/registry.h"
#include "core/frame_json.h"
#include "core/fs.h"
#include "core/json.h"

namespace lyn::access {
namespace {

namespace fs = std::filesystem;

Value J(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lynff.XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = fs::canonical(tmpl).string();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& rel) const { return path_ + "/" + rel; }
  void write(const std::string& rel, std::string_view content) const {
    fs::create_directories(fs::path(file(rel)).parent_path());
    std::ofstream out(file(rel), std::ios::binary);
    out << content;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(file(rel), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  IoContext ctx() const { return IoContext{PathPolicy(path_, {path_}), nullptr}; }

 private:
  std::string path_;
};

std::string fixtures() {
  return std::string(LYN_SOURCE_DIR) + "/tests/conformance/fixtures";
}
IoContext fixture_ctx() {
  std::string f = fs::canonical(fixtures()).string();
  return IoContext{PathPolicy(f, {f}), nullptr};
}

// Expected JSON (null = missing) against our answer (NaN or null).
::testing::AssertionResult same_json(const Value& want, const Value& got, const std::string& at) {
  if (want.is_null()) {
    if (got.is_missing()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << at << ": want null, got " << py_repr(got);
  }
  if (want.is_number() && !want.is_bool()) {
    if (!got.is_number() || got.is_bool())
      return ::testing::AssertionFailure()
             << at << ": want " << py_repr(want) << ", got " << py_repr(got);
    double a = want.to_double(), b = got.to_double();
    if (std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)))
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << at << ": want " << a << ", got " << b;
  }
  if (want.is_list()) {
    if (!got.is_list() || got.as_list().size() != want.as_list().size())
      return ::testing::AssertionFailure()
             << at << ": want " << py_repr(want) << ", got " << py_repr(got);
    for (size_t i = 0; i < want.as_list().size(); ++i) {
      auto r = same_json(want.as_list()[i], got.as_list()[i], at + "/" + std::to_string(i));
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (want.is_map()) {
    if (!got.is_map() || got.as_map().size() != want.as_map().size())
      return ::testing::AssertionFailure()
             << at << ": want " << py_repr(want) << ", got " << py_repr(got);
    for (const auto& [k, v] : want.as_map()) {
      const Value* g = got.get(k);
      if (!g) return ::testing::AssertionFailure() << at << ": missing key " << k;
      auto r = same_json(v, *g, at + "/" + k);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (want == got) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << at << ": want " << py_repr(want) << ", got " << py_repr(got);
}

const Value& conformance_cases() {
  static Value cases = [] {
    auto text = read_file(std::string(LYN_SOURCE_DIR) + "/tests/conformance/cases.json");
    EXPECT_TRUE(text.ok());
    return J(*text);
  }();
  return cases;
}

const Value* find_case(std::string_view name) {
  for (const auto& c : conformance_cases().get("cases")->as_list())
    if (c.get("name")->as_string() == name) return &c;
  return nullptr;
}

void expect_frames_equal(const Frame& a, const Frame& b) {
  ASSERT_EQ(a.num_columns(), b.num_columns());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (size_t j = 0; j < a.columns.size(); ++j) {
    EXPECT_EQ(a.columns[j].key(), b.columns[j].key());
    EXPECT_EQ(a.columns[j].dtype, b.columns[j].dtype) << a.columns[j].key();
    for (size_t i = 0; i < a.num_rows(); ++i)
      EXPECT_EQ(a.columns[j].at(i), b.columns[j].at(i))
          << a.columns[j].key() << "[" << i << "]: " << py_repr(a.columns[j].at(i)) << " vs "
          << py_repr(b.columns[j].at(i));
  }
}

std::optional<Value> cell(const Frame& f, std::string_view col, size_t row) {
  const Column* c = f.find(col);
  if (!c || row >= c->size()) return std::nullopt;
  return c->at(row);
}

// The {records, columns, shape, dtypes} answer, through its JSON text.
Value data_json(const Frame& f) {
  std::string text;
  append_frame_data_json(text, f);
  return *parse_json(text);
}

// ------------------------------------------------------- conformance ---

class FileFormatsConformance : public ::testing::TestWithParam<const char*> {};

TEST_P(FileFormatsConformance, MatchesRecordedAnswer) {
  const Value* c = find_case(GetParam());
  ASSERT_NE(c, nullptr) << GetParam();
  auto frame = read_data(*c->get("body")->get("data_source"), fixture_ctx());
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  EXPECT_TRUE(same_json(*c->get("response")->get("data"), data_json(*frame), ""));
}

INSTANTIATE_TEST_SUITE_P(Cases, FileFormatsConformance,
                         ::testing::Values("read_data/markdown_directory/glob-from-dot",
                                           "read_data/markdown_directory/store_fields",
                                           "read_data/markdown_directory/no-match",
                                           "read_data/yaml_directory/meta",
                                           "read_data/directory/mixed",
                                           "read_data/list/three-types"));

TEST(FileFormatsDirectory, RelativeDirectoryIsJoinedOnce) {
  // lynguine looks for lectures/lectures/week01.md here (a recorded bug).
  auto f = read_data(J(R"({"type":"markdown_directory","source":[{"directory":"lectures"}]})"),
                     fixture_ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 3u);
  EXPECT_EQ(*cell(*f, "sourceFilename", 0), Value("week01.md"));
  EXPECT_EQ(*cell(*f, "sourceFilename", 2), Value("week03.md"));
  EXPECT_EQ(*cell(*f, "sourceDirectory", 1), Value("lectures"));
  EXPECT_EQ(*cell(*f, "title", 1), Value("Week 2: Linear Regression"));
  EXPECT_EQ(f->find("week")->dtype, "int64");
}

TEST(FileFormatsDirectory, RelativeToBaseDirectoryNotProcessCwd) {
  TempDir t;
  t.write("sub/notes/a.md", "---\ntitle: A\n---\nbody\n");
  IoContext ctx{PathPolicy(t.file("sub"), {t.path()}), nullptr};
  auto f = read_data(J(R"({"type":"markdown_directory","source":{"directory":"notes"}})"), ctx);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 1u);
  EXPECT_EQ(*cell(*f, "content", 0), Value("body"));
}

TEST(FileFormatsDirectory, FlattensNestedMappingsKeepsListsAndOrder) {
  TempDir t;
  t.write("d/one.yml",
          "name: one\nexercise:\n  file: ex1.md\n  marks: {total: 10}\ntags: [a, b]\n");
  t.write("d/two.yml", "name: two\nextra: 3.5\n");
  t.write("d/.hidden.yml", "name: hidden\n");
  auto f = read_data(J(R"({"type":"yaml_directory","source":[{"directory":"d"}]})"), t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  std::vector<std::string> cols;
  for (const auto& c : f->columns) cols.push_back(c.key());
  EXPECT_EQ(cols, (std::vector<std::string>{"name", "tags", "sourceRoot", "sourceDirectory",
                                            "sourceFilename", "exercise.file",
                                            "exercise.marks.total", "extra"}));
  ASSERT_EQ(f->num_rows(), 2u);  // the hidden file is not globbed
  EXPECT_EQ(*cell(*f, "tags", 0), Value(List{Value("a"), Value("b")}));
  EXPECT_EQ(*cell(*f, "exercise.marks.total", 0), Value(10.0));
  EXPECT_EQ(f->find("exercise.marks.total")->dtype, "float64");
  EXPECT_TRUE(cell(*f, "exercise.file", 1)->is_missing());
  EXPECT_EQ(*cell(*f, "sourceRoot", 0), Value(""));
  EXPECT_EQ(*cell(*f, "sourceDirectory", 0), Value("d"));
}

TEST(FileFormatsDirectory, RegexpGlobSortingAndMultipleSources) {
  TempDir t;
  for (const char* n : {"b/x2.json", "b/x1.json", "b/y1.json", "a/x9.json"})
    t.write(n, std::string("{\"n\": \"") + n + "\"}");
  auto f = read_data(J(R"({"type":"json_directory","source":[
      {"directory":"b","regexp":"x"},{"directory":"a"}]})"),
                     t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 3u);
  EXPECT_EQ(*cell(*f, "n", 0), Value("a/x9.json"));
  EXPECT_EQ(*cell(*f, "n", 1), Value("b/x1.json"));
  EXPECT_EQ(*cell(*f, "n", 2), Value("b/x2.json"));
}

TEST(FileFormatsDirectory, RepeatedFilesAreAnError) {
  TempDir t;
  t.write("d/a.md", "---\nx: 1\n---\n");
  auto f = read_data(
      J(R"({"type":"markdown_directory","source":[{"directory":"d"},{"directory":"d"}]})"),
      t.ctx());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("repeated files"), std::string::npos);
}

TEST(FileFormatsDirectory, StoreFieldCollisionIsAnError) {
  TempDir t;
  t.write("d/a.yml", "sourceFilename: mine\n");
  auto f = read_data(J(R"({"type":"yaml_directory","source":{"directory":"d"}})"), t.ctx());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("sourceFilename"), std::string::npos);
}

TEST(FileFormatsDirectory, MetaDirectoryReadsSidecarFiles) {
  TempDir t;
  t.write("m/paper.pdf", "%PDF-1.4 binary");
  t.write("m/paper.pdf.yml", "reviewer: Ek\nscore: 4\n");
  t.write("m/talk.pptx", "zip");
  auto f = read_data(J(R"({"type":"meta_directory","source":{"directory":"m","glob":"*[!l]"}})"),
                     t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 2u);
  EXPECT_EQ(*cell(*f, "sourceFilename", 0), Value("paper.pdf"));
  EXPECT_EQ(*cell(*f, "reviewer", 0), Value("Ek"));
  EXPECT_TRUE(cell(*f, "reviewer", 1)->is_missing());
}

TEST(FileFormatsDirectory, PlainDirectoryByExtensionAndUnknownExtension) {
  TempDir t;
  t.write("p/a.md", "---\nk: md\n---\ntext\n");
  t.write("p/b.json", "{\"k\": \"json\"}");
  t.write("p/c.bib", "@misc{c1, title={T}}\n");
  auto f = read_data(J(R"({"type":"directory","source":{"directory":"p"}})"), t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 3u);
  EXPECT_EQ(*cell(*f, "k", 1), Value("json"));
  EXPECT_EQ(*cell(*f, "ID", 2), Value("c1"));
  // lynguine's read_txt_file: a text file is one record holding its content.
  t.write("p/d.txt", "plain\r\ntext");
  auto txt = read_data(J(R"({"type":"directory","source":{"directory":"p"}})"), t.ctx());
  ASSERT_TRUE(txt.ok()) << txt.error().message;
  ASSERT_EQ(txt->num_rows(), 4u);
  EXPECT_EQ(*cell(*txt, "content", 3), Value("plain\ntext"));
  t.write("p/e.dat", "plain");
  auto bad = read_data(J(R"({"type":"directory","source":{"directory":"p"}})"), t.ctx());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("e.dat"), std::string::npos);
}

TEST(FileFormatsDirectory, SymlinkEscapingRootIsRefused) {
  TempDir outside, t;
  outside.write("secret.md", "---\nsecret: 1\n---\n");
  t.write("d/ok.md", "---\nx: 1\n---\n");
  fs::create_symlink(outside.file("secret.md"), t.file("d/link.md"));
  auto f = read_data(J(R"({"type":"markdown_directory","source":{"directory":"d"}})"), t.ctx());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().type, "PathEscapeError");
  // A directory symlink leaving the root, and a parent directory, too.
  fs::create_symlink(outside.path(), t.file("out"));
  auto g = read_data(J(R"({"type":"markdown_directory","source":{"directory":"out"}})"), t.ctx());
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().type, "PathEscapeError");
  auto h = read_data(
      J(R"({"type":"markdown_directory","source":{"directory":"..","glob":"*/*.md"}})"), t.ctx());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().type, "PathEscapeError");
}

TEST(FileFormatsDirectory, BinaryAndInvalidUtf8FilesAreClearErrors) {
  TempDir t;
  t.write("b/blob.md", std::string("\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", 12));
  auto f = read_data(J(R"({"type":"markdown_directory","source":{"directory":"b"}})"), t.ctx());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("blob.md"), std::string::npos) << f.error().message;
  t.write("y/bad.yml", "name: caf\xe9\n");
  auto g = read_data(J(R"({"type":"yaml_directory","source":{"directory":"y"}})"), t.ctx());
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("bad.yml"), std::string::npos) << g.error().message;
  EXPECT_NE(g.error().message.find("UTF-8"), std::string::npos);
}

TEST(FileFormatsDirectory, ListReaderAddsSourceFileAndRefusesEscape) {
  TempDir t;
  t.write("x/a.yml", "v: 1\n");
  t.write("b.json", "{\"v\": 2}");
  auto f = read_data(J(R"({"type":"list","filename":["x/a.yml","b.json"]})"), t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 2u);
  EXPECT_EQ(*cell(*f, "sourceFile", 0), Value("b.json"));  // sorted by name
  EXPECT_EQ(*cell(*f, "sourceDirectory", 1), Value("x"));
  EXPECT_EQ(f->find("v")->dtype, "int64");
  auto g = read_data(J(R"({"type":"list","filename":["../../etc/hostname"]})"), t.ctx());
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().type, "PathEscapeError");
  auto h = read_data(J(R"({"type":"list","filename":["missing.yml"]})"), t.ctx());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().type, "FileNotFoundError");
}

// ------------------------------------------------------ dir writers ---

TEST(FileFormatsWriters, MarkdownDirectoryRoundTrip) {
  TempDir t;
  t.write("in/a.md", "---\ntitle: A\nweek: 1\ntags: [x, y]\n---\nBody A\n");
  t.write("in/b.md", "---\ntitle: B\nweek: 2\nnotes: two\n---\nBody B\n");
  auto src = J(R"({"type":"markdown_directory","source":{"directory":"in"}})");
  auto f = read_data(src, t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  Frame out = *f;
  for (auto [name, to] : {std::pair{"sourceRoot", "out"}, std::pair{"sourceDirectory", "nested"}}) {
    Column* c = out.find(name);
    for (size_t i = 0; i < c->size(); ++i) c->set(i, Value(to));
  }
  ASSERT_TRUE(write_data(out, J(R"({"type":"markdown_directory"})"), t.ctx()).ok());
  auto back =
      read_data(J(R"({"type":"markdown_directory","source":{"directory":"out/nested"}})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_frames_equal(out, *back);
  EXPECT_EQ(t.read("out/nested/b.md").find("sourceDirectory"), std::string::npos);
}

TEST(FileFormatsWriters, YamlAndMetaDirectoryRoundTrip) {
  TempDir t;
  t.write("y/a.yml", "name: a\nscore: 1.5\nok: true\n");
  t.write("y/b.yml", "name: b\nscore: 2.0\nok: false\n");
  auto f = read_data(J(R"({"type":"yaml_directory","source":{"directory":"y"}})"), t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  Frame out = *f;
  Column* dir = out.find("sourceDirectory");
  for (size_t i = 0; i < dir->size(); ++i) dir->set(i, Value("y2"));
  ASSERT_TRUE(write_data(out, J(R"({"type":"yaml_directory"})"), t.ctx()).ok());
  auto back = read_data(J(R"({"type":"yaml_directory","source":{"directory":"y2"}})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_frames_equal(out, *back);

  ASSERT_TRUE(write_data(out, J(R"({"type":"meta_directory"})"), t.ctx()).ok());
  EXPECT_TRUE(fs::exists(t.file("y2/a.yml.yml")));
  auto meta = read_data(
      J(R"({"type":"meta_directory","source":{"directory":"y2","glob":"?.yml"}})"), t.ctx());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  expect_frames_equal(out, *meta);
}

TEST(FileFormatsWriters, DirectoryWriterRefusesEscapeAndWritesNothing) {
  TempDir t;
  Frame f = Frame::from_records(
      J(R"([{"title":"x","sourceRoot":"","sourceDirectory":"../../escaped","sourceFilename":"x.md"}])")
          .as_list());
  auto st = write_data(f, J(R"({"type":"markdown_directory"})"), t.ctx());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().type, "PathEscapeError");
  EXPECT_FALSE(fs::exists(fs::path(t.path()).parent_path().parent_path() / "escaped"));
}

TEST(FileFormatsWriters, MarkdownFileWriterWritesFrontMatterAndContent) {
  TempDir t;
  Frame f = Frame::from_records(
      J(R"([{"title":"Note","week":3,"content":"Body text","gap":null}])").as_list());
  ASSERT_TRUE(write_data(f, J(R"({"type":"markdown","filename":"note.md"})"), t.ctx()).ok());
  std::string text = t.read("note.md");
  EXPECT_EQ(text.rfind("---\n", 0), 0u);
  EXPECT_NE(text.find("title: Note"), std::string::npos);
  EXPECT_EQ(text.find("gap"), std::string::npos);
  auto back = read_data(J(R"({"type":"markdown","filename":"note.md"})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  Frame want =
      Frame::from_records(J(R"([{"title":"Note","week":3,"content":"Body text"}])").as_list());
  expect_frames_equal(want, *back);
  Frame two = Frame::from_records(J(R"([{"a":1},{"a":2}])").as_list());
  EXPECT_FALSE(write_data(two, J(R"({"type":"markdown","filename":"two.md"})"), t.ctx()).ok());
}

TEST(FileFormatsWriters, YamlWriterRoundTrip) {
  TempDir t;
  Frame f = Frame::from_records(
      J(R"([{"name":"Sheffield","notes":"line one\nline two","capacity":60,"tags":["a","b"]},
             {"name":"Cambridge","notes":"x","capacity":70,"tags":[]}])")
          .as_list());
  ASSERT_TRUE(write_data(f, J(R"({"type":"yaml","filename":"v.yml"})"), t.ctx()).ok());
  auto back = read_data(J(R"({"type":"yaml","filename":"v.yml"})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_frames_equal(f, *back);
}

// ------------------------------------------------------------ bibtex ---

TEST(FileFormatsBibtex, ReadsFixtureSortedByAuthorYearTitle) {
  auto f = read_data(J(R"({"type":"bibtex","filename":"data/refs.bib"})"), fixture_ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->num_rows(), 4u);
  std::vector<std::string> ids;
  for (const auto& v : f->find("ID")->values()) ids.push_back(v.as_string());
  EXPECT_EQ(ids, (std::vector<std::string>{"Damianou:deepgp13", "Rasmussen:book06",
                                           "Titsias:variational09", "Lawrence:pnpca05"}));
  std::vector<std::string> cols;
  for (const auto& c : f->columns) cols.push_back(c.key());
  EXPECT_EQ(cols, (std::vector<std::string>{"ENTRYTYPE", "ID", "title", "author", "year", "journal",
                                            "booktitle", "volume", "pages", "publisher", "address",
                                            "note"}));
  EXPECT_EQ(*cell(*f, "ENTRYTYPE", 2), Value("inproceedings"));
  EXPECT_EQ(*cell(*f, "title", 2),
            Value("Variational Learning of Inducing Variables in Sparse {G}aussian Processes"));
  EXPECT_EQ(*cell(*f, "year", 1), Value("2006"));
  EXPECT_TRUE(cell(*f, "journal", 0)->is_missing());
}

TEST(FileFormatsBibtex, MacrosConcatenationQuotesCommentsPreamble) {
  const char* text = R"(Free text before entries is ignored.
@comment{ this {is} skipped @article{not, title={entry}} }
@preamble{ "\newcommand{\x}{y}" }
@STRING{ jmlr = "Journal of Machine Learning Research" }
@String(pre = {Proc. })
@Article{Key1,
  AUTHOR = "Lawrence, {N}eil",
  Journal = jmlr # { (JMLR)},
  booktitle = pre # "ICML",
  year = 2005,
  month = jan,
  title = {Nested {braces {deep}} kept},
}
@misc(Key2, title = "Parenthesised")
)";
  auto r = parse_bibtex(text, "t.bib");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  const Value& e = (*r)[0];
  EXPECT_EQ(*e.get("ENTRYTYPE"), Value("article"));
  EXPECT_EQ(*e.get("ID"), Value("Key1"));
  EXPECT_EQ(*e.get("author"), Value("Lawrence, {N}eil"));
  EXPECT_EQ(*e.get("journal"), Value("Journal of Machine Learning Research (JMLR)"));
  EXPECT_EQ(*e.get("booktitle"), Value("Proc. ICML"));
  EXPECT_EQ(*e.get("year"), Value("2005"));
  EXPECT_EQ(*e.get("month"), Value("jan"));
  EXPECT_EQ(*e.get("title"), Value("Nested {braces {deep}} kept"));
  EXPECT_EQ(*(*r)[1].get("title"), Value("Parenthesised"));
}

TEST(FileFormatsBibtex, UnbalancedBracesNameFileAndLineWithoutHanging) {
  auto start = std::chrono::steady_clock::now();
  const char* cases[] = {
      "@article{a,\n  title = {Open {brace},\n  year = 2001\n}\n",
      "@article{a,\n  title = {never closed\n",
      "\n\n@book{b, title = \"quote {unbalanced\"}\n",
      "@article{c, title = {x}} }\n@misc{d, title = {ok}\n",
      "@article{e title = {x}}",
      "@article{f, = {x}}",
  };
  for (const char* c : cases) {
    auto r = parse_bibtex(c, "broken.bib");
    ASSERT_FALSE(r.ok()) << c;
    EXPECT_NE(r.error().message.find("'broken.bib'"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("line "), std::string::npos) << r.error().message;
  }
  auto r = parse_bibtex("\n\n@article{a,\n  title = {Open {brace},\n}\n", "broken.bib");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  // Many unbalanced openers: still linear.
  std::string big(200000, '{');
  EXPECT_FALSE(parse_bibtex("@article{x, title = " + big, "big.bib").ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(FileFormatsBibtex, WriterRoundTripsAndValidatesIds) {
  TempDir t;
  fs::copy_file(fixtures() + "/data/refs.bib", t.file("refs.bib"));
  auto f = read_data(J(R"({"type":"bibtex","filename":"refs.bib"})"), t.ctx());
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_TRUE(write_data(*f, J(R"({"type":"bibtex","filename":"out.bib"})"), t.ctx()).ok());
  auto back = read_data(J(R"({"type":"bibtex","filename":"out.bib"})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_frames_equal(*f, *back);
  EXPECT_NE(t.read("out.bib").find("@article{Lawrence:pnpca05,\n  title = {"), std::string::npos);

  Frame dup =
      Frame::from_records(J(R"([{"ID":"a","title":"x"},{"ID":"a","title":"y"}])").as_list());
  EXPECT_FALSE(write_data(dup, J(R"({"type":"bibtex","filename":"d.bib"})"), t.ctx()).ok());
  Frame bad = Frame::from_records(J(R"([{"ID":"has space","title":"x"}])").as_list());
  EXPECT_FALSE(write_data(bad, J(R"({"type":"bibtex","filename":"d.bib"})"), t.ctx()).ok());
  EXPECT_FALSE(fs::exists(t.file("d.bib")));
}

TEST(FileFormatsBibtex, InvalidUtf8AndAutoDispatch) {
  TempDir t;
  t.write("bad.bib", "@misc{a, title = {caf\xe9}}\n");
  auto f = read_data(J(R"({"type":"bibtex","filename":"bad.bib"})"), t.ctx());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("bad.bib"), std::string::npos);
  t.write("ok.bib", "@misc{a, title = {caf\xc3\xa9}}\n");
  auto g = read_data(J(R"({"type":"auto","filename":"ok.bib"})"), t.ctx());
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(*cell(*g, "title", 0), Value("caf\xc3\xa9"));
  auto h = read_data(J(R"({"type":"auto","filename":"thing.xyz"})"), t.ctx());
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().message.find("thing.xyz"), std::string::npos);
}

// ------------------------------------------------------------- excel ---

Frame mixed_frame() {
  Frame f = Frame::from_records(J(R"([
      {"name":"Ada","age":36,"score":9.5,"ok":true,"note":"x & <y>"},
      {"name":"Bo","age":41,"score":null,"ok":false,"note":"\u00fcn\u00ef \u2713"},
      {"name":"Cy","age":29,"score":7.25,"ok":true,"note":"multi\nline"}])")
                                    .as_list());
  Column when(
      Value("when"), "datetime64[ns]",
      {Value(DateTime{2024, 9, 9, 8, 30, 0, 0}), Value(DateTime{1999, 12, 31, 23, 59, 59, 0}),
       Value(DateTime{2025, 2, 28, 0, 0, 0, 0})});
  f.columns.push_back(when);
  return f;
}

TEST(FileFormatsExcel, WriterRoundTrip) {
  TempDir t;
  Frame f = mixed_frame();
  ASSERT_TRUE(write_data(f, J(R"({"type":"excel","filename":"out.xlsx"})"), t.ctx()).ok());
  auto back = read_data(J(R"({"type":"excel","filename":"out.xlsx"})"), t.ctx());
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_frames_equal(f, *back);
  EXPECT_EQ(back->find("score")->dtype, "float64");
  EXPECT_EQ(back->find("age")->dtype, "int64");
  EXPECT_EQ(back->find("ok")->dtype, "bool");
}

TEST(FileFormatsExcel, SheetOptionHeaderRowAndHeaderNone) {
  TempDir t;
  Frame f = Frame::from_records(J(R"([{"a":1,"b":"x"},{"a":2,"b":"y"}])").as_list());
  ASSERT_TRUE(
      write_data(f, J(R"({"type":"excel","filename":"s.xlsx","sheet":"Data","header":2})"), t.ctx())
          .ok());
  auto by_name =
      read_data(J(R"({"type":"excel","filename":"s.xlsx","sheet":"Data","header":2})"), t.ctx());
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  expect_frames_equal(f, *by_name);
  auto by_index =
      read_data(J(R"({"type":"excel","filename":"s.xlsx","sheet":0,"header":2})"), t.ctx());
  ASSERT_TRUE(by_index.ok()) << by_index.error().message;
  expect_frames_equal(f, *by_index);
  auto none =
      read_data(J(R"({"type":"excel","filename":"s.xlsx","sheet":"Data","header":null})"), t.ctx());
  ASSERT_TRUE(none.ok()) << none.error().message;
  ASSERT_EQ(none->num_rows(), 3u);  // header line is data now
  EXPECT_EQ(none->columns[0].name, Value(int64_t{0}));
  EXPECT_EQ(*cell(*none, "0", 0), Value("a"));
  auto missing = read_data(J(R"({"type":"excel","filename":"s.xlsx","sheet":"Nope"})"), t.ctx());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("Nope"), std::string::npos);
}

TEST(FileFormatsExcel, SharedStringsStylesDatesAndNaStrings) {
  const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  std::vector<std::pair<std::string, std::string>> entries = {
      {"xl/workbook.xml",
       decl + "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
              "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
              "<x:sheets><x:sheet name=\"Other\" sheetId=\"1\" r:id=\"rId7\"/><x:sheet "
              "name=\"Sheet1\" "
              "sheetId=\"2\" r:id=\"rId8\"/></x:sheets></x:workbook>"},
      {"xl/_rels/workbook.xml.rels",
       decl +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId7\" Target=\"worksheets/a.xml\" Type=\"ws\"/>"
           "<Relationship Id=\"rId8\" Target=\"/xl/worksheets/b.xml\" "
           "Type=\"ws\"/></Relationships>"},
      {"xl/sharedStrings.xml",
       decl + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
              "<si><t>name</t></si><si><t>when</t></si><si><r><t>Rich </t></r><r><t>text</t></r>"
              "<rPh><t>skip</t></rPh></si><si><t>NA</t></si><si><t>n</t></si></sst>"},
      {"xl/styles.xml",
       decl + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
              "<numFmts><numFmt numFmtId=\"170\" formatCode=\"d/m/yyyy\"/><numFmt numFmtId=\"171\" "
              "formatCode=\"&quot;Day&quot; 0.00\"/></numFmts><cellXfs><xf numFmtId=\"0\"/>"
              "<xf numFmtId=\"170\"/><xf numFmtId=\"171\"/><xf "
              "numFmtId=\"14\"/></cellXfs></styleSheet>"},
      {"xl/worksheets/a.xml", decl +
                                  "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
                                  "<is><t>other</t></is></c></row></sheetData></worksheet>"},
      {"xl/worksheets/b.xml",
       decl + "<worksheet "
              "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
              "<c r=\"C1\" t=\"s\"><v>4</v></c><c r=\"E1\" t=\"s\"><v>4</v></c></row>"
              "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" s=\"1\"><v>45544</v></c>"
              "<c r=\"C2\" s=\"2\"><v>3</v></c><c r=\"D2\" t=\"b\"><v>1</v></c></row>"
              "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>3</v></c><c r=\"B4\" s=\"3\"><v>60.5</v></c>"
              "<c r=\"C4\" t=\"e\"><v>#N/A</v></c><c r=\"D4\" t=\"b\"><v>0</v></c></row>"
              "</sheetData></worksheet>"}};
  auto f = read_xlsx(write_zip(entries), {}, "styled.xlsx");
  ASSERT_TRUE(f.ok()) << f.error().message;
  std::vector<std::string> cols;
  for (const auto& c : f->columns) cols.push_back(c.key());
  EXPECT_EQ(cols, (std::vector<std::string>{"name", "when", "n", "Unnamed: 3", "n.1"}));
  ASSERT_EQ(f->num_rows(), 2u);  // the blank third row is skipped
  EXPECT_EQ(*cell(*f, "name", 0), Value("Rich text"));
  EXPECT_TRUE(cell(*f, "name", 1)->is_missing());  // "NA"
  EXPECT_EQ(f->find("when")->dtype, "datetime64[ns]");
  EXPECT_EQ(*cell(*f, "when", 0), Value(DateTime{2024, 9, 9, 0, 0, 0, 0}));
  EXPECT_EQ(*cell(*f, "when", 1), Value(DateTime{1900, 2, 28, 12, 0, 0, 0}));
  EXPECT_EQ(*cell(*f, "n", 0), Value(3.0));  // "Day" 0.00 is not a date format
  EXPECT_EQ(f->find("n")->dtype, "float64");
  EXPECT_EQ(f->find("Unnamed: 3")->dtype, "bool");
}

TEST(FileFormatsExcel, TruncatedAndCorruptFilesAreClearErrors) {
  TempDir t;
  ASSERT_TRUE(
      write_data(mixed_frame(), J(R"({"type":"excel","filename":"ok.xlsx"})"), t.ctx()).ok());
  std::string bytes = t.read("ok.xlsx");
  for (size_t cut : {bytes.size() / 2, bytes.size() - 10, size_t{30}, size_t{0}}) {
    t.write("cut.xlsx", bytes.substr(0, cut));
    auto f = read_data(J(R"({"type":"excel","filename":"cut.xlsx"})"), t.ctx());
    ASSERT_FALSE(f.ok()) << cut;
    EXPECT_NE(f.error().message.find("cut.xlsx"), std::string::npos) << f.error().message;
  }
  std::string flipped = bytes;
  size_t sheet_at = flipped.find("xl/worksheets/sheet1.xml");  // its local header
  ASSERT_NE(sheet_at, std::string::npos);
  flipped[sheet_at + 40] = static_cast<char>(flipped[sheet_at + 40] ^ 0x55);
  t.write("flip.xlsx", flipped);
  EXPECT_FALSE(read_data(J(R"({"type":"excel","filename":"flip.xlsx"})"), t.ctx()).ok());
  t.write("text.xlsx", "name,age\nAda,36\n");
  auto g = read_data(J(R"({"type":"excel","filename":"text.xlsx"})"), t.ctx());
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("not a valid xlsx"), std::string::npos);
}

TEST(FileFormatsExcel, ZipBombsAreRefused) {
  TempDir t;
  const std::string wb =
      "<workbook xmlns:r=\"r\"><sheets><sheet name=\"Sheet1\" r:id=\"rId1\"/></sheets></workbook>";
  // 1. A highly compressible sheet: 64 MB of spaces.
  {
    std::string sheet =
        "<worksheet><sheetData>" + std::string(size_t{64} << 20, ' ') + "</sheetData></worksheet>";
    std::string zip = write_zip({{"xl/workbook.xml", wb}, {"xl/worksheets/sheet1.xml", sheet}});
    t.write("bomb.xlsx", zip);
    auto f = read_data(J(R"({"type":"excel","filename":"bomb.xlsx"})"), t.ctx());
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("zip bomb"), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find("bomb.xlsx"), std::string::npos);
  }
  // 2. Declared sizes beyond the total cap (patched central directory).
  {
    std::string zip =
        write_zip({{"xl/workbook.xml", wb}, {"xl/worksheets/sheet1.xml", "<worksheet/>"}});
    size_t cd = zip.rfind(std::string("PK\x01\x02", 4));
    ASSERT_NE(cd, std::string::npos);
    uint32_t huge = 0xF0000000u;
    std::memcpy(&zip[cd + 24], &huge, 4);
    t.write("liar.xlsx", zip);
    auto f = read_data(J(R"({"type":"excel","filename":"liar.xlsx"})"), t.ctx());
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("zip bomb"), std::string::npos) << f.error().message;
  }
  // 3. An entry that inflates past its declared size.
  {
    std::string zip = write_zip(
        {{"xl/workbook.xml", wb}, {"xl/worksheets/sheet1.xml", std::string(100000, 'a')}});
    size_t cd = zip.rfind(std::string("PK\x01\x02", 4));
    uint32_t small = 1000;
    std::memcpy(&zip[cd + 24], &small, 4);
    t.write("grow.xlsx", zip);
    auto f = read_data(J(R"({"type":"excel","filename":"grow.xlsx"})"), t.ctx());
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("grow.xlsx"), std::string::npos) << f.error().message;
  }
}

}  // namespace
}  // namespace lyn::access
