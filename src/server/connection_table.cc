#include "server/connection_table.h"

namespace lyn::server {

void ConnectionTable::erase_locked(std::unordered_map<std::uint64_t, Entry>::iterator it) {
  if (!it->second.shared) {
    auto a = per_address_.find(it->second.address);
    if (a != per_address_.end() && --a->second == 0) per_address_.erase(a);
  }
  entries_.erase(it);
}

std::shared_ptr<Connection> ConnectionTable::take_quietest(
    const std::string* address, std::vector<std::shared_ptr<Connection>>* keep) {
  auto best = entries_.end();
  Connection::Clock::rep best_since = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (address && (it->second.shared || it->second.address != *address)) continue;
    auto c = it->second.conn.lock();
    if (!c) continue;
    auto since = c->quiet_since();
    keep->push_back(std::move(c));  // never the last owner under mu_ (its destructor locks it)
    if (since != 0 && (best == entries_.end() || since < best_since)) {
      best = it;
      best_since = since;
    }
  }
  if (best == entries_.end()) return nullptr;
  auto c = best->second.conn.lock();
  erase_locked(best);
  return c;
}

ConnectionTable::Added ConnectionTable::add(const std::shared_ptr<Connection>& c,
                                            const std::string& address) {
  Added out;
  std::vector<std::shared_ptr<Connection>> victims, keep;
  {
    std::lock_guard lock(mu_);
    bool shared = limits_.shared_address && limits_.shared_address(address);
    out.admitted = true;
    if (!shared && limits_.per_address > 0) {
      auto it = per_address_.find(address);
      if (it != per_address_.end() && it->second >= limits_.per_address) {
        if (auto v = take_quietest(&address, &keep))
          victims.push_back(std::move(v));
        else
          out.admitted = false;
      }
    }
    if (out.admitted && limits_.total > 0 && entries_.size() >= limits_.total) {
      if (auto v = take_quietest(nullptr, &keep))
        victims.push_back(std::move(v));
      else
        out.admitted = false;
    }
    out.id = next_id_++;
    entries_.emplace(out.id, Entry{c, address, shared});
    if (!shared) ++per_address_[address];
  }
  out.evicted = static_cast<int>(victims.size());
  for (auto& v : victims) v->evict();
  return out;
}

std::size_t ConnectionTable::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(id); it != entries_.end()) erase_locked(it);
  return entries_.size();
}

bool ConnectionTable::evict_quietest() {
  std::shared_ptr<Connection> victim;
  std::vector<std::shared_ptr<Connection>> keep;
  {
    std::lock_guard lock(mu_);
    victim = take_quietest(nullptr, &keep);
  }
  if (!victim) return false;
  victim->evict();
  return true;
}

std::size_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::size_t ConnectionTable::on_address(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

std::vector<std::shared_ptr<Connection>> ConnectionTable::all() const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, e] : entries_)
    if (auto c = e.conn.lock()) out.push_back(std::move(c));
  return out;
}

}  // namespace lyn::server
