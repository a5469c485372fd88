// libFuzzer target: the JSON parser, and the request path a POST body takes
// (Api::handle for /api/read_data with a root in a temp directory holding a
// few small data files).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/json.h"
#include "fuzz_util.h"
#include "service/api.h"

namespace {

lyn::service::Api& api() {
  static std::unique_ptr<lyn::service::Api> a = [] {
    const std::string& root = lyn_fuzz::temp_root();
    lyn_fuzz::write_file(root + "/people.csv", "name,age\nAda,36\nAlan,41\n");
    lyn_fuzz::write_file(root + "/data.yml", "- {name: Ada, age: 36}\n- {name: Alan}\n");
    lyn_fuzz::write_file(root + "/data.json", "[{\"name\": \"Ada\", \"age\": 36}]");
    lyn_fuzz::write_file(root + "/_lynguine.yml",
                         "input:\n  type: csv\n  filename: people.csv\n  index: name\n");
    lyn::service::ApiOptions o;
    o.root = root;
    return std::make_unique<lyn::service::Api>(o);
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = lyn::parse_json(text);
  if (v.ok()) {
    std::string again = lyn::to_json(*v);
    auto w = lyn::parse_json(again);
    if (!w.ok()) __builtin_trap();  // our own output must parse
  }
  auto reply = api().handle("POST", "/api/read_data", text);
  if (reply.status < 200 || reply.status > 599) __builtin_trap();
  if (!lyn::parse_json(reply.body).ok()) __builtin_trap();  // replies are JSON
  return 0;
}
