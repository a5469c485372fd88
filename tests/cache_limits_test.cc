// Tests for the byte-bounded caches (core/byte_lru.h, the parsed-file
// cache, the Liquid template cache) and the per-request read limits
// (core/budget.h: max_read_bytes, max_rows) as the API answers them, and for
// Api::handle_streaming giving the same body as Api::handle.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "access/file_cache.h"
#include "assess/liquid/liquid.h"
#include "config/paths.h"
#include "core/budget.h"
#include "core/byte_lru.h"
#include "core/json.h"
#include "service/api.h"

namespace lyn {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lyn-cache-XXXXXX";
    path_ = path_canonical(mkdtemp(tmpl));
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string write(const std::string& rel, const std::string& text) const {
    std::ofstream(path_ + "/" + rel) << text;
    return path_ + "/" + rel;
  }

 private:
  std::string path_;
};

constexpr size_t kOverhead = ByteLru<int>::kEntryOverhead;

TEST(ByteLru, EvictsLeastRecentlyUsedToStayWithinBudget) {
  // Each entry costs 100 + key (1) + overhead; three fit, four do not.
  const size_t each = 100 + 1 + kOverhead;
  ByteLru<int> lru(3 * each);
  EXPECT_TRUE(lru.put("a", 1, 100));
  EXPECT_TRUE(lru.put("b", 2, 100));
  EXPECT_TRUE(lru.put("c", 3, 100));
  ASSERT_NE(lru.find("a"), nullptr);  // "a" is now the most recent; "b" the least
  EXPECT_TRUE(lru.put("d", 4, 100));
  EXPECT_EQ(lru.find("b"), nullptr);
  EXPECT_EQ(*lru.find("a"), 1);
  EXPECT_EQ(lru.size(), 3u);
  EXPECT_EQ(lru.bytes(), 3 * each);
  EXPECT_EQ(lru.evictions(), 1u);
  // Replacing an entry recharges it; one larger than the budget is not kept.
  EXPECT_TRUE(lru.put("a", 5, 10));
  EXPECT_EQ(lru.bytes(), 2 * each + 10 + 1 + kOverhead);
  EXPECT_FALSE(lru.put("huge", 6, 4 * each));
  EXPECT_EQ(lru.find("huge"), nullptr);
  lru.set_budget(each);
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_LE(lru.bytes(), each);
}

TEST(FileCache, KeepsParsedFilesWithinItsBudget) {
  TempDir t;
  FileCache cache(10000);
  int loads = 0;
  auto load_text = [&](const std::string& path) {
    return std::function<Result<Value>()>([&loads, path]() -> Result<Value> {
      ++loads;
      return Value(std::string(3000, 'x') + path);
    });
  };
  std::vector<std::string> paths;
  for (int i = 0; i < 5; ++i) paths.push_back(t.write("f" + std::to_string(i), "data"));
  for (const auto& p : paths) ASSERT_TRUE(cache.get<Value>(p, "t", load_text(p)).ok());
  FileCache::Stats s = cache.stats();
  EXPECT_EQ(loads, 5);
  EXPECT_LE(s.bytes, 10000u);
  EXPECT_EQ(s.budget, 10000u);
  EXPECT_GE(s.evictions, 2u);
  EXPECT_EQ(s.entries + s.evictions, 5u);
  // The most recent file is still cached; the first was evicted.
  ASSERT_TRUE(cache.get<Value>(paths.back(), "t", load_text(paths.back())).ok());
  EXPECT_EQ(loads, 5);
  ASSERT_TRUE(cache.get<Value>(paths.front(), "t", load_text(paths.front())).ok());
  EXPECT_EQ(loads, 6);
}

TEST(FileCache, CachedOnlyAnswersHitsAndNeverLoadsAMiss) {
  TempDir t;
  FileCache cache;
  std::string path = t.write("talk.md", "data");
  int loads = 0;
  std::function<Result<Value>()> load = [&loads]() -> Result<Value> {
    ++loads;
    return Value("parsed");
  };
  {
    FileCache::CachedOnly only;
    EXPECT_TRUE(FileCache::CachedOnly::active());
    auto miss = cache.get<Value>(path, "t", load);
    ASSERT_FALSE(miss.ok());
    EXPECT_EQ(miss.error().type, "CacheMiss");
    EXPECT_TRUE(only.missed());
    EXPECT_EQ(loads, 0);
    EXPECT_EQ(cache.stats().misses, 0u);  // the worker's load counts it
  }
  EXPECT_FALSE(FileCache::CachedOnly::active());
  ASSERT_TRUE(cache.get<Value>(path, "t", load).ok());
  EXPECT_EQ(loads, 1);
  {
    FileCache::CachedOnly only;
    auto hit = cache.get<Value>(path, "t", load);
    ASSERT_TRUE(hit.ok());
    EXPECT_EQ((*hit)->as_string(), "parsed");
    EXPECT_FALSE(only.missed());
    // A changed file is a miss too, never a stale answer.
    t.write("talk.md", "edited, longer");
    EXPECT_FALSE(cache.get<Value>(path, "t", load).ok());
    EXPECT_TRUE(only.missed());
  }
  EXPECT_EQ(loads, 1);
}

