#include "app/server_control.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "client/ensure_server.h"
#include "core/json.h"
#include "ops/process.h"
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

}  // namespace

int serve_status() {
  auto dir = ops::state_dir();
  if (!dir.ok()) {
    std::fprintf(stderr, "lynguine: %s\n", dir.error().message.c_str());
    return 1;
  }
  auto st = ops::read_state(*dir);
  if (!st.ok()) {
    std::printf("lynguine server not running\n");
    return 1;
  }
  if (!client::is_alive(*st)) {
    std::printf("lynguine server not running (stale state for pid %d in %s)\n",
                static_cast<int>(st->pid), ops::state_file_path(*dir).c_str());
    return 1;
  }
  Map m = ops::state_to_value(*st).as_map();
  m.erase("token");
  m.set("alive", Value(true));
  m.set("state_file", Value(ops::state_file_path(*dir)));
  std::printf("%s\n", sorted_json(m).c_str());
  return 0;
}

int serve_stop() {
  auto dir = ops::state_dir();
  if (!dir.ok()) {
    std::fprintf(stderr, "lynguine: %s\n", dir.error().message.c_str());
    return 1;
  }
  auto st = ops::read_state(*dir);
  if (!st.ok() || !client::is_alive(*st)) {
    if (st.ok()) ops::remove_state(*dir);  // stale
    std::printf("lynguine server not running\n");
    return 1;
  }
  // Requests in flight may take a while to drain; give them time, then insist.
  if (!ops::stop_process(st->pid, std::chrono::seconds(30), true)) {
    std::fprintf(stderr, "lynguine: server pid %d did not stop\n", static_cast<int>(st->pid));
    return 1;
  }
  // A killed server cannot clean up after itself.
  if (auto again = ops::read_state(*dir); again.ok() && again->pid == st->pid)
    ops::remove_state(*dir);
  std::printf("lynguine server (pid %d) stopped\n", static_cast<int>(st->pid));
  return 0;
}

int serve_ensure() {
  client::EnsureOptions eo;
  eo.root = client::default_server_root();
  eo.on_message = [](const std::string& m) { std::fprintf(stderr, "lynguine: %s\n", m.c_str()); };
  auto st = client::ensure_server(eo);
  if (!st.ok()) {
    std::fprintf(stderr, "lynguine: cannot start a server: %s\n", st.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", ops::state_to_json(*st).c_str());
  return 0;
}

}  // namespace lyn::app
