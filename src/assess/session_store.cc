// SessionStore: sessions, limits, expiry, metadata and crash recovery.
#include "assess/session_store.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/fs.h"
#include "core/json.h"
#include "core/random.h"

namespace lyn::assess {

namespace fs = std::filesystem;

struct SessionStore::Session {
  std::string id;
  SessionRequest request;
  Value timeout_shown;         // the metadata's "timeout"
  double timeout_seconds = 0;  // 0: never expires
  double created = 0;
  std::atomic<double> last_accessed{0};
  std::atomic<size_t> bytes{0};
  double persisted_at = 0;  // when the request file was last written (store mutex)

  std::mutex mu;  // guards cdf and dirty
  CustomDataFrame cdf;
  bool dirty = false;  // bytes needs recomputing
};

namespace {

Error session_not_found(std::string_view id) {
  return Error::key(py_string_repr("Session not found: " + std::string(id)));
}

double round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

constexpr double kMiB = 1024.0 * 1024.0;

Value number_value(double d) {
  if (d == std::floor(d) && std::fabs(d) < 9e15) return Value(static_cast<int64_t>(d));
  return Value(d);
}

}  // namespace

SessionStore::SessionStore(Options options) : options_(std::move(options)) {
  if (!options_.clock) {
    options_.clock = [] {
      using namespace std::chrono;
      return duration<double>(system_clock::now().time_since_epoch()).count();
    };
  }
  load_pending();
}

SessionStore::~SessionStore() = default;

double SessionStore::now() const {
  return options_.clock();
}

void SessionStore::load_pending() {
  if (options_.persist_dir.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(options_.persist_dir, ec)) return;
  for (const auto& entry : fs::directory_iterator(options_.persist_dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    auto text = read_file(entry.path().string(), {}, size_t{1} << 20);
    if (!text.ok()) continue;
    auto parsed = parse_json(*text);
    if (!parsed.ok() || !parsed->is_map()) continue;
    const Value& m = *parsed;
    const Value* root = m.get("root");
    const Value* id = m.get("session_id");
    const Value* file = m.get("interface_file");
    if (!root || !root->is_string() || root->as_string() != options_.root) continue;
    if (!id || !id->is_string() || !file || !file->is_string()) continue;
    if (entry.path().stem().string() != id->as_string()) continue;
    SessionRequest req;
    req.interface_file = file->as_string();
    if (const Value* d = m.get("directory")) req.directory = *d;
    if (const Value* f = m.get("interface_field")) req.interface_field = *f;
    if (const Value* t = m.get("timeout")) req.timeout = *t;
    if (const Value* b = m.get("base_dir"); b && b->is_string()) req.base_dir = b->as_string();
    if (const Value* o = m.get("owner"); o && o->is_string()) req.owner = o->as_string();
    double created = now();
    if (const Value* c = m.get("created_time"); c && c->is_number()) created = c->to_double();
    // A session that was idle past its timeout when the server stopped is gone.
    double timeout = options_.default_timeout_seconds;
    if (req.timeout.is_number()) timeout = req.timeout.to_double();
    if (const Value* a = m.get("last_accessed");
        a && a->is_number() && timeout > 0 && now() - a->to_double() > timeout) {
      fs::remove(entry.path(), ec);
      continue;
    }
    pending_[id->as_string()] = {std::move(req), created};
  }
}

void SessionStore::persist(Session& s) const {
  if (options_.persist_dir.empty()) return;
  std::error_code ec;
  fs::create_directories(options_.persist_dir, ec);
  s.persisted_at = now();
  Map m;
  m.set("session_id", Value(s.id));
  m.set("root", Value(options_.root));
  m.set("interface_file", Value(s.request.interface_file));
  m.set("directory", s.request.directory);
  m.set("interface_field", s.request.interface_field);
  m.set("timeout", s.request.timeout);
  m.set("base_dir", Value(s.request.base_dir));
  m.set("owner", Value(s.request.owner));
  m.set("created_time", Value(s.created));
  m.set("last_accessed", Value(s.last_accessed.load()));
  std::string text = to_json(Value(std::move(m)));
  // A session id is a capability: the file is the owner's alone. A failed
  // write only costs the session its survival of a restart.
  std::string final_path = (fs::path(options_.persist_dir) / (s.id + ".json")).string();
  (void)write_file_atomic(final_path, text, {}, kPrivateFile);
}

void SessionStore::unpersist(std::string_view id) const {
  if (options_.persist_dir.empty()) return;
  std::error_code ec;
  fs::remove(fs::path(options_.persist_dir) / (std::string(id) + ".json"), ec);
}

size_t SessionStore::sweep_locked() {
  double t = now();
  size_t dropped = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const Session& s = *it->second;
    if (s.timeout_seconds > 0 && t - s.last_accessed.load() > s.timeout_seconds) {
      unpersist(s.id);
      it = sessions_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

size_t SessionStore::sweep_expired() {
  std::lock_guard lock(mu_);
  return sweep_locked();
}

size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

size_t SessionStore::open_sessions() {
  std::lock_guard lock(mu_);
  sweep_locked();
  return sessions_.size() + pending_.size();
}

double SessionStore::total_memory_mb() const {
  std::lock_guard lock(mu_);
  double total = 0;
  for (const auto& [id, s] : sessions_) total += static_cast<double>(s->bytes.load()) / kMiB;
  return total;
}

Result<SessionStore::SessionPtr> SessionStore::build(SessionRequest request, std::string id,
                                                     double created, const Loader& load) {
  auto s = std::make_shared<Session>();
  s->id = std::move(id);
  if (request.timeout.is_null()) {
    s->timeout_seconds = options_.default_timeout_seconds;
    s->timeout_shown = number_value(options_.default_timeout_seconds);
  } else if (request.timeout.is_number() && !request.timeout.is_bool()) {
    double t = request.timeout.to_double();
    if (!(t >= 0) || !std::isfinite(t))
      return Error::value("timeout must be a non-negative number");
    s->timeout_seconds = t;
    s->timeout_shown = request.timeout;
  } else {
    return Error::value("timeout must be a number of seconds");
  }
  auto cdf = load(request);
  if (!cdf.ok()) return cdf.error();
  s->cdf = std::move(cdf).value();
  s->bytes = s->cdf.approx_bytes();
  s->request = std::move(request);
  s->created = created;
  s->last_accessed = now();
  return s;
}

Result<Value> SessionStore::create(SessionRequest request, const Loader& load) {
  auto limits = [&]() -> Status {
    if (request.owner_quota > 0) {
      size_t own = 0;
      for (const auto& [id, s] : sessions_) own += s->request.owner == request.owner;
      for (const auto& [id, p] : pending_) own += p.first.owner == request.owner;
      if (own >= request.owner_quota)
        return Error{"ValueError",
                     "Maximum number of sessions per API key (" +
                         std::to_string(request.owner_quota) +
                         ") reached. Delete existing sessions of this key.",
                     429};
    }
    if (sessions_.size() >= options_.max_sessions)
      return Error{"ValueError",
                   "Maximum number of sessions (" + std::to_string(options_.max_sessions) +
                       ") reached. Delete existing sessions or increase limit.",
                   409};
    double total = 0;
    for (const auto& [id, s] : sessions_) total += static_cast<double>(s->bytes.load()) / kMiB;
    if (total >= options_.max_memory_mb) {
      char cur[64];
      std::snprintf(cur, sizeof cur, "%.1f", total);
      return Error{"ValueError",
                   "Maximum memory limit (" + py_str(number_value(options_.max_memory_mb)) +
                       "MB) reached. Current: " + cur + "MB. Delete sessions to free memory.",
                   409};
    }
    return Ok{};
  };
  {
    std::lock_guard lock(mu_);
    sweep_locked();
    if (auto st = limits(); !st.ok()) return st.error();
  }
  LYN_TRY_ASSIGN(id, random_uuid());
  SessionRequest kept;  // what limits() reads, for the check after loading
  kept.owner = request.owner;
  kept.owner_quota = request.owner_quota;
  auto built = build(std::move(request), std::move(id), now(), load);
  if (!built.ok()) return built.error();
  SessionPtr s = std::move(built).value();
  request = std::move(kept);
  {
    std::lock_guard lock(mu_);
    if (auto st = limits(); !st.ok()) return st.error();  // filled up while loading
    sessions_.emplace_back(s->id, s);
    persist(*s);
  }
  return metadata(*s);
}

Result<SessionStore::SessionPtr> SessionStore::find(std::string_view id, const Loader& load,
                                                    std::string_view owner) {
  std::pair<SessionRequest, double> pending;
  {
    std::lock_guard lock(mu_);
    sweep_locked();
    for (auto& [sid, s] : sessions_)
      if (sid == id) {
        // Another key's session: as if it did not exist (no hint that it does).
        if (s->request.owner != owner) return session_not_found(id);
        s->last_accessed = now();
        // Keep the recorded access time roughly current (at most once a minute).
        if (s->last_accessed.load() - s->persisted_at > 60) persist(*s);
        return s;
      }
    auto it = pending_.find(std::string(id));
    if (it == pending_.end() || it->second.first.owner != owner) return session_not_found(id);
    pending = std::move(it->second);
    pending_.erase(it);
  }
  // Crash recovery: rebuild from the interface file, keeping id and creation time.
  auto built = build(std::move(pending.first), std::string(id), pending.second, load);
  std::lock_guard lock(mu_);
  if (!built.ok() || sessions_.size() >= options_.max_sessions) {
    unpersist(id);
    return session_not_found(id);
  }
  for (auto& [sid, s] : sessions_)
    if (sid == id) return s;  // rebuilt concurrently by another request
  sessions_.emplace_back(std::string(id), *built);
  persist(**built);
  return *built;
}

Value SessionStore::metadata(Session& s) const {
  std::lock_guard lock(s.mu);
  if (s.dirty) {
    s.bytes = s.cdf.approx_bytes();
    s.dirty = false;
  }
  double t = now();
  auto [rows, cols] = s.cdf.shape();
  Map m;
  m.set("session_id", Value(s.id));
  m.set("interface_file", Value(s.request.interface_file));
  m.set("directory", s.request.directory);
  m.set("interface_field", s.request.interface_field);
  m.set("shape", Value(List{Value(static_cast<int64_t>(rows)), Value(static_cast<int64_t>(cols))}));
  List columns;
  for (auto& c : s.cdf.columns()) columns.push_back(std::move(c));
  m.set("columns", Value(std::move(columns)));
  m.set("memory_mb", Value(round2(static_cast<double>(s.bytes.load()) / kMiB)));
  m.set("created_time", Value(s.created));
  m.set("last_accessed", Value(s.last_accessed.load()));
  m.set("timeout", s.timeout_shown);
  m.set("age_seconds", Value(round2(t - s.created)));
  m.set("idle_seconds", Value(round2(t - s.last_accessed.load())));
  return Value(std::move(m));
}

Result<Value> SessionStore::info(std::string_view id, const Loader& load, std::string_view owner) {
  auto s = find(id, load, owner);
  if (!s.ok()) return s.error();
  return metadata(**s);
}

Result<Value> SessionStore::with_session(std::string_view id, const Loader& load,
                                         const Operation& op, std::string_view owner) {
  auto found = find(id, load, owner);
  if (!found.ok()) return found.error();
  Session& s = **found;
  std::lock_guard lock(s.mu);
  s.dirty = true;
  auto out = op(s.cdf);
  s.last_accessed = now();
  return out;
}

Value SessionStore::list(const Loader& load, std::string_view owner) {
  std::vector<std::string> pending_ids;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, p] : pending_)
      if (p.first.owner == owner) pending_ids.push_back(id);
  }
  for (const auto& id : pending_ids) (void)find(id, load, owner);
  std::vector<SessionPtr> snapshot;
  {
    std::lock_guard lock(mu_);
    sweep_locked();
    for (const auto& [id, s] : sessions_)
      if (s->request.owner == owner) snapshot.push_back(s);
  }
  List sessions;
  double total = 0;
  for (const auto& s : snapshot) {
    sessions.push_back(metadata(*s));
    total += static_cast<double>(s->bytes.load()) / kMiB;
  }
  Map out;
  out.set("status", Value("success"));
  int64_t n = static_cast<int64_t>(sessions.size());
  out.set("sessions", Value(std::move(sessions)));
  out.set("total_sessions", Value(n));
  out.set("total_memory_mb", Value(total));
  return Value(std::move(out));
}

Status SessionStore::remove(std::string_view id, std::string_view owner) {
  std::lock_guard lock(mu_);
  sweep_locked();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
    if (it->first == id) {
      if (it->second->request.owner != owner) return session_not_found(id);
      sessions_.erase(it);
      unpersist(id);
      return Ok{};
    }
  if (auto it = pending_.find(std::string(id));
      it != pending_.end() && it->second.first.owner == owner) {
    pending_.erase(it);
    unpersist(id);
    return Ok{};
  }
  return session_not_found(id);
}

}  // namespace lyn::assess
