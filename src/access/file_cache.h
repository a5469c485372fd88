// FileCache: parsed files kept in memory between requests, keyed by the
// file's canonical path and a tag naming what was parsed (and with which
// options). An entry is served only while the file's (size, mtime in ns,
// inode, ctime in ns) stamp is unchanged, so a file edited between two
// requests -- even within the same second -- is never served stale.
//
// Thread safety: all methods may be called from any thread; a mutex guards
// the map and parsing happens outside it (two threads may parse the same
// file at once; the last one wins, both answers are correct).
#ifndef LYNGUINE_ACCESS_FILE_CACHE_H_
#define LYNGUINE_ACCESS_FILE_CACHE_H_

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/status.h"

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

class FileCache {
 public:
  explicit FileCache(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // Returns the cached object for (path, tag) if the file is unchanged,
  // else runs `load` (which reads the file itself) and caches its result.
  template <typename T>
  Result<std::shared_ptr<const T>> get(const std::string& path, const std::string& tag,
                                       const std::function<Result<T>()>& load) {
    FileStamp st = stamp_file(path);
    std::string key = tag + '\0' + path;
    if (st.size >= 0) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(key);
      if (it != map_.end() && it->second.stamp == st) {
        ++hits_;
        return std::static_pointer_cast<const T>(it->second.data);
      }
    }
    ++misses_;
    Result<T> loaded = load();
    if (!loaded.ok()) return loaded.error();
    auto ptr = std::make_shared<const T>(std::move(loaded).value());
    // Only cache when the file did not change while we read it.
    if (st.size >= 0 && stamp_file(path) == st) {
      std::lock_guard<std::mutex> lock(mu_);
      if (map_.size() >= max_entries_) map_.clear();
      map_[key] = Entry{st, ptr};
    }
    return ptr;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    map_.clear();
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.size();
  }

 private:
  struct Entry {
    FileStamp stamp;
    std::shared_ptr<const void> data;
  };
  size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace lyn

#endif  // LYNGUINE_ACCESS_FILE_CACHE_H_
