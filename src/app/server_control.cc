#include "app/server_control.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/ensure_server.h"
#include "client/server_check.h"
#include "core/json.h"
#include "ops/process.h"
#include "ops/state_dir.h"
#include "ops/state_file.h"

namespace lyn::app {

namespace {

// JSON indented by 2 with its keys sorted, as these commands have always
// printed it.
std::string sorted_json(const Map& m) {
  std::vector<std::pair<std::string, Value>> items(m.begin(), m.end());
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Map sorted;
  for (auto& [k, v] : items) sorted.set(k, std::move(v));
  JsonWriteOptions o;
  o.indent = 2;
  return to_json(Value(std::move(sorted)), o);
}

// The record as the lifecycle commands print it: never the secrets.
Map shown(const ops::ServerRecord& r) {
  Map m = ops::record_to_value(r).as_map();
  m.erase("token");
  m.erase("nonce");
  return m;
}

Result<ops::StateDir> open_dir() {
  auto dir = ops::StateDir::open();
  if (!dir.ok()) std::fprintf(stderr, "lynguine: %s\n", dir.error().message.c_str());
  return dir;
}

}  // namespace

int serve_status(bool json) {
  // No live server: a line for people, or a JSON object for scripts.
  auto not_running = [json](const std::string& reason, const std::string& state_dir) {
    if (json) {
      Map m;
      m.set("alive", Value(false));
      m.set("reason", Value(reason));
      m.set("state_dir", state_dir.empty() ? Value() : Value(state_dir));
      std::printf("%s\n", sorted_json(m).c_str());
    } else {
      std::printf("lynguine server not running%s\n",
                  reason == "not running" ? "" : (" (" + reason + ")").c_str());
    }
    return 1;
  };
  auto dir = json ? ops::StateDir::open() : open_dir();
  if (!dir.ok()) return json ? not_running(dir.error().message, "") : 1;
  std::optional<std::pair<ops::ServerRecord, client::ServerCheck>> best;
  int stale = 0;
  for (auto& r : ops::list_records(*dir)) {
    client::ServerCheck c = client::check_server(r);
    if (!c.alive()) {
      ++stale;
      continue;
    }
    bool per_user = r.socket == dir->socket_path();
    if (!best || per_user ||
        (best->first.socket != dir->socket_path() && r.started_at > best->first.started_at))
      best.emplace(std::move(r), c);
  }
  if (!best)
    return not_running(stale ? std::to_string(stale) + " stale record(s) in " + dir->path()
                             : std::string("not running"),
                       dir->path());
  Map m = shown(best->first);
  m.set("alive", Value(true));
  m.set("check", Value(best->second.name()));
  m.set("state_file", Value(dir->path() + "/" + ops::record_name(best->first.pid)));
  std::printf("%s\n", sorted_json(m).c_str());
  return 0;
}

int serve_stop() {
  auto dir = open_dir();
  if (!dir.ok()) return 1;
  int stopped = 0, refused = 0;
  for (const auto& r : ops::list_records(*dir)) {
    client::ServerCheck c = client::check_server(r);
    if (!c.alive()) {
      ops::remove_record(*dir, r);  // stale
      continue;
    }
    if (!client::may_signal(r, c)) {
      // Whatever answers there did not prove it is the recorded server: its
      // pid is not ours to signal (the record may be forged).
      std::fprintf(stderr,
                   "lynguine: not stopping pid %d: %s; remove %s/%s if the record is wrong\n",
                   static_cast<int>(r.pid), c.detail.c_str(), dir->path().c_str(),
                   ops::record_name(r.pid).c_str());
      ++refused;
      continue;
    }
    // Requests in flight may take a while to drain; give them time, then insist.
    if (!ops::stop_process(r.pid, std::chrono::seconds(30), true)) {
      std::fprintf(stderr, "lynguine: server pid %d did not stop\n", static_cast<int>(r.pid));
      ++refused;
      continue;
    }
    ops::remove_record(*dir, r);  // a killed server cannot clean up after itself
    std::printf("lynguine server (pid %d) stopped\n", static_cast<int>(r.pid));
    ++stopped;
  }
  if (refused) return 1;
  if (!stopped) {
    std::printf("lynguine server not running\n");
    return 1;
  }
  return 0;
}

int serve_ensure(double idle_timeout_seconds) {
  client::EnsureOptions eo;
  eo.root = client::default_server_root();
  if (idle_timeout_seconds > 0)
    eo.idle_timeout_seconds = std::max(1, static_cast<int>(idle_timeout_seconds + 0.5));
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  auto st = client::ensure_server(eo);
  if (!st.ok()) {
    std::fprintf(stderr, "lynguine: cannot start a server: %s\n", st.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", sorted_json(shown(*st)).c_str());
  return 0;
}

}  // namespace lyn::app
