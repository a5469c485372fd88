// ConnectionTable: the server's open connections, for the connection limits
// of issue 12.4 (a total and a per-address cap, applied as a connection is
// accepted, before any request on it is read, hence before the Guard's rate
// limiter). Over a cap, the connection that has been quiet longest (idle
// between requests, or still sending a request's head or body: nothing of
// the server's work is lost by closing it) is evicted to make room, from the
// same address when the per-address cap is the one reached. So neither 1,030
// idle sockets nor a few slowloris connections can keep other clients out:
// each new connection pushes the oldest quiet one out. Only when every
// connection is busy (its request handled or its answer being written) is a
// new one refused.
//
// Thread safety: every method may be called from any thread (one mutex);
// Connection::evict() is called with that mutex released.
#ifndef LYNGUINE_SERVER_CONNECTION_TABLE_H_
#define LYNGUINE_SERVER_CONNECTION_TABLE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lyn::server {

// What the table needs of a connection.
class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~Connection() = default;

  // Closes the connection (from any thread: it posts to its own strand).
  virtual void evict() = 0;
  // Called when the server starts draining (from any thread).
  virtual void on_drain() = 0;

  // Quiet: nothing of the server's work would be lost by closing it now.
  void set_quiet(bool quiet) {
    quiet_since_.store(quiet ? Clock::now().time_since_epoch().count() : 0,
                       std::memory_order_relaxed);
  }
  // Since when it is quiet; 0 while busy.
  Clock::rep quiet_since() const { return quiet_since_.load(std::memory_order_relaxed); }

 private:
  std::atomic<Clock::rep> quiet_since_{0};
};

class ConnectionTable {
 public:
  struct Limits {
    std::size_t total = 0;        // 0: no cap
    std::size_t per_address = 0;  // 0: no cap
    // Addresses counted only against the total (trusted proxies); may be unset.
    std::function<bool(std::string_view address)> shared_address;
  };
  struct Added {
    std::uint64_t id = 0;
    bool admitted = false;  // false: over a cap with nothing to evict; refuse it
    int evicted = 0;        // connections evicted to make room
  };

  explicit ConnectionTable(Limits limits) : limits_(std::move(limits)) {}

  // Registers `c`, evicting quiet connections as the caps require. A refused
  // connection stays registered (it is answered 503, then removed).
  Added add(const std::shared_ptr<Connection>& c, const std::string& address);
  // Forgets the connection (idempotent; an evicted one is already forgotten).
  // Returns the number of connections left.
  std::size_t remove(std::uint64_t id);
  // Evicts the quietest connection of all (the process is out of file
  // descriptors); false if none is quiet.
  bool evict_quietest();

  std::size_t size() const;
  std::size_t on_address(const std::string& address) const;
  // Every live connection (for draining).
  std::vector<std::shared_ptr<Connection>> all() const;

 private:
  struct Entry {
    std::weak_ptr<Connection> conn;
    std::string address;
    bool shared;
  };
  // The quietest connection (on `address` when non-null), removed from the
  // table; nullptr if none. Under mu_; every connection it looks at is
  // kept alive in *keep, to be released after mu_.
  std::shared_ptr<Connection> take_quietest(const std::string* address,
                                            std::vector<std::shared_ptr<Connection>>* keep);
  void erase_locked(std::unordered_map<std::uint64_t, Entry>::iterator it);

  Limits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::uint64_t next_id_ = 1;
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_CONNECTION_TABLE_H_
