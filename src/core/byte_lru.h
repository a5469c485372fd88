// ByteLru: a map from string keys to values, each charged the bytes it
// holds, kept within a byte budget by dropping the least recently used
// entries. The caches of parsed files and Liquid templates use it, so a
// long-running server's memory stays bounded however many files it reads.
//
// Thread safety: none; the owning cache holds a mutex around every call.
#ifndef LYNGUINE_CORE_BYTE_LRU_H_
#define LYNGUINE_CORE_BYTE_LRU_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace lyn {

template <typename V>
class ByteLru {
 public:
  explicit ByteLru(size_t budget_bytes) : budget_(budget_bytes) {}

  // The value under `key`, now the most recently used; nullptr if absent.
  V* find(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  // Inserts or replaces, charging `bytes` (plus the key), then evicts the
  // least recently used entries until the total fits the budget. An entry
  // larger than the whole budget is not kept (false).
  bool put(const std::string& key, V value, size_t bytes) {
    erase(key);
    bytes += key.size() + kEntryOverhead;
    if (bytes > budget_) return false;
    order_.push_front(Node{key, std::move(value), bytes});
    index_[key] = order_.begin();
    bytes_ += bytes;
    shrink();
    return true;
  }

  bool erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    bytes_ -= it->second->bytes;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  void clear() {
    order_.clear();
    index_.clear();
    bytes_ = 0;
  }

  void set_budget(size_t budget_bytes) {
    budget_ = budget_bytes;
    shrink();
  }

  size_t budget() const { return budget_; }
  size_t bytes() const { return bytes_; }
  size_t size() const { return index_.size(); }
  // Entries dropped to keep within the budget, since construction.
  uint64_t evictions() const { return evictions_; }

  // What one entry costs besides its value and key: the list node and the
  // index slot, roughly.
  static constexpr size_t kEntryOverhead = 128;

 private:
  struct Node {
    std::string key;
    V value;
    size_t bytes;
  };

  void shrink() {
    while (bytes_ > budget_ && !order_.empty()) {
      const Node& last = order_.back();
      bytes_ -= last.bytes;
      index_.erase(last.key);
      order_.pop_back();
      ++evictions_;
    }
  }

  size_t budget_;
  size_t bytes_ = 0;
  uint64_t evictions_ = 0;
  std::list<Node> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Node>::iterator> index_;
};

}  // namespace lyn

#endif  // LYNGUINE_CORE_BYTE_LRU_H_