TEST(TemplateCache, ChargesTemplatesAndEvictsPastItsBudget) {
  auto source = [](int i) {
    std::string tpl = "{{ a }}" + std::to_string(i);
    tpl.resize(200, ' ');
    return tpl;
  };
  // Tags cost more than text; every template here costs the same.
  EXPECT_GT(liquid::template_bytes("{{ a | upcase }}"), liquid::template_bytes("plain text here!"));
  const size_t each = liquid::template_bytes(source(0)) + 200 + ByteLru<int>::kEntryOverhead;
  liquid::set_template_cache_budget(3 * each);
  liquid::TemplateCacheStats before = liquid::template_cache_stats();
  for (int i = 0; i < 6; ++i) {
    auto out = liquid::render_liquid(source(i), Map{{"a", Value("x")}});
    ASSERT_TRUE(std::holds_alternative<std::string>(out));
    EXPECT_EQ(std::get<std::string>(out).substr(0, 2), "x" + std::to_string(i));
  }
  liquid::TemplateCacheStats after = liquid::template_cache_stats();
  EXPECT_EQ(after.entries, 3u);
  EXPECT_LE(after.bytes, after.budget);
  EXPECT_GE(after.evictions, before.evictions + 3);
  liquid::set_template_cache_budget(liquid::kDefaultTemplateCacheBytes);
}

class ApiLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = "id,name\n";
    for (int i = 0; i < 50; ++i) csv += std::to_string(i) + ",n" + std::to_string(i) + "\n";
    t_.write("t.csv", csv);
  }
  service::Reply read(service::ApiOptions o) {
    o.root = t_.path();
    service::Api api(o);
    return api.handle("POST", "/api/read_data",
                      R"({"data_source": {"type": "csv", "filename": "t.csv"}})");
  }
  TempDir t_;
};

TEST_F(ApiLimits, TooManyBytesIsA413NamingTheOption) {
  service::ApiOptions o;
  o.limits.max_read_bytes = 100;
  auto r = read(o);
  EXPECT_EQ(r.status, 413);
  auto body = parse_json(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ(*body->get("error_type"), Value("LimitExceeded"));
  EXPECT_NE(body->get("error_message")->as_string().find("max_read_bytes"), std::string::npos);
  EXPECT_NE(body->get("error_message")->as_string().find("--limit max_read_bytes=N"),
            std::string::npos);
}

TEST_F(ApiLimits, TooManyRowsIsA413NamingTheOption) {
  service::ApiOptions o;
  o.limits.max_rows = 10;
  auto r = read(o);
  EXPECT_EQ(r.status, 413);
  auto body = parse_json(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ(*body->get("error_type"), Value("LimitExceeded"));
  EXPECT_NE(body->get("error_message")->as_string().find("--limit max_rows=N"), std::string::npos);
  o.limits.max_rows = 50;  // exactly the file's rows
  EXPECT_EQ(read(o).status, 200);
}

TEST_F(ApiLimits, StreamingGivesTheSameBodyInPieces) {
  // Enough rows for several pieces.
  std::string csv = "id,name,score\n";
  for (int i = 0; i < 20000; ++i)
    csv += std::to_string(i) + ",n" + std::to_string(i % 17) + "," + std::to_string(i) + ".5\n";
  t_.write("big.csv", csv);
  service::ApiOptions o;
  o.root = t_.path();
  service::Api api(o);
  const char* req = R"({"data_source": {"type": "csv", "filename": "big.csv"}})";
  auto whole = api.handle("POST", "/api/read_data", req);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.stream, nullptr);
  auto streamed = api.handle_streaming("POST", "/api/read_data", req);
  ASSERT_EQ(streamed.status, 200);
  ASSERT_NE(streamed.stream, nullptr);
  std::string body = streamed.body, piece;
  int pieces = 0;
  while (true) {
    piece.clear();
    if (!streamed.stream->next(piece)) break;
    ++pieces;
    body += piece;
  }
  EXPECT_GT(pieces, 3);
  EXPECT_EQ(body, whole.body);
  EXPECT_EQ(streamed.stream->size_hint(), body.size());  // exact once complete
  // Errors are never streamed.
  auto missing = api.handle_streaming("POST", "/api/read_data",
                                      R"({"data_source": {"type": "csv", "filename": "no.csv"}})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.stream, nullptr);
  // The second read was a cache hit, and the stats say so.
  auto stats = api.cache_stats();
  EXPECT_GE(stats.hits, 1u);
  EXPECT_GT(stats.bytes, 0u);
  EXPECT_EQ(stats.budget_bytes, o.cache_bytes);
  EXPECT_EQ(stats.template_budget_bytes, o.cache_bytes / 16);
}

TEST(ReadLimits, ChargesAddUp) {
  Limits limits;
  limits.max_read_bytes = 1000;
  limits.max_rows = 10;
  Budget b(limits);
  EXPECT_TRUE(b.charge_read(600, "a").ok());
  auto st = b.charge_read(600, "b");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().http_status, 413);
  EXPECT_EQ(st.error().type, "LimitExceeded");
  EXPECT_NE(st.error().message.find("'b'"), std::string::npos);
  EXPECT_EQ(b.bytes_read(), 600u);  // the refused read is not counted
  EXPECT_TRUE(b.charge_rows(10).ok());
  EXPECT_EQ(b.rows_left(), 0u);
  EXPECT_FALSE(b.charge_rows(1).ok());
  // 0: unlimited, like every limit; the --limit option sets them.
  Limits none;
  ASSERT_TRUE(set_limit(none, "max_rows=0").ok());
  ASSERT_TRUE(set_limit(none, "max_read_bytes=0").ok());
  Budget unlimited(none);
  EXPECT_TRUE(unlimited.charge_rows(uint64_t{1} << 40).ok());
  EXPECT_TRUE(unlimited.charge_read(uint64_t{1} << 40, "x").ok());
}

}  // namespace
}  // namespace lyn
