// FileCache: parsed files kept in memory between requests, keyed by the
// file's canonical path and a tag naming what was parsed (and with which
// options). An entry is served only while the file's (size, mtime in ns,
// inode, ctime in ns) stamp is unchanged, so a file edited between two
// requests -- even within the same second -- is never served stale.
//
// Memory: entries are charged their approximate bytes (approx_bytes() of
// the cached object, found by argument-dependent lookup) and the least
// recently used ones are dropped once the total passes the byte budget; an
// object larger than the whole budget is served but not kept.
//
// Cached only: while a FileCache::CachedOnly lives on a thread, get() on
// that thread never loads: a miss (or a changed file) returns a "CacheMiss"
// error and marks the scope missed, so that the caller (a request tried on
// a server's I/O thread) can run the work again where reading may block.
// Code that reads files past the cache asks CachedOnly::active() first.
//
// Thread safety: all methods may be called from any thread; a mutex guards
// the map and parsing happens outside it (two threads may parse the same
// file at once; the last one wins, both answers are correct). A CachedOnly
// scope is its thread's alone.
#ifndef LYNGUINE_ACCESS_FILE_CACHE_H_
#define LYNGUINE_ACCESS_FILE_CACHE_H_

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/byte_lru.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct FileStamp {
  int64_t size = -1;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  bool operator==(const FileStamp&) const = default;
};

// Stats `path`; nullopt-like (size -1) when it does not exist.
FileStamp stamp_file(const std::string& path);

// What a cached object costs, for the types cached here.
inline size_t approx_bytes(const Value& v) {
  return approx_value_bytes(v);
}
inline size_t approx_bytes(const Frame& f) {
  return f.approx_bytes();
}

class FileCache {
 public:
  // Sized for a laptop; ApiOptions::cache_bytes overrides it.
  static constexpr size_t kDefaultBudget = size_t{256} << 20;

  explicit FileCache(size_t budget_bytes = kDefaultBudget) : lru_(budget_bytes) {}

  // See "Cached only" above. Scopes do not nest.
  class CachedOnly {
   public:
    CachedOnly();
    ~CachedOnly();
    CachedOnly(const CachedOnly&) = delete;
    CachedOnly& operator=(const CachedOnly&) = delete;
    // Whether something on this thread needed more than the cache held.
    bool missed() const;
    // Whether a scope is active on this thread.
    static bool active();
    // Marks this thread's scope missed (no-op without one): for readers
    // that would go past the cache.
    static void miss();
  };

  // Returns the cached object for (path, tag) if the file is unchanged,
  // else runs `load` (which reads the file itself) and caches its result.
  template <typename T>
  Result<std::shared_ptr<const T>> get(const std::string& path, const std::string& tag,
                                       const std::function<Result<T>()>& load) {
    FileStamp st = stamp_file(path);
    std::string key = tag + '\0' + path;
    if (st.size >= 0) {
      std::lock_guard<std::mutex> lock(mu_);
      Entry* e = lru_.find(key);
      if (e && e->stamp == st) {
        ++hits_;
        return std::static_pointer_cast<const T>(e->data);
      }
    }
    if (CachedOnly::active()) {
      CachedOnly::miss();  // neither counted nor loaded: the caller tries again elsewhere
      return Error{"CacheMiss", path + " is not in the parsed-file cache", 503};
    }
    ++misses_;
    Result<T> loaded = load();
    if (!loaded.ok()) return loaded.error();
    auto ptr = std::make_shared<const T>(std::move(loaded).value());
    // Only cache when the file did not change while we read it.
    if (st.size >= 0 && stamp_file(path) == st) {
      size_t bytes = approx_bytes(*ptr);
      std::lock_guard<std::mutex> lock(mu_);
      lru_.put(key, Entry{st, ptr}, bytes);
    }
    return ptr;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.clear();
  }
  void set_budget(size_t budget_bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.set_budget(budget_bytes);
  }

  struct Stats {
    uint64_t hits = 0, misses = 0, evictions = 0;
    size_t entries = 0, bytes = 0, budget = 0;
  };
  Stats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {hits_, misses_, lru_.evictions(), lru_.size(), lru_.bytes(), lru_.budget()};
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lru_.size();
  }

 private:
  struct Entry {
    FileStamp stamp;
    std::shared_ptr<const void> data;
  };
  mutable std::mutex mu_;
  ByteLru<Entry> lru_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace lyn

#endif  // LYNGUINE_ACCESS_FILE_CACHE_H_
