// libFuzzer target: Liquid parse + render. Input: an optional JSON object
// (the context) and a NUL byte, then the template; without a NUL the whole
// input is the template, rendered against a fixed context.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <variant>

#include "assess/liquid/liquid.h"
#include "core/json.h"
#include "core/value.h"

namespace {

const lyn::Map& default_context() {
  static const lyn::Map ctx = [] {
    auto v = lyn::parse_json(
        R"({"name":"Ada","n":42,"x":-3.5,"flag":true,"none":null,"empty":"",)"
        R"("list":[1,2,"three",[4,5],{"k":"v"}],"words":["b","a","c"],)"
        R"("page":{"title":"T","tags":["x","y"],"date":"2024-01-02"},)"
        R"("big":123456789012345678901234567890,"html":"<a href='x'>&</a>"})");
    return v.ok() && v->is_map() ? v->as_map() : lyn::Map{};
  }();
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  lyn::Map context = default_context();
  std::string_view source = in;
  if (const void* nul = memchr(data, 0, size)) {
    size_t at = static_cast<const uint8_t*>(nul) - data;
    auto v = lyn::parse_json(in.substr(0, at));
    if (v.ok() && v->is_map()) context = v->as_map();
    source = in.substr(at + 1);
  }
  auto parsed = lyn::liquid::parse(source);
  if (auto* t = std::get_if<std::shared_ptr<const lyn::liquid::Template>>(&parsed)) {
    (void)lyn::liquid::render(**t, context);
  }
  return 0;
}
