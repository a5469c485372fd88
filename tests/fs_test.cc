// core/fs: the bounded reader and the atomic write.
#include "core/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace lyn {
namespace {

namespace fs = std::filesystem;

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lyn-fs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& rel) const { return dir_ + "/" + rel; }
  void put(const std::string& rel, const std::string& text) const {
    std::ofstream(path(rel), std::ios::binary) << text;
  }
  std::string get(const std::string& rel) const {
    std::ifstream in(path(rel), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  size_t entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  std::string dir_;
};

TEST_F(FsTest, ReadsWholeFiles) {
  put("a.txt", std::string(100000, 'x') + "end");
  auto r = read_file(path("a.txt"), "a.txt");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 100003u);
  put("empty", "");
  EXPECT_EQ(*read_file(path("empty")), "");
#ifdef __linux__
  // /proc files report size 0 but have content.
  auto stat = read_file("/proc/self/stat");
  ASSERT_TRUE(stat.ok());
  EXPECT_FALSE(stat->empty());
#endif
}

TEST_F(FsTest, RefusesFilesOverTheLimitNamingFileAndLimit) {
  put("big", std::string(3 << 20, 'y'));
  auto r = read_file(path("big"), "big", size_t{2} << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 413);
  EXPECT_EQ(r.error().message, "File 'big' is too large to read (the limit is 2 MB)");
  auto odd = read_file(path("big"), "big", 1000);
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("1000 bytes"), std::string::npos);
  EXPECT_TRUE(read_file(path("big"), "big", size_t{3} << 20).ok());  // exactly the limit
}

TEST_F(FsTest, ReadErrorsInPythonsWords) {
  auto missing = read_file(path("nope"), "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().type, "FileNotFoundError");
  EXPECT_EQ(missing.error().message, "[Errno 2] No such file or directory: 'nope'");
  auto dir = read_file(dir_, "d");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().type, "IsADirectoryError");
}

TEST_F(FsTest, AtomicWriteReplacesWholeAndLeavesNoTemporaries) {
  put("t.txt", "old");
  ASSERT_TRUE(write_file_atomic(path("t.txt"), "new content").ok());
  EXPECT_EQ(get("t.txt"), "new content");
  ASSERT_TRUE(write_file_atomic(path("fresh.txt"), "x").ok());
  EXPECT_EQ(entries(), 2u);  // no .tmp left behind
  auto missing_dir = write_file_atomic(path("no/such/dir.txt"), "x", "dir.txt");
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.error().type, "FileNotFoundError");
}

TEST_F(FsTest, AtomicWriteKeepsModeOrSetsItExactly) {
  put("keep", "a");
  ::chmod(path("keep").c_str(), 0640);
  ASSERT_TRUE(write_file_atomic(path("keep"), "b").ok());
  struct stat st;
  ASSERT_EQ(::stat(path("keep").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);

  put("secret", "a");
  ::chmod(path("secret").c_str(), 0666);
  ASSERT_TRUE(write_file_atomic(path("secret"), "token\n", {}, kPrivateFile).ok());
  ASSERT_EQ(::stat(path("secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(FsTest, AtomicWriteReplacesAPlantedSymlinkInsteadOfFollowingIt) {
  put("victim", "precious");
  fs::create_symlink(path("victim"), path("state.json"));
  ASSERT_TRUE(write_file_atomic(path("state.json"), "{}", {}, kPrivateFile).ok());
  EXPECT_EQ(get("victim"), "precious");
  EXPECT_FALSE(fs::is_symlink(path("state.json")));
  EXPECT_EQ(get("state.json"), "{}");
}

}  // namespace
}  // namespace lyn
