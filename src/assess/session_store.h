// SessionStore: lynguine's SessionManager. Holds the CustomDataFrames of
// open sessions under uuid4 ids, with lynguine's limits (at most
// `max_sessions`, a memory ceiling), idle expiry (a session idle for longer
// than its timeout is dropped; timeout 0 never expires), the metadata the
// session endpoints answer with, and crash recovery: each session's creation
// request is written to `persist_dir` (one JSON file per session, written
// atomically, removed on delete or expiry), and a store started later for
// the same root rebuilds such a session from its interface file the first
// time it is asked for (or listed). The recorded access time is refreshed
// at most once a minute; a session found idle past its timeout is dropped.
//
// Sessions are capabilities: ids come from the secure random source
// (core/random.h), and each session belongs to the principal that created it
// (the API key, the local token, or "local" for direct mode and the
// per-user socket): other principals neither list nor touch it -- to them it
// does not exist (KeyError, as for an unknown id). A creator with a quota
// (owner_quota: API keys, which share one server) may hold at most that
// many sessions.
//
// Thread safety: every public method may be called from any thread. One
// store mutex guards the id -> session map and the pending recoveries; each
// session has its own mutex, held while an operation runs on its frame, so
// different sessions proceed in parallel and one session's operations are
// serialised. Frames are loaded (slow I/O) outside the store mutex. The
// lock order is store mutex, then a session mutex, never the reverse.
#ifndef LYNGUINE_ASSESS_SESSION_STORE_H_
#define LYNGUINE_ASSESS_SESSION_STORE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "assess/custom_dataframe.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::assess {

// What a client asked for when creating a session; kept to rebuild it.
struct SessionRequest {
  std::string interface_file;
  Value directory = Value(".");  // as sent (echoed in the metadata)
  Value interface_field;         // null when absent
  Value timeout;                 // as sent; null: the store's default
  std::string base_dir;          // the request's base directory
  std::string owner = "local";   // the principal the session belongs to (persisted)
  size_t owner_quota = 0;        // at most this many sessions of owner's; 0: no quota
};

class SessionStore {
 public:
  struct Options {
    size_t max_sessions = 100;
    double max_memory_mb = 10000;
    double default_timeout_seconds = 3600;
    std::string root;         // the server root the sessions belong to
    std::string persist_dir;  // empty: no crash recovery
    // Seconds since the epoch; injectable for tests of expiry.
    std::function<double()> clock;
  };
  // Builds a session's frame from its request (the handler's loader).
  using Loader = std::function<Result<CustomDataFrame>(const SessionRequest&)>;
  // An operation on a session's frame, run under that session's mutex.
  using Operation = std::function<Result<Value>(CustomDataFrame&)>;

  explicit SessionStore(Options options);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Loads and registers a new session; its metadata. ValueError when the
  // store is full ("Maximum number of sessions (100) reached. ...").
  Result<Value> create(SessionRequest request, const Loader& load);
  // The session's metadata (its access time updated first). KeyError
  // "Session not found: ID" (404) for an unknown or expired id, or one that
  // `owner` (the caller's principal) did not create.
  Result<Value> info(std::string_view id, const Loader& load, std::string_view owner = "local");
  // Runs `op` on the session's frame (access time updated).
  Result<Value> with_session(std::string_view id, const Loader& load, const Operation& op,
                             std::string_view owner = "local");
  // {sessions: [metadata...], total_sessions, total_memory_mb} of `owner`'s
  // sessions, in creation order.
  Value list(const Loader& load, std::string_view owner = "local");
  Status remove(std::string_view id, std::string_view owner = "local");

  // Drops sessions idle for longer than their timeout; how many.
  size_t sweep_expired();
  size_t size() const;
  // Sessions open now: live ones (expired ones dropped first) plus persisted
  // ones not yet rebuilt. Loads nothing and touches no access time (a
  // metrics scrape must not keep sessions alive).
  size_t open_sessions();
  double total_memory_mb() const;
  const Options& options() const { return options_; }

 private:
  struct Session;
  using SessionPtr = std::shared_ptr<Session>;

  double now() const;
  // The session (recovering a persisted one when needed), or KeyError.
  Result<SessionPtr> find(std::string_view id, const Loader& load, std::string_view owner);
  Result<SessionPtr> build(SessionRequest request, std::string id, double created,
                           const Loader& load);
  Value metadata(Session& s) const;
  void persist(Session& s) const;  // under mu_
  void unpersist(std::string_view id) const;
  void load_pending();
  size_t sweep_locked();

  Options options_;
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, SessionPtr>> sessions_;          // creation order
  std::map<std::string, std::pair<SessionRequest, double>> pending_;  // id -> request, created
};

}  // namespace lyn::assess

#endif  // LYNGUINE_ASSESS_SESSION_STORE_H_
