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

// Keys sorted, and (as text) indented by 2, as these commands have always
// printed them.
Map sorted_json_map(const Map& m) {
  std::vector<std::pair<std::string, Value>> items(m.begin(), m.end());
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Map sorted;
  for (auto& [k, v] : items) sorted.set(k, std::move(v));
  return sorted;
}

std::string sorted_json(const Map& m) {
  JsonWriteOptions o;
  o.indent = 2;
  return to_json(Value(sorted_json_map(m)), o);
}

// The record as the lifecycle commands print it: never the secrets.
Map shown(const ops::ServerRecord& r) {
  Map m = ops::record_to_value(r).as_map();
  m.erase("token");
  m.erase("nonce");
  return m;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "45s", "12m05s", "3h07m", "2d04h": an uptime for the list's column.
std::string uptime_text(double seconds) {
  long long s = seconds > 0 ? static_cast<long long>(seconds) : 0;
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else if (s < 86400)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s % 3600 / 60);
  else
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
  return buf;
}

// The security mode as the list shows it: who may use the server.
std::string security_text(const ops::ServerRecord& r) {
  std::string mode = r.auth.empty() ? "unknown" : r.auth;
  return r.tls ? mode + "+tls" : mode;
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
  // What the probe was answered (a refusal -- 401, 403, 429 -- still proves
  // a live server); null if it got no answer.
  m.set("probe_status",
        best->second.status ? Value(static_cast<int64_t>(best->second.status)) : Value());
  m.set("state_file", Value(dir->path() + "/" + ops::record_name(best->first.pid)));
  std::printf("%s\n", sorted_json(m).c_str());
  return 0;
}

int serve_list(bool json) {
  auto dir = open_dir();
  if (!dir.ok()) return 1;
  double now = unix_now();
  List servers;
  for (const auto& r : ops::list_records(*dir)) {
    client::ServerCheck c = client::check_server(r);
    if (!c.alive()) continue;  // stale: --stop removes it; a list changes nothing
    double uptime = now - r.started_at;
    if (json) {
      Map m = shown(r);
      m.set("uptime_seconds", Value(uptime));
      m.set("check", Value(c.name()));
      m.set("probe_status", c.status ? Value(static_cast<int64_t>(c.status)) : Value());
      m.set("state_file", Value(dir->path() + "/" + ops::record_name(r.pid)));
      servers.push_back(Value(sorted_json_map(m)));
      continue;
    }
    std::printf("%-8d %-32s %-14s %-8s %s\n", static_cast<int>(r.pid), r.url().c_str(),
                security_text(r).c_str(), uptime_text(uptime).c_str(), r.root.c_str());
  }
  if (json) {
    JsonWriteOptions o;
    o.indent = 2;
    std::printf("%s\n", to_json(Value(std::move(servers)), o).c_str());
  }
  return 0;
}

int serve_stop(const StopTarget& which) {
  auto dir = open_dir();
  if (!dir.ok()) return 1;
  auto selected = [&which](const ops::ServerRecord& r) {
    if (which.port) return r.socket.empty() && r.port == which.port;
    if (!which.socket.empty()) return r.socket == which.socket;
    return true;
  };
  int stopped = 0, refused = 0;
  for (const auto& r : ops::list_records(*dir)) {
    if (!selected(r)) continue;
    client::ServerCheck c = client::check_server(r);
    if (!c.alive()) {
      ops::remove_record(*dir, r);  // stale: its process is gone (or its pid reused)
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
    // A server removes its record as it exits: where the system cannot tell
    // a zombie from a live process, that is how its exit is seen.
    auto record_gone = [&dir, pid = r.pid] { return !ops::read_record(*dir, pid).ok(); };
    if (!ops::stop_process(r.pid, std::chrono::seconds(30), true, record_gone)) {
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
    std::string where = which.port             ? " on port " + std::to_string(which.port)
                        : which.socket.empty() ? std::string()
                                               : " on " + which.socket;
    std::printf("lynguine server not running%s\n", where.c_str());
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
